"""Reader for JSON Lines: one article per line.

Fields (documented in docs/ingest.md): ``text`` (required), ``id`` (kept as ``external_id``),
``title``, ``published`` (ISO date or datetime; the date part is kept), ``publication``,
``edition``, ``byline``, ``agency``, ``url``, ``language``, ``country``. Unknown fields are ignored.
A bad line becomes a ``Rejected`` naming its line number; the other lines are still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

from tidings.errors import reason
from tidings.ingest import Reader, ReadOptions, Unit, publication_date, register
from tidings.ingest.press import find_agency
from tidings.ingest.text import decode
from tidings.types import Article, Rejected

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
STRING_FIELDS = (
    "title",
    "publication",
    "edition",
    "byline",
    "agency",
    "url",
    "language",
    "country",
    "dateline",
)


def _date(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    m = ISO_DATE.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read(unit: Unit, options: ReadOptions) -> Iterator[Article | Rejected]:
    text, why = decode(unit.data)
    if text is None:
        yield Rejected(source=unit.source, member=unit.member, code="R105", reason=reason("R105", detail=why))
        return
    prefix = f"{unit.member} " if unit.member else ""
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        member = f"{prefix}line {n}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejected(
                source=unit.source,
                member=member,
                line=n,
                code="R106",
                reason=reason("R106", line=n, detail=exc.msg),
            )
            continue
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("text"), str)
            or not record["text"].strip()
        ):
            yield Rejected(
                source=unit.source, member=member, line=n, code="R107", reason=reason("R107", line=n)
            )
            continue
        fields = {name: _str(record.get(name)) for name in STRING_FIELDS}
        published, date_source = publication_date(
            _date(record.get("published") or record.get("date")), "file", options, unit.member or unit.source
        )
        body = record["text"].replace("\r\n", "\n").replace("\r", "\n")
        yield Article(
            text=body,
            source=unit.source,
            member=member,
            format="jsonl",
            external_id=_str(record.get("id")),
            published=published,
            date_source=date_source,
            **{**fields, "agency": fields["agency"] or find_agency(fields["byline"])},
        )


def sniff(unit: Unit) -> float:
    head = unit.data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return 0.0
    first = head.split(b"\n", 1)[0]
    try:
        record = json.loads(first)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return 0.3 if unit.source.lower().endswith((".jsonl", ".ndjson")) else 0.0
    return 0.95 if isinstance(record, dict) and "text" in record else 0.4


register(
    Reader(
        name="jsonl",
        read=read,
        sniff=sniff,
        extensions=(".jsonl", ".ndjson"),
        description="JSON Lines, one article per line with a 'text' field",
    )
)

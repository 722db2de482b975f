"""``--format plover``: events as PLOVER JSON records, one per line.

Field names follow the PLOVER data interchange specification (openeventdata/PLOVER manual, "PLOVER
JSON"): ``id``, ``date``, ``source`` and ``recipient`` (lists of actor objects with ``code``,
``sector``, ``actor_text``, ``identifier_id``), ``event`` (list of PLOVER categories), ``mode``,
``context``, ``quad_code``, ``event_scale`` (the Goldstein value), ``event_loc`` (a GeoNames-style
location object), ``text_info`` and ``cite_info``. tidings adds ``cameo`` (the CAMEO code), the
``negated``/``modal``/``historical`` flags, ``rule``/``confidence`` and, for aggregated events,
``num_mentions``/``num_sources``/``num_articles``. Events whose CAMEO code has no PLOVER category
(roots 01 and 02) are written with ``"has_event": false`` and an empty ``event`` list, so no record
is silently dropped. Keys are sorted, so the same database gives byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from tidings import codebook
from tidings.export import register_format

CODEBOOK_NAME = "plover-cameo2plover-2021"


def _actor(row: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    name = row.get(prefix)
    code = row.get(f"{prefix}_code")
    if not name and not code:
        return []
    from tidings.export.gdelt import split_actor_code

    country, sectors = split_actor_code(code, row.get(f"{prefix}_country"))
    actor = {
        "actor_text": name,
        "code": country,
        "sector": "".join(sectors) or None,
        "identifier_id": row.get(f"{prefix}_actor_id"),
        "cameo_code": code,
    }
    return [{k: v for k, v in actor.items() if v not in (None, "")}]


def _location(row: dict[str, Any]) -> dict[str, Any] | None:
    if row.get("lat") is None and not row.get("place"):
        return None
    from tidings.extract.places import describe_place

    entry = describe_place(row.get("place"), row.get("place_country"), row.get("lat"), row.get("lon"))
    loc = {
        "name": row.get("place"),
        "latitude": row.get("lat"),
        "longitude": row.get("lon"),
        "cc3": row.get("place_country"),
        "country code": entry.iso2 if entry else None,
        "geonameid": entry.geonameid if entry else None,
        "feature class": {"city": "P", "admin": "A", "country": "A"}.get(entry.kind) if entry else None,
        "feature code": {"city": "PPL", "admin": "ADM1", "country": "PCLI"}.get(entry.kind)
        if entry
        else None,
    }
    return {k: v for k, v in loc.items() if v is not None}


def plover_record(row: dict[str, Any]) -> dict[str, Any]:
    """One mention or aggregated event as a PLOVER JSON object."""
    cameo = row.get("cameo") or ""
    entry = codebook.lookup(cameo) if cameo else None
    event_type = row.get("plover_type") or (entry.plover_type if entry else None)
    mode = row.get("plover_mode") or (entry.plover_mode if entry else None)
    context = entry.plover_context.split(";") if entry and entry.plover_context else []
    record: dict[str, Any] = {
        "id": row.get("id"),
        "has_event": bool(event_type),
        "date": row.get("date"),
        "source": _actor(row, "source"),
        "recipient": _actor(row, "target"),
        "event": [event_type] if event_type else [],
        "mode": [mode] if mode else [],
        "context": context,
        "quad_code": row.get("quad_class")
        if row.get("quad_class") is not None
        else (entry.quad_class if entry else None),
        "event_scale": row.get("goldstein")
        if row.get("goldstein") is not None
        else (entry.goldstein if entry else None),
        "cameo": cameo,
        "negated": bool(row.get("negated")),
        "modal": row.get("modal"),
        "historical": bool(row.get("historical")),
        "cite_info": {
            k: v
            for k, v in {
                "url": row.get("url"),
                "title": row.get("title"),
                "publication": row.get("publication"),
                "citation": row.get("article_id", row.get("first_article_id")),
                "codebook": CODEBOOK_NAME,
                "coder": "tidings",
            }.items()
            if v is not None
        },
        "coder": "tidings",
    }
    location = _location(row)
    if location:
        record["event_loc"] = location
    if "sentence" in row:
        info: dict[str, Any] = {"sequence": row.get("sentence")}
        spans = row.get("spans")
        if isinstance(spans, str) and spans.startswith("["):
            spans = json.loads(spans)
        if spans:
            info["start"] = min(s[0] for s in spans)
            info["end"] = max(s[1] for s in spans)
        record["text_info"] = info
        record["rule"] = row.get("rule")
        record["confidence"] = row.get("confidence")
        record["quote_id"] = row.get("quote_id")
    for count in ("num_mentions", "num_sources", "num_articles"):
        if count in row:
            record[count] = row[count]
    return record


def write_plover(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write rows (mentions or aggregated events) as PLOVER JSON lines; returns the record count."""
    n = 0
    for row in rows:
        out.write(json.dumps(plover_record(row), sort_keys=True, ensure_ascii=False) + "\n")
        n += 1
    return n


register_format("plover", write_plover, tables=("events",))

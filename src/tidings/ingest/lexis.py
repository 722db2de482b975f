"""LexisNexis and Nexis Uni text exports, many documents per file.

Owns the Lexis reader. Two layouts:

* *classic* LexisNexis Academic: each document starts with ``N of M DOCUMENTS``, then the
  publication, the date line (``March 11, 2024 Monday``), an optional edition, the headline,
  header labels (``BYLINE:``, ``SECTION:``, ``LENGTH:``, ``DATELINE:``), the body, and trailing
  labels (``LOAD-DATE:``, ``LANGUAGE:``, ``GRAPHIC:``, ``PUBLICATION-TYPE:``) and a copyright line;
* *Nexis Uni*: headline, publication, date line, optional edition, copyright, header labels in
  title case (``Byline:``, ``Length:``), a ``Body`` line, the text, an optional
  ``Classification`` block with trailing labels, and ``End of Document``.

Field mapping: headline→title, publication line→publication (a trailing ``(Country)`` becomes
``country`` when it names one), date line→published, edition line→edition, BYLINE→byline
(agency recognised), DATELINE→dateline, LANGUAGE→language (ISO 639-1), body paragraphs→text
(wrapped lines joined with a space, paragraphs with a blank line). ``LOAD-DATE`` is when the
database loaded the story, not when it was published, so it is never used as the date.
A document without body text is one R104 rejection; the others are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tidings.errors import reason
from tidings.ingest import Reader, ReadOptions, Unit, publication_date, register
from tidings.ingest.html import head_text, locate, squeeze_spaces, unit_name, wire_metadata
from tidings.ingest.text import decode
from tidings.types import Article, Rejected

HEADER_LABELS = frozenset("BYLINE SECTION LENGTH DATELINE HIGHLIGHT EDITION SOURCE AUTHOR WORD-COUNT".split())
TRAILING_LABELS = frozenset(
    (
        "LOAD-DATE LANGUAGE GRAPHIC PUBLICATION-TYPE DOCUMENT-TYPE JOURNAL-CODE NOTES CORRECTION "
        "CORRECTION-DATE SUBJECT ORGANIZATION GEOGRAPHIC PERSON INDUSTRY COUNTRY CITY STATE TICKER "
        "URL DISTRIBUTION TYPE COMPANY ACC-NO SERIES"
    ).split()
)
_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z-]{1,24}):\s*(?P<value>.*?)\s*$")
_DOCS_MARKER = re.compile(r"^\s*(?P<n>\d+)\s+of\s+(?P<m>\d+)\s+DOCUMENTS?\s*$", re.I)
_END_MARKER = re.compile(r"^\s*End of Document\s*$", re.I)
_BODY_LINE = re.compile(r"^\s*Body\s*$")
_CLASSIFICATION = re.compile(r"^\s*Classification\s*$")
_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)|all rights reserved)", re.I)
_PAREN_TAIL = re.compile(r"^(?P<name>.+?)\s*\((?P<inside>[^()]+)\)\s*$")
SNIFF_BYTES = 65536


def _label(line: str) -> tuple[str, str] | None:
    m = _LABEL.match(line)
    if not m:
        return None
    label = m["label"].upper()
    if label in HEADER_LABELS or label in TRAILING_LABELS:
        return label, m["value"]
    return None


def split_documents(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(first line number, lines) per document, by ``N of M DOCUMENTS`` or ``End of Document``."""
    markers = [i for i, ln in enumerate(lines) if _DOCS_MARKER.match(ln)]
    if markers:
        bounds = [*markers, len(lines)]
        return [(bounds[k] + 2, lines[bounds[k] + 1 : bounds[k + 1]]) for k in range(len(markers))]
    documents: list[tuple[int, list[str]]] = []
    start = 0
    for i, line in enumerate(lines):
        if _END_MARKER.match(line):
            documents.append((start + 1, lines[start:i]))
            start = i + 1
    rest = lines[start:]
    if any(ln.strip() for ln in rest):
        documents.append((start + 1, rest))
    return documents


def _blocks(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(current)
            current = []
    return out


def _country(name: str) -> str | None:
    """ISO3 code when the name is exactly a country (no fuzzy match: "(London)" is a city)."""
    from tidings.ingest.press import COUNTRY_NAMES

    key = name.strip().lower()
    if key in COUNTRY_NAMES:
        return COUNTRY_NAMES[key]
    import pycountry  # only when the table has no answer, as in press.country_code

    try:
        return str(pycountry.countries.lookup(key).alpha_3)
    except LookupError:
        return None


def _date(value: str) -> str | None:
    from tidings.ingest.press import parse_date_line

    value = value.strip()
    return parse_date_line(value) or parse_date_line(re.sub(r"\s+[A-Za-z]+day\s*$", "", value))


def _parse(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Header values (title, publication, date, edition and labels) and body paragraphs."""
    fields: dict[str, str] = {}
    body_start: int | None = None
    body_end = len(lines)
    first_label: int | None = None
    last_header_label: int | None = None
    # Header labels, the Body line and where the body ends.
    i = 0
    while i < len(lines):
        line = lines[i]
        if _BODY_LINE.match(line) and body_start is None:
            body_start = i + 1
            i += 1
            continue
        found = _label(line)
        if found:
            label, value = found
            if first_label is None:
                first_label = i
            if label in TRAILING_LABELS and (body_start is not None or last_header_label is not None):
                body_end = min(body_end, i)
            elif body_start is None:
                last_header_label = i
            # A label's value may continue on the following lines up to a blank line.
            j = i + 1
            extra: list[str] = []
            while j < len(lines) and lines[j].strip() and not _label(lines[j]) and body_start is None:
                if label in TRAILING_LABELS or label == "HIGHLIGHT":
                    extra.append(lines[j].strip())
                    j += 1
                else:
                    break
            fields.setdefault(label, " ".join([value, *extra]).strip())
            if label in TRAILING_LABELS and i >= body_end:
                i = j
                continue
            i = j if extra else i + 1
            continue
        if _CLASSIFICATION.match(line) and body_start is not None:
            body_end = min(body_end, i)
        i += 1
    if body_start is None:
        body_start = (last_header_label + 1) if last_header_label is not None else None
    header_end = first_label if first_label is not None else (body_start - 1 if body_start else 0)
    if body_start is not None and first_label is not None:
        header_end = min(first_label, body_start)
    # Pre-header: publication, date line, edition, headline (order depends on the layout).
    pre = [[ln for ln in b if not _COPYRIGHT.match(ln)] for b in _blocks(lines[:header_end])]
    pre = [b for b in pre if b]
    located = [(k, ln) for k, b in enumerate(pre) for ln in b]
    date_at = next((n for n, (_, ln) in enumerate(located) if _date(ln)), None)
    if date_at is not None:
        date_block = located[date_at][0]
        fields["_date"] = located[date_at][1]
        before = [ln for _, ln in located[:date_at]]
        same_block = [ln for k, ln in located[date_at + 1 :] if k == date_block]
        later = [" ".join(b) for b in pre[date_block + 1 :]]
        if len(before) == 1:
            fields["_publication"] = before[0]
        elif len(before) > 1:
            fields["_title"] = " ".join(before[:-1])
            fields["_publication"] = before[-1]
        editions = same_block + (later if "_title" in fields else later[:-1])
        if "_title" not in fields and later:
            fields["_title"] = later[-1]
        if editions:
            fields["_edition"] = editions[0]
    elif pre:
        flat = [" ".join(b) for b in pre]
        fields["_title"] = flat[-1]
        if len(flat) > 1:
            fields["_publication"] = flat[0]
    body_lines = lines[body_start:body_end] if body_start is not None else []
    paragraphs = [squeeze_spaces(" ".join(b)) for b in _blocks(body_lines)]
    paragraphs = [p for p in paragraphs if not _COPYRIGHT.match(p)]
    return fields, paragraphs


def _article(
    start: int, lines: list[str], unit: Unit, options: ReadOptions, member: str | None
) -> Article | Rejected:
    from tidings.ingest.press import language_code

    fields, paragraphs = _parse(lines)
    title = fields.get("_title")
    if not paragraphs:
        what = f"LexisNexis document {title!r}" if title else "a LexisNexis document"
        return Rejected(
            source=unit.source,
            member=member,
            line=start,
            code="R104",
            reason=reason("R104", detail=f"{what} has no body text between its header and LOAD-DATE"),
        )
    publication = fields.get("_publication")
    country = None
    if publication:
        m = _PAREN_TAIL.match(publication)
        country = _country(m["inside"]) if m else None
        if m and country:
            publication = m["name"]
    found = _date(fields["_date"]) if "_date" in fields else None
    published, date_source = publication_date(found, "file", options, unit_name(unit))
    byline = fields.get("BYLINE") or fields.get("AUTHOR")
    if byline:
        byline = re.sub(r"^\s*By\s+", "", byline, flags=re.I)
    language = fields.get("LANGUAGE")
    found_dateline, agency = wire_metadata(paragraphs[0], byline)
    return Article(
        text="\n\n".join(paragraphs),
        source=unit.source,
        member=member,
        format="lexis",
        publication=publication,
        edition=fields.get("_edition"),
        title=title,
        byline=byline or None,
        agency=agency,
        dateline=fields.get("DATELINE") or found_dateline,
        published=published,
        date_source=date_source,
        language=language_code(language.split(";")[0]) if language else None,
        country=country,
    )


def read(unit: Unit, options: ReadOptions) -> Iterator[Article | Rejected]:
    """Every document of a LexisNexis / Nexis Uni export: an article, or a Rejected saying why not."""
    text, why = decode(unit.data)
    if text is None:
        yield Rejected(source=unit.source, member=unit.member, code="R105", reason=reason("R105", detail=why))
        return
    documents = split_documents(text.split("\n"))
    if not documents:
        yield Rejected(
            source=unit.source,
            member=unit.member,
            code="R104",
            reason=reason("R104", detail="no LexisNexis document was found"),
        )
        return
    for n, (start, lines) in enumerate(documents, start=1):
        where = locate(unit, f"document {n}")
        try:
            yield _article(start, lines, unit, options, where)
        except Exception as exc:  # noqa: BLE001 - one bad document must not lose the others
            yield Rejected(
                source=unit.source,
                member=where,
                line=start,
                code="R109",
                reason=reason("R109", detail=f"LexisNexis document {n}: {type(exc).__name__}: {exc}"),
            )


def sniff(unit: Unit) -> float:
    """0.95 for ``N of M DOCUMENTS`` or ``End of Document`` with Lexis labels; 0.6 for labels alone."""
    sample = head_text(unit.data, SNIFF_BYTES)
    if sample.lstrip()[:1] in ("<", "{"):
        return 0.0
    labels = {m.group(1).upper() for m in re.finditer(r"^\s*([A-Za-z-]+):", sample, re.M)}
    lexis_labels = labels & {"BYLINE", "LENGTH", "LOAD-DATE", "SECTION", "PUBLICATION-TYPE"}
    if re.search(r"^\s*\d+\s+of\s+\d+\s+DOCUMENTS?\s*$", sample, re.M | re.I):
        return 0.95
    if re.search(r"^\s*End of Document\s*$", sample, re.M | re.I) and lexis_labels:
        return 0.95
    if len(lexis_labels) >= 2 and "LENGTH" in lexis_labels:
        return 0.6
    return 0.0


register(
    Reader(
        name="lexis",
        read=read,
        sniff=sniff,
        extensions=(),
        description="LexisNexis / Nexis Uni text exports ('N of M DOCUMENTS', 'End of Document')",
    )
)

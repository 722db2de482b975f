"""Factiva exports: the text and HTML variants, with or without two-letter field codes.

Owns the Factiva reader. Layouts read (many documents per file):

* *field codes* ("Full Article/Report plus Indexing"): each field starts a line with its code,
  ``HD  headline``, ``BY``, ``WC``, ``PD``, ``ET``, ``SN``, ``SC``, ``ED``, ``PG``, ``LA``,
  ``CY``, ``LP`` (lead paragraphs), ``TD`` (the rest of the text), indexing codes (``CO``,
  ``IN``, ``NS``, ``RE``, ``IPD`` ...) and ``AN`` (accession number, ``Document XXXX``), which
  ends the document. The value may follow the code on the same line or on the next lines.
* *article only*: headline, optional byline, ``N words``, date, optional time, source name,
  source code, language, copyright line, body, and ``Document XXXX`` at the end.
* the HTML export of either: table rows ``<td><b>HD</b></td><td>...</td>`` or one block per
  field inside ``div.article``; converted to the text layout and read the same way.

Field mapping: HD→title, BY→byline (agency recognised), PD→published, SN→publication,
ED→edition, LA→language (ISO 639-1), AN→external_id, LP+TD→text (paragraphs joined with a
blank line). One bad document (no text) is one R104 rejection; the others are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tidings.errors import reason
from tidings.ingest import Reader, ReadOptions, Unit, publication_date, register
from tidings.ingest.html import head_text, locate, squeeze_spaces, unit_name, wire_metadata
from tidings.ingest.text import decode
from tidings.types import Article, Rejected

# Codes Factiva writes at line starts. Body codes hold article text; the others are metadata.
FIELD_CODES = (
    "HD CLM SE HLP BY CR WC PD ET SN SC ED PG VOL LA CY LP TD CT RF ART CO IN NS RE IPC IPD PUB AN"
).split()
BODY_CODES = ("LP", "TD")
# After the body, only these may start a field with a single space ("TD The ..."): other codes
# are ordinary words ("IN", "AN", "RE") that also start body lines in capitals.
SINGLE_SPACE_IN_BODY = ("TD",)
# A text with at least this many distinct codes at line starts is a field-code export.
MIN_CODES_FOR_SNIFF = 4

_CODE_ALT = "|".join(sorted(FIELD_CODES, key=len, reverse=True))
_CODE_LINE = re.compile(rf"^(?P<code>{_CODE_ALT})(?:(?P<sep>\t| {{2,}}| )(?P<value>.*))?$")
_DOCUMENT_LINE = re.compile(r"^\s*Document\s+(?P<an>[A-Za-z0-9]{12,})\s*$")
_WORDS_LINE = re.compile(r"^\s*[\d,.]+\s+words\s*$", re.I)
_TIME_LINE = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*(?:[A-Z]{2,4})?\s*$", re.I)
_COPYRIGHT = re.compile(r"^\s*(?:\(c\)|©|copyright\b|&copy;)", re.I)
_SEARCH_SUMMARY = re.compile(r"^\s*Search Summary\s*$", re.I)
_SNIFF_CODE = re.compile(rf"^(?P<code>{_CODE_ALT})(?:\t| +|$)", re.M)
_HTML_MARKERS = re.compile(rb"<b>\s*(HD|LP|TD|AN)\s*</b>|enHeadline|articleParagraph|Dow Jones|Factiva", re.I)
SNIFF_BYTES = 65536


@dataclass
class _Document:
    line: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def add(self, code: str, value: str | None) -> None:
        if code not in self.fields:
            self.fields[code] = []
            self.order.append(code)
        if value is not None:
            self.fields[code].append(value)

    def value(self, code: str) -> str | None:
        lines = [ln.strip() for ln in self.fields.get(code, []) if ln.strip()]
        return " ".join(" ".join(lines).split()) or None


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs; lines of one paragraph joined with a space."""
    out: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(squeeze_spaces(" ".join(current)))
            current = []
    return out


def _split_coded(lines: list[str]) -> list[_Document]:
    documents: list[_Document] = []
    doc: _Document | None = None
    code: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if _SEARCH_SUMMARY.match(line) and (doc is None or "AN" in doc.fields):
            break
        m = _CODE_LINE.match(line)
        if m and code in BODY_CODES and m["sep"] == " " and m["code"] not in SINGLE_SPACE_IN_BODY:
            m = None  # "IN THE CAPITAL ..." inside the text is text, not a field
        if m:
            new_code = m["code"]
            starts_new = doc is None or (new_code == "HD" and "HD" in doc.fields) or "AN" in doc.fields
            if starts_new:
                # A new HD, or any field after AN, opens the next document (Factiva sometimes
                # omits AN, and a document may lack HD: it is then rejected with its number).
                doc = _Document(line=number)
                documents.append(doc)
            assert doc is not None  # for the type checker: set just above when None
            code = new_code
            value = m["value"]
            doc.add(code, value if value and value.strip() else None)
            continue
        if doc is None or code is None:
            continue  # preamble before the first field (export title, search name)
        doc.add(code, line)
    return documents


def _language(name: str | None) -> str | None:
    if not name:
        return None
    from tidings.ingest.press import language_code

    return language_code(name)


def _date(value: str | None) -> str | None:
    if not value:
        return None
    from tidings.ingest.press import parse_date_line

    value = value.strip()
    found = parse_date_line(value)
    if found:
        return found
    # "7 March 2024 09:14", "March 7, 2024 Thursday"
    trimmed = re.sub(r"\s+(\d{1,2}:\d{2}.*|[A-Za-z]+day)$", "", value)
    return parse_date_line(trimmed)


def _article(doc: _Document, unit: Unit, options: ReadOptions, member: str | None) -> Article | Rejected:
    from tidings.ingest.press import find_agency

    body: list[str] = []
    for code in BODY_CODES:
        body.extend(_paragraphs(doc.fields.get(code, [])))
    title = doc.value("HD")
    # The accession number is the first word of AN's first line ("Document XXXX" or "XXXX").
    an_lines = [ln.strip() for ln in doc.fields.get("AN", []) if ln.strip()]
    an = re.sub(r"^Document\s+", "", an_lines[0]).split()[0] if an_lines else None
    if not body:
        what = f"Factiva document {title!r}" if title else "a Factiva document"
        return Rejected(
            source=unit.source,
            member=member,
            line=doc.line,
            code="R104",
            reason=reason("R104", detail=f"{what} ({an or 'no AN'}) has no LP or TD text"),
        )
    byline = doc.value("BY")
    if byline:
        byline = re.sub(r"^\s*By\s+", "", byline, flags=re.I)
    publication = doc.value("SN")
    published, date_source = publication_date(_date(doc.value("PD")), "file", options, unit_name(unit))
    dateline, agency = wire_metadata(body[0], byline)
    return Article(
        text="\n\n".join(body),
        source=unit.source,
        member=member,
        format="factiva",
        external_id=an,
        publication=publication,
        edition=doc.value("ED"),
        title=title,
        byline=byline,
        agency=agency or find_agency(doc.value("CY")),
        dateline=dateline,
        published=published,
        date_source=date_source if published else None,
        language=_language(doc.value("LA")),
    )


def _split_plain(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Article-only layout: documents end with a ``Document XXXX`` line."""
    documents: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(lines, start=1):
        if not current and not line.strip():
            start = number + 1
            continue
        current.append(line)
        if _DOCUMENT_LINE.match(line):
            documents.append((start, current))
            current = []
            start = number + 1
    if any(ln.strip() for ln in current) and not any(_SEARCH_SUMMARY.match(ln) for ln in current):
        documents.append((start, current))
    return documents


def _plain_document(start: int, lines: list[str]) -> _Document:
    """Fields of an article-only document, found by position around the ``N words`` line."""
    doc = _Document(line=start)
    filled = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    an_line = next((ln for _, ln in reversed(filled) if _DOCUMENT_LINE.match(ln)), None)
    if an_line:
        doc.add("AN", an_line)
        filled = [(i, ln) for i, ln in filled if ln != an_line]
    words_at = next((k for k, (_, ln) in enumerate(filled) if _WORDS_LINE.match(ln)), None)
    if words_at is None:
        return doc
    before = [ln for _, ln in filled[:words_at]]
    if before:
        doc.add("HD", before[0])
        if len(before) > 1:
            doc.add("BY", " ".join(before[1:]))
    k = words_at + 1
    if k < len(filled) and _date(filled[k][1]):
        doc.add("PD", filled[k][1])
        k += 1
    if k < len(filled) and _TIME_LINE.match(filled[k][1]):
        k += 1
    header: list[str] = []
    # Source name, source code, (edition/page), language, copyright, then the body.
    while k < len(filled) and len(header) < 6:
        text = filled[k][1]
        if _COPYRIGHT.match(text):
            doc.add("CY", text)
            k += 1
            break
        header.append(text)
        k += 1
        if _language(text) and len(text.split()) == 1 and len(header) >= 2:
            doc.add("LA", text)
            if k < len(filled) and _COPYRIGHT.match(filled[k][1]):
                doc.add("CY", filled[k][1])
                k += 1
            break
    if header:
        doc.add("SN", header[0])
    if k < len(filled):
        first_body_line = filled[k][0]
        doc.fields["TD"] = [ln for ln in lines[first_body_line:] if not _DOCUMENT_LINE.match(ln)]
    return doc


def html_to_text(markup: bytes | str) -> str:
    """A Factiva HTML export as the equivalent text export (field code lines, blank-line paragraphs)."""
    import lxml.html

    root = lxml.html.fromstring(markup)
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    out: list[str] = []

    def text_of(element: object) -> str:
        return re.sub(r"\s+", " ", element.text_content()).strip()  # type: ignore[attr-defined]

    rows = root.xpath("//tr[td]")
    coded = [r for r in rows if len(r.xpath("./td")) >= 2 and text_of(r.xpath("./td")[0]) in FIELD_CODES]
    if coded:
        for row in coded:
            cells = row.xpath("./td")
            code = text_of(cells[0])
            paragraphs = cells[1].xpath(".//p") or [cells[1]]
            out.append(code)
            for p in paragraphs:
                out.extend([text_of(p), ""])
        return "\n".join(out)
    articles = root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]") or [root]
    for article in articles:
        for block in article.xpath(
            ".//p|.//div[not(.//div) and not(.//p)]|.//span[contains(@class,'Headline')]"
        ):
            text = text_of(block)
            if text:
                out.extend([text, ""])
        out.append("")
    return "\n".join(out)


def read(unit: Unit, options: ReadOptions) -> Iterator[Article | Rejected]:
    """Every document of a Factiva export: an article, or a Rejected saying why not."""
    head = unit.data[:SNIFF_BYTES].lstrip()
    if head[:1] == b"<":
        try:
            text: str | None = html_to_text(unit.data)
            why = None
        except Exception as exc:  # noqa: BLE001 - lxml on hostile markup
            text, why = None, f"the HTML could not be parsed ({type(exc).__name__}: {exc})"
    else:
        text, why = decode(unit.data)
    if text is None:
        yield Rejected(source=unit.source, member=unit.member, code="R105", reason=reason("R105", detail=why))
        return
    lines = text.split("\n")
    coded = len({m["code"] for m in _SNIFF_CODE.finditer(text[:SNIFF_BYTES])}) >= MIN_CODES_FOR_SNIFF
    if coded:
        documents = _split_coded(lines)
    else:
        documents = [_plain_document(start, doc_lines) for start, doc_lines in _split_plain(lines)]
    if not documents:
        yield Rejected(
            source=unit.source,
            member=unit.member,
            code="R104",
            reason=reason(
                "R104", detail="no Factiva document (field codes or 'Document ...' lines) was found"
            ),
        )
        return
    for n, doc in enumerate(documents, start=1):
        where = locate(unit, f"document {n}")
        try:
            yield _article(doc, unit, options, where)
        except Exception as exc:  # noqa: BLE001 - one bad document must not lose the others
            yield Rejected(
                source=unit.source,
                member=where,
                line=doc.line,
                code="R109",
                reason=reason("R109", detail=f"Factiva document {n}: {type(exc).__name__}: {exc}"),
            )


def sniff(unit: Unit) -> float:
    """0.95 for field codes at line starts, 0.9 for 'Document XXXX' ends, 0.92 for the HTML export."""
    head = unit.data[:SNIFF_BYTES]
    if head.lstrip()[:1] == b"<":
        if not _HTML_MARKERS.search(head):
            return 0.0
        try:
            text = html_to_text(head)
        except Exception:  # noqa: BLE001
            return 0.0
        codes = {m["code"] for m in _SNIFF_CODE.finditer(text)}
        if len(codes) >= MIN_CODES_FOR_SNIFF or re.search(r"^Document [A-Za-z0-9]{12,}$", text, re.M):
            return 0.92
        return 0.0
    sample = head_text(unit.data, SNIFF_BYTES)
    codes = {m["code"] for m in _SNIFF_CODE.finditer(sample)}
    if len(codes) >= MIN_CODES_FOR_SNIFF and {"HD", "PD", "AN"} & codes:
        return 0.95
    if re.search(r"^\s*Document\s+[A-Za-z0-9]{12,}\s*$", sample, re.M) and re.search(
        r"^\s*[\d,]+\s+words\s*$", sample, re.M | re.I
    ):
        return 0.9
    return 0.0


register(
    Reader(
        name="factiva",
        read=read,
        sniff=sniff,
        extensions=(),
        description="Factiva text/HTML exports (field codes HD, BY, PD, SN, LA, LP, TD, AN ...)",
    )
)

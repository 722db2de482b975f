"""HTML pages: main text and metadata through trafilatura.

Owns the HTML reader and the page-to-article step the feed and WARC readers share
(``article_from_html``): trafilatura finds the main text, title, author, date, site name and
canonical URL; we add the page language from ``<html lang>`` and clean bylines of the junk news
sites put next to the author's name ("4 Minute Read", "Updated 5:00 EDT").

Body text is normalised like every other reader's: paragraphs joined with one blank line, the
headline and a leading byline paragraph removed (they are metadata), control characters removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from tidings.errors import reason
from tidings.ingest import Reader, ReadOptions, Unit, publication_date, register
from tidings.ingest.text import binary_reason, decode, normalise
from tidings.types import Article, Rejected

# Pages whose main text has fewer words than this are navigation, paywalls or error pages, not
# articles. Set from our fixtures: the article pages have 84-122 words of main text, the
# "page not found" page 10; a one-paragraph news brief has well over 20.
MIN_ARTICLE_WORDS = 20
SNIFF_BYTES = 4096
# trafilatura's own MAX_FILE_SIZE (20,000,000 bytes): above it, extraction silently returns a
# fragment (a 50 MB test page gave 959 characters), so such pages are rejected instead.
MAX_HTML_MB = 20

_DOCTYPE = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<!doctype\s+html", re.I | re.S)
_HTML_TAG = re.compile(rb"<html[\s>]", re.I)
_BODY_TAGS = re.compile(rb"<(head|body|article|title|meta)[\s>]", re.I)
_BLOCK_TAGS = re.compile(rb"<(p|div|br|h[1-6])[\s>/]", re.I)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_LANG = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
_META_LANG = re.compile(
    rb"<meta[^>]+http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*content\s*=\s*[\"']?([A-Za-z]{2,3})", re.I
)

# Byline junk: reading times, update stamps, dates and times sites print beside the author.
_BYLINE_JUNK = (
    re.compile(r"\b\d+\s*(?:-\s*)?(?:min(?:ute)?s?\.?)\s+read\b", re.I),
    re.compile(r"\b(?:updated|published|posted|last\s+modified)\b\s*:?.*$", re.I),
    re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?\b", re.I),
    re.compile(
        r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b", re.I
    ),
    re.compile(
        r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b", re.I
    ),
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b"),
    re.compile(r"\S+@\S+"),
    re.compile(r"\b(?:follow|twitter|email)\b.*$", re.I),
)
_BYLINE_PREFIX = re.compile(r"^\s*(?:[-–—]\s*)?(?:written\s+)?by\s*:?\s+", re.I)
_LEADING_BYLINE = re.compile(r"^\s*(?:[-–—]\s*)?by\s+\S", re.I)


def clean_byline(raw: str | None) -> str | None:
    """An author line without the "By", reading times, update stamps, dates and separators."""
    if not raw:
        return None
    text = normalise(raw).replace("\n", " ")
    text = _BYLINE_PREFIX.sub("", text)
    for pattern in _BYLINE_JUNK:
        text = pattern.sub(" ", text)
    parts = [p.strip(" ,;:-–—") for p in re.split(r"\s*[|•·]\s*", text)]
    parts = [_BYLINE_PREFIX.sub("", p) for p in parts if p and any(ch.isalpha() for ch in p)]
    cleaned = re.sub(r"\s+", " ", "; ".join(parts)).strip(" ,;:-–—")
    return cleaned or None


def page_language(data: bytes) -> str | None:
    """The ISO 639 code the page declares (``<html lang>`` or a content-language meta tag)."""
    head = data[:65536]
    m = _LANG.search(head) or _META_LANG.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def sniff(unit: Unit) -> float:
    """High for an HTML document (doctype or <html>), medium for an HTML fragment; 0 for feeds."""
    head = unit.data[:SNIFF_BYTES]
    if _FEED_ROOT.search(head) and not _HTML_TAG.search(head):
        return 0.0
    if _DOCTYPE.match(head):
        return 0.9
    if _HTML_TAG.search(head):
        return 0.85
    if _BODY_TAGS.search(head):
        return 0.6
    name = unit_name(unit).lower()
    if name.endswith((".html", ".htm", ".xhtml")):
        return 0.5
    if head.lstrip().startswith(b"<") and _BLOCK_TAGS.search(head):
        return 0.3
    return 0.0


_SPACE_RUN = re.compile(r"[ \t]*\t[ \t]*| {2,}")


def squeeze_spaces(text: str) -> str:
    """Runs of spaces and tabs as one space (other characters, NBSP included, kept)."""
    return _SPACE_RUN.sub(" ", text) if ("\t" in text or "  " in text) else text


def wire_metadata(text: str, byline: str | None) -> tuple[str | None, str | None]:
    """``(dateline, agency)``: see ``tidings.ingest.press.dateline_of`` (one rule for all formats)."""
    from tidings.ingest.press import dateline_of

    return dateline_of(text, byline)


def head_text(data: bytes, size: int = 65536) -> str:
    """The first ``size`` bytes as text for sniffing: BOM-aware, invalid bytes replaced."""
    from tidings.ingest.text import bom_encoding

    head = data[:size]
    encoding = bom_encoding(head) or "utf-8"
    text = head.decode(encoding, errors="replace")
    return text.lstrip("\ufeff")


def unit_name(unit: Unit) -> str:
    """The innermost file name of a unit: the archive member when there is one, else the path."""
    if unit.member:
        return unit.member.rsplit("!", 1)[-1]
    return unit.source


def locate(unit: Unit, where: str | None) -> str | None:
    """The ``member`` value for one item inside a unit: archive member and position together."""
    if where is None:
        return unit.member
    return f"{unit.member}#{where}" if unit.member else where


def paragraphs_from_extracted(text: str, title: str | None) -> list[str]:
    """Trafilatura's main text as paragraphs, without a repeated headline or a byline paragraph."""
    paragraphs = [squeeze_spaces(p).strip() for p in normalise(text).split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and paragraphs[0].strip().casefold() == title.strip().casefold():
        paragraphs = paragraphs[1:]
    if paragraphs and _LEADING_BYLINE.match(paragraphs[0]) and len(paragraphs[0].split()) <= 12:
        paragraphs = paragraphs[1:]
    return paragraphs


_UNCLOSED_TITLE = re.compile(r"(?is)<title[^>]*>((?:(?!</title>).)*?)(?=</head>|<body)")


def repair_markup(data: bytes | str) -> str:
    """Markup with an unclosed ``<title>`` closed (the repair browsers do not make, but readers want)."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return _UNCLOSED_TITLE.sub(lambda m: "<title>" + m.group(1).split("<")[0] + "</title>", text, count=1)


def _extract(data: bytes | str, favor_recall: bool = False) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_recall=favor_recall,
        output_format="python",
        # Only dates the page states in its markup (meta tags, <time>, JSON-LD, URL): the
        # extensive search guesses from copyright lines ("© 2024" -> 2024-01-01), which would
        # invent a publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def article_from_html(
    data: bytes | str,
    *,
    source: str,
    member: str | None,
    fmt: str,
    options: ReadOptions,
    url: str | None = None,
    published: str | None = None,
    date_source: str | None = None,
    publication: str | None = None,
    title: str | None = None,
    byline: str | None = None,
    language: str | None = None,
    external_id: str | None = None,
) -> Article | Rejected:
    """One article from an HTML page (the main text), or a Rejected saying why there is none.

    Keyword values are fallbacks (from a feed entry or a WARC record) for what the page itself
    does not say; what trafilatura finds in the page wins, except ``url`` and ``external_id``
    which the caller knows better.
    """
    size_mb = len(data) / 1048576
    if size_mb > MAX_HTML_MB:
        return Rejected(
            source=source,
            member=member,
            code="R160",
            reason=reason("R160", size=round(size_mb, 1), limit=MAX_HTML_MB),
        )
    if isinstance(data, bytes):
        why = binary_reason(data)
        if why and not data.lstrip().startswith(b"<"):
            return Rejected(source=source, member=member, code="R102", reason=reason("R102", detail=why))
    try:
        doc = _extract(data)
        if doc is None or not (doc.text or "").strip():
            # Second chance for broken markup: close an unclosed <title> (which otherwise swallows
            # the whole page as title text) and ask trafilatura to favour recall.
            doc = _extract(repair_markup(data), favor_recall=True) or doc
    except Exception as exc:  # noqa: BLE001 - trafilatura/lxml errors on hostile markup
        return Rejected(
            source=source,
            member=member,
            code="R150",
            reason=reason("R150", detail=f"{type(exc).__name__}: {exc}"),
        )
    if doc is None or not (doc.text or "").strip():
        return Rejected(
            source=source,
            member=member,
            code="R104",
            reason=reason(
                "R104", detail="the HTML page has no main text (navigation, paywall or error page?)"
            ),
        )
    page_title = normalise(doc.title).strip() if doc.title else None
    paragraphs = paragraphs_from_extracted(doc.text, page_title or title)
    body = "\n\n".join(paragraphs)
    words = len(body.split())
    if words < MIN_ARTICLE_WORDS:
        return Rejected(
            source=source,
            member=member,
            code="R104",
            reason=reason(
                "R104",
                detail=f"the page's main text has {words} words (fewer than {MIN_ARTICLE_WORDS}); "
                "it looks like a navigation, paywall or error page",
            ),
        )
    page_date = doc.date if doc.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.date) else None
    found, found_source = (page_date, "file") if page_date else (published, date_source)
    chosen_date, chosen_source = publication_date(
        found, found_source, options, PurePosixPath(member or source).name
    )
    clean = clean_byline(doc.author) or clean_byline(byline)
    dateline, agency = wire_metadata(body, clean)
    lang = (
        language
        or page_language(data.encode("utf-8", "replace") if isinstance(data, str) else data)
        or doc.language
    )
    return Article(
        text=body,
        source=source,
        member=member,
        format=fmt,
        external_id=external_id,
        publication=(normalise(doc.sitename).strip() if doc.sitename else None) or publication,
        title=page_title or title,
        byline=clean,
        agency=agency,
        dateline=dateline,
        published=chosen_date,
        date_source=chosen_source if chosen_date else None,
        language=lang.lower() if lang else None,
        url=url or doc.url,
    )


def read(unit: Unit, options: ReadOptions) -> Iterator[Article | Rejected]:
    """One article per HTML file (its main text), or a Rejected with the reason."""
    data = unit.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 pages: lxml wants text, not bytes
        text, why = decode(data)
        if text is None:
            yield Rejected(
                source=unit.source, member=unit.member, code="R105", reason=reason("R105", detail=why)
            )
            return
        yield article_from_html(text, source=unit.source, member=unit.member, fmt="html", options=options)
        return
    yield article_from_html(data, source=unit.source, member=unit.member, fmt="html", options=options)


register(
    Reader(
        name="html",
        read=read,
        sniff=sniff,
        extensions=(".html", ".htm", ".xhtml"),
        description="HTML pages (main text and metadata through trafilatura)",
    )
)

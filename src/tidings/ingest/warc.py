"""WARC and WARC.gz files (web archives, Common Crawl CC-NEWS) through warcio.

Each ``response`` record with an HTML payload and HTTP status 2xx becomes an article: main text
and metadata through ``tidings.ingest.html.article_from_html``, the URL from ``WARC-Target-URI``
and, when the page states no date, the date from ``WARC-Date`` (``date_source="crawl"``).

Nothing is dropped silently:

* a response record that does not become an article (not HTML, HTTP error, no main text,
  truncated payload) is one ``Rejected`` with the record's offset as ``member``;
* records that never hold pages (``warcinfo``, ``request``, ``metadata``, ``revisit``,
  ``resource`` of other types) are counted and reported as one ``Rejected`` (code R151) per file,
  whose reason lists the counts by record type: one row per CC-NEWS request record would bury
  the rejections that matter;
* a truncated or damaged file yields the records read before the damage plus one R153 rejection
  for the rest.
"""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections import Counter
from collections.abc import Iterator

from tidings.errors import reason
from tidings.ingest import Reader, ReadOptions, Unit, register
from tidings.ingest.html import article_from_html, locate, unit_name
from tidings.types import Article, Rejected

WARC_MAGIC = b"WARC/1."
GZIP_MAGIC = b"\x1f\x8b"
# Bytes of a gzip stream decompressed to look for the WARC magic when sniffing.
SNIFF_BYTES = 4096
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _gunzip_head(data: bytes, size: int = SNIFF_BYTES) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[: size * 4], size)
    except zlib.error:
        return b""


def is_warc(data: bytes) -> bool:
    """True for a WARC file, plain or gzipped (the magic ``WARC/1.`` at the start of the records)."""
    if data.startswith(WARC_MAGIC):
        return True
    if data.startswith(GZIP_MAGIC):
        return _gunzip_head(data).startswith(WARC_MAGIC)
    return False


def sniff(unit: Unit) -> float:
    """1.0 for the WARC magic (plain or inside gzip); 0 otherwise."""
    if is_warc(unit.data):
        return 1.0
    name = unit_name(unit).lower()
    return 0.2 if name.endswith((".warc", ".warc.gz")) else 0.0


def _warc_date(value: str | None) -> str | None:
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _truncated(record: object) -> bool:
    stream = getattr(record, "raw_stream", None)
    limit = getattr(stream, "limit", None)
    return not isinstance(limit, int) or limit > 0


_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def _page(payload: bytes, content_type: str) -> bytes | str:
    """The page as text when the HTTP header names a charset that decodes it cleanly (as browsers
    do: a BOM first, then the header); otherwise bytes, for trafilatura's own detection."""
    m = _CHARSET.search(content_type)
    if not m or payload.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return payload
    try:
        return payload.decode(m.group(1))
    except (LookupError, UnicodeDecodeError):
        return payload


def read(unit: Unit, options: ReadOptions) -> Iterator[Article | Rejected]:
    """Articles from the HTML response records; rejections for the rest (see module docstring)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    skipped: Counter[str] = Counter()
    records = 0
    consumed = 0  # bytes of the input the records read so far cover
    iterator = ArchiveIterator(io.BytesIO(unit.data), arc2warc=True)
    stream = iter(iterator)
    damage: str | None = None
    while True:
        # warcio prints damage warnings to stderr; they become part of our R153 reason instead.
        # (No yield inside the redirect: the consumer's stderr must stay its own.)
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                record = next(stream)
            except StopIteration:
                break
            except ArchiveLoadFailed as exc:
                damage = f"{type(exc).__name__} after record {records}: {str(exc)[:120]}"
                break
            except Exception as exc:  # noqa: BLE001 - warcio fails in many ways on damaged headers
                damage = f"record {records + 1} has damaged headers ({type(exc).__name__}: {str(exc)[:120]})"
                break
            records += 1
            rec_type = record.rec_type or "unknown"
            # Read the payload before asking for the offset: warcio's get_record_offset()
            # consumes the rest of the record.
            try:
                payload = record.content_stream().read()
                failure = None
            except Exception as exc:  # noqa: BLE001 - damaged chunked/compressed payloads
                payload, failure = b"", exc
            truncated = _truncated(record)
            try:
                offset = iterator.get_record_offset()
                consumed = offset + (iterator.get_record_length() or 0)
            except Exception as exc:  # noqa: BLE001
                damage = f"record {records} cannot be measured ({type(exc).__name__}: {str(exc)[:120]})"
                break
        where = locate(unit, f"record@{offset}")
        if failure is not None:
            yield Rejected(
                source=unit.source,
                member=where,
                code="R152",
                reason=reason(
                    "R152", detail=f"its payload could not be decoded ({type(failure).__name__}: {failure})"
                ),
            )
            continue
        if rec_type not in ("response", "resource"):
            skipped[rec_type] += 1
            if truncated:
                damage = f"record {records} ({rec_type}) at offset {offset} is cut short"
                break
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI")
        if truncated:
            damage = f"record {records} at offset {offset} ({uri}) is cut short"
            break
        if rec_type == "response":
            http = record.http_headers
            status = http.get_statuscode() if http is not None else None
            ctype = (http.get_header("Content-Type") or "") if http is not None else ""
        else:
            status = "200"
            ctype = record.rec_headers.get_header("Content-Type") or ""
        if status and not str(status).startswith("2"):
            yield Rejected(
                source=unit.source,
                member=where,
                code="R152",
                reason=reason("R152", detail=f"{uri} answered HTTP {status}, not a page"),
            )
            continue
        if ctype.lower().split(";")[0].strip() not in HTML_TYPES:
            if rec_type == "resource":
                skipped[f"resource ({ctype or 'no type'})"] += 1
                continue
            yield Rejected(
                source=unit.source,
                member=where,
                code="R152",
                reason=reason("R152", detail=f"{uri} is {ctype or 'of unknown type'}, not HTML"),
            )
            continue
        crawl_date = _warc_date(record.rec_headers.get_header("WARC-Date"))
        yield article_from_html(
            _page(payload, ctype),
            source=unit.source,
            member=where,
            fmt="warc",
            options=options,
            url=uri,
            published=crawl_date,
            date_source="crawl" if crawl_date else None,
            external_id=record.rec_headers.get_header("WARC-Record-ID"),
        )
    misaligned = getattr(iterator, "err_count", 0)
    if misaligned and not damage:
        damage = (
            f"{misaligned} record(s) are not followed by the blank lines WARC requires "
            "(is a Content-Length wrong?)"
        )
    rest = unit.data[consumed:]
    if not damage and records and rest.strip(b"\r\n\t \x00"):
        damage = f"{len(rest)} bytes after record {records} (offset {consumed}) are not a readable record"
    if skipped:
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        yield Rejected(
            source=unit.source,
            member=locate(unit, "skipped records"),
            code="R151",
            reason=reason("R151", count=sum(skipped.values()), detail=detail),
        )
    if damage or records == 0:
        yield Rejected(
            source=unit.source,
            member=locate(unit, "damage"),
            code="R153",
            reason=reason(
                "R153",
                detail=f"{damage}; the records before it were read"
                if damage
                else "no WARC record could be read",
            ),
        )


register(
    Reader(
        name="warc",
        read=read,
        sniff=sniff,
        extensions=(".warc", ".warc.gz"),
        description="WARC / WARC.gz web archives (Common Crawl CC-NEWS): HTML response records",
    )
)

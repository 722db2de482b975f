"""WARC reader: HTML response records become articles, other records are counted, damage is reported."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tidings.ingest import ReadOptions, Unit, pick_reader, read_paths, read_unit
from tidings.types import Article, Rejected

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PAGES = {
    "https://harbourtimes.example/world/grain-corridor": FIXTURES / "page_article.html",
    "https://meridian.example/politics/security-pact": FIXTURES / "page_junk_byline.html",
    "https://meridian.example/missing": FIXTURES / "page_nav_only.html",
}


def make_warc(gzip: bool = True) -> bytes:
    """A small CC-NEWS-like WARC: warcinfo, request/response pairs, an image, a 404, metadata."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("CC-NEWS-test.warc.gz", {"software": "tidings tests"}))

    def response(
        uri: str, payload: bytes, status: str = "200 OK", ctype: str = "text/html; charset=utf-8"
    ) -> None:
        request = writer.create_warc_record(
            uri,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "x")], is_http_request=True),
        )
        writer.write_record(request)
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(payload),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-03-16T08:30:00Z"},
        )
        writer.write_record(record)

    for uri, path in PAGES.items():
        response(uri, path.read_bytes())
    response("https://meridian.example/logo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, ctype="image/jpeg")
    response("https://meridian.example/gone", b"<html><body>Not here</body></html>", status="404 Not Found")
    # A page without a date of its own: the WARC-Date is used.
    undated = (
        (FIXTURES / "page_article.html")
        .read_bytes()
        .replace(b"2024-03-07T09:00:00Z", b"")
        .replace(b"/2024/03/07/", b"/")
    )
    response("https://harbourtimes.example/undated", undated)
    metadata = writer.create_warc_record(
        "https://meridian.example/gone", "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n")
    )
    writer.write_record(metadata)
    return buffer.getvalue()


def test_warc_html_responses_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "CC-NEWS-20240316.warc.gz"
    path.write_bytes(make_warc())
    items = list(read_paths([path]))
    articles = [i for i in items if isinstance(i, Article)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [a.url for a in articles] == [
        "https://harbourtimes.example/world/grain-corridor",
        "https://meridian.example/politics/security-pact",
        "https://harbourtimes.example/undated",
    ]
    assert all(a.format == "warc" and a.member and a.member.startswith("record@") for a in articles)
    assert articles[0].published == "2024-03-07" and articles[0].date_source == "file"
    assert articles[2].published == "2024-03-16" and articles[2].date_source == "crawl"
    assert articles[0].external_id and articles[0].external_id.startswith("<urn:uuid:")
    codes = sorted(r.code for r in rejected)
    assert codes == ["R104", "R151", "R152", "R152"]
    summary = next(r for r in rejected if r.code == "R151")
    assert (
        "6 request" in summary.reason
        and summary.reason.startswith("Skipped 8 ")
        and "1 metadata" in summary.reason
        and "1 warcinfo" in summary.reason
    )
    # Every record is accounted for: 3 articles + 3 rejected responses + 8 skipped = 14 records.
    assert len(articles) + sum(1 for r in rejected if r.code in ("R104", "R152")) + 8 == 14


def test_warc_plain_and_gzip_read_the_same() -> None:
    plain = list(read_unit(Unit(source="a.warc", data=make_warc(gzip=False)), ReadOptions()))
    packed = list(read_unit(Unit(source="a.warc.gz", data=make_warc(gzip=True)), ReadOptions()))
    assert [a.text for a in plain if isinstance(a, Article)] == [
        a.text for a in packed if isinstance(a, Article)
    ]


def test_warc_sniffed_by_magic_even_gzipped() -> None:
    for gzip in (False, True):
        reader = pick_reader(Unit(source="download.bin", data=make_warc(gzip=gzip)), ReadOptions())
        assert not isinstance(reader, Rejected) and reader.name == "warc"


def test_warc_truncated_yields_what_was_readable() -> None:
    data = make_warc(gzip=True)
    whole = [
        i for i in read_unit(Unit(source="a.warc.gz", data=data), ReadOptions()) if isinstance(i, Article)
    ]
    cut = data[: int(len(data) * 0.55)]
    items = list(read_unit(Unit(source="a.warc.gz", data=cut), ReadOptions()))
    articles = [i for i in items if isinstance(i, Article)]
    damage = [i for i in items if isinstance(i, Rejected) and i.code == "R153"]
    assert 1 <= len(articles) < len(whole)
    assert [a.text for a in articles] == [a.text for a in whole[: len(articles)]]
    assert len(damage) == 1 and "truncated or damaged" in damage[0].reason


def test_warc_garbage_after_magic_is_rejected_not_raised() -> None:
    items = list(
        read_unit(Unit(source="bad.warc", data=b"WARC/1.0\r\nnonsense\x00\x01\r\n\r\n"), ReadOptions())
    )
    assert items and all(isinstance(i, Rejected) for i in items)
    assert any(i.code == "R153" for i in items if isinstance(i, Rejected))


def test_warc_http_charset_header_decodes_the_page() -> None:
    body = "<p>" + "Le porte-parole a déclaré que les négociations reprendraient à Genève « dès lundi ». " * 3
    page = f"<html><head><title>Négociations</title></head><body><article>{body}</p></article></body></html>"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=windows-1252")], protocol="HTTP/1.1"
    )
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/fr",
            "response",
            payload=io.BytesIO(page.encode("cp1252")),
            http_headers=headers,
        )
    )
    [article] = [
        i
        for i in read_unit(Unit(source="fr.warc.gz", data=buffer.getvalue()), ReadOptions())
        if isinstance(i, Article)
    ]
    assert "négociations reprendraient à Genève « dès lundi »" in article.text
    assert article.title == "Négociations"

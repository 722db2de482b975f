"""Feed reader: full-text entries, link-only entries, --fetch against a local HTTP server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import tidings.ingest.feeds as feeds
from tidings.ingest import ReadOptions, Unit, pick_reader, read_unit
from tidings.types import Article, Rejected

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


class _Site(SimpleHTTPRequestHandler):
    requested: list[str] = []
    times: list[float] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        type(self).requested.append(self.path)
        type(self).times.append(time.monotonic())
        if self.path == "/politics/security-pact.html" and self.path not in type(self).failed_once:
            type(self).failed_once.add(self.path)
            self.send_error(503, "busy")  # the first try fails: the fetcher must retry
            return
        super().do_GET()

    failed_once: set[str] = set()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    handler = partial(_Site, directory=str(FIXTURES / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fast_politeness(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "FETCH_TIMEOUT_S", 2.0)
    monkeypatch.setattr(feeds, "POLITE_DELAY_S", 0.2)
    monkeypatch.setattr(feeds, "RETRY_BACKOFF_S", 0.01)


def test_feed_full_content_entries_become_articles() -> None:
    unit = Unit(source="world.rss", data=(FIXTURES / "feed_full.rss").read_bytes())
    items = list(read_unit(unit, ReadOptions()))
    assert len(items) == 3
    article, teaser, letters = items
    assert isinstance(article, Article)
    assert article.format == "feed"
    assert article.title == "Aid convoy reaches Darfur after weeks at the border"
    assert article.publication == "Lakeside Daily Courier - World"
    assert article.published == "2024-03-06"
    assert article.language == "en"
    assert article.byline == "Agence France-Presse" and article.agency == "AFP"
    assert article.external_id == "courier-2024-0306-0001"
    assert article.member == "entry 1"
    assert article.dateline == "NAIROBI"
    assert article.text.startswith("NAIROBI, March 6 (AFP) - A convoy")
    assert article.text.count("\n\n") == 3
    assert isinstance(teaser, Rejected) and teaser.code == "R154" and "--fetch" in teaser.reason
    assert teaser.member == "entry 2"
    assert isinstance(letters, Rejected) and letters.code == "R104" and "no link" in letters.reason


def test_feed_sniffed_by_content() -> None:
    for name in ("feed_full.rss", "feed_links.atom"):
        unit = Unit(source="feed-download", data=(FIXTURES / name).read_bytes())
        reader = pick_reader(unit, ReadOptions())
        assert not isinstance(reader, Rejected) and reader.name == "feed"


def test_feed_fetch_obeys_robots_and_retries(site: str) -> None:
    data = (FIXTURES / "feed_links.atom").read_text(encoding="utf-8").replace("http://news.test", site)
    _Site.requested.clear()
    _Site.times.clear()
    items = list(read_unit(Unit(source="harbour.atom", data=data.encode()), ReadOptions(fetch=True)))
    assert len(items) == 4
    grain, pact, private, missing = items
    assert isinstance(grain, Article)
    assert grain.title == "Ministers agree to reopen Black Sea grain corridor"
    assert grain.url == f"{site}/world/grain-corridor.html"
    assert grain.external_id == "tag:harbourtimes.example,2024:grain-corridor"
    assert grain.text.startswith("ISTANBUL")
    assert isinstance(pact, Article) and pact.byline == "Karim Haddad"
    assert _Site.requested.count("/politics/security-pact.html") == 2  # one 503, one retry
    assert isinstance(private, Rejected) and private.code == "R156" and "robots.txt" in private.reason
    assert not any(p.startswith("/private/") for p in _Site.requested)
    assert isinstance(missing, Rejected) and missing.code == "R155" and "HTTP 404" in missing.reason
    assert _Site.requested.count("/robots.txt") == 1
    gaps = [b - a for a, b in zip(_Site.times, _Site.times[1:], strict=False)]
    # POLITE_DELAY_S is 0.2 here; unthrottled requests arrive ~1 ms apart.
    assert gaps and min(gaps) >= 0.1, list(zip(_Site.requested, gaps, strict=False))


def test_feed_link_only_entries_without_fetch_say_how() -> None:
    data = (FIXTURES / "feed_links.atom").read_bytes()
    items = list(read_unit(Unit(source="harbour.atom", data=data), ReadOptions()))
    assert [type(i).__name__ for i in items] == ["Rejected"] * 4
    assert all(i.code == "R154" and "--fetch" in i.reason for i in items if isinstance(i, Rejected))
    assert [i.member for i in items] == ["entry 1", "entry 2", "entry 3", "entry 4"]


def test_feed_unreachable_host_is_a_reason_not_a_crash() -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><link>http://127.0.0.1:9/none.html</link></item></channel></rss>"
    )
    [item] = list(read_unit(Unit(source="t.rss", data=feed), ReadOptions(fetch=True)))
    assert isinstance(item, Rejected) and item.code == "R155"


def test_feed_broken_xml_is_rejected() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>x'
    items = list(read_unit(Unit(source="broken.rss", data=data), ReadOptions()))
    assert len(items) == 1 and isinstance(items[0], Rejected)
    assert items[0].code in ("R159", "R104")


def test_feed_content_that_looks_like_a_path_is_not_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes((FIXTURES / "feed_full.rss").read_bytes())
    unit = Unit(source="evil.rss", data=str(secret).encode())
    items = list(read_unit(unit, ReadOptions(format="feed")))
    assert len(items) == 1 and isinstance(items[0], Rejected)
    assert not any(isinstance(i, Article) for i in items)


def test_feed_fetcher_without_robots_txt_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "story.html").write_bytes((FIXTURES / "page_article.html").read_bytes())
    handler = partial(_Site, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    fetcher = feeds.Fetcher()
    try:
        page, why = fetcher.fetch(f"{base}/story.html")
        assert why is None and page is not None and b"grain corridor" in page
        assert fetcher.fetch("file:///etc/passwd") == (
            None,
            "only http and https links are fetched, not file",
        )
    finally:
        fetcher.close()
        server.shutdown()
        server.server_close()

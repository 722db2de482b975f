"""RSS and Atom feeds through feedparser; linked pages fetched politely with ``--fetch``.

Owns the feed reader and the page fetcher. An entry whose content (or description) holds the
full article becomes an article directly. An entry that only links to the article becomes one
when the user passed ``--fetch``: the page is downloaded with httpx (timeouts, retries with
back-off, at most one request per host every ``POLITE_DELAY_S`` seconds, robots.txt obeyed) and
read like an HTML file. Without ``--fetch`` such entries are rejected (R154) with a reason that
says so; failed downloads are R155, pages robots.txt forbids are R156.

Each entry's ``member`` is ``entry N`` (1-based, in feed order).
"""

from __future__ import annotations

import io
import re
import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tidings.errors import reason
from tidings.ingest import Reader, ReadOptions, Unit, register
from tidings.ingest.html import article_from_html, clean_byline, locate, unit_name, wire_metadata
from tidings.ingest.text import normalise
from tidings.types import Article, Rejected

# An entry's content is the full article when it has at least this many words. Set from our
# fixtures: teasers and descriptions have 5-20 words, the full-text entry ~150; a feed whose
# teasers are longer than this would have them stored as (short) articles.
FULL_CONTENT_MIN_WORDS = 80
# Politeness: seconds between two requests to one host, per process.
POLITE_DELAY_S = 1.0
# A robots.txt Crawl-delay is honoured up to this many seconds (longer ones would stall a run).
MAX_CRAWL_DELAY_S = 10.0
# Seconds to wait for a connection / for the whole response.
FETCH_TIMEOUT_S = 15.0
# Extra attempts after a failed request (network error, HTTP 429 or 5xx), with doubling back-off.
FETCH_RETRIES = 2
RETRY_BACKOFF_S = 0.5
# Longest Retry-After we honour; beyond this the page is rejected and the user can retry later.
MAX_RETRY_AFTER_S = 30.0
# Pages larger than this are not downloaded further (bytes).
MAX_PAGE_BYTES = 10 * 1024 * 1024
USER_AGENT = "tidings/0.1 (news research; +https://pypi.org/project/tidings/)"
SNIFF_BYTES = 4096

_FEED_ROOT = re.compile(
    rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<\?[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*)*<(rss|feed|rdf:RDF)[\s>]",
    re.I | re.S,
)
_FEED_ANYWHERE = re.compile(
    rb"<(rss\s+version|feed\s+xmlns=[\"']http://www\.w3\.org/2005/Atom|rdf:RDF)", re.I
)
_BLOCKS = (
    "p",
    "div",
    "section",
    "article",
    "blockquote",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
)


def sniff(unit: Unit) -> float:
    """0.95 when the document element is <rss>, <feed> or <rdf:RDF>; 0.7 when one appears early."""
    head = unit.data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")
    if _FEED_ROOT.match(head):
        return 0.95
    if _FEED_ANYWHERE.search(head):
        return 0.7
    return 0.3 if unit_name(unit).lower().endswith((".rss", ".atom")) else 0.0


def fragment_paragraphs(markup: str) -> list[str]:
    """Paragraphs of an HTML fragment (feed content): block elements and <br><br> split them."""
    import lxml.html
    from lxml.etree import ParserError

    markup = normalise(markup)  # lxml refuses control characters in text
    if "<" not in markup:
        return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", markup) if p.strip()]
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()]
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n\n" + (br.tail or "")
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    text = normalise(root.text_content())
    return [p for p in (re.sub(r"\s+", " ", block).strip() for block in re.split(r"\n\s*\n", text)) if p]


def _entry_content(entry: Any) -> str:
    """The longest content the entry carries: <content:encoded>/<content>, else the summary."""
    candidates = [c.get("value", "") for c in entry.get("content", []) or []]
    candidates.append(entry.get("summary", "") or "")
    return max(candidates, key=len) if candidates else ""


def _struct_date(value: Any) -> str | None:
    if not value:
        return None
    try:
        return time.strftime("%Y-%m-%d", value)
    except (TypeError, ValueError):
        return None


def _language(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"\s*([A-Za-z]{2,3})\b", value)
    return m.group(1).lower() if m else None


@dataclass
class Fetcher:
    """Downloads pages: robots.txt first, one request per host per ``POLITE_DELAY_S``, retries."""

    # Defaults are read when a Fetcher is made, so the module constants stay the one place to tune.
    delay_s: float = field(default_factory=lambda: POLITE_DELAY_S)
    timeout_s: float = field(default_factory=lambda: FETCH_TIMEOUT_S)
    retries: int = field(default_factory=lambda: FETCH_RETRIES)
    _client: Any = None
    _robots: dict[str, urllib.robotparser.RobotFileParser | str] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> Any:
        import httpx

        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout_s),
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _wait_turn(self, host: str) -> None:
        delay = self.delay_s
        rules = self._robots.get(host)
        if isinstance(rules, urllib.robotparser.RobotFileParser):
            asked = rules.crawl_delay(USER_AGENT)
            if asked:
                delay = max(delay, min(float(asked), MAX_CRAWL_DELAY_S))
        with self._lock:
            last = self._last.get(host)
            now = time.monotonic()
            if last is not None and now - last < delay:
                time.sleep(delay - (now - last))
            self._last[host] = time.monotonic()

    def _request(self, url: str) -> Any:
        """A response (any status) after retries, or raises the last transport error."""
        import httpx

        host = urlsplit(url).netloc
        attempt = 0
        client = self.client()  # made before the wait: creating it takes time the wait must not hide
        while True:
            self._wait_turn(host)
            try:
                response = client.get(url)
            except httpx.HTTPError:
                if attempt >= self.retries:
                    raise
            else:
                if response.status_code != 429 and response.status_code < 500 or attempt >= self.retries:
                    return response
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit() and float(retry_after) > MAX_RETRY_AFTER_S:
                    return response
                if retry_after.isdigit():
                    time.sleep(float(retry_after))
            time.sleep(RETRY_BACKOFF_S * (2**attempt))
            attempt += 1

    def allowed(self, url: str) -> tuple[bool, str | None]:
        """Whether robots.txt lets us fetch the URL; ``(False, why)`` when it does not."""
        parts = urlsplit(url)
        host = parts.netloc
        if host not in self._robots:
            robots_url = f"{parts.scheme}://{host}/robots.txt"
            try:
                response = self._request(robots_url)
            except Exception as exc:  # noqa: BLE001 - unreachable host: say so, fetch nothing
                self._robots[host] = f"robots.txt could not be read ({type(exc).__name__})"
            else:
                parser = urllib.robotparser.RobotFileParser(robots_url)
                if response.status_code in (401, 403):
                    parser.parse(["User-agent: *", "Disallow: /"])
                elif response.status_code >= 500:
                    self._robots[host] = f"robots.txt answered HTTP {response.status_code}"
                    return False, str(self._robots[host])
                elif response.status_code >= 400:
                    parser.parse([])  # no robots.txt: everything is allowed
                else:
                    parser.parse(response.text.splitlines())
                self._robots[host] = parser
        rules = self._robots[host]
        if isinstance(rules, str):
            return False, rules
        return rules.can_fetch(USER_AGENT, url), None

    def fetch(self, url: str) -> tuple[bytes | None, str | None]:
        """``(page bytes, None)`` or ``(None, why)``; robots.txt refusals start with 'robots:'."""
        if urlsplit(url).scheme not in ("http", "https"):
            return None, f"only http and https links are fetched, not {urlsplit(url).scheme or 'a bare path'}"
        ok, why = self.allowed(url)
        if why:
            return None, why
        if not ok:
            return None, "robots:"
        try:
            response = self._request(url)
        except Exception as exc:  # noqa: BLE001 - network errors become reasons
            return None, f"{type(exc).__name__}: {exc}"
        if response.status_code >= 400:
            return None, f"the server answered HTTP {response.status_code}"
        content = response.content
        if len(content) > MAX_PAGE_BYTES:
            return None, f"the page is larger than {MAX_PAGE_BYTES // 1048576} MB"
        return content, None


def read(unit: Unit, options: ReadOptions) -> Iterator[Article | Rejected]:
    """One article per full-text entry (or fetched page); a Rejected for every other entry."""
    import feedparser

    # A stream, never the bytes themselves: feedparser opens bytes that look like a path or URL
    # ("/etc/passwd", "file:///...") instead of parsing them.
    try:
        parsed = feedparser.parse(io.BytesIO(unit.data))
    except Exception as exc:  # noqa: BLE001 - feedparser's encoding sniffing fails on garbage
        yield Rejected(
            source=unit.source,
            member=unit.member,
            code="R159",
            reason=reason("R159", detail=f"{type(exc).__name__}: {str(exc)[:160]}"),
        )
        return
    entries = parsed.get("entries", [])
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            yield Rejected(
                source=unit.source,
                member=unit.member,
                code="R159",
                reason=reason("R159", detail=f"{type(problem).__name__}: {problem}"),
            )
        else:
            yield Rejected(
                source=unit.source,
                member=unit.member,
                code="R104",
                reason=reason("R104", detail="the feed has no entries"),
            )
        return
    feed = parsed.get("feed", {})
    publication = normalise(feed.get("title", "")).strip() or None
    feed_language = _language(feed.get("language"))
    fetcher = Fetcher()
    try:
        for n, entry in enumerate(entries, start=1):
            where = locate(unit, f"entry {n}")
            try:
                yield _read_entry(entry, unit, options, where, publication, feed_language, fetcher)
            except Exception as exc:  # noqa: BLE001 - one bad entry must not lose the others
                yield Rejected(
                    source=unit.source,
                    member=where,
                    code="R109",
                    reason=reason("R109", detail=f"feed entry {n}: {type(exc).__name__}: {exc}"),
                )
    finally:
        fetcher.close()


def _read_entry(
    entry: Any,
    unit: Unit,
    options: ReadOptions,
    where: str | None,
    publication: str | None,
    feed_language: str | None,
    fetcher: Fetcher,
) -> Article | Rejected:
    """One feed entry: its full text, the fetched page (with --fetch), or a Rejected."""
    link = entry.get("link")
    title = normalise(entry.get("title", "")).strip() or None
    # dict.get: feedparser's own get() maps updated to published with a DeprecationWarning.
    published = _struct_date(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed"))
    byline = clean_byline(entry.get("author"))
    external_id = entry.get("id") or link
    paragraphs = fragment_paragraphs(_entry_content(entry))
    body = "\n\n".join(paragraphs)
    if len(body.split()) >= FULL_CONTENT_MIN_WORDS:
        dateline, agency = wire_metadata(body, byline)
        return Article(
            text=body,
            source=unit.source,
            member=where,
            format="feed",
            external_id=external_id,
            publication=publication,
            title=title,
            byline=byline,
            agency=agency,
            dateline=dateline,
            published=published or options.date,
            date_source="file" if published else ("option" if options.date else None),
            language=feed_language,
            url=link,
        )
    if not link:
        return Rejected(
            source=unit.source,
            member=where,
            code="R104",
            reason=reason(
                "R104", detail=f"the feed entry {title!r} has {len(body.split())} words of text and no link"
            ),
        )
    if not options.fetch:
        return Rejected(source=unit.source, member=where, code="R154", reason=reason("R154", url=link))
    page, why = fetcher.fetch(link)
    if page is None:
        if why == "robots:":
            return Rejected(
                source=unit.source,
                member=where,
                code="R156",
                reason=reason("R156", host=urlsplit(link).netloc, url=link),
            )
        return Rejected(
            source=unit.source, member=where, code="R155", reason=reason("R155", url=link, detail=why)
        )
    return article_from_html(
        page,
        source=unit.source,
        member=where,
        fmt="feed",
        options=options,
        url=link,
        published=published,
        date_source="file" if published else None,
        publication=publication,
        title=title,
        byline=byline,
        language=feed_language,
        external_id=external_id,
    )


register(
    Reader(
        name="feed",
        read=read,
        sniff=sniff,
        extensions=(".rss", ".atom", ".xml"),
        description="RSS/Atom feeds: full-text entries, linked pages with --fetch",
    )
)

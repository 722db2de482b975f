"""The web UI in a real browser: Playwright driving Debian's Chromium headless against uvicorn on
127.0.0.1. Opens the reader and sees a highlighted quote with its details, filters events, and
renders the dyad chart. Screenshots go to test-artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tidings.api import create_app
from tidings.store import Store
from tidings.store.query import ensure_search_index
from web_sample import serve_in_thread, write_sample

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    path = tmp_path_factory.mktemp("browser") / "sample.db"
    ids = write_sample(path)
    with Store.open(path) as store:
        ensure_search_index(store.engine)
    with serve_in_thread(create_app(str(path))) as base:
        yield {"base": base, **ids}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="pip install playwright (Python) for browser tests"
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    external: list[str] = []
    page.on("request", lambda req: external.append(req.url) if "127.0.0.1" not in req.url else None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not external, f"the page tried to reach the network: {external}"
    assert not errors, f"script errors: {errors}"


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_web_browser_reader_shows_highlighted_quote_and_its_details(site: dict[str, Any], page: Any) -> None:
    aid = site["articles"]["geneva"]
    page.goto(f"{site['base']}/articles/{aid}")
    quote = page.locator(".seg.quote", has_text="We came here to listen").first
    assert quote.is_visible()
    background = quote.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    quote.hover()
    tip = page.locator(".tip")
    tip.wait_for(state="visible")
    assert "Quote (direct)" in tip.inner_text() and "quotes/direct-cue" in tip.inner_text()
    shot(page, "reader-hover")
    event = page.locator(".seg.event", has_text="accused").first
    event.click()
    detail = page.locator("#detail").inner_text()
    assert "Event 112" in detail and "events/pattern/112" in detail and "Goldstein" in detail
    shot(page, "reader-event-detail")


def test_web_browser_link_to_sentence_focuses_the_finding(site: dict[str, Any], page: Any) -> None:
    aid, eid = site["articles"]["kharkiv"], site["events"]["kharkiv"][0]
    page.goto(f"{site['base']}/articles/{aid}#f-{eid}")
    focused = page.locator(".seg.focus")
    assert focused.count() >= 2  # source, verb and target of the shelling
    assert "shelled" in " ".join(focused.all_inner_texts())
    assert "Event 194" in page.locator("#detail").inner_text()


def test_web_browser_filters_events(site: dict[str, Any], page: Any) -> None:
    page.goto(f"{site['base']}/events")
    assert page.locator("table.events tbody tr").count() == 10
    page.fill("input[name=root]", "19")
    page.select_option("select[name=negated]", "false")
    page.click("#event-filters button[type=submit]")
    page.wait_for_url("**/events?*root=19*")
    assert "cameo=" not in page.url, "empty fields are left out of the query"
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 2
    assert {c[:2] for c in page.locator("table.events tbody tr td:nth-child(5)").all_inner_texts()} == {"19"}
    shot(page, "events-filtered")
    page.locator("a.evidence").first.click()
    page.wait_for_url("**/articles/*#f-*")
    assert page.locator(".seg.focus").count() >= 1


def test_web_browser_renders_the_dyad_chart(site: dict[str, Any], page: Any) -> None:
    page.goto(f"{site['base']}/dyads")
    page.fill("input[name=a]", "USA")
    page.fill("input[name=b]", "RUS")
    page.select_option("select[name=interval]", "week")
    page.click("#dyad-form button[type=submit]")
    chart = page.locator("svg.timeline")
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    bars = page.locator("svg.timeline rect.bar")
    assert bars.count() == 10  # five weeks, two directions each
    heights = [float(h) for h in bars.evaluate_all("els => els.map(e => e.getAttribute('height'))")]
    assert sum(1 for h in heights if h > 0) >= 3
    assert page.locator("svg.timeline path.goldstein").count() == 1
    shot(page, "dyad-chart")


def test_web_browser_actor_network(site: dict[str, Any], page: Any) -> None:
    page.goto(f"{site['base']}/actors/country/USA")
    network = page.locator("svg.network")
    assert network.is_visible() and page.locator("svg.network a.node").count() == 2
    shot(page, "actor-network")

"""Server-rendered pages: JSON twins, the reader's highlights, links back to the sentence, charts,
escaping, and no network dependencies. Drives the app in-process (no browser)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tidings.api import create_app
from tidings.store import Store, quotes
from tidings.store.query import ensure_search_index
from tidings.types import Article, Findings, Span, spans_to_json, stable_hash
from tidings.web.charts import dyad_timeline, partner_network, role_timeline
from tidings.web.reader import Mark, segments
from web_sample import find, write_sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("web") / "sample.db"
    ids = write_sample(path)
    with Store.open(path) as store:
        ensure_search_index(store.engine)
    return {"path": path, **ids, "client": TestClient(create_app(str(path)))}


@pytest.fixture(scope="module")
def client(sample: dict[str, Any]) -> TestClient:
    return sample["client"]


def page(client: TestClient, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def twins(sample: dict[str, Any]) -> list[tuple[str, str, str]]:
    aid = sample["articles"]["geneva"]
    return [
        ("/", "/index.json", "/api/summary"),
        ("/articles?q=prisoner", "/articles.json?q=prisoner", "/api/articles?q=prisoner"),
        (f"/articles/{aid}", f"/articles/{aid}.json", f"/api/articles/{aid}"),
        ("/quotes?kind=direct", "/quotes.json?kind=direct", "/api/quotes?kind=direct"),
        ("/events?root=11", "/events.json?root=11", "/api/events?root=11"),
        ("/actors", "/actors.json", "/api/actors"),
        ("/actors/person/elena-marsh", "/actors/person/elena-marsh.json", "/api/actors/person/elena-marsh"),
        ("/dyads?dyad=USA,RUS", "/dyads.json?dyad=USA,RUS", "/api/dyads?dyad=USA,RUS"),
    ]


def test_web_every_page_links_its_json_twin_which_is_the_api(
    sample: dict[str, Any], client: TestClient
) -> None:
    for html_url, json_url, api_url in twins(sample):
        html = page(client, html_url)
        assert f'href="{json_url.replace("&", "&amp;")}"' in html, html_url
        twin, api = client.get(json_url).json(), client.get(api_url).json()
        for links in ("next", "previous"):  # paging links point back at the URL asked for
            twin.pop(links, None), api.pop(links, None)
        assert twin == api, json_url


def test_web_pages_need_no_network(sample: dict[str, Any], client: TestClient) -> None:
    for html_url, _json, _api in twins(sample):
        html = page(client, html_url)
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
            assert "//" not in tag, (html_url, tag)
    css = client.get("/static/tidings.css").text
    assert "url(" not in css and "@import" not in css


def test_web_reader_highlights_quotes_events_and_entities_with_anchors(
    sample: dict[str, Any], client: TestClient
) -> None:
    aid = sample["articles"]["geneva"]
    html = page(client, f"/articles/{aid}")
    quote_id = sample["quotes"]["geneva"][0]
    # the direct quote's content is one highlighted run, anchored for links
    assert f'id="f-{quote_id}"' in html
    m = re.search(
        r'<span class="seg quote[^"]*" data-f="([^"]*)"[^>]*>'
        r"We came here to listen, and we will keep listening</span>",
        html,
    )
    assert m and quote_id in m.group(1).split()
    assert re.search(r'<span class="seg speaker[^"]*"[^>]*>Marsh</span>', html)
    assert re.search(r'<span class="seg event[^"]*"[^>]*>accused</span>', html)
    assert re.search(r'class="seg[^"]*\bentity\b[^"]*ent-GPE"[^>]*>Moscow</span>', html)
    # the side lists read "speaker → content" and "source — verb — target"
    assert re.search(r"Elena Marsh</b> → <span class=\"content\">We came here", html)
    assert re.search(r"<b>The United States</b> — <span class=\"verb\">[^<]+</span> — <b>Russia</b>", html)
    # the data the hover script reads: code, rule, confidence and the resolved actor
    data = re.search(r'<script type="application/json" id="findings-data">(.*?)</script>', html, re.S)
    assert (
        data
        and '"rule": "events/pattern/112"' in data.group(1)
        and '"actor_id": "person/elena-marsh"' in data.group(1)
    )


def test_web_tables_link_back_to_the_sentence(sample: dict[str, Any], client: TestClient) -> None:
    aid = sample["articles"]["kharkiv"]
    shelling = next(e for e in client.get("/api/events?cameo=194").json()["items"])
    html = page(client, "/events?cameo=194")
    assert f'href="/articles/{aid}#f-{shelling["id"]}"' in html
    html = page(client, "/quotes?speaker=roux")
    rebuild = client.get("/api/quotes?speaker=roux").json()["items"][0]
    assert f'href="/articles/{rebuild["article_id"]}#f-{rebuild["id"]}"' in html
    assert f'id="f-{rebuild["id"]}"' in page(client, f"/articles/{rebuild['article_id']}")


def test_web_filter_forms_keep_values_and_offer_exports(client: TestClient) -> None:
    html = page(client, "/events?root=19&negated=false")
    assert 'name="root" value="19"' in html
    assert '<option value="false" selected>' in html
    assert "/api/export/events?root=19&amp;negated=false&amp;format=gdelt" in html


def test_web_dyad_page_draws_the_timeline(client: TestClient) -> None:
    html = page(client, "/dyads?a=USA&b=RUS&interval=month")
    svg = re.search(r"<svg class=\"timeline\".*?</svg>", html, re.S)
    assert svg and svg.group(0).count('class="bar a2b"') == 2
    assert 'class="goldstein"' in svg.group(0) and "2024-03: 3 events" in svg.group(0)
    assert "Pick two actors" in page(client, "/dyads")


def test_web_actor_page_has_roles_network_quotes_events(client: TestClient) -> None:
    html = page(client, "/actors/country/USA")
    assert '<svg class="network"' in html and 'href="/actors/country%2FRUS"' in html
    html = page(client, "/actors/person/irina-volkova")
    assert '<svg class="roles"' in html and "Ambassador to Austria" in html and "2022-08-31" in html
    assert "This is a modest step" in html


def test_web_errors_are_pages_for_people(client: TestClient) -> None:
    r = client.get("/events?quad_class=9")
    assert r.status_code == 422 and "QuadClass is 1, 2, 3 or 4" in r.text and "<html" in r.text
    r = client.get("/articles/ffffffffffffffffffff")
    assert r.status_code == 404 and "No article" in r.text


def test_web_escapes_article_text_and_metadata(tmp_path: Any) -> None:
    text = 'Officials said <script>alert("x")</script> was posted & removed. "No comment," said Ann Lee.'
    art = Article(
        text=text, source="x.txt", format="text", title="<img src=x onerror=alert(1)>", published="2024-01-02"
    )
    with Store.open(tmp_path / "xss.db") as store:
        store.write([(art, Findings(article_id=art.id))])
        content = find(text, "No comment,")
        row = {
            "id": stable_hash("q"),
            "article_id": art.id,
            "sentence": 1,
            "spans": spans_to_json([content]),
            "rule": "quotes/test",
            "confidence": 0.9,
            "kind": "direct",
            "speaker": "<b>Ann</b>",
            "content": "No comment,",
            "content_spans": spans_to_json([content]),
        }
        with store.engine.begin() as conn:
            conn.execute(quotes.insert(), [row])
    client = TestClient(create_app(str(tmp_path / "xss.db")))
    html = page(client, f"/articles/{art.id}")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html and "<b>Ann</b>" not in html
    assert "</script>" not in re.search(r'id="findings-data">(.*?)</script>', html, re.S).group(1)


# ---- pieces ------------------------------------------------------------------------------------


def test_web_segments_cut_overlapping_marks() -> None:
    text = "Marsh said talks would resume."
    marks = [
        Mark(11, 29, "quote", "q1"),
        Mark(0, 5, "speaker", "q1"),
        Mark(11, 16, "entity", "e1"),
        Mark(6, 10, "cue", "q1"),
        Mark(40, 50, "event", "bad"),
    ]
    segs = segments(text, marks)
    assert "".join(s.text for s in segs) == text
    talks = next(s for s in segs if s.text == "talks")
    assert talks.kinds == ["quote", "entity"] and talks.findings == ["e1", "q1"]
    assert next(s for s in segs if s.text == "Marsh").anchors == ["q1"]
    assert next(s for s in segs if s.text == "talks").anchors == ["e1"]
    assert not any("bad" in s.findings for s in segs)  # spans past the end are dropped


def test_web_charts_escape_labels_and_handle_empty_series() -> None:
    assert "No events" in dyad_timeline([], "A", "B")
    series = [
        {
            "period": "2024-01",
            "count": 2,
            "a_to_b": 1,
            "b_to_a": 1,
            "goldstein_sum": -3.0,
            "goldstein_mean": -1.5,
            "quad_class": {},
        }
    ]
    svg = dyad_timeline(series, "<x>", "B")
    assert "<x>" not in svg and "&lt;x&gt;" in svg
    net = partner_network(
        "<c>", [{"partner": "P&Q", "actor_id": None, "name": None, "count": 1, "goldstein_mean": None}], "c"
    )
    assert "P&amp;Q" in net and "<c>" not in net and "/dyads?dyad=c%2CP%26Q" in net
    roles = role_timeline([{"title": "Envoy", "start": "2019-05-01", "end": None}], "2024-01-01")
    assert "Envoy" in roles and "2019" in roles


def test_web_sample_spans_point_at_their_words() -> None:
    text = "Russian officials met Russia's envoy."
    assert find(text, "Russia") == Span(22, 28)


def test_web_events_show_the_sentence_around_the_evidence(client: TestClient) -> None:
    (event,) = client.get("/api/events?cameo=112").json()["items"]
    assert event["sentence_text"] == "The United States accused Russia of delaying the talks for months."
    assert "The United States accused Russia of delaying" in page(client, "/events?cameo=112")


def test_web_sentence_around_cuts_long_sentences_near_the_evidence() -> None:
    from tidings.web.reader import CONTEXT_CHARS, sentence_around

    text = "First one. " + "word " * 200 + "KEY " + "word " * 200 + ". Last."
    start = text.index("KEY")
    context = sentence_around(text, [[start, start + 3]])
    assert "KEY" in context and len(context) <= CONTEXT_CHARS and "First" not in context
    assert sentence_around("Short. Then this one here. After.", [[7, 11]]) == "Then this one here."
    assert sentence_around("abc", [[5, 9]]) == ""


def test_web_segments_scale_to_long_articles() -> None:
    import time

    text = "word " * 40_000
    marks = [Mark(i * 5, i * 5 + 4, "entity", f"e{i}") for i in range(0, 40_000, 2)]
    marks.append(Mark(0, len(text), "quote", "q"))
    started = time.perf_counter()
    segs = segments(text, marks)
    # linear: well under a second on an idle machine; the old all-pairs cut took minutes here
    assert time.perf_counter() - started < 15.0
    assert "".join(s.text for s in segs) == text
    assert all("q" in s.findings for s in segs)
    assert sum(1 for s in segs if "entity" in s.kinds) == 20_000


def test_web_malformed_spans_are_skipped_not_fatal(tmp_path: Any) -> None:
    from tidings.store import events

    art = Article(
        text="Rebels fired rockets at the base.", source="y.txt", format="text", published="2024-01-05"
    )
    with Store.open(tmp_path / "odd.db") as store:
        store.write([(art, Findings(article_id=art.id))])
        base = {"article_id": art.id, "sentence": 0, "rule": "r", "confidence": 0.5, "cameo": "190"}
        with store.engine.begin() as conn:
            conn.execute(
                events.insert(),
                [
                    {**base, "id": "e1", "spans": "not json"},
                    {**base, "id": "e2", "spans": '[[1], ["a", "b"], [0, 999]]'},
                    {**base, "id": "e3", "spans": "[[7, 12]]"},
                ],
            )
    client = TestClient(create_app(str(tmp_path / "odd.db")))
    html = page(client, f"/articles/{art.id}")
    assert re.search(r'<span class="seg event"[^>]*>fired</span>', html)
    assert page(client, "/events") and client.get("/api/events").json()["total"] == 3

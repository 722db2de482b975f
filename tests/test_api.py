"""The JSON API through FastAPI's in-process client: every endpoint, filters, pagination, errors."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tidings.api import create_app
from tidings.store import Store
from tidings.store.query import MAX_PAGE_SIZE, ensure_search_index
from web_sample import write_sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("api") / "sample.db"
    ids = write_sample(path)
    with Store.open(path) as store:
        ensure_search_index(store.engine)
    return {"path": path, **ids}


@pytest.fixture(scope="module")
def client(sample: dict[str, Any]) -> TestClient:
    return TestClient(create_app(str(sample["path"])))


def get_json(client: TestClient, url: str, status: int = 200) -> Any:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:400])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


# ---- articles ----------------------------------------------------------------------------------


def test_api_articles_lists_newest_first_without_text(client: TestClient) -> None:
    data = get_json(client, "/api/articles")
    assert data["total"] == 4
    dates = [a["published"] for a in data["items"]]
    assert dates == sorted(dates, reverse=True)
    assert "text" not in data["items"][0] and data["items"][0]["snippet"]


def test_api_articles_full_text_search_ranks_and_filters(client: TestClient, sample: dict[str, Any]) -> None:
    data = get_json(client, "/api/articles?q=prisoner+exchange")
    assert {a["id"] for a in data["items"]} == {sample["articles"]["geneva"], sample["articles"]["exchange"]}
    # accents are folded: "elodie" finds "Élodie"
    data = get_json(client, "/api/articles?q=elodie")
    assert [a["id"] for a in data["items"]] == [sample["articles"]["conference"]]
    # search combines with filters
    data = get_json(client, "/api/articles?q=prisoner&publication=Daily+Ledger")
    assert [a["id"] for a in data["items"]] == [sample["articles"]["exchange"]]


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("publication=The+Harbour+Times", {"geneva", "kharkiv"}),
        ("agency=AFP", {"conference"}),
        ("language=en&country=USA", {"exchange"}),
        ("cluster=c-reconstruction", {"conference"}),
        ("date_from=2024-03-10&date_to=2024-04-30", {"exchange", "kharkiv"}),
        ("date_from=2024-04", {"kharkiv", "conference"}),
        ("date_to=2024-03", {"geneva", "exchange"}),
    ],
)
def test_api_articles_filters(client: TestClient, sample: dict[str, Any], query: str, keys: set[str]) -> None:
    data = get_json(client, "/api/articles?" + query)
    assert {a["id"] for a in data["items"]} == {sample["articles"][k] for k in keys}
    assert data["total"] == len(keys)


def test_api_pagination_links_walk_every_row_once(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/api/articles?limit=3"
    pages = 0
    while url:
        data = get_json(client, url)
        seen += [a["id"] for a in data["items"]]
        url = data["next"]
        pages += 1
    assert pages == 2 and len(seen) == len(set(seen)) == 4
    back = get_json(client, "/api/articles?limit=3&offset=3")
    assert back["previous"] == "/api/articles?limit=3"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        (f"limit={MAX_PAGE_SIZE + 1}", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("date_from=2024-02-30", "date_from"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2024-05-01&date_to=2024-04-01", "date_from"),
        ("q=%25%25", "q"),
    ],
)
def test_api_bad_article_filters_are_422_with_a_message(
    client: TestClient, query: str, parameter: str
) -> None:
    data = get_json(client, "/api/articles?" + query, status=422)
    assert data["error"]["status"] == 422
    assert data["error"]["details"]["parameter"] == parameter
    assert parameter in data["error"]["message"]


def test_api_article_has_every_finding_with_spans_into_the_text(
    client: TestClient, sample: dict[str, Any]
) -> None:
    aid = sample["articles"]["geneva"]
    data = get_json(client, f"/api/articles/{aid}")
    text = data["article"]["text"]
    assert {len(data[t]) for t in ("quotes", "events")} == {2, 3}
    assert len(data["entities"]) == 9 and len(data["actor_mentions"]) == 6
    quote = next(q for q in data["quotes"] if q["kind"] == "direct")
    ((start, end),) = quote["content_spans"]
    assert text[start:end] == quote["content"] == "We came here to listen, and we will keep listening"
    ((s0, s1),) = quote["speaker_spans"]
    assert text[s0:s1] == "Marsh"
    accuse = next(e for e in data["events"] if e["cameo"] == "112")
    assert [text[a:b] for a, b in accuse["spans"]] == ["The United States", "accused", "Russia"]
    assert accuse["cameo_name"]  # named from the codebook
    assert next(e for e in data["events"] if e["cameo"] == "120")["negated"] is True


def test_api_article_by_unique_prefix_and_unknown_id(client: TestClient, sample: dict[str, Any]) -> None:
    aid = sample["articles"]["kharkiv"]
    assert get_json(client, f"/api/articles/{aid[:8]}")["article"]["id"] == aid
    err = get_json(client, "/api/articles/0000000000000000dead", status=404)["error"]
    assert "article" in err["message"] and "0000000000000000dead" in err["message"]


# ---- quotes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "contents"),
    [
        (
            "speaker=volkova",
            {"the first transfers would take place in April", "This is a modest step, but it is a step"},
        ),
        (
            "actor=person/elena-marsh",
            {
                "We came here to listen, and we will keep listening",
                "Washington would not abandon its partners",
            },
        ),
        ("text=modest+step", {"This is a modest step, but it is a step"}),
        ("kind=direct&date_from=2024-04-01", {"Rebuilding cannot wait for the war to end"}),
        ("speaker=%C3%A9lodie", {"the guest list was still open"}),
        (
            "date_to=2024-03-04",
            {
                "We came here to listen, and we will keep listening",
                "Moscow was ready to consider a new proposal",
            },
        ),
    ],
)
def test_api_quotes_filters(client: TestClient, query: str, contents: set[str]) -> None:
    data = get_json(client, "/api/quotes?" + query)
    assert {q["content"] for q in data["items"]} == contents
    assert all(q["published"] for q in data["items"])  # article fields ride along


def test_api_quotes_for_one_article(client: TestClient, sample: dict[str, Any]) -> None:
    aid = sample["articles"]["exchange"]
    data = get_json(client, f"/api/quotes?article={aid}")
    assert data["total"] == 3 and {q["article_id"] for q in data["items"]} == {aid}


# ---- events ------------------------------------------------------------------------------------


def cameos(client: TestClient, query: str) -> list[str]:
    return [e["cameo"] for e in get_json(client, "/api/events?" + query)["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source=USA", ["043", "112", "111", "0332"]),
        ("target=RUS", ["043", "112", "111", "111"]),
        ("actor=person/elena-marsh", ["043"]),
        ("source_country=RUS&target_country=UKR", ["192", "194"]),
        ("country=FRA", ["0331"]),
        ("dyad=USA,RUS", ["043", "112", "057", "111"]),
        ("dyad=USA,RUS&directed=true", ["043", "112", "111"]),
        ("dyad=RUS:USA&directed=true", ["057"]),
        ("cameo=11", ["112", "111", "111"]),
        ("cameo=0332", ["0332"]),
        ("root=19", ["192", "194"]),
        ("quad_class=4", ["192", "194"]),
        ("plover_type=AID", ["0332", "0331"]),
        ("date_from=2024-04-01&date_to=2024-04-30", ["194", "111", "0332"]),
        ("date_from=2024-06-15", ["0331"]),  # month-precision date kept: it may fall in the range
        ("place=kharkiv", ["194"]),
        ("place=CHE", ["043"]),
        ("negated=true", ["120"]),
        ("historical=true", ["192"]),
        ("historical=false&negated=false&root=19", ["194"]),
    ],
)
def test_api_events_filters(client: TestClient, query: str, expected: list[str]) -> None:
    assert cameos(client, query) == expected


def test_api_events_carry_codebook_names_and_article_fields(client: TestClient) -> None:
    data = get_json(client, "/api/events?cameo=194")
    (event,) = data["items"]
    assert event["cameo_name"] and event["publication"] == "The Harbour Times"
    assert event["event_date"] == "2024-04-01" and event["lat"] == pytest.approx(49.9935)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("cameo=abc", "cameo"),
        ("cameo=12345", "cameo"),
        ("root=1", "root"),
        ("quad_class=5", "quad_class"),
        ("quad_class=x", "quad_class"),
        ("negated=maybe", "negated"),
        ("dyad=USA", "dyad"),
        ("dyad=,RUS", "dyad"),
        ("directed=perhaps", "directed"),
    ],
)
def test_api_bad_event_filters_are_422(client: TestClient, query: str, parameter: str) -> None:
    err = get_json(client, "/api/events?" + query, status=422)["error"]
    assert err["details"]["parameter"] == parameter and err["message"]


# ---- actors ------------------------------------------------------------------------------------


def test_api_actors_list_most_mentioned_first(client: TestClient) -> None:
    data = get_json(client, "/api/actors")
    assert data["items"][0]["id"] == "country/RUS" and data["items"][0]["mentions"] == 4
    people = get_json(client, "/api/actors?kind=person&country=RUS")
    assert {a["id"] for a in people["items"]} == {"person/pavel-orlov", "person/irina-volkova"}
    assert [a["id"] for a in get_json(client, "/api/actors?q=camille")["items"]] == ["person/camille-roux"]


def test_api_actor_has_roles_over_time_quotes_events_partners(client: TestClient) -> None:
    data = get_json(client, "/api/actors/person/irina-volkova")
    roles = data["actor"]["roles"]
    assert [r["title"] for r in roles] == ["Ambassador to Austria", "Deputy Foreign Minister"]
    assert roles[0]["end"] == "2022-08-31" and roles[1]["end"] is None
    assert data["quotes"]["total"] == 2 and data["events"]["total"] == 0

    usa = get_json(client, "/api/actors/country/USA")  # ids may hold slashes
    assert usa["partners"][0]["partner"] == "country/RUS" and usa["partners"][0]["name"] == "Russia"
    # accused, condemned (as source), agreed (as target); Marsh meeting Orlov is the officials' event
    assert usa["partners"][0]["count"] == 3
    assert [p["partner"] for p in usa["partners"]] == ["country/RUS", "country/UKR"]
    assert usa["events"]["total"] == 4 and usa["events"]["url"] == "/events?actor=country%2FUSA"
    assert get_json(client, "/actors/country/USA.json")["actor"]["name"] == "United States"


def test_api_unknown_actor_is_404(client: TestClient) -> None:
    err = get_json(client, "/api/actors/nobody_at_all", status=404)["error"]
    assert "nobody_at_all" in err["message"] and err["code"] == "E902"


# ---- dyads -------------------------------------------------------------------------------------


def test_api_dyad_month_series_counts_and_goldstein(client: TestClient) -> None:
    data = get_json(client, "/api/dyads?dyad=USA,RUS&interval=month")
    march, april = data["series"]
    assert (march["period"], march["count"], march["a_to_b"], march["b_to_a"]) == ("2024-03", 3, 2, 1)
    assert march["goldstein_sum"] == pytest.approx(2.8 - 2.0 + 8.0)
    assert march["goldstein_mean"] == pytest.approx((2.8 - 2.0 + 8.0) / 3, abs=1e-3)
    assert (april["count"], april["goldstein_sum"]) == (1, -2.0)
    assert data["total"] == 4 and data["events_url"].startswith("/events?")


def test_api_dyad_week_series_fills_gaps_and_a_b_form_works(client: TestClient) -> None:
    data = get_json(client, "/api/dyads?a=USA&b=RUS&interval=week")
    periods = [p["period"] for p in data["series"]]
    assert periods[0] == "2024-W10" and periods[-1] == "2024-W14"
    assert len(periods) == 5 and sum(p["count"] for p in data["series"]) == 4


def test_api_dyad_leaves_out_historical_unless_asked(client: TestClient) -> None:
    assert get_json(client, "/api/dyads?dyad=RUS,UKR")["total"] == 2  # shelled; criticised
    with_history = get_json(client, "/api/dyads?dyad=RUS,UKR&include_historical=true&interval=day")
    assert with_history["total"] == 3  # and the 2014 annexation
    assert len(with_history["series"]) == 3  # 2014 and 2024 are too far apart to fill daily


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("", "dyad"), ("dyad=USA,RUS&interval=year", "interval"), ("a=USA", "b")],
)
def test_api_dyad_bad_input_is_422(client: TestClient, query: str, parameter: str) -> None:
    err = get_json(client, "/api/dyads?" + query, status=422)["error"]
    assert err["details"]["parameter"] == parameter


# ---- exports -----------------------------------------------------------------------------------


def test_api_export_events_csv_streams_the_filtered_rows(client: TestClient) -> None:
    r = client.get("/api/export/events?format=csv&root=11")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["cameo"] for row in rows] == ["112", "111", "111"]
    assert json.loads(rows[0]["spans"])[0] == [int(x) for x in json.loads(rows[0]["spans"])[0]]


def test_api_export_quotes_and_articles_jsonl(client: TestClient) -> None:
    r = client.get("/api/export/quotes?format=jsonl&kind=direct")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert r.status_code == 200 and len(lines) == 3 and {q["kind"] for q in lines} == {"direct"}
    r = client.get("/api/export/articles?format=jsonl&q=Crimea")
    (article,) = [json.loads(line) for line in r.text.splitlines()]
    assert "annexed Crimea" in article["text"]


def test_api_export_bad_format_is_422(client: TestClient) -> None:
    assert client.get("/api/export/quotes?format=gdelt").status_code == 422
    assert client.get("/api/export/events?format=xlsx").json()["error"]["details"]["parameter"] == "format"


def test_api_export_gdelt_without_writer_is_501(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tidings.export.gdelt", None)  # import now fails
    r = client.get("/api/export/events?format=gdelt")
    assert r.status_code == 501
    assert "format=csv" in r.json()["error"]["message"]


def test_api_export_gdelt_tsv_when_writer_present(client: TestClient) -> None:
    pytest.importorskip("tidings.export.gdelt", reason="the events-data area's GDELT writer is not here yet")
    r = client.get("/api/export/events?format=gdelt&cameo=194")
    assert r.status_code == 200, r.text[:300]
    rows = [line.split("\t") for line in r.text.splitlines() if line]
    assert len(rows) == 1 and "194" in rows[0]


# ---- meta, docs, errors ------------------------------------------------------------------------


def test_api_summary_and_openapi_document_every_endpoint(client: TestClient) -> None:
    summary = get_json(client, "/api/summary")["summary"]
    assert (summary["articles"], summary["quotes"], summary["events"], summary["search"]) == (
        4,
        8,
        10,
        "fts5",
    )
    spec = get_json(client, "/api/openapi.json")
    for path in (
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/quotes",
        "/api/events",
        "/api/actors",
        "/api/actors/{actor_id}",
        "/api/dyads",
        "/api/export/events",
        "/api/export/quotes",
        "/api/export/articles",
        "/api/summary",
    ):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"dyad", "cameo", "root", "quad_class", "plover_type", "negated", "historical", "limit"} <= params
    assert all(p.get("description") for p in spec["paths"]["/api/events"]["get"]["parameters"])


def test_api_reference_page_works_offline(client: TestClient) -> None:
    r = client.get("/api")
    assert r.status_code == 200 and "/api/events" in r.text
    assert "cdn" not in r.text.lower() and "https://" not in r.text


def test_api_unknown_route_and_write_methods_are_json_errors(client: TestClient) -> None:
    assert get_json(client, "/api/nothing", status=404)["error"]["message"].startswith("Nothing at")
    r = client.post("/api/articles", json={})
    assert r.status_code == 405 and "read-only" in r.json()["error"]["message"]


def test_api_database_is_opened_read_only(sample: dict[str, Any]) -> None:
    app = create_app(str(sample["path"]))
    engine = app.state.reader.engine
    assert "mode=ro" in str(engine.url)
    import sqlalchemy as sa

    with pytest.raises(sa.exc.OperationalError, match="readonly"), engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM articles"))


def test_api_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    from tidings.errors import TidingsError

    with pytest.raises(TidingsError, match="tidings ingest"):
        create_app(str(tmp_path / "absent.db"))

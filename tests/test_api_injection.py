"""Hostile input in every filter of every endpoint, and path traversal on the static routes.

Every value must reach the database as a bound parameter (no SQL injection), LIKE wildcards must
match themselves, very long and odd unicode values must be refused or matched literally, and no
request may produce a 5xx or change the database.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tidings.api import create_app
from tidings.store import Store, articles, events, quotes
from tidings.store.query import MAX_FILTER_LENGTH, ensure_search_index
from web_sample import count_rows, write_sample

HOSTILE = {
    "sql": "' OR 1=1 --",
    "sql_union": "x' UNION SELECT id, text FROM articles --",
    "drop": "'; DROP TABLE articles; --",
    "percent": "%",
    "underscore": "_",
    "fts_syntax": 'NEAR(" * ) OR ^',
    "unicode": "Жовква \u202e🙂 \u0301",
    "long": "A" * 10_000,
    "nul": "abc\x00def",
}

FILTERS = {
    "/api/articles": [
        "q",
        "publication",
        "agency",
        "language",
        "country",
        "cluster",
        "date_from",
        "date_to",
        "limit",
        "offset",
    ],
    "/api/quotes": ["speaker", "actor", "text", "kind", "date_from", "date_to", "article", "limit", "offset"],
    "/api/events": [
        "source",
        "target",
        "actor",
        "source_country",
        "target_country",
        "country",
        "dyad",
        "directed",
        "cameo",
        "root",
        "quad_class",
        "plover_type",
        "date_from",
        "date_to",
        "place",
        "negated",
        "historical",
        "article",
        "limit",
        "offset",
    ],
    "/api/actors": ["q", "kind", "country", "limit", "offset"],
    "/api/dyads": ["dyad", "a", "b", "interval", "date_from", "cameo", "include_negated"],
    "/api/export/events": ["actor", "place", "cameo", "format"],
    "/api/export/quotes": ["speaker", "text", "format"],
    "/api/export/articles": ["q", "publication", "format"],
}

CASES = [(path, name, key) for path, names in FILTERS.items() for name in names for key in HOSTILE]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("inject") / "sample.db"
    write_sample(path)
    with Store.open(path) as store:
        ensure_search_index(store.engine)
    client = TestClient(create_app(str(path)))
    client.db_path = path  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize(("path", "name", "key"), CASES, ids=[f"{p}-{n}-{k}" for p, n, k in CASES])
def test_api_hostile_filter_value_is_refused_or_matched_literally(
    client: TestClient, path: str, name: str, key: str
) -> None:
    value = HOSTILE[key]
    r = client.get(
        path, params={name: value, **({"dyad": "USA,RUS"} if path == "/api/dyads" and name != "dyad" else {})}
    )
    assert r.status_code < 500, r.text[:300]
    assert r.status_code in (200, 422), (r.status_code, r.text[:300])
    if r.status_code == 422:
        assert r.json()["error"]["message"]
        return
    assert key != "long" or name in ("interval",), "values over the length limit must be refused"
    if path.startswith("/api/export"):
        assert r.text.count("\n") <= 1 or name == "format", "a literal match of hostile text finds nothing"
    elif path == "/api/dyads":
        assert r.json()["total"] <= 4  # never more than the real USA-RUS dyad
    else:
        assert r.json()["total"] == 0, f"{name}={value!r} matched rows"


def test_api_filter_length_limit_message_says_what_to_do(client: TestClient) -> None:
    r = client.get("/api/quotes", params={"speaker": "x" * (MAX_FILTER_LENGTH + 1)})
    assert r.status_code == 422 and "shorten" in r.json()["error"]["message"]


def test_api_percent_is_literal_not_a_wildcard(client: TestClient) -> None:
    assert client.get("/api/quotes", params={"text": "%"}).json()["total"] == 0
    assert client.get("/api/quotes", params={"text": "step"}).json()["total"] == 1


@pytest.mark.parametrize("key", sorted(HOSTILE))
@pytest.mark.parametrize("route", ["/api/articles/", "/api/actors/", "/articles/", "/actors/"])
def test_api_hostile_ids_are_404_or_422(client: TestClient, route: str, key: str) -> None:
    r = client.get(route + quote(HOSTILE[key], safe=""))
    assert r.status_code in (404, 422), (r.status_code, r.text[:200])


def test_api_database_unchanged_after_hostile_requests(client: TestClient) -> None:
    for key in HOSTILE:
        client.get("/api/events", params={"actor": HOSTILE[key]})
        client.get("/api/articles", params={"q": HOSTILE[key]})
    path = client.db_path  # type: ignore[attr-defined]
    assert (count_rows(path, articles), count_rows(path, quotes), count_rows(path, events)) == (4, 8, 10)


TRAVERSALS = [
    "/static/%2e%2e/api.py",
    "/static/%2e%2e/%2e%2e/tidings/api.py",
    "/static/..%2fapi.py",
    "/static/%2e%2e%2f%2e%2e%2fstore%2f__init__.py",
    "/static/%2e%2e/templates/base.html",
    "/static/..%5capi.py",
    "/static/%252e%252e/api.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/tidings.css%00.py",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_web_static_route_refuses_path_traversal(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "import " not in r.text and "root:" not in r.text and "{% block" not in r.text


def test_web_static_files_are_served(client: TestClient) -> None:
    r = client.get("/static/tidings.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]


def test_api_error_message_echoes_only_the_start_of_a_long_value(client: TestClient) -> None:
    r = client.get("/api/events", params={"dyad": "Q" * 5000})
    assert r.status_code == 422 and len(r.json()["error"]["message"]) < 300

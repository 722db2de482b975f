"""The API over PostgreSQL: full-text search with to_tsvector/plainto_tsquery, filters, read-only
sessions. Needs the server on 127.0.0.1:5432 (user postgres); skipped without it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tidings.api import create_app
from tidings.store import Store
from tidings.store.query import ensure_search_index
from web_sample import write_sample

# Same server and convention as tests/conftest.py: a fresh schema on TIDINGS_TEST_PG, dropped after.
PG_BASE = os.environ.get("TIDINGS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, for this module's tests."""
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    try:
        with psycopg.connect(PG_BASE, connect_timeout=3, autocommit=True) as conn:
            schema = "tidings_web_" + uuid.uuid4().hex[:10]
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        pytest.skip(f"no PostgreSQL at {PG_BASE} ({type(exc).__name__})")
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="module")
def pg(pg_schema_url: str) -> Iterator[dict[str, Any]]:
    ids = write_sample(pg_schema_url)
    with Store.open(pg_schema_url) as store:
        assert ensure_search_index(store.engine) is True
        assert ensure_search_index(store.engine) is False  # idempotent
    app = create_app(pg_schema_url)
    yield {"client": TestClient(app), "app": app, **ids}
    app.state.store.close()  # no idle sessions left to hold up dropping the schema


def test_api_postgres_full_text_search(pg: dict[str, Any]) -> None:
    client = pg["client"]
    data = client.get("/api/articles?q=prisoner+exchanges").json()  # stemmed: exchanges ~ exchange
    assert {a["id"] for a in data["items"]} == {pg["articles"]["geneva"], pg["articles"]["exchange"]}
    assert client.get("/api/summary").json()["summary"]["search"] == "postgresql"
    assert client.get("/api/articles", params={"q": "' OR 1=1 --"}).json()["total"] == 0


def test_api_postgres_filters_dyads_and_actors(pg: dict[str, Any]) -> None:
    client = pg["client"]
    assert [e["cameo"] for e in client.get("/api/events?dyad=USA,RUS").json()["items"]] == [
        "043",
        "112",
        "057",
        "111",
    ]
    assert client.get("/api/events?negated=true").json()["items"][0]["cameo"] == "120"
    assert client.get("/api/quotes?speaker=VOLKOVA").json()["total"] == 2
    series = client.get("/api/dyads?dyad=USA,RUS&interval=month").json()["series"]
    assert [(p["period"], p["count"]) for p in series] == [("2024-03", 3), ("2024-04", 1)]
    assert client.get("/api/actors/country/USA").json()["partners"][0]["partner"] == "country/RUS"
    assert client.get("/api/quotes", params={"text": "%"}).json()["total"] == 0


def test_api_postgres_reader_sessions_are_read_only(pg: dict[str, Any]) -> None:
    engine = pg["app"].state.reader.engine
    with pytest.raises(sa.exc.InternalError, match="read-only"), engine.connect() as conn:
        conn.execute(sa.text("DELETE FROM articles"))

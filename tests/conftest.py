"""Shared fixtures: the spaCy pipeline (loaded once), PostgreSQL (skipped with a reason when absent)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PG_BASE = os.environ.get("TIDINGS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_configure(config: pytest.Config) -> None:
    """Data tidings caches (the gazetteer) goes to a folder of this test run, not the user's
    ~/.cache; the CLI subprocesses the tests start inherit it."""
    if "TIDINGS_CACHE_DIR" not in os.environ:
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="tidings-test-cache-")
        os.environ["TIDINGS_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="session")
def nlp():
    from tidings import nlp as tnlp

    return tnlp.load()


@pytest.fixture(scope="session")
def quotes_runner(nlp):
    """``run(text, findings=None) -> list[Quote]``: the quote stage on one text, with the shipped
    cue lexicon and the earlier stages' findings when given."""
    from tidings.extract.quotes import extract_quotes, load_cues
    from tidings.knowledge import Knowledge
    from tidings.types import Article, Findings

    kb = Knowledge(cues=load_cues())

    def run(text: str, findings: Findings | None = None) -> list:
        doc = nlp(text)
        article = Article(text=text, source="test", format="text")
        base = findings if findings is not None else Findings(article_id=article.id)
        return list(extract_quotes(doc, article, kb, base).quotes)

    return run


def _pg_available() -> str | None:
    """None when the server answers, else the reason it cannot be used."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_BASE, connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception as exc:  # noqa: BLE001
        return f"no PostgreSQL at {PG_BASE} ({type(exc).__name__}: {str(exc).strip().splitlines()[0]})"
    return None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    why = _pg_available()
    if why:
        pytest.skip(why)
    import psycopg

    schema = "tidings_test_" + uuid.uuid4().hex[:10]
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

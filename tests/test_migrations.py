"""Schema migrations: fresh databases, older databases upgraded on open, versioned steps, refusals.

Each behaviour runs on SQLite and on PostgreSQL (skipped with the fixture's reason when no server runs).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tidings.errors import TidingsError
from tidings.store import SCHEMA_VERSION, Store, engine_for, metadata
from tidings.store.migrations import Migration, stored_version, upgrade
from tidings.types import Article, EntityMention, Findings, Span


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "m.db")
    return request.getfixturevalue("pg_url")


def _version(db: str) -> int | None:
    engine = engine_for(db)
    try:
        with engine.connect() as conn:
            return stored_version(conn)
    finally:
        engine.dispose()


def _old_schema() -> sa.MetaData:
    """What an older tidings created: articles without `cluster` (and its index), no events table."""
    old = sa.MetaData()
    for table in metadata.sorted_tables:
        if table.name == "events":
            continue
        columns = [c._copy() for c in table.columns if not (table.name == "articles" and c.name == "cluster")]
        sa.Table(table.name, old, *columns)
    return old


def test_fresh_database_is_created_at_the_current_version(db: str) -> None:
    engine = engine_for(db)
    first = upgrade(engine)
    again = upgrade(engine)
    engine.dispose()
    assert first.found is None and "articles" in first.added_tables and "meta" in first.added_tables
    assert again.found == SCHEMA_VERSION
    assert again.added_tables == again.added_columns == again.added_indexes == again.applied == []
    assert _version(db) == SCHEMA_VERSION


def test_older_database_is_upgraded_when_opened_and_keeps_its_rows(db: str) -> None:
    engine = engine_for(db)
    old = _old_schema()
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(old.tables["meta"].insert().values(key="schema_version", value="1"))
        conn.execute(
            old.tables["articles"]
            .insert()
            .values(id="old1", source="a.txt", format="press", word_count=3, text="Envoys met today.")
        )
    engine.dispose()

    with Store.open(db) as store:
        assert store.article("old1")["text"] == "Envoys met today."  # type: ignore[index]
        article = Article(text="Ministers met in Doha.", source="b.txt", format="press", cluster="c1")
        finding = EntityMention(
            article_id=article.id,
            sentence=0,
            spans=(Span(16, 20),),
            rule="ner/spacy",
            confidence=1.0,
            label="GPE",
            text="Doha",
        )
        store.write([(article, Findings(article_id=article.id, entities=(finding,)))])
        assert store.article(article.id)["cluster"] == "c1"  # type: ignore[index]
        assert store.count("events") == 0
        columns = {c["name"] for c in sa.inspect(store.engine).get_columns("articles")}
        indexes = {ix["name"] for ix in sa.inspect(store.engine).get_indexes("articles")}
    assert "cluster" in columns and "ix_articles_cluster" in indexes
    assert _version(db) == SCHEMA_VERSION


def _notes_schema(with_title: bool) -> sa.MetaData:
    schema = sa.MetaData()
    sa.Table("meta", schema, sa.Column("key", sa.Text, primary_key=True), sa.Column("value", sa.Text))
    columns = [sa.Column("id", sa.Text, primary_key=True), sa.Column("body", sa.Text)]
    if with_title:
        columns.append(sa.Column("title", sa.Text))
    sa.Table("notes", schema, *columns)
    return schema


def _split_title(conn: sa.Connection) -> None:
    """v2: move the first line of `body` into a new `title` column (a data migration)."""
    conn.exec_driver_sql("ALTER TABLE notes ADD COLUMN title TEXT")
    rows = conn.exec_driver_sql("SELECT id, body FROM notes").all()
    for note_id, body in rows:
        title, _, rest = body.partition("\n")
        conn.execute(
            sa.text("UPDATE notes SET title = :t, body = :b WHERE id = :i"),
            {"t": title, "b": rest, "i": note_id},
        )


def _uppercase_titles(conn: sa.Connection) -> None:
    conn.exec_driver_sql("UPDATE notes SET title = UPPER(title)")


STEPS = [Migration(3, "uppercase titles", _uppercase_titles), Migration(2, "split titles", _split_title)]


def test_versioned_steps_run_in_order_from_the_stored_version(db: str) -> None:
    engine = engine_for(db)
    upgrade(engine, target=1, steps=[], schema=_notes_schema(with_title=False))
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO notes (id, body) VALUES ('n1', 'Talks resume\nEnvoys met.')")
    report = upgrade(engine, target=3, steps=STEPS, schema=_notes_schema(with_title=True))
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT title, body FROM notes WHERE id = 'n1'").one()
        version = stored_version(conn)
    # Steps already applied are not run again.
    assert upgrade(engine, target=3, steps=STEPS, schema=_notes_schema(with_title=True)).applied == []
    engine.dispose()
    assert report.found == 1 and report.applied == [2, 3]
    assert tuple(row) == ("TALKS RESUME", "Envoys met.")
    assert version == 3


def test_a_failed_step_leaves_the_database_unchanged(db: str) -> None:
    def broken(conn: sa.Connection) -> None:
        raise ValueError("no such column: headline")

    engine = engine_for(db)
    upgrade(engine, target=1, steps=[], schema=_notes_schema(with_title=False))
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO notes (id, body) VALUES ('n1', 'Talks resume\nEnvoys met.')")
    steps = [STEPS[1], Migration(3, "rename headline", broken)]
    with pytest.raises(TidingsError) as info:
        upgrade(engine, target=3, steps=steps, schema=_notes_schema(with_title=True))
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("notes")}
        body = conn.exec_driver_sql("SELECT body FROM notes").scalar_one()
        version = stored_version(conn)
    engine.dispose()
    assert info.value.code == "E806" and "rename headline" in str(info.value)
    assert "title" not in columns  # step 2's ALTER TABLE was rolled back with the failure
    assert body == "Talks resume\nEnvoys met." and version == 1


def test_database_newer_than_this_tidings_is_refused(db: str) -> None:
    Store.open(db).close()
    engine = engine_for(db)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    engine.dispose()
    with pytest.raises(TidingsError) as info:
        Store.open(db)
    assert info.value.code == "E104"

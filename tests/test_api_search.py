"""The SQLite search index (tidings.store.query.ensure_search_index): created once, kept in step
with later writes by triggers, and fed only quoted words so no FTS5 syntax reaches it."""

from __future__ import annotations

from pathlib import Path

from tidings.store import Store
from tidings.store.query import ArticleFilter, Page, Reader, ensure_search_index, fts5_query, search_terms
from tidings.types import Article, Findings


def _article(text: str, title: str) -> Article:
    return Article(text=text, source=f"{title}.txt", format="text", title=title, published="2024-02-01")


def _hits(store: Store, q: str) -> list[str]:
    return [a["title"] for a in Reader(store.engine).articles(ArticleFilter(q=q), Page()).items]


def test_api_search_index_follows_inserts_and_updates(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.write(
            [(_article("Flooding closed the harbour road on Sunday.", "Harbour"), Findings(article_id="x"))]
        )
        assert ensure_search_index(store.engine) is True  # built from what is there
        assert ensure_search_index(store.engine) is False  # and only once
        assert _hits(store, "harbour") == ["Harbour"]
        later = _article("The council approved a new bridge over the estuary.", "Bridge")
        store.write([(later, Findings(article_id=later.id))])
        assert _hits(store, "estuary bridge") == ["Bridge"]
        # writing the same article again (an upsert) replaces its index entry, no duplicates
        store.write([(later, Findings(article_id=later.id))])
        assert _hits(store, "estuary") == ["Bridge"]
        store.set_clusters({later.id: "c1"})  # an update of another column keeps the entry
        assert _hits(store, "council") == ["Bridge"]


def test_api_search_index_is_rewritten_only_when_title_or_text_change(tmp_path: Path) -> None:
    """The corpus steps update every new article's cluster: that must not re-index its text. A
    database made with the earlier trigger (on any update) gets the new one."""
    import sqlite3

    db = tmp_path / "s.db"
    with Store.open(db) as store:
        store.write([(_article("Flooding closed the harbour road.", "Harbour"), Findings(article_id="x"))])
        ensure_search_index(store.engine)
        with store.engine.begin() as conn:  # as an earlier version left it
            conn.exec_driver_sql("DROP TRIGGER articles_fts_au_text")
            conn.exec_driver_sql(
                "CREATE TRIGGER articles_fts_au AFTER UPDATE ON articles BEGIN "
                "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                "VALUES ('delete', old.rowid, old.title, old.text); "
                "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END"
            )
        ensure_search_index(store.engine)
    con = sqlite3.connect(db)
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"articles_fts_ai", "articles_fts_ad", "articles_fts_au_text"}
    before = con.total_changes
    con.execute("UPDATE articles SET cluster = 'c1'")
    assert con.total_changes - before == 1  # the article row only: no index rows rewritten
    con.execute("UPDATE articles SET text = 'The ferry crossing reopened.'")
    con.commit()
    con.close()
    with Store.open(db) as store:
        assert _hits(store, "ferry") == ["Harbour"]
        assert _hits(store, "flooding") == []


def test_api_search_without_index_falls_back_to_matching_words(tmp_path: Path) -> None:
    with Store.open(tmp_path / "plain.db") as store:
        store.write([(_article("Négociations reprennent à Genève.", "Talks"), Findings(article_id="x"))])
        reader = Reader(store.engine)
        assert reader.search == "like"
        assert _hits(store, "GENEVE negociations") == ["Talks"]
        assert _hits(store, "geneve paris") == []


def test_api_search_query_is_quoted_words_only() -> None:
    assert search_terms("' OR 1=1 --") == ["OR", "1", "1"]
    assert fts5_query('NEAR("a" b) OR c*') == '"NEAR" "a" "b" "OR" "c"'
    assert fts5_query("Élodie's") == '"Élodie" "s"'

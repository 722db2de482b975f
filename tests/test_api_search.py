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

"""tidings.corpus.events and tidings.store.event_queries: the same-event rule and GDELT-style counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from tidings.corpus.events import (
    aggregate,
    aggregate_rows,
    event_key,
    event_keys,
    events_from_store,
    group_mentions,
    key_of_row,
)
from tidings.store import Store
from tidings.store.event_queries import count_mentions_by_root, event_mentions, needs_full_regroup
from tidings.types import Article, Finding, Findings, Span


@dataclass(frozen=True, kw_only=True)
class StoredEvent(Finding):
    """A hand-made event mention with the events-table columns (stands in for the coder's class)."""

    table: ClassVar[str] = "events"

    source: str | None = None
    source_code: str | None = None
    source_country: str | None = None
    target: str | None = None
    target_code: str | None = None
    target_country: str | None = None
    cameo: str = "042"
    cameo_root: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    date: str | None = None
    date_precision: str | None = None
    place: str | None = None
    place_country: str | None = None
    lat: float | None = None
    lon: float | None = None
    historical: bool = False


def mention(article: Article, sentence: int, start: int, **fields) -> StoredEvent:
    fields.setdefault("cameo_root", fields.get("cameo", "042")[:2])
    return StoredEvent(
        article_id=article.id,
        sentence=sentence,
        spans=(Span(start, start + 5),),
        rule="test",
        confidence=0.9,
        **fields,
    )


VISIT = dict(
    source="Amara Okafor", source_code="NGAGOV", source_country="NGA",
    target="Kenya", target_code="KEN", target_country="KEN", cameo="042",
    date="2024-03-05", date_precision="day",
)  # fmt: skip
NAIROBI = dict(place="Nairobi", place_country="KEN", lat=-1.28333, lon=36.81667)


def _articles_and_findings() -> list[tuple[Article, Findings]]:
    a = Article(
        text="Nigeria's foreign minister Amara Okafor visited Kenya on Tuesday. Okafor toured Nairobi.",
        source="a.txt", format="text", publication="Lagos Ledger", published="2024-03-07", cluster="c1",
        url="https://ledger.example/okafor-kenya",
    )  # fmt: skip
    b = Article(
        text="Amara Okafor, Nigeria's foreign minister, visited Kenya on Tuesday, officials said.",
        source="b.txt", format="text", publication="Coast Wire", published="2024-03-07", cluster="c1",
    )  # fmt: skip
    c = Article(
        text="In Nairobi on Tuesday, Nigeria's foreign minister began a visit. Police held ten protesters.",
        source="c.txt", format="text", publication="Lagos Ledger", published="2024-03-08",
    )  # fmt: skip
    findings = {
        a.id: [mention(a, 0, 0, **VISIT, **NAIROBI), mention(a, 1, 70, **VISIT)],
        b.id: [mention(b, 0, 0, **VISIT)],
        c.id: [
            mention(c, 0, 0, **VISIT, **NAIROBI),
            mention(c, 1, 70, source="police", source_code="KENCOP", source_country="KEN",
                    target="protesters", target_code="KENCVL", target_country="KEN", cameo="173"),
        ],
    }  # fmt: skip
    return [(art, Findings(article_id=art.id, events=tuple(findings[art.id]))) for art in (a, b, c)]


@pytest.fixture
def store(tmp_path):
    db = Store.open(tmp_path / "events.db")
    db.write(_articles_and_findings())
    yield db
    db.close()


def test_event_key_same_event_same_key() -> None:
    one = event_key("2024-03-05", "NGAGOV", "KEN", "042", scope="a", place="Nairobi")
    two = event_key("2024-03-05", "ngagov", "KEN", "042", scope="b", place="nairobi")
    assert one == two
    assert one != event_key("2024-03-05", "NGAGOV", "KEN", "043", place="Nairobi")
    assert one != event_key("2024-03-06", "NGAGOV", "KEN", "042", place="Nairobi")
    assert one != event_key("2024-03-05", "KEN", "NGAGOV", "042", place="Nairobi")
    assert one != event_key("2024-03-05", "NGAGOV", "KEN", "042", place="Mombasa")


def test_event_key_undated_uses_publication_date_then_article() -> None:
    assert event_key(None, "A", "B", "042", published="2024-03-05") == event_key(
        "2024-03-05", "A", "B", "042"
    )
    assert event_key(None, "A", "B", "042", scope="x") != event_key(None, "A", "B", "042", scope="y")


def test_corpus_events_counts_follow_gdelt(store) -> None:
    events = events_from_store(store)
    assert len(events) == 2
    visit = next(e for e in events if e.cameo == "042")
    assert visit.num_mentions == 4  # two in article a (repeat counted), one in b, one in c
    assert visit.num_sources == 2  # Lagos Ledger and Coast Wire
    assert visit.num_articles == 2  # a and b are one near-duplicate cluster; c is its own
    assert visit.place == "Nairobi" and visit.lat == pytest.approx(-1.2833, abs=1e-3)
    assert visit.url == "https://ledger.example/okafor-kenya"
    assert len(visit.article_ids) == 3
    arrest = next(e for e in events if e.cameo == "173")
    assert (arrest.num_mentions, arrest.num_sources, arrest.num_articles) == (1, 1, 1)
    assert arrest.date is None and arrest.first_published == "2024-03-08"


def test_corpus_events_without_clusters_counts_articles(store) -> None:
    rows = [dict(r, cluster=None) for r in event_mentions(store)]
    visit = next(e for e in aggregate_rows(rows) if e.cameo == "042")
    assert visit.num_articles == 3


def test_corpus_events_placeless_mention_joins_only_unambiguous_event() -> None:
    base = dict(VISIT, article_id="a", published="2024-03-07", sentence=0)
    rows = [
        dict(base, id="1", place="Nairobi"),
        dict(base, id="2", place=None),
    ]
    assert [len(g) for g in group_mentions(rows)] == [2]
    rows.append(dict(base, id="3", place="Mombasa"))
    assert sorted(len(g) for g in group_mentions(rows)) == [1, 1, 1]


def test_event_keys_are_the_aggregated_event_ids(store) -> None:
    """The aggregation step stores event_keys(); readers group by it as aggregate_rows groups."""
    rows = event_mentions(store)
    rows.append(dict(VISIT, id="x1", article_id="z", published="2024-03-07", sentence=0, place=None))
    rows.append(dict(VISIT, id="x2", article_id="z", published="2024-03-07", sentence=1, place="Mombasa"))
    expected = {m: event.id for event in aggregate_rows(rows) for m in event.mention_ids}
    assert event_keys(rows) == expected
    assert len(set(expected.values())) < len(expected)  # some mentions share an event


def test_corpus_events_key_of_row_matches_event_key() -> None:
    row = dict(VISIT, article_id="a", published="2024-03-07", place="Nairobi")
    assert key_of_row(row) == event_key("2024-03-05", "NGAGOV", "KEN", "042", place="Nairobi")


def test_store_events_filters(store) -> None:
    assert len(event_mentions(store)) == 5
    assert len(event_mentions(store, root="17")) == 1
    assert len(event_mentions(store, actor="KEN")) == 5  # code prefix or country matches either side
    assert len(event_mentions(store, actor="okafor")) == 4  # name substring, case-insensitive
    assert len(event_mentions(store, dyad=("KEN", "NGA"))) == 4  # either direction
    assert len(event_mentions(store, dyad=("NGA", "USA"))) == 0
    assert len(event_mentions(store, since="2024-03-06")) == 1  # undated: the publication date counts
    assert len(event_mentions(store, since="2024-03")) == 5
    assert len(event_mentions(store, until="2024-03-05")) == 4
    assert count_mentions_by_root(store) == [("04", 4), ("17", 1)]


def test_store_events_rows_carry_article_fields(store) -> None:
    rows = event_mentions(store, root="04")
    assert {r["published"] for r in rows} == {"2024-03-07", "2024-03-08"}
    assert {r["publication"] for r in rows} == {"Lagos Ledger", "Coast Wire"}
    assert {r["cluster"] for r in rows} == {"c1", None}
    assert all(r["cameo"] == "042" for r in rows)


def test_corpus_events_aggregate_store_writes_shared_event_keys(store) -> None:
    assert aggregate(store) == 2
    rows = event_mentions(store)
    keys = {r["cameo"]: set() for r in rows}
    for r in rows:
        keys[r["cameo"]].add(r["event_key"])
    assert len(keys["042"]) == 1 and len(keys["173"]) == 1 and keys["042"] != keys["173"]
    event_ids = {e.cameo: e.id for e in events_from_store(store)}
    assert keys["042"] == {event_ids["042"]}
    assert aggregate(store) == 2  # idempotent


def test_corpus_events_aggregate_without_counting_returns_the_mentions_keyed(store) -> None:
    assert aggregate(store, count=False) == 5  # five new mentions keyed, not a count of events
    assert aggregate(store, count=False) == 0  # nothing new
    assert aggregate(store) == 2


@pytest.mark.postgres
def test_store_events_on_postgresql(pg_url) -> None:
    with Store.open(pg_url) as db:
        db.write(_articles_and_findings())
        assert len(event_mentions(db, actor="okafor")) == 4
        assert len(event_mentions(db, dyad=("KEN", "NGA"), since="2024-03", until="2024-03-05")) == 4
        assert aggregate(db) == 2
        visit = next(e for e in events_from_store(db) if e.cameo == "042")
        assert (visit.num_mentions, visit.num_sources, visit.num_articles) == (4, 2, 2)
        assert {r["event_key"] for r in event_mentions(db, root="04")} == {visit.id}


def _event_keys(db: str) -> dict[str, str]:
    with Store.open(db) as store:
        return {r["id"]: r["event_key"] for r in store.rows("events")}


def _keys_by_article(db: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    with Store.open(db) as store:
        for r in store.rows("events"):
            out.setdefault(r["event_key"], set()).add(r["article_id"])
    return out


def test_incremental_aggregation_gives_the_keys_of_a_full_pass(tmp_path) -> None:
    """Event keys after ingesting a corpus in two runs (each regrouping only the bases its new
    mentions touch) equal those of one run over everything, and stay equal after a --reprocess
    run (which removes and rewrites mentions, so it regroups in full)."""
    import shutil
    from pathlib import Path

    from tidings.ingest import ReadOptions
    from tidings.run import ingest

    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("2024-03-0*.txt"))
    assert len(examples) == 4  # includes the two wire copies of one Ankara story
    first, second, both = tmp_path / "a", tmp_path / "b", tmp_path / "both"
    # Each run gets one copy of each of the two stories: events merge across the runs.
    for folder, files in ((first, examples[0::2]), (second, examples[1::2]), (both, examples)):
        folder.mkdir()
        for f in files:
            shutil.copy(f, folder / f.name)
    split, whole = str(tmp_path / "split.db"), str(tmp_path / "whole.db")
    with Store.open(split) as store:
        ingest([first], store, ReadOptions())
        ingest([second], store, ReadOptions())
    with Store.open(whole) as store:
        ingest([both], store, ReadOptions())
    keys = _event_keys(whole)
    assert len(keys) > 10 and all(keys.values())
    assert any(len(articles) > 1 for articles in _keys_by_article(whole).values())
    assert _event_keys(split) == keys
    with Store.open(split) as store:
        ingest([second], store, ReadOptions(), reprocess=True)
        assert aggregate(store, full=False) == aggregate(store, full=True)
    assert _event_keys(split) == keys


def test_aggregation_after_a_full_pass_regroups_only_what_new_mentions_touch(tmp_path) -> None:
    """New mentions arrive keyed by the event coder; that must not pass for an old database's
    mentions and force a full regrouping on every run (time would grow with the database)."""
    a, b, c = _articles_and_findings()
    with Store.open(tmp_path / "inc.db") as db:
        assert needs_full_regroup(db)  # no full pass yet
        db.write([b])
        aggregate(db)
        assert not needs_full_regroup(db)
        db.write([a, c])
        assert not needs_full_regroup(db)
        aggregate(db)
        db.write([b])  # rewriting an aggregated article removes its mentions: regroup everything
        assert needs_full_regroup(db)
        assert aggregate(db) == 2
        assert not needs_full_regroup(db)


@pytest.mark.parametrize("killed_at", ["set_event_keys", "write_event_bases"])
def test_aggregation_killed_while_writing_is_caught_up(tmp_path, monkeypatch, killed_at) -> None:
    """Keys are written before bases: a run killed before either is written leaves the new
    mentions without bases, so the next run regroups them (an earlier mention a new place joins
    included). Bases written first would have marked them done with only the coder's keys."""
    from tidings.store import event_queries

    a, b, c = _articles_and_findings()
    with Store.open(tmp_path / "inc.db") as db:
        db.write([b])
        aggregate(db)
        db.write([a, c])

        def killed(*args, **kwargs):
            raise KeyboardInterrupt

        with monkeypatch.context() as patch:
            patch.setattr(event_queries, killed_at, killed)
            with pytest.raises(KeyboardInterrupt):
                aggregate(db)
        aggregate(db)
        caught_up = {r["id"]: r["event_key"] for r in event_mentions(db)}
        assert aggregate(db, full=True) == 2
        assert {r["id"]: r["event_key"] for r in event_mentions(db)} == caught_up


def test_incremental_aggregation_rekeys_earlier_mentions_a_new_place_joins(tmp_path) -> None:
    """A placeless mention stored first is its own event; when a later article places the same
    event, the earlier mention joins that placed event, as a full pass would have it."""
    a, b, c = _articles_and_findings()
    with Store.open(tmp_path / "inc.db") as db:
        db.write([b])
        assert aggregate(db) == 1
        alone = {r["event_key"] for r in event_mentions(db)}
        for item in (a, c):
            db.write([item])
            aggregate(db)
        incremental = {r["id"]: r["event_key"] for r in event_mentions(db)}
        assert aggregate(db, full=True) == 2
        full = {r["id"]: r["event_key"] for r in event_mentions(db)}
    assert incremental == full
    visit_keys = {k for k in full.values() if k not in alone}
    assert len(set(full.values())) == 2 and not (alone & set(full.values())) and visit_keys

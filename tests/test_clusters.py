"""Near-duplicate clusters: wire reprints cluster, different stories on one topic do not."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tidings.corpus.clusters import (
    MIN_CONTAINMENT,
    assign_clusters,
    cluster_articles,
    evaluate,
    main,
    minhash,
    shingles,
)
from tidings.store import Store
from tidings.types import Article

CLUSTERS = Path(__file__).parent / "fixtures" / "clusters"


def texts() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(CLUSTERS.glob("*.txt"))]


def test_clusters_wire_copies_share_a_cluster() -> None:
    clusters = cluster_articles(texts())
    doha = {clusters[f"doha-talks__{v}"] for v in ("courier", "herald", "tagesbote", "times")}
    assert doha == {"doha-talks__courier"}  # the smallest id in the cluster
    assert clusters["quake-aid__courier"] == clusters["quake-aid__herald"] == "quake-aid__courier"


def test_clusters_same_topic_different_stories_stay_apart() -> None:
    clusters = cluster_articles(texts())
    assert clusters["doha-talks-afp__harbour"] != clusters["doha-talks__courier"]
    assert clusters["doha-talks-day2__times"] != clusters["doha-talks__courier"]
    assert clusters["eu-bank-sanctions__herald"] != clusters["eu-shipping-sanctions__times"]
    assert clusters["accra-rates__herald"] == "accra-rates__herald"  # a story with no copy: itself


def test_clusters_are_independent_of_input_order() -> None:
    items = texts()
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    assert cluster_articles(items) == cluster_articles(shuffled)


def test_clusters_evaluation_on_the_labelled_set() -> None:
    result = evaluate(CLUSTERS)
    assert result["documents"] == 27 and result["copy_pairs"] == 23
    assert result["precision"] == 1.0
    assert result["recall"] >= 0.85  # only the full paraphrase is missed
    assert all("rewrite" in error for error in result["errors"])


def test_clusters_cli_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--eval", str(CLUSTERS)]) == 0
    out = capsys.readouterr().out
    assert '"precision": 1.0' in out and '"min_containment"' in out


def test_clusters_short_texts_only_exact_copies() -> None:
    clusters = cluster_articles(
        [
            ("a", "Talks resume in Geneva."),
            ("b", "Talks resume in Geneva!"),
            ("c", "Talks end in Geneva."),
            ("d", ""),
        ]
    )
    assert clusters["a"] == clusters["b"] == "a"
    assert clusters["c"] == "c" and clusters["d"] == "d"


def test_clusters_minhash_values_are_pinned() -> None:
    # Values of datasketch 2.0's MinHash(num_perm=128, seed=1) ("affine32") for these shingles:
    # signatures stored by tidings versions that used datasketch must stay comparable.
    values = minhash([b"a b c d e", b"tidings"])
    assert values.dtype.str == "<u4" and len(values) == 128
    assert values[:4].tolist() == [695505941, 122508846, 1711093300, 1245741]
    assert minhash([b"tidings", b"a b c d e"]).tolist() == values.tolist()  # a set: order is irrelevant
    assert set(minhash([]).tolist()) == {0xFFFFFFFF}


def test_clusters_shingles_ignore_case_and_quote_style() -> None:
    assert shingles("The minister’s “plan” was, he said, final.") == shingles(
        'the Minister\'s "plan" was he said final'
    )
    assert MIN_CONTAINMENT > 0


def test_clusters_assign_clusters_writes_the_store(tmp_path: Path) -> None:
    from tidings.types import Findings

    items = texts()
    articles = [Article(text=t, source=f"{name}.txt", format="press", title=name) for name, t in items]
    with Store.open(str(tmp_path / "c.db")) as store:
        store.write((a, Findings(article_id=a.id)) for a in articles)
        summary = assign_clusters(store)
        rows = {r["title"]: r["cluster"] for r in store.rows("articles")}
    assert summary["articles"] == 27 and summary["clusters"] == 13
    by_name = {a.title: a.id for a in articles}
    doha_ids = sorted(by_name[f"doha-talks__{v}"] for v in ("courier", "herald", "tagesbote", "times"))
    assert {rows[f"doha-talks__{v}"] for v in ("courier", "herald", "tagesbote", "times")} == {doha_ids[0]}
    assert rows["accra-rates__herald"] == by_name["accra-rates__herald"]


def test_assign_clusters_is_incremental_and_equals_clustering_everything(tmp_path: Path) -> None:
    from tidings.types import Findings

    items = texts()
    articles = [Article(text=t, source=f"{name}.txt", format="press", title=name) for name, t in items]
    first, second = articles[::2], articles[1::2]
    with Store.open(str(tmp_path / "inc.db")) as store:
        store.write((a, Findings(article_id=a.id)) for a in first)
        one = assign_clusters(store)
        store.write((a, Findings(article_id=a.id)) for a in second)
        two = assign_clusters(store)
        three = assign_clusters(store)  # nothing new: nothing hashed, nothing rewritten
        stored = {r["id"]: r["cluster"] for r in store.rows("articles")}
    assert one["signatures_computed"] == len(first)
    assert two["signatures_computed"] == len(second)
    assert three["signatures_computed"] == 0
    assert stored == cluster_articles((a.id, a.text) for a in articles)
    assert two["multi_article_clusters"] == 9 and two["clusters"] == 13


def test_assign_clusters_recomputes_signatures_of_another_method(tmp_path: Path, monkeypatch) -> None:
    from tidings.corpus import clusters as module
    from tidings.types import Findings

    articles = [Article(text=t, source=f"{name}.txt", format="press", title=name) for name, t in texts()]
    with Store.open(str(tmp_path / "m.db")) as store:
        store.write((a, Findings(article_id=a.id)) for a in articles)
        assert assign_clusters(store)["signatures_computed"] == len(articles)
        monkeypatch.setattr(module, "METHOD", module.METHOD + "-changed")
        again = assign_clusters(store)
    assert again["signatures_computed"] == len(articles)
    assert again["clusters"] == 13


def test_assign_clusters_without_summary_reports_only_what_it_hashed(tmp_path: Path) -> None:
    from tidings.types import Findings

    articles = [Article(text=t, source=f"{name}.txt", format="press", title=name) for name, t in texts()]
    with Store.open(str(tmp_path / "s.db")) as store:
        store.write((a, Findings(article_id=a.id)) for a in articles)
        assert assign_clusters(store, summary=False) == {"signatures_computed": len(articles)}
        assert store.cluster_summary()["clusters"] == 13


def test_assign_clusters_in_small_batches_and_any_arrival_order(tmp_path: Path) -> None:
    """Articles arriving a few at a time, in a shuffled order, end in the clusters that clustering
    every text at once gives; rewriting articles (a --reprocess run) clusters them again alike."""
    from tidings.types import Findings

    articles = [Article(text=t, source=f"{name}.txt", format="press", title=name) for name, t in texts()]
    order = list(articles)
    random.Random(7).shuffle(order)
    expected = cluster_articles((a.id, a.text) for a in articles)
    with Store.open(str(tmp_path / "s.db")) as store:
        for i in range(0, len(order), 4):
            store.write((a, Findings(article_id=a.id)) for a in order[i : i + 4])
            assign_clusters(store, batch=3)
        stored = {r["id"]: r["cluster"] for r in store.rows("articles")}
        assert stored == expected
        store.write((a, Findings(article_id=a.id)) for a in order[:9])  # rewritten: clusters cleared
        again = assign_clusters(store, batch=2)
        assert again["signatures_computed"] == 9
        assert {r["id"]: r["cluster"] for r in store.rows("articles")} == expected


def test_signatures_written_with_the_findings_are_used_and_cluster_alike(tmp_path: Path) -> None:
    """The ingest workers send each article's signature with its rows (StoreRows); clustering then
    hashes nothing itself and gives the clusters of clustering every text at once."""
    from tidings.corpus.clusters import signature_rows
    from tidings.types import StoreRows

    articles = [Article(text=t, source=f"{name}.txt", format="press", title=name) for name, t in texts()]
    items = []
    for a in articles:
        signature, bands = signature_rows(a.id, a.text)
        items.append((a, StoreRows(article_id=a.id, rows={}, signature=signature, bands=tuple(bands))))
    with Store.open(str(tmp_path / "w.db")) as store:
        store.write(items[:10])
        first = assign_clusters(store)
        store.write(items[10:])
        second = assign_clusters(store)
        stored = {r["id"]: r["cluster"] for r in store.rows("articles")}
    assert first["signatures_computed"] == 0 and second["signatures_computed"] == 0
    assert stored == cluster_articles((a.id, a.text) for a in articles)

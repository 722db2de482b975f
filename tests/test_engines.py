"""Engines: the Ray engine gives exactly the local engine's database; a missing Ray is a clear error.

The Ray test starts a local Ray (num_cpus=2) once for the module; it is skipped where Ray is not
installed (CI installs only `.[test]`; `pip install 'tidings[ray]'` enables it).
"""

from __future__ import annotations

import importlib.util
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tidings.errors import TidingsError
from tidings.export import export
from tidings.run import LocalEngine, ingest
from tidings.store import Store, exportable_tables

ROOT = Path(__file__).resolve().parent.parent
# Every table must export the same between runs (tables without rows compare equal too).
COMPARED_TABLES = tuple(exportable_tables())


def write_corpus(folder: Path, count: int, words: int = 80, seed: int = 0) -> Path:
    """Write ``count`` articles from bench/corpus.py's generator, plus one empty file, to ``folder``."""
    spec = importlib.util.spec_from_file_location("tidings_bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec and spec.loader
    corpus = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = corpus  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(corpus)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in corpus.generate(count, words, seed):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "0000-empty.txt").write_text("", encoding="utf-8")  # one rejection to compare too
    return folder


def exports(db: str, tables: tuple[str, ...] = COMPARED_TABLES) -> dict[str, str]:
    """Each table as JSON lines: `tidings export --table T` for articles, rejected and the finding
    tables; the knowledge tables (actors, roles, role evidence) in primary-key order."""
    from tidings.store import FINDING_TABLES, dumps_record, metadata

    out: dict[str, str] = {}
    with Store.open(db, readonly=True) as store:
        for table in tables:
            buf = io.StringIO()
            if table in FINDING_TABLES or table in ("articles", "rejected"):
                export(store, table, "jsonl", buf)
            else:
                keys = [c.name for c in metadata.tables[table].primary_key.columns]
                for row in store.rows(table, order_by=keys):
                    buf.write(dumps_record(row) + "\n")
            out[table] = buf.getvalue()
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("engines") / "corpus", 24, words=70)


@pytest.fixture(scope="module")
def local_db(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("engines") / "local.db")
    with Store.open(db) as store:
        report = ingest([corpus], store, workers=1, batch_size=5)
    assert report.ingested == 24 and len(report.rejected) == 1
    return db


@pytest.fixture(scope="module")
def local_ray() -> Iterator[object]:
    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is not installed (pip install 'tidings[ray]' to run the Ray engine tests)")
    import ray

    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=128 * 1024 * 1024,
        logging_level="warning",
    )
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.mark.slow
def test_ray_engine_database_equals_local_engine(
    local_ray: object, corpus: Path, local_db: str, tmp_path: Path
) -> None:
    from tidings.engines.ray import RayEngine

    db = str(tmp_path / "ray.db")
    engine = RayEngine(workers=2)
    with Store.open(db) as store:
        report = ingest([corpus], store, batch_size=5, engine=engine)
    assert report.ingested == 24 and len(report.rejected) == 1
    ray_exports, local_exports = exports(db), exports(local_db)
    assert ray_exports["articles"].count("\n") == 24 and ray_exports["entities"]
    for table in COMPARED_TABLES:
        assert ray_exports[table] == local_exports[table], table


def test_ray_engine_without_ray_says_to_install_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from tidings.engines import ray as ray_engine

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(TidingsError) as info:
        next(ray_engine.RayEngine(workers=1).map(iter([])))
    assert info.value.code == "E801"
    assert "pip install 'tidings[ray]'" in str(info.value)


def test_local_engine_yields_batches_in_input_order(corpus: Path) -> None:
    from tidings.ingest import read_paths

    articles = [a for a in read_paths([corpus]) if hasattr(a, "text")][:6]
    batches = [articles[i : i + 2] for i in range(0, 6, 2)]
    results = list(LocalEngine(workers=1).map(iter(batches)))
    assert [[a.id for a, _ in batch] for batch in results] == [[a.id for a in b] for b in batches]


def test_local_engine_modes_give_the_same_rows(corpus: Path) -> None:
    """In-process (one core), a parse process with extraction here (one worker, more cores) and a
    pool (two workers) produce the same store rows."""
    from tidings.ingest import read_paths

    articles = [a for a in read_paths([corpus]) if hasattr(a, "text")][:8]
    batches = [articles[i : i + 3] for i in range(0, 8, 3)]
    results = {
        mode: [rows for batch in engine.map(iter(batches)) for _, rows in batch]
        for mode, engine in (
            ("in-process", LocalEngine(workers=1, cores=1)),
            ("parse process", LocalEngine(workers=1, cores=2)),
            ("pool", LocalEngine(workers=2)),
        )
    }
    assert len(results["in-process"]) == 8 and any(r.rows.get("events") for r in results["in-process"])
    assert results["parse process"] == results["in-process"]
    assert results["pool"] == results["in-process"]


@pytest.fixture(scope="module")
def shards(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tidings.store.shards import write_shards

    folder = tmp_path_factory.mktemp("engines") / "shards"
    report = write_shards([corpus], folder, part_articles=10, workers=1, batch_size=5)
    assert report.ingested == 24 and len(report.rejected) == 1
    return folder


def test_shards_loaded_into_a_database_equal_a_direct_ingest(
    shards: Path, local_db: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from tidings.cli import _register
    from tidings.cli.app import app

    assert sorted(p.name for p in (shards / "articles").iterdir()) == [
        f"part-0000{i}.parquet" for i in range(3)
    ]
    db = str(tmp_path / "loaded.db")
    _register()
    for _ in range(2):  # loading again changes nothing
        result = CliRunner().invoke(app, ["load", str(shards), "--db", db, "--json"])
        assert result.exit_code == 0, result.output
    assert '"articles": 24' in result.output and '"parts": 3' in result.output
    loaded, direct = exports(db), exports(local_db)
    for table in COMPARED_TABLES:
        assert loaded[table] == direct[table], table


@pytest.mark.postgres
def test_shards_load_into_postgresql(shards: Path, local_db: str, pg_url: str) -> None:
    from typer.testing import CliRunner

    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["load", str(shards), "--db", pg_url, "--json"])
    assert result.exit_code == 0, result.output
    loaded, direct = exports(pg_url), exports(local_db)
    for table in COMPARED_TABLES:
        assert loaded[table] == direct[table], table


def test_unfinished_or_reused_shard_folders_are_refused(corpus: Path, tmp_path: Path) -> None:
    from tidings.store.shards import load_shards, write_shards

    unfinished = tmp_path / "unfinished"
    (unfinished / "articles").mkdir(parents=True)  # parts but no manifest: a killed run
    with Store.open(str(tmp_path / "x.db")) as store, pytest.raises(TidingsError) as info:
        load_shards(store, [unfinished])
    assert info.value.code == "E804" and "did not finish" in str(info.value)
    with pytest.raises(TidingsError) as reused:
        write_shards([corpus], unfinished)
    assert reused.value.code == "E807"


def test_ray_engine_asking_for_more_actors_than_cpus_fails_with_advice(
    local_ray: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tidings.engines import ray as ray_engine

    monkeypatch.setattr(ray_engine, "ACTOR_START_TIMEOUT_S", 1)
    with pytest.raises(TidingsError) as info:
        next(ray_engine.RayEngine(workers=3).map(iter([])))  # the local Ray has 2 CPUs
    assert info.value.code == "E803" and "the cluster has 2 CPUs" in str(info.value)


def _blas_threads_in_pool_worker(_: int) -> list[int]:
    from threadpoolctl import threadpool_info

    return [info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"]


def test_pool_workers_run_one_blas_thread_each() -> None:
    """Two workers on two cores with a BLAS pool of one thread per core each would run four
    threads on two cores; each worker is capped to one."""
    import multiprocessing as mp

    from tidings import run

    ctx = mp.get_context("fork")
    with ctx.Pool(1, initializer=run._init_pool_worker, initargs=(None, {})) as pool:
        threads = pool.map(_blas_threads_in_pool_worker, [0])[0]
    assert threads and all(n == 1 for n in threads)


def test_batches_end_in_small_ones_when_several_workers_share_them() -> None:
    """Whole batches until the look-ahead sees the end, then quarter batches, so that the workers
    finish together; every item once, in order."""
    from tidings.run import _batches

    items = list(range(1000))
    batches = list(_batches(iter(items), 64, tail=128))  # type: ignore[arg-type]
    assert [i for b in batches for i in b] == items
    sizes = [len(b) for b in batches]
    whole = sizes.index(16)
    assert set(sizes[:whole]) == {64} and max(sizes[whole:]) == 16
    assert 128 <= sum(sizes[whole:]) < 128 + 64
    assert [len(b) for b in _batches(iter(range(10)), 4)] == [4, 4, 2]  # type: ignore[arg-type]
    assert [len(b) for b in _batches(iter(range(10)), 4, tail=8)] == [1] * 10  # type: ignore[arg-type]
    assert list(_batches(iter([]), 64, tail=128)) == []

"""Concurrent writers: two processes ingesting overlapping inputs into one PostgreSQL database
(and creating its schema at the same moment) end with exactly the rows of a single run."""

from __future__ import annotations

import multiprocessing as mp
import shutil
from pathlib import Path

import pytest

from test_engines import COMPARED_TABLES, exports, write_corpus
from tidings.run import ingest, versions_for
from tidings.store import Store

COUNT = 18
BATCH = 3  # small batches: many interleaved transactions


def _ingest_when_released(db: str, folders: list[str], start: object, errors: object) -> None:
    try:
        start.wait(60)  # type: ignore[attr-defined]
        with Store.open(db) as store:
            ingest(folders, store, workers=1, batch_size=BATCH)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        errors.put(f"{type(exc).__name__}: {exc}")  # type: ignore[attr-defined]
        raise


@pytest.mark.postgres
def test_two_processes_with_overlapping_inputs_end_with_the_rows_of_one(
    pg_url: str, tmp_path: Path, nlp: object
) -> None:
    if "fork" not in mp.get_all_start_methods():
        pytest.skip("needs the fork start method to share the loaded pipeline with the writers")
    corpus = write_corpus(tmp_path / "all", COUNT, words=60)
    names = sorted(p.name for p in corpus.iterdir())
    # Writer A reads the first two thirds, writer B the last two thirds in reverse folder order:
    # the middle third is written by both, in opposite orders.
    parts = [tmp_path / f"part{i}" for i in range(3)]
    for i, part in enumerate(parts):
        part.mkdir()
        for name in names[i::3]:
            shutil.copy(corpus / name, part / name)
    versions_for(None, {})  # load pipeline and knowledge once; the forked writers inherit them
    ctx = mp.get_context("fork")
    start, errors = ctx.Event(), ctx.Queue()
    writers = [
        ctx.Process(
            target=_ingest_when_released, args=(pg_url, [str(parts[0]), str(parts[1])], start, errors)
        ),
        ctx.Process(
            target=_ingest_when_released, args=(pg_url, [str(parts[2]), str(parts[1])], start, errors)
        ),
    ]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(120)
    failures = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
    assert [w.exitcode for w in writers] == [0, 0], failures

    single = str(tmp_path / "single.db")
    with Store.open(single) as store:
        ingest([str(p) for p in parts], store, workers=1, batch_size=BATCH)
    concurrent, reference = exports(pg_url), exports(single)
    assert concurrent["articles"].count("\n") == COUNT and concurrent["rejected"].count("\n") == 1
    for table in COMPARED_TABLES:
        assert concurrent[table] == reference[table], table

"""Resume: a `tidings ingest` killed with SIGKILL after its first commit, run again, ends with the
same database as an uninterrupted run (compared through the exports of articles, entities, rejected)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_engines import exports, write_corpus
from tidings.run import BATCH_SIZE, ingest
from tidings.store import Store

COUNT = 150  # more than two batches of BATCH_SIZE: the kill lands between commits
POLL_S = 0.02


def _tidings(*args: str) -> list[str]:
    return [sys.executable, "-c", "from tidings.cli import main; main()", *args]


def _stored_articles(db: Path) -> int:
    """Committed articles, read while the writer runs (WAL readers do not block it)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.slow
def test_killed_ingest_resumes_to_the_database_of_an_uninterrupted_run(tmp_path: Path, nlp: object) -> None:
    assert COUNT > 2 * BATCH_SIZE
    corpus = write_corpus(tmp_path / "corpus", COUNT, words=50)
    db = tmp_path / "resumed.db"
    command = _tidings("ingest", str(corpus), "--db", str(db), "--workers", "1", "--no-progress", "--json")

    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _stored_articles(db) == 0 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(POLL_S)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    assert victim.returncode == -signal.SIGKILL, victim.stderr.read() if victim.stderr else ""
    at_kill = _stored_articles(db)
    assert 0 < at_kill < COUNT  # killed between commits, with work left to do

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    run = json.loads(rerun.stdout)["run"]
    # The re-run parsed only what the killed run had not committed.
    assert (run["present"], run["ingested"], run["rejected"]) == (at_kill, COUNT - at_kill, 1)

    reference = str(tmp_path / "reference.db")
    with Store.open(reference) as store:
        ingest([str(corpus)], store, workers=1)
    resumed, uninterrupted = (
        exports(str(db), ("articles", "entities", "rejected")),
        exports(reference, ("articles", "entities", "rejected")),
    )
    assert resumed["articles"].count("\n") == COUNT and resumed["rejected"].count("\n") == 1
    assert resumed == uninterrupted

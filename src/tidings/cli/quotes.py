"""``tidings quotes``: list the quotes in a database (who said what, where and when).

A thin wrapper over ``list_quotes``, which reads through ``tidings.store.read_quotes``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tidings.cli.app import app
from tidings.errors import TidingsError

DB_HELP = "SQLite file path or postgresql:// URL."
DEFAULT_DB = "tidings.db"
# Content longer than this is shortened in the table (the JSON output is never shortened).
TABLE_CONTENT_CHARS = 120

out = Console(highlight=False)


def list_quotes(
    db: str, *, speaker: str | None = None, since: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """The quotes of a database as records, newest article first, optionally filtered."""
    import re

    from tidings.store import Store, read_quotes

    if since is not None and not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", since):
        raise TidingsError("E304", value=since, option="--since", detail="use YYYY-MM-DD, YYYY-MM or YYYY")
    with Store.open(db, readonly=True) as store:
        return read_quotes(store, speaker=speaker, since=since, limit=limit)


@app.command("quotes")
def quotes_command(
    db: Annotated[str, typer.Option("--db", help=DB_HELP, envvar="TIDINGS_DB")] = DEFAULT_DB,
    speaker: Annotated[str | None, typer.Option(help="Only quotes whose speaker contains this text.")] = None,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many quotes.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object per line.")] = False,
) -> None:
    """Who said what: the quotes found in the database, with speaker, cue, medium and audience."""
    rows = list_quotes(db, speaker=speaker, since=since, limit=limit)
    if json_out:
        for row in rows:
            print(json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
        return
    table = Table(show_lines=False)
    for column in ("date", "speaker", "kind", "cue", "content", "medium", "addressee"):
        table.add_column(column, overflow="fold")
    for row in rows:
        content = row["content"]
        if len(content) > TABLE_CONTENT_CHARS:
            content = content[: TABLE_CONTENT_CHARS - 1] + "…"
        table.add_row(
            row.get("published") or "",
            row.get("speaker") or "",
            row["kind"],
            row.get("cue") or "",
            content,
            row.get("medium") or "",
            row.get("addressee") or "",
        )
    out.print(table)
    out.print(f"{len(rows)} quotes")

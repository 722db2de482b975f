"""`tidings load`: import Parquet shards (written by `tidings ingest --shards DIR`) into a database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tidings.cli.app import app
from tidings.cli.core import DEFAULT_DB, DbOption, out


@app.command()
def load(
    shards: Annotated[
        list[Path], typer.Argument(help="Shard folders written by `tidings ingest --shards DIR`.")
    ],
    db: DbOption = DEFAULT_DB,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print what was loaded as one JSON object.")
    ] = False,
) -> None:
    """Import shard folders into the database: articles upserted, their findings replaced (idempotent)."""
    from tidings.knowledge import Knowledge
    from tidings.run import _after_ingest, _import_knowledge
    from tidings.store import Store
    from tidings.store.shards import load_shards, read_manifest

    for folder in shards:
        read_manifest(folder)  # refuse unfinished folders before touching the database
    with Store.open(db) as store:
        # As `tidings ingest` does: the curated knowledge base first, corpus-level steps
        # (clusters, event keys) over everything stored at the end.
        _import_knowledge(store, Knowledge.load())
        report = load_shards(store, shards)
        _after_ingest(store)
    if json_out:
        print(json.dumps(report.to_dict(), sort_keys=True))
        return
    rows = ", ".join(f"{n} {name}" for name, n in sorted(report.rows.items())) or "no rows"
    out.print(f"loaded {report.parts} part(s) from {report.folders} folder(s): {rows} → {db}")

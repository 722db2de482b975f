"""`tidings eval events`: score the event coder on PETRARCH records or tidings gold sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tidings.cli.app import eval_app
from tidings.errors import TidingsError

out = Console(highlight=False)


def _print_table(result: dict, title: str) -> None:
    table = Table(title=title)
    for column in ("category", "records", "recall", "found/expected", "precision", "right/emitted"):
        table.add_column(column, justify="left" if column == "category" else "right")
    rows = list(result["by_category"].items()) + [("ALL", result)]
    for name, t in rows:
        table.add_row(
            name,
            str(t["records"]),
            f"{t['recall']:.3f}",
            f"{t['found']}/{t['expected']}",
            f"{t['precision']:.3f}",
            f"{t['right']}/{t['emitted']}",
        )
    out.print(table)
    if result.get("skipped"):
        out.print(f"skipped {len(result['skipped'])}: " + ", ".join(result["skipped"]))
    for note in result.get("notes", []):
        out.print(note)


@eval_app.command("events")
def eval_events(
    petrarch: Annotated[
        Path | None,
        typer.Option("--petrarch", help="PETRARCH validation records (PETR.UnitTest.records.xml)."),
    ] = None,
    dictionaries: Annotated[
        Path | None,
        typer.Option("--dictionaries", help="Folder with the records' actors/agents/verbs/discards files."),
    ] = None,
    gold: Annotated[
        Path | None, typer.Option("--gold", help="tidings gold JSONL (text, actors, events).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    details: Annotated[
        bool, typer.Option("--details", help="With --json: include every record's triples.")
    ] = False,
    failures: Annotated[bool, typer.Option("--failures", help="List the records coded wrongly.")] = False,
) -> None:
    """Recall (found/expected) and precision (right/emitted) of (source, target, code) triples."""
    from tidings.evaluate.events import score_gold, score_petrarch

    if (petrarch is None) == (gold is None):
        raise TidingsError("E304", value="", option="--petrarch/--gold", detail="give exactly one of them")
    if petrarch is not None:
        if dictionaries is None:
            dictionaries = petrarch.parent / "dictionaries"
        score = score_petrarch(petrarch, dictionaries)
        title = f"PETRARCH records: {petrarch.name}"
    else:
        assert gold is not None
        score = score_gold(gold)
        title = f"gold sentences: {gold.name}"
    result = score.to_dict(details=details)
    if json_out:
        print(json.dumps(result, sort_keys=True))
        return
    _print_table(result, title)
    if failures:
        for d in score.details:
            if not d["ok"]:
                out.print(f"{d['id']} [{d['category']}] expected {d['expected']} got {d['emitted']}")

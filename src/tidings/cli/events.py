"""``tidings events``: list the events in a database, aggregated from their mentions.

A thin wrapper over ``tidings.corpus.events.events_from_store`` (which reads through
``tidings.store.event_queries``): filter by actor, dyad, CAMEO root and date, print a table, JSON, or one
of the event exchange formats.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tidings.cli.app import app
from tidings.errors import TidingsError

DB_HELP = "SQLite file path or postgresql:// URL."
DEFAULT_DB = "tidings.db"
EVENT_FORMATS = ("gdelt", "icews", "plover")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def check_root(root: str | None) -> str | None:
    """A CAMEO root as the codebook writes it ("2" → "02"), or an error naming the valid range."""
    if root is None:
        return None
    text = root.strip()
    if not text.isdigit() or not 1 <= int(text) <= 20:
        raise TidingsError("E403", value=root)
    return text.zfill(2)


def check_day(value: str | None, option: str) -> str | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) or an error saying what to give."""
    if value is None:
        return None
    import re

    if not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", value):
        raise TidingsError("E304", value=value, option=option, detail="use YYYY-MM-DD, YYYY-MM or YYYY")
    return value


def list_events(
    db: str,
    *,
    actor: str | None = None,
    dyad: tuple[str, str] | None = None,
    root: str | None = None,
    since: str | None = None,
    until: str | None = None,
    include_historical: bool = True,
    mentions: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Events (or, with ``mentions``, the mention rows) matching the filters, as plain dicts."""
    from tidings.corpus.events import aggregate_rows
    from tidings.store import Store
    from tidings.store.event_queries import event_mentions

    filters = {
        "actor": actor,
        "dyad": dyad,
        "root": check_root(root),
        "since": check_day(since, "--since"),
        "until": check_day(until, "--until"),
        "include_historical": include_historical,
    }
    with Store.open(db, readonly=True) as store:
        rows = event_mentions(store, **filters)
    records = rows if mentions else [e.to_record() for e in aggregate_rows(rows)]
    return records[:limit] if limit else records


@app.command()
def events(
    db: Annotated[str, typer.Option("--db", help=DB_HELP, envvar="TIDINGS_DB")] = DEFAULT_DB,
    actor: Annotated[
        str | None, typer.Option(help="Actor name, actor id, CAMEO actor code (USAGOV) or country (RUS).")
    ] = None,
    dyad: Annotated[
        tuple[str, str] | None, typer.Option(help="Two actors, events between them in either direction.")
    ] = None,
    root: Annotated[str | None, typer.Option(help="CAMEO root category, 01-20 (e.g. 12 = reject).")] = None,
    since: Annotated[str | None, typer.Option(help="Events on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before this date (YYYY-MM-DD).")] = None,
    historical: Annotated[
        bool, typer.Option(help="Include historical mentions ('the 2003 invasion').")
    ] = True,
    mentions: Annotated[bool, typer.Option(help="List each mention instead of aggregated events.")] = False,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Write as gdelt, icews or plover instead.")
    ] = None,
) -> None:
    """List events (who did what to whom, when, where) with their mention, source and article counts."""
    if format is not None and format not in EVENT_FORMATS:
        raise TidingsError("E304", value=format, option="--format", detail="choose gdelt, icews or plover")
    records = list_events(
        db,
        actor=actor,
        dyad=dyad,
        root=root,
        since=since,
        until=until,
        include_historical=historical,
        mentions=mentions or format == "icews",
        limit=limit,
    )
    if format is not None:
        import importlib

        writer = getattr(importlib.import_module(f"tidings.export.{format}"), f"write_{format}")
        n = writer(iter(records), sys.stdout)
        err.print(f"{n} {format} records written", style="dim")
        return
    if json_out:
        key = "mentions" if mentions else "events"
        print(
            json.dumps({key: records, "count": len(records)}, sort_keys=True, ensure_ascii=False, default=str)
        )
        return
    _print_table(records, mentions)


def _date_cell(record: dict[str, Any]) -> str:
    """The event date, or "~" and the publication date when the text gave none."""
    if record.get("date"):
        return str(record["date"])
    published = record.get("published") or record.get("first_published")
    return f"~{published}" if published else "?"


def _print_table(records: list[dict[str, Any]], mentions: bool) -> None:
    from tidings import codebook

    title = f"{'Event mentions' if mentions else 'Events'} ({len(records)})"
    table = Table(title=title)
    columns = ["date", "cameo", "event", "source", "target", "place"]
    columns += ["article", "sent"] if mentions else ["ment.", "src.", "art."]
    for col in columns:
        table.add_column(col, overflow="fold")
    for r in records:
        entry = codebook.lookup(r.get("cameo") or "")
        name = entry.name if entry else ""
        flags = [f for f, on in (("neg", r.get("negated")), ("hist", r.get("historical"))) if on]
        if r.get("modal"):
            flags.append(str(r["modal"]))
        if flags:
            name += f" [{', '.join(flags)}]"
        row = [
            _date_cell(r),
            r.get("cameo") or "",
            name,
            r.get("source_code") or r.get("source") or "",
            r.get("target_code") or r.get("target") or "",
            r.get("place") or "",
        ]
        if mentions:
            row += [str(r.get("article_id") or "")[:10], str(r.get("sentence"))]
        else:
            row += [str(r.get("num_mentions")), str(r.get("num_sources")), str(r.get("num_articles"))]
        table.add_row(*row)
    out.print(table)

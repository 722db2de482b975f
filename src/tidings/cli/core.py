"""Core commands: ingest, export, show, info. Each is a thin wrapper over a plain function."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tidings.cli.app import app
from tidings.errors import TidingsError

DB_HELP = "SQLite file path or postgresql:// URL."
DEFAULT_DB = "tidings.db"

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

DbOption = Annotated[str, typer.Option("--db", help=DB_HELP, envvar="TIDINGS_DB")]


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to read (folders recursively).")],
    db: DbOption = DEFAULT_DB,
    date: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD for files that give none.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Input format, or auto to sniff.")] = "auto",
    workers: Annotated[
        int,
        typer.Option(
            help="Worker processes (0: one per CPU core). With 1 on several cores, one process "
            "parses while the main process extracts."
        ),
    ] = 0,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.", envvar="TIDINGS_MODEL")] = None,
    max_mb: Annotated[float, typer.Option(help="Reject input files larger than this many MB.")] = 64,
    fetch: Annotated[bool, typer.Option(help="Feeds: fetch pages of entries that only link.")] = False,
    reprocess: Annotated[bool, typer.Option(help="Re-extract articles already in the database.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
    engine: Annotated[
        str, typer.Option(help="local (this machine) or ray (pip install tidings[ray]).")
    ] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address: auto, ray://host:10001.")] = None,
    shards: Annotated[
        Path | None,
        typer.Option(
            help="Write Parquet shards to this new folder instead of --db (load with `tidings load`)."
        ),
    ] = None,
) -> None:
    """Read articles into the database, extract findings, and summarise what is there."""
    from tidings.ingest import ReadOptions, check_date, formats
    from tidings.run import default_workers
    from tidings.run import ingest as run_ingest
    from tidings.store import Store

    if format != "auto" and format not in formats():
        raise TidingsError("E301", format=format, formats=", ".join(formats()))
    options = ReadOptions(date=check_date(date), format=format, max_mb=max_mb, fetch=fetch)
    for p in paths:
        if not p.exists():
            raise TidingsError("E303", path=str(p))
    n_workers = workers or default_workers()
    run_engine = None
    if engine == "ray":
        from tidings.engines.ray import RayEngine

        # On a cluster, 0 means one actor per CPU of the cluster, not of this machine.
        run_engine = RayEngine(address=address, workers=workers if address else n_workers, model=model)
    elif engine != "local":
        raise TidingsError("E304", value=engine, option="--engine", detail="choose local or ray")
    if shards is not None:
        from tidings.store.shards import write_shards

        bar = _progress_bar(enabled=progress and not json_out and err.is_terminal)
        report = write_shards(
            [str(p) for p in paths],
            shards,
            options=options,
            workers=n_workers,
            model=model,
            engine=run_engine,
            on_progress=bar.update if bar else None,
        )
        if bar:
            bar.close()
        if json_out:
            print(json.dumps({"run": report.to_dict(), "shards": str(shards)}, sort_keys=True))
        else:
            _print_run(report, str(shards))
        return
    with Store.open(db) as store:
        bar = _progress_bar(enabled=progress and not json_out and err.is_terminal)
        report = run_ingest(
            [str(p) for p in paths],
            store,
            options=options,
            workers=n_workers,
            model=model,
            on_progress=bar.update if bar else None,
            engine=run_engine,
        )
        if bar:
            bar.close()
        summary = store.summary()
    if json_out:
        print(json.dumps({"run": report.to_dict(), "database": summary}, sort_keys=True))
        return
    _print_run(report, db)
    _print_summary(summary)


def _progress_bar(enabled: bool) -> _ProgressBar | None:
    return _ProgressBar() if enabled else None


class _ProgressBar:
    """A rich progress bar counting articles written (the total is not known while streaming)."""

    def __init__(self) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        self._task = self._progress.add_task("ingesting", total=None)
        self._progress.start()

    def update(self, report: Any) -> None:
        self._progress.update(
            self._task, description=f"ingested {report.ingested} articles ({report.words:,} words)"
        )

    def close(self) -> None:
        self._progress.stop()


def _print_run(report: Any, db: str) -> None:
    out.print(
        f"[bold]{report.ingested}[/] ingested, [bold]{report.present}[/] already present, "
        f"[bold]{len(report.rejected)}[/] rejected ({report.total} input units) → {db}"
    )
    docs = [r for r in report.rejected if r.code == "R112"]
    if docs:
        out.print(
            f"  ({len(docs)} documentation file(s) not read: {', '.join(Path(r.source).name for r in docs)})"
        )
    for r in report.rejected:
        if r.code == "R112":
            continue
        where = r.source + (f" [{r.member}]" if r.member else "") + (f":{r.line}" if r.line else "")
        out.print(f"  rejected {where}: [{r.code}] {r.reason}", markup=False)


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title="What the database holds", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("articles", str(summary["articles"]))
    lo, hi = summary["published_range"]
    table.add_row("published", f"{lo or '?'} … {hi or '?'}")
    for key in ("publication", "agency", "language", "country"):
        items = [f"{k or 'unknown'} ({n})" for k, n in summary[f"by_{key}"]]
        table.add_row(f"by {key}", ", ".join(items) or "-")
    table.add_row("entities", ", ".join(f"{lbl} {n}" for lbl, n in summary["entities_by_label"][:8]) or "-")
    table.add_row("wire-copy clusters", str(summary.get("wire_copy_clusters", 0)))
    table.add_row("actor mentions", str(summary.get("actor_mentions", 0)))
    speakers = ", ".join(f"{name} ({n})" for name, n in summary.get("top_speakers", []))
    table.add_row(
        "quotes", f"{summary.get('quotes', 0)}" + (f" — most quoted: {speakers}" if speakers else "")
    )
    roots = ", ".join(f"{_root_name(code)} ({n})" for code, n in summary.get("events_by_root", []))
    table.add_row("events", f"{summary.get('events', 0)}" + (f" — {roots}" if roots else ""))
    table.add_row("rejected", str(summary.get("rejected", 0)))
    out.print(table)


def _root_name(code: str | None) -> str:
    try:
        from tidings import codebook

        entry = codebook.lookup(code) if code else None
    except ImportError:  # pragma: no cover - the codebook ships with tidings
        entry = None
    return f"{code} {entry.name.lower()}" if entry else str(code)


@app.command()
def info(db: DbOption = DEFAULT_DB, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Summarise what a database holds."""
    from tidings.store import Store

    with Store.open(db, readonly=True) as store:
        summary = store.summary()
    if json_out:
        print(json.dumps(summary, sort_keys=True))
    else:
        _print_summary(summary)


@app.command()
def export(
    db: DbOption = DEFAULT_DB,
    table: Annotated[str, typer.Option(help="articles, quotes, events, actors, rejected, ...")] = "articles",
    format: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv, gdelt, icews, plover, ...")
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Write one record per line for a table (a public, stable layout)."""
    from tidings.export import export as run_export
    from tidings.store import Store

    with Store.open(db, readonly=True) as store:
        if output is None:
            n = run_export(store, table, format, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = run_export(store, table, format, fh)
    err.print(f"{n} {table} records written", style="dim")


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of 6+ characters).")],
    db: DbOption = DEFAULT_DB,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print an article with its metadata and its findings (entities, actors, quotes, events)."""
    from tidings.store import FINDING_TABLES, Store

    with Store.open(db, readonly=True) as store:
        article = store.article(article_id)
        if article is None:
            raise TidingsError("E107", article_id=article_id)
        findings = {name: store.findings_for(name, article["id"]) for name in FINDING_TABLES}
    if json_out:
        print(json.dumps({"article": article, "findings": findings}, sort_keys=True, ensure_ascii=False))
        return
    meta = Table(show_header=False, box=None)
    meta.add_column(style="bold")
    meta.add_column()
    for key in (
        "id",
        "title",
        "publication",
        "edition",
        "byline",
        "agency",
        "dateline",
        "published",
        "date_source",
        "language",
        "country",
        "cluster",
        "source",
        "member",
        "url",
    ):
        if article.get(key):
            meta.add_row(key, str(article[key]))
    out.print(meta)
    out.print()
    out.print(article["text"], markup=False)
    out.print()
    text = article["text"]
    ents = Table(title=f"Named-entity mentions ({len(findings['entities'])})")
    for col in ("sent", "span", "label", "text"):
        ents.add_column(col)
    for e in findings["entities"]:
        (start, end), *_ = json.loads(e["spans"])
        ents.add_row(str(e["sentence"]), f"{start}-{end}", e["label"], text[start:end])
    out.print(ents)
    if findings["quotes"]:
        qt = Table(title=f"Quotes ({len(findings['quotes'])})")
        for col in ("kind", "speaker", "cue", "content"):
            qt.add_column(col, overflow="fold")
        for q in findings["quotes"]:
            qt.add_row(q["kind"], q.get("speaker") or "?", q.get("cue") or "", (q["content"] or "")[:160])
        out.print(qt)
    if findings["events"]:
        et = Table(title=f"Events ({len(findings['events'])})")
        for col in ("cameo", "source", "target", "date", "evidence"):
            et.add_column(col, overflow="fold")
        for ev in findings["events"]:
            spans = json.loads(ev["spans"])
            evidence = " … ".join(text[a:b] for a, b in spans)[:120]
            et.add_row(
                ev["cameo"],
                ev.get("source_code") or ev.get("source") or "",
                ev.get("target_code") or ev.get("target") or "",
                ev.get("date") or "",
                evidence,
            )
        out.print(et)

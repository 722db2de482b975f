"""Exports: stream any store table as JSONL or CSV; event formats (GDELT, ICEWS, PLOVER) register here.

The JSONL/CSV record layout is a public contract: fields are the table's columns, in schema order;
span columns are JSON lists of ``[start, end]`` character offsets into the article text.
Records are written in a stable order, so the same database gives byte-identical exports.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from tidings.errors import TidingsError
from tidings.store import Store, dumps_record, exportable_tables, metadata

Rows = Iterator[dict[str, Any]]
Writer = Callable[[Rows, TextIO], int]

# table -> the columns that order its export (stable, readable).
ORDER: dict[str, tuple[str, ...]] = {
    "articles": ("published", "id"),
    "rejected": ("source", "member", "id"),
    "actors": ("id",),
    "actor_roles": ("actor_id", "start", "id"),
}
JSON_COLUMNS = {
    "spans", "speaker_spans", "cue_spans", "content_spans", "sectors", "aliases", "evidence", "roles",
}

FORMATS: dict[str, tuple[Writer, tuple[str, ...] | None]] = {}


def register_format(name: str, writer: Writer, tables: tuple[str, ...] | None = None) -> None:
    """Add an export format; ``tables`` limits it to those tables (None: any table)."""
    FORMATS[name] = (writer, tables)


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in JSON_COLUMNS & out.keys():
        value = out[key]
        if isinstance(value, str) and value[:1] in "[{":
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError:
                pass
    if isinstance(out.get("versions"), str):
        try:
            out["versions"] = json.loads(out["versions"])
        except json.JSONDecodeError:
            pass
    return out


def write_jsonl(rows: Rows, out: TextIO) -> int:
    n = 0
    for row in rows:
        out.write(dumps_record(_decoded(row)) + "\n")
        n += 1
    return n


def write_csv(rows: Rows, out: TextIO) -> int:
    n = 0
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        n += 1
    return n


register_format("jsonl", write_jsonl)
register_format("csv", write_csv)


def _load_formats() -> None:
    for name in ("gdelt", "icews", "plover", "parquet"):
        try:
            __import__(f"tidings.export.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tidings.export.{name}":
                raise


def formats() -> list[str]:
    _load_formats()
    return list(FORMATS)


def table_rows(store: Store, table: str) -> Rows:
    if table not in exportable_tables():
        raise TidingsError("E105", table=table, tables=", ".join(exportable_tables()))
    t = metadata.tables[table]
    order = ORDER.get(table) or (("article_id", "sentence", "id") if "sentence" in t.c else ("id",))
    return store.rows(table, order_by=order)


def export(store: Store, table: str, fmt: str, out: TextIO) -> int:
    """Write a table to ``out`` in a format; returns the number of records."""
    _load_formats()
    if fmt not in FORMATS:
        raise TidingsError("E304", value=fmt, option="--format", detail="choose one of " + ", ".join(FORMATS))
    writer, tables = FORMATS[fmt]
    if tables is not None and table not in tables:
        raise TidingsError(
            "E304", value=fmt, option="--format", detail=f"this format exports the {', '.join(tables)} table"
        )
    if table == "events" and fmt not in ("jsonl", "csv"):
        # Event formats count sources and link URLs: they need each mention's article fields.
        from tidings.store.event_queries import iter_event_mentions

        return writer(iter_event_mentions(store), out)
    return writer(table_rows(store, table), out)

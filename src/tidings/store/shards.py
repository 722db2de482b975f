"""Parquet shards: the records a run would store, written to files, and loaded into a database later.

A cluster run (``tidings ingest --engine ray --shards DIR``) need not reach a database: the driver
writes the same rows ``Store.write`` would write, as Parquet files, and ``tidings load DIR --db``
imports them anywhere, any number of times (loading is idempotent, like ingest). Layout::

    DIR/tidings-shards.json             manifest, written last: schema version, versions, parts
    DIR/articles/part-00000.parquet     article records (plus the ``versions`` JSON)
    DIR/entities/part-00000.parquet     findings of exactly the articles of part 0 (one file per table)
    DIR/rejected/part-00000.parquet     input units rejected while part 0 was collected
    DIR/learned_roles/part-00000.parquet  roles learned from part 0's articles ("Foreign Minister X")

Loading one part is one transaction with ``Store.write``'s semantics: its articles are upserted
(keyed by stable id) and their findings replaced, so concurrent loaders and re-loads are safe.
Each file is written under a temporary name and renamed, so a killed run leaves whole parts only;
without the manifest the folder is refused (the run did not finish: run it again).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tidings import __version__
from tidings.errors import TidingsError
from tidings.store import (
    FINDING_TABLES,
    SCHEMA_VERSION,
    Store,
    _upsert,
    article_record,
    articles,
    delete_in,
    finding_rows,
    forget_signatures,
    rejected,
    rejected_record,
)
from tidings.types import Article, Findings, Rejected, StoreRows, Versions, spans_from_json, spans_to_json

MANIFEST = "tidings-shards.json"
FORMAT = "tidings-shards/1"
# Articles per part. Larger parts mean fewer files and faster loads; each part is held in memory
# (text and findings) until written: 2,000 press articles of ~600 words are about 30 MB.
PART_ARTICLES = 2_000


LEARNED_ROLES = "learned_roles"  # shard folder of tidings.knowledge.kb.LearnedRole records


def learned_roles_table() -> sa.Table:
    """A table shape (not in the database) for the roles learned from articles, which the store
    accumulates into the actor tables (``tidings.store.knowledge.write_learned_roles``)."""
    from tidings.knowledge.kb import LearnedRole

    columns = []
    for f in fields(LearnedRole):
        kind: Any = sa.Integer if f.name == "sentence" else sa.Boolean if f.name == "known" else sa.Text
        columns.append(sa.Column(f.name, kind))
    return sa.Table(LEARNED_ROLES, sa.MetaData(), *columns)


def learned_role_record(role: Any) -> dict[str, Any]:
    record = {f.name: getattr(role, f.name) for f in fields(role)}
    record["sectors"] = json.dumps(list(record["sectors"]))
    record["spans"] = spans_to_json(list(record["spans"]))
    return record


def learned_role_from_record(record: dict[str, Any]) -> Any:
    from tidings.knowledge.kb import LearnedRole

    values = dict(record)
    values["sectors"] = tuple(json.loads(values["sectors"] or "[]"))
    values["spans"] = spans_from_json(values["spans"])
    return LearnedRole(**values)


def _arrow_type(column: sa.Column[Any]) -> Any:
    import pyarrow as pa

    if isinstance(column.type, sa.Boolean):
        return pa.bool_()
    if isinstance(column.type, sa.Integer):
        return pa.int64()
    if isinstance(column.type, sa.Float):
        return pa.float64()
    return pa.string()


def _write_parquet(path: Path, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Rows of one store table as a Parquet file; only the columns the records have (in table order)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    present = set().union(*(row.keys() for row in rows))
    columns = [c for c in table.columns if c.name in present]
    schema = pa.schema([pa.field(c.name, _arrow_type(c)) for c in columns])
    data = pa.Table.from_pylist([{c.name: row.get(c.name) for c in columns} for row in rows], schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    pq.write_table(data, partial)
    os.replace(partial, path)


@dataclass
class ShardWriter:
    """A write-only stand-in for ``Store`` that ``tidings.run.ingest`` writes Parquet parts through."""

    folder: Path
    part_articles: int = PART_ARTICLES
    parts: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    _articles: list[dict[str, Any]] = field(default_factory=list)
    _findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _rejected: list[dict[str, Any]] = field(default_factory=list)
    _learned: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        if self.folder.exists() and any(self.folder.iterdir()):
            raise TidingsError("E807", path=str(self.folder))
        self.folder.mkdir(parents=True, exist_ok=True)

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Nothing is known before loading: every article is parsed (loading deduplicates)."""
        return set()

    def write(
        self, items: Iterable[tuple[Article, Findings | StoreRows]], versions: Versions | None = None
    ) -> int:
        n = 0
        for article, findings in items:
            record = article_record(article)
            record["versions"] = versions.to_json() if versions else None
            self._articles.append(record)
            for name, rows in finding_rows(findings).items():  # as Store.write
                self._findings.setdefault(name, []).extend(rows)
            self._learned.extend(learned_role_record(role) for role in findings.learned_roles)
            n += 1
        if len(self._articles) >= self.part_articles:
            self.flush()
        return n

    def write_rejected(self, items: Iterable[Rejected]) -> int:
        rows = [rejected_record(r) for r in items]
        self._rejected.extend(rows)
        return len(rows)

    def flush(self) -> None:
        """Write what is buffered as the next part."""
        if not (self._articles or self._rejected):
            return
        part = f"part-{len(self.parts):05d}.parquet"
        tables: list[tuple[sa.Table, list[dict[str, Any]]]] = [
            (articles, self._articles),
            (rejected, self._rejected),
        ]
        tables += [(FINDING_TABLES[name], rows) for name, rows in sorted(self._findings.items())]
        tables.append((learned_roles_table(), self._learned))
        for table, rows in tables:
            if rows:
                _write_parquet(self.folder / table.name / part, table, rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        self.parts.append(part)
        self._articles, self._findings, self._rejected, self._learned = [], {}, [], []

    def finish(self, versions: Versions | None) -> None:
        """Write the last part and the manifest (which marks the folder complete)."""
        self.flush()
        manifest = {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "tidings": __version__,
            "versions": json.loads(versions.to_json()) if versions else None,
            "parts": self.parts,
            "counts": dict(sorted(self.counts.items())),
        }
        partial = self.folder / (MANIFEST + ".partial")
        partial.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(partial, self.folder / MANIFEST)


def write_shards(
    paths: Iterable[str | Path], folder: str | Path, part_articles: int = PART_ARTICLES, **ingest_options: Any
) -> Any:
    """Run ``tidings.run.ingest`` writing Parquet shards to ``folder`` instead of a database.

    ``folder`` must be new or empty. ``ingest_options`` are those of ``tidings.run.ingest``
    (options, workers, model, engine, batch_size, on_progress, ...). Returns its ``IngestReport``.
    """
    from tidings.run import ingest

    writer = ShardWriter(Path(folder), part_articles=part_articles)
    report = ingest(paths, writer, database_steps=False, **ingest_options)  # type: ignore[arg-type]
    writer.finish(report.versions)
    return report


@dataclass
class LoadReport:
    """What ``load_shards`` imported."""

    folders: int = 0
    parts: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"folders": self.folders, "parts": self.parts, "rows": dict(sorted(self.rows.items()))}


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a shard folder, checked; E804/E805 tell the user what is wrong."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        detail = (
            "no "
            + MANIFEST
            + (
                ": the run that wrote it did not finish; run it again"
                if Path(folder).is_dir()
                else ": no such folder"
            )
        )
        raise TidingsError("E804", path=str(folder), detail=detail)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TidingsError("E804", path=str(folder), detail=f"unreadable manifest: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise TidingsError("E804", path=str(folder), detail=f"unknown format {manifest.get('format')!r}")
    if int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
        raise TidingsError(
            "E805", path=str(folder), found=manifest["schema_version"], supported=SCHEMA_VERSION
        )
    return manifest


def _read_part(folder: Path, table: sa.Table, part: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    path = folder / table.name / part
    if not path.is_file():
        return []
    rows = pq.read_table(path).to_pylist()
    known = set(table.c.keys())
    return [{k: v for k, v in row.items() if k in known} for row in rows]


def load_shards(store: Store, folders: Iterable[str | Path]) -> LoadReport:
    """Import shard folders into ``store``: per part, upsert articles and replace their findings."""
    report = LoadReport()
    checked = [(Path(f), read_manifest(Path(f))) for f in folders]  # refuse before writing anything
    for folder, manifest in checked:
        report.folders += 1
        for part in manifest["parts"]:
            rows = {
                t.name: _read_part(folder, t, part)
                for t in (articles, rejected, *FINDING_TABLES.values(), learned_roles_table())
            }
            write_part(store, rows)
            report.parts += 1
            for name, table_rows in rows.items():
                if table_rows:
                    report.rows[name] = report.rows.get(name, 0) + len(table_rows)
    return report


def write_part(store: Store, rows: dict[str, list[dict[str, Any]]]) -> None:
    """One part in one transaction, with ``Store.write``'s semantics (see the module docstring)."""
    article_rows = sorted(rows.get("articles", []), key=lambda r: r["id"])  # one lock order for all writers
    ids = [r["id"] for r in article_rows]
    with store.engine.begin() as conn:
        _upsert(conn, articles, article_rows)
        forget_signatures(conn, ids)
        for table in FINDING_TABLES.values():
            delete_in(conn, table, table.c.article_id, ids)
            finding_rows = rows.get(table.name, [])
            if finding_rows:
                conn.execute(table.insert(), finding_rows)
        _upsert(conn, rejected, sorted(rows.get("rejected", []), key=lambda r: r["id"]))
        learned = rows.get(LEARNED_ROLES, [])
        if learned:
            from tidings.store.knowledge import write_learned_roles

            write_learned_roles(conn, [learned_role_from_record(r) for r in learned])

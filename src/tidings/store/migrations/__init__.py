"""Versioned schema migrations: a database made by an older tidings is upgraded when it is opened.

The schema version a database is at lives in ``meta.schema_version``; the version this code writes
is ``tidings.store.SCHEMA_VERSION``. ``upgrade(engine)`` brings a database there, on SQLite and
PostgreSQL alike, in one transaction held under a lock (a PostgreSQL advisory lock, SQLite's
``BEGIN IMMEDIATE``), so two processes opening the same new database at once do not race:

1. a database without tidings tables is created at the current version;
2. otherwise every migration newer than the stored version runs, in version order: the modules
   ``vNNNN_name.py`` in this package, each with ``VERSION``, ``DESCRIPTION`` and
   ``upgrade(conn)`` (plain SQLAlchemy Core on the open connection; see docs/scale.md);
3. then tables, columns and indexes of the current schema that the database lacks are added, so
   additive changes (a new finding table, a new nullable column) need no migration file, and the
   new version is recorded.

A database newer than this code is refused (E104); a failed migration rolls everything back (E806).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tidings.errors import TidingsError

# Key of the PostgreSQL advisory lock held while a database is created or migrated
# (an arbitrary constant: the first 8 bytes of sha256("tidings schema") as a signed integer).
ADVISORY_LOCK_KEY = 0x2F3A_6B1C_09D4_7E51
MODULE_NAME = re.compile(r"^v(\d{4})_\w+$")


@dataclass(frozen=True)
class Migration:
    """One step from ``version - 1`` to ``version``."""

    version: int
    description: str
    upgrade: Callable[[Connection], None]


@dataclass
class UpgradeReport:
    """What ``upgrade`` did: versions before and after, and what it added."""

    found: int | None  # None: the database was empty
    version: int
    applied: list[int] = field(default_factory=list)
    added_tables: list[str] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)  # "table.column"
    added_indexes: list[str] = field(default_factory=list)


def migrations() -> list[Migration]:
    """The migration modules of this package, in version order."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        match = MODULE_NAME.match(info.name)
        if not match:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        version = int(getattr(module, "VERSION", match.group(1)))
        found.append(Migration(version, str(getattr(module, "DESCRIPTION", info.name)), module.upgrade))
    return sorted(found, key=lambda m: m.version)


def stored_version(conn: Connection) -> int | None:
    """The schema version recorded in the database, or None when it has no tidings tables."""
    from tidings.store import meta

    inspector = sa.inspect(conn)
    if not inspector.has_table(meta.name):
        # Tables but no meta: a database from before versioning began, i.e. version 1.
        return 1 if inspector.has_table("articles") else None
    row = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 1


def upgrade(
    engine: Engine,
    target: int | None = None,
    steps: Sequence[Migration] | None = None,
    schema: sa.MetaData | None = None,
) -> UpgradeReport:
    """Create or migrate the database behind ``engine`` to ``target`` (default SCHEMA_VERSION).

    ``steps`` and ``schema`` default to this package's migrations and ``tidings.store.metadata``;
    tests pass their own.
    """
    from tidings.store import SCHEMA_VERSION, meta, metadata

    target = SCHEMA_VERSION if target is None else target
    schema = metadata if schema is None else schema
    steps = migrations() if steps is None else steps
    with _locked_transaction(engine) as conn:
        found = stored_version(conn)
        report = UpgradeReport(found=found, version=target)
        if found is not None and found > target:
            raise TidingsError("E104", found=found, supported=target)
        if found is not None:
            for step in sorted(steps, key=lambda m: m.version):
                if found < step.version <= target:
                    try:
                        step.upgrade(conn)
                    except Exception as exc:
                        raise TidingsError(
                            "E806",
                            version=step.version,
                            description=step.description,
                            db=engine.url.render_as_string(hide_password=True),
                            detail=exc,
                        ) from exc
                    report.applied.append(step.version)
        _add_missing(conn, schema, report)
        if meta.name in schema.tables and found != target:
            _set_version(conn, schema.tables[meta.name], target)
    return report


@contextmanager
def _locked_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that no other tidings process can interleave with (DDL included)."""
    if engine.dialect.name == "sqlite":
        # pysqlite opens transactions only before DML, so DDL would autocommit statement by
        # statement; drive the transaction by hand. IMMEDIATE takes the write lock up front.
        with engine.connect() as raw:
            conn = raw.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
        yield conn


def _add_missing(conn: Connection, schema: sa.MetaData, report: UpgradeReport) -> None:
    """Add the tables, columns and indexes of ``schema`` that the database lacks."""
    inspector = sa.inspect(conn)
    existing = set(inspector.get_table_names())
    for table in schema.sorted_tables:
        if table.name not in existing:
            table.create(conn)
            report.added_tables.append(table.name)
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                conn.exec_driver_sql(_add_column_sql(conn, table, column))
                report.added_columns.append(f"{table.name}.{column.name}")
        indexes = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(conn)
                report.added_indexes.append(str(index.name))


def _add_column_sql(conn: Connection, table: sa.Table, column: sa.Column) -> str:  # type: ignore[type-arg]
    if column.primary_key:
        raise TidingsError(
            "E806",
            version="(additive)",
            description=f"new key column {table.name}.{column.name}",
            db=conn.engine.url.render_as_string(hide_password=True),
            detail="a key column cannot be added to existing rows; write a migration module",
        )
    preparer = conn.dialect.identifier_preparer
    ddl = f"{preparer.format_column(column)} {column.type.compile(dialect=conn.dialect)}"
    if column.server_default is not None:
        default = column.server_default.arg  # type: ignore[attr-defined]
        if not isinstance(default, str):
            default = str(default.compile(dialect=conn.dialect))
        else:
            default = "'" + default.replace("'", "''") + "'"
        ddl += f" DEFAULT {default}"
        if not column.nullable:
            ddl += " NOT NULL"
    # A NOT NULL column without a default cannot be added to a table with rows: it is added as
    # nullable, and rows written from now on fill it.
    return f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {ddl}"


def _set_version(conn: Connection, meta: sa.Table, version: int) -> None:
    updated = conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(version)))
    if updated.rowcount == 0:
        conn.execute(meta.insert().values(key="schema_version", value=str(version)))

"""Ingest: turn input files into ``Article``s, or ``Rejected`` records with a reason.

A *unit* is one input file (or one archive member). A *reader* turns a unit's bytes into articles;
one unit can hold many (exports, feeds, WARC). Readers never raise on bad input and never drop
input silently: everything they cannot use comes back as ``Rejected``.

Sniffing picks the reader by content first and extension second; ``--format`` forces one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tidings.errors import TidingsError, reason
from tidings.types import Article, Rejected

# A file above this size is rejected unless the user raises the limit. 64 MB holds the largest
# single-file press exports we have seen (a few thousand articles) with room to spare.
DEFAULT_MAX_MB = 64


@dataclass(frozen=True)
class ReadOptions:
    """What the user told ``tidings ingest`` that readers need."""

    date: str | None = None  # --date: publication date when the file has none
    format: str = "auto"
    max_mb: float = DEFAULT_MAX_MB
    fetch: bool = False  # feeds: fetch linked pages


@dataclass(frozen=True)
class Unit:
    """One input unit: bytes plus where they came from."""

    source: str  # file path (as given) or URL
    data: bytes
    member: str | None = None  # archive member name, when inside an archive


Output = Article | Rejected
ReadFn = Callable[[Unit, ReadOptions], Iterator[Output]]
SniffFn = Callable[[Unit], float]  # 0.0 (not mine) .. 1.0 (certainly mine)


@dataclass(frozen=True)
class Reader:
    name: str
    read: ReadFn
    sniff: SniffFn
    extensions: tuple[str, ...] = field(default=())
    description: str = ""


READERS: dict[str, Reader] = {}

# Expanders turn one unit into many (zip/tar/gz archives). Registered by tidings.ingest.archives.
Expander = Callable[[Unit, ReadOptions], Iterator["Unit | Rejected"]]
EXPANDERS: list[tuple[Callable[[Unit], bool], Expander]] = []


def register(reader: Reader) -> Reader:
    READERS[reader.name] = reader
    return reader


def _load_readers() -> None:
    # Import for the side effect of registering. Order is the tie-break order when sniff scores tie.
    from tidings.ingest import jsonl, press  # noqa: F401

    for optional in ("html", "feeds", "warc", "factiva", "lexis", "archives"):
        try:
            __import__(f"tidings.ingest.{optional}")
        except ModuleNotFoundError as exc:  # a reader not written yet is simply not offered
            if exc.name != f"tidings.ingest.{optional}":
                raise


def formats() -> list[str]:
    _load_readers()
    return ["auto", *READERS]


FILENAME_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_from_name(name: str) -> str | None:
    """A date written in a file name (2024-03-07, 20240307, 2024_03_07), or None."""
    m = FILENAME_DATE.search(Path(name).name)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def publication_date(
    found: str | None, found_source: str | None, options: ReadOptions, name: str | None
) -> tuple[str | None, str | None]:
    """``(published, date_source)`` in the one order every reader uses: the date the document
    states (``found``, from ``found_source``), else ``--date``, else a date in the file ``name``.
    Unknown stays ``(None, None)``: a date is never invented."""
    if found:
        return found, found_source
    if options.date:
        return options.date, "option"
    named = date_from_name(name) if name else None
    return (named, "filename") if named else (None, None)


def check_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise TidingsError("E302", value=value) from exc


# Files a folder of articles often carries that are not articles. They are skipped only when
# found by walking a folder (a file named on the command line is always read) and the skip is
# reported as a rejection with code R112, so nothing disappears silently.
DOCUMENTATION = re.compile(r"^(readme|license|licence|notice|changelog|copying)(\.[a-z]+)?$|\.md$", re.I)


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    """(file, found by walking a folder) under the given paths, recursively, in a stable order.

    Hidden files and folders (names starting with a dot) inside a folder are not read.
    """
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise TidingsError("E303", path=str(path))
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in rel.parts):
                    yield child, True
        else:
            yield path, False


def iter_units(paths: Iterable[str | Path], options: ReadOptions) -> Iterator[Unit | Rejected]:
    """Units from files, with archives expanded; oversized files rejected before reading."""
    _load_readers()
    limit = int(options.max_mb * 1024 * 1024)
    for path, walked in iter_files(paths):
        if walked and DOCUMENTATION.search(path.name):
            yield Rejected(source=str(path), code="R112", reason=reason("R112"))
            continue
        size = path.stat().st_size
        if size > limit:
            yield Rejected(
                source=str(path),
                code="R103",
                reason=reason("R103", limit=options.max_mb, size=round(size / 1048576, 1)),
            )
            continue
        unit = Unit(source=str(path), data=path.read_bytes())
        yield from expand(unit, options)


def expand(unit: Unit, options: ReadOptions) -> Iterator[Unit | Rejected]:
    for accepts, expander in EXPANDERS:
        if accepts(unit):
            yield from expander(unit, options)
            return
    yield unit


def pick_reader(unit: Unit, options: ReadOptions) -> Reader | Rejected:
    _load_readers()
    if options.format != "auto":
        if options.format not in READERS:
            raise TidingsError("E301", format=options.format, formats=", ".join(formats()))
        return READERS[options.format]
    best: tuple[float, int, Reader] | None = None
    for order, reader in enumerate(READERS.values()):
        score = reader.sniff(unit)
        if score > 0 and (best is None or score > best[0]):
            best = (score, order, reader)
    if best is None:
        return Rejected(
            source=unit.source,
            member=unit.member,
            code="R108",
            reason=reason("R108", detail="no known layout matched its first bytes"),
        )
    return best[2]


def read_unit(unit: Unit, options: ReadOptions) -> Iterator[Output]:
    """Everything one unit yields. A reader that crashes is a bug, but never loses the run."""
    from tidings.ingest.text import binary_reason

    if not unit.data.strip():
        yield Rejected(source=unit.source, member=unit.member, code="R101", reason=reason("R101"))
        return
    chosen = pick_reader(unit, options)
    if isinstance(chosen, Rejected):
        why = binary_reason(unit.data)
        if why:
            chosen = Rejected(
                source=unit.source, member=unit.member, code="R102", reason=reason("R102", detail=why)
            )
        yield chosen
        return
    try:
        yield from chosen.read(unit, options)
    except Exception as exc:  # noqa: BLE001 - one bad unit must not stop the others
        yield Rejected(
            source=unit.source,
            member=unit.member,
            code="R109",
            reason=reason("R109", detail=f"{chosen.name} reader failed: {type(exc).__name__}: {exc}"),
        )


def read_paths(paths: Iterable[str | Path], options: ReadOptions | None = None) -> Iterator[Output]:
    """Articles and rejections from files and folders, in a stable order."""
    options = options or ReadOptions()
    for item in iter_units(paths, options):
        if isinstance(item, Rejected):
            yield item
        else:
            yield from read_unit(item, options)

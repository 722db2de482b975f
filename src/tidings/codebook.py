"""The CAMEO codebook: event names, Goldstein scores, QuadClass and PLOVER types for every code.

This module owns reading ``data/cameo.tsv``, the one versioned table of CAMEO 1.1b3 event codes
(its header comment names the sources of every column). Everything in tidings that needs a code's
name, score, class or PLOVER type asks ``lookup``; nothing else keeps a copy. Users can point
``TIDINGS_CODEBOOK`` at their own table with the same columns.

Codes are strings with their leading zeros: ``"0212"``, never ``212``.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tidings.errors import TidingsError
from tidings.types import stable_hash

CODEBOOK_PATH = Path(__file__).resolve().parent / "data" / "cameo.tsv"
ENV_VAR = "TIDINGS_CODEBOOK"

#: The version of the shipped table (also written in its header comment).
VERSION = "cameo-1.1b3/tidings-2026.11-1"

COLUMNS = (
    "code",
    "level",
    "name",
    "base",
    "root",
    "goldstein",
    "quad_class",
    "plover_type",
    "plover_mode",
    "plover_context",
    "note",
)

#: GDELT's QuadClass by CAMEO root: 1 verbal cooperation, 2 material cooperation,
#: 3 verbal conflict, 4 material conflict.
QUAD_CLASS_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@dataclass(frozen=True, slots=True)
class CodebookEntry:
    """One CAMEO event code with everything the codebook says about it."""

    code: str
    name: str
    base: str
    root: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    level: str = ""
    plover_context: str | None = None
    note: str = ""

    @property
    def root_name(self) -> str:
        """The name of this code's root category (e.g. ``"Appeal"`` for ``"0212"``)."""
        entry = lookup(self.root)
        return entry.name if entry else ""


def root_of(code: str) -> str:
    """The two-digit root of a CAMEO code (``"0212"`` → ``"02"``), without consulting the table."""
    code = normalize(code)
    return code[:2]


def base_of(code: str) -> str:
    """The three-digit base of a code; a root is its own base (``"0212"`` → ``"021"``)."""
    code = normalize(code)
    return code[:3] if len(code) >= 3 else code


def quad_class_of_root(root: str) -> int:
    """QuadClass by root, as GDELT assigns it: 01–05 → 1, 06–08 → 2, 09–13 → 3, 14–20 → 4."""
    r = int(root)
    if not 1 <= r <= 20:
        raise ValueError(f"CAMEO roots run from 01 to 20, not {root!r}")
    if r <= 5:
        return 1
    if r <= 8:
        return 2
    if r <= 13:
        return 3
    return 4


def normalize(code: str | int) -> str:
    """A code as the codebook writes it, restoring a leading zero a spreadsheet dropped.

    CAMEO roots run from 01 to 20, so a digit string can only have lost a zero when it is too
    short (``"2"`` → ``"02"``) or when its two-digit prefix is not a root (``"42"`` → ``"042"``,
    ``"212"`` → ``"0212"``). Anything else is returned stripped, unchanged.
    """
    text = str(code).strip()
    if not text.isdigit():
        return text
    if len(text) == 1:
        return text.zfill(2)
    if len(text) in (2, 3) and int(text[:2]) > 20:
        return "0" + text
    return text


def _codebook_path() -> Path:
    override = os.environ.get(ENV_VAR)
    return Path(override) if override else CODEBOOK_PATH


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, CodebookEntry]:
    if not path.exists():
        raise TidingsError("E401", path=str(path))
    entries: dict[str, CodebookEntry] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in ("code", "name", "goldstein") if c not in (reader.fieldnames or [])]
        if missing:
            raise TidingsError("E402", path=str(path), detail=f"missing columns {', '.join(missing)}")
        for lineno, row in enumerate(reader, start=2):
            code = (row.get("code") or "").strip()
            if not code.isdigit() or len(code) not in (2, 3, 4):
                raise TidingsError("E402", path=str(path), detail=f"row {lineno}: bad code {code!r}")
            try:
                goldstein = float(row["goldstein"])
            except (TypeError, ValueError) as exc:
                raise TidingsError(
                    "E402", path=str(path), detail=f"code {code}: goldstein {row.get('goldstein')!r}"
                ) from exc
            root = (row.get("root") or code[:2]).strip()
            quad = (row.get("quad_class") or "").strip()
            entries[code] = CodebookEntry(
                code=code,
                name=(row.get("name") or "").strip(),
                base=(row.get("base") or base_of(code)).strip(),
                root=root,
                goldstein=goldstein,
                quad_class=int(quad) if quad else quad_class_of_root(root),
                plover_type=(row.get("plover_type") or "").strip() or None,
                plover_mode=(row.get("plover_mode") or "").strip() or None,
                level=(row.get("level") or "").strip(),
                plover_context=(row.get("plover_context") or "").strip() or None,
                note=(row.get("note") or "").strip(),
            )
    return entries


# (codebook file, code) -> entry: the event coder looks a code up for every event it emits (and
# ``_load`` already reads each file once).
_LOOKUPS: dict[tuple[Path, str], CodebookEntry | None] = {}


def lookup(code: str) -> CodebookEntry | None:
    """The codebook entry for a CAMEO code, or None when the code is not in CAMEO 1.1b3."""
    if code is None:
        return None
    if type(code) is not str:  # other values (ints from a spreadsheet) are looked up each time
        return _load(_codebook_path()).get(normalize(code))
    path = _codebook_path()
    key = (path, code)
    if key not in _LOOKUPS:
        _LOOKUPS[key] = _load(path).get(normalize(code))
    return _LOOKUPS[key]


def entries() -> list[CodebookEntry]:
    """Every entry, in codebook order (roots followed by their base and leaf codes)."""
    return list(_load(_codebook_path()).values())


def roots() -> list[CodebookEntry]:
    """The twenty root categories, 01 to 20."""
    return [e for e in entries() if len(e.code) == 2]


def fingerprint() -> str:
    """Hash of the codebook file in use, recorded as provenance (``Versions.codebook``)."""
    path = _codebook_path()
    return stable_hash("codebook/1", path.read_bytes().decode("utf-8"), length=12)

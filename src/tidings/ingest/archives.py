"""Archives: .zip, .tar, .tar.gz/.tgz (and .tar.bz2/.tar.xz) and single-file .gz/.bz2/.xz.

Owns the expander registered in ``tidings.ingest.EXPANDERS``: one archive unit becomes one unit
per member (``Unit.member`` holds the member name; nested archives join names with ``!``, as in
``outer.zip!inner.tar.gz!story.html``). Members are only ever read into memory: nothing is
written to disk, so member names are never used as paths. Still, a name that would escape a
folder when extracted (absolute, ``..``, drive letters) is rejected with R158 so that the user
learns the archive is hostile, and links and device files are never followed (R110).

Expansion is bounded (R157): each member and the whole archive have a size cap, a member that
expands more than ``MAX_RATIO`` times its compressed size is a bomb, nesting stops at
``MAX_DEPTH`` and an archive may hold at most ``MAX_MEMBERS`` members. Decompression itself is
bounded (we never ask zlib/bz2/lzma for more than the cap), so a bomb costs at most the cap.

A gzip file holding a WARC is not expanded: the WARC reader reads WARC.gz record by record.
"""

from __future__ import annotations

import bz2
import io
import lzma
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from tidings.errors import reason
from tidings.ingest import EXPANDERS, ReadOptions, Unit
from tidings.types import Rejected

# Nesting depth (archive inside archive inside ...). Corpora we expect nest one level (a .zip of
# .gz files); three leaves room for that and stops recursive "quines".
MAX_DEPTH = 3
# Members per archive: a generous bound on the member list we are willing to walk.
MAX_MEMBERS = 100_000
# Expansion ratio above which a member is treated as a bomb. News text and HTML compress about
# 3-12x with deflate; zip bombs (runs of one byte) 1000x and more. Only checked above
# RATIO_FLOOR_BYTES, since tiny members compress oddly.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1 << 20
# The whole archive may expand to at most this many times --max-mb (the cap for one file/member).
TOTAL_FACTOR = 8
CHUNK = 1 << 16

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
_COMPRESSED_SUFFIX = re.compile(r"\.(gz|tgz|bz2|tbz2?|xz|txz)$", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:")


class Bomb(Exception):
    """Expansion passed a limit."""


def _is_tar(data: bytes) -> bool:
    return len(data) >= 262 and data[257:262] == b"ustar"


def _compression(data: bytes) -> str | None:
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    if data.startswith(BZ2_MAGIC) and len(data) > 10 and data[3:4].isdigit():
        return "bzip2"
    if data.startswith(XZ_MAGIC):
        return "xz"
    return None


def accepts(unit: Unit) -> bool:
    """Zip, tar and compressed files, except a gzipped WARC (the WARC reader takes those)."""
    data = unit.data
    if data.startswith(ZIP_MAGIC) or _is_tar(data):
        return True
    kind = _compression(data)
    if kind is None:
        return False
    if kind == "gzip":
        from tidings.ingest.warc import is_warc

        return not is_warc(data)
    return True


def unsafe_name(name: str) -> str | None:
    """Why a member name would escape the folder it is extracted to, or None when it is safe."""
    normal = name.replace("\\", "/")
    if normal.startswith("/"):
        return "absolute path"
    if _DRIVE.match(normal):
        return "drive letter"
    if ".." in PurePosixPath(normal).parts:
        return "'..' leads outside the archive"
    if "\x00" in name:
        return "NUL byte in the name"
    return None


def _decompress(data: bytes, kind: str, limit: int) -> tuple[bytes, str | None]:
    """Bounded decompression: ``(bytes, None)``, or what was read plus why it stopped.

    Raises ``Bomb`` when the output would pass ``limit`` or the ratio limit.
    """
    out = io.BytesIO()
    rest = data
    while rest:
        engine: Any
        if kind == "gzip":
            engine = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif kind == "bzip2":
            engine = bz2.BZ2Decompressor()
        else:
            engine = lzma.LZMADecompressor()
        pending = rest
        try:
            while True:
                budget = limit - out.tell() + 1
                if kind == "gzip":
                    chunk = engine.decompress(pending, min(budget, CHUNK))
                    pending = engine.unconsumed_tail
                    done = engine.eof
                    leftover = engine.unused_data
                else:
                    chunk = engine.decompress(pending, max_length=min(budget, CHUNK))
                    pending = b""
                    done = engine.eof
                    leftover = engine.unused_data if done else b""
                out.write(chunk)
                _check(out.tell(), len(data), limit)
                if done:
                    break
                if not chunk and not pending and (kind == "gzip" or engine.needs_input):
                    return out.getvalue(), f"the {kind} stream ends early after {out.tell()} bytes"
        except (zlib.error, OSError, EOFError, lzma.LZMAError) as exc:
            return out.getvalue(), f"the {kind} stream is damaged after {out.tell()} bytes ({exc})"
        # Concatenated members (gzip allows several); trailing zero padding is common.
        rest = leftover if leftover.strip(b"\x00") else b""
    return out.getvalue(), None


def _check(size: int, compressed: int, limit: int) -> None:
    if size > limit:
        raise Bomb(f"it expands past {limit // 1048576} MB")
    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(compressed, 1):
        raise Bomb(f"it expands more than {MAX_RATIO} times its compressed size")


def _read_bounded(read: Callable[[int], bytes], compressed: int, limit: int) -> bytes:
    out = io.BytesIO()
    while True:
        chunk = read(CHUNK)
        if not chunk:
            return out.getvalue()
        out.write(chunk)
        _check(out.tell(), compressed, limit)


class _Budget:
    """The expansion budget shared by one top-level archive and everything nested in it."""

    def __init__(self, options: ReadOptions) -> None:
        self.member_limit = int(options.max_mb * 1048576)
        self.total_limit = self.member_limit * TOTAL_FACTOR
        self.used = 0

    def take(self, size: int) -> None:
        self.used += size
        if self.used > self.total_limit:
            raise Bomb(f"the archive expands past {self.total_limit // 1048576} MB in all")

    def member_cap(self) -> int:
        return min(self.member_limit, max(self.total_limit - self.used, 0))


def _child(unit: Unit, name: str) -> str:
    """The member name of ``name`` inside ``unit`` (nested names joined with ``!``)."""
    return f"{unit.member}!{name}" if unit.member else name


def _reject(unit: Unit, member_name: str | None, code: str, **values: object) -> Rejected:
    member = _child(unit, member_name) if member_name else unit.member
    return Rejected(source=unit.source, member=member, code=code, reason=reason(code, **values))


def expand(unit: Unit, options: ReadOptions) -> Iterator[Unit | Rejected]:
    """Members of an archive as units (recursively, bounded), and rejections for what is not."""
    produced = 0
    for item in _expand(unit, options, _Budget(options), depth=1):
        produced += 1
        yield item
    if not produced:  # only folders, or nothing at all: say so rather than vanish from the counts
        yield _reject(unit, None, "R110", detail="the archive holds no files")


def _expand(unit: Unit, options: ReadOptions, budget: _Budget, depth: int) -> Iterator[Unit | Rejected]:
    if depth > MAX_DEPTH:
        yield _reject(unit, None, "R157", detail=f"archives are nested more than {MAX_DEPTH} deep")
        return
    try:
        if unit.data.startswith(ZIP_MAGIC):
            members = _zip_members(unit, budget)
        elif _is_tar(unit.data):
            members = _tar_members(unit, unit.data, budget)
        else:
            members = _compressed_members(unit, budget)
        for item in members:
            if isinstance(item, Unit) and accepts(item):
                yield from _expand(item, options, budget, depth + 1)
            else:
                yield item
    except Bomb as exc:
        yield _reject(unit, None, "R157", detail=str(exc))
    except Exception as exc:  # noqa: BLE001 - a hostile archive must not stop the run
        yield _reject(unit, None, "R109", detail=f"archive expansion failed: {type(exc).__name__}: {exc}")


def _zip_members(unit: Unit, budget: _Budget) -> Iterator[Unit | Rejected]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(unit.data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield _reject(unit, None, "R153", detail=f"the zip archive cannot be opened: {exc}")
        return
    if len(infos) > MAX_MEMBERS:
        yield _reject(unit, None, "R157", detail=f"it holds {len(infos)} members (limit {MAX_MEMBERS})")
        return
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue  # folders hold nothing themselves; their files are members of their own
        why = unsafe_name(name)
        if why:
            yield _reject(unit, name, "R158", name=name, detail=why)
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            yield _reject(unit, name, "R110", detail="it is a symbolic link, and links are not followed")
            continue
        if info.flag_bits & 0x1:
            yield _reject(unit, name, "R110", detail="it is encrypted; decrypt the archive first")
            continue
        if _is_metadata(name):
            yield _reject(
                unit, name, "R110", detail="operating-system metadata (__MACOSX, .DS_Store), not an article"
            )
            continue
        cap = budget.member_cap()
        if info.file_size > cap:
            yield _reject(
                unit, name, "R157", detail=f"member {name!r} declares {info.file_size} bytes (cap {cap})"
            )
            continue
        try:
            with archive.open(info) as stream:
                data = _read_bounded(stream.read, info.compress_size, cap)
        except Bomb as exc:
            yield _reject(unit, name, "R157", detail=f"member {name!r}: {exc}")
            continue
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
            yield _reject(unit, name, "R153", detail=f"member {name!r} cannot be read: {exc}")
            continue
        budget.take(len(data))
        yield Unit(source=unit.source, data=data, member=_child(unit, name))


def _tar_members(unit: Unit, data: bytes, budget: _Budget) -> Iterator[Unit | Rejected]:
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except (tarfile.TarError, OSError, EOFError) as exc:
        yield _reject(unit, None, "R153", detail=f"the tar archive cannot be opened: {exc}")
        return
    count = 0
    while True:
        try:
            info = archive.next()
        except (tarfile.TarError, OSError, EOFError) as exc:
            yield _reject(
                unit, None, "R153", detail=f"the tar archive is damaged after {count} members: {exc}"
            )
            return
        if info is None:
            return
        count += 1
        if count > MAX_MEMBERS:
            yield _reject(unit, None, "R157", detail=f"it holds more than {MAX_MEMBERS} members")
            return
        name = info.name
        if info.isdir():
            continue
        why = unsafe_name(name)
        if why:
            yield _reject(unit, name, "R158", name=name, detail=why)
            continue
        if info.issym() or info.islnk():
            yield _reject(
                unit, name, "R110", detail=f"it is a link to {info.linkname!r}, and links are not followed"
            )
            continue
        if not info.isfile():
            yield _reject(unit, name, "R110", detail="it is a device, fifo or other special file")
            continue
        if _is_metadata(name):
            yield _reject(
                unit, name, "R110", detail="operating-system metadata (__MACOSX, .DS_Store), not an article"
            )
            continue
        cap = budget.member_cap()
        if info.size > cap:
            yield _reject(unit, name, "R157", detail=f"member {name!r} is {info.size} bytes (cap {cap})")
            continue
        try:
            stream = archive.extractfile(info)
            content = stream.read(info.size) if stream else b""
        except (tarfile.TarError, OSError, EOFError) as exc:
            yield _reject(unit, name, "R153", detail=f"member {name!r} cannot be read: {exc}")
            return
        if len(content) < info.size:
            yield _reject(
                unit,
                name,
                "R153",
                detail=f"member {name!r} is cut short ({len(content)} of {info.size} bytes)",
            )
            return
        budget.take(len(content))
        yield Unit(source=unit.source, data=content, member=_child(unit, name))


def _compressed_members(unit: Unit, budget: _Budget) -> Iterator[Unit | Rejected]:
    kind = _compression(unit.data) or "gzip"
    data, damage = _decompress(unit.data, kind, max(budget.total_limit - budget.used, 0))
    outer = PurePosixPath((unit.member or unit.source).rsplit("!", 1)[-1]).name
    inner = _COMPRESSED_SUFFIX.sub("", outer)
    if outer.lower().endswith((".tgz", ".tbz", ".tbz2", ".txz")):
        inner += ".tar"
    if _is_tar(data):
        yield from _tar_members(unit, data, budget)
        if damage:
            yield _reject(unit, None, "R153", detail=damage)
        return
    if damage:
        # A cut-off text would be ingested as a shorter article that looks complete: refuse it.
        yield _reject(unit, None, "R153", detail=f"{damage}, so none of it was read")
        return
    if len(data) > budget.member_limit:
        yield _reject(unit, None, "R157", detail=f"it expands past {budget.member_limit // 1048576} MB")
        return
    budget.take(len(data))
    yield Unit(source=unit.source, data=data, member=_child(unit, inner or "contents"))


def _is_metadata(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return "__MACOSX" in parts or (bool(parts) and parts[-1] in (".DS_Store", "Thumbs.db"))


EXPANDERS.append((accepts, expand))

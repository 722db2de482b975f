"""Archives: zip/tar/gz members become units; bombs, traversal names, links and nesting are bounded."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

from tidings.ingest import ReadOptions, Unit, iter_units, read_paths
from tidings.ingest.archives import MAX_DEPTH, expand, unsafe_name
from tidings.types import Article, Rejected

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PAGE = (FIXTURES / "page_article.html").read_bytes()
LEXIS = (FIXTURES / "lexis_uni.txt").read_bytes()


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_archives_zip_tar_gz_members_are_read(tmp_path: Path) -> None:
    (tmp_path / "bundle.zip").write_bytes(zip_bytes({"web/page.html": PAGE, "exports/uni.txt": LEXIS}))
    (tmp_path / "bundle.tar.gz").write_bytes(tar_bytes({"uni.txt": LEXIS}))
    (tmp_path / "bundle.tgz").write_bytes(tar_bytes({"page.html": PAGE}))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE))
    (tmp_path / "plain.tar").write_bytes(tar_bytes({"page.html": PAGE}, mode="w"))
    items = list(read_paths([tmp_path]))
    assert all(isinstance(i, Article) for i in items), [getattr(i, "reason", "") for i in items]
    members = [(Path(i.source).name, i.member) for i in items]
    assert members == [
        ("bundle.tar.gz", "uni.txt#document 1"),
        ("bundle.tar.gz", "uni.txt#document 2"),
        ("bundle.tgz", "page.html"),
        ("bundle.zip", "web/page.html"),
        ("bundle.zip", "exports/uni.txt#document 1"),
        ("bundle.zip", "exports/uni.txt#document 2"),
        ("page.html.gz", "page.html"),
        ("plain.tar", "page.html"),
    ]
    # The same article read from an archive has the same id as read from the file.
    direct = next(iter(read_paths([FIXTURES / "page_article.html"])))
    assert isinstance(direct, Article) and direct.id == items[2].id


def test_archives_nested_members_name_their_path() -> None:
    inner = tar_bytes({"deep/page.html": PAGE})
    outer = zip_bytes({"inner.tar.gz": inner})
    units = list(expand(Unit(source="outer.zip", data=outer), ReadOptions()))
    assert [u.member for u in units] == ["inner.tar.gz!deep/page.html"]
    assert isinstance(units[0], Unit) and units[0].data == PAGE


def test_archives_nesting_is_bounded() -> None:
    data = PAGE
    for level in range(MAX_DEPTH + 2):
        data = zip_bytes({f"level{level}.zip" if level else "page.html": data})
    items = list(expand(Unit(source="deep.zip", data=data), ReadOptions()))
    assert len(items) == 1 and isinstance(items[0], Rejected)
    assert items[0].code == "R157" and "nested more than" in items[0].reason


def test_archives_zip_bomb_is_rejected_quickly() -> None:
    bomb = zip_bytes({"zeros.txt": b"\0" * (80 << 20), "page.html": PAGE})
    assert len(bomb) < 200_000
    items = list(expand(Unit(source="bomb.zip", data=bomb), ReadOptions()))
    rejected = [i for i in items if isinstance(i, Rejected)]
    units = [i for i in items if isinstance(i, Unit)]
    assert [u.member for u in units] == ["page.html"]  # the good member still comes through
    assert len(rejected) == 1 and rejected[0].code == "R157" and rejected[0].member == "zeros.txt"


def test_archives_zip_bomb_by_ratio_under_the_size_cap() -> None:
    bomb = zip_bytes({"zeros.txt": b"\0" * (30 << 20)})  # below 64 MB, but 1000x compression
    [item] = list(expand(Unit(source="bomb.zip", data=bomb), ReadOptions()))
    assert isinstance(item, Rejected) and item.code == "R157" and "times its compressed size" in item.reason


def test_archives_gzip_bomb_is_rejected() -> None:
    bomb = gzip.compress(b"\0" * (40 << 20), compresslevel=9)
    [item] = list(expand(Unit(source="huge.txt.gz", data=bomb), ReadOptions()))
    assert isinstance(item, Rejected) and item.code == "R157"


def test_archives_total_expansion_is_bounded() -> None:
    text = bytes(range(32, 127)) * 11_000  # ~1 MB, compresses ~100x: under the ratio limit
    members = {f"part{i}.txt": text for i in range(12)}
    options = ReadOptions(max_mb=1.2)  # each member fits; the total cap is 8 x 1.2 MB
    items = list(expand(Unit(source="many.zip", data=zip_bytes(members)), options))
    units = [i for i in items if isinstance(i, Unit)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert 1 <= len(units) < 12
    assert len(rejected) >= 1 and all(r.code == "R157" for r in rejected)
    assert len(units) + len(rejected) <= 12


def test_archives_path_traversal_names_are_never_followed(tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    archive = zip_bytes({"../../escape.html": PAGE, "/etc/cron.d/evil.html": PAGE, "ok.html": PAGE})
    tarball = tar_bytes({"../up.html": PAGE, "C:/windows/evil.html": PAGE})
    (workdir / "a.zip").write_bytes(archive)
    (workdir / "b.tar.gz").write_bytes(tarball)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    items = list(read_paths([workdir]))
    after = sorted(p.name for p in tmp_path.rglob("*"))
    assert before == after  # nothing written anywhere
    unsafe = [i for i in items if isinstance(i, Rejected)]
    assert sorted(i.member for i in unsafe) == [
        "../../escape.html",
        "../up.html",
        "/etc/cron.d/evil.html",
        "C:/windows/evil.html",
    ]
    assert all(i.code == "R158" and "was not read" in i.reason for i in unsafe)
    assert [i.member for i in items if isinstance(i, Article)] == ["ok.html"]


def test_archives_links_and_devices_are_not_followed() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        link = tarfile.TarInfo("passwd.html")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
        hard = tarfile.TarInfo("hard.html")
        hard.type = tarfile.LNKTYPE
        hard.linkname = "passwd.html"
        archive.addfile(hard)
        fifo = tarfile.TarInfo("pipe")
        fifo.type = tarfile.FIFOTYPE
        archive.addfile(fifo)
    items = list(expand(Unit(source="links.tar", data=buffer.getvalue()), ReadOptions()))
    assert [(i.code, i.member) for i in items if isinstance(i, Rejected)] == [
        ("R110", "passwd.html"),
        ("R110", "hard.html"),
        ("R110", "pipe"),
    ]
    assert "not followed" in items[0].reason


def test_archives_truncated_archives_keep_what_was_readable() -> None:
    tarball = tar_bytes({"one.html": PAGE, "two.html": PAGE + b" " * 20000}, mode="w")
    cut = tarball[: len(tarball) // 2 + 2000]
    items = list(expand(Unit(source="cut.tar", data=cut), ReadOptions()))
    assert isinstance(items[0], Unit) and items[0].member == "one.html"
    assert isinstance(items[-1], Rejected) and items[-1].code == "R153"
    broken_zip = zip_bytes({"one.html": PAGE})[:-30]
    [item] = list(expand(Unit(source="cut.zip", data=broken_zip), ReadOptions()))
    assert isinstance(item, Rejected) and item.code == "R153"
    cut_gz = gzip.compress(LEXIS)[:-25]
    [item] = list(expand(Unit(source="cut.txt.gz", data=cut_gz), ReadOptions()))
    assert isinstance(item, Rejected) and item.code == "R153" and "none of it was read" in item.reason


def test_archives_macos_metadata_is_reported_not_read() -> None:
    archive = zip_bytes(
        {"__MACOSX/._page.html": b"\0\5\26\7", ".DS_Store": b"\0\0\0\1Bud1", "page.html": PAGE}
    )
    items = list(expand(Unit(source="mac.zip", data=archive), ReadOptions()))
    assert [type(i).__name__ for i in items] == ["Rejected", "Rejected", "Unit"]
    assert all(i.code == "R110" for i in items if isinstance(i, Rejected))


def test_archives_gzipped_warc_is_left_to_the_warc_reader(tmp_path: Path) -> None:
    from test_ingest_warc import make_warc

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(make_warc(gzip=True))
    [unit] = list(iter_units([path], ReadOptions()))
    assert isinstance(unit, Unit) and unit.member is None and unit.data.startswith(b"\x1f\x8b")


def test_archives_unsafe_name_rules() -> None:
    assert unsafe_name("a/b/c.html") is None
    assert unsafe_name("a/../../b") == "'..' leads outside the archive"
    assert unsafe_name("..\\..\\win.txt") == "'..' leads outside the archive"
    assert unsafe_name("/abs") == "absolute path"
    assert unsafe_name("D:\\x") == "drive letter"
    assert unsafe_name("dots..in..name.txt") is None


def test_archives_without_files_are_reported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("folder/", b"")
    [item] = list(expand(Unit(source="folders.zip", data=buffer.getvalue()), ReadOptions()))
    assert isinstance(item, Rejected) and item.code == "R110" and "no files" in item.reason

"""Hostile input through the format readers: every file ends as articles or rejections with reasons.

Empty, binary, truncated gzip/WARC, wrong and mixed encodings, BOMs, control characters, mixed
line endings, 50 MB inputs, malformed HTML; archives (bombs, traversal) are in test_ingest_archives.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from tidings.ingest import ReadOptions, Unit, pick_reader, read_paths, read_unit
from tidings.types import Article, Rejected

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
EXAMPLES = Path(__file__).parent.parent / "examples"


def outcomes(items: list[Article | Rejected]) -> list[tuple[str, str | None]]:
    return [("article", None) if isinstance(i, Article) else ("rejected", i.code) for i in items]


def test_hostile_folder_every_file_accounted_for(tmp_path: Path) -> None:
    from test_ingest_warc import make_warc

    corpus = tmp_path / "in"
    corpus.mkdir()
    files = {
        "empty.html": b"",
        "blank.rss": b"  \n\n\t ",
        "binary.warc.gz": b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8,
        "random.bin": bytes((i * 7919) % 256 for i in range(4096)),
        "cut.warc.gz": make_warc()[:1500],
        "cut.txt.gz": gzip.compress((FIXTURES / "lexis_uni.txt").read_bytes())[:-40],
        "page.html": (FIXTURES / "page_article.html").read_bytes(),
        "malformed.html": (FIXTURES / "page_malformed.html").read_bytes(),
        "tags-only.html": b"<html><body><div><div><span></span></div></div></body></html>",
        "lexis.txt": (FIXTURES / "lexis_uni.txt").read_bytes(),
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    items = list(read_paths([corpus]))
    by_file: dict[str, list[Article | Rejected]] = {}
    for item in items:
        by_file.setdefault(Path(item.source).name, []).append(item)
    assert sorted(by_file) == sorted(files)  # every input unit produced something
    assert outcomes(by_file["empty.html"]) == [("rejected", "R101")]
    assert outcomes(by_file["blank.rss"]) == [("rejected", "R101")]
    assert all(code in ("R102", "R108", "R153") for _, code in outcomes(by_file["binary.warc.gz"]))
    assert outcomes(by_file["random.bin"])[0][1] in ("R102", "R108")
    assert ("rejected", "R153") in outcomes(by_file["cut.warc.gz"])
    assert outcomes(by_file["cut.txt.gz"]) == [("rejected", "R153")]
    assert outcomes(by_file["page.html"]) == [("article", None)]
    assert outcomes(by_file["malformed.html"]) == [("article", None)]
    assert outcomes(by_file["tags-only.html"]) == [("rejected", "R104")]
    assert outcomes(by_file["lexis.txt"]) == [("article", None), ("article", None)]
    for item in items:
        if isinstance(item, Rejected):
            assert item.reason[0].isupper() and item.reason.endswith("."), item.reason
            assert "Traceback" not in item.reason


def test_hostile_boms_and_utf16_exports() -> None:
    text = (FIXTURES / "lexis_classic.txt").read_text(encoding="utf-8")
    plain = list(read_unit(Unit(source="a.txt", data=text.encode("utf-8")), ReadOptions()))
    for encoded in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16")):
        unit = Unit(source="bom.txt", data=encoded)
        reader = pick_reader(unit, ReadOptions())
        assert not isinstance(reader, Rejected) and reader.name == "lexis"
        items = list(read_unit(unit, ReadOptions()))
        assert [getattr(i, "text", None) for i in items] == [getattr(i, "text", None) for i in plain]
        assert not any(isinstance(i, Article) and "\ufeff" in (i.title or "") + i.text for i in items)


def test_hostile_control_characters_and_mixed_line_endings() -> None:
    text = (FIXTURES / "factiva_codes.txt").read_text(encoding="utf-8")
    clean = [
        i
        for i in read_unit(Unit(source="a.txt", data=text.encode()), ReadOptions())
        if isinstance(i, Article)
    ]
    lines = text.split("\n")
    endings = ["\r\n", "\n", "\r"]  # never "\r" then "\n": that pair is one CRLF
    mixed = "".join(line + endings[n % 3] for n, line in enumerate(lines))
    mixed = mixed.replace("HD  Lima", "\x0cHD  Lima").replace("began pulling", "began\x07 pulling")
    items = list(read_unit(Unit(source="mixed.txt", data=mixed.encode()), ReadOptions()))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.title for a in articles] == [a.title for a in clean]
    assert [a.text for a in articles] == [a.text for a in clean]
    assert all("\r" not in a.text and "\x0c" not in a.text and "\x07" not in a.text for a in articles)


def test_hostile_wrong_and_mixed_encodings() -> None:
    text = (FIXTURES / "factiva_plain.txt").read_text(encoding="utf-8")
    latin = list(read_unit(Unit(source="latin1.txt", data=text.encode("latin-1")), ReadOptions()))
    assert [type(i).__name__ for i in latin] == ["Article", "Article"]
    assert isinstance(latin[0], Article) and "Hafenbehörde" in latin[0].text
    # Mostly UTF-8 with one stray Windows-1252 byte: read (as one encoding), or rejected with a reason.
    mixed = text.encode("utf-8").replace(b"Wassyl", b"\x93Wassyl")
    items = list(read_unit(Unit(source="mixed.txt", data=mixed), ReadOptions()))
    assert items and all(isinstance(i, Article) or i.code == "R105" for i in items)
    assert sum(isinstance(i, Article) for i in items) in (0, 2)


def test_hostile_50_mb_html_page_is_rejected_fast(tmp_path: Path) -> None:
    paragraph = "<p>" + "The delegations met again on Tuesday and agreed to meet next week. " * 12 + "</p>\n"
    path = tmp_path / "huge.html"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<!DOCTYPE html><html><head><title>Huge</title></head><body><article>")
        for _ in range(50 * 1024 * 1024 // len(paragraph) + 1):
            fh.write(paragraph)
        fh.write("</article></body></html>")
    [item] = list(read_paths([path]))
    assert isinstance(item, Rejected) and item.code == "R160" and "50.0 MB" in item.reason


def test_hostile_50_mb_factiva_export_reads_every_document(tmp_path: Path) -> None:
    body = "Delegates said the main dispute remained the size of the fund and who should pay. " * 5
    path = tmp_path / "big-export.txt"
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < 50 * 1024 * 1024:
            count += 1
            fh.write(f"HD  Climate finance talks, report {count}\nPD  13 March 2024\nSN  The Harbour Times\n")
            fh.write(f"LA  English\nLP  {body}\n\nTD  {body}\n\n{body}\n\n{body}\n")
            fh.write(f"AN  Document HRBTMS0020240313{count:09d}\n\n")
    items = list(read_paths([path]))
    assert len(items) == count
    assert all(isinstance(i, Article) for i in items)
    assert items[-1].title == f"Climate finance talks, report {count}"
    assert len({i.id for i in items}) == count


def test_hostile_press_examples_are_not_claimed_by_format_readers() -> None:
    press = sorted(EXAMPLES.glob("*.txt"))
    assert press, "examples/ holds the press-export sample corpus"
    for path in press:
        reader = pick_reader(Unit(source=str(path), data=path.read_bytes()), ReadOptions())
        assert not isinstance(reader, Rejected) and reader.name == "press", path.name


def test_hostile_mutated_fixtures_never_crash_a_reader() -> None:
    """Random truncations, byte flips, cuts and insertions (fixed seed): specific reasons, no R109."""
    import random

    from test_ingest_warc import make_warc
    from tidings.ingest.archives import expand

    seeds = {p.name: p.read_bytes() for p in sorted(FIXTURES.glob("*")) if p.is_file()}
    seeds["crawl.warc"] = make_warc(gzip=False)
    seeds["crawl.warc.gz"] = make_warc(gzip=True)
    seeds["export.txt.gz"] = gzip.compress(seeds["factiva_codes.txt"])
    rng = random.Random(20240307)
    for name, data in seeds.items():
        for _ in range(8):
            mutated = bytearray(data)
            cut = rng.randrange(len(mutated))
            operation = rng.randrange(4)
            if operation == 0:
                mutated = mutated[:cut]
            elif operation == 1:
                for _ in range(rng.randrange(1, 20)):
                    mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            elif operation == 2:
                mutated = mutated[:cut] + mutated[cut + rng.randrange(1, 200) :]
            else:
                mutated = mutated[:cut] + bytes(rng.randrange(256) for _ in range(40)) + mutated[cut:]
            unit = Unit(source=name, data=bytes(mutated))
            outputs: list[Article | Rejected] = []
            for part in expand(unit, ReadOptions()) if name.endswith(".gz") else [unit]:
                outputs.extend([part] if isinstance(part, Rejected) else read_unit(part, ReadOptions()))
            assert outputs, name
            assert not [o for o in outputs if isinstance(o, Rejected) and o.code == "R109"], name

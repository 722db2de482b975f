"""The JSONL reader: fields, external ids, dates, bad lines that do not lose good ones."""

from __future__ import annotations

import json

from tidings.ingest import ReadOptions, Unit, read_unit
from tidings.types import Article, Rejected


def read(lines: list[str], name: str = "feed.jsonl", **opts: object) -> list[Article | Rejected]:
    unit = Unit(source=name, data="\n".join(lines).encode("utf-8"))
    return list(read_unit(unit, ReadOptions(**opts)))  # type: ignore[arg-type]


def test_jsonl_fields_map_to_article() -> None:
    record = {
        "id": "wire-001",
        "title": "Ceasefire talks resume",
        "published": "2024-03-07T10:15:00Z",
        "publication": "The Harbour Times",
        "url": "https://example.org/a",
        "language": "en",
        "byline": "By Agence France-Presse",
        "text": "Envoys met in Doha on Thursday.",
        "unknown_field": 3,
    }
    (a,) = read([json.dumps(record)])
    assert isinstance(a, Article)
    assert a.external_id == "wire-001"
    assert a.published == "2024-03-07" and a.date_source == "file"
    assert a.url == "https://example.org/a"
    assert a.agency == "AFP"
    assert a.format == "jsonl"
    assert a.member == "line 1"


def test_jsonl_bad_lines_are_rejected_with_line_numbers_and_good_lines_kept() -> None:
    items = read(
        [
            json.dumps({"text": "First story."}),
            "{not json",
            json.dumps({"title": "no text"}),
            "",
            json.dumps({"text": "Second story.", "published": "not a date"}),
        ],
        date="2024-01-02",
    )
    kinds = [(type(i).__name__, getattr(i, "code", None), getattr(i, "line", None)) for i in items]
    assert kinds == [
        ("Article", None, None),
        ("Rejected", "R106", 2),
        ("Rejected", "R107", 3),
        ("Article", None, None),
    ]
    assert items[3].published == "2024-01-02" and items[3].date_source == "option"
    assert "Line 2 is not valid JSON" in items[1].reason


def test_jsonl_sniffed_without_extension() -> None:
    (a,) = read([json.dumps({"text": "A story."})], name="dump.txt")
    assert isinstance(a, Article) and a.format == "jsonl"


def test_forced_format_overrides_sniffing() -> None:
    lines = ["The Meridian Herald", "", "Envoys met in Doha on Thursday, officials said."]
    (sniffed,) = read(lines, name="story.txt")
    assert isinstance(sniffed, Article) and sniffed.format == "press"
    forced = read(lines, name="story.txt", format="jsonl")
    assert [(type(i).__name__, getattr(i, "code", None)) for i in forced] == [("Rejected", "R106")] * 2

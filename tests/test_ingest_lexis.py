"""LexisNexis reader: classic 'N of M DOCUMENTS' and Nexis Uni 'End of Document' exports."""

from __future__ import annotations

from pathlib import Path

from tidings.ingest import ReadOptions, Unit, pick_reader, read_paths
from tidings.types import Article, Rejected

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read(name: str) -> list[Article | Rejected]:
    return list(read_paths([FIXTURES / name]))


def test_lexis_classic_layout() -> None:
    items = read("lexis_classic.txt")
    assert [type(i).__name__ for i in items] == ["Article", "Rejected", "Article"]
    first = items[0]
    assert isinstance(first, Article)
    assert first.format == "lexis"
    assert first.title == "Navy ships shadow survey vessel near disputed reef"
    assert first.publication == "The Harbour Times (Wellington)"  # a city, not a country
    assert first.country is None
    assert first.published == "2024-03-11"  # the date line, never LOAD-DATE
    assert first.edition == "Final Edition"
    assert first.byline == "Tomas Whitaker in Manila"
    assert first.dateline == "MANILA"
    assert first.language == "en"
    assert first.member == "document 1"
    # Wrapped lines joined with a space, paragraphs with a blank line; labels never in the text.
    assert first.text.startswith(
        "Two coast guard ships followed a foreign survey vessel for most of Sunday as it sailed"
    )
    assert first.text.count("\n\n") == 2
    assert "LOAD-DATE" not in first.text and "Copyright" not in first.text and "LENGTH" not in first.text


def test_lexis_document_without_body_is_rejected_alone() -> None:
    items = read("lexis_classic.txt")
    bad = items[1]
    assert isinstance(bad, Rejected) and bad.code == "R104" and "'Correction'" in bad.reason
    assert bad.member == "document 2"
    third = items[2]
    assert isinstance(third, Article) and third.agency == "Reuters"
    assert "GRAPHIC" not in third.text and "Security Council chamber" not in third.text


def test_lexis_nexis_uni_layout() -> None:
    items = read("lexis_uni.txt")
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)
    first, second = items
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.title == "Drought pushes grain prices to two-year high in East Africa"
    assert first.publication == "Lakeside Daily Courier" and first.country == "CAN"
    assert first.published == "2024-03-14"
    assert first.byline == "Amani Wekesa" and first.dateline == "NAIROBI"
    assert first.text.count("\n\n") == 2
    assert "Classification" not in first.text and "DROUGHT (92%)" not in first.text
    assert second.edition == "Global Edition"
    assert second.byline == "Lena Marchetti and Karim Haddad"
    assert second.text.endswith("Prosecutors said they would appeal the ruling.")


def test_lexis_sniffed_by_content() -> None:
    for name in ("lexis_classic.txt", "lexis_uni.txt"):
        unit = Unit(source="export.txt", data=(FIXTURES / name).read_bytes())
        reader = pick_reader(unit, ReadOptions())
        assert not isinstance(reader, Rejected) and reader.name == "lexis", name

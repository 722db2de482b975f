"""Factiva reader: field-code text, article-only text and HTML exports; one bad document only."""

from __future__ import annotations

from pathlib import Path

from tidings.ingest import ReadOptions, Unit, pick_reader, read_paths, read_unit
from tidings.types import Article, Rejected

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read(name: str) -> list[Article | Rejected]:
    return list(read_paths([FIXTURES / name]))


def test_factiva_field_codes_map_to_article_fields() -> None:
    items = read("factiva_codes.txt")
    assert [type(i).__name__ for i in items] == ["Article", "Rejected", "Article"]
    first = items[0]
    assert isinstance(first, Article)
    assert first.format == "factiva"
    assert first.title == "Kyrgyz and Tajik troops pull back from disputed border"
    assert first.byline == "Aidana Sultanova"
    assert first.published == "2024-03-07" and first.date_source == "file"
    assert first.publication == "The Meridian Herald"
    assert first.edition == "Late"
    assert first.language == "en"
    assert first.external_id == "MERHER0020240307ek3700012"
    assert first.member == "document 1"
    assert first.dateline == "BISHKEK"  # from the lead paragraph
    # LP then TD, paragraphs kept, indexing fields (CO, NS, RE) never in the text.
    assert first.text.startswith("BISHKEK - Kyrgyzstan and Tajikistan began pulling troops back")
    assert "The withdrawal is the first step" in first.text
    assert first.text.count("\n\n") == 5
    assert "Ministry of Defence of Kyrgyzstan" not in first.text and "gdip" not in first.text


def test_factiva_bad_document_is_rejected_and_others_kept() -> None:
    items = read("factiva_codes.txt")
    bad = items[1]
    assert isinstance(bad, Rejected) and bad.code == "R104"
    assert "Aid agencies warn of fuel shortage" in bad.reason and "LKSDCR0020240308ek380004k" in bad.reason
    assert bad.member == "document 2" and bad.line == 33
    third = items[2]
    assert isinstance(third, Article)
    assert third.published == "2024-03-09"  # "March 9, 2024"
    assert third.agency == "AFP"
    assert not third.text.endswith("Results Found   3")  # the search summary is not text


def test_factiva_article_only_layout() -> None:
    items = read("factiva_plain.txt")
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)
    german, english = items
    assert isinstance(german, Article) and isinstance(english, Article)
    assert german.title == "Port authority reopens grain terminal after drone strike"
    assert german.byline == "Oleksandr Hrytsenko"
    assert german.publication == "Der Tagesbote"
    assert german.language == "de"
    assert german.published == "2024-03-12"
    assert german.external_id == "TGBOTE0020240312ek3c0003b"
    assert german.text.startswith("Der Hafen von Ismajil") and "Document" not in german.text
    assert english.agency == "Reuters" and english.publication == "The Harbour Times"


def test_factiva_html_export() -> None:
    items = read("factiva_export.html")
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)
    first = items[0]
    assert isinstance(first, Article)
    assert first.format == "factiva"
    assert first.title == "Ceasefire monitors report quiet night along the line of contact"
    assert first.byline == "Lena Marchetti"
    assert first.edition == "Global"
    assert first.text.count("\n\n") == 2
    assert first.text.startswith("International monitors said on Thursday")


def test_factiva_sniffed_by_content_and_beats_html() -> None:
    for name in ("factiva_codes.txt", "factiva_plain.txt", "factiva_export.html"):
        unit = Unit(source="export.dat", data=(FIXTURES / name).read_bytes())
        reader = pick_reader(unit, ReadOptions())
        assert not isinstance(reader, Rejected) and reader.name == "factiva", name


def test_factiva_windows_1252_with_crlf() -> None:
    text = (FIXTURES / "factiva_codes.txt").read_text(encoding="utf-8").replace("Lima", "Límá")
    unit = Unit(source="cp1252.txt", data=text.replace("\n", "\r\n").encode("cp1252"))
    items = list(read_unit(unit, ReadOptions()))
    assert [type(i).__name__ for i in items] == ["Article", "Rejected", "Article"]
    third = items[2]
    assert isinstance(third, Article) and "Límá" in third.text and "\r" not in third.text


def test_factiva_date_from_option_when_pd_missing() -> None:
    data = (
        b"HD  Headline\nSN  Paper\nLA  English\nLP  "
        + b"Body text of the story. " * 10
        + b"\nAN  Document ABCDEF0020240307ek3700012\n"
    )
    [article] = list(
        read_unit(Unit(source="x.txt", data=data), ReadOptions(date="2024-02-01", format="factiva"))
    )
    assert isinstance(article, Article)
    assert article.published == "2024-02-01" and article.date_source == "option"

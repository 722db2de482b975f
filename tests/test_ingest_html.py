"""HTML reader: trafilatura main text and metadata, byline cleaning, broken and empty pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.ingest import ReadOptions, Unit, pick_reader, read_paths, read_unit
from tidings.ingest.html import clean_byline
from tidings.types import Article, Rejected

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read_one(name: str) -> Article | Rejected:
    items = list(read_paths([FIXTURES / name]))
    assert len(items) == 1
    return items[0]


def test_html_article_page_gives_text_and_metadata() -> None:
    article = read_one("page_article.html")
    assert isinstance(article, Article)
    assert article.format == "html"
    assert article.title == "Ministers agree to reopen Black Sea grain corridor"
    assert article.byline == "Jane Doe"
    assert article.published == "2024-03-07" and article.date_source == "file"
    assert article.publication == "The Harbour Times"
    assert article.language == "en"
    assert article.dateline == "ISTANBUL"
    assert article.url == "https://harbourtimes.example/world/2024/03/07/grain-corridor"
    assert article.text.startswith("ISTANBUL – Foreign ministers")
    assert "Most read" not in article.text and "Subscribe" not in article.text
    assert "Updated 5:00" not in article.text  # the byline paragraph is metadata
    assert "\n\n" in article.text and article.text.count("\n\n") == 3


def test_html_byline_junk_is_removed() -> None:
    article = read_one("page_junk_byline.html")
    assert isinstance(article, Article)
    assert article.byline == "Karim Haddad"
    assert article.published == "2024-03-15"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("By Jane Doe | 4 Minute Read", "Jane Doe"),
        ("By JOHN ROE, Updated 5:00 EDT", "JOHN ROE"),
        ("Jane Doe and John Roe • March 7, 2024 10:31 a.m. ET", "Jane Doe and John Roe"),
        ("Published 2024-03-07T10:00Z", None),
        ("By Reuters", "Reuters"),
        ("  ", None),
    ],
)
def test_html_clean_byline(raw: str, clean: str | None) -> None:
    assert clean_byline(raw) == clean


def test_html_malformed_page_still_gives_its_text() -> None:
    article = read_one("page_malformed.html")
    assert isinstance(article, Article)
    assert article.title == "Storm closes ports along the Adriatic coast"
    assert article.text.startswith("Ports along the Adriatic coast were closed on Monday")
    assert "<p>" not in article.text and "<b>" not in article.text


def test_html_navigation_page_is_rejected_with_reason() -> None:
    rejected = read_one("page_nav_only.html")
    assert isinstance(rejected, Rejected)
    assert rejected.code == "R104"
    assert "navigation, paywall or error page" in rejected.reason


def test_html_sniffed_by_content_without_extension() -> None:
    data = (FIXTURES / "page_article.html").read_bytes()
    reader = pick_reader(Unit(source="download-1234", data=data), ReadOptions())
    assert not isinstance(reader, Rejected) and reader.name == "html"


def test_html_latin1_page_and_date_option() -> None:
    body = (
        "<p>" + "Le ministre a déclaré que les négociations reprendraient à Genève la semaine prochaine. " * 4
    )
    head = '<html lang="fr"><head><title>Négociations à Genève</title></head>'
    page = f"{head}<body><article>{body}</p></article>"
    unit = Unit(source="page.html", data=page.encode("latin-1"))
    [article] = list(read_unit(unit, ReadOptions(date="2024-03-20")))
    assert isinstance(article, Article)
    assert "négociations reprendraient à Genève" in article.text
    assert article.title == "Négociations à Genève"
    assert article.language == "fr"
    assert article.published == "2024-03-20" and article.date_source == "option"

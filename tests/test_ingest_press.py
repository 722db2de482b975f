"""The press-export reader: layout variants, metadata, paragraph rejoining, dates, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.ingest import ReadOptions, Unit, read_paths, read_unit
from tidings.ingest.press import (
    LANGUAGE_NAMES,
    country_code,
    find_agency,
    join_paragraphs,
    language_code,
    parse_date_line,
)
from tidings.types import Article, Rejected

BASIC = """The Meridian Herald - Global Edition (USA)

Ankara rules out military cooperation for now

- By REUTERS

ANKARA (Reuters) - Turkey will not cooperate militarily with Greece, Defence Minister Kemal Aydın said.

“We will not be sharing intelligence with them for now,” he told reporters, adding that the talks had been

postponed until after Monday’s resignation of the envoy.

Talks stall

The president said restoring contacts was in both nations’ interests.

Newspapers in English

Newspapers from United States
"""


def read_text(text: str, name: str = "story.txt", **opts: object) -> list[Article | Rejected]:
    unit = Unit(source=name, data=text.encode("utf-8"))
    return list(read_unit(unit, ReadOptions(**opts)))  # type: ignore[arg-type]


def only_article(text: str, name: str = "story.txt", **opts: object) -> Article:
    items = read_text(text, name, **opts)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def test_press_reader_splits_metadata_from_body() -> None:
    a = only_article(BASIC)
    assert a.format == "press"
    assert a.publication == "The Meridian Herald"
    assert a.edition == "Global Edition (USA)"
    assert a.title == "Ankara rules out military cooperation for now"
    assert a.byline == "REUTERS"
    assert a.agency == "Reuters"
    assert a.dateline == "ANKARA"
    assert a.language == "en"
    assert a.country == "USA"
    assert a.text.startswith("ANKARA (Reuters) - Turkey")
    for boilerplate in ("Newspapers", "Meridian Herald", "- By", "Ankara rules out"):
        assert boilerplate not in a.text


def test_press_reader_rejoins_layout_breaks_but_not_real_paragraphs() -> None:
    a = only_article(BASIC)
    paragraphs = a.text.split("\n\n")
    assert paragraphs[1].endswith(
        "the talks had been postponed until after Monday’s resignation of the envoy."
    )
    # A sub-heading without closing punctuation followed by a capitalised paragraph stays apart.
    assert paragraphs[2] == "Talks stall"
    assert len(paragraphs) == 4


def test_join_paragraphs_rules() -> None:
    assert join_paragraphs(["He met the", "Foreign Minister on Friday."]) == [
        "He met the Foreign Minister on Friday."
    ]
    assert join_paragraphs(["Talks ended.", "then they left."]) == ["Talks ended.", "then they left."]
    assert join_paragraphs(["“We will go,” she said.", "Officials agreed."]) == [
        "“We will go,” she said.",
        "Officials agreed.",
    ]
    assert join_paragraphs(["The ministers, meeting in Geneva,", "Agreed to talk."]) == [
        "The ministers, meeting in Geneva, Agreed to talk."
    ]


def test_press_reader_keeps_quotes_and_nbsp_byte_for_byte() -> None:
    body = "“Not now,” said Ms\u00a0Ruiz. 'Maybe later,' he said — «d’accord»."
    a = only_article(f"Paper X\n\nHeadline here\n\n- By JANE DOE\n\n{body}\n")
    assert a.text == body


def test_press_reader_normalises_line_endings_consistently() -> None:
    a = only_article(BASIC.replace("\n", "\r\n"))
    b = only_article(BASIC)
    assert a.text == b.text
    assert a.id == b.id


@pytest.mark.parametrize(
    ("byline", "agency", "dateline"),
    [
        ("- By REUTERS", "Reuters", None),
        ("- By reuters", "Reuters", None),
        ("- By ap", "AP", None),
        ("- By Agence France-Presse", "AFP", None),
        ("- By JANE DOE in Brussels", None, "Brussels"),
        ("- By JANE DOE and JOHN ROE", None, None),
        ("- By JANE DOE, Associated Press", "AP", None),
        ("- By Xinhua", "Xinhua", None),
        ("By KYODO NEWS", "Kyodo", None),
    ],
)
def test_press_reader_bylines(byline: str, agency: str | None, dateline: str | None) -> None:
    a = only_article(
        f"The Harbour Times - Asia Edition (Singapore)\n\nTalks resume\n\n{byline}\n\nDiplomats met.\n"
    )
    assert a.byline == byline.split("By ", 1)[1]
    assert a.agency == agency
    assert a.dateline == dateline
    assert a.country == "SGP"


def test_press_reader_dateline_agency_in_body() -> None:
    a = only_article("Lakeside Daily Courier (Canada)\n\nHeadline\n\nNAIROBI, March 6 (AFP) - Talks began.\n")
    assert a.publication == "Lakeside Daily Courier"
    assert a.country == "CAN"
    assert a.agency == "AFP"
    assert a.dateline == "NAIROBI"


def test_publication_date_priority_file_then_option_then_filename() -> None:
    with_line = BASIC.replace("\n\nAnkara rules", "\n\nFriday, March 8, 2024\n\nAnkara rules", 1)
    a = only_article(with_line, name="2024-01-01_x.txt", date="2023-05-05")
    assert (a.published, a.date_source) == ("2024-03-08", "file")
    b = only_article(BASIC, name="2024-01-01_x.txt", date="2023-05-05")
    assert (b.published, b.date_source) == ("2023-05-05", "option")
    c = only_article(BASIC, name="herald_20240102.txt")
    assert (c.published, c.date_source) == ("2024-01-02", "filename")
    d = only_article(BASIC, name="story.txt")
    assert (d.published, d.date_source) == (None, None)


def test_parse_date_line_formats() -> None:
    assert parse_date_line("Thursday, March 7, 2024") == "2024-03-07"
    assert parse_date_line("7 March 2024") == "2024-03-07"
    assert parse_date_line("Sept. 30, 2023") == "2023-09-30"
    assert parse_date_line("2024-02-29") == "2024-02-29"
    assert parse_date_line("February 30, 2024") is None
    assert parse_date_line("Talks resume in March") is None


def test_many_documents_in_one_file() -> None:
    second = BASIC.replace("The Meridian Herald", "The Harbour Times").replace("United States", "Singapore")
    items = read_text(BASIC + "\n" + second)
    assert [type(i).__name__ for i in items] == ["Article", "Article"]
    assert items[0].publication == "The Meridian Herald" and items[1].publication == "The Harbour Times"
    assert items[1].country == "SGP"
    assert items[0].id != items[1].id
    assert items[1].member and "document 2" in items[1].member


def test_masthead_only_file_is_rejected_with_reason() -> None:
    (item,) = read_text("The Meridian Herald - Global Edition (USA)\n\nNewspapers in English\n")
    assert isinstance(item, Rejected)
    assert item.code == "R104"
    assert "masthead" in item.reason


def test_empty_and_binary_files_are_rejected() -> None:
    (empty,) = list(read_unit(Unit(source="e.txt", data=b"  \n"), ReadOptions()))
    assert isinstance(empty, Rejected) and empty.code == "R101"
    (binary,) = list(read_unit(Unit(source="b.txt", data=b"\x89PNG\r\n\x1a\n\x00\x00"), ReadOptions()))
    assert isinstance(binary, Rejected) and binary.code == "R102" and "PNG" in binary.reason
    (nul,) = list(read_unit(Unit(source="n.txt", data=b"abc\x00\x01\x02" * 100), ReadOptions()))
    assert isinstance(nul, Rejected) and nul.code == "R102"


def test_non_utf8_text_is_detected() -> None:
    text = BASIC.replace("Aydın", "Aydin").replace("“", '"').replace("”", '"').replace("’", "'")
    text = text.replace("Turkey will", "Turkey’s café policy will")
    unit = Unit(source="x.txt", data=text.encode("cp1252"))
    (a,) = list(read_unit(unit, ReadOptions()))
    assert isinstance(a, Article)
    assert "Turkey’s café policy" in a.text


def test_utf16_with_bom() -> None:
    unit = Unit(source="x.txt", data=BASIC.encode("utf-16"))
    (a,) = list(read_unit(unit, ReadOptions()))
    assert isinstance(a, Article) and a.publication == "The Meridian Herald"


def test_country_and_language_names() -> None:
    assert country_code("United Kingdom") == "GBR"
    assert country_code("Russia") == "RUS"
    assert country_code("South Korea") == "KOR"
    assert country_code("Narnia") is None
    assert find_agency("JANE DOE and JOHN ROE") is None
    assert language_code("English") == "en"
    assert language_code(" FRENCH ") == "fr"
    assert language_code("Tagalog") == "tl"  # not in the shortcut table: pycountry answers
    assert language_code("Klingonese") is None


def test_language_shortcuts_agree_with_pycountry() -> None:
    """The shortcut table must give what the pycountry lookup it short-cuts gives."""
    import pycountry

    for name, code in LANGUAGE_NAMES.items():
        language = pycountry.languages.lookup(name)
        assert (getattr(language, "alpha_2", None) or language.alpha_3) == code, name


def test_oversized_file_is_rejected_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    good = tmp_path / "good.txt"
    good.write_text(BASIC, encoding="utf-8")
    items = list(read_paths([tmp_path], ReadOptions(max_mb=1)))
    codes = sorted(getattr(i, "code", "article") for i in items)
    assert codes == ["R103", "article"]

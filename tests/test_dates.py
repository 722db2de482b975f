"""tidings.extract.dates: relative date expressions resolved against the publication date."""

from __future__ import annotations

import pytest

from tidings.extract.dates import HISTORICAL_DAYS, UNKNOWN, resolve_date, resolve_expression
from tidings.types import Span

THURSDAY = "2024-03-07"  # a Thursday in a leap year


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [
        ("Monday", "2024-03-04"),
        ("Tuesday", "2024-03-05"),
        ("Wednesday", "2024-03-06"),
        ("Thursday", "2024-03-07"),  # same day as publication: the publication day itself
        ("Friday", "2024-03-01"),
        ("Saturday", "2024-03-02"),
        ("Sunday", "2024-03-03"),
    ],
)
def test_dates_each_weekday_past_tense(weekday: str, expected: str) -> None:
    ref = resolve_expression(f"Police said on {weekday} that two men were arrested.", THURSDAY)
    assert (ref.date, ref.precision, ref.historical) == (expected, "day", False)


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [
        ("Monday", "2024-03-11"),
        ("Tuesday", "2024-03-12"),
        ("Wednesday", "2024-03-13"),
        ("Thursday", "2024-03-07"),
        ("Friday", "2024-03-08"),
        ("Saturday", "2024-03-09"),
        ("Sunday", "2024-03-10"),
    ],
)
def test_dates_each_weekday_future_tense(weekday: str, expected: str) -> None:
    assert resolve_expression(f"The envoys will meet on {weekday}.", THURSDAY).date == expected


def test_dates_weekday_across_month_end_lands_on_leap_day() -> None:
    # Published Friday 1 March 2024: Thursday was 29 February.
    assert resolve_expression("on Thursday", "2024-03-01").date == "2024-02-29"
    assert resolve_expression("on Saturday", "2024-03-01").date == "2024-02-24"


def test_dates_weekday_across_year_end() -> None:
    # Published Thursday 2 January 2025.
    assert resolve_expression("on Tuesday", "2025-01-02").date == "2024-12-31"
    assert resolve_expression("on Sunday", "2025-01-02").date == "2024-12-29"
    assert resolve_expression("yesterday", "2025-01-01").date == "2024-12-31"
    assert resolve_expression("next Monday", "2024-12-30").date == "2025-01-06"


def test_dates_possessive_weekday() -> None:
    ref = resolve_expression("Monday's resignation of the finance minister", THURSDAY)
    assert ref.date == "2024-03-04" and ref.span == Span(0, 8)


def test_dates_next_and_last_weekday_are_strict() -> None:
    assert resolve_expression("next Tuesday", THURSDAY).date == "2024-03-12"
    assert resolve_expression("next Thursday", THURSDAY).date == "2024-03-14"
    assert resolve_expression("last Thursday", THURSDAY).date == "2024-02-29"
    assert resolve_expression("last Tuesday", THURSDAY).date == "2024-03-05"


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("yesterday", "2024-03-06", "day"),
        ("today", "2024-03-07", "day"),
        ("tomorrow", "2024-03-08", "day"),
        ("last night", "2024-03-06", "day"),
        ("three days ago", "2024-03-04", "day"),
        ("last month", "2024-02", "month"),
        ("earlier this month", "2024-03", "month"),
        ("next month", "2024-04", "month"),
        ("last year", "2023", "year"),
        ("earlier this year", "2024", "year"),
        ("in 2014", "2014", "year"),
        ("in March", "2024-03", "month"),
        ("in May 2021", "2021-05", "month"),
        ("March 3", "2024-03-03", "day"),
        ("March 3, 2022", "2022-03-03", "day"),
        ("3 March 2022", "2022-03-03", "day"),
        ("2022-03-03", "2022-03-03", "day"),
        ("Sept. 14", "2023-09-14", "day"),
    ],
)
def test_dates_expressions(text: str, date: str, precision: str) -> None:
    ref = resolve_expression(text, THURSDAY)
    assert (ref.date, ref.precision) == (date, precision)


def test_dates_month_name_is_most_recent_not_after_publication() -> None:
    assert resolve_expression("in March", "2024-02-10").date == "2023-03"
    assert resolve_expression("in March", "2024-03-20").date == "2024-03"
    assert resolve_expression("The vote will be held in March.", "2024-04-02").date == "2025-03"


def test_dates_last_week_within_one_month_is_that_month() -> None:
    # Published Wednesday 20 March 2024: last week ran 11-17 March.
    assert resolve_expression("last week", "2024-03-20").date == "2024-03"
    # Published Thursday 7 March: last week ran 26 Feb - 3 March, so only the year is known.
    assert resolve_expression("last week", THURSDAY).date == "2024"
    # Published 8 January 2025: last week ran 30 Dec - 5 Jan; nothing is known.
    ref = resolve_expression("last week", "2025-01-08")
    assert ref.date is None and ref.span == Span(0, 9)


def test_dates_past_week_is_the_days_up_to_publication() -> None:
    assert resolve_expression("over the past week", "2024-03-20").date == "2024-03"
    assert resolve_expression("over the past week", "2024-04-03").date == "2024"  # 27 March - 3 April
    assert resolve_expression("in the past month", "2024-03-31").date == "2024-03"
    assert resolve_expression("in the past year", "2024-03-31").date is None  # spans two years


def test_dates_leap_day() -> None:
    assert resolve_expression("on February 29", "2025-03-01").date == "2024-02-29"
    assert resolve_expression("Feb. 29", "2024-03-07").date == "2024-02-29"
    assert resolve_expression("February 29, 2023", THURSDAY).date is None  # no such day


def test_dates_historical_flag_by_threshold() -> None:
    assert HISTORICAL_DAYS == 90
    assert not resolve_expression("last month", THURSDAY).historical
    assert resolve_expression("in April", THURSDAY).historical  # April 2023
    assert resolve_expression("in 2014", THURSDAY).historical
    assert not resolve_expression("in 2024", THURSDAY).historical


def test_dates_historical_pattern_names_a_past_happening() -> None:
    ref = resolve_expression("They recalled the 2003 invasion of Iraq.", THURSDAY)
    assert (ref.date, ref.precision, ref.historical) == ("2003", "year", True)
    assert ref.span == Span(18, 22) and ref.text == "2003"
    assert resolve_expression("Russia's 2014 annexation of Crimea", THURSDAY).historical


def test_dates_unknown_stays_unknown() -> None:
    assert resolve_expression("The talks collapsed.", THURSDAY) == UNKNOWN
    ref = resolve_expression("on Thursday", None)
    assert ref.date is None and ref.precision is None and ref.span == Span(3, 11)
    absolute = resolve_expression("on March 3, 2022", None)
    assert absolute.date == "2022-03-03" and not absolute.historical


def test_dates_modal_verb_may_is_not_a_month() -> None:
    assert resolve_expression("The ministers may meet again.", THURSDAY) == UNKNOWN


@pytest.fixture(scope="module")
def parse(nlp):
    return nlp


def test_dates_resolve_date_offsets_into_article_text(parse) -> None:
    doc = parse("The ministers met in Geneva. They signed the accord on Tuesday.")
    second = list(doc.sents)[1]
    ref = resolve_date(doc, second, THURSDAY)
    assert ref.date == "2024-03-05"
    assert ref.span is not None and doc.text[ref.span.start : ref.span.end] == "Tuesday"


def test_dates_resolve_date_future_from_parse(parse) -> None:
    doc = parse("The two leaders will meet on Friday in Vienna.")
    assert resolve_date(doc, next(iter(doc.sents)), THURSDAY).date == "2024-03-08"
    doc = parse("The foreign minister plans to visit Nairobi on Monday.")
    assert resolve_date(doc, next(iter(doc.sents)), THURSDAY).date == "2024-03-11"


def test_dates_resolve_date_reported_future_with_would(parse) -> None:
    doc = parse("Officials said the minister would travel to Wellington on Thursday.")
    assert resolve_date(doc, next(iter(doc.sents)), "2024-04-10").date == "2024-04-11"
    doc = parse("The ministry said on Monday that it would review the decision.")
    assert resolve_date(doc, next(iter(doc.sents)), "2024-04-10").date == "2024-04-08"


def test_dates_resolve_date_anchor_picks_nearest_expression(parse) -> None:
    text = "The ministry said on Monday that the delegations will hold talks on Saturday."
    doc = parse(text)
    sent = next(iter(doc.sents))
    assert resolve_date(doc, sent, THURSDAY).date == "2024-03-04"
    talks = text.index("talks")
    assert resolve_date(doc, sent, THURSDAY, anchor=talks).date == "2024-03-09"


def test_dates_resolve_date_prefers_event_date_over_historical_modifier(parse) -> None:
    doc = parse("Since the 2003 invasion, protesters gathered in Baghdad on Sunday.")
    ref = resolve_date(doc, next(iter(doc.sents)), THURSDAY)
    assert ref.date == "2024-03-03" and not ref.historical


def test_dates_resolve_date_without_expression(parse) -> None:
    doc = parse("The talks collapsed without agreement.")
    assert resolve_date(doc, next(iter(doc.sents)), THURSDAY) == UNKNOWN


def test_date_prefilter_never_hides_an_expression() -> None:
    """``_find`` skips texts without a digit, month or time word; on every sentence of the sample
    corpus and on one sentence per rule it finds exactly what the full search finds."""
    import re
    from pathlib import Path

    from tidings.extract import dates

    examples = Path(__file__).resolve().parent.parent / "examples"
    sentences = [
        s
        for path in sorted(examples.glob("*.txt"))
        for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8"))
    ]
    sentences += [
        "They met on 2024-03-07.",
        "It happened last night.",
        "The talks resume this Evening.",
        "Talks ended two weeks ago.",
        "Voting is due later this YEAR.",
        "Ministers meet on Tuesday's summit.",
        "It opened in early Sept. 4, 2023.",
        "The vote is tomorrow.",
    ]
    found_any = 0
    for sentence in sentences:
        gated = [(f.start, f.end, f.rule) for f in dates._find.__wrapped__(sentence)]
        full = [(f.start, f.end, f.rule) for f in dates._find_all(sentence)]
        assert gated == full, sentence
        found_any += bool(full)
    assert found_any >= 8
    assert dates._find.__wrapped__("The minister said the plan was dead.") == ()

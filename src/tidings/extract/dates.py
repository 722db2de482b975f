"""When an event happened: date expressions in a sentence, resolved against the publication date.

This module owns the date rules of tidings (docs/events.md, "Dates"). It recognises absolute
dates ("March 3, 2022", "3 March 2022", "2022-03-03", "in 2014", "March 2022"), month and
weekday names ("in March", "on Thursday", "Monday's resignation", "next Tuesday"), deictic words
("yesterday", "today", "tonight", "last night") and relative periods ("last week", "earlier this
month", "last year", "two days ago"), and resolves each to a ``DateRef``:

* ``date`` is ISO 8601 at the precision the text supports: ``YYYY-MM-DD`` (day), ``YYYY-MM``
  (month) or ``YYYY`` (year). Nothing finer than the text says is ever invented: "last week" is a
  month (or a year) when the whole week lies inside one, and unknown when it straddles a new year.
* A relative expression with no publication date resolves to ``None``; an absolute one still
  resolves.
* Weekdays in past-tense reporting ("on Thursday", "Monday's") are the most recent such day on or
  before the publication date — the publication day itself when the names match, because wire copy
  filed on a Thursday says "on Thursday" for that day. In future-tense clauses ("will meet on
  Thursday") they are the next such day on or after it. "last Tuesday" is strictly before,
  "next Tuesday" strictly after the publication day.
* "over the past week/month" is the stretch of days ending at publication; "last week" the
  previous calendar week (Monday to Sunday).
* ``would`` counts as future: it is the future of reported speech ("officials said she would
  travel on Thursday").
* Month names without a year ("in March", "March 3") are the most recent such month/day not after
  publication, or the next one not before it in future-tense clauses.
* ``historical`` is set when the whole resolved period ends more than ``HISTORICAL_DAYS`` before
  publication, or when a year modifies a noun as a name for a past happening ("the 2003 invasion
  of Iraq", "2014's annexation") and lies before the publication year.

Pure functions of their arguments: no I/O, no clock (``today`` is the publication date, never the
machine's date).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from tidings.types import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

Precision = Literal["day", "month", "year"]

# A happening whose resolved period ended more than this many days before the article was
# published is background, not news. News follow-ups of an event run for weeks ("last month",
# "earlier this year" in the hand-checked sample articles under tests/); a quarter separates those
# from anniversaries and recaps ("in March" read in December, "the 2014 annexation").
HISTORICAL_DAYS = 90

# Years accepted as years. Earlier four-digit numbers are counts ("1500 troops"), later ones typos.
MIN_YEAR, MAX_YEAR = 1800, 2099

# "The past week/month/year" is the stretch of days that ends at publication.
ROLLING_DAYS = {"week": 7, "month": 30, "year": 365}

# How far back to look for a February 29 when the text gives no year (two leap cycles).
LEAP_SEARCH_YEARS = 8


@dataclass(frozen=True, slots=True)
class DateRef:
    """A resolved date: ISO string at ``precision``, the historical flag, and the evidence span.

    ``span`` holds character offsets into the text that was searched (the article text for
    ``resolve_date``, the given string for ``resolve_expression``); ``None`` when nothing was found.
    """

    date: str | None
    precision: Precision | None
    historical: bool
    span: Span | None
    text: str = ""
    rule: str = ""


UNKNOWN = DateRef(date=None, precision=None, historical=False, span=None)

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: i
    for i, name in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": None, "few": None,
}  # fmt: skip

_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_ABBR_MONTH = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_ANY_MONTH = rf"(?:{_FULL_MONTH}|{_ABBR_MONTH})"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89][0-9]{2}|20[0-9]{2})"
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]{1,3})"
_YEAR_PREPS = r"(?:in|since|until|till|by|during|of|from|before|after|early|late|mid-|through|throughout)"

# (rule id, compiled pattern). Order breaks ties between matches that start at the same offset
# and have the same length; otherwise the longest match at the leftmost position wins.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12][0-9]|3[01])\b")),
    (
        "month-day-year",
        re.compile(rf"\b(?:{_WEEKDAY},?\s+)?(?P<month>{_ANY_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})\b"),
    ),
    (
        "day-month-year",
        re.compile(
            rf"\b(?:{_WEEKDAY},?\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<month>{_ANY_MONTH}),?\s+(?P<y>{_YEAR})\b"
        ),
    ),
    (
        "month-day",
        re.compile(rf"\b(?:{_WEEKDAY},?\s+)?(?P<month>{_ANY_MONTH})\s+(?P<d>{_DAY})\b(?![,.]?\s*[0-9])"),
    ),
    ("day-month", re.compile(rf"\b(?:{_WEEKDAY},?\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<month>{_FULL_MONTH})\b")),
    ("month-year", re.compile(rf"\b(?P<month>{_FULL_MONTH}),?\s+(?P<y>{_YEAR})\b")),
    (
        "relative-month",
        re.compile(rf"\b(?P<rel>last|next|this|coming|past)\s+(?P<month>{_FULL_MONTH})\b(?!\s+[0-9])"),
    ),
    (
        "month",
        re.compile(
            rf"\b(?:in|since|until|till|by|during|through|from|before|after|early|late|mid-?|"
            rf"earlier|later|end\s+of|beginning\s+of|start\s+of)\s+(?:(?:early|late|mid-?)\s*)?"
            rf"(?P<month>{_FULL_MONTH})\b(?!\s+[0-9])"
        ),
    ),
    ("relative-weekday", re.compile(rf"\b(?P<rel>last|next|this|coming|past)\s+(?P<wd>{_WEEKDAY})\b")),
    ("weekday", re.compile(rf"\b(?P<wd>{_WEEKDAY})(?:'s|’s)?\b")),
    (
        "deictic",
        re.compile(
            r"\b(?P<deixis>yesterday|today|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relative-period",
        re.compile(
            r"\b(?P<rel>last|next|this|past|coming|earlier\s+this|later\s+this|early\s+this|late\s+this|"
            r"earlier\s+in\s+the|later\s+in\s+the)\s+(?P<unit>week|month|year)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "ago",
        re.compile(
            rf"\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+(?:ago|earlier|before)\b", re.IGNORECASE
        ),
    ),
    (
        "year-attributive",
        re.compile(rf"\b(?:the|a|an|its|their|his|her|[A-Z][\w.-]*(?:'s|’s))\s+(?P<y>{_YEAR})\s+(?=[a-z])"),
    ),
    ("year-possessive", re.compile(rf"\b(?P<y>{_YEAR})(?:'s|’s)\s+(?=[a-z])")),
    ("year", re.compile(rf"\b{_YEAR_PREPS}\s*(?P<y>{_YEAR})\b(?!\s*[-–]\s*[0-9])")),
]

# Words that put a clause in the future when the text has no parse (resolve_expression).
_FUTURE_CUES = re.compile(
    r"\b(?:will|would|shall|won't|'ll|is\s+to|are\s+to|(?:is|are|was|were)\s+(?:due|set|scheduled|expected|going)\s+to|"
    r"plans?\s+to|planned\s+to|intends?\s+to|upcoming|scheduled\s+for)\b",
    re.IGNORECASE,
)
# Lemmas that make the clause they govern a plan for the future ("plans to meet on Thursday").
FUTURE_GOVERNORS = frozenset({"plan", "intend", "schedule", "expect", "due", "set", "go", "prepare", "aim"})
# "would" is the future of reported speech in news ("officials said she would travel on Thursday").
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "would", "'d"})


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _fmt(d: date, precision: Precision) -> str:
    if precision == "day":
        return d.isoformat()
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def period_end(value: str, precision: Precision) -> date:
    """The last day of the period an ISO string at ``precision`` names."""
    if precision == "day":
        return date.fromisoformat(value)
    if precision == "month":
        y, m = int(value[:4]), int(value[5:7])
        return date(y, m, calendar.monthrange(y, m)[1])
    return date(int(value[:4]), 12, 31)


def period_start(value: str, precision: Precision) -> date:
    """The first day of the period an ISO string at ``precision`` names."""
    if precision == "day":
        return date.fromisoformat(value)
    if precision == "month":
        return date(int(value[:4]), int(value[5:7]), 1)
    return date(int(value[:4]), 1, 1)


def is_historical(value: str | None, precision: Precision | None, published: str | None) -> bool:
    """Whether the period ends more than ``HISTORICAL_DAYS`` before publication."""
    pub = _parse_iso(published)
    if value is None or precision is None or pub is None:
        return False
    return period_end(value, precision) < pub - timedelta(days=HISTORICAL_DAYS)


def _month_number(name: str) -> int:
    return MONTHS[name.rstrip(".")]


def _day_number(text: str) -> int:
    return int(re.match(r"[0-9]+", text).group(0))  # type: ignore[union-attr]


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _span_of_days(first: date, last: date) -> tuple[str, Precision] | None:
    """The finest period (month, year) that holds every day from ``first`` to ``last``."""
    if (first.year, first.month) == (last.year, last.month):
        return _fmt(first, "month"), "month"
    if first.year == last.year:
        return _fmt(first, "year"), "year"
    return None


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _resolve_match(
    rule: str, m: re.Match[str], pub: date | None, future: bool
) -> tuple[str, Precision] | None:
    """The (ISO value, precision) a matched expression names, or None when it cannot be known."""
    g = m.groupdict()
    if rule == "iso":
        d = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return (_fmt(d, "day"), "day") if d else None
    if rule in ("month-day-year", "day-month-year"):
        d = _safe_date(int(g["y"]), _month_number(g["month"]), _day_number(g["d"]))
        return (_fmt(d, "day"), "day") if d else None
    if rule == "month-year":
        return f"{int(g['y']):04d}-{_month_number(g['month']):02d}", "month"
    if rule in ("year", "year-attributive", "year-possessive"):
        return g["y"], "year"
    if pub is None:
        return None  # everything below is relative to the publication date
    if rule in ("month-day", "day-month"):
        month, day = _month_number(g["month"]), _day_number(g["d"])
        step = 1 if future else -1
        year = pub.year
        for _ in range(LEAP_SEARCH_YEARS + 1):
            d = _safe_date(year, month, day)
            if d is not None and ((d >= pub) if future else (d <= pub)):
                return _fmt(d, "day"), "day"
            year += step
        return None
    if rule == "month":
        month = _month_number(g["month"])
        if future:
            year = pub.year if month >= pub.month else pub.year + 1
        else:
            year = pub.year if month <= pub.month else pub.year - 1
        return f"{year:04d}-{month:02d}", "month"
    if rule == "relative-month":
        month, rel = _month_number(g["month"]), g["rel"].lower()
        if rel == "this":
            year = pub.year
        elif rel in ("next", "coming"):
            year = pub.year if month > pub.month else pub.year + 1
        else:  # last, past: the most recent such month before the current one
            year = pub.year if month < pub.month else pub.year - 1
        return f"{year:04d}-{month:02d}", "month"
    if rule in ("weekday", "relative-weekday"):
        target = WEEKDAYS[g["wd"]]
        rel = (g.get("rel") or "").lower()
        back = (pub.weekday() - target) % 7
        ahead = (target - pub.weekday()) % 7
        if rel in ("last", "past"):
            d = pub - timedelta(days=back or 7)
        elif rel in ("next", "coming"):
            d = pub + timedelta(days=ahead or 7)
        elif future:
            d = pub + timedelta(days=ahead)
        else:
            d = pub - timedelta(days=back)
        return _fmt(d, "day"), "day"
    if rule == "deictic":
        word = " ".join(g["deixis"].lower().split())
        offset = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
        return _fmt(pub + timedelta(days=offset), "day"), "day"
    if rule == "relative-period":
        rel, unit = " ".join(g["rel"].lower().split()), g["unit"].lower()
        if rel == "past":  # "over the past week": the days up to publication, not the calendar unit
            return _span_of_days(pub - timedelta(days=ROLLING_DAYS[unit]), pub)
        shift = -1 if rel == "last" else 1 if rel in ("next", "coming") else 0
        if unit == "year":
            return f"{pub.year + shift:04d}", "year"
        if unit == "month":
            return _fmt(_add_months(pub, shift), "month"), "month"
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=shift)
        if shift == 0:
            first, last = (
                (monday, pub) if rel.startswith(("earlier", "early")) else (monday, monday + timedelta(6))
            )
            if rel.startswith(("later", "late")):
                first = pub
        else:
            first, last = monday, monday + timedelta(days=6)
        return _span_of_days(first, last)
    if rule == "ago":
        n = NUMBER_WORDS.get(g["n"].lower(), None) if not g["n"].isdigit() else int(g["n"])
        if n is None:
            return None
        unit = g["unit"].lower()
        if unit == "day":
            return _fmt(pub - timedelta(days=n), "day"), "day"
        if unit == "week":
            centre = pub - timedelta(weeks=n)
            return _span_of_days(centre - timedelta(days=3), centre + timedelta(days=3))
        if unit == "month":
            return _fmt(_add_months(pub, -n), "month"), "month"
        return f"{pub.year - n:04d}", "year"
    return None  # pragma: no cover - every rule is handled above


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    rule: str
    match: re.Match[str]


# Every pattern above needs one of these: a digit, a month (full or abbreviated: "Sept" and "June"
# start like "Sep" and "Jun"), or a time word (weekdays, "today" and "yesterday" end in "day").
# A text with none of them holds no date expression, and most sentences are skipped with one scan.
_DIGIT = re.compile(r"[0-9]")
_MONTH_PREFIX = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_TIME_WORDS = ("day", "night", "morning", "afternoon", "evening", "week", "month", "year", "tomorrow")
_NEEDS_ANY_CASE = re.compile("|".join(_TIME_WORDS), re.IGNORECASE)


def _has_any_case(text: str, lowered: str | None, words: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` (the ``words``, case-insensitive) occurs in ``text``. ``lowered`` is the
    text lower-cased when it is ASCII, where a substring test says the same as the pattern, faster."""
    if lowered is not None:
        return any(word in lowered for word in words)
    return pattern.search(text) is not None


@functools.lru_cache(maxsize=512)
def _find(text: str) -> tuple[_Found, ...]:
    """Non-overlapping date expressions, leftmost-longest, in text order.

    Cached by text: the coder asks once per event, and a sentence often holds several events."""
    lowered = text.lower() if text.isascii() else None
    if not (
        _DIGIT.search(text)
        or _MONTH_PREFIX.search(text)
        or _has_any_case(text, lowered, _TIME_WORDS, _NEEDS_ANY_CASE)
    ):
        return ()
    return _find_all(text, lowered)


# Words each pattern cannot match without, with the pattern's own case rules: a pattern is only
# run over a text that has all of its words (a scan for a word is much cheaper than the pattern).
_WORDS = {
    "year": re.compile(_YEAR),
    "digit": _DIGIT,
    "month": _MONTH_PREFIX,
    "full-month": re.compile(_FULL_MONTH),
    "weekday": re.compile(_WEEKDAY),
    "relative": re.compile(r"last|next|this|coming|past"),
}
_ANY_CASE_WORDS = {
    "deixis": ("yesterday", "today", "tomorrow", "tonight", "night", "morning", "afternoon", "evening"),
    "unit": ("day", "week", "month", "year"),
    "period": ("week", "month", "year"),
    "ago": ("ago", "earlier", "before"),
}
_ANY_CASE_PATTERNS = {name: re.compile("|".join(ws), re.IGNORECASE) for name, ws in _ANY_CASE_WORDS.items()}
_NEEDED_WORDS: dict[str, tuple[str, ...]] = {
    "iso": ("year",),
    "month-day-year": ("month", "year"),
    "day-month-year": ("month", "year"),
    "month-day": ("month", "digit"),
    "day-month": ("full-month", "digit"),
    "month-year": ("full-month", "year"),
    "relative-month": ("full-month", "relative"),
    "month": ("full-month",),
    "relative-weekday": ("weekday", "relative"),
    "weekday": ("weekday",),
    "deictic": ("deixis",),
    "relative-period": ("period",),
    "ago": ("ago", "unit"),
    "year-attributive": ("year",),
    "year-possessive": ("year",),
    "year": ("year",),
}
_RULE_ORDER = {rule: i for i, (rule, _p) in enumerate(_PATTERNS)}


def _find_all(text: str, lowered: str | None = None) -> tuple[_Found, ...]:
    """Every date expression, leftmost-longest; ``lowered`` is the text lower-cased if ASCII."""
    found: list[_Found] = []
    present: dict[str, bool] = {}
    for rule, pattern in _PATTERNS:
        needed = True
        for word in _NEEDED_WORDS[rule]:
            has = present.get(word)
            if has is None:
                if word in _WORDS:
                    has = _WORDS[word].search(text) is not None
                else:
                    has = _has_any_case(text, lowered, _ANY_CASE_WORDS[word], _ANY_CASE_PATTERNS[word])
                present[word] = has
            if not has:
                needed = False
                break
        if not needed:
            continue
        for m in pattern.finditer(text):
            found.append(_Found(m.start(), m.end(), rule, m))
    order = _RULE_ORDER
    found.sort(key=lambda f: (f.start, -(f.end - f.start), order[f.rule]))
    chosen: list[_Found] = []
    for f in found:
        if chosen and f.start < chosen[-1].end:
            continue
        if any(f.start < c.end and c.start < f.end for c in chosen):
            continue
        chosen.append(f)
    return tuple(chosen)


def _dateref(found: _Found, text: str, published: str | None, future: bool, offset: int = 0) -> DateRef:
    pub = _parse_iso(published)
    resolved = _resolve_match(found.rule, found.match, pub, future)
    start, end = found.start, found.end
    if found.rule in ("year-attributive", "year-possessive"):
        start, end = found.match.span("y")  # the year itself, not "the " before it
    span = Span(start + offset, end + offset)
    if resolved is None:
        return DateRef(None, None, False, span, text[start:end], found.rule)
    value, precision = resolved
    historical = is_historical(value, precision, published)
    if found.rule in ("year-attributive", "year-possessive") and pub is not None and int(value) < pub.year:
        historical = True
    return DateRef(value, precision, historical, span, text[start:end], found.rule)


def iter_expressions(text: str, published: str | None, future: bool | None = None) -> Iterator[DateRef]:
    """Every date expression in ``text``, resolved, in text order (spans relative to ``text``)."""
    is_future = bool(_FUTURE_CUES.search(text)) if future is None else future
    for found in _find(text):
        yield _dateref(found, text, published, is_future)


def resolve_expression(text: str, published: str | None, future: bool | None = None) -> DateRef:
    """Resolve the first date expression in ``text`` against the ISO publication date.

    ``future`` says whether the clause is about the future ("will meet on Thursday"); when None it
    is guessed from future cues in the text ("will", "plans to", "is due to"). Returns ``UNKNOWN``
    (date None) when the text names no date or the date cannot be known.
    """
    for ref in iter_expressions(text, published, future):
        return ref
    return UNKNOWN


def _governing_verb(token: Token) -> Token:
    node = token
    for _ in range(12):
        if node.pos_ in ("VERB", "AUX") or node.head is node:
            return node
        node = node.head
    return node


def is_future_clause(token: Token) -> bool:
    """Whether the clause that ``token`` belongs to talks about the future.

    True for a verb with a ``will``/``shall`` auxiliary, or one that is the infinitive complement
    of a planning verb ("plans to visit", "is due to sign", "is set to meet").
    """
    verb = _governing_verb(token)
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in verb.children):
            return True
        if verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            governor = verb.head
            if governor is not verb and governor.lemma_.lower() in FUTURE_GOVERNORS:
                return True
            verb = governor
            continue
        break
    return False


def _distance(found: _Found, offset: int) -> int:
    if found.start <= offset < found.end:
        return 0
    return min(abs(found.start - offset), abs(found.end - offset))


def resolve_date(
    doc: Doc,
    sentence_span: SpacySpan,
    published: str | None,
    anchor: int | None = None,
) -> DateRef:
    """The date a sentence gives for its event, resolved against the publication date.

    ``sentence_span`` is the sentence (a spaCy Span of ``doc``); ``anchor`` optionally gives the
    character offset of the event's trigger word, and the date expression nearest to it is taken.
    Without an anchor the first expression wins, except that a year naming a past happening ("the
    2003 invasion") gives way to any other date in the sentence. Spans are character offsets into
    ``doc.text`` (the article text). Returns ``UNKNOWN`` when the sentence names no date.
    """
    start = sentence_span.start_char
    # The same characters as ``doc.text[start:end_char]``, without rebuilding the whole text.
    text = sentence_span.text
    found = _find(text)
    if not found:
        return UNKNOWN
    if anchor is not None:
        rel = anchor - start
        chosen = min(found, key=lambda f: (_distance(f, rel), f.start))
    else:
        plain = [f for f in found if f.rule not in ("year-attributive", "year-possessive")]
        chosen = (plain or found)[0]
    token = doc.char_span(start + chosen.start, start + chosen.end, alignment_mode="expand")
    future = (
        is_future_clause(token.root) if token is not None and len(token) else bool(_FUTURE_CUES.search(text))
    )
    return _dateref(chosen, text, published, future, offset=start)

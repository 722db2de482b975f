"""Reader for press-database text exports (the layout most of our users have).

Layout, one article after another in a file::

    The Meridian Herald - Global Edition (USA)        masthead: publication - edition
                                                      (optional) a date line: Thursday, March 7, 2024
    Talks stall over ceasefire terms                  headline
    - By REUTERS                                      byline (agency, or names, "in PLACE")
    BRUSSELS (Reuters) - Body paragraph one ...       body paragraphs, blank-line separated;
    ...                                               a paragraph broken by page layout is rejoined
    Newspapers in English                             category lines -> language, country
    Newspapers from United States

What tidings does with it (documented normalisation; offsets point into ``Article.text``):

* body paragraphs are joined with one blank line (``\\n\\n``); the lines of one paragraph are
  joined with a single space; characters are otherwise kept as they are (quotes, NBSP);
* a paragraph that ends without closing punctuation and is followed by one starting in lower
  case (or that ends on a function word or comma) is rejoined with a single space;
* the masthead, date line, headline, byline and category lines are metadata, never body text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path

from tidings.errors import reason
from tidings.ingest import Reader, ReadOptions, Unit, publication_date, register
from tidings.ingest.text import binary_reason, decode
from tidings.types import Article, Rejected

DATA = Path(__file__).resolve().parent.parent / "data"

CATEGORY_LINE = re.compile(r"^\s*Newspapers\s+(in|from)\s+(.+?)\s*$", re.IGNORECASE)
# Other trailer lines press databases add to every article (not body text).
TRAILER_LINES = re.compile(
    r"^\s*(Printed and distributed by PressReader|PressReader\.com.*|COPYRIGHT AND PROTECTED BY "
    r"APPLICABLE LAW|Copyright \(c\).*|©.*)\s*$",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^\s*[-–—]?\s*By\s+(?P<who>.+?)\s*$", re.IGNORECASE)
MASTHEAD = re.compile(r"^(?P<pub>.+?)\s+[-–—]\s+(?P<edition>.+)$")
MASTHEAD_COUNTRY = re.compile(r"\((?P<country>[^()]+)\)\s*$")
# Datelines opening the first paragraph: "BRUSSELS (Reuters) -", "NAIROBI, March 6 (AFP) -",
# "MOSCOW, March 7 -", "KYIV —".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z .]{1,30}?)?)"
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<agency>[^()]{2,40})\))?\s*[-–—]{1,2}\s"
)
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
DATE_LINES = (
    # Thursday, March 7, 2024 / March 7, 2024
    re.compile(WEEKDAY + r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$", re.I),
    # Thursday 7 March 2024 / 7 March 2024
    re.compile(WEEKDAY + r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})$", re.I),
    # 2024-03-07
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$"),
)
# A paragraph ending with one of these is complete; anything else may have been cut by layout.
CLOSING = tuple(".!?:;\"'”’»)…]")
# Words a complete paragraph never ends on; a block ending on one continues in the next block.
FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for with from and or but that which who whose as than "
    "into onto over under about after before between its his her their our your this these those".split()
)


@lru_cache(maxsize=1)
def agency_aliases() -> dict[str, str]:
    """Lower-cased alias -> canonical agency name, from data/agencies.tsv."""
    out: dict[str, str] = {}
    for line in (DATA / "agencies.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, _, aliases = line.partition("\t")
        for alias in aliases.split("|"):
            out[alias.strip().lower()] = canonical.strip()
    return out


def find_agency(text: str | None) -> str | None:
    """The wire agency a byline or dateline names, if any.

    Short aliases ("AP", "PA") count only when they are a whole name in the byline; longer names
    ("Associated Press", "Agence France-Presse") are found anywhere in it.
    """
    if not text:
        return None
    aliases = agency_aliases()
    names = [n.strip(" .,;") for n in re.split(r",|\band\b|&|/", text)]
    for name in names:
        hit = aliases.get(name.lower())
        if hit:
            return hit
    lowered = text.lower()
    for alias, pattern, canonical in _long_agency_patterns():
        if alias in lowered and pattern.search(lowered):
            return canonical
    return None


@lru_cache(maxsize=1)
def _long_agency_patterns() -> list[tuple[str, re.Pattern[str], str]]:
    """(alias, whole-word pattern, canonical name) of the aliases of 5+ characters, longest first."""
    return [
        (alias, re.compile(r"(?<!\w)" + re.escape(alias) + r"(?!\w)"), canonical)
        for alias, canonical in sorted(agency_aliases().items(), key=lambda kv: -len(kv[0]))
        if len(alias) >= 5
    ]


def dateline_of(text: str, byline: str | None) -> tuple[str | None, str | None]:
    """``(dateline, agency)`` of an article body and byline, the same way for every format.

    The agency comes from the byline, else from a dateline opening the text ("LIMA, March 9
    (AFP) - ..."); the dateline is that opening place, else "in PLACE" at the end of the byline.
    """
    agency = find_agency(byline)
    dateline = None
    m = DATELINE.match(text)
    if m:
        dateline = m["place"].strip().rstrip(",")
        if m["agency"] and not agency:
            agency = find_agency(m["agency"])
    elif byline and " in " in byline:
        dateline = byline.rsplit(" in ", 1)[1].strip()
    return dateline, agency


def parse_date_line(line: str) -> str | None:
    line = line.strip()
    for pattern in DATE_LINES:
        m = pattern.match(line)
        if not m:
            continue
        month_raw = m["month"]
        month = int(month_raw) if month_raw.isdigit() else MONTHS.get(month_raw.lower().rstrip("."))
        if not month:
            continue
        try:
            return date(int(m["year"]), month, int(m["day"])).isoformat()
        except ValueError:
            return None
    return None


# The languages press databases name most often, with the code pycountry gives them (a test keeps
# the two in step): reading them needs no pycountry, whose language table (~8,000 entries) takes
# ~0.1 s to load, paid at the start of every ingest while the parse workers wait.
LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "portuguese": "pt",
    "italian": "it",
    "dutch": "nl",
    "russian": "ru",
    "ukrainian": "uk",
    "polish": "pl",
    "turkish": "tr",
    "arabic": "ar",
    "persian": "fa",
    "hebrew": "he",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "hindi": "hi",
    "indonesian": "id",
    "swedish": "sv",
    "norwegian": "no",
    "danish": "da",
    "finnish": "fi",
}


@lru_cache(maxsize=256)
def language_code(name: str) -> str | None:
    """ISO 639-1 code (ISO 639-3 where a language has none) for a language name or code."""
    known = LANGUAGE_NAMES.get(name.strip().lower())
    if known:
        return known
    import pycountry

    try:
        lang = pycountry.languages.lookup(name.strip())
    except LookupError:
        return None
    return getattr(lang, "alpha_2", None) or getattr(lang, "alpha_3", None)


# Names press databases use that pycountry spells differently.
COUNTRY_NAMES = {
    "usa": "USA",
    "us": "USA",
    "united states": "USA",
    "uk": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "russia": "RUS",
    "south korea": "KOR",
    "north korea": "PRK",
    "iran": "IRN",
    "syria": "SYR",
    "vietnam": "VNM",
    "taiwan": "TWN",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "laos": "LAO",
    "czech republic": "CZE",
    "turkey": "TUR",
    "hong kong": "HKG",
    "macau": "MAC",
    "palestine": "PSE",
    "uae": "ARE",
}


@lru_cache(maxsize=512)
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code for a country name as press databases write it."""
    key = name.strip().strip(".").lower()
    if key.startswith("the "):
        key = key[4:]
    if key in COUNTRY_NAMES:
        return COUNTRY_NAMES[key]
    import pycountry

    try:
        return str(pycountry.countries.lookup(key).alpha_3)
    except LookupError:
        pass
    try:
        hits = pycountry.countries.search_fuzzy(key)
    except LookupError:
        return None
    return str(hits[0].alpha_3) if len(hits) == 1 else None


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks as (first line number, lines), line numbers 1-based."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for i, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = i
            current.append(line.strip(" \t"))
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _is_trailer(block: list[str]) -> bool:
    return all(CATEGORY_LINE.match(line) or TRAILER_LINES.match(line) for line in block)


def split_documents(text: str) -> list[tuple[int, list[tuple[int, list[str]]]]]:
    """Split a file into documents: a run of category/trailer blocks ends a document."""
    blocks = _blocks(text.split("\n"))
    docs: list[tuple[int, list[tuple[int, list[str]]]]] = []
    current: list[tuple[int, list[str]]] = []
    in_trailer = False
    for block in blocks:
        trailer = _is_trailer(block[1])
        if in_trailer and not trailer:
            docs.append((current[0][0], current))
            current = []
        current.append(block)
        in_trailer = trailer
    if current:
        docs.append((current[0][0], current))
    return docs


def _continues(previous: str, following: str) -> bool:
    """Whether ``following`` continues a paragraph that page layout broke after ``previous``."""
    tail = previous.rstrip()
    if not tail or tail.endswith(CLOSING):
        return False
    first = following.lstrip()[:1]
    if first.islower():
        return True
    last_word = re.sub(r"\W+$", "", tail.rsplit(None, 1)[-1]).lower()
    return tail.endswith(",") or tail.endswith(("-", "–", "—")) or last_word in FUNCTION_WORDS


# A body of one line with fewer words than this and no closing punctuation is a heading, not news.
HEADING_MAX_WORDS = 15


def _looks_like_a_heading(paragraph: str) -> bool:
    return len(paragraph.split()) < HEADING_MAX_WORDS and not paragraph.rstrip().endswith(tuple(".!?\"'”’…"))


def join_paragraphs(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for para in paragraphs:
        if out and _continues(out[-1], para):
            out[-1] = out[-1].rstrip() + " " + para.lstrip()
        else:
            out.append(para)
    return out


def parse_document(
    blocks: list[tuple[int, list[str]]], unit: Unit, options: ReadOptions, member: str | None
) -> Article | Rejected:
    """One document's blocks to an Article (or a Rejected saying what was missing)."""
    blocks = list(blocks)
    language = country = None
    trailer_seen = False
    while blocks and _is_trailer(blocks[-1][1]):
        trailer_seen = True
        for line in blocks.pop()[1]:
            m = CATEGORY_LINE.match(line)
            if not m:
                continue
            if m[1].lower() == "in":
                language = language or language_code(m[2])
            else:
                country = country or country_code(m[2])
    start_line = blocks[0][0] if blocks else None
    publication = edition = None
    # A lone block is body text (a plain-text file), never a masthead without an article.
    has_masthead = len(blocks) >= 2 or (trailer_seen and len(blocks) == 1 and len(blocks[0][1]) == 1)
    if has_masthead and len(blocks[0][1]) == 1 and not BYLINE.match(blocks[0][1][0]):
        masthead = blocks.pop(0)[1][0]
        m = MASTHEAD.match(masthead)
        if m:
            publication, edition = m["pub"].strip(), m["edition"].strip()
        else:
            publication = MASTHEAD_COUNTRY.sub("", masthead).strip() or masthead
            edition = None
            mc = MASTHEAD_COUNTRY.search(masthead)
            if mc and not country:
                country = country_code(mc["country"])
        if edition and not country:
            mc = MASTHEAD_COUNTRY.search(edition)
            if mc:
                country = country_code(mc["country"])
    published = None
    date_source = None
    if blocks and len(blocks[0][1]) == 1:
        found = parse_date_line(blocks[0][1][0])
        if found:
            blocks.pop(0)
            published, date_source = found, "file"
    title = byline = None
    # Headline: a short single-line block before the byline (or before the body when no byline).
    byline_at = next((i for i, (_, b) in enumerate(blocks[:3]) if BYLINE.match(b[0]) and len(b) == 1), None)
    if byline_at is not None:
        head = blocks[:byline_at]
        if head:
            title = " ".join(" ".join(b) for _, b in head)
        byline = BYLINE.match(blocks[byline_at][1][0])["who"]  # type: ignore[index]
        blocks = blocks[byline_at + 1 :]
    elif len(blocks) >= 2 and len(blocks[0][1]) == 1 and not blocks[0][1][0].rstrip().endswith(CLOSING):
        title = blocks.pop(0)[1][0]
    if published is None and blocks and len(blocks[0][1]) == 1:
        found = parse_date_line(blocks[0][1][0])
        if found:
            blocks.pop(0)
            published, date_source = found, "file"
    paragraphs = join_paragraphs([" ".join(lines) for _, lines in blocks])
    if not paragraphs:
        what = "the document has a masthead but no headline, byline or body" if publication else "no text"
        if title or byline:
            what = "the document has a headline/byline but no body paragraphs"
        return Rejected(
            source=unit.source,
            member=member,
            line=start_line,
            code="R104",
            reason=reason("R104", detail=what),
        )
    if len(paragraphs) == 1 and _looks_like_a_heading(paragraphs[0]) and not (title or byline):
        return Rejected(
            source=unit.source,
            member=member,
            line=start_line,
            code="R104",
            reason=reason(
                "R104", detail="the document is one short line (a masthead or headline?) with no body"
            ),
        )
    text = "\n\n".join(paragraphs)
    dateline, agency = dateline_of(text, byline)
    published, date_source = publication_date(published, date_source, options, unit.member or unit.source)
    return Article(
        text=text,
        source=unit.source,
        member=member,
        format="press",
        publication=publication,
        edition=edition,
        title=title,
        byline=byline,
        agency=agency,
        dateline=dateline,
        published=published,
        date_source=date_source,
        language=language,
        country=country,
    )


def read(unit: Unit, options: ReadOptions) -> Iterator[Article | Rejected]:
    binary = binary_reason(unit.data)
    if binary:
        yield Rejected(
            source=unit.source, member=unit.member, code="R102", reason=reason("R102", detail=binary)
        )
        return
    text, why = decode(unit.data)
    if text is None:
        yield Rejected(source=unit.source, member=unit.member, code="R105", reason=reason("R105", detail=why))
        return
    documents = split_documents(text)
    if not documents:
        yield Rejected(source=unit.source, member=unit.member, code="R101", reason=reason("R101"))
        return
    for n, (line, blocks) in enumerate(documents, start=1):
        member = unit.member
        if len(documents) > 1:
            member = f"{unit.member + ' ' if unit.member else ''}document {n} (line {line})"
        yield parse_document(blocks, unit, options, member)


def sniff(unit: Unit) -> float:
    """High for the press layout (footer categories, '- By' byline); low for any other plain text."""
    head = unit.data[:65536]
    try:
        sample = head.decode("utf-8", errors="replace")
    except Exception:  # noqa: BLE001
        return 0.0
    score = 0.0
    if re.search(r"^\s*Newspapers\s+(in|from)\s+\w", sample, re.M | re.I):
        score = 0.9
    elif re.search(r"^\s*[-–—]\s*By\s+\S", sample[:4000], re.M):
        score = 0.8
    elif unit.source.lower().endswith((".txt", ".text")) or not sample.lstrip().startswith(("<", "{", "[")):
        # Plain text of unknown layout: the press reader is the fallback (lowest score).
        score = 0.1
    return score


register(
    Reader(
        name="press",
        read=read,
        sniff=sniff,
        extensions=(".txt",),
        description="press-database text export (masthead, headline, '- By' byline, category lines)",
    )
)

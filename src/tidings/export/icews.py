"""``--format icews``: event mentions in the column layout of the ICEWS coded event data files.

ICEWS publishes one row per coded sentence (an event mention, not an aggregated event), tab-separated
with a header, in these 20 columns (``COLUMNS``). tidings fills them from its events table:

* ``Event ID`` is the mention id; ``Story ID`` the article id; ``Sentence Number`` counts from 1.
* ``Event Date`` is the resolved date as tidings stores it (ISO, possibly month or year precision),
  or the article's publication date when the sentence gave none.
* ``Source Country``/``Target Country``/``Country`` are country names (ICEWS writes names, not codes).
* ``Event Text`` is the CAMEO name from the codebook; ``Intensity`` the Goldstein value.
* ``City``/``Province``/``Country`` come from the place: a city fills City, a US state Province.
* ``Source Sectors``/``Target Sectors``/``District`` are empty: the events table does not keep them.

Aggregated event rows are accepted too (one row per event, from its first mention).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from tidings import codebook
from tidings.export import register_format

COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)


def country_name(code: str | None) -> str:
    """The country name for an ISO 3166 alpha-3 (or alpha-2) code; the code itself if unknown."""
    if not code:
        return ""
    from tidings.extract.places import country_place

    entry = country_place(code) if len(code) in (2, 3) and code.isalpha() else None
    return entry.name if entry else code


def icews_row(row: dict[str, Any]) -> list[str]:
    """One mention row (events columns + article fields) as the 20 ICEWS fields."""
    from tidings.extract.places import describe_place

    cameo = row.get("cameo") or ""
    entry = codebook.lookup(cameo) if cameo else None
    sentence = row.get("sentence", row.get("first_sentence"))
    place = describe_place(row.get("place"), row.get("place_country"), row.get("lat"), row.get("lon"))
    city = row.get("place") if place is not None and place.kind == "city" else ""
    province = row.get("place") if place is not None and place.kind == "admin" else ""
    goldstein = row.get("goldstein")
    if goldstein is None and entry is not None:
        goldstein = entry.goldstein
    values = [
        row.get("id"),
        row.get("date") or row.get("published") or row.get("first_published"),
        row.get("source"),
        "",
        country_name(row.get("source_country")),
        entry.name if entry else "",
        cameo,
        goldstein,
        row.get("target"),
        "",
        country_name(row.get("target_country")),
        row.get("article_id", row.get("first_article_id")),
        int(sentence) + 1 if sentence is not None else None,
        row.get("publication"),
        city,
        "",
        province,
        country_name(row.get("place_country")),
        row.get("lat"),
        row.get("lon"),
    ]
    return ["" if v is None else str(v) for v in values]


def write_icews(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write mentions as ICEWS rows with a header line; returns the row count."""
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        writer.writerow(icews_row(row))
        n += 1
    return n


register_format("icews", write_icews, tables=("events",))

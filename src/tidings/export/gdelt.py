"""``--format gdelt``: events as rows of the GDELT 2.0 event table, tab-separated, no header.

The 61 columns are GDELT 2.0's, in GDELT's order (``COLUMNS``). Each output row is one event
aggregated from its mentions by ``tidings.corpus.events`` (GDELT's NumMentions, NumSources and
NumArticles semantics); rows that are already aggregated pass through. A field tidings does not
know is empty, never guessed:

* ``SQLDATE``/``FractionDate`` need a day-precise date; ``MonthYear`` a month; ``Year`` a year.
* ``Actor*Type*Code`` split the CAMEO actor code after its country prefix ("USAGOV" → "GOV").
* ``ActionGeo_*`` come from the event's place; GDELT writes countries as FIPS 10-4 codes and
  ``ActionGeo_Type`` as 1 country, 2 US state, 3 US city, 4 world city. Actor geography, tone,
  ethnic, religious and known-group codes are empty: tidings does not code them.
* ``DATEADDED`` is the earliest publication date of the event's articles at 00:00:00 (tidings keeps
  no ingest timestamp); ``SOURCEURL`` the first URL among its articles.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date as Date
from typing import Any, TextIO

from tidings.corpus.events import as_events
from tidings.export import register_format

COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
)

# GDELT marks an event found in an article's lead as a root event; the lead is its first
# paragraph, which in the wire copy we write tests from is one or two sentences.
LEAD_SENTENCES = 2

# GDELT's ActionGeo_Type values.
GEO_COUNTRY, GEO_US_STATE, GEO_US_CITY, GEO_WORLD_CITY = 1, 2, 3, 4


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) and abs(value) < 1e15 else f"{value:.6g}"
    return " ".join(str(value).replace("\t", " ").split())


def global_event_id(event_id: str) -> int:
    """A stable positive integer from a tidings event id (GDELT ids are integers)."""
    return int(event_id[:15], 16) if event_id else 0


def split_actor_code(code: str | None, country: str | None) -> tuple[str | None, list[str]]:
    """A CAMEO actor code as (country prefix, 3-letter role/type codes).

    "USAGOV" → ("USA", ["GOV"]); "GOV" alone (no country known) → (None, ["GOV"]); a code whose first
    three letters are an ISO 3166 alpha-3 country counts as prefixed even when ``country`` is empty.
    """
    if not code:
        return country, []
    prefix: str | None = None
    if country and code.startswith(country):
        prefix = country
    elif len(code) >= 3:
        from tidings.extract.places import country_place

        if country_place(code[:3]) is not None:
            prefix = code[:3]
    rest = code[len(prefix) :] if prefix else code
    return prefix or country, [rest[i : i + 3] for i in range(0, len(rest) - 2, 3)]


def actor_types(code: str | None, country: str | None) -> list[str]:
    """Up to three 3-letter role/type codes after the country prefix of a CAMEO actor code."""
    return split_actor_code(code, country)[1][:3]


def _date_fields(date: str | None, precision: str | None) -> tuple[str, str, str, str]:
    if not date:
        return "", "", "", ""
    year = date[:4]
    month_year = date[:4] + date[5:7] if len(date) >= 7 and precision in ("day", "month") else ""
    if precision == "day" and len(date) == 10:
        d = Date.fromisoformat(date)
        fraction = f"{d.year + d.timetuple().tm_yday / 365:.4f}"
        return date.replace("-", ""), month_year, year, fraction
    return "", month_year, year, ""


def _geo(event: dict[str, Any]) -> list[str]:
    """The eight ActionGeo_* fields."""
    if event.get("lat") is None and not event.get("place"):
        return [""] * 8
    from tidings.extract.places import describe_place

    entry = describe_place(event.get("place"), event.get("place_country"), event.get("lat"), event.get("lon"))
    if entry is None:
        return [
            "",
            _text(event.get("place")),
            "",
            "",
            "",
            _text(event.get("lat")),
            _text(event.get("lon")),
            "",
        ]
    if entry.kind == "country":
        geo_type, full, adm1, feature = GEO_COUNTRY, entry.name, "", entry.fips
    elif entry.kind == "admin":
        geo_type, full = GEO_US_STATE, f"{entry.name}, United States"
        adm1 = f"{entry.fips}{entry.admin1}"
        feature = adm1
    else:
        from tidings.extract.places import country_place

        country = country_place(entry.iso2)
        geo_type = GEO_US_CITY if entry.iso2 == "US" else GEO_WORLD_CITY
        full = f"{entry.name}, {country.name}" if country else entry.name
        adm1 = f"{entry.fips}{entry.admin1}" if entry.admin1 else ""
        feature = str(entry.geonameid or "")
    return [
        str(geo_type),
        full,
        entry.fips,
        adm1,
        "",
        _text(event.get("lat") if event.get("lat") is not None else entry.lat),
        _text(event.get("lon") if event.get("lon") is not None else entry.lon),
        feature,
    ]


def gdelt_row(event: dict[str, Any]) -> list[str]:
    """One aggregated event (``tidings.corpus.events.Event.to_record()``) as the 61 GDELT fields."""
    sqldate, month_year, year, fraction = _date_fields(event.get("date"), event.get("date_precision"))
    out: list[str] = [str(global_event_id(str(event.get("id") or ""))), sqldate, month_year, year, fraction]
    for prefix in ("source", "target"):
        code, country = event.get(f"{prefix}_code"), event.get(f"{prefix}_country")
        types = actor_types(code, country) + ["", "", ""]
        out += [_text(code), _text(event.get(prefix)), _text(country), "", "", "", "", *types[:3]]
    sentence = event.get("first_sentence")
    out += [
        "1" if sentence is not None and int(sentence) < LEAD_SENTENCES else "0",
        _text(event.get("cameo")),
        _text(event.get("cameo_base")),
        _text(event.get("cameo_root")),
        _text(event.get("quad_class")),
        _text(event.get("goldstein")),
        _text(event.get("num_mentions")),
        _text(event.get("num_sources")),
        _text(event.get("num_articles")),
        "",  # AvgTone
    ]
    out += [""] * 16  # Actor1Geo_*, Actor2Geo_*
    out += _geo(event)
    published = event.get("first_published") or ""
    out.append(published.replace("-", "") + "000000" if len(published) == 10 else "")
    out.append(_text(event.get("url")))
    assert len(out) == len(COLUMNS)
    return out


def write_gdelt(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write events (mention rows are aggregated first) as GDELT 2.0 rows; returns the row count."""
    n = 0
    for event in as_events(rows):
        out.write("\t".join(gdelt_row(event)) + "\n")
        n += 1
    return n


register_format("gdelt", write_gdelt, tables=("events",))

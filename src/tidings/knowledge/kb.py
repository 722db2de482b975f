"""The actor knowledge base: who the actors are, what they are called, and which codes they carry when.

Owns ``Actor``, ``Role``, ``Agent`` and ``ActorKB`` (phrase matching over token sequences and
time-aware codes), and ``load_default``, which reads the shipped files under ``data/actors/`` plus a
user's override files. Nothing here reads article text or touches the database: the extractor
(``tidings.extract.actors``) consults a loaded ``ActorKB``; the store (``tidings.store.knowledge``)
writes one into the database.

Case rules for names: a form written in capitals in the data (``US``, ``NATO``, ``U.S.``) matches
only the same capitals in text (so "us" and "who" never become the United States or the WHO); a
capitalised form matches capitalised words (so "turkey" is not Turkey); lowercase words match any
case ("the Kremlin", "Russian troops").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import compress, count
from pathlib import Path
from typing import Any

import yaml

from tidings.errors import TidingsError
from tidings.knowledge import parse_yaml
from tidings.types import stable_hash

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"

# CAMEO codes that open an actor code without naming a country: international and transnational
# actors (IGOWSTNAT, NGOHRI, MNC, UAF) and PETRARCH's "---" for an unknown country.
NON_COUNTRY_CODES = frozenset({"IGO", "NGO", "NGM", "MNC", "UAF", "IMG", "---"})

KINDS = ("person", "organisation", "country", "igo", "group", "media")
ORIGINS = ("curated", "imported", "learned")

# Per-token case requirement, derived from how the form is written in the data.
CASE_ANY, CASE_CAPITAL, CASE_EXACT = 0, 1, 2

# Function words that stay lowercase inside proper names ("Bank of England", "the Kremlin").
NAME_FUNCTION_WORDS = frozenset(
    {
        "the",
        "of",
        "and",
        "for",
        "de",
        "da",
        "du",
        "del",
        "la",
        "le",
        "von",
        "van",
        "der",
        "al",
        "el",
        "bin",
        "ibn",
        "on",
        "in",
        "'s",
        "-",
        "&",
        "d'",
        "di",
    }
)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Role:
    """A position an actor holds (or held), with the CAMEO code it carries while held.

    ``start``/``end`` are ISO dates, inclusive; ``None`` means open. ``origin`` says where the role
    came from (curated data file, imported dictionary, learned from text); ``evidence`` says why we
    believe it (a source line for curated data, ``article_id@date`` entries for learned roles).
    """

    title: str
    code: str
    country: str | None = None
    sectors: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    origin: str = "curated"
    evidence: tuple[str, ...] = ()

    def active_on(self, day: str | None) -> bool:
        """Whether the role is held on ``day`` (an ISO date). Without a date only open roles count."""
        if day is None:
            return self.end is None
        day = day[:10]
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "code": self.code,
            "country": self.country,
            "sectors": list(self.sectors),
            "start": self.start,
            "end": self.end,
            "origin": self.origin,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone or something that acts in the news: a person, organisation, country, IGO, group or outlet.

    ``code`` is the code used when no role applies on the day (a country's CAMEO code, an IGO's code);
    persons usually have none and take their codes from ``roles``. ``codes`` lists every such code
    when a dictionary gives several (PETRARCH ``THE_SHIRE [FRO/BIL/SAM]``: one name for several
    actors), ``code`` first; it is empty when there is only ``code``.
    """

    id: str
    name: str
    kind: str
    country: str | None = None
    sectors: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    wikidata: str | None = None
    code: str | None = None
    origin: str = "curated"
    codes: tuple[str, ...] = ()

    @property
    def default_codes(self) -> tuple[str, ...]:
        """Every code used when no role applies: ``codes`` when given, else ``code`` (or nothing)."""
        if self.codes:
            return self.codes
        return (self.code,) if self.code else ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "sectors": list(self.sectors),
            "aliases": list(self.aliases),
            "roles": [r.to_dict() for r in self.roles],
            "wikidata": self.wikidata,
            "code": self.code,
            "codes": list(self.default_codes),
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class Agent:
    """A common noun that names a sector of society: "troops" (MIL), "foreign minister" (GOV).

    ``title`` is true for roles a person holds ("foreign minister"), false for collectives
    ("troops"). ``placement`` says where the codes go when combined with a country: after it
    ("RUS" + "MIL") or, for PETRARCH's ``[NGO~]`` agents, before it ("NGO" + "ARN").
    """

    phrase: str
    sectors: tuple[str, ...]
    title: bool = False
    placement: str = "suffix"


@dataclass(frozen=True, slots=True)
class Entry:
    """What a phrase in the knowledge base means.

    ``form`` is one of ``name`` (the actor's name or an alias), ``adjective`` ("Russian"),
    ``capital`` ("Moscow": the government when it acts), ``metonym`` ("the Kremlin"), ``agent``
    ("troops") or ``modifier`` ("former": changes the agent's codes).
    """

    phrase: str
    form: str
    actor_id: str | None = None
    agent: Agent | None = None
    sectors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A knowledge-base phrase found in a token sequence: tokens ``[start, end)``."""

    start: int
    end: int
    entries: tuple[Entry, ...]

    @property
    def entry(self) -> Entry:
        return self.entries[0]


@dataclass(frozen=True, slots=True)
class LearnedRole:
    """A role read from an article ("Brazil's Foreign Minister Ana Ruiz"), to accumulate in the store.

    ``actor_id`` is the knowledge-base id when the person is known, else a new ``person/<slug>`` id.
    ``conflict`` says how it disagrees with a curated role held the same day (None when it agrees
    or there is none); a conflicting learned role never replaces the curated one. ``inferred`` says
    where the country came from when the title had none ("country from dateline 'ANKARA'").
    """

    actor_id: str
    name: str
    kind: str
    title: str
    code: str
    country: str | None
    sectors: tuple[str, ...]
    article_id: str
    date: str | None
    sentence: int
    spans: tuple[Any, ...]  # tidings.types.Span evidence
    text: str
    known: bool = False  # the actor is in the knowledge base
    conflict: str | None = None
    inferred: str | None = None  # where the country came from when the title did not say

    @property
    def role_id(self) -> str:
        """Same actor + title + code + origin => same role row, however often it is seen."""
        return stable_hash("role/1", self.actor_id, self.title.lower(), self.code, "learned")


# --------------------------------------------------------------------------------------------
# Tokens and case
# --------------------------------------------------------------------------------------------

_SPLIT_HYPHEN = re.compile(r"(?<=[^\W\d_])([-–])(?=[^\W\d_])")
_POSSESSIVE = re.compile(r"^(.+?)('s|’s)$")


def phrase_tokens(phrase: str) -> list[str]:
    """Split a data-file phrase the way spaCy's English tokenizer splits text.

    Hyphens between letters are their own tokens ("Al-Qaeda" -> Al, -, Qaeda), a possessive
    "'s" is split off, and trailing commas dropped; periods stay inside tokens ("U.S.", "St.").
    """
    out: list[str] = []
    for raw in phrase.replace("_", " ").split():
        raw = raw.rstrip(",")
        if not raw:
            continue
        m = _POSSESSIVE.match(raw)
        tail = None
        if m and len(raw) > 2:
            raw, tail = m.group(1), "'s"
        out.extend(p for p in _SPLIT_HYPHEN.split(raw) if p)
        if tail:
            out.append(tail)
    return out


def word_key(text: str) -> str:
    """The case-folded matching key of one token."""
    return text.replace("’", "'").lower()


def case_rule(token: str) -> int:
    """The case a text token must have to match ``token`` as written in the data."""
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return CASE_EXACT
    if letters and token[0].isupper():
        return CASE_CAPITAL
    return CASE_ANY


def _case_ok(rule: int, written: str, text: str) -> bool:
    if rule == CASE_ANY:
        return True
    if rule == CASE_EXACT:
        return text.replace("’", "'") == written
    return text[:1].isupper() or not text[:1].isalpha()


def plural(word: str) -> str:
    """A regular English plural of the last word of a phrase (minister -> ministers)."""
    lower = word.lower()
    if lower.endswith("man") and not lower.endswith(("human", "german")):
        return word[:-3] + ("MEN" if word.isupper() else "men")
    if re.search(r"[^aeiou]y$", lower):
        return word[:-1] + ("IES" if word.isupper() else "ies")
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + ("ES" if word.isupper() else "es")
    return word + ("S" if word.isupper() else "s")


# Letters NFKD does not decompose into ASCII, folded the way news transliterates them ("Aydın" ->
# "aydin", "Wałęsa" -> "walesa", "Søren" -> "soren", "Đoković" -> "dokovic", "Strauß" -> "strauss").
TRANSLITERATION = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ħ": "h",
        "Ħ": "H",
        "ŧ": "t",
        "Ŧ": "T",
        "ŋ": "ng",
        "Ŋ": "Ng",
        "ĸ": "k",
        "ſ": "s",
        "ə": "a",  # Azerbaijani: Əliyev -> Aliyev
        "Ə": "A",
        "’": "'",
    }
)


def transliterate(text: str) -> str:
    """ASCII letters for a name: NFKD without the accents, plus ``TRANSLITERATION`` for letters
    that have no decomposition (ı, ł, ø, đ, ß, æ, œ, ...). Other scripts are dropped."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.translate(TRANSLITERATION)).translate(TRANSLITERATION)
    return folded.encode("ascii", "ignore").decode()


@lru_cache(maxsize=4096)  # the same names come back in every article that mentions them
def slug(text: str) -> str:
    """A readable, stable id part: the name transliterated to lowercase ASCII letters and digits
    joined by hyphens ("Kemal Aydın" -> "kemal-aydin"); a hash when nothing ASCII is left."""
    return re.sub(r"[^a-z0-9]+", "-", transliterate(text).lower()).strip("-") or stable_hash(text, length=8)


def combine_code(country: str | None, sectors: Sequence[str], prefixes: Sequence[str] = ()) -> str:
    """A CAMEO actor code from a country (or organisation) code and agent codes, PETRARCH style.

    Agent codes already present in the base code are not repeated ("USAGOV" + "GOV" stays
    "USAGOV"); prefixed agents (PETRARCH ``NGO~``) go in front ("NGO" + "ARN" -> "NGOARN").
    """
    return _combine_code(country, tuple(sectors), tuple(prefixes))


@lru_cache(maxsize=4096)  # a few countries and sectors make most codes of a run
def _combine_code(country: str | None, sectors: tuple[str, ...], prefixes: tuple[str, ...]) -> str:
    base = country or ""
    parts = [base[i : i + 3] for i in range(0, len(base), 3)]
    out = base
    for code in sectors:
        for i in range(0, len(code), 3):
            piece = code[i : i + 3]
            if piece and piece not in parts:
                out += piece
                parts.append(piece)
    front = ""
    for code in prefixes:
        if code and code not in parts:
            front += code
            parts.append(code)
    return front + out


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise TidingsError("E701", value=text, detail="dates are YYYY-MM-DD") from exc


def day_before(iso_day: str) -> str:
    return (date.fromisoformat(iso_day) - timedelta(days=1)).isoformat()


def day_after(iso_day: str) -> str:
    return (date.fromisoformat(iso_day) + timedelta(days=1)).isoformat()


# --------------------------------------------------------------------------------------------
# The knowledge base
# --------------------------------------------------------------------------------------------

_IndexItem = tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...], Entry]


def _one_word_entries(items: Sequence[_IndexItem], word: str) -> tuple[Entry, ...]:
    """The entries of one-word phrases ``items`` (all with the same key) that ``word``'s case allows."""
    entries: list[Entry] = []
    for _keys, rules, written, entry in items:
        if _case_ok(rules[0], written[0], word) and entry not in entries:
            entries.append(entry)
    return tuple(entries)


class ActorKB:
    """Actors, their names, the sector vocabulary, and fast longest-match lookup over tokens.

    Build one with ``load_default()`` (shipped data), ``tidings.knowledge.petrarch.load_petrarch``
    or by hand (``add_actor``, ``add_agent``). Treat a loaded KB as read-only: it is shared by every
    article in a run. ``unknown_country`` is the code put in front of an agent that has no country
    ("" for tidings' own data, "---" for PETRARCH dictionaries).
    """

    def __init__(self, name: str = "tidings", unknown_country: str = "") -> None:
        self.name = name
        self.unknown_country = unknown_country
        self.actors: dict[str, Actor] = {}
        self.modifiers: dict[str, str] = {}
        self.sources: list[str] = []
        self._index: dict[str, list[_IndexItem]] = {}
        # Per first word: its longer phrases by their second word, and its one-word phrases (built
        # on first use, dropped when the index changes). A busy first word ("the" opens ~50
        # phrases) has only the few phrases that go on with the next word tried.
        self._openings: dict[str, tuple[dict[str, list[_IndexItem]], list[_IndexItem]]] = {}
        # (first word's key, the word as written) -> the entries of its one-word phrases that the
        # word's case allows: the same few words ("government", "minister") recur in every article.
        # Dropped with ``_openings``; it holds only words that open a phrase.
        self._one_word: dict[tuple[str, str], tuple[Entry, ...]] = {}
        self._by_name: dict[str, list[str]] = {}
        self.sector_codes: set[str] = set()  # every agent and modifier code ("GOV", "MIL", "ELI")
        self.not_as_adjective: set[str] = set()  # agents that name no actor as adjectives ("official")

    # ---- building ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.actors)

    @property
    def phrase_count(self) -> int:
        return sum(len(v) for v in self._index.values())

    def add_phrase(self, phrase: str, entry: Entry, cases: Sequence[int] | None = None) -> None:
        """Index ``phrase`` (as written, or as already split tokens joined by spaces) to ``entry``."""
        tokens = phrase_tokens(phrase)
        if not tokens:
            return
        keys = tuple(word_key(t) for t in tokens)
        rules = tuple(cases) if cases is not None else tuple(case_rule(t) for t in tokens)
        bucket = self._index.setdefault(keys[0], [])
        for item in bucket:
            if item[0] == keys and item[1] == rules and item[3] == entry:
                return
        bucket.append((keys, rules, tuple(tokens), entry))
        bucket.sort(key=lambda item: -len(item[0]))
        self._openings.clear()
        self._one_word.clear()

    def add_actor(
        self, actor: Actor, forms: Iterable[tuple[str, str, tuple[str, ...]]] = (), case: str = "auto"
    ) -> Actor:
        """Add (or replace) an actor and index its name and aliases; ``forms`` adds more phrases
        as ``(phrase, form, sectors)`` (adjectives, capitals, metonyms). ``case="proper"`` indexes
        every form as a proper name whatever its spelling (for dictionaries written in capitals).
        """
        if actor.id in self.actors:
            self.remove_actor(actor.id)
        self.actors[actor.id] = actor
        phrases = [(actor.name, "name", ())] + [(a, "name", ()) for a in actor.aliases] + list(forms)
        for phrase, form, sectors in phrases:
            cases = _proper_cases(phrase) if case == "proper" else None
            self.add_phrase(
                phrase, Entry(phrase=phrase, form=form, actor_id=actor.id, sectors=sectors), cases
            )
            if form == "name":
                self._by_name.setdefault(word_key(phrase), []).append(actor.id)
        return actor

    def remove_actor(self, actor_id: str) -> None:
        self.actors.pop(actor_id, None)
        self._openings.clear()
        self._one_word.clear()
        for key, bucket in list(self._index.items()):
            kept = [item for item in bucket if item[3].actor_id != actor_id]
            if kept:
                self._index[key] = kept
            else:
                del self._index[key]
        for ids in self._by_name.values():
            if actor_id in ids:
                ids.remove(actor_id)

    def add_agent(self, agent: Agent, plural_form: str | None = "auto", case: str = "auto") -> None:
        """Index an agent phrase, and its plural unless ``plural_form`` is None."""
        self.sector_codes.update(agent.sectors)
        forms = [agent.phrase]
        if plural_form == "auto":
            tokens = phrase_tokens(agent.phrase)
            if tokens and tokens[-1][:1].isalpha():
                forms.append(" ".join(tokens[:-1] + [plural(tokens[-1])]))
        elif plural_form:
            forms.append(plural_form)
        for phrase in forms:
            cases = [CASE_ANY] * len(phrase_tokens(phrase)) if case == "any" else None
            self.add_phrase(phrase, Entry(phrase=agent.phrase, form="agent", agent=agent), cases)

    def add_modifier(self, word: str, code: str) -> None:
        self.modifiers[word_key(word)] = code
        self.sector_codes.add(code)
        self.add_phrase(word, Entry(phrase=word, form="modifier", sectors=(code,)))

    # ---- lookup -----------------------------------------------------------------------------

    def actor(self, actor_id: str | None) -> Actor | None:
        return self.actors.get(actor_id) if actor_id else None

    def by_name(self, name: str) -> list[Actor]:
        """Actors whose name or alias is exactly ``name`` (case-insensitive)."""
        return [self.actors[i] for i in self._by_name.get(word_key(name), []) if i in self.actors]

    def search(self, text: str) -> list[Actor]:
        """Actors whose id, name or an alias contains ``text`` (case-insensitive), best first."""
        needle = word_key(text)
        exact = self.by_name(text)
        seen = {a.id for a in exact}
        out = list(exact)
        for actor in self.actors.values():
            if actor.id in seen:
                continue
            if needle in actor.id.lower() or any(needle in word_key(n) for n in (actor.name, *actor.aliases)):
                out.append(actor)
        return out

    def match_at(self, words: Sequence[str], i: int, keys: Sequence[str] | None = None) -> Match | None:
        """The longest knowledge-base phrase starting at token ``i`` of ``words``, or None."""
        keys = keys if keys is not None else [word_key(w) for w in words]
        key = keys[i]
        bucket = self._index.get(key)
        if not bucket:
            return None
        opening = self._openings.get(key)
        if opening is None:
            longer: dict[str, list[_IndexItem]] = {}
            for item in bucket:  # longest first, as in the bucket
                if len(item[0]) > 1:
                    longer.setdefault(item[0][1], []).append(item)
            opening = self._openings[key] = (longer, [item for item in bucket if len(item[0]) == 1])
        # A longer phrase wins over a one-word one; it can match only when the next word goes on with it.
        longer_here = opening[0].get(keys[i + 1]) if i + 1 < len(words) else None
        if longer_here:
            best_len = 0
            entries: list[Entry] = []
            for phrase_keys, rules, written, entry in longer_here:
                n = len(phrase_keys)
                if n < best_len:
                    break
                if i + n > len(words):
                    continue
                if n > 2 and tuple(keys[i + 2 : i + n]) != phrase_keys[2:]:
                    continue
                if not all(_case_ok(rules[j], written[j], words[i + j]) for j in range(n)):
                    continue
                if n > best_len:
                    best_len, entries = n, [entry]
                elif entry not in entries:
                    entries.append(entry)
            if best_len:
                return Match(i, i + best_len, tuple(entries))
        word = words[i]
        one = self._one_word.get((key, word))
        if one is None:
            one = self._one_word[(key, word)] = _one_word_entries(opening[1], word)
        return Match(i, i + 1, one) if one else None

    def find(self, words: Sequence[str], keys: Sequence[str] | None = None) -> list[Match]:
        """Non-overlapping longest matches, left to right. ``keys`` are the words' ``word_key``s
        when the caller has them already."""
        keys = [word_key(w) for w in words] if keys is None else keys
        out: list[Match] = []
        end = 0
        # Only the few words that open some phrase are tried (picked out without a Python loop).
        for i in compress(count(), map(self._index.__contains__, keys)):
            if i < end:
                continue  # inside the previous match
            m = self.match_at(words, i, keys)
            if m is not None:
                out.append(m)
                end = m.end
        return out

    def country_of_code(self, code: str | None) -> str | None:
        """The country part of a CAMEO actor code ("TURGOV" -> "TUR"), or None when the code opens
        with an agent ("GOV", "MILELI"), an international code (IGO, NGO, MNC) or "---"."""
        if not code or len(code) < 3:
            return None
        head = code[:3]
        if not (head.isalpha() and head.isupper()) or head in NON_COUNTRY_CODES:
            return None
        if head in self.sector_codes and f"country/{head}" not in self.actors:
            return None
        return head

    def sectors_of_code(self, code: str | None) -> tuple[str, ...]:
        """The agent codes of a CAMEO actor code after its country ("TURGOVMIL" -> GOV, MIL;
        "GOV" -> GOV)."""
        if not code:
            return ()
        start = 3 if self.country_of_code(code) or code.startswith(tuple(NON_COUNTRY_CODES)) else 0
        return tuple(code[i : i + 3] for i in range(start, len(code), 3))

    # ---- time -------------------------------------------------------------------------------

    def roles_as_of(self, actor: Actor, day: str | None) -> tuple[Role, ...]:
        """The roles held on ``day``, in the order listed (the first one wins where they overlap)."""
        return tuple(r for r in actor.roles if r.active_on(day))

    def codes_as_of(self, actor: Actor, day: str | None) -> tuple[str, ...]:
        """The actor's CAMEO codes on ``day``: those of the roles held that day; else its own codes
        (several for a multi-code dictionary entry, the primary first); else, for someone who held a
        role before, country + ELI (a former office holder); else the country code. Empty when
        nothing is known.
        """
        held = self.roles_as_of(actor, day)
        if held:
            return tuple(dict.fromkeys(r.code for r in held if r.code))
        if actor.code or actor.codes:
            return actor.default_codes
        if (
            actor.kind == "person"
            and day
            and actor.country
            and any(r.end is not None and r.end < day[:10] for r in actor.roles)
        ):
            return (combine_code(actor.country, ("ELI",)),)
        if actor.country:
            return (combine_code(actor.country, actor.sectors),)
        return ()

    def fingerprint(self) -> str:
        return stable_hash(
            "actorkb/1", self.name, *self.sources, len(self.actors), self.phrase_count, length=12
        )

    # ---- iteration --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Actor]:
        return iter(self.actors.values())

    def agents(self) -> list[Agent]:
        seen: dict[str, Agent] = {}
        for bucket in self._index.values():
            for *_rest, entry in bucket:
                if entry.agent is not None:
                    seen.setdefault(entry.agent.phrase, entry.agent)
        return list(seen.values())


def _proper_cases(phrase: str) -> list[int]:
    return [
        CASE_ANY if word_key(t) in NAME_FUNCTION_WORDS or not any(c.isalpha() for c in t) else CASE_CAPITAL
        for t in phrase_tokens(phrase)
    ]


# --------------------------------------------------------------------------------------------
# Loading the shipped data and user overrides
# --------------------------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def load_countries(kb: ActorKB, path: Path) -> int:
    """Countries from the TSV: name, aliases, adjectives and capitals all point at the country."""
    n = 0
    with path.open(encoding="utf-8") as handle:
        header: list[str] | None = None
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
                continue
            row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
            cameo = row["cameo"] or row["iso3"]
            forms: list[tuple[str, str, tuple[str, ...]]] = []
            forms += [(a, "adjective", ()) for a in _split(row.get("adjectives", ""))]
            forms += [(c, "capital", ("GOV",)) for c in _split(row.get("capitals", ""))]
            kb.add_actor(
                Actor(
                    id=f"country/{row['iso3']}",
                    name=row["name"],
                    kind="country",
                    country=cameo,
                    aliases=tuple(_split(row.get("aliases", ""))),
                    code=cameo,
                ),
                forms=forms,
            )
            n += 1
    return n


def _country_code(kb: ActorKB, value: str | None) -> str | None:
    """A CAMEO country code for an ISO3 or CAMEO code written in a data file."""
    if not value:
        return None
    country = kb.actors.get(f"country/{value}")
    return country.code if country is not None and country.code else value


def _role(raw: Any, country: str | None, origin: str, evidence: str) -> Role:
    if isinstance(raw, Mapping):
        title, code = raw.get("title", ""), raw.get("code", "")
        start, end = raw.get("start"), raw.get("end")
        role_country = raw.get("country", country)
    else:
        title, code, start, end = (list(raw) + [None, None, None, None])[:4]
        role_country = country
    code = str(code or "")
    sectors = tuple(code[i : i + 3] for i in range(3, len(code), 3)) if len(code) > 3 else ()
    return Role(
        title=str(title or ""),
        code=code,
        country=role_country,
        sectors=sectors,
        start=_iso(start),
        end=_iso(end),
        origin=origin,
        evidence=(evidence,) if evidence else (),
    )


def _add_people(kb: ActorKB, people: Iterable[Mapping[str, Any]], origin: str, evidence: str) -> int:
    n = 0
    for raw in people or ():
        country = _country_code(kb, raw.get("country"))
        actor = Actor(
            id=raw.get("id") or f"person/{slug(raw['name'])}",
            name=raw["name"],
            kind=raw.get("kind", "person"),
            country=country,
            aliases=tuple(raw.get("aliases") or ()),
            roles=tuple(_role(r, country, origin, evidence) for r in raw.get("roles") or ()),
            wikidata=raw.get("wikidata"),
            code=raw.get("code"),
            origin=origin,
        )
        kb.add_actor(actor)
        n += 1
    return n


def _add_organisations(kb: ActorKB, rows: Iterable[Mapping[str, Any]], default_kind: str, origin: str) -> int:
    n = 0
    for raw in rows or ():
        kind = raw.get("kind", default_kind)
        code = raw.get("code")
        country = _country_code(kb, raw.get("country"))
        sectors = ()
        if code and country and code.startswith(country):
            rest = code[len(country) :]
            sectors = tuple(rest[i : i + 3] for i in range(0, len(rest), 3))
        kb.add_actor(
            Actor(
                id=raw.get("id")
                or f"{'org' if kind in ('organisation', 'group') else kind}/{slug(raw['name'])}",
                name=raw["name"],
                kind=kind,
                country=country,
                sectors=sectors,
                aliases=tuple(raw.get("aliases") or ()),
                wikidata=raw.get("wikidata"),
                code=code,
                origin=origin,
            )
        )
        n += 1
    return n


def _add_metonyms(kb: ActorKB, rows: Iterable[Mapping[str, Any]]) -> int:
    n = 0
    for raw in rows or ():
        iso = raw.get("country")
        actor_id = f"country/{iso}"
        if actor_id not in kb.actors:
            continue
        sectors = tuple(raw.get("sectors") or ())
        for name in raw.get("names") or ():
            kb.add_phrase(name, Entry(phrase=name, form="metonym", actor_id=actor_id, sectors=sectors))
            n += 1
    return n


def _add_agents(kb: ActorKB, data: Mapping[str, Any]) -> int:
    n = 0
    for code, groups in (data.get("codes") or {}).items():
        sectors = tuple(str(code).split())
        for phrase in groups.get("titles") or ():
            kb.add_agent(Agent(phrase=str(phrase), sectors=sectors, title=True))
            n += 1
        for phrase in groups.get("nouns") or ():
            kb.add_agent(Agent(phrase=str(phrase), sectors=sectors, title=False))
            n += 1
    for word, code in (data.get("modifiers") or {}).items():
        kb.add_modifier(str(word), str(code))
    kb.not_as_adjective.update(word_key(str(w)) for w in data.get("not_as_adjective") or ())
    return n


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return parse_yaml(handle) or {}
    except OSError as exc:
        raise TidingsError("E303", path=str(path)) from exc
    except yaml.YAMLError as exc:
        raise TidingsError("E702", path=str(path), detail=str(exc).splitlines()[0]) from exc


def apply_data(kb: ActorKB, data: Mapping[str, Any], origin: str = "curated", evidence: str = "") -> int:
    """Add everything in one parsed data/override file to ``kb``; returns the number of records."""
    if not isinstance(data, Mapping):
        raise TidingsError("E702", path=evidence or "override", detail="the top level must be a mapping")
    n = 0
    for actor_id in data.get("remove") or ():
        kb.remove_actor(str(actor_id))
    n += _add_agents(kb, data)
    n += _add_organisations(kb, data.get("igos") or (), "igo", origin)
    n += _add_organisations(kb, data.get("media") or (), "media", origin)
    n += _add_people(kb, data.get("people") or (), origin, evidence)
    n += _add_people(kb, data.get("actors") or (), origin, evidence)
    n += _add_metonyms(kb, data.get("metonyms") or ())
    return n


SHIPPED_YAML = ("agents.yaml", "igos.yaml", "media.yaml", "people.yaml", "metonyms.yaml")


def _source_line(path: Path) -> str:
    """The 'Source:' line of a data file's header, used as the evidence of its curated roles."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            if "Source:" in line:
                return f"{path.name}: " + line.split("Source:", 1)[1].strip()
    return path.name


def build_default(
    extra_files: Sequence[str | Path] = (),
    overrides: Mapping[str, Any] | None = None,
    data_dir: Path = DATA_DIR,
) -> ActorKB:
    """A fresh knowledge base from the data files (not cached; see ``load_default``)."""
    kb = ActorKB()
    countries = data_dir / "countries.tsv"
    load_countries(kb, countries)
    kb.sources.append(stable_hash(countries.read_bytes().decode("latin-1")))
    for name in SHIPPED_YAML:
        path = data_dir / name
        if path.exists():
            apply_data(kb, read_yaml(path), "curated", _source_line(path))
            kb.sources.append(stable_hash(path.read_bytes().decode("latin-1")))
    for extra in extra_files:
        path = Path(extra)
        if not path.exists():
            raise TidingsError("E303", path=str(path))
        apply_data(kb, read_yaml(path), "curated", f"user file {path.name}")
        kb.sources.append(stable_hash(path.read_bytes().decode("latin-1")))
    if overrides:
        apply_data(kb, overrides, "curated", "user overrides")
        kb.sources.append(stable_hash(repr(sorted(overrides.items(), key=str))))
    return kb


@lru_cache(maxsize=1)
def _default_kb() -> ActorKB:
    return build_default()


def load_default(
    extra_files: Sequence[str | Path] = (), overrides: Mapping[str, Any] | None = None, **_ignored: Any
) -> ActorKB:
    """The shipped knowledge base plus the user's YAML files and overrides.

    Without extras the result is loaded once per process and shared: do not modify it. Extra files
    and ``overrides`` use the shipped files' schema (``people:``, ``actors:``, ``igos:``, ``media:``,
    ``metonyms:``, ``codes:`` for agents, ``remove:`` for ids to drop); an actor with an existing id
    replaces the shipped one.
    """
    if not extra_files and not overrides:
        return _default_kb()
    return build_default(tuple(extra_files), overrides)


def with_roles(actor: Actor, roles: Iterable[Role]) -> Actor:
    """A copy of ``actor`` with ``roles`` appended (duplicates of title+code+dates skipped)."""
    have = {(r.title.lower(), r.code, r.start, r.end) for r in actor.roles}
    extra = [r for r in roles if (r.title.lower(), r.code, r.start, r.end) not in have]
    return replace(actor, roles=actor.roles + tuple(extra)) if extra else actor


__all__ = [
    "KINDS",
    "LearnedRole",
    "ORIGINS",
    "Actor",
    "ActorKB",
    "Agent",
    "Entry",
    "Match",
    "Role",
    "combine_code",
    "load_default",
    "phrase_tokens",
    "plural",
    "slug",
    "transliterate",
    "with_roles",
]

"""The event coder: who did what to whom, as CAMEO (and PLOVER) codings with their evidence.

This module owns ``EventMention`` (table ``events``), the pattern model (``Pattern``, ``PatternSet``,
``load_patterns``) and ``extract_events``. Patterns are data: ``tidings/data/patterns/*.yaml`` (verb
and noun patterns, reporting verbs, light verbs, negation/appeal/intent maps), user YAML files in the
same format, and PETRARCH verb dictionaries imported by ``tidings.knowledge.petrarch_verbs``.

How a sentence is coded:

1. Every token that heads a pattern (a verb by lemma or surface form, or a nominalisation such as
   "talks", "sanctions", "invasion") is tried against the patterns for its lemma; the most specific
   pattern whose constraints hold wins (particle, preposition, object words, word sequences before
   and after the verb with PETRARCH's ``_`` adjacency and ``$``/``+`` actor slots).
2. Source and target come from the dependency parse: the subject (inherited through ``xcomp``,
   ``conj`` and ``acomp`` chains), the passive agent, the direct object, prepositional targets named
   by the pattern, possessors of nominalisations, and otherwise the first actor in the verb phrase.
   Conjoined actors give one event per (source, target) pair.
3. Negation, modality (``may``, ``plans to``, conditionals) and reported speech adjust the code or the
   flags: an appeal ("both navies should resume exercises") becomes a 02x code with the speaker as
   source; a negated cooperation becomes a rejection where the negation map says so.
4. Codebook fields come from ``tidings.codebook``, dates from ``tidings.extract.dates``, places from
   ``tidings.extract.places``. Each of those is optional at import time: when a module is missing the
   fields stay empty rather than being guessed here.

The coder never reads files: ``load_patterns`` does that once, and the ``PatternSet`` travels in
``Knowledge.event_patterns``.
"""

from __future__ import annotations

import bisect
import functools
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import yaml

from tidings.errors import TidingsError
from tidings.knowledge import parse_yaml
from tidings.types import Article, Finding, Findings, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

PATTERNS_DIR = Path(__file__).resolve().parent.parent / "data" / "patterns"

# Confidence of a coding, by how its actors were found. Set by hand from reading the codings of the
# examples/ corpus and tests/fixtures/events_gold*.jsonl (not fitted): dyads read straight off
# subject and object were nearly always right; inherited subjects and targets found by scanning the
# phrase were right about three times in four; nominalisations and one-sided events less often.
CONFIDENCE_DIRECT = 0.9
CONFIDENCE_INHERITED = 0.75
CONFIDENCE_NOUN = 0.7
CONFIDENCE_ONE_SIDED = 0.6
# Modal and conditional codings describe what may happen, not what happened.
CONFIDENCE_MODAL_FACTOR = 0.7
# How far up the tree a subject is looked for (xcomp/conj/acomp hops); the deeper chains seen in
# the examples/ corpus were mis-attachments.
MAX_SUBJECT_HOPS = 4

NO_CODE = "---"
# Pattern order numbers per source file: a file's patterns are numbered from its block, so a later
# file's patterns (smaller numbers) are tried before an earlier file's equally specific ones.
_ORDER_BLOCK = 1_000_000


# --------------------------------------------------------------------------------------------
# The finding
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EventMention(Finding):
    """One coded event as mentioned in one sentence of one article.

    ``spans`` holds the trigger (verb or noun) first, then the source and target evidence. CAMEO codes
    are strings with their leading zeros ("0212"). ``negated`` means the text denies the coded action;
    a negation that amounts to a rejection is coded as the rejection instead (``rule`` ends in
    ``/negated``). ``modal`` names the cue that makes the event uncertain ("may", "plan", "if", ...).
    """

    table: ClassVar[str] = "events"

    source: str | None = None
    source_actor_id: str | None = None
    source_code: str | None = None
    source_country: str | None = None
    target: str | None = None
    target_actor_id: str | None = None
    target_code: str | None = None
    target_country: str | None = None
    cameo: str
    cameo_base: str | None = None
    cameo_root: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover_type: str | None = None
    plover_mode: str | None = None
    date: str | None = None
    date_precision: str | None = None
    place: str | None = None
    place_country: str | None = None
    lat: float | None = None
    lon: float | None = None
    negated: bool = False
    modal: str | None = None
    historical: bool = False
    quote_id: str | None = None
    event_key: str | None = None


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """One element of a word-sequence pattern (PETRARCH style).

    ``kind`` is "words" (any of ``choices``, each a contiguous word sequence), "source" (``$``),
    "target" (``+``) or "skip" (``^``, matches nothing and only breaks adjacency). ``glued`` means
    the element must follow the previous element (or the verb) with no word in between (``_``).
    """

    kind: str
    choices: tuple[tuple[str, ...], ...] = ()
    glued: bool = False


@dataclass(frozen=True)
class Pattern:
    """A verb or noun pattern: a head word plus constraints, mapped to a CAMEO code.

    A pattern matches a head token when its lemma (or, for imported PETRARCH verbs, one of its
    surface ``forms``) matches and every constraint holds. ``code`` None means "matched, but not an
    event" (PETRARCH's ``[---]``). ``reverse`` is the code of the mirror event, target to source
    (arrive 032 / host 033). ``negated`` is the code a negated mention amounts to.
    """

    id: str
    kind: str  # "verb" or "noun"
    lemma: str
    code: str | None
    forms: frozenset[str] = frozenset()
    reverse: str | None = None
    particle: str | None = None
    preps: tuple[str, ...] = ()  # a prepositional child with one of these lemmas is required
    objects: frozenset[str] = frozenset()  # the direct object (head or modifier) is one of these
    target_preps: tuple[str, ...] = ()  # prepositions that introduce the target
    source_preps: tuple[str, ...] = ()  # prepositions that introduce the source (nouns: "by")
    before: tuple[Element, ...] = ()
    after: tuple[Element, ...] = ()
    verb_glued: bool = False  # the last ``before`` element touches the verb
    compound: bool = False  # PETRARCH ``%``: events between the conjoined subjects
    negated: str | None = None
    order: int = 0

    @property
    def specificity(self) -> int:
        """More constraints win; among equals, the earlier pattern in the file wins."""
        words = sum(max((len(c) for c in e.choices), default=1) for e in self.before + self.after)
        return (
            words
            + 2 * bool(self.objects)
            + 2 * bool(self.preps)
            + 2 * bool(self.particle)
            + bool(self.compound)
        )


@dataclass(frozen=True)
class CoderOptions:
    """Switches that change how codings are emitted (PETRARCH's ``<Config>`` options map here).

    ``require_dyad``: emit only events with both a source and a target.
    ``passive_subject_is_source``: in an agentless passive, treat the subject as the source
    (PETRARCH's behaviour; tidings' default treats it as the target, which is what it is).
    ``target_scope``: "clause" looks for a fallback target in the verb's own clause; "phrase" looks
    through the whole verb phrase including adverbial clauses (PETRARCH's behaviour).
    ``apply_maps``: apply the negation/appeal/intent maps (off for imported dictionaries, whose
    patterns encode negation and modality themselves).
    ``nouns``: code nominalisations ("talks with", "sanctions on").
    ``inherit_participles``: a participle clause ("..., killing 12") takes the main clause's subject.
    """

    require_dyad: bool = False
    passive_subject_is_source: bool = False
    target_scope: str = "clause"
    apply_maps: bool = True
    nouns: bool = True
    skip_same_code: bool = True
    inherit_participles: bool = True


@dataclass(frozen=True)
class PatternSet:
    """Everything the coder consults: patterns by head word, word lists and code maps."""

    verbs: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)  # by lemma
    verb_forms: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)  # by surface form
    nouns: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)
    reporting: frozenset[str] = frozenset()
    light_verbs: frozenset[str] = frozenset()
    modal_verbs: dict[str, str] = field(default_factory=dict)  # "plan" -> "plan"
    modal_aux: frozenset[str] = frozenset()
    appeal_aux: frozenset[str] = frozenset()
    negating_verbs: frozenset[str] = frozenset()  # "refuse to", "fail to", "decline to"
    negation_map: dict[str, str] = field(default_factory=dict)  # code prefix -> code
    appeal_map: dict[str, str] = field(default_factory=dict)
    intent_map: dict[str, str] = field(default_factory=dict)
    story_discards: tuple[tuple[str, ...], ...] = ()
    sentence_discards: tuple[tuple[str, ...], ...] = ()
    options: CoderOptions = field(default_factory=CoderOptions)
    sources: tuple[str, ...] = ()  # files the set was loaded from, for provenance

    def __len__(self) -> int:
        return (
            sum(len(v) for v in self.verbs.values())
            + sum(len(v) for v in self.verb_forms.values())
            + sum(len(v) for v in self.nouns.values())
        )

    def merged(self, other: PatternSet) -> PatternSet:
        """This set with ``other``'s patterns and lists added (other's patterns take precedence)."""

        def join(a: dict[str, tuple[Pattern, ...]], b: dict[str, tuple[Pattern, ...]]) -> dict:
            out = dict(a)
            for key, pats in b.items():
                out[key] = tuple(pats) + out.get(key, ())
            return out

        return replace(
            self,
            verbs=join(self.verbs, other.verbs),
            verb_forms=join(self.verb_forms, other.verb_forms),
            nouns=join(self.nouns, other.nouns),
            reporting=self.reporting | other.reporting,
            light_verbs=self.light_verbs | other.light_verbs,
            modal_verbs={**self.modal_verbs, **other.modal_verbs},
            modal_aux=self.modal_aux | other.modal_aux,
            appeal_aux=self.appeal_aux | other.appeal_aux,
            negating_verbs=self.negating_verbs | other.negating_verbs,
            negation_map={**self.negation_map, **other.negation_map},
            appeal_map={**self.appeal_map, **other.appeal_map},
            intent_map={**self.intent_map, **other.intent_map},
            story_discards=self.story_discards + other.story_discards,
            sentence_discards=self.sentence_discards + other.sentence_discards,
            sources=self.sources + other.sources,
        )

    @functools.cached_property
    def head_words(self) -> frozenset[str]:
        """Every word a pattern is looked up by: a token that is none of them codes nothing."""
        return frozenset(self.verbs) | frozenset(self.verb_forms) | frozenset(self.nouns)

    @functools.cached_property
    def head_hashes(self) -> frozenset[int]:
        """``head_words`` as spaCy string ids (the ids of the LOWER attribute)."""
        from spacy.strings import hash_string

        return frozenset(hash_string(w) for w in self.head_words)

    @functools.cached_property
    def head_hash_array(self) -> Any:
        """``head_hashes`` as a sorted numpy array (uint64): a document's words are looked up at once."""
        import numpy

        return numpy.array(sorted(self.head_hashes), dtype="uint64")

    @functools.cached_property
    def lemma_memo(self) -> dict[int, bool]:
        """Lemma id -> whether the lower-cased lemma heads a pattern (filled as lemmas are seen)."""
        return {}

    @functools.cached_property
    def candidate_memo(self) -> dict[tuple[str, str, str], tuple[Pattern, ...]]:
        """(kind, word, lemma) -> ``candidates`` (filled as words are seen; the set is immutable)."""
        return {}

    def candidates(self, token: Token, kind: str) -> tuple[Pattern, ...]:
        """Patterns whose head word matches this token, most specific first."""
        key = (kind, token.lower_, token.lemma_.lower())
        found = self.candidate_memo.get(key)
        if found is None:
            found = self.candidate_memo[key] = self._candidates(key[1], key[2], kind)
        return found

    def _candidates(self, lower: str, lemma: str, kind: str) -> tuple[Pattern, ...]:
        if kind == "noun":
            found = self.nouns.get(lemma, ()) + self.nouns.get(lower, ())
        else:
            found = self.verb_forms.get(lower, ()) + self.verbs.get(lemma, ())
        seen: set[str] = set()
        unique = []
        for p in found:
            if p.id not in seen:
                seen.add(p.id)
                unique.append(p)
        return tuple(sorted(unique, key=lambda p: (-p.specificity, p.order)))


def _code(value: Any) -> str | None:
    """A CAMEO code from YAML: strings keep their zeros; ``---`` or empty means no event."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or text == NO_CODE:
        return None
    return text


def _word(value: Any) -> str:
    """One word from YAML. YAML 1.1 reads bare ``on``/``off`` as booleans; they are the particles
    and prepositions "on"/"off" here (quote other yes/no-like words in pattern files)."""
    if value is True:
        return "on"
    if value is False:
        return "off"
    return str(value).strip().lower()


def _words(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(w.strip().lower() for w in value.split(",") if w.strip())
    if isinstance(value, bool):
        return (_word(value),)
    return tuple(_word(w) for w in value)


def parse_sequence(
    text: str, synsets: dict[str, tuple[tuple[str, ...], ...]] | None = None
) -> tuple[Element, ...]:
    """Parse a word-sequence constraint ("diplomatic ties", "NEW_&TIETYPES_RELATIONS") into elements.

    Words are matched case-insensitively; ``_`` glues two elements (no word between them); ``&NAME``
    expands a synonym set; ``$``/``+`` are actor slots; ``^`` is a gap.
    """
    synsets = synsets or {}
    elements: list[Element] = []
    for chunk in text.split():
        parts = [p for p in chunk.split("_")]
        glue_first = False
        if parts and parts[0] == "":  # leading underscore: glued to what precedes
            glue_first = True
            parts = parts[1:]
        for i, part in enumerate(parts):
            glued = glue_first if i == 0 else True
            if part == "":
                continue
            if part == "$":
                elements.append(Element("source", glued=glued))
            elif part == "+":
                elements.append(Element("target", glued=glued))
            elif part == "^":
                elements.append(Element("skip", glued=glued))
            elif part.startswith("&"):
                name = part[1:].upper()
                if name not in synsets:
                    raise TidingsError("E601", name=part, where=text)
                elements.append(Element("words", synsets[name], glued=glued))
            else:
                elements.append(Element("words", ((part.lower(),),), glued=glued))
    return tuple(elements)


def _yaml_pattern(entry: dict[str, Any], kind: str, order: int, origin: str) -> Pattern:
    lemma = str(entry.get("lemma", "")).strip().lower()
    if not lemma:
        raise TidingsError("E602", origin=origin, entry=entry)
    code = _code(entry.get("code"))
    objects = frozenset(_words(entry.get("object")))
    preps = _words(entry.get("prep"))
    particle = _word(entry["particle"]) if entry.get("particle") is not None else None
    after = parse_sequence(str(entry["after"])) if entry.get("after") else ()
    before = parse_sequence(str(entry["before"])) if entry.get("before") else ()
    verb_glued = False
    if " " in lemma:  # "air strike": the last word is the head, the others stand right before it
        *lead, lemma = lemma.split()
        before = before + parse_sequence("_".join(lead))
        verb_glued = True
    pid = entry.get("id") or "/".join(
        x
        for x in (
            str(entry.get("lemma")).strip().lower().replace(" ", "-"),
            particle or "",
            "+".join(preps),
            "+".join(sorted(objects)[:2]),
            str(entry.get("after") or "").lower().replace(" ", "-"),
        )
        if x
    )
    return Pattern(
        id=str(pid),
        kind=kind,
        lemma=lemma,
        code=code,
        reverse=_code(entry.get("reverse")),
        particle=particle,
        preps=preps,
        objects=objects,
        target_preps=_words(entry.get("target")),
        source_preps=_words(entry.get("source")),
        before=before,
        after=after,
        verb_glued=verb_glued,
        negated=_code(entry.get("negated")),
        order=order,
    )


def _index(patterns: Iterable[Pattern]) -> tuple[dict, dict, dict]:
    verbs: dict[str, list[Pattern]] = {}
    forms: dict[str, list[Pattern]] = {}
    nouns: dict[str, list[Pattern]] = {}
    for p in patterns:
        if p.kind == "noun":
            nouns.setdefault(p.lemma, []).append(p)
        elif p.forms:
            for f in p.forms:
                forms.setdefault(f, []).append(p)
        else:
            verbs.setdefault(p.lemma, []).append(p)
    return (
        {k: tuple(v) for k, v in verbs.items()},
        {k: tuple(v) for k, v in forms.items()},
        {k: tuple(v) for k, v in nouns.items()},
    )


def pattern_set_from_yaml(data: dict[str, Any], origin: str, start: int = 0) -> PatternSet:
    """Build a ``PatternSet`` from one parsed YAML document (see data/patterns/*.yaml)."""
    if not isinstance(data, dict):
        raise TidingsError("E603", origin=origin)
    patterns: list[Pattern] = []
    order = start
    for kind, key in (("verb", "verbs"), ("noun", "nouns")):
        for entry in data.get(key) or ():
            if not isinstance(entry, dict):
                raise TidingsError("E602", origin=origin, entry=entry)
            patterns.append(_yaml_pattern(entry, kind, order, origin))
            order += 1
    verbs, forms, nouns = _index(patterns)
    rules = data.get("rules") or {}
    return PatternSet(
        verbs=verbs,
        verb_forms=forms,
        nouns=nouns,
        reporting=frozenset(_words(rules.get("reporting"))),
        light_verbs=frozenset(_words(rules.get("light_verbs"))),
        modal_verbs={str(k).lower(): str(v) for k, v in (rules.get("modal_verbs") or {}).items()},
        modal_aux=frozenset(_words(rules.get("modal_aux"))),
        appeal_aux=frozenset(_words(rules.get("appeal_aux"))),
        negating_verbs=frozenset(_words(rules.get("negating_verbs"))),
        negation_map={str(k): str(v) for k, v in (rules.get("negation") or {}).items()},
        appeal_map={str(k): str(v) for k, v in (rules.get("appeal") or {}).items()},
        intent_map={str(k): str(v) for k, v in (rules.get("intent") or {}).items()},
        sources=(origin,),
    )


def load_pattern_file(path: str | Path, start: int = 0) -> PatternSet:
    """Read one YAML pattern file."""
    path = Path(path)
    if not path.exists():
        raise TidingsError("E303", path=str(path))
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TidingsError("E603", origin=f"{path} ({exc})") from exc
    return pattern_set_from_yaml(data, str(path), start=start)


def load_patterns(
    *,
    builtin: bool = True,
    files: Sequence[str | Path] = (),
    petrarch_verbs: str | Path | None = None,
    options: CoderOptions | dict[str, Any] | None = None,
    **_ignored: Any,
) -> PatternSet:
    """Load the event patterns: the shipped ``data/patterns/*.yaml``, then user YAML ``files``, then a
    PETRARCH verbs dictionary. Later sources take precedence over earlier ones for the same head word.
    """
    result = PatternSet()
    paths: list[Path] = sorted(PATTERNS_DIR.glob("*.yaml")) if builtin else []
    paths += [Path(p) for p in files]
    for k, path in enumerate(paths):
        # later files win ties between equally specific patterns: they get the smaller order
        part = load_pattern_file(path, start=(len(paths) - k) * _ORDER_BLOCK)
        result = result.merged(part) if len(result) or result.sources else part
    if petrarch_verbs is not None:
        from tidings.knowledge.petrarch_verbs import load_petrarch_verbs

        result = result.merged(load_petrarch_verbs(petrarch_verbs))
    if options is not None:
        opts = options if isinstance(options, CoderOptions) else CoderOptions(**options)
        result = replace(result, options=opts)
    return result


# --------------------------------------------------------------------------------------------
# Optional collaborators (other areas' modules; missing ones leave their fields empty)
# --------------------------------------------------------------------------------------------


@functools.cache  # asked for each document; importlib's own look-up costs more than this one
def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


# --------------------------------------------------------------------------------------------
# Actors in the parse
# --------------------------------------------------------------------------------------------


@dataclass(unsafe_hash=True)  # never changed once built (not frozen: frozen instances build slowly)
class _Actor:
    start: int  # token offsets in the doc, end exclusive
    end: int
    mention: Any  # tidings.extract.actors.ActorMention (duck-typed: code, name, actor_id, country)
    joint_code: str | None = None  # "ERI/CAL" when several mentions share this phrase
    # (code, mention) for each code the phrase is read as, primary first: "Russian and Chinese
    # diplomats" acts as RUSGOV (the Russian mention) and as CHNGOV (the Chinese mention)
    readings: tuple[tuple[str, Any], ...] = ()
    # read for every candidate pair of every event: set once (the mention never changes)
    code: str | None = field(init=False, compare=False, repr=False)
    codes: tuple[str | None, ...] = field(init=False, compare=False, repr=False)
    key: tuple[int, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.code = self.joint_code or getattr(self.mention, "code", None) or None
        self.codes = tuple(c for c in (self.code or "").split("/") if c) or (None,)
        self.key = (self.start, self.end)

    def mention_for(self, code: str | None) -> Any:
        """The mention behind one of this phrase's codes (its name, actor id and country)."""
        for reading_code, mention in self.readings:
            if reading_code == code:
                return mention
        return self.mention

    def contains(self, i: int) -> bool:
        return self.start <= i < self.end


# Dependencies whose subtrees are not part of a noun phrase's own actors.
_NP_EXCLUDE = {"relcl", "acl", "advcl", "appos", "conj", "cc", "punct", "parataxis", "ccomp"}
_VP_EXCLUDE_CLAUSE = {"conj", "cc", "advcl", "ccomp", "parataxis", "relcl", "csubj"}
_VP_EXCLUDE_PHRASE = {"conj", "cc", "parataxis"}
_NEGATION_WORDS = {"not", "n't", "never", "no"}


class _Coder:
    """Codes one document. Holds the token→actor index; every method is a pure reading of the parse."""

    def __init__(self, doc: Doc, article: Article, patterns: PatternSet, findings: Findings) -> None:
        self.doc = doc
        self.article = article
        self.patterns = patterns
        self.options = patterns.options
        self.findings = findings
        import numpy
        from spacy.attrs import LEMMA, ORTH
        from spacy.strings import hash_string
        from spacy.symbols import AUX, NOUN, PROPN, VERB

        from tidings.extract.coref import Children, DocColumns

        # The parse as per-token lists, shared with the stages before this one (the references
        # stage builds them): the coder reads the same few attributes of the same tokens again and
        # again, and a list lookup costs a fraction of the Token attribute it stands for.
        doc_columns = getattr(findings.references, "columns", None)
        if doc_columns is None or doc_columns.doc is not doc:
            doc_columns = DocColumns(doc)
        self._columns = doc_columns
        self._tokens: list[Token] = doc_columns.tokens  # ``doc[i]``
        self._deps: list[str] = doc_columns.deps  # ``token.dep_``
        self._lowers: list[str] = doc_columns.lowers  # ``token.lower_``
        self._offsets: list[int] = doc_columns.idx  # ``token.idx``
        self._texts: list[str] = doc_columns.texts  # ``token.text``
        self._pos: list[int] = doc_columns.pos  # ``token.pos``, tested against these:
        self._verb_pos = (VERB, AUX)  # ``token.pos_ in ("VERB", "AUX")``
        self._noun_pos = (NOUN, PROPN)  # ``token.pos_ in ("NOUN", "PROPN")``

        # Lemma and form ids of every token in one call (a spaCy Token object per token costs more
        # than most tests made on it). The word, lemma and form ids stay in numpy: made into
        # Python ints (64-bit hashes) they cost more than the tests made on them.
        columns = doc.to_array([LEMMA, ORTH]) if len(doc) else numpy.zeros((0, 2), "uint64")
        lower = numpy.array(doc_columns.lower_ids, dtype="uint64")
        self._id_columns = (lower, columns[:, 0], columns[:, 1])  # LOWER, LEMMA, ORTH
        self._heads: list[int] = doc_columns.head_of  # ``token.head.i``
        # ``list(token.children)`` of every token, in order: the coder reads the children of the
        # same tokens many times (a verb's, for its subject, objects, negation, modality...), and
        # ``children`` makes new Tokens each time
        tokens = self._tokens
        self._kids: dict[int, list[Token]] = Children(
            {head: [tokens[c] for c in kids] for head, kids in doc_columns.children.items()}
        )
        self._and_or = frozenset(  # the tokens that are "and" or "or"
            ((lower == numpy.uint64(hash_string("and"))) | (lower == numpy.uint64(hash_string("or"))))
            .nonzero()[0]
            .tolist()
        )
        offsets, texts = self._offsets, self._texts
        by_phrase: dict[tuple[int, int], list[Any]] = {}
        for mention in findings.actors:
            spans = getattr(mention, "spans", ())
            if not spans:
                continue
            if not getattr(mention, "code", None) and not getattr(mention, "actor_id", None):
                continue  # a phrase the actors stage could not place is not an actor
            start_char, end_char = spans[0].start, spans[0].end
            first = bisect.bisect_left(offsets, start_char)
            last = bisect.bisect_right(offsets, end_char - 1) - 1
            if (
                first <= last
                and first < len(offsets)
                and offsets[first] == start_char
                and offsets[last] + len(texts[last]) == end_char
            ):
                # a mention aligned with its tokens: what char_span would say, without the Span
                by_phrase.setdefault((first, last + 1), []).append(mention)
                continue
            span = doc.char_span(spans[0].start, spans[0].end, alignment_mode="expand")
            if span is not None and len(span):
                by_phrase.setdefault((span.start, span.end), []).append(mention)
        self.actors: list[_Actor] = []
        for (start, end), mentions in by_phrase.items():
            if len(mentions) == 1:
                code = getattr(mentions[0], "code", None) or ""
                if "/" not in code:  # most phrases: one mention with one code, read as that code
                    self.actors.append(
                        _Actor(start, end, mentions[0], None, ((code, mentions[0]),) if code else ())
                    )
                    continue
            # one phrase read as several actors (a collective, or "X and Y leaders") acts as each
            codes = list(
                dict.fromkeys(c for m in mentions for c in (getattr(m, "code", None) or "").split("/") if c)
            )
            joint = "/".join(codes) if len(codes) > 1 else None
            readings: dict[str, Any] = {}
            for m in mentions:
                for c in (getattr(m, "code", None) or "").split("/"):
                    if c:
                        readings.setdefault(c, m)
            self.actors.append(_Actor(start, end, mentions[0], joint, tuple(readings.items())))
        self.actors.sort(key=lambda a: (a.start, -(a.end - a.start)))
        self._keys_by_code: dict[str, list[tuple[int, int]]] = {}  # the phrases each code acts in
        for a in self.actors:
            if a.code:
                self._keys_by_code.setdefault(a.code, []).append(a.key)
        self.actor_at: dict[int, _Actor] = {}
        for a in self.actors:
            for i in range(a.start, a.end):
                # prefer the longest mention covering a token
                cur = self.actor_at.get(i)
                if cur is None or (cur.end - cur.start) < (a.end - a.start):
                    self.actor_at[i] = a
        self.codebook = _optional("tidings.codebook")
        self.dates = _optional("tidings.extract.dates")
        self.places = _optional("tidings.extract.places")
        self.corpus = _optional("tidings.corpus.events")
        # Readings of the parse asked for again and again (each verb reads its subject's actors,
        # each actor reading walks a subtree): computed once per token.
        self._np_cache: dict[int, list[Token]] = {}
        self._actors_cache: dict[int, list[_Actor]] = {}
        self._date_cache: dict[tuple[int, int], Any] = {}  # by span: a sentence's date, a phrase's
        self._place_cache: dict[tuple[int, int], Any] = {}  # by sentence
        self._forms_cache: dict[int, tuple[str, str]] = {}
        self._doc_places: Any = None  # tidings.extract.places.DocumentPlaces of this document
        self._subject_cache: dict[int, tuple[list[Token], bool, bool]] = {}
        self._phrase_cache: dict[tuple[int, str], list[Token]] = {}
        self._coded_cache: dict[int, bool] = {}  # by token: whether a coded pattern matches it
        self._governed_cache: dict[int, bool] = {}
        self._entries: dict[str, Any] = {}  # codebook entries by code
        # (start, end, quote number) of every quoted passage, in the findings' order, once asked for
        self._quote_spans: list[tuple[int, int, int]] | None = None
        self._quote_ids: dict[int, str | None] = {}  # by quote number (an id is a hash: made once)
        self._sentences: list[SpacySpan] | None = None
        self._sentence_starts: list[int] = []
        self._object_words_cache: dict[int, set[str]] = {}
        self._emitted: set[tuple[tuple[Span, ...], str]] = set()  # (spans, rule) of the events built
        self._after_cache: dict[int, list[Token]] = {}  # by head: ``match``'s words after it
        self._before_cache: dict[int, list[Token]] = {}  # by head: ``match``'s words before it

    # ---- actors of a phrase -----------------------------------------------------------------

    def _np_tokens(self, head: Token) -> list[Token]:
        cached = self._np_cache.get(head.i)
        if cached is None:
            cached = self._np_cache[head.i] = self._np_tokens_uncached(head)
        return list(cached)

    def _np_tokens_uncached(self, head: Token) -> list[Token]:
        deps = self._deps
        out: list[Token] = []
        stack = [head]
        while stack:
            t = stack.pop()
            out.append(t)
            for c in self._kids[t.i]:
                if deps[c.i] not in _NP_EXCLUDE:
                    stack.append(c)
        return sorted(out, key=lambda t: t.i)

    def actors_of(self, head: Token | None) -> list[_Actor]:
        """The actors a noun phrase names: one per conjunct ("Gondor and Osgiliath" gives two)."""
        if head is None:
            return []
        cached = self._actors_cache.get(head.i)
        if cached is None:
            cached = self._actors_cache[head.i] = self._actors_of_uncached(head)
        return list(cached)

    def _actors_of_uncached(self, head: Token) -> list[_Actor]:
        heads = [head] + [c for c in head.conjuncts if c.i > head.i]
        # "Mordor, the Shire, Fornost and Bree": the parser reads a list member as an apposition;
        # in a coordination an apposition is one more member ("X, the state's foe" is not a list)
        deps = self._deps
        for appos in [c for h in list(heads) for c in self._kids[h.i] if deps[c.i] == "appos"]:
            if _names_the_head(appos):
                continue  # "his South Korean counterpart, Park Jae-won": one person, twice
            members = [appos] + [c for c in appos.conjuncts if c.i > appos.i]
            if len(heads) > 1 or len(members) > 1:
                heads += [m for m in members if m.i not in {h.i for h in heads}]
        heads.sort(key=lambda t: t.i)
        out: list[_Actor] = []
        for h in heads:
            for a in self._actors_of_conjunct(h):
                if a.key not in {x.key for x in out}:
                    out.append(a)
        return out

    def _actors_of_conjunct(self, head: Token) -> list[_Actor]:
        own = self.actor_at.get(head.i)
        np = self._np_tokens(head)
        if self._folds_coordination(head):
            # a coordination the parser folded into one phrase ("Fornost and the evil awful Gondor")
            found: list[_Actor] = []
            for t in np:
                a = self.actor_at.get(t.i)
                if a is not None and a.key not in {x.key for x in found}:
                    found.append(a)
            if len(found) > 1:
                return found
        if own is not None:
            return [own] + self._coordinated_inside(own)
        inside: list[_Actor] = []
        for t in self._np_tokens(head):
            a = self.actor_at.get(t.i)
            if a is None:
                continue
            if _through_place_preposition(t, head):
                continue  # "towns near the border with China": China is where, not who
            if a.key not in {x.key for x in inside} and not self._is_possessive_pronoun(a):
                inside.append(a)
        if not inside:
            return []
        first = inside[0]
        # "the ambassadors of Arnor, Osgiliath and Gondor": the first actor's conjuncts come along
        first_head = self.doc[first.start : first.end].root
        group = [first]
        for c in first_head.conjuncts:
            a = self.actor_at.get(c.i)
            if a is not None and a.key not in {x.key for x in group}:
                group.append(a)
        return group

    def _folds_coordination(self, head: Token) -> bool:
        """Whether a conjoined noun stands left of the head in its subtree ("Fornost and Gondor"
        read as one phrase headed by "Gondor")."""
        deps, pos, noun_pos = self._deps, self._pos, self._noun_pos
        # the subtree's words left of the head lie between its left edge and the head: most
        # phrases have no conjoined noun there, and the subtree is only walked when one does
        if not any(deps[j] == "conj" and pos[j] in noun_pos for j in range(head.left_edge.i, head.i)):
            return False
        return any(t.i < head.i and deps[t.i] == "conj" and pos[t.i] in noun_pos for t in head.subtree)

    def _coordinated_inside(self, outer: _Actor) -> list[_Actor]:
        """Actors nested in a coordination read as one phrase ("Arnor, Calenardhon and the evil
        Gondor" as GON, with "Calenardhon" as CAL inside): each conjunct acts too."""
        if not any(i in self._and_or for i in range(outer.start, outer.end)):
            return []  # no "and"/"or" in the phrase (read off the word ids, without Token objects)
        tokens = self.doc[outer.start : outer.end]
        if not any(t.lower_ in ("and", "or") and t.dep_ == "cc" for t in tokens):
            return []
        outer_codes = set(outer.codes)
        return [
            a
            for a in self.actors
            if a.key != outer.key
            and outer.start <= a.start
            and a.end <= outer.end
            and not set(a.codes) & outer_codes
            and not self._is_possessive_pronoun(a)
        ]

    def _is_possessive_pronoun(self, actor: _Actor) -> bool:
        """Possessive pronouns ("its embassy", "their credentials") name owners, not targets."""
        return all(t.tag_ == "PRP$" for t in self.doc[actor.start : actor.end])

    def first_actors_in(self, tokens: Sequence[Token], exclude: set[tuple[int, int]]) -> list[_Actor]:
        """The first actor (with its conjuncts) among these tokens, skipping excluded mentions."""
        for t in tokens:
            a = self.actor_at.get(t.i)
            if a is None or a.key in exclude or self._is_possessive_pronoun(a):
                continue
            head = self.doc[a.start : a.end].root
            group = [a]
            for c in head.conjuncts:
                b = self.actor_at.get(c.i)
                if b is not None and b.key not in exclude and b.key not in {x.key for x in group}:
                    group.append(b)
            return group
        return []

    # ---- syntax helpers ---------------------------------------------------------------------

    def subject(self, verb: Token) -> tuple[list[Token], bool, bool]:
        """(subject heads, passive, inherited) for a verb, climbing xcomp/conj/acomp chains.

        Several heads come back when the parser split one subject ("Old foes Gondor and ..."). A
        subject the parser hung on an auxiliary ("X was heavily criticized") counts as the verb's.
        The passive flag is only set for the verb's own subject: "X was seen to break into Y"
        makes X the subject of "break", not its object.
        """
        cached = self._subject_cache.get(verb.i)
        if cached is None:
            cached = self._subject_cache[verb.i] = self._subject_uncached(verb)
        heads, passive, inherited = cached
        return list(heads), passive, inherited

    def _subject_uncached(self, verb: Token) -> tuple[list[Token], bool, bool]:
        deps = self._deps
        t = verb
        inherited = False
        for _ in range(MAX_SUBJECT_HOPS + 1):
            children = self._kids[t.i]
            holders = [children] + [self._kids[c.i] for c in children if deps[c.i] in ("aux", "auxpass")]
            heads = [c for kids in holders for c in kids if deps[c.i] in ("nsubj", "csubj", "nsubjpass")]
            if heads:
                passive = not inherited and (
                    any(deps[c.i] == "nsubjpass" for c in heads)
                    or any(deps[c.i] == "auxpass" for c in children)
                )
                return sorted(heads, key=lambda c: c.i), passive, inherited
            dep = deps[t.i]
            if dep == "xcomp":
                obj = next((c for c in self._kids[t.head.i] if c.dep_ in ("dobj", "obj")), None)
                if obj is not None and t.head.lemma_.lower() not in {"promise", "vow", "pledge"}:
                    return [obj], False, True
                t, inherited = t.head, True
                continue
            if dep in ("conj", "acomp"):
                t, inherited = t.head, True
                continue
            if dep == "attr" and t.tag_ == "VBG" and t.head.lemma_ == "be":
                # "Qatar is mediating": a progressive the parser read as "is" + attribute
                t = t.head
                continue
            if dep == "relcl":
                return [t.head], False, True
            if dep == "acl" and t.head.pos_ == "NOUN":
                # "Sweden's decision to suspend aid": the possessor decides and acts
                owners = [c for c in self._kids[t.head.i] if c.dep_ == "poss"]
                if owners:
                    return owners, False, True
                break
            if (
                dep == "advcl"
                and self.options.inherit_participles
                and t.tag_ == "VB"
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in self._kids[t.i])
            ):
                # "students marched to demand the release": the marchers demand
                t, inherited = t.head, True
                continue
            if dep == "advcl" and t.tag_ == "VBG" and self.options.inherit_participles:
                t, inherited = t.head, True
                continue
            if dep == "pcomp" and t.head.dep_ == "prep" and self.options.inherit_participles:
                # "after meeting the president", "by resuming talks"
                t, inherited = t.head.head, True
                continue
            break
        return [], False, inherited

    def actors_of_all(self, heads: Sequence[Token]) -> list[_Actor]:
        out: list[_Actor] = []
        for h in heads:
            for a in self.actors_of(h):
                if a.key not in {x.key for x in out}:
                    out.append(a)
        return out

    def _between(self, heads: Sequence[Token]) -> list[_Actor]:
        """The actors of a "between X and Y" phrase on a subject ("ties between Seoul and Tokyo")."""
        for h in heads:
            for c in self._kids[h.i]:
                if c.dep_ == "prep" and c.lower_ == "between":
                    return self.actors_of(next((g for g in self._kids[c.i] if g.dep_ == "pobj"), None))
        return []

    def passive_agent(self, verb: Token) -> Token | None:
        for c in self._kids[verb.i]:
            if c.dep_ == "agent":
                return next((g for g in self._kids[c.i] if g.dep_ == "pobj"), None)
        return None

    def phrase_tokens(self, verb: Token, scope: str) -> list[Token]:
        """Tokens after the verb in its phrase, in order (excluding conjoined verbs' own phrases)."""
        key = (verb.i, scope)
        cached = self._phrase_cache.get(key)
        if cached is None:
            cached = self._phrase_cache[key] = self._phrase_tokens_uncached(verb, scope)
        return list(cached)

    def _phrase_tokens_uncached(self, verb: Token, scope: str) -> list[Token]:
        exclude = _VP_EXCLUDE_PHRASE if scope == "phrase" else _VP_EXCLUDE_CLAUSE
        out: list[Token] = []
        stack = [c for c in self._kids[verb.i] if c.i > verb.i and c.dep_ not in exclude]
        if scope == "phrase":
            # "left ... for meetings with Arnor": conjoined nouns inside objects stay in
            stack = [
                c
                for c in self._kids[verb.i]
                if c.i > verb.i
                and not (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))
                and c.dep_ not in ("cc", "parataxis")
            ]
        while stack:
            t = stack.pop()
            out.append(t)
            for c in self._kids[t.i]:
                if scope == "phrase" and c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"):
                    continue
                if scope != "phrase" and c.dep_ in ("relcl", "advcl", "ccomp", "parataxis"):
                    continue
                stack.append(c)
        return sorted(out, key=lambda t: t.i)

    def negated(self, verb: Token) -> bool:
        """Negated by "not"/"never" on the verb or a verb above it, or by "refused to"/"failed to"."""
        if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in self.patterns.negating_verbs:
            return not any(c.dep_ == "neg" for c in self._kids[verb.head.i])
        if any(
            c.dep_ == "neg" or c.lower_ in _NEGATION_WORDS and c.dep_ in ("advmod", "neg")
            for c in self._kids[verb.i]
        ):
            return True
        if (
            verb.dep_ == "conj"
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in self._kids[verb.i])
            and any(c.dep_ == "cc" and c.lower_ in ("or", "nor") for c in self._kids[verb.head.i])
            and any(c.dep_ == "neg" for c in self._kids[verb.head.i])
        ):
            return True  # "did not confirm or deny": the negation covers both verbs
        # "failed to", "refused to" are coded by their own patterns; "did not agree to share"
        head = verb
        while head.dep_ in ("xcomp",) and head.head.i != head.i:
            head = head.head
            if any(c.dep_ == "neg" for c in self._kids[head.i]):
                return True
        return False

    def modality(self, verb: Token) -> str | None:
        """The cue that makes the event uncertain: a modal auxiliary, a planning verb, a condition."""
        for c in self._kids[verb.i]:
            if c.dep_ == "aux" and c.lemma_.lower() in self.patterns.modal_aux:
                return c.lemma_.lower()
        t = verb
        for _ in range(MAX_SUBJECT_HOPS):
            if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in self._kids[t.i]):
                return "if"
            if t.dep_ in ("xcomp", "acomp", "conj") and t.head.i != t.i:
                parent = t.head
                if t.dep_ == "xcomp" and parent.lemma_.lower() in self.patterns.modal_verbs:
                    return self.patterns.modal_verbs[parent.lemma_.lower()]
                for c in self._kids[parent.i]:
                    if c.dep_ == "aux" and c.lemma_.lower() in self.patterns.modal_aux:
                        return c.lemma_.lower()
                t = parent
                continue
            break
        return None

    def appeal_cue(self, verb: Token) -> str | None:
        for c in self._kids[verb.i]:
            if c.dep_ == "aux" and c.lemma_.lower() in self.patterns.appeal_aux:
                return c.lemma_.lower()
        if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ("need", "have", "ought"):
            return verb.head.lemma_.lower()
        return None

    def speech_head(self, verb: Token) -> Token | None:
        """The reporting verb whose content clause holds this verb ("X said [Y should ...]")."""
        t = verb
        for _ in range(MAX_SUBJECT_HOPS):
            if t.dep_ in ("ccomp", "parataxis") and t.head.lemma_.lower() in self.patterns.reporting:
                return t.head
            if t.dep_ in ("xcomp", "conj", "acomp") and t.head.i != t.i:
                t = t.head
                continue
            break
        return None

    # ---- pattern matching -------------------------------------------------------------------

    def _forms(self, token: Token) -> tuple[str, str]:
        """(lower-cased word, lower-cased lemma) of a token, as ``_word_matches`` compares them."""
        forms = self._forms_cache.get(token.i)
        if forms is None:
            forms = self._forms_cache[token.i] = (token.lower_, token.lemma_.lower())
        return forms

    def _sentence_of(self, token: Token) -> SpacySpan:
        """``token.sent``, from the document's sentences listed once (``token.sent`` walks the
        document to the sentence's edges each time)."""
        if self._sentences is None:
            self._sentences = list(self.doc.sents)
            self._sentence_starts = [s.start for s in self._sentences]
        return self._sentences[bisect.bisect_right(self._sentence_starts, token.i) - 1]

    def _match_elements(
        self,
        elements: Sequence[Element],
        glues: Sequence[bool],
        tokens: Sequence[Token],
        start: int,
        edge: int,
        step: int,
        roles: dict[str, _Actor],
        surface: bool = False,
    ) -> dict[str, _Actor] | None:
        """Match elements in order against tokens[start:], backtracking over gaps.

        ``tokens`` run away from the head word (``step`` +1 after it, -1 before it); ``edge`` is the
        document index of the last word matched so far (the head word at first); ``glues[k]`` says
        element k must touch that edge. ``surface`` compares words by their form only (imported
        dictionaries list forms: "RESOLUTION" does not match "resolutions").
        """
        if not elements:
            return roles
        el, glued = elements[0], glues[0]
        if el.kind == "skip":
            # PETRARCH's ^ passes over one noun phrase (an actor, or words up to a noun head)
            pos = start
            while pos < len(tokens):
                a = self.actor_at.get(tokens[pos].i)
                if a is not None:
                    while pos + 1 < len(tokens) and a.contains(tokens[pos + 1].i):
                        pos += 1
                    break
                if tokens[pos].pos_ in ("NOUN", "PROPN", "PRON") and tokens[pos].dep_ != "compound":
                    break
                pos += 1
            if pos >= len(tokens):
                return None
            return self._match_elements(
                elements[1:], glues[1:], tokens, pos + 1, tokens[pos].i, step, roles, surface
            )
        for pos in range(start, len(tokens)):
            if glued and tokens[pos].i != edge + step:
                if (tokens[pos].i - edge) * step > 1:
                    break
                continue
            if el.kind in ("source", "target"):
                a = self.actor_at.get(tokens[pos].i)
                if a is None:
                    continue
                n = pos
                while n + 1 < len(tokens) and a.contains(tokens[n + 1].i):
                    n += 1
                found = self._match_elements(
                    elements[1:], glues[1:], tokens, n + 1, tokens[n].i, step, {**roles, el.kind: a}, surface
                )
                if found is not None:
                    return found
                continue
            word, lemma = self._forms(tokens[pos])
            for choice in el.choices:
                seq = choice if step > 0 else tuple(reversed(choice))
                if seq and seq[0] != word and (surface or seq[0] != lemma):
                    continue  # the first word decides most choices: no Token work for them
                end = pos + len(seq)
                if end > len(tokens):
                    continue
                if not all(_word_matches(w, tokens[pos + k], surface) for k, w in enumerate(seq) if k):
                    continue
                if any(tokens[pos + k + 1].i != tokens[pos + k].i + step for k in range(len(seq) - 1)):
                    continue
                found = self._match_elements(
                    elements[1:], glues[1:], tokens, end, tokens[end - 1].i, step, roles, surface
                )
                if found is not None:
                    return found
        return None

    def match(self, pattern: Pattern, head: Token, sent: SpacySpan) -> dict[str, _Actor] | None:
        """Check a pattern's constraints at a head token; returns actor slots filled by the pattern."""
        if pattern.particle and not any(
            c.dep_ in ("prt", "advmod", "prep") and c.lower_ == pattern.particle for c in self._kids[head.i]
        ):
            return None
        if pattern.preps and not any(
            c.dep_ in ("prep", "agent", "dative", "prt") and c.lower_ in pattern.preps
            for c in self._kids[head.i]
        ):
            return None
        if pattern.objects and not self._object_matches(head, pattern.objects):
            return None
        roles: dict[str, _Actor] = {}
        if pattern.after:
            after = self._after_cache.get(head.i)
            if after is None:  # read (never changed) by every pattern of the head with words after it
                after = self._after_cache[head.i] = [
                    t for t in self.phrase_tokens(head, "phrase") if t.i > head.i
                ]
            glues = [e.glued for e in pattern.after]
            found = self._match_elements(
                pattern.after, glues, after, 0, head.i, 1, roles, bool(pattern.forms)
            )
            if found is None:
                return None
            roles = found
        if pattern.before:
            before = self._before_cache.get(head.i)
            if before is None:  # the sentence's words before the head, nearest first
                before = self._before_cache[head.i] = self._tokens[sent.start : head.i][::-1]
            elements = tuple(reversed(pattern.before))
            # reading leftwards, element k must touch the element read before it when that one is glued
            glues = [pattern.verb_glued] + [e.glued for e in elements[:-1]]
            found = self._match_elements(elements, glues, before, 0, head.i, -1, roles, bool(pattern.forms))
            if found is None:
                return None
            roles = found
        return roles

    def _object_matches(self, head: Token, objects: frozenset[str]) -> bool:
        words = self._object_words_cache.get(head.i)
        if words is None:
            words = self._object_words_cache[head.i] = self._object_words(head)
        return not words.isdisjoint(objects)

    def _object_words(self, head: Token) -> set[str]:
        """Every word by which an object pattern can match this head (see ``_object_matches``)."""
        out: set[str] = set()
        children = list(self._kids[head.i])
        # "sent tents and medical supplies": every conjoined object counts
        children += [g for c in children if c.dep_ in ("dobj", "obj") for g in c.conjuncts]
        for c in children:
            if c.dep_ in ("dobj", "obj", "attr", "nsubjpass", "oprd", "conj") or (
                head.pos_ == "NOUN" and c.dep_ in ("compound", "amod")
            ):
                out |= {c.lemma_.lower(), c.lower_} | {
                    g.lemma_.lower() for g in self._kids[c.i] if g.dep_ in ("compound", "amod")
                }
            if c.dep_ == "prep":  # "calls for sanctions": object of the required preposition
                for g in self._kids[c.i]:
                    if g.dep_ == "pobj":
                        out |= {g.lemma_.lower(), g.lower_}
        return out

    # ---- coding -----------------------------------------------------------------------------

    def code(self) -> list[EventMention]:
        events: list[EventMention] = []
        story_discards, sentence_discards = self.patterns.story_discards, self.patterns.sentence_discards
        if story_discards:
            tokens_lower = [t.lower_ for t in self.doc]
            if any(_contains_seq(tokens_lower, seq) for seq in story_discards):
                return []
        # only a token whose word or lemma heads some pattern is looked at
        candidates = self._candidate_tokens()
        actor_tokens = sorted(self.actor_at)
        self._sentences = list(self.doc.sents)
        self._sentence_starts = [s.start for s in self._sentences]
        for s_index, sent in enumerate(self._sentences):
            first = bisect.bisect_left(candidates, sent.start)
            last = bisect.bisect_left(candidates, sent.end)
            if first == last:
                continue  # no candidate pattern in the sentence
            k = bisect.bisect_left(actor_tokens, sent.start)
            if k == len(actor_tokens) or actor_tokens[k] >= sent.end:
                # no actor in the sentence: every source and target is an actor the coder reaches
                # through the sentence's own parse, so none of its candidates can code an event
                continue
            if sentence_discards:
                lower = [t.lower_ for t in sent]
                if any(_contains_seq(lower, seq) for seq in sentence_discards):
                    continue
            for i in candidates[first:last]:
                events.extend(self._code_token(self._tokens[i], sent, s_index))
        return _dedupe(events)

    def _candidate_tokens(self) -> list[int]:
        """The tokens whose word or its lemma (lower-cased) heads some pattern, in document order."""
        import numpy

        patterns = self.patterns
        lower_ids, lemma_ids, orth_ids = self._id_columns
        words = patterns.head_hash_array
        if len(words):
            at = words.searchsorted(lower_ids)
            at[at == len(words)] = 0
            word_hit = words[at] == lower_ids
        else:
            word_hit = numpy.zeros(len(lower_ids), dtype=bool)
        # A lemma that is the word itself, as written or lower-cased, lower-cases to the word: it
        # heads a pattern only if the word does. Only the other lemmas are read, one by one.
        other = (lemma_ids != lower_ids) & (lemma_ids != orth_ids) & ~word_hit
        other_at = other.nonzero()[0]  # (the methods: numpy's functions wrap them in Python)
        heads, lemma_memo, strings = patterns.head_words, patterns.lemma_memo, self.doc.vocab.strings
        lemma_hits = []
        for i, lemma_id in zip(other_at.tolist(), lemma_ids[other_at].tolist(), strict=True):
            hit = lemma_memo.get(lemma_id)
            if hit is None:
                hit = lemma_memo[lemma_id] = strings[lemma_id].lower() in heads
            if hit:
                lemma_hits.append(i)
        found: list[int] = word_hit.nonzero()[0].tolist()
        if lemma_hits:
            found = sorted(found + lemma_hits)
        return found

    def _code_token(self, token: Token, sent: SpacySpan, s_index: int) -> list[EventMention]:
        i = token.i
        pos = self._pos[i]
        is_verb_pos = pos in self._verb_pos
        if is_verb_pos or token.tag_.startswith("VB"):
            kind = "verb"
        elif pos in self._noun_pos and self.options.nouns:
            kind = "noun"
        else:
            return []
        head = self._heads[i]
        if head != i and self._lowers[head] in NEGATING_PREPOSITIONS:
            return []  # "charged at the crowd without warning": the warning did not happen
        if kind == "noun" and self._names_or_modifies(token):
            return []
        for pattern in self.patterns.candidates(token, kind):
            if kind == "verb" and not pattern.forms and not is_verb_pos:
                continue
            roles = self.match(pattern, token, sent)
            if roles is None:
                continue
            if pattern.code is None:
                return []
            if kind == "noun":
                return self._code_noun(pattern, token, sent, s_index)
            return self._code_verb(pattern, token, sent, s_index, roles)
        return []

    def _names_or_modifies(self, noun: Token) -> bool:
        """A noun inside an actor's name ("the Ministry for Economic Cooperation", "the aid group")
        or modifying another noun ("aid workers", "protest movement") names no event."""
        actor = self.actor_at.get(noun.i)
        if actor is not None and actor.end - actor.start > 1:
            return True
        return noun.dep_ == "compound" and noun.head.pos_ in ("NOUN", "PROPN")

    def _code_verb(
        self, pattern: Pattern, verb: Token, sent: SpacySpan, s_index: int, roles: dict[str, _Actor]
    ) -> list[EventMention]:
        if self._governed_by_coded(verb) or self._defers_to_complement(verb):
            return []
        pattern = self._appeal_for_complement(pattern, verb)
        subj, passive, inherited = self.subject(verb)
        if not subj and not passive and "source" not in roles and self.options.apply_maps:
            # "a law against threatening the king", "a resolution criticising Iran": a generic or
            # hypothetical action with nobody doing it is not an event
            return []
        to_infinitive = verb.tag_ == "VB" and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in self._kids[verb.i]
        )
        if (
            to_infinitive
            and not passive
            and "source" not in roles
            and self.options.apply_maps
            and not self.actors_of_all(subj)
        ):
            # "will test the alliance's ability to reinforce Norway": an infinitive whose doer is
            # no actor describes a capacity or a goal, not an act
            return []
        sources: list[_Actor] = []
        targets: list[_Actor] = []
        confidence = CONFIDENCE_INHERITED if inherited else CONFIDENCE_DIRECT
        if passive:
            agent = self.passive_agent(verb)
            if agent is not None:
                sources = self.actors_of(agent)
                targets = self.actors_of_all(subj)
            elif self.options.passive_subject_is_source:
                sources = self.actors_of_all(subj)
            else:
                mutual = self._between(subj)
                if len(mutual) > 1:
                    # "relations between Turkey and Israel were downgraded": each side did it to
                    # the other
                    out: list[EventMention] = []
                    for a in mutual:
                        for b in mutual:
                            if a.key != b.key:
                                out += self._finish(pattern, verb, verb, sent, s_index, [a], [b], confidence)
                    return out
                targets = self.actors_of_all(subj)
        else:
            sources = self.actors_of_all(subj)
            if not sources and subj and all(h.tag_ in ("PRP", "EX") for h in subj):
                # "Ethiopia indicated it would act": an unresolved pronoun is the governing subject
                sources = self._governing_source(verb)
                confidence = CONFIDENCE_INHERITED
        if "source" in roles:
            sources = [roles["source"]]
        if "target" in roles:
            targets = [roles["target"]]
            if roles["target"].key in {a.key for a in sources}:
                sources = [a for a in sources if a.key != roles["target"].key]
                if not sources:
                    sources = self._governing_source(verb)
        if not targets:
            targets = self._targets(verb, pattern, sources)
            if targets:
                confidence = min(confidence, CONFIDENCE_INHERITED)
        return self._finish(pattern, verb, verb, sent, s_index, sources, targets, confidence)

    def _finish(
        self,
        pattern: Pattern,
        trigger: Token,
        clause: Token,
        sent: SpacySpan,
        s_index: int,
        sources: list[_Actor],
        targets: list[_Actor],
        confidence: float,
        date_phrase: SpacySpan | None = None,
    ) -> list[EventMention]:
        """Apply negation, modality and reported speech, then emit one event per actor pair.

        ``clause`` is the verb whose negation, modality and speech context apply: the trigger verb
        itself, or the light verb that carries a nominalisation ("would resume talks").
        """
        code = pattern.code or NO_CODE
        reverse = pattern.reverse
        rule = f"{pattern.kind}/{pattern.id}"
        is_verb = clause.pos_ in ("VERB", "AUX") or clause.tag_.startswith("VB")
        negated = self.negated(clause) if is_verb else False
        if trigger.i != clause.i or not is_verb:
            negated = negated or any(c.dep_ == "det" and c.lower_ == "no" for c in self._kids[trigger.i])
        modal = self.modality(clause) if is_verb else None
        quote_id = self._quote_for(trigger)
        speaker_head = self.speech_head(clause) if is_verb else None
        speakers = self.actors_of_all(self.subject(speaker_head)[0]) if speaker_head is not None else []
        if negated and self.options.apply_maps:
            mapped = pattern.negated or _map_code(code, self.patterns.negation_map)
            if mapped:
                # "we will not be sharing intelligence": a rejection, stated by the speaker
                code, reverse, rule, negated, modal = mapped, None, rule + "/negated", False, None
                if speakers and _same_actor(sources, speakers):
                    sources = speakers
        elif self.options.apply_maps and speakers:
            if self.appeal_cue(clause):
                mapped = _map_code(code, self.patterns.appeal_map)
                if mapped:
                    # the speaker appeals; the content's actors other than the speaker are the target
                    speaker_codes = {a.code for a in speakers}
                    others = [a for a in sources + targets if a.code not in speaker_codes]
                    if not others:
                        others = self._targets(clause, pattern, speakers)
                    sources, targets = speakers, others
                    code, reverse, rule, modal = mapped, None, rule + "/appeal", None
                    confidence = CONFIDENCE_INHERITED
            elif modal in ("will", "would") and _same_actor(sources, speakers):
                mapped = _map_code(code, self.patterns.intent_map)
                if mapped:
                    sources = speakers
                    code, reverse, rule, modal = mapped, None, rule + "/intent", None
        if code.startswith("15"):
            # "Pakistan put its troops on alert": a state's own forces are not the target
            own = {(a.code or "")[:3] for a in sources if a.code}
            targets = [
                t for t in targets if (t.code or "")[:3] not in own and self.doc[t.start].tag_ != "PRP$"
            ]
        among = len(sources) > 1 and (
            pattern.compound or (not targets and reverse is not None and reverse == code)
        )
        triples: list[tuple[str, _Actor | None, _Actor | None]] = []
        if among:
            # "Gondor and Osgiliath renewed ties": each is the other's counterpart
            triples = [(code, a, b) for a in sources for b in sources if a.key != b.key]
        else:
            for src in sources or [None]:
                for tgt in targets or [None]:
                    triples.append((code, src, tgt))
                    if reverse:
                        triples.append((reverse, tgt, src))
        out: list[EventMention] = []
        for c, src, tgt in triples:
            if c == NO_CODE:
                continue
            # an actor with several codes ("FRO/BIL/SAM": PETRARCH's collective actors) acts as each
            src_codes = src.codes if src is not None else (None,)
            tgt_codes = tgt.codes if tgt is not None else (None,)
            for src_code in src_codes:
                for tgt_code in tgt_codes:
                    # each reading of a several-code actor is its own finding (its own id)
                    reading = (
                        f"{rule}/as:{src_code}>{tgt_code}" if len(src_codes) + len(tgt_codes) > 2 else rule
                    )
                    ev = self._event(
                        c,
                        src,
                        tgt,
                        trigger,
                        sent,
                        s_index,
                        reading,
                        confidence,
                        negated,
                        modal,
                        quote_id,
                        date_phrase,
                        src_code,
                        tgt_code,
                    )
                    if ev is not None:
                        out.append(ev)
        return out

    def _appeal_for_complement(self, pattern: Pattern, verb: Token) -> Pattern:
        """An appeal whose complement is coded is an appeal for that action: "urged Brazil to
        release the fishermen" is an appeal to yield (025x), by the appeal map."""
        if not (self.options.apply_maps and pattern.code and pattern.code == "020"):
            return pattern
        for c in self._kids[verb.i]:
            if c.dep_ != "xcomp":
                continue
            for cand in self.patterns.candidates(c, "verb"):
                if cand.forms or self.match(cand, c, self._sentence_of(c)) is None:
                    continue
                mapped = _map_code(cand.code, self.patterns.appeal_map) if cand.code else None
                if mapped:
                    return replace(pattern, code=mapped, reverse=None, id=f"{pattern.id}/for:{cand.id}")
                break
        return pattern

    def _defers_to_complement(self, verb: Token) -> bool:
        """ "refused to sign the agreement": the complement is coded, negated, instead of "refuse"."""
        if verb.lemma_.lower() not in self.patterns.negating_verbs:
            return False
        for c in self._kids[verb.i]:
            if c.dep_ == "xcomp" and self._has_coded_pattern(c):
                return True
        return False

    def _has_coded_pattern(self, token: Token) -> bool:
        known = self._coded_cache.get(token.i)
        if known is None:
            known = self._coded_cache[token.i] = self._has_coded_pattern_uncached(token)
        return known

    def _has_coded_pattern_uncached(self, token: Token) -> bool:
        for pattern in self.patterns.candidates(token, "verb"):
            if not pattern.forms and token.pos_ not in ("VERB", "AUX"):
                continue
            if self.match(pattern, token, self._sentence_of(token)) is not None:
                return pattern.code is not None
        for pattern in self.patterns.candidates(token, "noun") if token.pos_ == "NOUN" else ():
            if self.match(pattern, token, self._sentence_of(token)) is not None:
                return pattern.code is not None
        return False

    def _governed_by_coded(self, verb: Token) -> bool:
        """Whether this verb completes a verb that is coded itself ("urged Bree to help", "vowed
        to wage war"): the governing verb's pattern already says what the whole phrase means."""
        known = self._governed_cache.get(verb.i)
        if known is None:
            known = self._governed_cache[verb.i] = self._governed_by_coded_uncached(verb)
        return known

    def _governed_by_coded_uncached(self, verb: Token) -> bool:
        t = verb
        for _ in range(MAX_SUBJECT_HOPS):
            if t.dep_ == "conj" and t.head.dep_ == "xcomp" and t.head.head.i != t.head.i:
                # "urged both sides to show restraint and to settle the dispute": the second
                # complement belongs to the appeal as much as the first
                t = t.head
            if t.dep_ == "pcomp" and t.head.dep_ == "prep" and t.head.lower_ == "of":
                # "accused Serbia of organising the attack": the allegation is the event coded
                t = t.head
            elif t.dep_ != "xcomp" or t.head.i == t.i:
                return False
            t = t.head
            if t.lemma_.lower() in self.patterns.negating_verbs:
                return False
            if self._has_coded_pattern(t):
                return True
        return False

    def _governing_source(self, verb: Token) -> list[_Actor]:
        """The subject of the clause that governs this one ("X noted that [Y regretted ...]")."""
        t = verb
        for _ in range(MAX_SUBJECT_HOPS):
            if t.head.i == t.i:
                break
            t = t.head
            subj, _passive, _inh = self.subject(t)
            found = self.actors_of_all(subj)
            if found:
                return found
        return []

    def _targets(self, verb: Token, pattern: Pattern, sources: list[_Actor]) -> list[_Actor]:
        # the source's own mentions ("his license", "he") are not targets
        source_codes = {a.code for a in sources if a.code}
        exclude = {a.key for a in sources}
        for code in source_codes:
            exclude.update(self._keys_by_code.get(code, ()))
        # the pattern names the prepositions that introduce the target
        for prep_holder in [verb] + [c for c in self._kids[verb.i] if c.dep_ in ("dobj", "obj")]:
            for c in self._kids[prep_holder.i]:
                if c.dep_ in ("prep", "dative") and c.lower_ in pattern.target_preps:
                    pobj = next((g for g in self._kids[c.i] if g.dep_ == "pobj"), None)
                    found = [a for a in self.actors_of(pobj) if a.key not in exclude]
                    if found:
                        return found
        for c in self._kids[verb.i]:
            if c.dep_ in ("dobj", "obj", "dative", "attr", "oprd"):
                found = [a for a in self.actors_of(c) if a.key not in exclude]
                if found:
                    return found
        phrase = self.phrase_tokens(verb, self.options.target_scope)
        if self.options.target_scope != "phrase":
            # in a clause, only objects and prepositions that name who is acted upon ("with",
            # "against", "on", "to") lead to a target: not "under pressure from", "in", "after"
            # (a word that is no actor's is passed over by ``first_actors_in`` whatever its path)
            actor_at = self.actor_at
            phrase = [t for t in phrase if t.i in actor_at and _under_target_prep(t, verb)]
        return self.first_actors_in(phrase, exclude)

    def _quote_for(self, token: Token) -> str | None:
        if self._quote_spans is None:
            self._quote_spans = [
                (span.start, span.end, number)
                for number, quote in enumerate(self.findings.quotes)
                for span in _quote_content_spans(quote)
            ]
        idx = token.idx
        for start, end, number in self._quote_spans:
            if start <= idx < end:
                if number not in self._quote_ids:
                    self._quote_ids[number] = getattr(self.findings.quotes[number], "id", None)
                return self._quote_ids[number]
        return None

    # ---- nominalisations --------------------------------------------------------------------

    def _code_noun(self, pattern: Pattern, noun: Token, sent: SpacySpan, s_index: int) -> list[EventMention]:
        verb = _clause_verb(noun)
        if (
            verb is not None
            and not _is_subject_of(noun, verb)
            and (
                self._has_coded_pattern(verb)
                or self._governed_by_coded(verb)
                or self._defers_to_complement(verb)
            )
        ):
            return []  # "condemned the attack", "refused to sign the agreement": coded by the verb
        confidence = CONFIDENCE_NOUN
        sources: list[_Actor] = []
        targets: list[_Actor] = []
        # source: possessor ("Ankara's incursion"), actor modifier ("a Russian airstrike"),
        # a by/from phrase, or the subject of the light verb that carries the noun
        for c in self._kids[noun.i]:
            if c.dep_ == "poss":
                sources = self.actors_of(c)
        if not sources:
            for c in self._kids[noun.i]:
                if c.dep_ in ("compound", "amod", "nmod") and self.actor_at.get(c.i) is not None:
                    sources = self.actors_of(c)
                    break
        source_holders = [noun] + ([verb] if verb is not None and noun.dep_ in ("dobj", "obj") else [])
        for holder in source_holders:
            for c in self._kids[holder.i]:
                if (
                    c.dep_ in ("prep", "agent")
                    and c.lower_ in (pattern.source_preps or ("by",))
                    and not sources
                ):
                    # "a rebuke from Paris", "drew criticism from Washington"
                    sources = self.actors_of(next((g for g in self._kids[c.i] if g.dep_ == "pobj"), None))
        holders = [noun]
        carried = (
            verb is not None
            and noun.dep_ in ("dobj", "obj", "pobj", "attr")
            and (verb.lemma_.lower() in self.patterns.light_verbs or noun.dep_ == "pobj")
        )
        # "told reporters after a cabinet meeting", "details of his talks": a noun reached through
        # a time preposition or another noun is the subject's only when it has a counterpart
        loose = carried and verb is not None and not _attached_to(noun, verb)
        if carried and verb is not None:
            holders.append(verb)  # "held talks with X": the preposition may hang on the verb
        for holder in holders:
            for c in self._kids[holder.i]:
                if c.dep_ == "prep" and c.lower_ in pattern.target_preps:
                    found = self.actors_of(next((g for g in self._kids[c.i] if g.dep_ == "pobj"), None))
                    found = [a for a in found if a.key not in {x.key for x in sources}]
                    if found:
                        targets = found
                        break
            if targets:
                break
        from_verb = False
        if not sources and carried and verb is not None:
            subj, passive, inherited = self.subject(verb)
            if not passive:
                sources = self.actors_of_all(subj)
                from_verb = bool(sources)
                if inherited:
                    confidence = min(confidence, CONFIDENCE_ONE_SIDED)
        between = next((c for c in self._kids[noun.i] if c.dep_ == "prep" and c.lower_ == "between"), None)
        if between is not None and not sources:
            # "talks between Gondor and Osgiliath": each is the other's counterpart
            sources = self.actors_of(next((g for g in self._kids[between.i] if g.dep_ == "pobj"), None))
        if len(sources) < 2:
            sources = [a for a in sources if a.key not in {t.key for t in targets}]
        if not sources and not targets:
            return []
        two_sided = (sources and targets) or (len(sources) > 1 and pattern.reverse == pattern.code)
        if not two_sided:
            if loose and from_verb:
                return []
            confidence = min(confidence, CONFIDENCE_ONE_SIDED)
        clause = verb if carried and verb is not None else noun
        if loose and verb is not None and self.negated(verb):
            # a loosely attached noun keeps its own polarity: "declined to give details of his talks"
            clause = noun
        return self._finish(
            pattern,
            noun,
            clause,
            sent,
            s_index,
            sources,
            targets,
            confidence,
            date_phrase=self._np_date_span(noun),
        )

    def _np_date_span(self, noun: Token) -> SpacySpan | None:
        """The noun phrase itself when it carries its own date ("the 2003 invasion of Iraq")."""
        np = self._np_tokens(noun)
        if any(t.ent_type_ == "DATE" for t in np):
            return self.doc[np[0].i : np[-1].i + 1]
        return None

    # ---- building the finding ---------------------------------------------------------------

    def _event(
        self,
        code: str,
        src: _Actor | None,
        tgt: _Actor | None,
        trigger: Token,
        sent: SpacySpan,
        s_index: int,
        rule: str,
        confidence: float,
        negated: bool,
        modal: str | None,
        quote_id: str | None,
        date_phrase: SpacySpan | None = None,
        src_code: str | None = None,
        tgt_code: str | None = None,
    ) -> EventMention | None:
        if src is None and tgt is None:
            return None
        if src_code is None and tgt_code is None:
            # "Karaca stepped down": a person the actors stage could not place codes as nobody
            return None
        if self.options.require_dyad and (src is None or tgt is None):
            return None
        if src is not None and tgt is not None:
            if src.key == tgt.key:
                return None
            if self.options.skip_same_code and src_code and src_code == tgt_code:
                return None
        if modal:
            confidence *= CONFIDENCE_MODAL_FACTOR
        spans = [self._char_span(trigger.i, trigger.i + 1)]
        for a in (src, tgt):
            if a is not None:
                spans.append(self._char_span(a.start, a.end))
        # ``_dedupe`` keeps the first event with these spans and rule: a later one is not built
        seen = (tuple(spans), rule)
        if seen in self._emitted:
            return None
        self._emitted.add(seen)
        entry = self._entry(code)
        date, precision, historical = self._date(sent, date_phrase)
        place = self._place(sent)
        src_m = src.mention_for(src_code) if src else None
        tgt_m = tgt.mention_for(tgt_code) if tgt else None
        return EventMention(
            article_id=self.article.id,
            sentence=s_index,
            spans=tuple(spans),
            rule=rule,
            confidence=round(confidence, 4),
            source=_attr(src_m, "name") or _attr(src_m, "text"),
            source_actor_id=_attr(src_m, "actor_id"),
            source_code=src_code,
            source_country=_attr(src_m, "country"),
            target=_attr(tgt_m, "name") or _attr(tgt_m, "text"),
            target_actor_id=_attr(tgt_m, "actor_id"),
            target_code=tgt_code,
            target_country=_attr(tgt_m, "country"),
            cameo=code,
            cameo_base=getattr(entry, "base", None) if entry else None,
            cameo_root=getattr(entry, "root", None) if entry else None,
            quad_class=getattr(entry, "quad_class", None) if entry else None,
            goldstein=getattr(entry, "goldstein", None) if entry else None,
            plover_type=getattr(entry, "plover_type", None) if entry else None,
            plover_mode=getattr(entry, "plover_mode", None) if entry else None,
            date=date,
            date_precision=precision,
            place=getattr(place, "name", None),
            place_country=getattr(place, "country", None),
            lat=getattr(place, "lat", None),
            lon=getattr(place, "lon", None),
            negated=negated,
            modal=modal,
            historical=historical,
            quote_id=quote_id,
            event_key=self._event_key(date, src_m, tgt_m, src_code, tgt_code, code, place),
        )

    def _char_span(self, start: int, end: int) -> Span:
        """The characters of tokens ``start:end`` (``doc[start:end]``'s, without the spaCy Span)."""
        return Span(*self._columns.char_range(start, end))

    def _entry(self, code: str) -> Any:
        """The codebook entry of a code (looked up once per document and code)."""
        if self.codebook is None:
            return None
        if code not in self._entries:
            self._entries[code] = self.codebook.lookup(code)
        return self._entries[code]

    def _event_key(
        self,
        date: str | None,
        src: Any,
        tgt: Any,
        src_code: str | None,
        tgt_code: str | None,
        code: str,
        place: Any,
    ) -> str | None:
        """The same-event key, by tidings.corpus.events' rule (docs/events.md); None without it."""
        if self.corpus is None:
            return None
        ident = self.corpus.actor_identity
        return self.corpus.event_key(
            date,
            ident(src_code, _attr(src, "actor_id"), _attr(src, "name") or _attr(src, "text")),
            ident(tgt_code, _attr(tgt, "actor_id"), _attr(tgt, "name") or _attr(tgt, "text")),
            code,
            scope=self.article.id,
            published=self.article.published,
            place=getattr(place, "name", None),
        )

    def _date(self, sent: SpacySpan, phrase: SpacySpan | None) -> tuple[str | None, str | None, bool]:
        """The event's own date: from its noun phrase when it carries one ("the 2003 invasion"),
        else from its sentence, resolved against the publication date by tidings.extract.dates."""
        if self.dates is None:
            return None, None, False
        published = self.article.published
        if phrase is not None:
            ref = self._resolve_date(phrase)
            if getattr(ref, "date", None) is None:
                for ent in phrase.ents:
                    if ent.label_ != "DATE":
                        continue
                    # a bare year modifying the noun ("the 2003 invasion") reads as "in 2003"
                    text = f"in {ent.text}" if ent.text.isdigit() and len(ent.text) == 4 else ent.text
                    ref = self.dates.resolve_expression(text, published)
                    if getattr(ref, "date", None) is not None:
                        break
            if getattr(ref, "date", None) is not None:
                return ref.date, ref.precision, bool(ref.historical)
        ref = self._resolve_date(sent)
        return (
            getattr(ref, "date", None),
            getattr(ref, "precision", None),
            bool(getattr(ref, "historical", False)),
        )

    def _resolve_date(self, span: SpacySpan) -> Any:
        key = (span.start, span.end)
        if key not in self._date_cache:
            self._date_cache[key] = self.dates.resolve_date(self.doc, span, self.article.published)
        return self._date_cache[key]

    def _place(self, sent: SpacySpan) -> Any:
        if self.places is None:
            return None
        key = (sent.start, sent.end)
        if key not in self._place_cache:  # every event of a sentence asks; the answer is the sentence's
            if self._doc_places is None:
                self._doc_places = self.places.DocumentPlaces(self.doc)
            self._place_cache[key] = self._doc_places.find(sent)
        return self._place_cache[key]


def _clause_verb(token: Token) -> Token | None:
    """The nearest verb above a noun ("held [talks]", "called for [sanctions]"), if any."""
    t = token
    for _ in range(MAX_SUBJECT_HOPS):
        if t.head.i == t.i:
            return None
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t
        if t.dep_ not in ("pobj", "prep", "dobj", "obj", "conj", "compound", "amod", "appos"):
            if t.pos_ in ("VERB", "AUX"):
                return t
    return None


# Prepositions that introduce whom an action is done to, for targets found by scanning a clause.
TARGET_PREPOSITIONS = frozenset(
    {
        "with",
        "against",
        "on",
        "upon",
        "to",
        "toward",
        "towards",
        "at",
        "into",
        "over",
        "for",
        "about",
        "between",
    }
)


def _under_target_prep(token: Token, verb: Token) -> bool:
    """Whether the path from the verb to this token passes only through target prepositions."""
    t = token
    while t.head.i != t.i and t.head.i != verb.i:
        if t.dep_ == "pobj" and t.head.lower_ not in TARGET_PREPOSITIONS:
            return False
        t = t.head
    if t.dep_ == "prep":
        return t.lower_ in TARGET_PREPOSITIONS
    if t.dep_ == "pobj":
        return t.head.lower_ in TARGET_PREPOSITIONS
    return t.dep_ in ("dobj", "obj", "dative", "attr", "oprd", "xcomp", "ccomp", "acomp", "prt")


# Prepositions that place a nominalisation in time rather than make it the subject's act: "told
# reporters after a cabinet meeting" is not a meeting of the speaker's.
TIME_PREPOSITIONS = frozenset({"after", "before", "since", "following", "until", "amid", "ahead"})
# Prepositions that deny what they govern: "without warning".
NEGATING_PREPOSITIONS = frozenset({"without"})


def _attached_to(noun: Token, verb: Token) -> bool:
    """Whether a noun is the verb's own object, or the object of a preposition on the verb that is
    not a time preposition ("held talks", "took part in an exercise"; not "details of his talks")."""
    if noun.dep_ in ("dobj", "obj", "attr"):
        return noun.head.i == verb.i
    prep = noun.head
    return prep.head.i == verb.i and prep.lower_ not in TIME_PREPOSITIONS


# Prepositions inside a noun phrase that only locate it: an actor under them is a place, not the
# phrase's owner ("dozens of towns near the borders with China").
PLACE_PREPOSITIONS = frozenset({"near", "along", "across", "outside", "around", "beyond"})


def _through_place_preposition(token: Token, head: Token) -> bool:
    """Whether the path from a phrase's head down to this token passes a place preposition."""
    t = token
    while t.i != head.i and t.head.i != t.i:
        if t.dep_ == "prep" and t.lower_ in PLACE_PREPOSITIONS:
            return True
        t = t.head
    return False


def _names_the_head(appos: Token) -> bool:
    """Whether an apposition is the name of the person its head describes ("his counterpart,
    Park Jae-won"), not another member of a list."""
    return appos.head.pos_ == "NOUN" and appos.pos_ == "PROPN" and appos.ent_type_ == "PERSON"


def _is_subject_of(token: Token, verb: Token) -> bool:
    """Whether the token sits in the verb's subject ("A Turkish air strike ... killed four")."""
    t = token
    while t.head.i != t.i and t.head.i != verb.i:
        t = t.head
    return t.head.i == verb.i and t.head.i != t.i and t.dep_ in ("nsubj", "nsubjpass", "csubj")


def _attr(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    value = getattr(obj, name, None)
    return value if value not in ("",) else None


def _quote_content_spans(quote: Any) -> tuple[Span, ...]:
    spans = getattr(quote, "content_spans", None)
    if spans is None:
        return ()
    if isinstance(spans, Span):
        return (spans,)
    if isinstance(spans, str):
        from tidings.types import spans_from_json

        return spans_from_json(spans)
    return tuple(s for s in spans if isinstance(s, Span))


def _word_matches(word: str, token: Token, surface: bool = False) -> bool:
    return word == token.lower_ or (not surface and word == token.lemma_.lower())


def _contains_seq(words: Sequence[str], seq: Sequence[str]) -> bool:
    n = len(seq)
    if not n:
        return False
    return any(tuple(words[i : i + n]) == tuple(seq) for i in range(len(words) - n + 1))


def _map_code(code: str, mapping: dict[str, str]) -> str | None:
    """The mapped code for the longest matching code prefix ("062" before "06")."""
    for n in range(len(code), 1, -1):
        if code[:n] in mapping:
            return mapping[code[:n]]
    return None


def _same_actor(a: list[_Actor], b: list[_Actor]) -> bool:
    codes_a = {x.code for x in a if x.code} | {getattr(x.mention, "actor_id", None) for x in a} - {None}
    codes_b = {x.code for x in b if x.code} | {getattr(x.mention, "actor_id", None) for x in b} - {None}
    return bool(codes_a & codes_b) or not a


def _dedupe(events: list[EventMention]) -> list[EventMention]:
    # the id hashes table, article, spans and rule; the first two are the same for every event here
    seen: set[tuple[tuple[Span, ...], str]] = set()
    out = []
    for ev in events:
        key = (ev.spans, ev.rule)
        if key in seen:
            continue
        seen.add(key)
        out.append(ev)
    return out


def extract_events(doc: Doc, article: Article, kb: Any, findings: Findings) -> Findings:
    """Code the events of a document from its parse, its actor mentions and its quotes.

    ``kb.event_patterns`` is the ``PatternSet`` (None codes nothing); actors come from
    ``findings.actors`` (the actors stage runs first), quotes from ``findings.quotes``.
    """
    patterns = getattr(kb, "event_patterns", None) if kb is not None else None
    if patterns is None or not findings.actors:
        return replace(findings, events=())
    coder = _Coder(doc, article, patterns, findings)
    return replace(findings, events=tuple(coder.code()))

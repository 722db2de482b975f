"""Quotes: who said what, to whom and through which medium, with the evidence spans.

Owns the ``Quote`` finding (table ``quotes``), the cue lexicon (``CueLexicon``, read from
``data/cues.yaml`` by ``load_cues``) and the extractor ``extract_quotes``. Three kinds:

- *direct*: words inside quote marks with a cue and speaker next to them (``"...," X said``,
  ``X said: "..."``, ``"...," said X``, ``"A," X said, "B."``), continued across sentences and
  paragraphs (a paragraph that re-opens a quote without closing the last one), with the speaker in
  the following sentence or in a preceding ``X said:`` sentence;
- *indirect*: a speech verb with a clause (``X said (that) ...``, ``X told the council that ...``,
  ``..., X said``, ``according to X, ...``);
- *mixed*: indirect speech that quotes some words verbatim (``X said the alliance must "speak with
  one voice"``).

Quote marks of every common style are paired per paragraph; an unclosed mark is capped at the end of
its paragraph, so a stray mark never swallows the rest of an article. Quoted words with no cue
(nicknames, titles of songs and books, scare quotes) are not quotes. Speakers are resolved through
``tidings.extract.coref``; unnamed speakers keep their descriptive phrase and the organisation or
country they name.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import yaml

from tidings.errors import TidingsError
from tidings.extract.coref import DocColumns, References, resolve_references
from tidings.knowledge import parse_yaml
from tidings.types import Article, Finding, Findings, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

DEFAULT_CUES = Path(__file__).resolve().parent.parent / "data" / "cues.yaml"

# ---- thresholds (calibrated on our hand-written fixtures and the PolNeAR dev split) -----------
# Tokens allowed between a closing quote mark and its cue verb ("...," Defence Minister Kemal
# Aydın of Turkey told): long enough for a titled name with an affiliation.
MAX_POST_GAP = 14
# Tokens allowed between a cue verb and an opening quote mark that are not part of the quote
# (X said on Tuesday in a statement to reporters: "...").
MAX_PRE_GAP = 14
# An unclosed quote is cut at its paragraph end, and never runs longer than this many characters.
MAX_UNCLOSED_CHARS = 1500
# Indirect content shorter than this (in tokens) is rarely a reported statement ("he said so").
MIN_INDIRECT_TOKENS = 3
# A noun-phrase object content ("denied the charges", "confirmed the arrest") may be this short:
# PolNeAR train annotates two-word objects of object verbs as content.
MIN_OBJECT_TOKENS = 2
# A quotation covering this share of a cue's clause makes the quote direct rather than mixed.
DIRECT_COVERAGE = 0.8

CONFIDENCE = {
    "direct": 0.95,
    "direct-pronoun": 0.85,
    "next-sentence": 0.7,
    "indirect": 0.85,
    "according-to": 0.8,
    "unresolved-pronoun": 0.6,
    "passive": 0.7,
}

# ---- quote marks ------------------------------------------------------------------------------
# A dateline opening a paragraph is never content: "ANKARA (Reuters) - ", "PARIS, March 6 (AFP) — ",
# "KYIV - ", "Washington (CNN) - " (a mixed-case place needs the agency in brackets).
_DATE_PART = r"(?:\s*,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
DATELINE = re.compile(
    r"(?:[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+){0,3}" + _DATE_PART + r"(?:\s*\([^()\n]{1,40}\))?"
    r"|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}" + _DATE_PART + r"\s*\([^()\n]{1,40}\))"
    r"\s*[-–—]+\s+"
)
# Sentences back that "he"/"she" may point to an unnamed speaker's quote, and that "it" may point
# to an organisation subject (both read off the sample corpus and PolNeAR dev articles).
UNNAMED_SPEAKER_WINDOW = 1
IT_WINDOW = 2
# Cue types that are not acts of speaking (a joined "showed"/"believed" may be the clause's own).
NOT_SPEECH_ACTS = frozenset({"belief", "perception"})
# Conjunctions that open a writer's contrast after a reported clause (", while ...", ", though ...").
CONTRAST_MARKS = frozenset({"while", "though", "although", "whereas"})
# Relative pronouns of a non-restrictive clause that closes a content after a comma (", which ...",
# ", whose ..."): the writer's addition. Not "where": PolNeAR annotators keep those more often
# than not (dev and train disagree).
TRAILING_RELATIVES = frozenset({"which", "who", "whom", "whose"})
# Prepositions whose object may be the medium of a speaking ("in a statement", "on Twitter").
MEDIUM_PREPS = frozenset({"in", "on", "via", "through", "during", "at"})
# Prepositions whose phrase after an object content is part of it, not the speaking's setting.
OBJECT_PREPS = frozenset({"of", "for", "about", "against", "in", "on", "over", "with"})
# A quoted programme or publication title after "CNN's" / "on": at most this many words, all
# capitalised but for these small words (read off PolNeAR train: "Fareed Zakaria GPS", "New Day").
MAX_TITLE_WORDS = 6
TITLE_SMALL_WORDS = frozenset({"of", "the", "and", "a", "an", "in", "on", "for", "to", "with"})
# Punctuation-like tokens that belong to the word before them and stay at a content edge ("61%").
KEPT_EDGE_SYMBOLS = frozenset({"%", "‰"})
DOUBLE_MARKS = frozenset('"“”„«»')
SINGLE_MARKS = frozenset("'‘’‚‹›")
# Which closing marks end a quotation opened by each mark.
CLOSERS: dict[str, frozenset[str]] = {
    '"': frozenset('"”“'),
    "“": frozenset('”"“'),
    "„": frozenset('“”"'),
    "«": frozenset("»"),
    "»": frozenset("«"),
    "‘": frozenset("’‘"),
    "‚": frozenset("‘’"),
    "'": frozenset("'’"),
    "‹": frozenset("›"),
}
OPEN_ONLY = frozenset("“„«‘‚‹")
FILLER = "\x00"  # stands in for the second character of a two-character quote mark
CLOSE_ONLY = frozenset("”’›")
# Every character that can open or close a quotation (the pairing loop visits only these).
MARK_SET = "".join(sorted(set(CLOSERS) | CLOSE_ONLY))
OPEN_CONTEXT = frozenset(" \t\n([{—–-/:;,")
CLOSE_CONTEXT = frozenset(" \t\n)]}.,;:!?—–-…")
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Adjectives whose subject does what their to-infinitive says ("voters are more *likely* to say
# ...", "she was *quick* to deny ..."); not "it is too early to tell".
SPEAKING_ADJECTIVES = frozenset(
    {"likely", "unlikely", "quick", "eager", "willing", "unwilling", "reluctant", "keen", "ready", "careful"}
)
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})
# How the rest of a reported clause may hang on the cue itself in spaCy's parse.
CONTINUATION_DEPS = frozenset({"advcl"})
# How a cue's own modifiers attach (said *on Tuesday in a statement*; told *reporters*).
CUE_MODIFIER_DEPS = frozenset(
    {"prep", "npadvmod", "advmod", "agent", "dative", "prt", "aux", "auxpass", "neg", "punct", "mark", "cc"}
)
CONTENT_DEPS = frozenset({"ccomp", "parataxis"})
PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "i", "we", "you", "it"})
# Conjunctions that open the scene of a speaking ("when asked about it", "after hearing the
# verdict"): never part of a speaker's noun phrase, even where the parser hangs them on it.
TIME_SUBORDINATORS = frozenset({"when", "while", "after", "before", "once", "until", "whenever"})
# Words that stand for a whole statement right after a cue ("said so", "said no", "said the
# same", "said as much"): the content, short as it is (PolNeAR annotates them).
PRO_FORM_CONTENTS = frozenset({"so", "yes", "no", "same", "much"})


# ---- records ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Quote(Finding):
    """One reported statement: who said it, the cue, the words, the medium and the audience."""

    table: ClassVar[str] = "quotes"

    kind: str  # direct, indirect, mixed
    speaker: str | None  # resolved name, or the descriptive phrase of an unnamed speaker
    speaker_text: str | None  # the speaker's words in the sentence ("he", "a Downing Street spokesman")
    speaker_spans: tuple[Span, ...]
    speaker_actor_id: str | None
    speaker_org: str | None  # organisation/country named by an unnamed speaker
    cue: str | None
    cue_spans: tuple[Span, ...]
    content: str
    content_spans: tuple[Span, ...]
    medium: str | None
    addressee: str | None
    shape: str  # order of Q(uote mark), C(ontent), V(erb/cue), S(peaker), e.g. "QCQVS"


@dataclass(frozen=True)
class CueEntry:
    """A cue verb: its lemma, type, where its audience is, and any medium it implies."""

    lemma: str
    type: str = "speech"
    addressee: str | None = None  # "object" or "to"
    medium: str | None = None
    infinitive: bool = False  # a "to ..." complement is the content ("vowed to cut taxes")
    object: bool = False  # a noun-phrase object is the content ("denied any involvement")
    particle: str | None = None  # the verb is a cue only with this particle ("pointed out")
    topic: tuple[str, ...] = ()  # prepositions whose object is what was said ("commented on")


@dataclass(frozen=True)
class PhraseCue:
    """A multi-word cue such as "according to"; ``speaker`` says where its speaker is."""

    words: tuple[str, ...]
    type: str = "speech"
    speaker: str = "object"


@dataclass(frozen=True)
class CueLexicon:
    """The words that introduce reported speech, and the words that mark media, outlets and titles."""

    verbs: dict[str, CueEntry]
    phrases: tuple[PhraseCue, ...] = ()
    types: frozenset[str] = frozenset({"speech"})
    media: frozenset[str] = frozenset()
    outlets: frozenset[str] = frozenset()
    outlet_words: frozenset[str] = frozenset()
    title_nouns: frozenset[str] = frozenset()
    nickname_verbs: frozenset[str] = frozenset()
    sources: tuple[str, ...] = field(default=())

    def cue(self, lemma: str) -> CueEntry | None:
        """The entry for a verb lemma when its type is one that is extracted."""
        entry = self.verbs.get(lemma.lower())
        return entry if entry is not None and entry.type in self.types else None

    def is_outlet(self, text: str) -> bool:
        """Whether a name is a news outlet ("Interfax", "the Associated Press", "Daily News",
        "the state-run Anadolu news agency")."""
        return self.outlet_name(text) is not None

    def outlet_name(self, text: str) -> str | None:
        """The outlet a phrase names, as written: a listed outlet inside it ("the state-run
        *Anadolu* news agency"), or the whole name when it ends in an outlet word and starts with
        a capital after any article ("the *Daily News*"); ``None`` when it names no outlet."""
        stripped = text.strip()
        words = stripped.split()
        if words and words[0].lower() in {"the", "a", "an"}:
            words = words[1:]
        lowered = [w.lower() for w in words]
        for size in range(min(3, len(words)), 0, -1):
            for k in range(len(words) - size + 1):
                candidate = " ".join(lowered[k : k + size])
                if candidate.endswith("'s"):
                    candidate = candidate[:-2]
                if candidate in self.outlets:
                    return " ".join(words[k : k + size]).removesuffix("'s")
        plain = [w.replace("'s", "") for w in lowered]
        if plain and plain[-1] in self.outlet_words and words[0][:1].isupper():
            return " ".join(words)
        return None


def load_cues(path: str | Path | None = None, types: Iterable[str] | None = None, **_: Any) -> CueLexicon:
    """Read the shipped cue lexicon, plus a user file when ``path`` is given (see cues.yaml).

    ``types`` chooses which cue types are extracted (default: the file's ``types``, i.e. speech).
    """
    raw = _read_yaml(DEFAULT_CUES)
    sources = [str(DEFAULT_CUES)]
    if path is not None:
        user = _read_yaml(Path(path))
        sources.append(str(path))
        raw = _merge(raw, user)
    verbs = {}
    for lemma, spec in (raw.get("verbs") or {}).items():
        spec = spec or {}
        verbs[str(lemma).lower()] = CueEntry(
            lemma=str(lemma).lower(),
            type=str(spec.get("type", "speech")),
            addressee=spec.get("addressee"),
            medium=spec.get("medium"),
            infinitive=bool(spec.get("infinitive", False)),
            object=bool(spec.get("object", False)),
            particle=spec.get("particle"),
            topic=tuple(str(w).lower() for w in spec.get("topic") or ()),
        )
    phrases = tuple(
        PhraseCue(
            words=tuple(str(w).lower() for w in p["words"]),
            type=str(p.get("type", "speech")),
            speaker=str(p.get("speaker", "object")),
        )
        for p in raw.get("phrases") or []
    )

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in raw.get(key) or [])

    chosen = frozenset(types) if types is not None else frozenset(raw.get("types") or ["speech"])
    return CueLexicon(
        verbs=verbs,
        phrases=phrases,
        types=chosen,
        media=words("media"),
        outlets=words("outlets"),
        outlet_words=words("outlet_words"),
        title_nouns=words("title_nouns"),
        nickname_verbs=words("nickname_verbs"),
        sources=tuple(sources),
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise TidingsError("E303", path=str(path))
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TidingsError("E304", value=str(path), option="cues", detail=f"not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise TidingsError("E304", value=str(path), option="cues", detail="expected a mapping of sections")
    return data


def _merge(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    removed = {str(w).lower() for w in user.get("remove") or []}
    verbs = {k: v for k, v in (base.get("verbs") or {}).items() if str(k).lower() not in removed}
    verbs.update(user.get("verbs") or {})
    merged["verbs"] = verbs
    merged["phrases"] = list(base.get("phrases") or []) + list(user.get("phrases") or [])
    for key in ("media", "outlets", "outlet_words", "title_nouns", "nickname_verbs"):
        merged[key] = [w for w in base.get(key) or [] if str(w).lower() not in removed] + list(
            user.get(key) or []
        )
    if "types" in user:
        merged["types"] = user["types"]
    return merged


# ---- quote marks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quotation:
    """Words between quote marks: the segments (one per paragraph) and the marks around them."""

    segments: tuple[tuple[int, int], ...]  # content character ranges, marks excluded
    marks: tuple[int, ...]  # character offsets of the quote marks
    closed: bool

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


def find_quotations(text: str) -> list[Quotation]:
    """Pair quote marks of every style into quotations, paragraph by paragraph.

    A quotation left open at a paragraph end continues only when the next paragraph opens with a
    quote mark of the same family (the newspaper convention for multi-paragraph quotes); otherwise
    it ends with its paragraph. Nested marks of the other family are left inside.
    """
    # Doubled apostrophes and backticks ('' and ``, typewriter and Penn Treebank style) are
    # double quote marks: read them as '"' plus a filler of the same length, so offsets hold.
    text = text.replace("''", '"' + FILLER).replace("``", '"' + FILLER)
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    paragraphs = [(s, e) for s, e in paragraphs if text[s:e].strip()]

    out: list[Quotation] = []
    carried: tuple[list[tuple[int, int]], list[int], str] | None = None  # segments, marks, opener
    at = _mark_positions(text)
    for n, (p_start, p_end) in enumerate(paragraphs):
        first_mark, end_mark = bisect_left(at, p_start), bisect_left(at, p_end)
        if carried is None and first_mark == end_mark:
            continue  # no quote marks here, and no quotation going on
        opener: str | None = None
        open_at = -1
        segments: list[tuple[int, int]] = []
        marks: list[int] = []
        first = _first_char(text, p_start, p_end)
        if carried is not None and first is not None:
            # carried is only set when this paragraph opens with the same mark
            segments, marks, opener = carried[0], carried[1], carried[2]
            open_at = first
            marks.append(first)
        carried = None
        for i in at[first_mark:end_mark]:
            ch = text[i]
            if opener is None:
                if ch in CLOSERS and _can_open(text, i, p_start, p_end):
                    opener, open_at = ch, i
                    segments, marks = [], [i]
                continue
            if i == open_at:
                continue
            if _family(ch) != _family(opener):
                continue
            if ch in CLOSERS[opener] and _can_close(text, i, p_start, open_at):
                segments.append((open_at + 1, i))
                marks.append(i)
                out.append(Quotation(tuple(_strip_segments(text, segments)), tuple(marks), True))
                opener, open_at, segments, marks = None, -1, [], []
        if opener is not None:
            segment_end = min(p_end, open_at + 1 + MAX_UNCLOSED_CHARS)
            segments.append((open_at + 1, segment_end))
            nxt = paragraphs[n + 1] if n + 1 < len(paragraphs) else None
            next_first = _first_char(text, nxt[0], nxt[1]) if nxt else None
            if next_first is not None and text[next_first] == opener and segment_end == p_end:
                carried = (segments, marks, opener)
            else:
                out.append(Quotation(tuple(_strip_segments(text, segments)), tuple(marks), False))
    out = [q for q in out if q.segments and all(e > s for s, e in q.segments)]
    return sorted(out, key=lambda q: q.start)


def _mark_positions(text: str) -> list[int]:
    """The offsets of every character that can open or close a quotation, in order (a search for
    each mark character: faster than a character class run over the whole text)."""
    found: list[int] = []
    for ch in MARK_SET:
        at = text.find(ch)
        while at >= 0:
            found.append(at)
            at = text.find(ch, at + 1)
    found.sort()
    return found


def _family(ch: str) -> str:
    return "double" if ch in DOUBLE_MARKS else "single"


def _first_char(text: str, start: int, end: int) -> int | None:
    for i in range(start, end):
        if not text[i].isspace():
            return i
    return None


def _can_open(text: str, i: int, p_start: int, p_end: int) -> bool:
    ch = text[i]
    nxt = text[i + 1] if i + 1 < p_end else " "
    if ch == "«":  # French typography puts a space inside guillemets
        return i + 1 < p_end
    if nxt.isspace():
        return False
    if ch in OPEN_ONLY or ch == "»":
        return True
    prev = text[i - 1] if i > p_start else " "
    if ch == "'":  # straight single: only after a space or bracket, before a word ("'We won,'")
        return prev in OPEN_CONTEXT and nxt.isalnum()
    return prev in OPEN_CONTEXT or prev in DOUBLE_MARKS | SINGLE_MARKS


def _can_close(text: str, i: int, p_start: int, open_at: int) -> bool:
    ch = text[i]
    prev = text[i - 1] if i > p_start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if i == open_at + 1:
        return False
    if ch in "’'":  # an apostrophe inside a word ("don’t") does not close a single quotation
        return not (prev.isalpha() and nxt.isalpha()) and (nxt in CLOSE_CONTEXT or nxt in DOUBLE_MARKS)
    return not prev.isspace() or nxt in CLOSE_CONTEXT


def _strip_segments(text: str, segments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in segments:
        while s < e and (text[s].isspace() or text[s] == FILLER):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == FILLER):
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# ---- the extractor ---------------------------------------------------------------------------

_SPACES = ("", " ")  # a token's trailing whitespace by its SPACY flag


@dataclass
class _Draft:
    """A quote being assembled from token positions."""

    kind: str
    rule: str
    confidence: float
    cue: list[int]  # token indices of the cue words
    speaker: tuple[int, int] | None  # token [start, end)
    speaker_head: int | None
    content: list[tuple[int, int]]  # character ranges
    marks: list[int] = field(default_factory=list)  # character offsets of quote marks
    medium: str | None = None
    addressee: str | None = None
    name_at: int | None = None  # the token that names a pronoun speaker ("it" -> "the ministry")


class _Column(dict):  # type: ignore[type-arg]
    """One string attribute of the tokens (``ent_type_``) by token index, looked up from
    its integer code on first use (most tokens are never asked about)."""

    def __init__(self, codes: list[int], names: Any) -> None:
        super().__init__()
        self.codes = codes
        self.names = names

    def __missing__(self, i: int) -> str:
        value: str = self.names[self.codes[i]]
        self[i] = value
        return value


class _TokenColumn(dict):  # type: ignore[type-arg]
    """One attribute of the tokens by token index, read from the Token on first use: ``lemma_`` and
    ``tag_``, and ``left_edge``/``right_edge`` as token indices (kept as spaCy set them: for a
    non-projective parse they need not be the subtree's first and last token)."""

    def __init__(self, tokens: list[Token], attribute: str) -> None:
        super().__init__()
        self.tokens = tokens
        self.attribute = attribute

    def __missing__(self, i: int) -> Any:
        value = getattr(self.tokens[i], self.attribute)
        if not isinstance(value, str):
            value = value.i
        self[i] = value
        return value


@dataclass(frozen=True)
class _SpacyIds:
    """The spaCy ids the reader uses, imported once (an import statement in a function that runs
    for every document costs more than the attributes it reads)."""

    columns: list[int]  # what ``_Context`` reads with ``doc.to_array``, in this order
    verbal: tuple[int, ...]  # the ``POS`` codes of cue candidates


@cache
def _spacy_ids() -> _SpacyIds:
    from spacy.attrs import IS_PUNCT, IS_SPACE
    from spacy.symbols import AUX, VERB

    return _SpacyIds(
        columns=[IS_PUNCT, IS_SPACE],
        verbal=(VERB, AUX),
    )


def _positions(values: list[Any], wanted: Iterable[Any]) -> list[int]:
    """The indices where ``values`` holds one of ``wanted``, in order."""
    found: list[int] = []
    for value in wanted:
        at = -1
        try:
            while True:
                at = values.index(value, at + 1)
                found.append(at)
        except ValueError:
            pass
    found.sort()
    return found


class _Context:
    """What every rule reads: the doc, lexicon, references, quotations and token lookups."""

    def __init__(self, doc: Doc, lexicon: CueLexicon, refs: References) -> None:
        spacy_ids = _spacy_ids()
        self.doc = doc
        self.lex = lexicon
        self.refs = refs
        # The parse as per-token lists, shared with the stages before this one (coreference reads
        # it first): every ``doc[i]`` makes a new Token and every string it gives a new str.
        columns = refs.columns if refs.columns is not None else DocColumns(doc)
        self.tok: list[Token] = columns.tokens
        self.n = n = columns.n
        # multi-word cues by their first word, in lexicon order
        self.phrases: dict[str, list[PhraseCue]] = {}
        for phrase in lexicon.phrases:
            if phrase.words and phrase.type in lexicon.types:
                self.phrases.setdefault(phrase.words[0], []).append(phrase)
        # What ``token.text``, ``dep_`` and ``lower_`` say, for every token; the attributes read
        # less often, per token on first use.
        self.texts = texts = columns.texts
        self.deps = columns.deps
        self.lowers = lowers = columns.lowers
        self.text = columns.text
        self.n_chars = len(self.text)
        self.idx: list[int] = columns.idx
        self.end_char: list[int] = list(map(add, self.idx, map(len, texts)))  # ``token.idx + len(token)``
        strings = doc.vocab.strings
        self.poss = columns.pos_names
        self.ent_types = _Column(columns.ent_type_ids, strings)
        self.lemmas = _TokenColumn(self.tok, "lemma_")
        self.tags = _TokenColumn(self.tok, "tag_")
        self.left_edge = _TokenColumn(self.tok, "left_edge")
        self.right_edge = _TokenColumn(self.tok, "right_edge")
        # ``is_punct`` and ``is_space`` (0 or 1) of every token
        self.punct, self.space = doc.to_array(spacy_ids.columns).astype("int64").T.tolist()
        self.head_of: list[int] = columns.head_of
        self.kids = columns.children  # ``token.children`` as indices
        # Cue candidates: verbs (for the lexicon) and first words of phrase cues ("according"), found
        # with ``list.index`` (a scan in C) rather than a test per token.
        verbal = _positions(columns.pos, spacy_ids.verbal)
        starts = _positions(lowers, self.phrases)
        self.verbal = frozenset(verbal)
        self.phrase_starts = frozenset(starts)
        self.candidates: list[int] = sorted(self.verbal | self.phrase_starts)
        self._ent_iob: list[int] = columns.iob
        self._ents: tuple[SpacySpan, ...] | None = None
        self._ent_rows: list[tuple[int, int, str]] | None = None
        self.np_spans: dict[tuple[int, ...], tuple[int, int]] = {}  # _np_span by head and stop words
        self.actor_spans: list[tuple[int, int, str]] | None = None  # see _actor_at
        self._cues: dict[int, CueEntry | None] = {}
        # sentence number of each token, as ``doc.sents`` numbers them (never decreasing)
        self.sent_of: list[int] = columns.sent_of
        # Paragraph number of each token: a line break ends every clause, whatever the parser says
        # (headlines and datelines are often parsed into the first sentence of the body). The tokens
        # holding a line break, found from the text (a few per article) instead of token by token.
        breaks: list[int] = []
        at = self.text.find("\n")
        while at >= 0:
            i = bisect_right(self.idx, at) - 1
            if not breaks or breaks[-1] != i:
                breaks.append(i)
            at = self.text.find("\n", at + 1)
        self.newline_tokens = frozenset(breaks)
        self.para_of = []
        start = 0
        for paragraph, i in enumerate(breaks):
            self.para_of.extend([paragraph] * (i + 1 - start))
            start = i + 1
        self.para_of.extend([len(breaks)] * (n - start))
        self.quotations = find_quotations(self.text)
        # token -> index of the quotation whose content holds it
        self.quote_of: dict[int, int] = {}
        self.mark_tokens: set[int] = set()
        self._quotation_tokens: list[list[int]] = []
        for qi, q in enumerate(self.quotations):
            inside: list[int] = []
            for s, e in q.segments:
                found = self.token_range(s, e)
                if found is None:
                    continue
                inside.extend(i for i in range(*found) if not self.space[i])
            for i in inside:
                self.quote_of.setdefault(i, qi)
            self._quotation_tokens.append(inside)
            for m in q.marks:
                t = self.token_at(m)
                if t is not None:
                    self.mark_tokens.add(t)
        self.speech_quotation = [self._is_speech_like(qi) for qi in range(len(self.quotations))]
        # tokens inside a quotation of speech (not a title, label or nickname)
        self.speech_tokens = frozenset(i for i, qi in self.quote_of.items() if self.speech_quotation[qi])

    @property
    def ents(self) -> tuple[SpacySpan, ...]:
        """The named entities, built on first use (``doc.ents`` makes new Span objects on every read)."""
        if self._ents is None:
            self._ents = self.doc.ents
        return self._ents

    @property
    def ent_rows(self) -> list[tuple[int, int, str]]:
        """``(start, end, label)`` of each named entity as ``doc.ents`` has them, built on first use
        from the IOB column: an entity opens at a B token with a label and runs over its I tokens."""
        if self._ent_rows is None:
            iob = self._ent_iob
            rows = []
            inside = 0  # I tokens the entities cover
            for start in _positions(iob, (3,)):
                label = self.ent_types[start]
                end = start + 1
                while end < self.n and iob[end] == 1:
                    end += 1
                if label:
                    rows.append((start, end, label))
                    inside += end - start - 1
            if inside != iob.count(1):
                # an I token outside any entity: ``doc.ents`` reports the broken annotation
                rows = [(ent.start, ent.end, ent.label_) for ent in self.ents]
            self._ent_rows = rows
        return self._ent_rows

    def sentence_start(self, k: int) -> int:
        """The first token of sentence ``k`` (``sent.start``)."""
        return bisect_left(self.sent_of, k)

    def sentence_end(self, k: int) -> int:
        """The token after sentence ``k`` (``sent.end``)."""
        return bisect_right(self.sent_of, k)

    def token_at(self, char: int) -> int | None:
        """The token at a character, as ``doc.char_span(char, char + 1, alignment_mode="expand")``
        finds it (none for the space after a token)."""
        if 0 <= char < self.n_chars:
            i = bisect_right(self.idx, char) - 1
            return None if char == self.end_char[i] else i
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span.start if span is not None and len(span) else None

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The tokens ``[first, last)`` that ``doc.char_span(start, end, alignment_mode="expand")``
        covers, found by bisecting the token offsets (no Span is made)."""
        if 0 <= start < end <= self.n_chars:
            first = bisect_right(self.idx, start) - 1
            if start == self.end_char[first]:
                first += 1  # the space after a token is not part of it
            return first, bisect_right(self.idx, end - 1)
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return None if span is None else (span.start, span.end)

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``, cut from the document text."""
        if 0 <= start < end <= self.n:
            return self.text[self.idx[start] : self.end_char[end - 1]]
        return self.doc[start:end].text

    def tokens_of(self, qi: int) -> list[int]:
        return list(self._quotation_tokens[qi])

    def is_cue(self, token: int) -> CueEntry | None:
        if token not in self.verbal or token in self.quote_of:
            return None
        if token in self._cues:
            return self._cues[token]
        entry = self.lex.cue(self.lemmas[token])
        if entry is not None and entry.particle is not None:
            # "pointed out that ..." reports speech; "pointed to the risks" does not
            deps, lowers = self.deps, self.lowers
            if not any(deps[c] == "prt" and lowers[c] == entry.particle for c in self.kids[token]):
                entry = None
        self._cues[token] = entry
        return entry

    def _is_speech_like(self, qi: int) -> bool:
        """False for quoted titles, nicknames and short scare-quoted names."""
        tokens = self.tokens_of(qi)
        if not tokens:
            return False
        poss, ents, lemmas, deps = self.poss, self.ent_types, self.lemmas, self.deps
        first, last = tokens[0], tokens[-1]
        before = first - 2 if first >= 2 else None
        after = last + 2 if last + 2 < self.n else None
        # Nickname between names: Mike "The Hammer" Jones.
        if before is not None and after is not None and poss[before] == "PROPN" and poss[after] == "PROPN":
            if len(tokens) <= 4 and (ents[before] == "PERSON" or ents[after] == "PERSON"):
                return False
        # Title: "the song 'Hallelujah'", "his book “Deal Maker”" (the noun right before the mark,
        # never one ending the previous sentence: "... of Trump's campaign. “They're ...”").
        k = first - 1
        while k >= 0 and (k in self.mark_tokens or self.space[k]):
            k -= 1
        if k >= 0 and lemmas[k].lower() in self.lex.title_nouns and poss[k] == "NOUN":
            return False
        # A programme or publication named after a possessive or "on": CNN's “New Day”,
        # on “State of the Union” — a few capitalised words, not a sentence.
        if k >= 0 and (self.tags[k] == "POS" or self.lowers[k] in {"on", "in"}):
            words = [i for i in tokens if self.doc[i].is_alpha]
            texts = self.texts
            if 0 < len(words) <= MAX_TITLE_WORDS and not any(texts[i] in {".", "?", "!"} for i in tokens):
                if all(texts[w][:1].isupper() or self.lowers[w] in TITLE_SMALL_WORDS for w in words):
                    return False
        head_of = self.head_of
        roots = [i for i in tokens if not (first <= head_of[i] <= last)]
        for root in roots:
            head = head_of[root]
            if lemmas[head].lower() in self.lex.title_nouns and poss[head] == "NOUN":
                return False
            # A quotation modifying the noun right after it is a label: the “Never Again” campaign.
            if (
                deps[root] in {"compound", "amod", "nmod"}
                and poss[head] in {"NOUN", "PROPN"}
                and head > last
                and all(k in self.mark_tokens for k in range(last + 1, head))
            ):
                return False
            if lemmas[head].lower() in self.lex.nickname_verbs and deps[root] in {
                "oprd",
                "attr",
                "dobj",
                "xcomp",
            }:
                return False
        return True


def extract_quotes(doc: Doc, article: Article, kb: Any, findings: Findings) -> Findings:
    """Direct, indirect and mixed quotes with resolved speakers, filling ``findings.quotes``.

    Uses ``kb.cues`` (a ``CueLexicon``); without one it finds nothing. Speakers are linked to
    ``findings.actors`` when an actor mention covers the speaker's head word.
    """
    lexicon = getattr(kb, "cues", None) if kb is not None else None
    if lexicon is None or len(doc) == 0:
        return replace(findings, quotes=())
    refs = findings.references if findings.references is not None else resolve_references(doc)
    ctx = _Context(doc, lexicon, refs)
    drafts, pending = _direct_quotes(ctx)
    used_cues = {i for d in drafts for i in d.cue}
    covered = {i for d in drafts for s, e in d.content for i in _token_range(ctx, s, e)}
    drafts.extend(_indirect_quotes(ctx, used_cues, covered, drafts))
    drafts.sort(key=lambda d: (d.content[0][0], d.cue[0] if d.cue else -1))
    drafts.extend(_unattributed(ctx, pending, drafts))
    drafts.sort(key=lambda d: (d.content[0][0], d.cue[0] if d.cue else -1))
    _name_pronoun_speakers(ctx, drafts)
    quotes = tuple(_finish(ctx, article, d, findings) for d in drafts)
    return replace(findings, quotes=quotes)


def _token_range(ctx: _Context, start: int, end: int) -> list[int]:
    found = ctx.token_range(start, end)
    return list(range(*found)) if found is not None else []


# ---- direct quotes ---------------------------------------------------------------------------


def _direct_quotes(ctx: _Context) -> tuple[list[_Draft], list[int]]:
    """Quotations with a cue and speaker beside them; also the speech quotations left without one."""
    drafts: list[_Draft] = []
    pending: list[int] = []
    merged: set[int] = set()
    for qi in range(len(ctx.quotations)):
        if qi in merged or not ctx.speech_quotation[qi]:
            continue
        tokens = ctx.tokens_of(qi)
        if not tokens:
            continue
        draft = _attribute_post(ctx, qi, tokens) or _attribute_pre(ctx, qi, tokens)
        if draft is not None and draft.kind == "mixed":
            continue  # left to the indirect rules, which see the whole clause
        if draft is None:
            draft = _attribute_colon(ctx, qi, tokens)
        if draft is None:
            pending.append(qi)
            continue
        # "A," X said, "B." — a quotation opening right after the attribution joins this quote.
        if draft.rule.endswith("post-cue") and qi + 1 < len(ctx.quotations):
            nxt = ctx.quotations[qi + 1]
            end_tok = max([*draft.cue, draft.speaker[1] - 1 if draft.speaker else -1])
            gap_tokens = []
            for k in range(end_tok + 1, ctx.n):
                if ctx.idx[k] >= nxt.marks[0]:
                    break
                gap_tokens.append(k)
            if ctx.speech_quotation[qi + 1] and _only_attachments(ctx, gap_tokens, draft):
                draft.content.extend(nxt.segments)
                draft.marks.extend(nxt.marks)
                merged.add(qi + 1)
        drafts.append(draft)
    return drafts, pending


def _unattributed(ctx: _Context, pending: list[int], drafts: list[_Draft]) -> list[_Draft]:
    """Quotations without a cue of their own: more of the quote just before them (any kind), or
    attributed by the sentence after them. Quotations inside another quote's content are skipped."""
    covered = {i for d in drafts for s, e in d.content for i in _token_range(ctx, s, e)}
    found: list[_Draft] = []
    for qi in pending:
        q = ctx.quotations[qi]
        tokens = ctx.tokens_of(qi)
        if any(i in covered for i in tokens):
            continue
        before = [d for d in drafts + found if d.content[0][0] < q.start]
        if before:
            previous = max(before, key=lambda d: _evidence_end(ctx, d))
            if _continues(ctx, qi, previous):
                previous.content.extend(q.segments)
                previous.marks.extend(q.marks)
                continue
        draft = _attribute_next_sentence(ctx, qi, tokens)
        if draft is not None:
            found.append(draft)
    return found


def _evidence_end(ctx: _Context, draft: _Draft) -> int:
    ends = [e for _, e in draft.content]
    ends += [ctx.end_char[i] for i in draft.cue]
    if draft.speaker is not None:
        ends.append(ctx.end_char[draft.speaker[1] - 1])
    return max(ends)


def _only_attachments(ctx: _Context, tokens: list[int], draft: _Draft) -> bool:
    """Tokens between an attribution and the next quote mark are punctuation or its modifiers."""
    if len(tokens) > MAX_PRE_GAP:
        return False
    cue = draft.cue[0]
    poss, texts, deps = ctx.poss, ctx.texts, ctx.deps
    for t in tokens:
        if ctx.punct[t] or ctx.space[t] or poss[t] == "CCONJ":
            if texts[t] in {".", "?", "!"}:
                return False
            continue
        if not _descends(ctx, t, cue) or deps[t] in CONTENT_DEPS:
            return False
    return True


def _descends(ctx: _Context, node: int, target: int) -> bool:
    """Whether token ``node`` is ``target`` or hangs below it, at most 12 steps up."""
    head_of = ctx.head_of
    for _ in range(12):
        if node == target:
            return True
        if head_of[node] == node:
            return False
        node = head_of[node]
    return False


def _subtree(ctx: _Context, top: int) -> list[int]:
    """``[t.i for t in token.subtree]`` from the child lists: the left children's subtrees, the
    token, then the right children's, without making Token objects."""
    kids = ctx.kids
    if not kids[top]:
        return [top]
    out: list[int] = []
    stack = [top]  # a node to expand, or ~node: the node itself, in its place
    while stack:
        node = stack.pop()
        if node < 0:
            out.append(~node)
            continue
        below = kids[node]
        if not below:
            out.append(node)
            continue
        for k in reversed(below):
            if k > node:
                stack.append(k)
        stack.append(~node)
        for k in reversed(below):
            if k < node:
                stack.append(k)
    return out


def _subject(ctx: _Context, verb: int) -> int | None:
    """The grammatical speaker of a cue verb, following conjunctions and participles upward."""
    deps, tags, head_of, kids, quote_of, para_of = (
        ctx.deps,
        ctx.tags,
        ctx.head_of,
        ctx.kids,
        ctx.quote_of,
        ctx.para_of,
    )
    node = verb
    for _ in range(4):
        subjects = [c for c in kids[node] if deps[c] in SUBJECT_DEPS and c not in quote_of]
        if subjects:
            # a clause or gerund is no speaker ("restoring contacts ..., pointing"), nor is a word
            # the parser pulled in from another paragraph ("9:30 p.m. ⏎ Donald Trump says")
            good = [c for c in subjects if _speaker_like(ctx, c) and para_of[c] == para_of[node]]
            return min(good, key=lambda c: abs(c - node)) if good else None
        head = head_of[node]
        if deps[node] == "pcomp" and deps[head] == "prep":  # "was quoted as saying"
            node = head_of[head]
            continue
        if node == verb and tags[verb] in FINITE_TAGS:
            recovered = _subject_left_of(ctx, verb)
            if recovered is not None:
                return recovered
        if deps[node] == "acomp" and ctx.lemmas[node].lower() in SPEAKING_ADJECTIVES and node != verb:
            node = head  # "voters are more likely to say ...", "she was quick to say ..."
            continue
        if deps[node] in {"conj", "xcomp", "advcl"} and head != node:
            if deps[node] == "advcl" and tags[node] not in {"VBG", "VBN"}:
                return None
            node = head
            continue
        if deps[node] == "acl" and tags[node] == "VBG" and ctx.poss[head] in {"NOUN", "PROPN", "PRON", "NUM"}:
            return head  # "protesters carried signs, one saying that ..."
        break
    return None


def _speaker_like(ctx: _Context, i: int) -> bool:
    """Whether a subject can be a speaker: a person- or organisation-like noun phrase or pronoun,
    not a clause ("that ...", "restoring contacts ...") or a gerund."""
    if ctx.deps[i] == "csubj" or ctx.poss[i] in {"VERB", "AUX", "SCONJ", "ADP"}:
        return False
    return not (ctx.tags[i] == "VBG" or ctx.lowers[i] in {"this", "that", "what"})


def _named_head(ctx: _Context, subject: int) -> int:
    """The name in ``the deputy foreign minister, Leyla Korkmaz,``: a common-noun speaker's
    appositive proper name, which is who speaks (the noun phrase is the role)."""
    if ctx.poss[subject] != "NOUN":
        return subject
    for child in ctx.kids[subject]:
        if (
            ctx.deps[child] == "appos"
            and ctx.poss[child] == "PROPN"
            and ctx.ent_types[child] in {"PERSON", ""}
        ):
            return child
    return subject


def _subject_left_of(ctx: _Context, verb: int) -> int | None:
    """A subject the parser attached elsewhere: the name or pronoun right before a finite verb
    ("... editorial board of the Washington Post Trump said that ...")."""
    k = verb - 1
    while k >= 0 and ctx.deps[k] in {"aux", "neg", "advmod"} and ctx.head_of[k] == verb:
        k -= 1
    if k < 0 or k in ctx.quote_of:
        return None
    if ctx.poss[k] == "PROPN" or ctx.lowers[k] in {"he", "she", "they", "we", "i"}:
        return k
    return None


def _inverted_subject(ctx: _Context, verb: int) -> int | None:
    """The speaker after the verb in ``"...," said Okafor``, which the parser may call an object."""
    for child in ctx.kids[verb]:
        if (
            child > verb
            and ctx.deps[child] in {"nsubj", "dobj", "attr", "npadvmod", "appos"}
            and ctx.poss[child]
            in {
                "PROPN",
                "NOUN",
                "PRON",
            }
        ):
            if child not in ctx.quote_of:
                return child
    return None


def _np_span(ctx: _Context, head: int, stop: set[int]) -> tuple[int, int]:
    """The token range of a noun phrase (its subtree), cut before any quote token."""
    key = (head, *sorted(stop))
    found = ctx.np_spans.get(key)
    if found is None:
        found = ctx.np_spans[key] = _noun_phrase_span(ctx, head, stop)
    return found


def _noun_phrase_span(ctx: _Context, head: int, stop: set[int]) -> tuple[int, int]:
    """``_np_span`` worked out."""
    start, end = ctx.left_edge[head], ctx.right_edge[head] + 1
    speech, breaks = ctx.speech_tokens, ctx.newline_tokens
    # keep the contiguous run around the head, without quoted words, stop words and line breaks
    lo = hi = head
    while lo - 1 >= start and not (lo - 1 in speech or lo - 1 in stop or lo - 1 in breaks):
        lo -= 1
    while hi + 1 < end and not (hi + 1 in speech or hi + 1 in stop or hi + 1 in breaks):
        hi += 1
    while lo < hi and (ctx.punct[hi] or ctx.space[hi]):
        if ctx.texts[hi] == ")" and "(" in ctx.span_text(lo, hi):
            break  # keep the bracket of "Sen. David Perdue (R-Ga.)"
        hi -= 1
    while lo < hi and (ctx.punct[lo] or ctx.space[lo]):
        lo += 1
    return lo, hi + 1


def _speaker_span(ctx: _Context, head: int, stop: set[int]) -> tuple[int, int]:
    """The speaker's noun phrase without the scene the writer sets after it: a participle or
    adverbial clause (", wearing a cape,", "when asked about it") or a time ("at the time").
    Appositives and relative clauses stay (PolNeAR annotators include them on dev and leave
    them out on train, so neither choice is general)."""
    lo, hi = _np_span(ctx, head, stop)
    deps, texts = ctx.deps, ctx.texts
    for child in ctx.kids[head]:
        if child < head:
            continue
        if child >= hi:
            break
        dep = deps[child]
        if (
            dep == "advcl"
            or (
                dep == "acl"
                and ctx.tags[child] in {"VBG", "VBN"}
                and texts[ctx.left_edge[child] - 1] in {",", "—", "–"}
            )
            or (dep == "prep" and any(ctx.ent_types[g] in {"DATE", "TIME"} for g in ctx.kids[child]))
            or (dep in {"relcl", "acl"} and ctx.lowers[ctx.left_edge[child]] in TIME_SUBORDINATORS)
        ):
            hi = min(hi, ctx.left_edge[child])
            break
    while hi > lo + 1 and (ctx.punct[hi - 1] or ctx.space[hi - 1]):
        if texts[hi - 1] == ")" and "(" in ctx.span_text(lo, hi - 1):
            break
        hi -= 1
    return lo, hi


def _attribute_post(ctx: _Context, qi: int, tokens: list[int]) -> _Draft | None:
    """``"...," X said`` / ``"...," said X`` / ``"..." X told reporters``: cue after the close."""
    q = ctx.quotations[qi]
    if not q.closed:
        return None
    doc = ctx.doc
    close_tok = ctx.token_at(q.marks[-1])
    if close_tok is None:
        return None
    end = ctx.sentence_end(ctx.sent_of[close_tok])
    if (
        end == close_tok + 1
        and end < len(doc)
        and ctx.texts[close_tok - 1] in {"?", "!"}
        and ctx.para_of[end] == ctx.para_of[close_tok]
    ):
        # the parser ends the sentence at a question's close: '"Why now?" she asked.'
        end = ctx.sentence_end(ctx.sent_of[end])
    for token in range(close_tok + 1, min(end, close_tok + 1 + MAX_POST_GAP)):
        if token in ctx.quote_of or token in ctx.mark_tokens:
            return None  # another quotation starts first
        if ctx.texts[token] in {".", "?", "!"} or token in ctx.newline_tokens:
            return None
        entry = ctx.is_cue(token)
        if entry is None:
            continue
        subject = _subject(ctx, token)
        if subject is None or subject < close_tok:
            # "...," said X: the name after the cue, only when the cue follows the mark directly
            direct = all(ctx.punct[k] or ctx.space[k] for k in range(close_tok + 1, token))
            subject = _inverted_subject(ctx, token) if direct else None
        speaker_range = None
        if subject is None:
            # The parser lost the subject (often to the quotation): take the words between the
            # closing mark and the cue when they look like a name or noun phrase.
            speaker_range = _gap_speaker(ctx, close_tok + 1, token)
            if speaker_range is None:
                continue
            subject = _gap_head(ctx, *speaker_range)
        kind = "mixed" if _clause_beyond_quote(ctx, token, tokens) else "direct"
        draft = _draft_for(ctx, token, entry, subject, kind, "direct/post-cue")
        if speaker_range is not None:
            draft.speaker = speaker_range
        draft.content = list(q.segments)
        draft.marks = list(q.marks)
        return draft
    return None


def _gap_speaker(ctx: _Context, start: int, end: int) -> tuple[int, int] | None:
    """The tokens in ``[start, end)`` without edge punctuation, when they start like a noun phrase."""
    poss = ctx.poss
    while start < end and (ctx.punct[start] or ctx.space[start]):
        start += 1
    while end > start and (ctx.punct[end - 1] or ctx.space[end - 1]):
        end -= 1
    if start >= end or poss[start] not in {"PROPN", "PRON", "DET", "NOUN", "ADJ"}:
        return None
    if any(poss[k] in {"VERB", "AUX"} for k in range(start, end)):
        return None
    return start, end


def _gap_head(ctx: _Context, start: int, end: int) -> int:
    """The head of a noun phrase found by position: the last word of its first name or noun run."""
    poss = ctx.poss
    k = start
    while k < end and poss[k] not in {"PROPN", "PRON", "NOUN"}:
        k += 1
    if k >= end:
        return start
    while k + 1 < end and poss[k + 1] == poss[k] and poss[k + 1] in {"PROPN", "NOUN"}:
        k += 1
    return k


def _clause_beyond_quote(ctx: _Context, cue: int, quote_tokens: list[int]) -> bool:
    """Whether the cue reports more than the quotation: its clause reaches well outside the quote
    (a mixed quote), or it reports a clause that is not the quote at all (a quoted title before
    ``X said ...``)."""
    own, speech = set(quote_tokens), ctx.speech_tokens
    marks, para_of = ctx.mark_tokens, ctx.para_of
    paragraph = para_of[cue]
    clauses = []
    for child in ctx.kids[cue]:
        if ctx.deps[child] != "ccomp":
            continue
        clause = [
            t for t in _subtree(ctx, child) if not ctx.punct[t] and t not in marks and para_of[t] == paragraph
        ]
        if clause:
            clauses.append(clause)
    if not clauses:
        return False
    overlapping = [clause for clause in clauses if any(i in own or i in speech for i in clause)]
    if not overlapping:
        return True
    return any(
        sum(1 for i in clause if i in own or i in speech) / len(clause) < DIRECT_COVERAGE
        for clause in overlapping
    )


def _attribute_pre(ctx: _Context, qi: int, tokens: list[int]) -> _Draft | None:
    """``X said: "..."`` / ``X told reporters "..."``: cue before the opening mark, same sentence."""
    q = ctx.quotations[qi]
    open_tok = ctx.token_at(q.marks[0])
    if open_tok is None:
        return None
    sent_start = ctx.sentence_start(ctx.sent_of[open_tok])
    for token in range(open_tok - 1, max(sent_start, open_tok - 1 - MAX_PRE_GAP) - 1, -1):
        if token in ctx.quote_of or token in ctx.mark_tokens:
            return None
        entry = ctx.is_cue(token)
        if entry is None:
            continue
        subject = _subject(ctx, token)
        if subject is None:
            return None
        kind = "direct"
        for t in range(token + 1, open_tok):
            if ctx.punct[t] or ctx.space[t] or ctx.lowers[t] == "that":
                continue
            if not _descends(ctx, t, token) or _reaches_quote(ctx, t, token, set(tokens)):
                kind = "mixed"
                break
            if not _modifies_cue(ctx, t, token, entry) or ctx.poss[t] in {"VERB", "AUX"}:
                kind = "mixed"  # "stressing the need to act under “constant attack”"
                break
        if kind == "direct" and (
            _clause_beyond_quote(ctx, token, tokens) or _sentence_goes_on(ctx, q, tokens, token)
        ):
            kind = "mixed"
        draft = _draft_for(ctx, token, entry, subject, kind, "direct/pre-cue")
        draft.content = list(q.segments)
        draft.marks = list(q.marks)
        return draft
    return None


def _modifies_cue(ctx: _Context, token: int, cue: int, entry: CueEntry) -> bool:
    """Whether a word between a cue and a quotation is the cue's own modifier (when, where, to
    whom, through what) rather than the start of what was said."""
    head_of, deps = ctx.head_of, ctx.deps
    node = token
    for _ in range(12):
        if head_of[node] == cue:
            if deps[node] == "dobj":
                return entry.addressee == "object"
            return deps[node] in CUE_MODIFIER_DEPS
        if head_of[node] == node:
            return False
        node = head_of[node]
    return False


def _sentence_goes_on(ctx: _Context, q: Quotation, tokens: list[int], cue: int) -> bool:
    """Whether words that are not a new attribution follow the quotation in its sentence, making
    it a fragment of a longer clause ("reported “2,521 shooting incidents” in the city")."""
    close_tok = ctx.token_at(q.marks[-1]) if q.closed else None
    if close_tok is None:
        return False
    head_of = ctx.head_of
    for t in range(close_tok + 1, ctx.sentence_end(ctx.sent_of[close_tok])):
        if ctx.punct[t] or ctx.space[t] or t in ctx.mark_tokens:
            continue
        if t in ctx.quote_of or t in ctx.newline_tokens or ctx.para_of[t] != ctx.para_of[close_tok]:
            return False
        chain = [t]  # the token and its ancestors (``token.ancestors``)
        node = t
        while head_of[node] != node and len(chain) <= ctx.n:
            node = head_of[node]
            chain.append(node)
        if any(ctx.is_cue(a) is not None for a in chain if a > close_tok):
            return False  # a following attribution: "..." she said, adding ...
        if _descends(ctx, t, cue) and not _reaches_quote(ctx, t, cue, set(tokens)):
            continue  # the cue's own modifier: said, "...", when asked about it
        return True
    return False


def _reaches_quote(ctx: _Context, token: int, cue: int, quote_tokens: set[int]) -> bool:
    """Whether a token hangs off the quoted clause (it is content, not the cue's modifier)."""
    head_of, deps = ctx.head_of, ctx.deps
    node = token
    for _ in range(12):
        if node == cue:
            return False
        if node in quote_tokens:
            return True
        if deps[node] in CONTENT_DEPS and head_of[node] == cue:
            return True
        if head_of[node] == node:
            return False
        node = head_of[node]
    return False


def _attribute_colon(ctx: _Context, qi: int, tokens: list[int]) -> _Draft | None:
    """``X told reporters:`` ending the sentence or paragraph before the quotation."""
    q = ctx.quotations[qi]
    open_tok = ctx.token_at(q.marks[0])
    if open_tok is None:
        return None
    k = open_tok - 1
    while k >= 0 and ctx.space[k]:
        k -= 1
    if k < 0 or ctx.texts[k] != ":":
        return None
    for token in range(k - 1, ctx.sentence_start(ctx.sent_of[k]) - 1, -1):
        if token in ctx.quote_of or token in ctx.mark_tokens:
            return None
        entry = ctx.is_cue(token)
        if entry is None:
            continue
        if any(ctx.deps[c] == "ccomp" and c < k and c not in ctx.quote_of for c in ctx.kids[token]):
            return None
        subject = _subject(ctx, token)
        if subject is None:
            return None
        draft = _draft_for(ctx, token, entry, subject, "direct", "direct/colon")
        draft.content = list(q.segments)
        draft.marks = list(q.marks)
        return draft
    return None


def _continues(ctx: _Context, qi: int, previous: _Draft) -> bool:
    """Whether a quotation follows the previous speaker's quote with nothing else in between
    (at most the rest of the previous attribution's sentence, or a paragraph break)."""
    q = ctx.quotations[qi]
    open_tok = ctx.token_at(q.marks[0])
    end_tok = ctx.token_at(max(_evidence_end(ctx, previous) - 1, 0))
    if open_tok is None or end_tok is None or end_tok >= open_tok:
        return False
    if ctx.sent_of[open_tok] - ctx.sent_of[end_tok] > 1:
        return False
    if ctx.para_of[open_tok] - ctx.para_of[end_tok] > 1:
        return False
    between = range(end_tok + 1, open_tok)
    if any(i in ctx.quote_of or i in ctx.mark_tokens for i in between):
        return False
    rest = [i for i in between if not (ctx.punct[i] or ctx.space[i])]
    if any(ctx.is_cue(i) for i in rest):
        return False
    if previous.kind != "direct" and any(_subjectless_participle(ctx, i) for i in rest):
        # 'telling CNN it was a "fake" and questioning how it had "got away with it"': the
        # speaker's next act, not more of the report
        return False
    if len(rest) <= MAX_PRE_GAP:
        return True
    # a long tail of the attribution sentence ("X said during the interview in Macau, ahead of
    # ...") is still only the attribution when every word of it hangs off the cue
    if not previous.cue:
        return False
    cue = previous.cue[-1]
    return all(ctx.sent_of[i] == ctx.sent_of[cue] and _descends(ctx, i, cue) for i in rest)


def _subjectless_participle(ctx: _Context, i: int) -> bool:
    """A verb in -ing with no subject or auxiliary of its own ("*questioning* how ...")."""
    deps = ctx.deps
    return (
        ctx.poss[i] == "VERB"
        and ctx.tags[i] == "VBG"
        and not any(deps[c] in SUBJECT_DEPS or deps[c] == "aux" for c in ctx.kids[i])
    )


def _attribute_next_sentence(ctx: _Context, qi: int, tokens: list[int]) -> _Draft | None:
    """A quotation standing alone, attributed by the next sentence: ``"..." \\n Okafor said so.``"""
    q = ctx.quotations[qi]
    if not q.closed or ctx.text[q.end - 1] not in ".?!":
        return None  # only a quotation that ends its own sentence
    close_tok = ctx.token_at(q.marks[-1])
    if close_tok is None:
        return None
    deps = ctx.deps
    n = ctx.n
    k = close_tok + 1
    while k < n and (ctx.space[k] or ctx.punct[k]) and k not in ctx.mark_tokens:
        k += 1
    if k >= n or ctx.para_of[k] - ctx.para_of[close_tok] > 1:
        return None
    sentence_end = ctx.sentence_end(ctx.sent_of[k])
    for token in range(k, min(sentence_end, n)):
        if token in ctx.quote_of or token in ctx.mark_tokens or ctx.para_of[token] != ctx.para_of[k]:
            return None
        entry = ctx.is_cue(token)
        if entry is None:
            continue
        if any(deps[c] in {"ccomp", "xcomp"} for c in ctx.kids[token]):
            return None
        if any(
            deps[c] == "dobj" and ctx.lowers[c] not in {"so", "this", "that", "it"} for c in ctx.kids[token]
        ):
            return None
        subject = _subject(ctx, token)
        if subject is None:
            subject = _inverted_subject(ctx, token)
        if subject is None:
            return None
        draft = _draft_for(ctx, token, entry, subject, "direct", "direct/next-sentence")
        draft.confidence = CONFIDENCE["next-sentence"]
        draft.content = list(q.segments)
        draft.marks = list(q.marks)
        return draft
    return None


def _draft_for(ctx: _Context, cue: int, entry: CueEntry, subject: int, kind: str, rule: str) -> _Draft:
    stop = {cue}
    speaker = _speaker_span(ctx, subject, stop)
    medium, addressee = _medium_and_addressee(ctx, cue, entry)
    cue_tokens = _cue_tokens(ctx, cue)
    pronoun = ctx.lowers[subject] in PRONOUNS
    confidence = CONFIDENCE["direct-pronoun"] if pronoun else CONFIDENCE["direct"]
    if kind != "direct":
        confidence = CONFIDENCE["indirect"]
    return _Draft(
        kind=kind,
        rule=rule,
        confidence=confidence,
        cue=cue_tokens,
        speaker=speaker,
        speaker_head=_named_head(ctx, subject),
        content=[],
        medium=medium,
        addressee=addressee,
    )


def _cue_tokens(ctx: _Context, cue: int) -> list[int]:
    """The cue verb with its auxiliaries and particles ("has said", "pointed out", "was quoted as
    saying")."""
    deps, head_of = ctx.deps, ctx.head_of
    head = head_of[cue]
    if deps[cue] == "pcomp" and deps[head] == "prep" and head_of[head] < cue:
        lead = _cue_tokens(ctx, head_of[head])
        if lead and lead[-1] + 1 == head and head + 1 == cue:
            return [*lead, head, cue]
    out = [cue]
    for child in ctx.kids[cue]:
        if deps[child] in {"aux", "auxpass", "neg", "prt"} and abs(child - cue) <= 3:
            out.append(child)
    out.sort()
    # keep only a contiguous run around the verb
    run = [cue]
    left = [i for i in out if i < cue]
    if left:
        # the verb group with the adverbs inside it: "had basically said", "has, however, revealed"
        between = range(min(left), cue)
        if all(
            t in out or (head_of[t] == cue and deps[t] in {"advmod", "punct"}) or ctx.punct[t]
            for t in between
        ):
            run = [*between, cue]
    for i in sorted((i for i in out if i < cue), reverse=True):
        if i == run[0] - 1:
            run.insert(0, i)
    for i in sorted(i for i in out if i > cue):
        if i == run[-1] + 1:
            run.append(i)
    return run


def _medium_and_addressee(ctx: _Context, cue: int, entry: CueEntry) -> tuple[str | None, str | None]:
    """``in a statement`` / ``on Twitter`` / ``told Interfax`` / ``quoted ... by Xinhua`` and ``told X``."""
    medium = entry.medium
    addressee = None
    lex = ctx.lex
    deps, lowers, lemmas, kids = ctx.deps, ctx.lowers, ctx.lemmas, ctx.kids
    head = ctx.head_of[cue]
    verbs = [cue]
    if deps[cue] in {"advcl", "xcomp", "conj"} and head != cue:
        verbs.append(head)
    if deps[cue] == "pcomp" and deps[head] == "prep":
        verbs.append(ctx.head_of[head])  # "was quoted as saying by Xinhua"
    for verb in verbs:
        for child in kids[verb]:
            if child in ctx.quote_of:
                continue
            dep = deps[child]
            if dep in {"dobj", "dative"} and verb == cue:
                text = _phrase(ctx, child)
                outlet = lex.outlet_name(text)
                if outlet is not None:
                    medium = medium or outlet
                elif lemmas[child].lower() in lex.media:  # "told a news conference"
                    medium = medium or text
                elif entry.addressee == "object" and ctx.poss[child] in {"NOUN", "PROPN", "PRON"}:
                    addressee = addressee or text
            elif dep in {"prep", "agent"}:
                word = lowers[child]
                to_audience = word == "to" and verb == cue and entry.addressee in {"to", "object"}
                if not (word in MEDIUM_PREPS or word == "by" or dep == "agent" or to_audience):
                    continue  # the phrase names neither medium nor audience ("said on Tuesday")
                objects = [g for g in kids[child] if deps[g] == "pobj"]
                if not objects:
                    continue
                obj = objects[0]
                text = _phrase(ctx, obj)
                outlet = lex.outlet_name(text)
                if word in MEDIUM_PREPS:
                    if outlet is not None:
                        medium = medium or outlet
                    elif lemmas[obj].lower() in lex.media or lowers[obj] in lex.media:
                        medium = medium or text
                        for grand in kids[obj]:
                            if deps[grand] == "prep" and lowers[grand] == "to":
                                target = [g for g in kids[grand] if deps[g] == "pobj"]
                                if target:
                                    addressee = addressee or _phrase(ctx, target[0])
                elif word == "by" or dep == "agent":
                    if outlet is not None:
                        medium = medium or outlet
                    elif lemmas[obj].lower() in lex.media or ctx.ent_types[obj] == "ORG":
                        medium = medium or text
                elif to_audience:
                    if outlet is not None:
                        medium = medium or outlet
                    else:
                        addressee = addressee or text
    return medium, addressee


def _phrase(ctx: _Context, head: int) -> str:
    lo, hi = _np_span(ctx, head, set())
    deps = ctx.deps
    # drop relative clauses and trailing appositives: keep the phrase a reader would name
    for child in ctx.kids[head]:
        if deps[child] in {"relcl", "acl", "appos", "punct"} and child > head:
            hi = min(hi, ctx.left_edge[child])
    for i in range(head + 1, hi):
        if deps[i] == "relcl":  # "a news conference in the capital that ..."
            hi = min(hi, ctx.left_edge[i])
    while hi > lo + 1 and (ctx.punct[hi - 1] or ctx.space[hi - 1]):
        hi -= 1
    return ctx.span_text(lo, hi)


# ---- indirect and mixed quotes ---------------------------------------------------------------


def _indirect_quotes(
    ctx: _Context, used_cues: set[int], covered: set[int], direct: list[_Draft]
) -> list[_Draft]:
    """Indirect and mixed quotes of cues the direct rules left, and ``according to X`` reports
    (which only give a medium to a quote whose cue they modify: ``"...," X said, according to Y``)."""
    drafts: list[_Draft] = []
    for token in ctx.candidates:  # cue verbs and the first words of phrase cues
        if token in used_cues or token in covered:
            continue
        entry = ctx.is_cue(token)
        if entry is not None:
            draft = _indirect_for(ctx, token, entry)
            if draft is not None:
                drafts.append(draft)
            continue
        phrase = _phrase_cue_at(ctx, token) if token in ctx.phrase_starts else None
        if phrase is not None:
            draft = _according_to(ctx, token, phrase, drafts + direct)
            if draft is not None:
                drafts.append(draft)
    return drafts


def _content_clause(ctx: _Context, cue: int, entry: CueEntry) -> list[int] | None:
    """Token indices of what the cue reports: its clausal complement, or the clause it comments on."""
    after_colon = _after_colon(ctx, cue)
    if after_colon is not None:
        return after_colon
    deps, kids, para_of = ctx.deps, ctx.kids, ctx.para_of
    # a clause in another paragraph is the parser running sentences together, never the content
    clauses = [
        k
        for k in kids[cue]
        if deps[k] == "ccomp"
        and (para_of[k] == para_of[cue] or any(para_of[t] == para_of[cue] for t in _subtree(ctx, k)))
    ]
    if len(clauses) > 1:  # a second report the parser hung on the first cue is not its content
        clauses = [k for k in clauses if ctx.is_cue(k) is None] or clauses[:1]
    if clauses:
        # Coordinated reports the parser gave the cue twice ("said A has X and B was Y") are one.
        side = [k for k in clauses if (k > cue) == (clauses[0] > cue)]
        first = min(ctx.left_edge[k] for k in side)
        last = max(side, key=lambda k: ctx.right_edge[k])
        clause = list(range(first, ctx.right_edge[last] + 1))
        if last > cue:
            clause.extend(_clause_continuation(ctx, cue, last))
        else:
            clause.extend(_interrupted_rest(ctx, cue))
        return clause
    misparsed = _that_clause_as_relative(ctx, cue)
    if misparsed is not None:
        return misparsed
    if entry.infinitive:
        for child in kids[cue]:
            if deps[child] == "xcomp" and any(
                deps[k] == "aux" and ctx.lowers[k] == "to" for k in kids[child]
            ):
                return _subtree(ctx, child)
    if entry.object:
        for child in kids[cue]:
            if deps[child] == "dobj" and ctx.poss[child] in {"NOUN", "PROPN"} and child > cue:
                if not ctx.lex.is_outlet(_phrase(ctx, child)):
                    return _subtree(ctx, child) + _object_tail(ctx, cue, child)
    head = ctx.head_of[cue]
    if (
        deps[cue] == "conj"
        and cue > 0
        and ctx.lowers[cue - 1] == ","
        and any(deps[k] in SUBJECT_DEPS and k > cue for k in kids[cue])
        and head < cue
    ):
        # "The plant is under pressure from imports, said its chief executive." parsed with the
        # inverted cue as a conjunct of the reported clause
        own = set(_subtree(ctx, cue))
        return [t for t in _subtree(ctx, head) if t not in own and t < cue]
    if deps[cue] in {"parataxis", "advcl"} and head != cue:
        # "The plan is dead, Okafor said." and "The plan, Okafor said, is dead." parsed with the
        # cue hanging off the reported clause
        marks = {ctx.lowers[k] for k in kids[cue] if deps[k] == "mark"}
        if deps[cue] == "advcl" and marks != {"as"}:  # only "as X pointed out, ..."
            if marks or head > cue:
                return None
        if marks == {"as"} and any(deps[k] in {"xcomp", "ccomp", "dobj"} for k in kids[cue]):
            return None  # "as the movement continues to grow, ...": the verb has its own complement
        own = set(_subtree(ctx, cue))
        return [t for t in _subtree(ctx, head) if t not in own]
    return None


def _that_clause_as_relative(ctx: _Context, cue: int) -> list[int] | None:
    """A "that" clause the parser made a relative clause of a noun after the cue ("told a news
    conference in the capital *that voters had rewarded the government*"). It cannot be one when
    the clause has its own subject and its verb already has an object besides "that". Also a
    "that" complement clause the parser hung on a noun after the cue ("said in a statement *that
    the terminal would reopen*")."""
    deps, lowers, kids = ctx.deps, ctx.lowers, ctx.kids
    for t in _subtree(ctx, cue):
        if t <= cue or deps[t] not in {"relcl", "acl"} or t in ctx.quote_of:
            continue
        if ctx.sent_of[t] != ctx.sent_of[cue]:
            break
        first = ctx.left_edge[t]
        if (
            lowers[first] == "that"
            and deps[first] == "mark"  # a relative "that" is a pronoun, never a marker
            and deps[t] in {"acl", "relcl"}
            and deps[ctx.head_of[t]] in {"pobj", "dobj"}
            and any(deps[k] in SUBJECT_DEPS for k in kids[t])
        ):
            # "said in a statement that the team would ...": a complement clause of the noun
            return list(range(first, ctx.right_edge[t] + 1))
        if deps[t] != "relcl":
            continue
        if lowers[first] != "that" or deps[first] in SUBJECT_DEPS:
            continue
        subjects = [k for k in kids[t] if deps[k] in SUBJECT_DEPS and k != first]
        objects = [k for k in kids[t] if deps[k] in {"dobj", "attr", "acomp", "ccomp", "oprd"} and k != first]
        if subjects and objects:
            return list(range(first, ctx.right_edge[t] + 1))
    return None


def _object_tail(ctx: _Context, cue: int, obj: int) -> list[int]:
    """Modifiers of an object content that the parser hung on the cue ("announced a series of
    steps *to tighten gun sales*", "recalled Ali's generosity *in support of a food bank*"):
    a to-infinitive or a prepositional phrase right after the object, unless it names the medium,
    audience or time of the speaking."""
    deps, lowers, kids = ctx.deps, ctx.lowers, ctx.kids
    out: list[int] = []
    end = ctx.right_edge[obj]
    for child in kids[cue]:
        if child <= cue or child <= end:
            continue
        if ctx.left_edge[child] != end + 1:
            break
        if deps[child] in {"xcomp", "advcl"} and any(
            deps[k] == "aux" and lowers[k] == "to" for k in kids[child]
        ):
            pass
        elif deps[child] == "prep" and lowers[child] in OBJECT_PREPS:
            objects = [g for g in kids[child] if deps[g] == "pobj"]
            if (
                not objects
                or ctx.ent_types[objects[0]] in {"DATE", "TIME"}
                or ctx.lemmas[objects[0]].lower() in ctx.lex.media
            ):
                break
        else:
            break
        out.extend(range(end + 1, ctx.right_edge[child] + 1))
        end = ctx.right_edge[child]
    return out


def _ends_with_colon(ctx: _Context, cue: int, content_start: int) -> bool:
    """Whether a colon is the last word between a cue and its content."""
    for t in range(min(content_start, ctx.n) - 1, cue, -1):
        if not ctx.space[t]:
            return ctx.texts[t] == ":"
    return False


def _after_colon(ctx: _Context, cue: int) -> list[int] | None:
    """``The governor added:`` followed by unquoted words: the rest of the paragraph, or the next
    paragraph when the colon ends this one (transcripts and block quotations)."""
    texts, deps, head_of = ctx.texts, ctx.deps, ctx.head_of
    n = ctx.n
    k = cue + 1
    while k < n and k not in ctx.mark_tokens and texts[k] != ":" and _descends(ctx, k, cue):
        if deps[k] in {"ccomp", "dobj", "xcomp"} and head_of[k] == cue:
            return None
        k += 1
    if k >= n or texts[k] != ":":
        return None
    start = k + 1
    while start < n and ctx.space[start]:
        start += 1
    if start >= n or start in ctx.quote_of or start in ctx.mark_tokens:
        return None  # a quotation: the direct rules have it
    if ctx.para_of[start] - ctx.para_of[k] > 1:
        return None
    paragraph = ctx.para_of[start]
    end = start
    while end < n and ctx.para_of[end] == paragraph and end not in ctx.newline_tokens:
        end += 1
    return list(range(start, end))


def _interrupted_rest(ctx: _Context, cue: int) -> list[int]:
    """The second half of a report the cue interrupts: "Though the move was smooth, he said,
    *replacing her would be harder*." Only after a comma that follows the cue's own words."""
    deps, kids = ctx.deps, ctx.kids
    own_end = max(
        [cue] + [t for k in kids[cue] if k > cue and deps[k] in SUBJECT_DEPS for t in _subtree(ctx, k)]
    )
    k = own_end + 1
    if k >= ctx.n or ctx.texts[k] != ",":
        return []
    for child in kids[cue]:
        if child <= cue or child <= k or deps[child] not in {"ccomp", "parataxis", "conj", "advcl"}:
            continue
        if ctx.is_cue(child) is not None or ctx.sent_of[child] != ctx.sent_of[cue]:
            return []
        return _subtree(ctx, child)
    return []


def _clause_continuation(ctx: _Context, cue: int, clause: int) -> list[int]:
    """Words after a reported clause that the parser hung on the cue but that go on reporting
    ("said the plan was dead, *but the talks would go on*"; "*until it went bankrupt*")."""
    deps, kids, head_of = ctx.deps, ctx.kids, ctx.head_of
    out: list[int] = []
    end = ctx.right_edge[clause]
    extras = [k for k in kids[cue] if k > cue]
    if deps[cue] == "pcomp" and deps[head_of[cue]] == "prep":
        # "was quoted as saying that A but that B": the parser hangs B on "quoted"
        quoted = head_of[head_of[cue]]
        extras += [k for k in kids[quoted] if k > quoted and k > end]
    for extra in extras:
        if extra <= end:
            continue
        second_that = deps[extra] == "conj" and any(
            deps[k] == "mark" and ctx.lowers[k] == "that" for k in kids[extra]
        )
        if deps[extra] not in CONTINUATION_DEPS and not second_that:
            continue
        if (
            ctx.is_cue(extra) is not None
            or ctx.tags[extra] == "VBG"
            or ctx.sent_of[extra] != ctx.sent_of[cue]
        ):
            break  # a report of its own ("..., adding that ...")
        right = ctx.right_edge[extra]
        out.extend(range(end + 1, right + 1))
        end = right
    return out


def _indirect_for(ctx: _Context, cue: int, entry: CueEntry) -> _Draft | None:
    if _is_passive(ctx, cue):
        return _passive_report(ctx, cue, entry)
    clause = _content_clause(ctx, cue, entry)
    topic = None
    min_words = None
    if not clause:
        topic = _topic(ctx, cue, entry)
        if topic is not None:
            clause, min_words = _topic_words(ctx, topic), MIN_OBJECT_TOKENS
        else:
            clause, min_words = _pro_form(ctx, cue), 1
        if not clause:
            return None
    subject = _subject(ctx, cue)
    if subject is None and ctx.deps[cue] in {"parataxis", "ccomp"}:
        subject = _inverted_subject(ctx, cue)
    if subject is None:
        return None
    draft = _clause_draft(ctx, cue, entry, subject, clause, min_words)
    if draft is not None and topic is not None:
        draft.cue = sorted({*draft.cue, topic})
    return draft


def _clause_draft(
    ctx: _Context,
    cue: int,
    entry: CueEntry,
    subject: int | None,
    clause: list[int],
    min_words: int | None = None,
) -> _Draft | None:
    """The quote of a cue whose reported words are ``clause``, when they are at least
    ``min_words`` words (default: ``MIN_OBJECT_TOKENS`` for an object, else
    ``MIN_INDIRECT_TOKENS``). ``subject`` is None for a report that names no speaker ("it was
    announced that ...")."""
    para_of = ctx.para_of
    speaker_range = set(range(*_np_span(ctx, subject, {cue}))) if subject is not None else set()
    paragraphs = {para_of[cue], para_of[clause[0]] if clause[0] > cue else para_of[cue]}
    if para_of[clause[0]] - para_of[cue] > 1 or not _ends_with_colon(ctx, cue, clause[0]):
        paragraphs = {para_of[cue]}
    body = sorted(i for i in clause if i not in speaker_range and i != cue and para_of[i] in paragraphs)
    body = _trim_edges(ctx, _cut_additions(ctx, cue, body))
    words = [i for i in body if not ctx.punct[i]]
    if min_words is None:
        is_object = any(ctx.deps[i] == "dobj" and ctx.head_of[i] == cue for i in words)
        min_words = MIN_OBJECT_TOKENS if is_object else MIN_INDIRECT_TOKENS
    if len(words) < min_words:
        return None
    speech = ctx.speech_tokens
    quoted = [i for i in words if i in speech]
    kind = "indirect"
    if quoted:
        kind = "direct" if len(quoted) >= DIRECT_COVERAGE * len(words) else "mixed"
    if kind == "mixed":
        body = _rest_of_quotation(ctx, body)
        # a quotation closing right after the clause belongs to it: 'needed to "act now".'
        while (
            body[-1] + 1 < ctx.n
            and body[-1] + 1 in ctx.mark_tokens
            and ctx.idx[body[-1]] < ctx.idx[body[-1] + 1]
        ):
            body.append(body[-1] + 1)
    ranges = _char_ranges(ctx, body)
    if kind == "direct":
        ranges = [
            seg for qi in sorted({ctx.quote_of[i] for i in quoted}) for seg in ctx.quotations[qi].segments
        ]
    rule = f"{kind}/clause" if kind != "direct" else "direct/clause"
    if subject is not None:
        draft = _draft_for(ctx, cue, entry, subject, kind, rule)
    else:
        medium, addressee = _medium_and_addressee(ctx, cue, entry)
        draft = _Draft(
            kind, rule, 0.0, _cue_tokens(ctx, cue), None, None, [], medium=medium, addressee=addressee
        )
    draft.confidence = CONFIDENCE["indirect"] if kind != "direct" else draft.confidence
    if subject is None:
        draft.confidence = CONFIDENCE["passive"]
    draft.content = ranges
    draft.marks = [m for qi in {ctx.quote_of[i] for i in quoted} for m in ctx.quotations[qi].marks]
    return draft


def _topic(ctx: _Context, cue: int, entry: CueEntry) -> int | None:
    """The preposition after a cue whose object is what was said ("commented *on* the verdict",
    "complained *about* the noise"; the lexicon's ``topic``), never the medium or a time."""
    if not entry.topic:
        return None
    deps, kids = ctx.deps, ctx.kids
    for child in kids[cue]:
        if child < cue or deps[child] != "prep" or ctx.lowers[child] not in entry.topic:
            continue
        objects = [g for g in kids[child] if deps[g] == "pobj"]
        if not objects or objects[0] in ctx.quote_of or ctx.sent_of[objects[0]] != ctx.sent_of[cue]:
            continue
        obj = objects[0]
        if ctx.ent_types[obj] in {"DATE", "TIME"} or ctx.lemmas[obj].lower() in ctx.lex.media:
            continue
        if ctx.lex.is_outlet(_phrase(ctx, obj)):
            continue
        return child
    return None


def _pro_form(ctx: _Context, cue: int) -> list[int]:
    """A word standing for what was said, right after the cue: "said so", "said yes", "said no",
    "said the same (of Ortiz)", "said as much" (PRO_FORM_CONTENTS)."""
    k = cue + 1
    if k >= ctx.n or k in ctx.quote_of:
        return []
    deps, lowers = ctx.deps, ctx.lowers
    own = [cue] + [
        t
        for x in ctx.kids[cue]
        if x < cue and deps[x] in SUBJECT_DEPS | {"aux", "neg"}
        for t in _subtree(ctx, x)
    ]
    before = min(own) - 1
    while before >= 0 and ctx.space[before]:
        before -= 1
    if before in ctx.mark_tokens:
        return []  # '"..." ⏎ Okafor said so.': the quotation before is what was said
    word = k
    if lowers[k] in {"the", "as"} and k + 1 < ctx.n:
        word = k + 1  # "the same", "as much"
    if lowers[word] not in PRO_FORM_CONTENTS or ctx.head_of[word] != cue:
        return []
    if (lowers[word] == "much") != (lowers[k] == "as") or (lowers[word] == "same" and lowers[k] != "the"):
        return []
    if lowers[word] == "same":
        return [t for t in _subtree(ctx, word) if t >= k]
    return list(range(k, word + 1))


def _topic_words(ctx: _Context, prep: int) -> list[int]:
    return [t for obj in ctx.kids[prep] if ctx.deps[obj] == "pobj" for t in _subtree(ctx, obj)]


def _is_passive(ctx: _Context, cue: int) -> bool:
    """A passive report ("it was announced that ...", "was told by X that ...") or a subjectless
    past participle opening a clause ("Asked whether ..., the mayor said"): the grammatical
    subject, if any, is the audience or the thing said, never the speaker."""
    deps, kids = ctx.deps, ctx.kids[cue]
    if any(deps[k] == "auxpass" for k in kids):
        # "was quoted as saying": the speaking verb carries the report
        return not any(deps[k] == "prep" and ctx.lowers[k] == "as" for k in kids)
    return (
        ctx.tags[cue] == "VBN"
        and deps[cue] == "advcl"
        and not any(deps[k] in SUBJECT_DEPS or deps[k] in {"aux", "auxpass"} for k in kids)
    )


def _passive_report(ctx: _Context, cue: int, entry: CueEntry) -> _Draft | None:
    """A passive report: the speaker is the agent ("was first reported *by the Gazette*") or
    unnamed; the content is the reported clause, the topic ("was asked *about* the deal") or, for
    object cues, the passive subject ("*The merger* was announced on Monday")."""
    deps, kids = ctx.deps, ctx.kids
    agents = [g for k in kids[cue] if deps[k] == "agent" for g in kids[k] if deps[g] == "pobj"]
    speaker = agents[0] if agents and agents[0] not in ctx.quote_of else None
    subjects = [k for k in kids[cue] if deps[k] == "nsubjpass" and k not in ctx.quote_of]
    clause = _content_clause(ctx, cue, entry) if deps[cue] not in {"parataxis", "advcl"} else None
    if deps[cue] == "advcl" and not clause:
        clause = [t for k in kids[cue] if deps[k] in {"ccomp", "xcomp"} for t in _subtree(ctx, k)] or None
    min_words = None
    topic = None if clause else _topic(ctx, cue, entry)
    if topic is not None:
        clause, min_words = _topic_words(ctx, topic), MIN_OBJECT_TOKENS
    elif not clause and entry.object and subjects:
        subject = subjects[0]
        if ctx.poss[subject] not in {"NOUN", "PROPN"} or ctx.ent_types[subject] in {"PERSON", "NORP"}:
            return None  # people and peoples are not what was said
        clause, min_words = _subtree(ctx, subject), MIN_OBJECT_TOKENS
        subjects = []
    if not clause:
        return None
    draft = _clause_draft(ctx, cue, entry, speaker, clause, min_words)
    if draft is None:
        return None
    extra = [k for k in kids[cue] if deps[k] == "agent"] + ([topic] if topic is not None else [])
    draft.cue = sorted({*draft.cue, *extra})
    if subjects and entry.addressee == "object" and ctx.lowers[subjects[0]] != "it":
        draft.addressee = _phrase(ctx, subjects[0])
    return draft


def _rest_of_quotation(ctx: _Context, body: list[int]) -> list[int]:
    """A mixed content whose clause ends inside a quotation goes on to the quotation's close in
    that paragraph: the speaker's words are not cut where the parser ended the reported clause
    ('said the workers "did a fine job. They earned it."' keeps "They earned it.")."""
    last = body[-1]
    qi = ctx.quote_of.get(last)
    if qi is None or not ctx.speech_quotation[qi]:
        return body
    rest = [i for i in ctx.tokens_of(qi) if i > last and ctx.para_of[i] == ctx.para_of[last]]
    return body + list(range(last + 1, max(rest) + 1)) if rest else body


def _cut_additions(ctx: _Context, cue: int, body: list[int]) -> list[int]:
    """End the content where the writer's additions start: a semicolon, a second report joined
    by a conjunction ("... and warned that ..."), or a trailing non-restrictive ", which ..." clause."""
    texts, deps, kids = ctx.texts, ctx.deps, ctx.kids
    for n, token in enumerate(body):
        if token in ctx.quote_of or n == 0:
            continue
        if texts[token] == ";":
            return body[:n]
        dep = deps[token]
        if dep not in {"conj", "advcl", "relcl"}:
            continue  # none of the additions below
        if dep == "conj" and token > cue and ctx.is_cue(token) is not None:
            start = ctx.left_edge[token]
            return [j for j in body if j < start]
        if dep == "conj" and ctx.poss[token] == "VERB" and token > cue and _speech_act_of_speaker(ctx, token):
            # a subjectless speech act of any type joined to the reported clause is the speaker's
            # own ("said the blockade was costing millions and called on Warsaw to ...")
            start = ctx.left_edge[token]
            return [j for j in body if j < start]
        if (
            dep in {"conj", "advcl"}
            and _subjectless_participle(ctx, token)
            and ctx.poss[ctx.left_edge[token] - 1] == "CCONJ"
            and ctx.tags[ctx.head_of[token]] in FINITE_TAGS
        ):
            # "telling reporters that the plan was dead *and questioning* why ...": a participle
            # cannot continue a finite reported clause, so it is the speaker's next act
            start = ctx.left_edge[token]
            return [j for j in body if j < start]
        if dep == "advcl" and ctx.tags[token] == "VBG":
            before = ctx.left_edge[token] - 1
            while before > 0 and before in ctx.mark_tokens:
                before -= 1  # 'has “expanded the party,” claiming ...'
            if texts[before] == ",":
                # ", citing ...", ", arguing that ...": the writer's addition, or a report of its own
                return [j for j in body if j < before]
        if (
            dep == "advcl"
            and texts[ctx.left_edge[token] - 1] in {",", "—", "–"}
            and any(deps[k] == "mark" and ctx.lowers[k] in CONTRAST_MARKS for k in kids[token])
        ):
            # ", while about 4 in 10 want ...", ", though voters ...": the writer's contrast
            return [j for j in body if j < ctx.left_edge[token] - 1]
        if dep == "relcl" and ctx.lowers[ctx.left_edge[token]] in TRAILING_RELATIVES:
            comma = ctx.left_edge[token] - 1
            if comma >= 0 and texts[comma] == "," and ctx.right_edge[token] >= body[-1] - 1:
                return [j for j in body if j < comma]
    return body


def _speech_act_of_speaker(ctx: _Context, verb: int) -> bool:
    """Whether a subjectless verb joined to a reported clause is the speaker's next act rather
    than more of the report: a lexicon verb of a speech-act type (not belief or perception) — "the
    blockade was costing millions and *called on Warsaw* to ...", "he respects Clinton and *calls
    her* ..." (PolNeAR annotators end the content before it on both splits)."""
    entry = ctx.lex.verbs.get(ctx.lemmas[verb].lower())
    if entry is None or entry.type in NOT_SPEECH_ACTS:
        return False
    if any(ctx.deps[k] in SUBJECT_DEPS for k in ctx.kids[verb]):
        return False
    return True


def _trim_edges(ctx: _Context, body: list[int]) -> list[int]:
    """Drop punctuation, spaces and dangling conjunctions at both ends (quote marks stay)."""

    def loose(i: int) -> bool:
        if ctx.texts[i] in KEPT_EDGE_SYMBOLS:
            return False
        return (ctx.punct[i] or ctx.space[i] or ctx.poss[i] == "CCONJ") and i not in ctx.mark_tokens

    while body and loose(body[0]):
        body.pop(0)
    while body and loose(body[-1]):
        body.pop()
    return body


def _char_ranges(ctx: _Context, tokens: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of token indices as character ranges."""
    idx, end_char = ctx.idx, ctx.end_char
    ranges: list[tuple[int, int]] = []
    run: list[int] = []
    for i in tokens:
        if run and i != run[-1] + 1:
            ranges.append((idx[run[0]], end_char[run[-1]]))
            run = []
        run.append(i)
    if run:
        ranges.append((idx[run[0]], end_char[run[-1]]))
    return ranges


def _phrase_cue_at(ctx: _Context, token: int) -> PhraseCue | None:
    if token not in ctx.phrase_starts:
        return None
    candidates = ctx.phrases.get(ctx.lowers[token])
    if candidates is None or token in ctx.quote_of:
        return None
    for phrase in candidates:
        n = len(phrase.words)
        if token + n <= ctx.n and tuple(ctx.lowers[k] for k in range(token, token + n)) == phrase.words:
            return phrase
    return None


def _according_to(ctx: _Context, first: int, phrase: PhraseCue, drafts: list[_Draft]) -> _Draft | None:
    """``according to X, ...``: X is the speaker (or the medium of a quote already found)."""
    deps, kids, head_of = ctx.deps, ctx.kids, ctx.head_of
    last = first + len(phrase.words) - 1
    objects = [c for c in kids[last] if deps[c] == "pobj"]
    if not objects:
        return None
    obj = objects[0]
    source = obj
    medium = None
    if ctx.lemmas[obj].lower() in ctx.lex.media:
        # "according to a statement from the ministry": the ministry speaks, the statement is the medium
        medium = _phrase(ctx, obj)
        for child in kids[obj]:
            if deps[child] == "prep" and ctx.lowers[child] in {"from", "by", "of"}:
                inner = [g for g in kids[child] if deps[g] == "pobj"]
                if inner:
                    source = inner[0]
    elif (outlet := ctx.lex.outlet_name(_phrase(ctx, obj))) is not None:
        medium = outlet
    head = head_of[first]
    while head != head_of[head] and deps[head] in {"prep", "pobj"} and head == first:
        head = head_of[head]
    # A cue verb that this phrase modifies already carries a quote: the phrase is its medium.
    for d in drafts:
        if head in d.cue:
            if medium is not None:
                d.medium = d.medium or medium
            return None
    phrase_tokens = {*_subtree(ctx, first), *range(first, last + 1), *_subtree(ctx, obj)}
    if head == first:
        return None
    paragraph = ctx.para_of[first]
    body = sorted(i for i in _subtree(ctx, head) if i not in phrase_tokens and ctx.para_of[i] == paragraph)
    while body and (ctx.punct[body[0]] or ctx.space[body[0]]):
        body.pop(0)
    while body and (ctx.punct[body[-1]] or ctx.space[body[-1]]) and body[-1] not in ctx.mark_tokens:
        body.pop()
    if len([i for i in body if not ctx.punct[i]]) < MIN_INDIRECT_TOKENS:
        return None
    speaker = _np_span(ctx, source, set())
    cue_tokens = list(range(first, last + 1))
    quoted = [i for i in body if i in ctx.speech_tokens]
    return _Draft(
        kind="mixed" if quoted else "indirect",
        rule="indirect/according-to",
        confidence=CONFIDENCE["according-to"],
        cue=cue_tokens,
        speaker=speaker,
        speaker_head=source,
        content=_char_ranges(ctx, body),
        marks=[m for qi in {ctx.quote_of[i] for i in quoted} for m in ctx.quotations[qi].marks],
        medium=medium,
    )


# ---- finishing -------------------------------------------------------------------------------


def _finish(ctx: _Context, article: Article, draft: _Draft, findings: Findings) -> Quote:
    doc = ctx.doc
    text = ctx.text
    speaker_spans: tuple[Span, ...] = ()
    speaker_text = None
    speaker = None
    speaker_org = None
    actor_id = None
    if draft.speaker is not None:
        lo, hi = draft.speaker
        if 0 <= lo < hi <= ctx.n:
            start, end = ctx.idx[lo], ctx.end_char[hi - 1]
            speaker_spans = (Span(start, end),)
            speaker_text = text[start:end]
        else:
            span = doc[lo:hi]
            speaker_spans = (Span(span.start_char, span.end_char),)
            speaker_text = span.text
        head = draft.speaker_head if draft.speaker_head is not None else doc[lo:hi].root.i
        referent = ctx.refs.referent_at_token(head)
        if draft.name_at is not None:
            head = draft.name_at
            referent = ctx.refs.referent_at_token(head)
            lo, hi = _np_span(ctx, head, set())
        if referent is not None:
            speaker = referent.name
        else:
            pronoun = ctx.lowers[head] in PRONOUNS
            speaker = _phrase(ctx, head) if not pronoun else ctx.texts[head]
            speaker_org = _named_org(ctx, lo, hi, head)
            if pronoun:
                draft.confidence = min(draft.confidence, CONFIDENCE["unresolved-pronoun"])
        actor_id = _actor_at(ctx, findings, head)
    cue_spans = _merge_spans([(ctx.idx[i], ctx.end_char[i]) for i in sorted(set(draft.cue))])
    content_spans = tuple(Span(s, e) for s, e in _without_dateline(text, draft.content))
    content = " … ".join(text[s.start : s.end] for s in content_spans)
    cue = " ".join(text[s.start : s.end] for s in cue_spans) or None
    # sorted and without repeats, as ``sorted(set(...))`` (Span orders by start, then end)
    unique = {(s.start, s.end): s for s in (*speaker_spans, *cue_spans, *content_spans)}
    evidence = tuple(unique[key] for key in sorted(unique))
    anchor = draft.cue[0] if draft.cue else ctx.token_at(draft.content[0][0])
    sentence = ctx.sent_of[anchor] if anchor is not None else 0
    return Quote(
        article_id=article.id,
        sentence=sentence,
        spans=evidence,
        rule=f"quote/{draft.rule}",
        confidence=round(draft.confidence, 4),
        kind=draft.kind,
        speaker=speaker,
        speaker_text=speaker_text,
        speaker_spans=speaker_spans,
        speaker_actor_id=actor_id,
        speaker_org=speaker_org,
        cue=cue,
        cue_spans=cue_spans,
        content=content,
        content_spans=content_spans,
        medium=draft.medium,
        addressee=draft.addressee,
        shape=_shape(draft, speaker_spans, cue_spans, content_spans),
    )


def _without_dateline(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Content ranges with a paragraph-opening dateline ("ANKARA (Reuters) - ") cut off."""
    out: list[tuple[int, int]] = []
    for start, end in ranges:
        if start == 0 or text[start - 1] == "\n":
            match = DATELINE.match(text, start, end)
            if match is not None and match.end() < end:
                start = match.end()
        out.append((start, end))
    return out


def _name_pronoun_speakers(ctx: _Context, drafts: list[_Draft]) -> None:
    """Name the speakers that coreference leaves to us: relative ``who``/``which`` (the noun it
    modifies), ``it`` (the nearest singular non-person subject before it, this sentence first) and
    ``he``/``she`` right after a quote by an unnamed speaker ("A coalition spokesman said ..., but
    he did not confirm ..."), which the person-only coreference would give to an earlier name."""
    head_of = ctx.head_of
    previous: _Draft | None = None
    for draft in drafts:
        if draft.speaker_head is None:
            continue
        head = draft.speaker_head
        lower = ctx.lowers[head]
        if lower in {"who", "which", "that"} and ctx.deps[head_of[head]] == "relcl":
            if ctx.refs.referent_at_token(head) is None:
                draft.name_at = head_of[head_of[head]]
        elif lower == "it":
            draft.name_at = _it_antecedent(ctx, head)
        elif lower in {"he", "she"} and previous is not None and previous.speaker_head is not None:
            before = previous.speaker_head
            if (
                ctx.tags[before] == "NN"
                and ctx.ent_types[before] == ""
                and ctx.refs.referent_at_token(before) is None
                and 0 <= ctx.sent_of[head] - ctx.sent_of[before] <= UNNAMED_SPEAKER_WINDOW
                and not _named_between(ctx, before, head)
            ):
                draft.name_at = before
        previous = draft


def _named_between(ctx: _Context, start: int, end: int) -> bool:
    """Whether a person is named between two tokens (then a pronoun may well mean them)."""
    return any(ctx.ent_types[k] == "PERSON" for k in range(start + 1, min(end, ctx.n)))


def _it_antecedent(ctx: _Context, pronoun: int) -> int | None:
    """The organisation an attribution's ``it`` stands for: the nearest singular noun subject of a
    main clause or a report before it that is not a person, in its own sentence, then up to
    ``IT_WINDOW`` sentences back."""
    deps = ctx.deps
    here = ctx.sent_of[pronoun]
    for i in range(pronoun - 1, -1, -1):
        if here - ctx.sent_of[i] > IT_WINDOW:
            return None
        if i in ctx.quote_of or deps[i] not in {"nsubj", "nsubjpass"}:
            continue
        if ctx.tags[i] not in {"NN", "NNP"} or ctx.ent_types[i] in {"PERSON", "DATE", "CARDINAL"}:
            continue
        verb = ctx.head_of[i]
        if deps[verb] == "ROOT" or ctx.is_cue(verb) is not None:
            return i  # the subject of a main clause or a report, not of a reported clause
    return None


def _merge_spans(ranges: list[tuple[int, int]]) -> tuple[Span, ...]:
    """Character ranges as Spans, joining those at most one character apart (merged as plain
    pairs: a Span is slow to make and to compare)."""
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start - out[-1][1] <= 1:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple(Span(start, end) for start, end in out)


def _named_org(ctx: _Context, lo: int, hi: int, head: int) -> str | None:
    """The organisation or country an unnamed speaker names ("a Downing Street spokesman")."""
    for start, end, label in ctx.ent_rows:
        if start >= lo and end <= hi and label in {"ORG", "GPE", "NORP", "FAC", "LOC"}:
            if start <= head < end:
                return None  # the speaker is the organisation itself
            return ctx.span_text(start, end)
    deps, kids = ctx.deps, ctx.kids
    for child in kids[head]:
        if deps[child] == "prep" and ctx.lowers[child] in {"for", "of", "at", "from"}:
            objects = [g for g in kids[child] if deps[g] == "pobj"]
            if objects and ctx.poss[objects[0]] in {"PROPN", "NOUN"}:
                return _phrase(ctx, objects[0])
    return None


def _actor_at(ctx: _Context, findings: Findings, head: int) -> str | None:
    start, end = ctx.idx[head], ctx.end_char[head]
    if ctx.actor_spans is None:
        # (start, end, actor id) of every actor mention's spans, in the findings' order
        ctx.actor_spans = [
            (s.start, s.end, actor_id)
            for mention in findings.actors
            if (actor_id := getattr(mention, "actor_id", None)) is not None
            for s in mention.spans
        ]
    for s_start, s_end, actor_id in ctx.actor_spans:
        if s_start < end and start < s_end:
            return actor_id
    return None


def _shape(draft: _Draft, speaker: tuple[Span, ...], cue: tuple[Span, ...], content: tuple[Span, ...]) -> str:
    items: list[tuple[int, str]] = [(m, "Q") for m in draft.marks] if draft.kind == "direct" else []
    items += [(s.start, "C") for s in content]
    items += [(s.start, "V") for s in cue[:1]]
    items += [(s.start, "S") for s in speaker[:1]]
    items.sort()
    shape = ""
    for _, letter in items:
        if not shape or shape[-1] != letter or letter == "Q":
            shape += letter
    return shape

"""In-document reference resolution: which mentions in one article name the same person or body.

Owns ``resolve_references(doc) -> References``, a pure function of a parsed spaCy ``Doc`` that the
quote and actor extractors share. It links, inside one article:

- full names to later short names ("Amara Okafor" ... "Okafor", "Ms Okafor"), tolerating spaCy
  labelling a known surname as NORP/ORG/GPE or not labelling it at all;
- role nouns ("the minister", "the spokeswoman") to the person who carries that title in the text
  ("Defence Minister Kemal Aydın", "Ana Ruiz, the foreign minister of Chile,");
- he/she/him/her/his to the most recent compatible person (gender from honorifics, gendered titles
  and pronoun agreement), they/them/their to the most recent organisation or group;
- relative "who" to the noun it modifies.

Organisations and places become referents too (kind ``org``/``gpe``; NORP plurals are ``group``).
No model besides the parse is used, and nothing is read from disk.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache
from operator import add
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Pronoun resolution looks this many sentences back (besides the pronoun's own sentence).
# Three covers "Name said X. It was ... . He added ..." chains in the hand-written news fixtures
# and the PolNeAR dev articles; going further mostly picked the wrong person.
PRONOUN_WINDOW = 3
# A pronoun in a quote-attribution slot ("..., he said") may skip over non-speakers this far back.
SPEAKER_WINDOW = 6

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
GENDERED_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS
# Honorifics and gendered role words: grammar of English news, not world knowledge.
MALE_MARKERS = frozenset(
    {
        "mr",
        "mr.",
        "sir",
        "lord",
        "king",
        "prince",
        "spokesman",
        "chairman",
        "congressman",
        "father",
        "brother",
        "son",
        "husband",
        "uncle",
        "businessman",
        "sultan",
        "emir",
        "sheikh",
    }
)
FEMALE_MARKERS = frozenset(
    {
        "ms",
        "ms.",
        "mrs",
        "mrs.",
        "miss",
        "dame",
        "lady",
        "queen",
        "princess",
        "spokeswoman",
        "chairwoman",
        "congresswoman",
        "mother",
        "sister",
        "daughter",
        "wife",
        "aunt",
        "businesswoman",
    }
)
HONORIFICS = frozenset(
    {
        "mr",
        "mr.",
        "ms",
        "ms.",
        "mrs",
        "mrs.",
        "miss",
        "dr",
        "dr.",
        "prof",
        "prof.",
        "sir",
        "dame",
        "gen",
        "gen.",
        "sen",
        "sen.",
        "rep",
        "rep.",
        "gov",
        "gov.",
        "president",
        "lord",
        "lady",
    }
)
# Lower-case words of other languages that join the parts of a name ("Médecins *Sans* Frontières",
# "Reporters *Sans* Frontières", "Vincent *van* Gogh"): a name never starts with one, so the NER
# starting an entity there has cut the capitalised word before it off.
NAME_PARTICLES = frozenset(
    {"sans", "sin", "sem", "senza", "ohne", "de", "del", "della", "di", "du", "des", "da", "dos", "von"}
    | {"van", "der", "den", "la", "le", "al", "el", "bin", "ibn"}
)
PRONOUN_WORDS = MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | {"who"}
QUOTE_CHARS = frozenset("\"“”«»„‚‘’'")
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
ORG_LABELS = frozenset({"ORG", "FAC"})
GPE_LABELS = frozenset({"GPE", "LOC"})


# Token texts by string hash, shared by all documents (a hash always names the same string): a
# token's ``text`` builds a new str on every read, a dict lookup does not.
_TEXTS: dict[int, str] = {}
_MAX_TEXTS = 100_000  # about 10 MB; past it the cache starts again


def token_strings(doc: Doc, hashes: list[int]) -> list[str]:
    """The strings behind string hashes of ``doc`` (its ``ORTH`` column gives each token's ``text``,
    ``DEP`` each ``dep_``), through a cache shared by all documents."""
    texts = _TEXTS
    try:
        return list(map(texts.__getitem__, hashes))
    except KeyError:
        pass
    if len(texts) > _MAX_TEXTS:
        texts.clear()
    store = doc.vocab.strings
    for h in set(hashes).difference(texts):
        texts[h] = store[h]
    return list(map(texts.__getitem__, hashes))


class Children(dict):  # type: ignore[type-arg]
    """The children of each token in order (``token.children``) by token index: only tokens that
    have some are stored (most words have none), the others read as an empty list."""

    def __missing__(self, i: int) -> list[Any]:
        return []


class DocColumns:
    """The parse of one document as plain per-token lists, read from spaCy's arrays in one call and
    shared by the stages that read the same document (the actor stage finds it on ``References``):
    every ``doc[i]`` makes a new Token and every string attribute of a Token a new str."""

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, LOWER, ORTH, POS, SPACY

        from tidings.extract import sentence_index

        self.doc = doc
        self.tokens: list[Token] = list(doc)
        self.n = n = len(self.tokens)
        array = doc.to_array([ORTH, LOWER, POS, DEP, ENT_IOB, SPACY, IDX, ENT_TYPE, HEAD]) if n else None
        columns = array[:, :8].T.tolist() if array is not None else [[] for _ in range(8)]
        orth, lower_ids, pos, dep_ids, iob, space, idx, ent_type_ids = columns
        # ``token.head.i``: HEAD holds the offset to the head (signed; a root is its own head)
        offsets = array[:, 8].astype("int64").tolist() if array is not None else []
        self.head_of: list[int] = list(map(add, offsets, range(n)))
        self.texts = token_strings(doc, orth)  # ``token.text``
        self.lower_ids: list[int] = lower_ids  # ``token.lower``
        self.pos: list[int] = pos  # ``token.pos``, a ``spacy.symbols`` id
        self.dep_ids: list[int] = dep_ids  # ``token.dep``
        self.iob: list[int] = iob  # ``token.ent_iob``: 0 unset, 1 I, 2 O, 3 B
        self.space: list[int] = space  # 1 where ``token.whitespace_`` is " "
        self.idx: list[int] = idx  # ``token.idx``
        self.ent_type_ids: list[int] = ent_type_ids  # ``token.ent_type``, 0 outside any entity
        self.sent_of = sentence_index(doc) if n else []
        self._children: Children | None = None
        self._lowers: list[str] | None = None
        self._pos_names: list[str] | None = None
        self._deps: list[str] | None = None
        self._text: str | None = None

    @property
    def children(self) -> Children:
        """``[c.i for c in token.children]`` of every token, in order."""
        if self._children is None:
            children = Children()
            for i, head in enumerate(self.head_of):
                if head != i:  # a root is its own head, not its own child
                    if head in children:
                        children[head].append(i)
                    else:
                        children[head] = [i]
            self._children = children
        return self._children

    @property
    def lowers(self) -> list[str]:
        """``token.lower_`` of every token."""
        if self._lowers is None:
            self._lowers = token_strings(self.doc, self.lower_ids)
        return self._lowers

    @property
    def pos_names(self) -> list[str]:
        """``token.pos_`` of every token."""
        if self._pos_names is None:
            self._pos_names = token_strings(self.doc, self.pos)
        return self._pos_names

    @property
    def deps(self) -> list[str]:
        """``token.dep_`` of every token."""
        if self._deps is None:
            self._deps = token_strings(self.doc, self.dep_ids)
        return self._deps

    @property
    def text(self) -> str:
        """``doc.text``, built once."""
        if self._text is None:
            pieces = [""] * (2 * self.n)
            pieces[::2] = self.texts
            pieces[1::2] = [" " if s else "" for s in self.space]
            self._text = "".join(pieces)
        return self._text

    def char_range(self, start: int, end: int) -> tuple[int, int]:
        """``doc[start:end]``'s ``start_char`` and ``end_char``, for a non-empty token range."""
        return self.idx[start], self.idx[end - 1] + len(self.texts[end - 1])

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``."""
        if end <= start:
            return ""
        first, last = self.char_range(start, end)
        return self.text[first:last]


@dataclass(frozen=True)
class Referent:
    """One thing the article talks about, with every mention of it found in the text."""

    id: int
    name: str  # the fullest name in the document
    kind: str  # "person", "org", "gpe" or "group"
    mentions: tuple[Span, ...]
    titles: tuple[tuple[str, Span], ...] = ()  # role phrases attached to it in the text
    gender: str | None = None  # "male", "female" or None when the text does not say


@dataclass(frozen=True)
class References:
    """The referents of one document and a token index to look mentions up by position."""

    referents: tuple[Referent, ...]
    by_token: dict[int, int] = field(default_factory=dict)  # token index -> position in referents
    # The document's columns, for the stages after coreference; not part of what was resolved.
    columns: DocColumns | None = field(default=None, compare=False, repr=False)

    def referent_at(self, span: Span) -> Referent | None:
        """The referent with a mention covering the span's head token (or any token of it)."""
        index = self.by_token.get(span.root.i)
        if index is None:
            for token in span:
                index = self.by_token.get(token.i)
                if index is not None:
                    break
        return None if index is None else self.referents[index]

    def referent_at_token(self, i: int) -> Referent | None:
        """The referent with a mention covering token ``i`` (``referent_at`` of a one-token span)."""
        index = self.by_token.get(i)
        return None if index is None else self.referents[index]

    def by_id(self, referent_id: int) -> Referent | None:
        for referent in self.referents:
            if referent.id == referent_id:
                return referent
        return None


@dataclass
class _Draft:
    """A referent under construction."""

    kind: str
    name_tokens: list[str]
    mentions: list[tuple[int, int]] = field(default_factory=list)  # token [start, end)
    titles: list[tuple[str, tuple[int, int], str]] = field(default_factory=list)  # text, span, head lemma
    gender: str | None = None
    key: str = ""
    name: str = ""

    @property
    def surname(self) -> str:
        return self.name_tokens[-1].lower() if self.name_tokens else ""


@cache
def _pronoun_ids() -> frozenset[int]:
    """The ``LOWER`` ids of the pronouns resolution looks at (a string's id never changes)."""
    from spacy.strings import hash_string

    return frozenset(hash_string(w) for w in PRONOUN_WORDS)


def resolve_references(doc: Doc) -> References:
    """Resolve names, short names, role nouns and pronouns of one document to referents."""
    from spacy.strings import get_string_id
    from spacy.symbols import ADJ, NOUN, PRON, PROPN

    columns = DocColumns(doc)
    tokens = columns.tokens
    person_label = get_string_id("PERSON")
    ents = doc.ents  # a new tuple of new Spans on every read
    sent_index = columns.sent_of
    texts, lower_hash, pos, dep, iob = (
        columns.texts,
        columns.lower_ids,
        columns.pos,
        columns.dep_ids,
        columns.iob,
    )

    text_of = columns.span_text  # ``doc[start:end].text``

    in_quote = _inside_quotes(texts)

    drafts: list[_Draft] = []
    owner: dict[int, int] = {}  # token -> draft index

    def claim(draft_index: int, start: int, end: int) -> None:
        draft = drafts[draft_index]
        if any(start < e and s < end for s, e in draft.mentions):
            return
        draft.mentions.append((start, end))
        for i in range(start, end):
            owner.setdefault(i, draft_index)

    # 1. People named by the NER, full names first in document order.
    persons: list[int] = []
    for ent in ents:
        if ent.label != person_label:  # the id: ``label_`` makes a new str on every read
            continue
        start, end, words = _name_tokens(ent, tokens, texts)
        if not words:
            continue
        index = _match_person(drafts, persons, words)
        if index is None:
            drafts.append(_Draft(kind="person", name_tokens=words, name=text_of(start, end)))
            index = len(drafts) - 1
            persons.append(index)
        elif len(words) > len(drafts[index].name_tokens):
            drafts[index].name_tokens = words
            drafts[index].name = text_of(start, end)
        claim(index, start, end)
        _learn_from_context(
            doc, tokens, drafts[index], _whole_name_start(tokens, ent.start, ent.end), ent.end
        )

    # 1b. Names the NER missed, when the grammar marks a person: an honorific before them or a
    # common-noun appositive after them ("Ana Ruiz, the foreign minister of Chile,").
    for start, end in _unlabelled_names(tokens, texts, pos, iob):
        if any(i in owner for i in range(start, end)):
            continue
        words = texts[start:end]
        index = _match_person(drafts, persons, words)
        if index is None:
            drafts.append(_Draft(kind="person", name_tokens=words, name=text_of(start, end)))
            index = len(drafts) - 1
            persons.append(index)
        claim(index, start, end)
        _learn_from_context(doc, tokens, drafts[index], start, end)

    # 2. Known surnames the NER missed or mislabelled (NORP/ORG/GPE), anywhere in the text.
    surnames = {drafts[i].surname: i for i in persons if len(drafts[i].name_tokens) > 1}
    name_pos = (PROPN, NOUN, ADJ)
    # ``lower_`` is ``text.lower()``: the surname test first, it rules out nearly every word at once.
    lowers = columns.lowers
    for i in [k for k, w in enumerate(lowers) if w in surnames] if surnames else ():
        if i in owner or pos[i] not in name_pos:
            continue
        index = surnames[lowers[i]]
        token = tokens[i]
        start, end = i, i + 1
        if token.ent_iob_ != "O" and token.ent_type_ != "PERSON":
            ent = _entity_of(ents, token)
            if ent is not None and len(ent) > 2:
                continue  # part of a longer organisation or place name ("Okafor Foundation Trust")
        claim(index, start, end)
        _learn_from_context(doc, tokens, drafts[index], start, end)

    # 3. Organisations, places and groups, keyed by their normalised text. A name inside a
    # pre-modifying title ("Defence" in "Defence Minister Kemal Aydın") is part of the title.
    in_titles = {
        i
        for index in persons
        for _t, (s, e), _h in drafts[index].titles
        if e <= min((m[0] for m in drafts[index].mentions), default=e) + 1 and e - s <= 4
        for i in range(s, e)
    }
    keyed: dict[str, int] = {}
    for ent in ents:
        within = range(ent.start, ent.end)
        taken = not (owner.keys().isdisjoint(within) and in_titles.isdisjoint(within))
        if ent.label == person_label or taken:
            continue
        label = ent.label_
        if label in ORG_LABELS:
            kind = "org"
        elif label in GPE_LABELS:
            kind = "gpe"
        elif label == "NORP":
            kind = "group"
        else:
            continue
        start, end = _whole_name_start(tokens, ent.start, ent.end), ent.end
        while start < end and tokens[start].lower_ in {"the", "a", "an"}:
            start += 1
        while end > start and (tokens[end - 1].is_punct or tokens[end - 1].tag_ == "POS"):
            end -= 1
        if start >= end:
            continue
        key = kind + ":" + " ".join(token_strings(doc, lower_hash[start:end]))
        index = keyed.get(key)
        if index is None:
            drafts.append(_Draft(kind=kind, name_tokens=texts[start:end], key=key, name=text_of(start, end)))
            index = len(drafts) - 1
            keyed[key] = index
        claim(index, start, end)

    # 4. Role nouns ("the minister") to the person holding that title in the text.
    title_holders: dict[str, list[tuple[int, int, set[str]]]] = {}  # head lemma -> holders
    for index in persons:
        for _text, (start, end), head in drafts[index].titles:
            words = {t.lower_ for t in doc[start:end]}
            title_holders.setdefault(head, []).append((start, index, words))
    modifier_deps = (get_string_id("compound"), get_string_id("amod"))
    nouns = (
        [k for k, p in enumerate(pos) if p == NOUN and dep[k] not in modifier_deps] if title_holders else []
    )
    for i in nouns:
        if i in owner:
            continue
        token = tokens[i]
        holders = title_holders.get(token.lemma_.lower())
        if not holders or token.tag_ in {"NNS", "NNPS"}:
            continue
        determiners = [c for c in token.children if c.dep_ in {"det", "poss"} and c.i < token.i]
        if not determiners:
            continue
        if determiners[0].dep_ == "det" and determiners[0].lower_ != "the":
            continue  # "a minister" introduces someone new
        start = min(t.i for t in token.subtree if t.i <= token.i)
        modifiers = {t.lower_ for t in doc[start : token.i] if t.dep_ in {"amod", "compound"}}
        index = _title_holder(drafts, holders, token.i, modifiers)
        if index is not None:
            claim(index, start, token.i + 1)

    # 5. Pronouns and relative "who", in document order so learned genders help later pronouns.
    wanted = _pronoun_ids()
    for i in [k for k, h in enumerate(lower_hash) if h in wanted] if wanted.intersection(lower_hash) else ():
        token = tokens[i]
        if i in owner:
            continue
        lower = lowers[i]
        if lower == "who" and token.tag_ in {"WP"} and token.head.dep_ == "relcl":
            noun = token.head.head
            target = owner.get(noun.i)
            if target is not None:
                claim(target, token.i, token.i + 1)
            continue
        if pos[i] != PRON or in_quote[i]:
            continue
        if lower in MALE_PRONOUNS or lower in FEMALE_PRONOUNS:
            gender = "male" if lower in MALE_PRONOUNS else "female"
            target = _antecedent(columns, token, drafts, owner, gender)
            if target is not None:
                if drafts[target].gender is None:
                    drafts[target].gender = gender
                claim(target, token.i, token.i + 1)
        elif lower in PLURAL_PRONOUNS:
            target = _group_antecedent(token, drafts, owner, sent_index)
            if target is not None:
                claim(target, token.i, token.i + 1)

    return _freeze(doc, drafts, columns)


# ---- names -----------------------------------------------------------------------------------


def _whole_name_start(tokens: list[Token], start: int, end: int) -> int:
    """Where a name really starts when the NER began it at a joining particle ("Sans Frontières"
    in "Reporters Sans Frontières"): the capitalised word before the particle that belongs to the
    same noun phrase is part of the name, so the name is not split."""
    while (
        start > 0
        and tokens[start].lower_ in NAME_PARTICLES
        and tokens[start - 1].text[:1].isupper()
        and tokens[start - 1].is_alpha
        and tokens[start - 1].lower_ not in HONORIFICS
        and start <= tokens[start - 1].head.i < end
    ):
        start -= 1
    return start


def _name_tokens(ent: Span, tokens: list[Token], texts: list[str]) -> tuple[int, int, list[str]]:
    """The name proper of a PERSON entity: no honorific, possessive or trailing punctuation
    (``tokens`` and ``texts``: the document's tokens and their texts)."""
    start, end = _whole_name_start(tokens, ent.start, ent.end), ent.end
    while start < end and (tokens[start].lower_ in HONORIFICS or tokens[start].lower_ in {"the"}):
        start += 1
    while end > start and (
        tokens[end - 1].tag_ == "POS" or tokens[end - 1].is_punct or tokens[end - 1].is_space
    ):
        end -= 1
    words = [texts[k] for k in range(start, end) if not tokens[k].is_space]
    return start, end, words


def _match_person(drafts: list[_Draft], persons: list[int], tokens: list[str]) -> int | None:
    """An earlier person this name can refer to: same full name, or a short form of it."""
    lowered = [t.lower() for t in tokens]
    best: int | None = None
    for index in reversed(persons):  # most recent first
        known = [t.lower() for t in drafts[index].name_tokens]
        if lowered == known:
            return index
        if len(lowered) == 1 and lowered[0] in (known[-1], known[0]):
            best = index if best is None else best
        elif len(known) == 1 and known[0] == lowered[-1]:
            best = index if best is None else best
        elif len(lowered) > 1 and len(known) > 1 and lowered[-1] == known[-1]:
            # "Amara Okafor" vs "A. Okafor": same surname, compatible first name
            if lowered[0][:1] == known[0][:1] and (
                lowered[0].rstrip(".") in known[0] or len(lowered[0]) <= 2
            ):
                best = index if best is None else best
    return best


def _title_holder(
    drafts: list[_Draft], holders: list[tuple[int, int, set[str]]], position: int, modifiers: set[str]
) -> int | None:
    """Of the people carrying a title before ``position``, the one whose title shares the role
    noun's modifiers ("the foreign minister"), then the one mentioned most recently."""
    best: tuple[int, int, int] | None = None
    for title_start, index, words in holders:
        if title_start >= position:
            continue
        if modifiers and not modifiers <= words:
            continue
        last = max((s for s, _ in drafts[index].mentions if s < position), default=-1)
        key = (len(modifiers & words), last, index)
        if best is None or key > best:
            best = key
    return None if best is None else best[2]


def _unlabelled_names(
    tokens: list[Token], texts: list[str], pos: list[int], iob: list[int]
) -> list[tuple[int, int]]:
    """Runs of capitalised proper nouns outside any entity that the grammar marks as a person
    (``pos`` and ``iob``: the POS and ENT_IOB columns of the tokens; IOB 2 is "O", no entity)."""
    from spacy.symbols import PROPN

    found: list[tuple[int, int]] = []
    named = [i for i in range(len(tokens)) if pos[i] == PROPN and iob[i] == 2 and texts[i][:1].isupper()]
    k = 0
    while k < len(named):
        i = j = named[k]
        while k < len(named) and named[k] == j:  # the run of such words from i
            j += 1
            k += 1
        head = tokens[j - 1]
        honorific = i > 0 and tokens[i - 1].lower_ in HONORIFICS and tokens[i - 1].lower_ not in {"president"}
        appositive = any(
            c.dep_ == "appos" and c.pos_ == "NOUN" and any(d.dep_ == "det" for d in c.children)
            for c in head.children
        )
        if j - i <= 3 and (honorific or (appositive and j - i >= 2)):
            found.append((i, j))
    return found


def _entity_of(ents: tuple[Span, ...], token: Token) -> Span | None:
    for ent in ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _learn_from_context(doc: Doc, tokens: list[Token], draft: _Draft, start: int, end: int) -> None:
    """Gender from honorifics and titles from pre-modifiers and appositives around a name
    (``tokens``: the document's tokens, ``list(doc)``)."""
    head = tokens[end - 1] if end > start else tokens[start]
    if start > 0:
        before = tokens[start - 1].lower_
        if before in MALE_MARKERS and draft.gender is None:
            draft.gender = "male"
        elif before in FEMALE_MARKERS and draft.gender is None:
            draft.gender = "female"
    root = head
    while root.head.i != root.i and start <= root.head.i < end:
        root = root.head
    # Pre-modifying title: "Defence Minister Kemal Aydın", "national security adviser Tom Reyes".
    title_start = start
    while title_start > 0:
        prev = tokens[title_start - 1]
        if prev.is_punct or prev.pos_ in {"DET", "VERB", "AUX", "ADP", "PRON", "CCONJ", "SCONJ", "NUM"}:
            break
        if prev.tag_ == "POS" or prev.lower_ in HONORIFICS:
            break
        if not _attached_to(prev, start, end):
            break
        title_start -= 1
    if title_start < start:
        title_tokens = doc[title_start:start]
        head_token = title_tokens[-1]
        if head_token.pos_ in {"PROPN", "NOUN"} and not head_token.ent_type_ == "PERSON":
            _add_title(draft, title_tokens, head_token)
    # Appositive title: "Ana Ruiz, the foreign minister of Chile," and "the minister, Ana Ruiz,".
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ in {"NOUN", "PROPN"} and child.ent_type_ != "PERSON":
            _add_title(draft, _trimmed(doc, child), child)
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.ent_type_ != "PERSON":
        noun = root.head
        tokens = [t for t in noun.subtree if not (root.left_edge.i <= t.i <= root.right_edge.i)]
        if tokens:
            span = doc[tokens[0].i : tokens[-1].i + 1]
            while len(span) and span[-1].is_punct:
                span = span[:-1]
            if len(span):
                _add_title(draft, span, noun)


def _attached_to(token: Token, start: int, end: int) -> bool:
    """Whether a token left of a name belongs to the name's noun phrase."""
    node = token
    for _ in range(6):
        if start <= node.i < end:
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _trimmed(doc: Doc, token: Token) -> Span:
    span = doc[token.left_edge.i : token.right_edge.i + 1]
    while len(span) > 1 and (span[-1].is_punct or span[-1].dep_ == "relcl"):
        span = span[:-1]
    return span


def _add_title(draft: _Draft, span: Span, head: Token) -> None:
    text = span.text.strip(" ,")
    if not text:
        return
    lemma = head.lemma_.lower()
    draft.titles.append((text, (span.start, span.end), lemma))
    if draft.gender is None:
        words = {t.lower_ for t in span}
        if words & MALE_MARKERS:
            draft.gender = "male"
        elif words & FEMALE_MARKERS:
            draft.gender = "female"


# ---- pronouns --------------------------------------------------------------------------------


_DOUBLE_QUOTES = frozenset({'"', "“", "”", "«", "»", "„"})


def _inside_quotes(texts: list[str]) -> list[bool]:
    """Tokens between double quote marks (pronouns there belong to the quoted speaker's world)."""
    n = len(texts)
    inside = [False] * n
    # Only quote marks and line breaks change the state: visit those and fill the runs between.
    turning = {t for t in set(texts) if t in _DOUBLE_QUOTES or "\n" in t}
    if not turning:
        return inside
    state = False
    after = 0  # the first token after the last turning point
    for i in [k for k, text in enumerate(texts) if text in turning]:
        if state and i > after:
            inside[after:i] = [True] * (i - after)
        text = texts[i]
        if text in _DOUBLE_QUOTES:
            if text in {"“", "«", "„"}:
                state = True
            elif text in {"”", "»"}:
                state = False
            else:
                state = not state
        else:
            state = False  # a line break ends any quotation
        after = i + 1
    if state and n > after:
        inside[after:n] = [True] * (n - after)
    return inside


def _is_speech_slot(token: Token, texts: list[str]) -> bool:
    """A subject pronoun of a verb next to a quote mark: the "..., he said" position (``texts``:
    the text of each token of the document)."""
    if token.dep_ not in SUBJECT_DEPS:
        return False
    verb = token.head
    lo = min(token.i, verb.i)
    for i in range(max(0, lo - 3), lo):
        if texts[i] in QUOTE_CHARS or texts[i] in {"''", "``"}:
            return True
    return (
        any(c.dep_ == "ccomp" for c in verb.children)
        and verb.i < len(texts) - 1
        and (texts[verb.i + 1] in {":", '"', "“"})
    )


def _antecedent(
    columns: DocColumns, pronoun: Token, drafts: list[_Draft], owner: dict[int, int], gender: str
) -> int | None:
    """The person a he/she/him/her/his refers to: nearest sentence first, subjects preferred."""
    sent_index = columns.sent_of
    here = sent_index[pronoun.i]
    speech = _is_speech_slot(pronoun, columns.texts)
    window = SPEAKER_WINDOW if speech else PRONOUN_WINDOW
    # sentence numbers never decrease: the window opens at the first token of its first sentence
    first = bisect_left(sent_index, here - window, 0, pronoun.i)
    lowers, deps = columns.lowers, columns.deps
    candidates: list[tuple[tuple[int, int, int], int]] = []
    # most tokens of the window belong to no referent: skip them without a Python step each
    for i in filter(owner.__contains__, range(pronoun.i - 1, first - 1, -1)):
        index = owner[i]
        draft = drafts[index]
        if draft.kind != "person":
            continue
        if draft.gender is not None and draft.gender != gender:
            continue
        distance = here - sent_index[i]
        if lowers[i] in GENDERED_PRONOUNS:
            subject = deps[i] in SUBJECT_DEPS
        else:
            subject = _is_subject(columns.tokens[i])
        if speech:
            key = (0 if subject else 1, distance, -i)
        else:
            key = (distance, 0 if subject else 1, -i)
        candidates.append((key, index))
    if not candidates:
        return None
    return min(candidates)[1]


def _is_subject(token: Token) -> bool:
    node = token
    for _ in range(3):
        if node.dep_ in SUBJECT_DEPS:
            return True
        if node.dep_ not in {"compound", "flat", "appos", "poss"} or node.head.i == node.i:
            return False
        node = node.head
    return False


def _group_antecedent(
    pronoun: Token, drafts: list[_Draft], owner: dict[int, int], sent_index: list[int]
) -> int | None:
    here = sent_index[pronoun.i]
    first = bisect_left(sent_index, here - PRONOUN_WINDOW, 0, pronoun.i)
    for i in range(pronoun.i - 1, first - 1, -1):
        index = owner.get(i)
        if index is not None and drafts[index].kind in {"org", "group"}:
            return index
    return None


def _freeze(doc: Doc, drafts: list[_Draft], columns: DocColumns | None = None) -> References:
    from spacy.tokens import Span as SpacySpan  # ``doc[s:e]`` without its slice checks

    referents: list[Referent] = []
    by_token: dict[int, int] = {}
    for draft in drafts:
        if not draft.mentions:
            continue
        position = len(referents)
        mentions = tuple([SpacySpan(doc, s, e) for s, e in sorted(draft.mentions)])
        titles = tuple([(text, SpacySpan(doc, s, e)) for text, (s, e), _ in draft.titles])
        referents.append(
            Referent(
                id=position + 1,
                name=draft.name or " ".join(draft.name_tokens),
                kind=draft.kind,
                mentions=mentions,
                titles=titles,
                gender=draft.gender,
            )
        )
        for s, e in draft.mentions:
            for i in range(s, e):
                by_token.setdefault(i, position)
    return References(referents=tuple(referents), by_token=by_token, columns=columns)

"""Actor resolution: which actor each noun phrase names, and its CAMEO code as of the article's date.

Owns ``ActorMention`` (table ``actor_mentions``) and ``extract_actors``, a pure function of the
parse, the article and the knowledge base (``kb.actors``, a ``tidings.knowledge.kb.ActorKB``):

- names, aliases and metonyms from the knowledge base ("Putin", "the Kremlin" -> RUSGOV), with a
  person's code taken from the role held on the publication date;
- country adjectives and names attached to agent nouns ("Russian troops" -> RUSMIL, "US officials"
  -> USAGOV, "the foreign minister of Chile" -> CHLGOV), PETRARCH-style prefixed agents
  ("MSF Arnor diplomat" -> NGOARNGOV) and "former" (-> ELI);
- titles and appositives ("Brazil's Foreign Minister Ana Ruiz", "Ana Ruiz, the foreign minister of
  Chile,") become roles of the person, returned in ``findings.learned_roles`` for the store to
  accumulate; a title that contradicts a curated role held that day is reported, never applied;
- short names, role nouns and pronouns are linked back through ``tidings.extract.coref`` (one
  referent per person), so "Ruiz", "the minister" and "she" carry Ana Ruiz's codes.

Each mention's ``spans`` are the whole noun phrase, then the head (the name, or the head noun).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress, count
from typing import TYPE_CHECKING, Any, ClassVar

from tidings.extract.coref import DocColumns
from tidings.knowledge.kb import (
    NON_COUNTRY_CODES,
    Actor,
    ActorKB,
    Agent,
    Entry,
    LearnedRole,
    Match,
    combine_code,
    phrase_tokens,
    slug,
    word_key,
)
from tidings.types import Article, Finding, Findings, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

try:  # the places gazetteer (events-data area): the country of a dateline city
    from tidings.extract.places import load_gazetteer
except ImportError:  # pragma: no cover - only while places.py is missing
    load_gazetteer = None  # type: ignore[assignment]

try:  # in-document coreference, owned by the quotes area
    from tidings.extract.coref import resolve_references
except ImportError:  # pragma: no cover - only while coref.py is missing
    resolve_references = None  # type: ignore[assignment]

# Dependency labels of tokens that modify a noun rather than head a phrase of their own.
MODIFIER_DEPS = frozenset(
    {
        "compound",
        "amod",
        "nmod",
        "det",
        "case",
        "flat",
        "nummod",
        "poss",
        "punct",
        "predet",
        "quantmod",
        "npadvmod",
    }
)
# Left children that are not part of a noun phrase's premodifiers.
NOT_PREMODIFIER_DEPS = frozenset(
    {
        "punct",
        "cc",
        "prep",
        "relcl",
        "appos",
        "conj",
        "acl",
        "advmod",
        "mark",
        "nsubj",
        "nsubjpass",
        "aux",
        "auxpass",
    }
)
# Words that join coordinated bodies in one phrase: "Gondor and Osgiliath officials".
COORDINATORS = frozenset({"and", "or", ",", "&"})
# Parts of speech an agent noun may carry: "judge" in "we will judge it" is a verb, not a JUD agent
# (collective sector words may also be adjectives: "military instructors").
AGENT_POS = frozenset({"NOUN", "PROPN"})
# Prepositions whose object names the body an agent belongs to: "the foreign minister of Chile",
# "human rights activists in Arnor", "officials from Japan".
MEMBERSHIP_PREPS = frozenset({"of", "in", "from", "at"})
# For a person only "of" and "from" say where they belong ("Ana Ruiz of Chile"); "in" is where they are.
PERSON_PREPS = frozenset({"of", "from"})
# A capital after these prepositions is a place, not an actor ("talks in Moscow").
LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "inside",
        "around",
        "across",
        "throughout",
        "within",
        "to",
        "into",
        "towards",
        "toward",
        "via",
        "through",
    }
)
PERSONAL_PRONOUNS = frozenset(
    {"he", "she", "him", "her", "his", "hers", "they", "them", "their", "himself", "herself", "themselves"}
)
ACTOR_LABELS_PERSON = frozenset({"PERSON"})
ACTOR_LABELS_ORG = frozenset({"ORG"})
# Labels spaCy's small model gives a surname it does not recognise as a person ("Reyes" -> ORG).
MISLABELS = frozenset({"ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"})

# Dependency labels of a sentence's subjects, whose country a countryless title takes first.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Dependency labels of a verb's objects: an actor there is acted upon, not the title holder's side.
OBJECT_DEPS = frozenset({"dobj", "dative", "iobj"})
# Kinds of actor that are not context for a title's country: the news agency in the dateline
# ("ANKARA (Reuters)") reports the story, it does not place the minister.
CONTEXT_IGNORED_KINDS = frozenset({"media"})
# A dateline is looked for in the text of this many opening tokens (more when it is longer).
DATELINE_TOKENS = 64
# Confidence of a person whose country came from context rather than the title itself, by source.
# Set by eye on the sample corpus: a sentence's subject is usually the minister's own country
# ("Turkey will not ..., Defence Minister Kemal Aydın said"); a dateline is where the reporter was.
INFERRED_COUNTRY_CONFIDENCE = {"subject": 0.65, "sentence": 0.6, "dateline": 0.55}

# Confidence by how the actor was found. Calibrated by eye on the hand-written test articles: a
# knowledge-base name is rarely wrong; an agent noun without a country is often vague ("officials").
CONFIDENCE = {
    "kb-name": 0.95,
    "metonym": 0.9,
    "title": 0.85,
    "agent": 0.75,
    "agent-bare": 0.5,
    "ner-person": 0.7,
    "ner-org": 0.5,
    "coref": 0.7,
    "place": 0.5,
}


@dataclass(frozen=True, kw_only=True)
class ActorMention(Finding):
    """One mention of an actor, resolved as of the article's date."""

    table: ClassVar[str] = "actor_mentions"

    text: str
    actor_id: str | None
    name: str | None
    kind: str | None
    code: str | None
    country: str | None
    sectors: tuple[str, ...] = ()
    role: str | None = None
    referent: int | None = None


@dataclass
class _Resolution:
    """Who a phrase is, as far as this article says."""

    actor_id: str | None
    name: str | None
    kind: str | None
    code: str | None
    country: str | None
    sectors: tuple[str, ...] = ()
    role: str | None = None
    how: str = "agent"


@dataclass
class _Reading:
    """What the knowledge base finds inside one noun phrase."""

    person: Actor | None = None
    person_span: tuple[int, int] | None = None
    base: Actor | None = None  # the country or organisation the codes are built on
    base_entry: Entry | None = None
    base_span: tuple[int, int] | None = None
    agents: list[tuple[Agent, int, int]] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    orgs: list[Actor] = field(default_factory=list)
    # Bodies coordinated with the base ("Gondor and Osgiliath officials", "the ambassadors of Arnor,
    # Osgiliath and Gondor"): each is one more actor of the same phrase.
    coordinated: list[tuple[Actor, Entry, tuple[int, int]]] = field(default_factory=list)


def _kb_of(kb: Any) -> ActorKB | None:
    if kb is None:
        return None
    if isinstance(kb, ActorKB):
        return kb
    return getattr(kb, "actors", None)


def extract_actors(doc: Doc, article: Article, kb: Any, findings: Findings) -> Findings:
    """Resolve the actors of one article as of ``article.published``; fills ``findings.actors``,
    ``findings.learned_roles`` and, for conflicts with curated roles, ``findings.notes``."""
    actor_kb = _kb_of(kb)
    if actor_kb is None or len(doc) == 0:
        return findings
    resolver = _Resolver(doc, article, actor_kb, findings.references)
    mentions, learned, notes = resolver.run()
    return replace(
        findings,
        actors=tuple(mentions),
        learned_roles=findings.learned_roles + tuple(learned),
        notes=findings.notes + tuple(notes),
    )


class _Resolver:
    """The state of resolving one document (kept out of module globals)."""

    def __init__(self, doc: Doc, article: Article, kb: ActorKB, refs: Any = None) -> None:
        self.doc = doc
        self.ents = doc.ents  # built once: ``doc.ents`` makes new Span objects on every read
        self.article = article
        self.kb = kb
        self.day = article.published
        if refs is None and resolve_references is not None:
            refs = resolve_references(doc)
        self.refs = refs
        # The parse as lists, read once for coreference: a ``doc[i]`` or a string attribute of a
        # Token builds a new object on every read.
        columns = getattr(refs, "columns", None)
        if columns is None or columns.doc is not doc:
            columns = DocColumns(doc)
        self.columns = columns
        self.tokens = columns.tokens
        self.sent_of = columns.sent_of
        self.words = columns.texts
        self.deps = columns.deps
        self.lowers = lowers = columns.lowers
        self.pos_ = columns.pos_names  # ``token.pos_``
        self.person_label = doc.vocab.strings["PERSON"]  # ``token.ent_type`` of a PERSON entity
        # A lowercase word holds "’" where its text does ("’" has no case), and the text of the
        # document is built anyway for the mentions' texts.
        keys = [w.replace("’", "'") for w in lowers] if "’" in columns.text else lowers
        self.match_of: dict[int, Match] = {}
        for m in kb.find(self.words, keys=keys):
            for i in range(m.start, m.end):
                self.match_of[i] = m
        self.matched = sorted(self.match_of)  # token indices inside some knowledge-base phrase
        self._ent_of: dict[int, SpacySpan] | None = None  # see _entity_at
        self.by_referent: dict[int, _Resolution] = {}
        self.by_surname: dict[str, _Resolution] = {}  # fallback linking when coref is unavailable
        self.learned: dict[tuple[str, str, str], LearnedRole] = {}
        self.notes: list[str] = []
        self.consumed: set[int] = set()
        self.extra: list[ActorMention] = []  # further actors of a phrase already emitted
        self.dateline = self._dateline_tokens()
        self.deferred: set[int] = set()  # conjuncts of premodifiers, read after their phrase
        self.taken: set[int] = set()  # tokens of bodies some mention was built on

    # ---- driver -----------------------------------------------------------------------------

    def run(self) -> tuple[list[ActorMention], list[LearnedRole], list[str]]:
        mentions: list[ActorMention] = []
        for head in self._heads():
            if head.i in self.consumed and not (head.i in self.deferred and head.i not in self.taken):
                continue
            mention = self._mention_for(head)
            if mention is not None:
                mentions.append(mention)
        mentions.extend(self.extra)
        mentions.sort(key=lambda m: (m.spans[0].start, m.spans[0].end))
        mentions = self._countries_from_context(mentions)
        return mentions, list(self.learned.values()), self.notes

    # ---- titles without a country ----------------------------------------------------------------

    def _countries_from_context(self, mentions: list[ActorMention]) -> list[ActorMention]:
        """Give a person whose title names no country ("Defence Minister Kemal Aydın said") the
        country the context implies, in this order: the subjects of the sentence where the title
        appears, when they agree on one country; else the other actors of that sentence, when they
        agree; else the article's dateline ("ANKARA" -> TUR); else none. Inferred countries carry a
        lower confidence and say where they came from (rule suffix, learned role ``inferred``)."""
        countryless = {
            m.actor_id: m
            for m in reversed(mentions)
            if m.kind == "person" and m.actor_id and m.code and m.country is None and m.rule == "actors/title"
        }
        if not countryless:
            return mentions
        out = list(mentions)
        for actor_id, titled in countryless.items():
            found = self._context_country(titled, mentions)
            if found is None:
                continue
            country, source, evidence = found
            for n, m in enumerate(out):
                if m.actor_id != actor_id or m.country is not None or not m.code:
                    continue
                code = combine_code(country, m.sectors or self.kb.sectors_of_code(m.code))
                out[n] = replace(
                    m,
                    code=code,
                    country=country,
                    rule=f"{m.rule}+country-{source}",
                    confidence=min(m.confidence, INFERRED_COUNTRY_CONFIDENCE[source]),
                )
            for key, role in list(self.learned.items()):
                if role.actor_id == actor_id and role.country is None and role.conflict is None:
                    del self.learned[key]
                    code = combine_code(country, role.sectors or self.kb.sectors_of_code(role.code))
                    new_role = replace(role, code=code, country=country, inferred=f"country from {evidence}")
                    self.learned[(actor_id, role.title, code)] = new_role
        return out

    def _context_country(
        self, titled: ActorMention, mentions: list[ActorMention]
    ) -> tuple[str, str, str] | None:
        """(country, source, evidence) for a countryless title, or None."""
        sentence = titled.sentence
        person = self._head_token(titled)
        context: list[tuple[ActorMention, str]] = []  # (mention, its country or international code)
        for m in mentions:
            if m.sentence != sentence or m.actor_id == titled.actor_id or not m.code:
                continue
            if m.kind in CONTEXT_IGNORED_KINDS or m.rule.startswith("actors/place"):
                continue
            # An IGO or NGO in the sentence ("the WFP's deputy country director for Sudan") makes
            # the context ambiguous rather than invisible.
            where = m.country or (m.code[:3] if m.code[:3] in NON_COUNTRY_CODES else None)
            if where is None:
                continue
            head = self._head_token(m)
            if head is None:
                continue
            if person is not None and self._acted_upon(head, person):
                continue  # "... said the government had summoned Iran's charge d'affaires"
            context.append((m, where))
        subjects = []
        for m, where in context:
            root = self._head_token(m)
            while root is not None and root.dep_ == "conj" and root.head.i < root.i:
                root = root.head  # "Israel and Turkey talked": both are subjects
            if root is not None and root.dep_ in SUBJECT_DEPS:
                subjects.append((m, where))
        for source, group in (("subject", subjects), ("sentence", context)):
            places = {where for _m, where in group}
            if len(places) == 1:
                (country,) = places
                if country in NON_COUNTRY_CODES:
                    return None
                names = ", ".join(dict.fromkeys(m.text for m, _where in group))
                return country, source, f"{source} {names!r}"
            if len(places) > 1:
                break  # ambiguous: do not fall back to a wider, weaker context
        from_dateline = self._dateline_country()
        if from_dateline is not None and self._leading_country(titled, mentions) in (None, from_dateline):
            return from_dateline, "dateline", f"dateline {self.article.dateline!r}"
        return None

    def _head_token(self, mention: ActorMention) -> Token | None:
        span = self.doc.char_span(mention.spans[-1].start, mention.spans[-1].end, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    @staticmethod
    def _acted_upon(token: Token, person: Token) -> bool:
        """Whether ``token`` sits in the object of a verb (the side acted upon), outside the phrase
        and clauses that describe ``person`` ("who commands the Canadian contingent")."""
        if token.i in {t.i for t in person.subtree}:
            return False
        return any(t.dep_ in OBJECT_DEPS for t in [token, *token.ancestors])

    def _leading_country(self, titled: ActorMention, mentions: list[ActorMention]) -> str | None:
        """The country the article's actors name most often, or None when there is none. A dateline
        country is used only when it leads or ties: "HAVANA - Colombia's government ..." is a story
        about Colombia filed from Cuba, and "the government's chief negotiator" is not Cuban."""
        counts: dict[str, int] = {}
        for m in mentions:
            if (
                m.country
                and m.actor_id != titled.actor_id
                and m.kind not in CONTEXT_IGNORED_KINDS
                and not m.rule.startswith("actors/place")
            ):
                counts[m.country] = counts.get(m.country, 0) + 1
        if not counts:
            return None
        top = max(counts.values())
        leaders = [c for c, n in counts.items() if n == top]
        return leaders[0] if len(leaders) == 1 else None

    def _dateline_country(self) -> str | None:
        """The country of the article's dateline place: a country or capital the knowledge base
        knows ("ANKARA", "WASHINGTON"), else a city in the places gazetteer ("ISTANBUL")."""
        dateline = (self.article.dateline or "").strip()
        if not dateline:
            return None
        words = phrase_tokens(dateline.title() if dateline.isupper() else dateline)
        m = self.kb.match_at(words, 0) if words else None
        if m is not None and m.end == len(words):
            for entry in m.entries:
                actor = self.kb.actor(entry.actor_id)
                if actor is not None and actor.kind == "country" and entry.form in ("name", "capital"):
                    return self.kb.country_of_code(actor.code) or actor.country
        if load_gazetteer is None:
            return None
        try:
            places = load_gazetteer().lookup(dateline)
        except Exception:  # noqa: BLE001 - the gazetteer is optional context, never a failure
            return None
        if not places:
            return None
        best = max(places, key=lambda p: p.population)
        country = self.kb.actor(f"country/{best.iso3}")
        return country.code if country is not None and country.code else None

    def _dateline_tokens(self) -> range:
        """The tokens of the dateline that opens the text ("ANKARA (Reuters) -"): a place, not an actor."""
        dateline = (self.article.dateline or "").strip()
        if not dateline:
            return range(0)
        # The opening tokens suffice.
        columns = self.columns
        text = columns.span_text(0, DATELINE_TOKENS) if columns.n > DATELINE_TOKENS else columns.text
        if len(text) < len(dateline) + (len(text) - len(text.lstrip())):
            text = columns.text
        lead = len(text) - len(text.lstrip())
        if not text[lead:].upper().startswith(dateline.upper()):
            return range(0)
        span = self.doc.char_span(lead, lead + len(dateline), alignment_mode="expand")
        return range(span.start, span.end) if span is not None else range(0)

    def _heads(self) -> Iterable[Token]:
        later: list[Token] = []
        for token in self._candidate_heads():
            if self._conjunct_of_modifier(token):
                # "Osgiliath" in "Gondor and Osgiliath officials" is read with "officials"; only if
                # that phrase did not take it ("Arnor, Calenardhon and the evil Gondor") is it its own.
                self.deferred.add(token.i)
                later.append(token)
                continue
            yield token
        yield from later

    def _candidate_heads(self) -> Iterable[Token]:
        from spacy.symbols import NOUN, PRON, PROPN

        dateline, match_of, tokens = self.dateline, self.match_of, self.tokens
        columns = self.columns
        deps, lowers, ent_types = columns.deps, columns.lowers, columns.ent_type_ids
        by_token = self.refs.by_token if self.refs is not None else None
        pos_ids = columns.pos  # the integer ids, cheaper than the strings
        # Nouns, names, pronouns and knowledge-base phrases, in order (picked out without a Python
        # loop over every token).
        nominal = compress(count(), map(frozenset((NOUN, PROPN, PRON)).__contains__, pos_ids))
        for i in sorted(match_of.keys() | nominal):
            pos = pos_ids[i]
            if i in dateline:
                continue
            m = match_of.get(i)
            if m is not None and not self._agent_ok(m):
                continue
            if pos == NOUN or pos == PROPN or m is not None:
                dep = deps[i]
                if dep not in MODIFIER_DEPS or (dep == "poss" and self._is_person_token(tokens[i])):
                    token = tokens[i]
                    # A multi-token name's head is its last token; skip the inner ones.
                    if m is not None and i != m.end - 1 and token.head.i in range(m.start, m.end):
                        continue
                    if m is None and by_token is not None and not ent_types[i] and i not in by_token:
                        # No entity, no referent: only a knowledge-base phrase before the head
                        # could make an actor of this phrase (``_mention_for`` finds none).
                        k = bisect_right(self.matched, i) - 1
                        if k < 0 or self.matched[k] < token.left_edge.i:
                            continue
                    yield token
            elif pos == PRON and lowers[i] in PERSONAL_PRONOUNS:
                if by_token is not None and i not in by_token:
                    continue  # a pronoun coreference left unresolved links to no one
                yield tokens[i]

    def _conjunct_of_modifier(self, token: Token) -> bool:
        """Whether a token is a later conjunct of a noun's premodifier ("Chinese" in "Russian and
        Chinese diplomats"): the phrase is read from the noun it modifies."""
        if self.deps[token.i] != "conj":
            return False  # most heads: no conjunct at all
        first = token
        while first.dep_ == "conj" and first.head.i < first.i:
            first = first.head
        return first is not token and first.dep_ in MODIFIER_DEPS and first.head.i > token.i

    def _agent_ok(self, m: Match) -> bool:
        """An agent phrase counts only when its last word is a noun ("judge" the verb, "official" the
        adjective do not); names, metonyms and modifiers always count."""
        if m.entry.form != "agent":
            return True
        last = m.end - 1
        if self.pos_[last] in AGENT_POS:
            return True
        # A sector word used as an adjective still names the sector ("Russian military instructors",
        # "Iranian dissident communities"), except the words whose adjective means something else
        # ("official figures"; ``not_as_adjective`` in agents.yaml).
        agent = m.entry.agent
        return (
            self.pos_[last] == "ADJ"
            and agent is not None
            and self.deps[last] in MODIFIER_DEPS
            and word_key(agent.phrase) not in self.kb.not_as_adjective
        )

    def _is_person_token(self, token: Token) -> bool:
        m = self.match_of.get(token.i)
        if m is not None and m.entry.actor_id:
            actor = self.kb.actor(m.entry.actor_id)
            return actor is not None and actor.kind == "person"
        return self.columns.ent_type_ids[token.i] == self.person_label

    # ---- phrases ----------------------------------------------------------------------------

    def _phrase(self, head: Token) -> tuple[int, int, Token | None]:
        """Token range of the noun phrase headed by ``head``, and the object of a membership PP."""
        deps, lowers = self.deps, self.lowers
        start = head.i
        for child in head.lefts:
            if deps[child.i] in NOT_PREMODIFIER_DEPS:
                continue
            start = min(start, child.left_edge.i)
        if head.i >= self.dateline.stop:
            start = max(start, self.dateline.stop)  # "HAVANA - Colombia's government"
        while start < head.i and self.tokens[start].is_punct:
            start += 1
        end = head.i + 1
        m = self.match_of.get(head.i)
        if m is not None:
            start, end = min(start, m.start), max(end, m.end)
        pobj = None
        person = self._is_person_token(head)
        for child in head.rights:
            c = child.i
            if deps[c] == "prep" and lowers[c] in (PERSON_PREPS if person else MEMBERSHIP_PREPS):
                objs = [o for o in child.children if deps[o.i] == "pobj"]
                if objs and self._names_body(objs[0], locative=lowers[c] in LOCATIVE_PREPS):
                    pobj = objs[0]
                break
        return start, end, pobj

    def _names_body(self, token: Token, locative: bool = False) -> bool:
        """Whether a token (with its premodifiers) names a country or organisation in the KB.
        After "in"/"at" a capital is where something happens, not whom an agent belongs to."""
        for i in range(token.left_edge.i, token.i + 1):
            m = self.match_of.get(i)
            if m is None or not m.entry.actor_id:
                continue
            if locative and m.entry.form == "capital":
                continue
            actor = self.kb.actor(m.entry.actor_id)
            if actor is not None and actor.kind != "person":
                return True
        return False

    def _read(self, start: int, end: int, head_i: int) -> _Reading:
        reading = _Reading()
        bodies: list[tuple[Actor, Entry, tuple[int, int]]] = []
        seen: set[int] = set()
        for i in range(start, end):
            m = self.match_of.get(i)
            if m is None or id(m) in seen:
                continue
            seen.add(id(m))
            entry = m.entry
            if entry.form == "agent" and entry.agent is not None:
                if not self._agent_ok(m):
                    continue
                reading.agents.append((entry.agent, m.start, m.end))
            elif entry.form == "modifier":
                reading.modifiers.extend(entry.sectors)
            elif entry.actor_id:
                actor = self.kb.actor(entry.actor_id)
                if actor is None:
                    continue
                if actor.kind == "person":
                    if reading.person is None or m.start <= head_i < m.end:
                        reading.person, reading.person_span = actor, (m.start, m.end)
                    continue
                at_head = m.start <= head_i < m.end
                if reading.base is None or at_head or actor.kind != "country":
                    if reading.base is not None and reading.base.kind != "country" and not at_head:
                        reading.orgs.append(actor)
                        continue
                    reading.base, reading.base_entry, reading.base_span = actor, entry, (m.start, m.end)
                bodies.append((actor, entry, (m.start, m.end)))
        if reading.base_span is not None and len(bodies) > 1:
            reading.coordinated = self._coordinated(bodies, reading.base_span)
        return reading

    def _coordinated(
        self, bodies: list[tuple[Actor, Entry, tuple[int, int]]], base_span: tuple[int, int]
    ) -> list[tuple[Actor, Entry, tuple[int, int]]]:
        """The bodies joined to the base by "and", "or" or commas only ("Russian and Chinese")."""
        ordered = sorted(bodies, key=lambda b: b[2])
        chains: list[list[tuple[Actor, Entry, tuple[int, int]]]] = [[ordered[0]]]
        for body in ordered[1:]:
            gap = range(chains[-1][-1][2][1], body[2][0])
            # coordinators, then perhaps the next body's own determiner and adjectives
            # ("Fornost and the evil awful Gondor")
            n = 0
            while n < len(gap) and self.lowers[gap[n]] in COORDINATORS:
                n += 1
            if n and all(self.pos_[i] in ("DET", "ADJ", "ADV") for i in gap[n:]):
                chains[-1].append(body)
            else:
                chains.append([body])
        for chain in chains:
            if any(b[2] == base_span for b in chain):
                return [b for b in chain if b[2] != base_span]
        return []

    def _merge_pp(self, reading: _Reading, pobj: Token | None) -> int:
        """Read the object of a membership PP into ``reading`` (and the bodies coordinated with it:
        "the ambassadors of Arnor, Osgiliath and Gondor"); returns the end of the tokens it covered."""
        if pobj is None:
            return 0
        sub = self._read(pobj.left_edge.i, pobj.i + 1, pobj.i)
        took = False
        if reading.base is None and sub.base is not None:
            reading.base, reading.base_entry, reading.base_span = sub.base, sub.base_entry, sub.base_span
            took = True
        elif reading.base is not None and sub.base is not None and reading.base.kind == "country":
            # "the human rights activists of Amnesty International": the organisation is the base.
            reading.base, reading.base_entry, reading.base_span = sub.base, sub.base_entry, sub.base_span
            took = True
        reading.agents.extend(sub.agents)
        last = pobj.i
        for i in range(pobj.left_edge.i, pobj.i + 1):
            self.consumed.add(i)
        if not took:
            return last + 1
        reading.coordinated = list(sub.coordinated)
        for conj in pobj.conjuncts:
            if conj.i < pobj.i or conj.sent.start != pobj.sent.start:
                continue
            other = self._read(conj.left_edge.i, conj.i + 1, conj.i)
            if other.base is None or other.base_entry is None or other.base_span is None:
                continue
            reading.coordinated.append((other.base, other.base_entry, other.base_span))
            reading.coordinated.extend(other.coordinated)
            for i in range(conj.left_edge.i, conj.i + 1):
                self.consumed.add(i)
            last = max(last, conj.i)
        # Parsers often attach a second body to the head noun instead ("Lawmakers in Fornost and
        # Gondor" with Gondor a conjunct of "Lawmakers"): take bodies that follow the object,
        # joined by coordinators only, and that end the noun phrase.
        lowers, sent_end = self.lowers, pobj.sent.end
        j = last + 1
        while j < sent_end and lowers[j] in COORDINATORS:
            k = j
            while k < sent_end and lowers[k] in COORDINATORS:
                k += 1
            m = self.match_of.get(k)
            if m is None or m.start != k or not m.entry.actor_id or m.entry.form in ("agent", "modifier"):
                break
            actor = self.kb.actor(m.entry.actor_id)
            after = self.tokens[m.end] if m.end < sent_end else None
            if (
                actor is None
                or actor.kind == "person"
                or any(i in self.consumed for i in range(m.start, m.end))
                or (after is not None and (self.pos_[after.i] in AGENT_POS or after.tag_ == "POS"))
            ):
                break
            reading.coordinated.append((actor, m.entry, (m.start, m.end)))
            for i in range(m.start, m.end):
                self.consumed.add(i)
            last = m.end - 1
            j = m.end
        return last + 1

    def _alternatives(
        self, reading: _Reading
    ) -> list[tuple[Actor, str, str | None, tuple[str, ...], tuple[int, int] | None]]:
        """Further actors of one phrase, after the primary: the other codes of a multi-code entry
        (PETRARCH ``[FRO/BIL/SAM]``) and bodies coordinated with the base ("Russian and Chinese
        diplomats" -> CHNGOV after RUSGOV). Each is (actor, code, country, sectors, the body's own
        token span or None for another code of the base)."""
        out: list[tuple[Actor, str, str | None, tuple[str, ...], tuple[int, int] | None]] = []
        readings: list[tuple[Actor, _Reading, tuple[int, int] | None]] = []
        if reading.base is not None:
            readings.append((reading.base, reading, None))
        for actor, entry, body_span in reading.coordinated:
            other = replace(reading, base=actor, base_entry=entry, base_span=body_span, coordinated=[])
            readings.append((actor, other, body_span))
        for n, (actor, r, span) in enumerate(readings):
            codes = self.kb.codes_as_of(actor, self.day)
            for code_base in codes[1:] if n == 0 else codes or (actor.code,):
                if not code_base:
                    continue
                code, country, sectors = self._code(r, base_code=code_base)
                if code:
                    out.append((actor, code, country, sectors, span))
        return out

    def _code(
        self, reading: _Reading, use_agents: bool = True, base_code: str | None = None
    ) -> tuple[str | None, str | None, tuple[str, ...]]:
        """(code, country, sectors) of a reading without a person; ``base_code`` replaces the base's
        own (primary) code."""
        suffix: list[str] = []
        prefix: list[str] = []
        country = None
        if reading.base is not None:
            if base_code is None:
                codes = self.kb.codes_as_of(reading.base, self.day)
                base_code = codes[0] if codes else reading.base.code
                country = reading.base.country
            else:
                country = self.kb.country_of_code(base_code) or reading.base.country
            entry_sectors = reading.base_entry.sectors if reading.base_entry else ()
            if reading.base_entry is not None and reading.base_entry.form == "capital" and reading.agents:
                entry_sectors = ()  # "Moscow police" is RUS + COP, not RUS + GOV + COP
            suffix.extend(entry_sectors)
        agent_sectors: list[str] = []
        if use_agents:
            for agent, _s, _e in reading.agents:
                (prefix if agent.placement == "prefix" else agent_sectors).extend(agent.sectors)
        if reading.modifiers:
            agent_sectors = list(reading.modifiers)
        suffix.extend(agent_sectors)
        if base_code is None and not suffix and not prefix:
            return None, None, ()
        if base_code is None:
            base_code = self.kb.unknown_country
        code = combine_code(base_code, suffix, prefix)
        sectors = tuple(dict.fromkeys(suffix))
        return code or None, country, sectors

    # ---- one mention --------------------------------------------------------------------------

    def _mention_for(self, head: Token) -> ActorMention | None:
        if self.pos_[head.i] == "PRON":
            return self._linked(head, head.i, head.i + 1, head.i, head.i + 1, "coref")
        start, end, pobj = self._phrase(head)
        reading = self._read(start, end, head.i)
        ent = self._entity_at(head.i)
        head_match = self.match_of.get(head.i)
        referent = self._referent(head)

        # A person: known to the KB, named by the NER, or a mislabelled surname coref knows.
        person_name = self._person_name(head, reading, ent, referent)
        if person_name is not None:
            name_start, name_end = person_name
            if pobj is not None:
                end = max(end, self._merge_pp(reading, pobj))
            return self._person_mention(head, start, end, name_start, name_end, reading, referent)

        # A pronoun-like short name or role noun that coref ties to a person resolved earlier.
        if referent is not None and referent.kind == "person" and referent.id in self.by_referent:
            own = reading.base is not None and reading.base.kind != "country"
            if not own:
                return self._linked(head, start, end, head.i, head.i + 1, "coref")

        head_is_agent = head_match is not None and head_match.entry.form == "agent"
        if pobj is not None and head_is_agent:
            end = max(end, self._merge_pp(reading, pobj))
        if head_is_agent and head_match is not None and head_match.entry.agent is not None:
            if head_match.entry.agent.title and reading.person is None:
                # "Turkey's deputy foreign minister, Leyla Korkmaz,": the name after the title holds it.
                named = self._appositive_name(head, end)
                if named is not None:
                    ns, ne = named
                    m = self.match_of.get(ns)
                    known = self.kb.actor(m.entry.actor_id) if m is not None and m.end == ne else None
                    if known is not None and known.kind == "person":
                        reading.person, reading.person_span = known, (ns, ne)
                    name_head = self.tokens[ne - 1]
                    return self._person_mention(
                        name_head, start, ne, ns, ne, reading, self._referent(name_head)
                    )
        if reading.base is None and not reading.agents:
            if ent is not None and ent.label_ in ACTOR_LABELS_ORG and head.i == ent.end - 1:
                return self._unknown_org(head, max(start, ent.start), end, ent)
            return None
        if reading.base is None and not head_is_agent:
            return None  # an agent word deep inside an unrelated phrase ("the army's history")
        hs, he = head.i, head.i + 1
        collapsed = False
        if (
            not head_is_agent
            and not reading.agents
            and reading.base_span is not None
            and not (reading.base_span[0] <= head.i < reading.base_span[1])
        ):
            # "Gondor's polices", "Libya almost crowds": the actor is the named body, not the head noun.
            collapsed = True
            start, end = reading.base_span
            hs, he = start, end
        # A capital or country as the object of a locative preposition is a place.
        is_place = (
            reading.base is not None
            and reading.base_span is not None
            and reading.base_span[0] <= head.i < reading.base_span[1]
            and self.deps[head.i] == "pobj"
            and self.lowers[head.head.i] in LOCATIVE_PREPS
        )
        if is_place and reading.base_entry is not None and reading.base_entry.form == "capital":
            return None
        code, country, sectors = self._code(reading)
        if code is None:
            return None
        base = reading.base
        title_agent = self._head_agent(reading, head.i)
        if base is not None and not reading.agents and not reading.modifiers:
            how = (
                "metonym"
                if reading.base_entry and reading.base_entry.form in ("metonym", "capital")
                else "kb-name"
            )
            if is_place:
                how = "place"
        else:
            how = "agent" if base is not None else "agent-bare"
        res = _Resolution(
            actor_id=base.id if base is not None else None,
            name=base.name if base is not None else None,
            kind=base.kind if base is not None else None,
            code=code,
            country=country,
            sectors=sectors,
            role=title_agent,
            how=how,
        )
        if referent is not None and referent.kind != "person" and res.actor_id:
            self.by_referent.setdefault(referent.id, res)
        primary = self._emit(start, end, hs, he, res, referent)
        if reading.base_span is not None:
            self.taken.update(range(*reading.base_span))
        if not is_place:
            seen = {code}
            for actor, alt_code, alt_country, alt_sectors, own_span in self._alternatives(reading):
                if alt_code in seen:
                    continue
                seen.add(alt_code)
                alt = replace(
                    res,
                    actor_id=actor.id,
                    name=actor.name,
                    kind=actor.kind,
                    code=alt_code,
                    country=alt_country,
                    sectors=alt_sectors,
                )
                if own_span is not None:
                    self.taken.update(range(*own_span))
                if collapsed and own_span is not None:
                    # "German and Italian contingents": each body is its own mention.
                    s0, e0 = own_span
                    self.extra.append(self._emit(s0, e0, s0, e0, alt, None))
                else:
                    self.extra.append(self._emit(start, end, hs, he, alt, None))
        return primary

    def _person_name(self, head: Token, reading: _Reading, ent: Any, referent: Any) -> tuple[int, int] | None:
        if reading.person is not None and reading.person_span is not None:
            s, e = reading.person_span
            if s <= head.i < e:
                # A KB surname inside a longer NER name is someone else ("Hunter Biden").
                if ent is not None and ent.label_ == "PERSON" and (ent.start < s or ent.end > e):
                    return ent.start, ent.end
                return s, e
        head_match = self.match_of.get(head.i)
        if (
            head_match is not None
            and head_match.entry.actor_id
            and (reading.base is not None and reading.base.id == head_match.entry.actor_id)
        ):
            return None  # the knowledge base knows this name as a country or organisation
        if ent is not None and ent.label_ in ACTOR_LABELS_PERSON and ent.start <= head.i < ent.end:
            if head.i != ent.end - 1:
                return None
            start = ent.start
            # Titles the NER swallowed ("Foreign Minister Ana Ruiz" as one PERSON) stay titles.
            while (
                start < ent.end - 1
                and self.match_of.get(start) is not None
                and (
                    self.match_of[start].entry.form in ("agent", "modifier")
                    or self.match_of[start].entry.form in ("adjective", "name")
                    and (self.kb.actor(self.match_of[start].entry.actor_id) or _NO_ACTOR).kind != "person"
                )
            ):
                start = self.match_of[start].end
            return start, ent.end
        if (
            referent is not None
            and referent.kind == "person"
            and self.pos_[head.i] == "PROPN"
            and (ent is None or ent.label_ in MISLABELS)
            and referent.id not in self.by_referent
        ):
            return head.i, head.i + 1
        if (
            self.refs is None
            and self.pos_[head.i] == "PROPN"
            and self.lowers[head.i] in self.by_surname
            and (ent is None or ent.label_ in MISLABELS | ACTOR_LABELS_PERSON)
        ):
            return head.i, head.i + 1
        return None

    def _appositive_name(self, head: Token, end: int) -> tuple[int, int] | None:
        """The person's name set off by a comma after a title phrase ending at ``end``: the title's
        appositive ("the foreign minister of Chile, Ana Ruiz,"), or a PERSON entity right after the
        comma when the parser attached it elsewhere."""
        doc = self.doc
        if end >= len(doc) - 1 or self.words[end] != ",":
            return None
        for child in head.rights:
            if self.deps[child.i] == "appos" and self.pos_[child.i] == "PROPN" and child.i > end:
                named = self._name_at(child, end + 1)
                if named is not None and named[0] == end + 1:
                    return named
        first = self.tokens[end + 1]
        ent = self._entity_at(first.i)
        if ent is not None and ent.label_ in ACTOR_LABELS_PERSON and ent.start == first.i:
            return ent.start, ent.end
        return None

    def _name_at(self, token: Token, lower: int) -> tuple[int, int] | None:
        """The proper-name tokens ending at ``token`` (none before ``lower``), if they can name a
        person: a PERSON entity, or capitalised words the NER left unlabelled or mislabelled."""
        ent = self._entity_at(token.i)
        if ent is not None and ent.label_ in ACTOR_LABELS_PERSON and ent.end - 1 == token.i:
            return max(ent.start, lower), ent.end
        if ent is not None and ent.label_ not in MISLABELS:
            return None
        m = self.match_of.get(token.i)
        if m is not None and m.entry.actor_id:
            actor = self.kb.actor(m.entry.actor_id)
            if actor is not None and actor.kind != "person":
                return None  # a country or organisation ("Turkey's envoy, Ankara")
        if m is not None and m.entry.form in ("agent", "modifier"):
            return None
        start = token.i
        while (
            start - 1 >= lower
            and self.pos_[start - 1] == "PROPN"
            and self.deps[start - 1] in ("compound", "flat")
        ):
            start -= 1
        if not all(w[:1].isupper() for w in self.words[start : token.i + 1]):
            return None
        return start, token.i + 1

    def _entity_at(self, i: int) -> Any:
        """The entity holding token ``i``, or None; through a token -> entity index built on first use."""
        if not self.columns.ent_type_ids[i]:
            return None
        if self._ent_of is None:
            self._ent_of = {}
            for ent in self.ents:
                for k in range(ent.start, ent.end):
                    self._ent_of.setdefault(k, ent)
        return self._ent_of.get(i)

    def _referent(self, head: Token) -> Any:
        if self.refs is None:
            return None
        return self.refs.referent_at_token(head.i)

    # ---- persons ------------------------------------------------------------------------------

    def _person_mention(
        self,
        head: Token,
        start: int,
        end: int,
        name_start: int,
        name_end: int,
        reading: _Reading,
        referent: Any,
    ) -> ActorMention | None:
        name_text = self.columns.span_text(name_start, name_end)
        known = reading.person if reading.person_span == (name_start, name_end) else None
        earlier = self.by_referent.get(referent.id) if referent is not None else None
        if earlier is None and self.refs is None:
            earlier = self.by_surname.get(self.columns.lowers[name_end - 1])
        if known is None and earlier is not None and earlier.actor_id and name_end - name_start == 1:
            # A short name of someone named in full earlier ("Ruiz" after "Ana Ruiz").
            return self._linked(head, start, end, name_start, name_end, "coref")
        if (
            known is None
            and referent is not None
            and referent.kind == "person"
            and len(referent.name) > len(name_text)
        ):
            name_text = referent.name  # the fullest name in the document
            kb_named = self.kb.by_name(name_text)
            known = next((a for a in kb_named if a.kind == "person"), None)
        # Titles: before the name in this phrase, then appositives and other titles coref found.
        titles = self._titles_in_phrase(start, name_start, reading)
        titles += self._appositive_titles(head, referent, exclude=(start, end))
        actor_id = known.id if known is not None else f"person/{slug(name_text)}"
        res = self._resolve_person(known, actor_id, name_text, titles, head)
        if earlier is not None and res.code is None and earlier.actor_id == res.actor_id:
            res = replace(earlier, how=res.how)
        if referent is not None:
            previous = self.by_referent.get(referent.id)
            if previous is None or (previous.code is None and res.code is not None):
                self.by_referent[referent.id] = res
        self.by_surname.setdefault(self.columns.lowers[name_end - 1], res)
        return self._emit(start, end, name_start, name_end, res, referent)

    def _titles_in_phrase(
        self, start: int, name_start: int, reading: _Reading
    ) -> list[tuple[str, str | None, tuple[str, ...], tuple[int, int]]]:
        """(title, code, sectors, token span) of a title written before the name in the same phrase."""
        agents = [(a, s, e) for a, s, e in reading.agents if e <= name_start]
        if not agents and not reading.modifiers:
            return []
        country_reading = _Reading(
            base=reading.base,
            base_entry=reading.base_entry,
            base_span=reading.base_span,
            agents=agents,
            modifiers=reading.modifiers,
        )
        if reading.base is not None and reading.base.kind == "person":
            return []
        code, _country, sectors = self._code(country_reading)
        title_agent = agents[-1] if agents else None
        title = self.columns.span_text(title_agent[1], title_agent[2]) if title_agent else "former"
        return [(title, code, sectors, (start, name_start))]

    def _appositive_titles(
        self, head: Token, referent: Any, exclude: tuple[int, int]
    ) -> list[tuple[str, str | None, tuple[str, ...], tuple[int, int]]]:
        spans: list[tuple[int, int, int]] = []  # start, end, root
        if referent is not None:
            for _text, span in referent.titles:
                if span.start >= exclude[0] and span.end <= exclude[1]:
                    continue
                spans.append((span.start, span.end, span.root.i))
        else:
            for child in head.children:
                if self.deps[child.i] == "appos" and self.pos_[child.i] in {"NOUN", "PROPN"}:
                    spans.append((child.left_edge.i, child.right_edge.i + 1, child.i))
        out = []
        for s, e, root in spans:
            reading = self._read(s, e, root)
            if not reading.agents:
                continue
            # An "of"-PP inside the appositive names the body: "the foreign minister of Chile".
            code, _country, sectors = self._code(reading)
            agent = self._title_agent_at(reading, root)
            out.append((self.columns.span_text(agent[1], agent[2]), code, sectors, (s, e)))
        return out

    def _title_agent_at(self, reading: _Reading, root: int) -> tuple[Agent, int, int]:
        for agent in reading.agents:
            if agent[1] <= root < agent[2]:
                return agent
        return reading.agents[-1]

    def _head_agent(self, reading: _Reading, head_i: int) -> str | None:
        if not reading.agents:
            return None
        agent = self._title_agent_at(reading, head_i)
        return self.columns.span_text(agent[1], agent[2])

    def _resolve_person(
        self,
        known: Actor | None,
        actor_id: str,
        name: str,
        titles: Sequence[tuple[str, str | None, tuple[str, ...], tuple[int, int]]],
        head: Token,
    ) -> _Resolution:
        day = self.day
        curated_codes: tuple[str, ...] = ()
        curated_role = None
        country = known.country if known is not None else None
        if known is not None:
            held = self.kb.roles_as_of(known, day)
            curated_codes = self.kb.codes_as_of(known, day)
            curated_role = held[0].title if held else None
        learned_code = None
        learned_title = None
        learned_sectors: tuple[str, ...] = ()
        learned_has_country = False
        for title, code, sectors, (s, e) in titles:
            if code and len(code) >= 3 and known is not None and code == "".join(sectors) and known.country:
                # A bare title ("the minister") of a known person: their own country.
                code = combine_code(known.country, sectors)
            conflict = None
            if (
                known is not None
                and curated_codes
                and code
                and code not in curated_codes
                and self.kb.roles_as_of(known, day)
            ):
                conflict = (
                    f"actors: learned role {title!r} ({code}) for {known.name} on {day} conflicts with "
                    f"curated {curated_role!r} ({', '.join(curated_codes)}); kept the curated role"
                )
                self.notes.append(conflict)
            has_country = (
                code is not None
                and not code.startswith(self.kb.unknown_country or "\0")
                and code != "".join(sectors)
            )
            if code and (learned_code is None or (has_country and not learned_has_country)):
                learned_code, learned_sectors = code, sectors
                learned_has_country = has_country
            if learned_title is None:
                learned_title = title
            if code:
                self._learn(actor_id, name, title, code, sectors, s, e, known is not None, conflict)
        holds_role = known is not None and bool(self.kb.roles_as_of(known, day))
        # A curated role held that day wins; a learned title comes next; a known name with no
        # role that day is still that actor, without a role.
        if known is not None and (holds_role or learned_code is None):
            code = curated_codes[0] if curated_codes else None
            return _Resolution(
                actor_id,
                known.name,
                "person",
                code,
                self._country_of(code, country),
                self.kb.sectors_of_code(code),
                curated_role if holds_role else None,
                "kb-name",
            )
        if learned_code is not None:
            return _Resolution(
                actor_id,
                known.name if known else name,
                "person",
                learned_code,
                self._country_of(learned_code, country),
                learned_sectors,
                learned_title,
                "title",
            )
        return _Resolution(actor_id, name, "person", None, None, (), None, "ner-person")

    def _learn(
        self,
        actor_id: str,
        name: str,
        title: str,
        code: str,
        sectors: tuple[str, ...],
        start: int,
        end: int,
        known: bool,
        conflict: str | None,
    ) -> None:
        key = (actor_id, title.lower(), code)
        if key in self.learned:
            return
        while end > start + 1 and self.tokens[end - 1].is_punct:
            end -= 1  # "Turkey's deputy foreign minister," -> without the comma
        self.learned[key] = LearnedRole(
            actor_id=actor_id,
            name=name,
            kind="person",
            title=" ".join(title.lower().split()),
            code=code,
            country=self._country_of(code, None),
            sectors=sectors,
            article_id=self.article.id,
            date=self.day,
            sentence=self.sent_of[start],
            spans=(self._char_span(start, end),),
            text=self.columns.span_text(start, end),
            known=known,
            conflict=conflict,
        )

    def _country_of(self, code: str | None, fallback: str | None) -> str | None:
        """The country of a code, else ``fallback``; never an agent code ("GOV" has no country)."""
        return self.kb.country_of_code(code) or self.kb.country_of_code(fallback)

    # ---- links and output -----------------------------------------------------------------------

    def _linked(self, head: Token, start: int, end: int, hs: int, he: int, how: str) -> ActorMention | None:
        referent = self._referent(head)
        res = None
        if referent is not None:
            res = self.by_referent.get(referent.id)
        elif self.refs is None and self.pos_[head.i] == "PROPN":
            res = self.by_surname.get(self.lowers[head.i])
        if res is None:
            return None
        return self._emit(start, end, hs, he, replace(res, how=how), referent)

    def _char_span(self, start: int, end: int) -> Span:
        """The characters of tokens [start, end): ``doc[start:end]``'s start_char and end_char."""
        if end <= start:  # an empty span sits at its start token, or at the end of the text
            idx = self.columns.idx
            at = idx[start] if start < len(idx) else idx[-1] + len(self.words[-1])
            return Span(at, at)
        return Span(*self.columns.char_range(start, end))

    def _unknown_org(self, head: Token, start: int, end: int, ent: Any) -> ActorMention:
        res = _Resolution(f"org/{slug(ent.text)}", ent.text, "organisation", None, None, (), None, "ner-org")
        referent = self._referent(head)
        if referent is not None:
            self.by_referent.setdefault(referent.id, res)
        return self._emit(start, end, ent.start, ent.end, res, referent)

    def _emit(self, start: int, end: int, hs: int, he: int, res: _Resolution, referent: Any) -> ActorMention:
        columns = self.columns
        self.consumed.update(range(start, end))
        return ActorMention(
            article_id=self.article.id,
            sentence=self.sent_of[start],
            spans=(self._char_span(start, end), self._char_span(hs, he)),
            rule=f"actors/{res.how}",
            confidence=CONFIDENCE.get(res.how, 0.5),
            text=columns.span_text(start, end),
            actor_id=res.actor_id,
            name=res.name,
            kind=res.kind,
            code=res.code,
            country=res.country,
            sectors=tuple(res.sectors),
            role=res.role,
            referent=referent.id if referent is not None else None,
        )


_NO_ACTOR = Actor(id="", name="", kind="")

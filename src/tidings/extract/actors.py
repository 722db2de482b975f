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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from tidings.extract import sentence_index
from tidings.knowledge.kb import Actor, ActorKB, Agent, Entry, LearnedRole, Match, combine_code, slug
from tidings.types import Article, Finding, Findings, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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
NOT_PREMODIFIER_DEPS = frozenset({"punct", "cc", "prep", "relcl", "appos", "conj", "acl", "advmod", "mark"})
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
    resolver = _Resolver(doc, article, actor_kb)
    mentions, learned, notes = resolver.run()
    return replace(
        findings,
        actors=tuple(mentions),
        learned_roles=findings.learned_roles + tuple(learned),
        notes=findings.notes + tuple(notes),
    )


class _Resolver:
    """The state of resolving one document (kept out of module globals)."""

    def __init__(self, doc: Doc, article: Article, kb: ActorKB) -> None:
        self.doc = doc
        self.article = article
        self.kb = kb
        self.day = article.published
        self.sent_of = sentence_index(doc)
        self.words = [t.text for t in doc]
        self.match_of: dict[int, Match] = {}
        for m in kb.find(self.words):
            for i in range(m.start, m.end):
                self.match_of[i] = m
        self.refs = resolve_references(doc) if resolve_references is not None else None
        self.by_referent: dict[int, _Resolution] = {}
        self.by_surname: dict[str, _Resolution] = {}  # fallback linking when coref is unavailable
        self.learned: dict[tuple[str, str, str], LearnedRole] = {}
        self.notes: list[str] = []
        self.consumed: set[int] = set()

    # ---- driver -----------------------------------------------------------------------------

    def run(self) -> tuple[list[ActorMention], list[LearnedRole], list[str]]:
        mentions: list[ActorMention] = []
        for head in self._heads():
            if head.i in self.consumed:
                continue
            mention = self._mention_for(head)
            if mention is not None:
                mentions.append(mention)
        mentions.sort(key=lambda m: (m.spans[0].start, m.spans[0].end))
        return mentions, list(self.learned.values()), self.notes

    def _heads(self) -> Iterable[Token]:
        for token in self.doc:
            if token.pos_ in {"NOUN", "PROPN"} or token.i in self.match_of:
                if token.dep_ not in MODIFIER_DEPS or (token.dep_ == "poss" and self._is_person_token(token)):
                    # A multi-token name's head is its last token; skip the inner ones.
                    m = self.match_of.get(token.i)
                    if m is not None and token.i != m.end - 1 and token.head.i in range(m.start, m.end):
                        continue
                    yield token
            elif token.pos_ == "PRON" and token.lower_ in PERSONAL_PRONOUNS:
                yield token

    def _is_person_token(self, token: Token) -> bool:
        m = self.match_of.get(token.i)
        if m is not None and m.entry.actor_id:
            actor = self.kb.actor(m.entry.actor_id)
            return actor is not None and actor.kind == "person"
        return token.ent_type_ == "PERSON"

    # ---- phrases ----------------------------------------------------------------------------

    def _phrase(self, head: Token) -> tuple[int, int, Token | None]:
        """Token range of the noun phrase headed by ``head``, and the object of a membership PP."""
        start = head.i
        for child in head.lefts:
            if child.dep_ in NOT_PREMODIFIER_DEPS:
                continue
            start = min(start, child.left_edge.i)
        while start < head.i and self.doc[start].is_punct:
            start += 1
        end = head.i + 1
        m = self.match_of.get(head.i)
        if m is not None:
            start, end = min(start, m.start), max(end, m.end)
        pobj = None
        person = self._is_person_token(head)
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in (PERSON_PREPS if person else MEMBERSHIP_PREPS):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and self._names_body(objs[0], locative=child.lower_ in LOCATIVE_PREPS):
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
        seen: set[int] = set()
        for i in range(start, end):
            m = self.match_of.get(i)
            if m is None or id(m) in seen:
                continue
            seen.add(id(m))
            entry = m.entry
            if entry.form == "agent" and entry.agent is not None:
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
        return reading

    def _merge_pp(self, reading: _Reading, pobj: Token | None) -> None:
        if pobj is None:
            return
        sub = self._read(pobj.left_edge.i, pobj.i + 1, pobj.i)
        if reading.base is None and sub.base is not None:
            reading.base, reading.base_entry, reading.base_span = sub.base, sub.base_entry, sub.base_span
        elif reading.base is not None and sub.base is not None and reading.base.kind == "country":
            # "the human rights activists of Amnesty International": the organisation is the base.
            reading.base, reading.base_entry, reading.base_span = sub.base, sub.base_entry, sub.base_span
        reading.agents.extend(sub.agents)
        for i in range(pobj.left_edge.i, pobj.i + 1):
            self.consumed.add(i)

    def _code(
        self, reading: _Reading, use_agents: bool = True
    ) -> tuple[str | None, str | None, tuple[str, ...]]:
        """(code, country, sectors) of a reading without a person."""
        suffix: list[str] = []
        prefix: list[str] = []
        base_code = None
        country = None
        if reading.base is not None:
            codes = self.kb.codes_as_of(reading.base, self.day)
            base_code = codes[0] if codes else reading.base.code
            country = reading.base.country
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
        doc = self.doc
        if head.pos_ == "PRON":
            return self._linked(head, head.i, head.i + 1, head.i, head.i + 1, "coref")
        start, end, pobj = self._phrase(head)
        reading = self._read(start, end, head.i)
        ent = _entity_at(doc, head)
        head_match = self.match_of.get(head.i)
        referent = self._referent(head)

        # A person: known to the KB, named by the NER, or a mislabelled surname coref knows.
        person_name = self._person_name(head, reading, ent, referent)
        if person_name is not None:
            name_start, name_end = person_name
            if pobj is not None:
                self._merge_pp(reading, pobj)
                end = max(end, pobj.i + 1)
            return self._person_mention(head, start, end, name_start, name_end, reading, referent)

        # A pronoun-like short name or role noun that coref ties to a person resolved earlier.
        if referent is not None and referent.kind == "person" and referent.id in self.by_referent:
            own = reading.base is not None and reading.base.kind != "country"
            if not own:
                return self._linked(head, start, end, head.i, head.i + 1, "coref")

        head_is_agent = head_match is not None and head_match.entry.form == "agent"
        if pobj is not None and head_is_agent:
            self._merge_pp(reading, pobj)
            end = max(end, pobj.i + 1)
        if reading.base is None and not reading.agents:
            if ent is not None and ent.label_ in ACTOR_LABELS_ORG and head.i == ent.end - 1:
                return self._unknown_org(head, max(start, ent.start), end, ent)
            return None
        if reading.base is None and not head_is_agent:
            return None  # an agent word deep inside an unrelated phrase ("the army's history")
        hs, he = head.i, head.i + 1
        if (
            not head_is_agent
            and not reading.agents
            and reading.base_span is not None
            and not (reading.base_span[0] <= head.i < reading.base_span[1])
        ):
            # "Gondor's polices", "Libya almost crowds": the actor is the named body, not the head noun.
            start, end = reading.base_span
            hs, he = start, end
        # A capital or country as the object of a locative preposition is a place.
        is_place = (
            reading.base is not None
            and reading.base_span is not None
            and reading.base_span[0] <= head.i < reading.base_span[1]
            and head.dep_ == "pobj"
            and head.head.lower_ in LOCATIVE_PREPS
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
        return self._emit(start, end, hs, he, res, referent)

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
            and head.pos_ == "PROPN"
            and (ent is None or ent.label_ in MISLABELS)
            and referent.id not in self.by_referent
        ):
            return head.i, head.i + 1
        if (
            self.refs is None
            and head.pos_ == "PROPN"
            and head.lower_ in self.by_surname
            and (ent is None or ent.label_ in MISLABELS | ACTOR_LABELS_PERSON)
        ):
            return head.i, head.i + 1
        return None

    def _referent(self, head: Token) -> Any:
        if self.refs is None:
            return None
        return self.refs.referent_at(self.doc[head.i : head.i + 1])

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
        doc = self.doc
        name_text = doc[name_start:name_end].text
        known = reading.person if reading.person_span == (name_start, name_end) else None
        earlier = self.by_referent.get(referent.id) if referent is not None else None
        if earlier is None and self.refs is None:
            earlier = self.by_surname.get(doc[name_end - 1].lower_)
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
        self.by_surname.setdefault(doc[name_end - 1].lower_, res)
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
        title = self.doc[title_agent[1] : title_agent[2]].text if title_agent else "former"
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
                if child.dep_ == "appos" and child.pos_ in {"NOUN", "PROPN"}:
                    spans.append((child.left_edge.i, child.right_edge.i + 1, child.i))
        out = []
        for s, e, root in spans:
            reading = self._read(s, e, root)
            if not reading.agents:
                continue
            # An "of"-PP inside the appositive names the body: "the foreign minister of Chile".
            code, _country, sectors = self._code(reading)
            agent = self._title_agent_at(reading, root)
            out.append((self.doc[agent[1] : agent[2]].text, code, sectors, (s, e)))
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
        return self.doc[agent[1] : agent[2]].text

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
                bool(code)
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
        if known is not None and self.kb.roles_as_of(known, day):
            code = curated_codes[0] if curated_codes else None
            return _Resolution(
                actor_id,
                known.name,
                "person",
                code,
                _country_of(code, country),
                _sectors_of(code),
                curated_role,
                "kb-name",
            )
        if learned_code is not None:
            return _Resolution(
                actor_id,
                known.name if known else name,
                "person",
                learned_code,
                _country_of(learned_code, country),
                learned_sectors,
                learned_title,
                "title",
            )
        if known is not None:
            code = curated_codes[0] if curated_codes else None
            return _Resolution(
                actor_id,
                known.name,
                "person",
                code,
                _country_of(code, country),
                _sectors_of(code),
                None,
                "kb-name",
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
        span = self.doc[start:end]
        self.learned[key] = LearnedRole(
            actor_id=actor_id,
            name=name,
            kind="person",
            title=" ".join(title.lower().split()),
            code=code,
            country=_country_of(code, None),
            sectors=sectors,
            article_id=self.article.id,
            date=self.day,
            sentence=self.sent_of[start],
            spans=(Span(span.start_char, span.end_char),),
            text=span.text,
            known=known,
            conflict=conflict,
        )

    # ---- links and output -----------------------------------------------------------------------

    def _linked(self, head: Token, start: int, end: int, hs: int, he: int, how: str) -> ActorMention | None:
        referent = self._referent(head)
        res = None
        if referent is not None:
            res = self.by_referent.get(referent.id)
        elif self.refs is None and head.pos_ == "PROPN":
            res = self.by_surname.get(head.lower_)
        if res is None:
            return None
        return self._emit(start, end, hs, he, replace(res, how=how), referent)

    def _unknown_org(self, head: Token, start: int, end: int, ent: Any) -> ActorMention:
        res = _Resolution(f"org/{slug(ent.text)}", ent.text, "organisation", None, None, (), None, "ner-org")
        referent = self._referent(head)
        if referent is not None:
            self.by_referent.setdefault(referent.id, res)
        return self._emit(start, end, ent.start, ent.end, res, referent)

    def _emit(self, start: int, end: int, hs: int, he: int, res: _Resolution, referent: Any) -> ActorMention:
        doc = self.doc
        phrase = doc[start:end]
        head_span = doc[hs:he]
        for i in range(start, end):
            self.consumed.add(i)
        return ActorMention(
            article_id=self.article.id,
            sentence=self.sent_of[start],
            spans=(Span(phrase.start_char, phrase.end_char), Span(head_span.start_char, head_span.end_char)),
            rule=f"actors/{res.how}",
            confidence=CONFIDENCE.get(res.how, 0.5),
            text=phrase.text,
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


def _entity_at(doc: Doc, token: Token) -> Any:
    if not token.ent_type_:
        return None
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _country_of(code: str | None, fallback: str | None) -> str | None:
    if code and len(code) >= 3 and code[:3].isalpha() and not code.startswith(("IGO", "NGO", "---")):
        return code[:3]
    return fallback


def _sectors_of(code: str | None) -> tuple[str, ...]:
    if not code or len(code) <= 3:
        return ()
    return tuple(code[i : i + 3] for i in range(3, len(code), 3))

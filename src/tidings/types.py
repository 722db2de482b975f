"""The objects that flow through tidings: articles, rejections, findings and their provenance.

Offsets are the currency of the whole system: every ``Span`` is a pair of character offsets into
``Article.text`` (Python ``str`` indices, end exclusive). Findings are frozen dataclasses; each
extractor returns new ones and never mutates what it was given.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar


def stable_hash(*parts: object, length: int = 20) -> str:
    """Hex digest of the parts, joined with a unit separator; stable across runs and machines."""
    # One update of the joined text: the same bytes as one update per part and separator, and
    # ~40 % faster on the short parts of finding ids (every finding of every article has one).
    joined = "".join([("" if part is None else str(part)) + "\x1f" for part in parts])
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:length]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Character offsets ``[start, end)`` into an article's text."""

    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_list(self) -> list[int]:
        return [self.start, self.end]


def spans_to_json(spans: tuple[Span, ...] | list[Span]) -> str:
    """``[[start,end],...]``: the same text as compact ``json.dumps``, built directly (the store
    writes tens of these per article)."""
    if len(spans) == 1:  # most findings
        return f"[[{int(spans[0].start)},{int(spans[0].end)}]]"
    return "[" + ",".join(f"[{int(s.start)},{int(s.end)}]" for s in spans) + "]"


def spans_from_json(raw: str | None) -> tuple[Span, ...]:
    if not raw:
        return ()
    return tuple(Span(int(a), int(b)) for a, b in json.loads(raw))


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, normalised.

    ``text`` is the body only: mastheads, bylines, category footers and similar boilerplate are
    metadata fields. ``published`` is an ISO date (``YYYY-MM-DD``) or ``None`` when unknown; it is
    never invented. ``source`` names the input unit (a file path or URL) and ``member`` locates the
    article inside it (archive member, record offset, document number) when the source holds many.
    """

    text: str
    source: str
    format: str
    member: str | None = None
    external_id: str | None = None
    publication: str | None = None
    edition: str | None = None
    title: str | None = None
    byline: str | None = None
    agency: str | None = None
    dateline: str | None = None
    published: str | None = None
    # Where `published` came from: "file" (the document states it), "option" (--date),
    # "filename", "crawl" (a WARC record's WARC-Date when the page states none), or None.
    date_source: str | None = None
    language: str | None = None
    country: str | None = None
    url: str | None = None
    cluster: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", article_id(self))

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def article_id(article: Article) -> str:
    """Stable id: hash of the normalised text and the source identity (not the file path).

    The identity is what makes two copies different articles: the publication, edition, date,
    title and external id. The same story re-ingested from another folder keeps its id; the same
    wire story reprinted by another paper gets its own.
    """
    return stable_hash(
        "article/1",
        article.external_id,
        article.publication,
        article.edition,
        article.published,
        article.title,
        article.text,
    )


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input unit that did not become an article, with a reason a person can act on."""

    source: str
    reason: str
    code: str  # e.g. "T101"; see tidings.errors
    member: str | None = None
    line: int | None = None

    @property
    def id(self) -> str:
        return stable_hash("rejected/1", self.source, self.member, self.code)


@dataclass(frozen=True, slots=True)
class Versions:
    """What produced a set of findings. Same input and same versions give byte-identical output."""

    tidings: str
    model: str  # spaCy pipeline name + version, e.g. "en_core_web_sm 3.8.0"
    knowledge: str = ""  # hash of the knowledge base and dictionaries
    codebook: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


# --------------------------------------------------------------------------------------------
# Findings. Each carries its provenance: article, sentence, evidence spans, rule and confidence.
# Subclasses name their store table in ``table``; ``to_record`` gives the column values.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Finding:
    table: ClassVar[str] = ""

    article_id: str
    sentence: int
    spans: tuple[Span, ...]
    rule: str
    confidence: float

    @property
    def id(self) -> str:
        return self._id_of(spans_to_json(self.spans))

    def _id_of(self, spans_json: str) -> str:
        return stable_hash(self.table, self.article_id, spans_json, self.rule)

    def to_record(self) -> dict[str, Any]:
        """Column values for the store: spans as JSON, tuples of strings as JSON lists."""
        spans = spans_to_json(self.spans)
        record: dict[str, Any] = {"id": self._id_of(spans)}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            kind = type(value)
            if value is None or kind is str or kind is int or kind is bool:
                pass  # most columns: stored as they are
            elif name == "spans":
                value = spans
            elif kind is tuple and value and type(value[0]) is Span:
                value = spans_to_json(value)
            elif isinstance(value, Span):
                value = spans_to_json([value])
            elif isinstance(value, (tuple, list, dict)):
                value = json.dumps(value, sort_keys=True, ensure_ascii=False)  # () and [] give "[]"
            elif isinstance(value, float):
                value = round(value, 4)
            record[name] = value
        return record


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, looked up once per class (``fields()`` is slow per record)."""
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, kw_only=True)
class EntityMention(Finding):
    """A named-entity mention as spaCy's NER labelled it."""

    table: ClassVar[str] = "entities"

    label: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Findings:
    """Everything extracted from one article. Extractors return a copy with their part filled."""

    article_id: str
    entities: tuple[EntityMention, ...] = ()
    actors: tuple[Finding, ...] = ()  # tidings.extract.actors.ActorMention
    quotes: tuple[Finding, ...] = ()  # tidings.extract.quotes.Quote
    events: tuple[Finding, ...] = ()  # tidings.extract.events.EventMention
    learned_roles: tuple[Any, ...] = ()  # tidings.knowledge roles learned from this text
    # In-document coreference (tidings.extract.coref.References), computed once for the stages
    # that read it. It holds views of the Doc, so it is dropped before findings leave the process
    # and is never stored.
    references: Any = None
    notes: tuple[str, ...] = field(default=())  # diagnostics worth reporting (not errors)

    def all(self) -> tuple[Finding, ...]:
        return self.entities + self.actors + self.quotes + self.events


@dataclass(frozen=True, kw_only=True)
class StoreRows:
    """One article's findings already turned into store rows (``tidings.store.finding_rows``).

    Pool workers and Ray actors send these back instead of ``Findings``: building the rows where
    the findings are made leaves the single writer only SQL to run, and rows of plain values
    pickle in a quarter of the time the finding objects take. The store writes either form alike.
    """

    article_id: str
    rows: dict[str, list[dict[str, Any]]]  # finding table -> rows, duplicates removed
    learned_roles: tuple[Any, ...] = ()
    notes: tuple[str, ...] = ()
    # The article's near-duplicate signature and LSH band rows (tidings.corpus.clusters), when
    # the worker computed them; the clustering step after the ingest then only joins clusters.
    signature: dict[str, Any] | None = None
    bands: tuple[dict[str, str], ...] = ()

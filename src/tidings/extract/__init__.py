"""Extractors: pure functions from (Doc, Article, knowledge, earlier findings) to findings.

Every extractor has the signature of ``Extractor``: it reads the parse, the article and what the
extractors before it found, and returns a new ``Findings`` with its own part filled. No I/O, no
globals, no SQL. ``PIPELINE`` lists them in the order they run; ``extract`` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tidings.types import Article, EntityMention, Findings, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

# kb is a tidings.knowledge.Knowledge (actors, cues, event patterns), loaded once per process.
Extractor = Callable[["Doc", Article, Any, Findings], Findings]


def sentence_index(doc: Doc) -> list[int]:
    """For each token, the index of its sentence in the document."""
    from spacy.attrs import SENT_START

    if len(doc) < 2 or "sents" in doc.user_hooks or not doc.has_annotation("SENT_START"):
        # ``doc.sents`` decides (and raises for a document without sentence boundaries).
        out = [0] * len(doc)
        for i, sent in enumerate(doc.sents):
            out[sent.start : sent.end] = [i] * (sent.end - sent.start)
        return out
    # What ``doc.sents`` does, from the SENT_START column in one call instead of a Token per word:
    # a sentence starts at each token marked 1 after the first.
    starts = doc.to_array(SENT_START) == 1
    starts[0] = False
    return starts.cumsum().tolist()  # type: ignore[no-any-return]


def extract_entities(doc: Doc, article: Article, kb: Any, findings: Findings) -> Findings:
    """Named-entity mentions exactly as the spaCy NER labelled them."""
    ents = doc.ents
    if not ents:
        return replace(findings, entities=())
    sent_of = sentence_index(doc)
    mentions = tuple(
        EntityMention(
            article_id=article.id,
            sentence=sent_of[ent.start],
            spans=(Span(ent.start_char, ent.end_char),),
            rule="ner/spacy",
            confidence=1.0,
            label=ent.label_,
            text=ent.text,
        )
        for ent in ents
    )
    return replace(findings, entities=mentions)


def extract_references(doc: Doc, article: Article, kb: Any, findings: Findings) -> Findings:
    """In-document coreference, once per document, for the actors and quotes stages."""
    from tidings.extract.coref import resolve_references

    return replace(findings, references=resolve_references(doc))


def pipeline() -> list[tuple[str, Extractor]]:
    """The extractors in the order they run. Later stages read earlier stages' findings."""
    from tidings.extract.actors import extract_actors
    from tidings.extract.events import extract_events
    from tidings.extract.quotes import extract_quotes

    stages: list[tuple[str, Extractor]] = [
        ("entities", extract_entities),
        ("references", extract_references),
        ("actors", extract_actors),
        ("quotes", extract_quotes),
        ("events", extract_events),
    ]
    return stages


def extract(
    doc: Doc, article: Article, kb: Any = None, stages: Sequence[tuple[str, Extractor]] | None = None
) -> Findings:
    findings = Findings(article_id=article.id)
    for _name, stage in stages if stages is not None else pipeline():
        findings = stage(doc, article, kb, findings)
    return replace(findings, references=None)

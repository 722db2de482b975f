"""Coreference names: a name the NER cut at a joining particle of another language is kept whole."""

from __future__ import annotations

from tidings.extract.coref import resolve_references
from tidings.extract.quotes import extract_quotes, load_cues
from tidings.knowledge import Knowledge
from tidings.types import Article, Findings


def test_coref_name_not_split_at_foreign_particle(nlp):
    # the model labels only "Sans Frontières"; the capitalised word before it is part of the name
    doc = nlp("Reporters Sans Frontières said the two journalists were detained at the border.")
    names = [r.name for r in resolve_references(doc).referents]
    assert "Reporters Sans Frontières" in names
    assert "Sans Frontières" not in names


def test_quotes_speaker_keeps_whole_foreign_name(nlp):
    text = "Reporters Sans Frontières said the two journalists were detained at the border."
    doc = nlp(text)
    article = Article(text=text, source="test", format="text")
    quotes = extract_quotes(doc, article, Knowledge(cues=load_cues()), Findings(article_id=article.id)).quotes
    assert len(quotes) == 1
    q = quotes[0]
    name = "Reporters Sans Frontières"
    assert (q.speaker, q.speaker_text, q.cue) == (name, name, "said")
    assert q.content == "the two journalists were detained at the border"


def test_coref_particle_name_keeps_title_apart(nlp):
    doc = nlp("The painter Vincent van Gogh wrote that he was tired.")
    refs = resolve_references(doc)
    person = [r for r in refs.referents if r.kind == "person"]
    assert [r.name for r in person] == ["Vincent van Gogh"]
    assert [t for t, _ in person[0].titles] == ["painter"]

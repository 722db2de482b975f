"""In-document reference resolution: short names, role nouns, pronouns and mislabelled surnames."""

from __future__ import annotations

import pytest

from tidings.extract.coref import References, Referent, resolve_references


@pytest.fixture(scope="module")
def resolve(nlp):
    def _resolve(text: str) -> tuple[References, object]:
        doc = nlp(text)
        return resolve_references(doc), doc

    return _resolve


def referent_of(refs: References, doc, word: str, occurrence: int = 0) -> Referent | None:
    tokens = [t for t in doc if t.text == word]
    token = tokens[occurrence]
    return refs.referent_at(doc[token.i : token.i + 1])


def test_coref_short_name_resolves_to_full_name(resolve):
    refs, doc = resolve("Kemal Aydın met the envoy on Monday. Aydın said the talks had gone well.")
    person = referent_of(refs, doc, "Aydın", 1)
    assert person is not None and person.name == "Kemal Aydın" and person.kind == "person"


def test_coref_pronoun_two_sentences_back(resolve):
    refs, doc = resolve(
        "Mr Tom Reyes arrived in Manila on Monday. The talks were delayed by a storm. "
        "He said the delay would not change the agenda."
    )
    person = referent_of(refs, doc, "He")
    assert person is not None and person.name == "Tom Reyes"
    assert person.gender == "male"


def test_coref_pronoun_gender_skips_incompatible_person(resolve):
    refs, doc = resolve("Ms Ana Ruiz met Mr Tom Reyes in Lima. She said the meeting was useful.")
    person = referent_of(refs, doc, "She")
    assert person is not None and person.name == "Ana Ruiz"


def test_coref_titles_from_premodifier_and_appositive(resolve):
    refs, doc = resolve(
        "Defence Minister Kemal Aydın met Ana Ruiz, the foreign minister of Chile, in Ankara. "
        "National security adviser Tom Reyes also attended."
    )
    titles = {r.name: [t for t, _ in r.titles] for r in refs.referents if r.kind == "person"}
    assert titles["Kemal Aydın"] == ["Defence Minister"]
    assert titles["Ana Ruiz"] == ["the foreign minister of Chile"]
    assert titles["Tom Reyes"] == ["National security adviser"]


def test_coref_role_noun_resolves_to_title_holder(resolve):
    refs, doc = resolve(
        "Defence Minister Kemal Aydın met Ana Ruiz, the foreign minister of Chile, in Ankara. "
        "Later, the foreign minister said the talks were over. The minister added that Chile would wait."
    )
    foreign = referent_of(refs, doc, "minister", 1)  # "the foreign minister" in the second sentence
    assert foreign is not None and foreign.name == "Ana Ruiz"
    plain = referent_of(refs, doc, "minister", 2)  # "The minister": most recently mentioned holder
    assert plain is not None and plain.name == "Ana Ruiz"


def test_coref_role_noun_needs_a_holder(resolve):
    refs, doc = resolve("The minister said the talks were over.")
    assert referent_of(refs, doc, "minister") is None


def test_coref_surname_tagged_as_other_entity(resolve, nlp):
    text = "Amara Okafor led the delegation. Later Okafor said the talks had stalled."
    refs, doc = resolve(text)
    # Whatever label the NER gives the bare surname, it is the person named earlier.
    later = referent_of(refs, doc, "Okafor", 1)
    first = referent_of(refs, doc, "Okafor", 0)
    assert later is not None and first is not None and later.id == first.id


def test_coref_mislabelled_surname_is_taken_back(nlp):
    from spacy.tokens import Span as DocSpan

    doc = nlp("Amara Okafor led the delegation. Later Okafor said the talks had stalled.")
    okafor = [t.i for t in doc if t.text == "Okafor"][1]
    # Force the mislabel the issue describes (the small model does this with some surnames).
    ents = [e for e in doc.ents if not (e.start <= okafor < e.end)]
    doc.ents = [*ents, DocSpan(doc, okafor, okafor + 1, label="NORP")]
    refs = resolve_references(doc)
    person = refs.referent_at(doc[okafor : okafor + 1])
    assert person is not None and person.kind == "person" and person.name == "Amara Okafor"


def test_coref_they_resolves_to_organisation(resolve):
    refs, doc = resolve("The World Health Organization met on Monday. They said the outbreak was contained.")
    group = referent_of(refs, doc, "They")
    assert group is not None and group.kind == "org"


def test_coref_relative_who_resolves_to_head(resolve):
    refs, doc = resolve("Kemal Aydın, who said the talks were over, left Ankara on Tuesday.")
    person = referent_of(refs, doc, "who")
    assert person is not None and person.name == "Kemal Aydın"


def test_coref_referent_ids_are_stable_and_unique(resolve):
    refs, doc = resolve("Kemal Aydın met Ana Ruiz in Ankara. Aydın said Turkey would wait.")
    ids = [r.id for r in refs.referents]
    assert ids == sorted(set(ids))
    again = resolve_references(doc)
    assert [(r.id, r.name) for r in again.referents] == [(r.id, r.name) for r in refs.referents]

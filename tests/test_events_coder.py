"""Event coder: patterns, actors from the parse, negation, modality, reported speech, provenance.

Actors are marked by hand (tidings.evaluate.events.mark_actors) so these tests pin the coder alone;
the spaCy model is the real one, loaded once per session (conftest ``nlp``).
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

import pytest

from tidings.errors import TidingsError
from tidings.evaluate.events import code_text, mark_actors, triples_of
from tidings.extract.events import (
    CoderOptions,
    EventMention,
    extract_events,
    load_pattern_file,
    load_patterns,
)
from tidings.knowledge import Knowledge
from tidings.store import events as events_table
from tidings.types import Article, Findings, Span

GOLD = Path(__file__).parent / "fixtures" / "events_gold.jsonl"
PUBLISHED = "2024-03-05"
GOLD_ROWS = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return Knowledge(event_patterns=load_patterns())


@pytest.fixture(scope="module")
def gold_docs(nlp) -> dict:
    """The gold sentences parsed in one batch (batches parse several times faster than one by one)."""
    texts = [row["text"] for row in GOLD_ROWS]
    return dict(zip(texts, nlp.pipe(texts), strict=True))


def code(
    nlp, kb, text: str, marks, published: str | None = PUBLISHED, quotes=(), doc=None
) -> list[EventMention]:
    article = Article(text=text, source="test", format="text", published=published)
    doc = doc if doc is not None else nlp(text)
    findings = code_text(doc, article, kb, actors=mark_actors(text, article.id, marks), quotes=quotes)
    return list(findings.events)


def triples(events) -> set[tuple[str, str, str]]:
    return set(triples_of(events))


# ---- every root category, through the gold sentences ----------------------------------------------


def test_gold_file_covers_every_root_category() -> None:
    roots = {e["code"][:2] for row in GOLD_ROWS for e in row["events"]}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
    assert len(GOLD_ROWS) >= 40


@pytest.mark.parametrize("row", GOLD_ROWS, ids=[r["id"] for r in GOLD_ROWS])
def test_events_coder_gold_sentence(nlp, kb, gold_docs, row) -> None:
    events = code(nlp, kb, row["text"], row["actors"], row.get("published"), doc=gold_docs[row["text"]])
    expected = {(e["source"] or "---", e["target"] or "---", e["code"]) for e in row["events"]}
    assert triples(events) == expected


# ---- pattern types ------------------------------------------------------------------------------


def test_verb_with_particle(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "The Kenyan interior minister stepped down on Friday.",
        [["The Kenyan interior minister", "KENGOV"]],
    )
    assert triples(events) == {("KENGOV", "---", "0831")}


def test_verb_with_required_preposition_and_object(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "Egypt called for talks between Israel and Hamas.",
        [["Egypt", "EGY"], ["Israel", "ISR"], ["Hamas", "PSEHMS"]],
    )
    assert triples(events) == {("EGY", "ISR", "026"), ("EGY", "PSEHMS", "026")}


def test_verb_object_and_target_preposition(nlp, kb) -> None:
    events = code(nlp, kb, "Canada imposed sanctions on Russia.", [["Canada", "CAN"], ["Russia", "RUS"]])
    assert triples(events) == {("CAN", "RUS", "163")}


def test_word_sequence_after_the_verb(nlp, kb) -> None:
    events = code(nlp, kb, "Kyiv accused Moscow of war crimes.", [["Kyiv", "UKRGOV"], ["Moscow", "RUSGOV"]])
    assert [e.cameo for e in events] == ["1124"]


def test_noun_with_possessor_and_target_preposition(nlp, kb) -> None:
    events = code(
        nlp, kb, "Ankara's incursion into Syria drew criticism.", [["Ankara", "TURGOV"], ["Syria", "SYR"]]
    )
    assert triples(events) == {("TURGOV", "SYR", "190")}
    assert events[0].rule == "noun/incursion"


def test_noun_carried_by_light_verb(nlp, kb) -> None:
    events = code(nlp, kb, "Chile held talks with Peru in Lima.", [["Chile", "CHL"], ["Peru", "PER"]])
    assert triples(events) == {("CHL", "PER", "046"), ("PER", "CHL", "046")}


def test_multiword_noun_lemma(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "A Turkish air strike on Kurdish positions killed four.",
        [["Turkish", "TUR"], ["Kurdish positions", "KUR"]],
    )
    assert ("TUR", "KUR", "195") in triples(events)


def test_noun_under_a_coded_verb_is_not_coded_twice(nlp, kb) -> None:
    events = code(
        nlp, kb, "Brazil condemned the attack on Paraguay.", [["Brazil", "BRA"], ["Paraguay", "PRY"]]
    )
    assert triples(events) == {("BRA", "PRY", "111")}


# ---- actors from the parse ------------------------------------------------------------------------


def test_compound_subject_gives_one_event_per_pair(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "Poland and Lithuania condemned Belarus and Russia.",
        [["Poland", "POL"], ["Lithuania", "LTU"], ["Belarus", "BLR"], ["Russia", "RUS"]],
    )
    assert triples(events) == {(s, t, "111") for s in ("POL", "LTU") for t in ("BLR", "RUS")}


def test_compound_subject_of_symmetric_event_pairs_among_itself(nlp, kb) -> None:
    events = code(nlp, kb, "Chile and Peru signed a fisheries treaty.", [["Chile", "CHL"], ["Peru", "PER"]])
    assert triples(events) == {("CHL", "PER", "057"), ("PER", "CHL", "057")}


def test_apposition_is_not_a_second_subject(nlp, kb) -> None:
    events = code(
        nlp, kb, "Mexico, the largest buyer, condemned Belarus.", [["Mexico", "MEX"], ["Belarus", "BLR"]]
    )
    assert triples(events) == {("MEX", "BLR", "111")}


def test_one_phrase_read_as_several_actors_acts_as_each(nlp, kb) -> None:
    text = "The Benelux governments condemned Belarus."
    marks = [["The Benelux governments", "BELGOV"], ["The Benelux governments", "NLDGOV"], ["Belarus", "BLR"]]
    events = code(nlp, kb, text, marks)
    assert triples(events) == {("BELGOV", "BLR", "111"), ("NLDGOV", "BLR", "111")}
    assert len({e.id for e in events}) == 2  # distinct findings, not collapsed by the store


def test_passive_with_agent(nlp, kb) -> None:
    events = code(
        nlp, kb, "Ukraine was attacked by Russia overnight.", [["Ukraine", "UKR"], ["Russia", "RUS"]]
    )
    assert triples(events) == {("RUS", "UKR", "190")}


def test_passive_without_agent_makes_the_subject_the_target(nlp, kb) -> None:
    events = code(nlp, kb, "Ukraine was attacked overnight.", [["Ukraine", "UKR"]])
    assert triples(events) == {("---", "UKR", "190")}


def test_passive_subject_as_source_option_for_petrarch(nlp) -> None:
    kb = Knowledge(event_patterns=load_patterns(options=CoderOptions(passive_subject_is_source=True)))
    events = code(nlp, kb, "Ukraine was attacked overnight.", [["Ukraine", "UKR"]])
    assert triples(events) == {("UKR", "---", "190")}


def test_require_dyad_drops_one_sided_events(nlp) -> None:
    kb = Knowledge(event_patterns=load_patterns(options={"require_dyad": True}))
    assert code(nlp, kb, "Ukraine was attacked overnight.", [["Ukraine", "UKR"]]) == []


def test_inherited_subject_through_conjoined_verbs(nlp, kb) -> None:
    text = "Mexico condemned the raid and recalled its ambassador from Ecuador."
    events = code(nlp, kb, text, [["Mexico", "MEX"], ["Ecuador", "ECU"]])
    assert ("MEX", "ECU", "161") in triples(events)


# ---- negation, modality, historical ---------------------------------------------------------------


def test_negated_cooperation_is_a_rejection(nlp, kb) -> None:
    text = (
        '"We will not be sharing intelligence with them for now," the Dutch defence minister said of Hungary.'
    )
    events = code(
        nlp, kb, text, [["the Dutch defence minister", "NLDGOV"], ["We", "NLDGOV"], ["them", "HUN"]]
    )
    assert triples(events) == {("NLDGOV", "HUN", "121")}
    assert events[0].rule.endswith("/negated") and events[0].negated is False


def test_negated_attack_is_flagged_not_converted(nlp, kb) -> None:
    events = code(nlp, kb, "Russia did not attack Ukraine.", [["Russia", "RUS"], ["Ukraine", "UKR"]])
    assert [(e.cameo, e.negated) for e in events] == [("190", True)]


def test_refusing_to_sign_is_rejecting_the_agreement(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "Armenia refused to sign the agreement with Azerbaijan.",
        [["Armenia", "ARM"], ["Azerbaijan", "AZE"]],
    )
    assert triples(events) == {("ARM", "AZE", "127")}


@pytest.mark.parametrize(
    ("text", "modal"),
    [
        ("Russia may attack Ukraine.", "may"),
        ("Russia plans to attack Ukraine.", "plan"),
        ("If Russia attacks Ukraine, the alliance will respond.", "if"),
    ],
)
def test_modality_is_marked(nlp, kb, text, modal) -> None:
    events = code(nlp, kb, text, [["Russia", "RUS"], ["Ukraine", "UKR"]])
    assert [(e.cameo, e.modal) for e in events] == [("190", modal)]
    assert events[0].confidence < 0.9


def test_threatened_to_is_a_threat_not_an_attack(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "North Korea threatened to attack South Korea.",
        [["North Korea", "PRK"], ["South Korea", "KOR"]],
    )
    assert triples(events) == {("PRK", "KOR", "138")}


def test_historical_mention_dated_to_its_own_year(nlp, kb) -> None:
    events = code(nlp, kb, "The 2003 invasion of Iraq still shapes the debate.", [["Iraq", "IRQ"]])
    assert len(events) == 1
    assert events[0].historical is True
    assert events[0].date == "2003"


def test_current_event_is_not_historical(nlp, kb) -> None:
    events = code(nlp, kb, "Russia attacked Ukraine on Monday.", [["Russia", "RUS"], ["Ukraine", "UKR"]])
    assert events[0].historical is False
    assert events[0].date == "2024-03-04"


# ---- reported speech -------------------------------------------------------------------------------


def test_reported_appeal_speaker_is_source(nlp, kb) -> None:
    text = "The Indian prime minister said both navies should resume joint exercises with Japan."
    events = code(nlp, kb, text, [["The Indian prime minister", "INDGOV"], ["Japan", "JPN"]])
    assert triples(events) == {("INDGOV", "JPN", "0212")}
    assert events[0].rule.endswith("/appeal")


def test_reported_intent(nlp, kb) -> None:
    text = "Brazil said it would resume talks with Argentina next month."
    events = code(nlp, kb, text, [["Brazil", "BRA"], ["it", "BRA"], ["Argentina", "ARG"]])
    assert triples(events) == {("BRA", "ARG", "036")}


def test_reported_event_links_its_quote(nlp, kb) -> None:
    from tidings.extract.quotes import Quote

    text = "The minister said Chad would expel the French ambassador."
    start = text.index("Chad")
    quote = Quote(
        article_id="a",
        sentence=0,
        spans=(Span(0, len(text)),),
        rule="test",
        confidence=1.0,
        kind="indirect",
        speaker="The minister",
        speaker_text="The minister",
        speaker_spans=(Span(0, 12),),
        speaker_actor_id=None,
        speaker_org=None,
        cue="said",
        cue_spans=(),
        content=text[start:-1],
        content_spans=(Span(start, len(text) - 1),),
        medium=None,
        addressee=None,
        shape="SVC",
    )
    events = code(nlp, kb, text, [["Chad", "TCD"], ["the French ambassador", "FRAGOV"]], quotes=(quote,))
    assert [e.quote_id for e in events] == [quote.id]


# ---- the finding and its provenance ---------------------------------------------------------------


def test_event_record_matches_the_events_table(nlp, kb) -> None:
    events = code(nlp, kb, "Russia attacked Ukraine.", [["Russia", "RUS"], ["Ukraine", "UKR"]])
    assert set(events[0].to_record()) == set(events_table.c.keys())


def test_codebook_fields_and_evidence_spans(nlp, kb) -> None:
    text = "Russia attacked Ukraine."
    (event,) = code(nlp, kb, text, [["Russia", "RUS"], ["Ukraine", "UKR"]])
    assert (event.cameo, event.cameo_root, event.cameo_base, event.quad_class) == ("190", "19", "190", 4)
    assert event.goldstein is not None and event.goldstein < 0
    assert [s.text(text) for s in event.spans] == ["attacked", "Russia", "Ukraine"]
    assert event.sentence == 0 and event.confidence > 0


def test_event_key_follows_the_corpus_rule(nlp, kb) -> None:
    from tidings.corpus.events import key_of_row

    text = "Russia attacked Ukraine on Monday. Russian forces attacked Ukraine again on Monday."
    marks = [["Russia", "RUS"], ["Russian forces", "RUS"], ["Ukraine", "UKR"]]
    events = code(nlp, kb, text, marks)
    assert len(events) == 2 and events[0].id != events[1].id
    assert events[0].event_key == events[1].event_key  # same day, dyad and code: one event
    row = {**events[0].to_record(), "published": PUBLISHED}
    assert events[0].event_key == key_of_row(row)


def test_extract_events_without_patterns_codes_nothing(nlp) -> None:
    text = "Russia attacked Ukraine."
    article = Article(text=text, source="t", format="text")
    findings = Findings(article_id=article.id, actors=mark_actors(text, article.id, [["Russia", "RUS"]]))
    assert extract_events(nlp(text), article, None, findings).events == ()
    assert extract_events(nlp(text), article, Knowledge(), findings).events == ()


def test_extract_events_is_pure(nlp, kb) -> None:
    text = "Russia attacked Ukraine."
    article = Article(text=text, source="t", format="text")
    findings = Findings(
        article_id=article.id, actors=mark_actors(text, article.id, [["Russia", "RUS"], ["Ukraine", "UKR"]])
    )
    doc = nlp(text)
    first = extract_events(doc, article, kb, findings)
    second = extract_events(doc, article, kb, findings)
    assert first.events == second.events and findings.events == ()
    assert [f.name for f in fields(EventMention)][:5] == [
        "article_id",
        "sentence",
        "spans",
        "rule",
        "confidence",
    ]


# ---- loading patterns ---------------------------------------------------------------------------


def test_user_pattern_file_takes_precedence(nlp, tmp_path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text('verbs:\n  - {lemma: attack, code: "193", id: mine/attack}\n', encoding="utf-8")
    kb = Knowledge(event_patterns=load_patterns(files=[user]))
    events = code(nlp, kb, "Russia attacked Ukraine.", [["Russia", "RUS"], ["Ukraine", "UKR"]])
    assert [(e.cameo, e.rule) for e in events] == [("193", "verb/mine/attack")]


def test_pattern_without_lemma_is_an_error(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('verbs:\n  - {code: "190"}\n', encoding="utf-8")
    with pytest.raises(TidingsError) as err:
        load_pattern_file(bad)
    assert err.value.code == "E602"


def test_not_a_pattern_file_is_an_error(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(TidingsError) as err:
        load_pattern_file(bad)
    assert err.value.code == "E603"


def test_shipped_patterns_keep_leading_zeros() -> None:
    patterns = load_patterns()
    codes = {p.code for group in patterns.verbs.values() for p in group}
    assert "057" in codes and "0831" in codes
    assert patterns.appeal_map["062"] == "0212" and patterns.negation_map["064"[:2]] == "121"
    assert replace(patterns.options, require_dyad=True).require_dyad

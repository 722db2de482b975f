"""Event coder on news-style sentences: regressions for errors found reading the examples/ corpus.

Each test is named after the bug it pins. Actors are marked by hand (mark_actors) so the coder is
tested alone; the spaCy model is loaded once per session (conftest ``nlp``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tidings.evaluate.events import MarkedActor, code_text, mark_actors, triples_of
from tidings.extract.events import EventMention, load_patterns
from tidings.knowledge import Knowledge
from tidings.types import Article, Span

PUBLISHED = "2024-06-03"
NEWS_GOLD = Path(__file__).parent / "fixtures" / "events_gold_news.jsonl"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return Knowledge(event_patterns=load_patterns())


def code(nlp, kb, text: str, marks=(), actors=None) -> list[EventMention]:
    article = Article(text=text, source="test", format="text", published=PUBLISHED)
    found = actors if actors is not None else mark_actors(text, article.id, marks)
    return list(code_text(nlp(text), article, kb, actors=found).events)


def triples(events) -> set[tuple[str, str, str]]:
    return set(triples_of(events))


def test_news_gold_file_is_wellformed_and_covers_every_root() -> None:
    rows = [json.loads(line) for line in NEWS_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 40
    roots = {ev["code"][:2] for row in rows for ev in row["events"]}
    assert roots >= {f"{n:02d}" for n in range(1, 21)}


def test_strike_a_tone_is_not_an_attack(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "The minister struck a conciliatory tone in her speech to parliament.",
        [["The minister", "GOV"], ["parliament", "LEG"]],
    )
    assert not [e for e in events if e.cameo_root == "19" or e.cameo.startswith("19")]


def test_strike_a_deal_is_an_agreement(nlp, kb) -> None:
    events = code(
        nlp, kb, "Chile struck a deal with Peru on fishing rights.", [["Chile", "CHL"], ["Peru", "PER"]]
    )
    assert ("CHL", "PER", "057") in triples(events)


def test_meeting_after_which_someone_spoke_is_not_their_meeting(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "He told reporters in Ankara after a cabinet meeting that talks would go on.",
        [["He", "TURGOV"], ["reporters", "MED"]],
    )
    assert not [e for e in events if e.cameo.startswith("04")]


def test_noun_inside_an_actor_name_is_not_an_event(nlp, kb) -> None:
    text = "The Ministry for Economic Cooperation said the aid group had left the region."
    events = code(
        nlp, kb, text, [["The Ministry for Economic Cooperation", "DEUGOV"], ["the aid group", "NGO"]]
    )
    assert not [e for e in events if e.cameo.startswith(("06", "07"))]


def test_noun_modifying_another_noun_is_not_an_event(nlp, kb) -> None:
    events = code(nlp, kb, "Kenya said aid workers had reached the camp.", [["Kenya", "KEN"]])
    assert not [e for e in events if e.cameo.startswith("07")]


def test_without_warning_is_no_warning(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "The police charged at the crowd without warning.",
        [["The police", "COP"], ["the crowd", "CVL"]],
    )
    assert not [e for e in events if e.cameo.startswith("13")]


def test_event_with_no_coded_actor_is_dropped(nlp, kb) -> None:
    text = "Karaca stepped down for health reasons."
    article = Article(text=text, source="test", format="text", published=PUBLISHED)
    uncoded = MarkedActor(
        article_id=article.id,
        sentence=0,
        spans=(Span(0, 6),),
        rule="gold/marked",
        confidence=1.0,
        text="Karaca",
        code=None,
        name="Selim Karaca",
        actor_id="person/karaca",
    )
    assert code(nlp, kb, text, actors=(uncoded,)) == []


def test_subjectless_generic_action_is_not_an_event(nlp, kb) -> None:
    text = "The law carries a sentence of up to 15 years for each count of insulting or threatening the king."
    events = code(nlp, kb, text, [["the king", "THAGOV"]])
    assert not [e for e in events if e.cameo.startswith("13")]


def test_purpose_infinitive_inherits_the_subject(nlp, kb) -> None:
    text = "Students marched through Bangkok to demand the release of the activists."
    events = code(nlp, kb, text, [["Students", "THAEDU"]])
    assert any(e.source_code == "THAEDU" and e.cameo.startswith("10") for e in events)


def test_negation_covers_conjoined_verb(nlp, kb) -> None:
    events = code(nlp, kb, "Moscow did not confirm or deny the report.", [["Moscow", "RUSGOV"]])
    denials = [e for e in events if e.cameo == "016"]
    assert denials and all(e.negated for e in denials)


def _mention(text: str, start: int, end: int, code: str, name: str, article_id: str) -> MarkedActor:
    return MarkedActor(
        article_id=article_id,
        sentence=0,
        spans=(Span(start, end),),
        rule="gold/marked",
        confidence=1.0,
        text=text[start:end],
        code=code,
        name=name,
        actor_id=name,
        country=code[:3],
    )


def test_multi_code_actor_gives_one_event_per_actor_with_its_own_name(nlp, kb) -> None:
    text = "Russian and Chinese diplomats met Iranian officials in Tehran."
    article = Article(text=text, source="test", format="text", published=PUBLISHED)
    phrase_end = text.index(" met")
    iran = text.index("Iranian officials")
    actors = (
        _mention(text, 0, phrase_end, "RUSGOV", "Russia", article.id),
        _mention(text, 0, phrase_end, "CHNGOV", "China", article.id),
        _mention(text, iran, iran + len("Iranian officials"), "IRNGOV", "Iran", article.id),
    )
    events = code(nlp, kb, text, actors=actors)
    assert {("RUSGOV", "IRNGOV", "040"), ("CHNGOV", "IRNGOV", "040")} <= triples(events)
    by_code = {e.source_code: e for e in events if e.target_code == "IRNGOV"}
    assert by_code["CHNGOV"].source == "China" and by_code["CHNGOV"].source_country == "CHN"
    assert by_code["RUSGOV"].source == "Russia"
    assert len({e.id for e in events}) == len(events)


def test_action_inside_an_accusation_is_not_the_accusers(nlp, kb) -> None:
    events = code(
        nlp, kb, "Kosovo accused Serbia of organising the attack.", [["Kosovo", "KSV"], ["Serbia", "SRB"]]
    )
    assert ("KSV", "SRB", "112") in triples(events)
    assert not [e for e in events if e.cameo.startswith("19")]


def test_police_charging_at_a_crowd_is_not_an_indictment(nlp, kb) -> None:
    events = code(
        nlp, kb, "Riot police charged at the crowd.", [["Riot police", "COP"], ["the crowd", "CVL"]]
    )
    assert ("COP", "CVL", "175") in triples(events)
    assert not [e for e in events if e.cameo == "173"]


def test_mutual_relations_in_agentless_passive(nlp, kb) -> None:
    text = "Relations between Turkey and Israel were downgraded in 2010."
    events = code(nlp, kb, text, [["Turkey", "TUR"], ["Israel", "ISR"]])
    assert {("TUR", "ISR", "161"), ("ISR", "TUR", "161")} <= triples(events)
    assert all(e.historical and (e.date or "").startswith("2010") for e in events if e.cameo == "161")


def test_place_in_an_object_phrase_is_not_the_target(nlp, kb) -> None:
    text = "Rebels captured dozens of towns near the border with China."
    events = code(nlp, kb, text, [["Rebels", "REB"], ["China", "CHN"]])
    assert events and not [e for e in events if e.target_code == "CHN"]


def test_appeal_with_a_coded_complement_is_that_appeal(nlp, kb) -> None:
    events = code(
        nlp,
        kb,
        "Portugal urged Brazil to release the detained fishermen.",
        [["Portugal", "PRT"], ["Brazil", "BRA"]],
    )
    assert ("PRT", "BRA", "0253") in triples(events)


def test_saying_it_will_attack_is_a_threat(nlp, kb) -> None:
    text = "The militia warned that it would attack any foreign troops entering the province."
    events = code(nlp, kb, text, [["The militia", "REB"], ["it", "REB"], ["any foreign troops", "MIL"]])
    assert ("REB", "MIL", "138") in triples(events)
    assert not [e for e in events if e.cameo.startswith("19")]


def test_own_forces_are_not_a_posture_target(nlp, kb) -> None:
    text = "Pakistan put its troops on high alert along the border."
    events = code(nlp, kb, text, [["Pakistan", "PAK"], ["its troops", "PAKMIL"]])
    assert ("PAK", "---", "152") in triples(events)


def test_compound_subject_of_joint_exercises_is_mutual(nlp, kb) -> None:
    events = code(
        nlp, kb, "India and France will hold joint naval exercises.", [["India", "IND"], ["France", "FRA"]]
    )
    assert {("IND", "FRA", "062"), ("FRA", "IND", "062")} <= triples(events)


def test_apposed_name_of_a_counterpart_is_not_a_third_party(nlp, kb) -> None:
    text = "Japan's defence minister and his South Korean counterpart, Park Jae-won, held talks in Tokyo."
    marks = [
        ["Japan's defence minister", "JPNGOV"],
        ["his South Korean counterpart", "KORGOV"],
        ["Park Jae-won", "KORGOV"],
    ]
    events = code(nlp, kb, text, marks)
    assert ("JPNGOV", "KORGOV", "046") in triples(events)
    spans = {(e.spans[1].start, e.spans[2].start) for e in events if len(e.spans) == 3}
    park = text.index("Park")
    assert not [s for s in spans if park in s]


def test_loose_noun_after_a_time_preposition_keeps_two_sided_events(nlp, kb) -> None:
    text = "Chile and Peru announced the deal after talks in Lima."
    events = code(nlp, kb, text, [["Chile", "CHL"], ["Peru", "PER"]])
    assert ("CHL", "PER", "046") in triples(events)


def test_actor_nested_in_a_coordinated_phrase_acts_too(nlp, kb) -> None:
    # the actors stage may read a whole coordination as one phrase (its head's code) and a
    # conjunct inside it as another mention: actor_at keeps the long one, the nested one acts too
    text = "Chile and the new government of Peru welcomed the talks with Bolivia."
    marks = [
        {"text": "Chile and the new government of Peru", "code": "PERGOV"},
        ["Chile", "CHL"],
        ["Bolivia", "BOL"],
    ]
    events = code(nlp, kb, text, marks)
    assert {("PERGOV", "BOL"), ("CHL", "BOL")} <= {(e.source_code, e.target_code) for e in events}


def test_infinitive_with_no_actor_doing_it_is_not_an_event(nlp, kb) -> None:
    text = "The exercise will test the alliance's ability to reinforce Norway in winter."
    events = code(nlp, kb, text, [["Norway", "NOR"]])
    assert not [e for e in events if e.cameo.startswith("15")]


def test_second_complement_of_an_appeal_is_part_of_the_appeal(nlp, kb) -> None:
    text = "The African Union called on both sides to show restraint and to settle the dispute through talks."
    events = code(nlp, kb, text, [["The African Union", "IGOAFRAFU"]])
    assert any(e.cameo.startswith("02") for e in events)
    assert not [e for e in events if e.cameo.startswith("04")]

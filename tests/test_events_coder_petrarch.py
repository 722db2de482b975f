"""PETRARCH verb dictionaries imported into tidings patterns, and coded by the tidings coder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.evaluate.events import code_text, mark_actors, triples_of
from tidings.knowledge import Knowledge
from tidings.knowledge.petrarch_verbs import (
    inflections,
    load_petrarch_verbs,
    read_discards,
    read_synsets,
    read_verbs,
    strip_comment,
)
from tidings.types import Article

MINI = Path(__file__).parent / "fixtures" / "petrarch_mini"
VERBS = MINI / "mini.verbs.txt"
ACTORS = [["Valdoria", "VAL"], ["Kestra", "KES"], ["Morvan", "MRV"]]


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return Knowledge(event_patterns=load_petrarch_verbs(VERBS, MINI / "mini.discards.txt"))


def coded(nlp, kb, text: str) -> list[tuple[str, str, str]]:
    article = Article(text=text, source="t", format="text", published="2024-01-01")
    return triples_of(code_text(nlp(text), article, kb, actors=mark_actors(text, article.id, ACTORS)).events)


def test_strip_comment_keeps_codes_with_hashes() -> None:
    assert strip_comment("- * DIPLXMATIC  [###]  # note") == "- * DIPLXMATIC  [###]"


def test_inflections_are_regular_forms_only() -> None:
    assert {"depart", "departs", "departed", "departing"} <= inflections("depart")
    assert "departes" not in inflections("depart")
    assert {"stopped", "stopping"} <= inflections("stop")
    assert {"urged", "urging"} <= inflections("urge")


def test_synsets_expand_and_drop_trailing_underscore() -> None:
    lines = VERBS.read_text(encoding="utf-8").splitlines()
    synsets = read_synsets(lines)
    assert synsets["TIES"] == (("diplomatic",), ("trade", "relations"))
    assert ("did", "n't") in synsets["NEGAUX"]


def test_verb_blocks_codes_forms_and_multiword_verbs() -> None:
    patterns = {p.id: p for p in read_verbs(VERBS)}
    assert patterns["petrarch/CONDEMN/0"].code == "122"
    assert patterns["petrarch/CONDEMN/0/denounce"].code == "121"
    assert patterns["petrarch/VISIT/0"].reverse == "033"
    off = patterns["petrarch/BREAK/0/break_off"]
    assert off.code == "161" and off.after[0].choices == (("off",),) and off.after[0].glued
    assert "broke" in off.forms and "breaks" not in off.forms  # braces list the forms
    assert not any(p.code == "xxy" for p in patterns.values())  # placeholder codes are ignored
    assert patterns["petrarch/MEET/1"].compound


def test_discards(tmp_path) -> None:
    story, sentence = read_discards(MINI / "mini.discards.txt")
    assert story == (("football",),) and sentence == (("chess", "match"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Valdoria condemned Kestra.", [("VAL", "KES", "122")]),
        ("Valdoria denounced Kestra.", [("VAL", "KES", "121")]),
        ("Valdoria will restore full diplomatic ties with Kestra.", [("VAL", "KES", "065")]),
        ("Valdoria will restore full and diplomatic ties with Kestra.", [("VAL", "KES", "064")]),
        ("Valdoria didn't restore ties with Kestra.", [("VAL", "KES", "112")]),
        ("Valdoria broke off relations with Kestra.", [("VAL", "KES", "161")]),
        ("Valdoria visited Kestra.", [("VAL", "KES", "032"), ("KES", "VAL", "033")]),
        ("Valdoria condemned Kestra at the chess match.", []),
        ("Kestra was freed from Morvan.", [("MRV", "KES", "0661")]),
        ("Valdoria warned at the summit of Kestra.", [("VAL", "KES", "162")]),
        ("Valdoria recently warned Kestra.", [("VAL", "KES", "163")]),
        ("Valdoria recently and loudly warned Kestra.", [("VAL", "KES", "160")]),
    ],
)
def test_coding_with_imported_verbs(nlp, kb, text, expected) -> None:
    assert coded(nlp, kb, text) == expected


def test_imported_words_match_forms_not_lemmas(nlp, kb) -> None:
    # "TIES" in a pattern is the word "ties": "tie" does not match it
    assert coded(nlp, kb, "Valdoria will restore full diplomatic tie with Kestra.") == [("VAL", "KES", "064")]

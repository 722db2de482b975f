"""`tidings eval events`: PETRARCH record reading, scoring, gold JSONL, and the CLI.

The PETRARCH files here are a small invented world written for these tests
(tests/fixtures/petrarch_mini); the real suite lives outside the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tidings.errors import TidingsError
from tidings.evaluate.events import (
    Tally,
    normalise_code,
    read_gold,
    read_records,
    score_gold,
    score_petrarch,
)

MINI = Path(__file__).parent / "fixtures" / "petrarch_mini"
RECORDS = MINI / "mini.records.xml"
GOLD = Path(__file__).parent / "fixtures" / "events_gold.jsonl"


def _needs_actor_extractor() -> None:
    try:
        import tidings.extract.actors  # noqa: F401
    except ImportError:
        pytest.skip("tidings.extract.actors (actors area) is not available yet")


def test_read_records_applies_config_to_later_records() -> None:
    records = {r.id: r for r in read_records(RECORDS)}
    assert set(records) == {f"T-0{n}" for n in range(1, 9)}  # the <Sentence> in the comment is not one
    assert records["T-01"].option("require_dyad") is None
    assert records["T-02"].option("require_dyad") == "false"
    assert records["T-04"].option("require_dyad") == "TRUE"


def test_read_records_fields() -> None:
    records = {r.id: r for r in read_records(RECORDS)}
    assert records["T-01"].text == "Valdoria condemned Kestra on Monday."
    assert records["T-01"].expected == (("VAL", "KES", "122"),)
    assert records["T-02"].date == "2024-01-02" and records["T-02"].category == "SYNSET"  # spaces around =
    assert records["T-03"].noevents and records["T-03"].expected == ()
    assert records["T-04"].error == "storydiscard"
    assert records["T-06"].expected == (("VAL", "KES", "032"), ("KES", "VAL", "033"))


def test_read_records_without_sentences_is_an_error(tmp_path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_text("<Validation></Validation>", encoding="utf-8")
    with pytest.raises(TidingsError) as err:
        read_records(empty)
    assert err.value.code == "E606"


def test_tally_counts_multisets() -> None:
    tally = Tally()
    tally.add([("A", "B", "010"), ("A", "B", "010")], [("A", "B", "010"), ("B", "A", "010")])
    assert (tally.found, tally.expected, tally.right, tally.emitted) == (1, 2, 1, 2)
    assert tally.recall == 0.5 and tally.precision == 0.5


def test_codes_compare_without_placeholder_country() -> None:
    assert normalise_code("---GOV") == "GOV"
    assert normalise_code(None) == "---" and normalise_code("---") == "---"
    assert normalise_code('"NEW ACTOR"') == "NEW ACTOR"


def test_score_petrarch_mini_suite(nlp) -> None:
    _needs_actor_extractor()
    score = score_petrarch(RECORDS, MINI, nlp=nlp).to_dict(details=True)
    details = {d["id"]: d for d in score["details"]}
    assert score["skipped"] == ["T-05 (bad_input_parse)"]
    assert details["T-02"]["emitted"] == [["VAL", "KES", "065"]]  # synset, glue
    assert details["T-04"]["emitted"] == []  # story discard: "football"
    assert details["T-07"]["emitted"] == [["VAL", "MRV", "033"], ["MRV", "VAL", "033"]]  # % compound
    assert details["T-08"]["emitted"] == [["VAL", "KES", "112"]]  # synset before the verb
    assert (score["found"], score["expected"]) == (7, 7)
    assert score["by_category"]["VERB"]["recall"] == 1.0


def test_read_gold_and_error_line(tmp_path) -> None:
    rows = read_gold(GOLD)
    assert len(rows) >= 40 and rows[0].events[0][2] == "010"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "events": [{"source": "A"}]}\n', encoding="utf-8")
    with pytest.raises(TidingsError) as err:
        read_gold(bad)
    assert err.value.code == "E607"


def test_score_gold_small_file(nlp, tmp_path) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [
        {
            "id": "a",
            "text": "Russia attacked Ukraine.",
            "actors": [["Russia", "RUS"], ["Ukraine", "UKR"]],
            "events": [{"source": "RUS", "target": "UKR", "code": "190"}],
        },
        {
            "id": "b",
            "text": "Chile praised Peru.",
            "actors": [["Chile", "CHL"], ["Peru", "PER"]],
            "events": [{"source": "CHL", "target": "PER", "code": "057"}],
        },
    ]
    gold.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = score_gold(gold, nlp=nlp).to_dict()
    assert (result["found"], result["expected"], result["right"], result["emitted"]) == (1, 2, 1, 2)
    assert result["by_category"]["19"]["recall"] == 1.0 and result["by_category"]["05"]["recall"] == 0.0


def test_cli_eval_events_json(tmp_path) -> None:
    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "text": "Russia attacked Ukraine.",
                "actors": [["Russia", "RUS"], ["Ukraine", "UKR"]],
                "events": [{"source": "RUS", "target": "UKR", "code": "190"}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["eval", "events", "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["recall"] == 1.0 and data["precision"] == 1.0 and "19" in data["by_category"]


def test_cli_eval_events_needs_one_input() -> None:
    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["eval", "events", "--json"])
    assert result.exit_code != 0

"""The brat reader and quote scorer, on a hand-written PolNeAR-layout fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tidings.evaluate.quotes import (
    GoldAttribution,
    brat_documents,
    parse_spans,
    read_ann,
    score_quotes,
    spans_match,
)
from tidings.types import Span

BRAT = Path(__file__).resolve().parent / "fixtures" / "brat"


def test_eval_quotes_parse_discontinuous_spans():
    assert parse_spans("38 60;61 67") == (Span(38, 60), Span(61, 67))


def test_eval_quotes_read_ann_joins_roles():
    gold = read_ann(BRAT / "attributions" / "ferry_a1.ann")
    assert len(gold) == 4
    first = gold[0]
    text = (BRAT / "text" / "ferry.txt").read_text(encoding="utf-8")
    assert first.source[0].text(text) == "Mayor Lena Brandt"
    assert first.cue[0].text(text) == "told"
    no_source = read_ann(BRAT / "attributions" / "ferry_a2.ann")[1]
    assert no_source.label == "Attribution-no-source" and no_source.source == ()
    assert len(read_ann(BRAT / "attributions" / "ferry_a2.ann")[0].content) == 2


def test_eval_quotes_annotators_share_a_text():
    docs = list(brat_documents(BRAT))
    assert [(t.name, [a.name for a in anns]) for t, anns in docs] == [
        ("ferry.txt", ["ferry_a1.ann", "ferry_a2.ann"])
    ]


def test_eval_quotes_exact_ignores_marks_overlap_needs_half():
    text = '"We will start building in May," she said.'
    gold = (Span(0, 33),)
    assert spans_match(text, gold, (Span(1, 31),), "exact")
    assert not spans_match(text, gold, (Span(1, 16),), "exact")
    assert spans_match(text, gold, (Span(1, 23),), "overlap")  # 4 of 6 words
    assert not spans_match(text, gold, (Span(1, 8),), "overlap")  # 2 of 6 words


def test_eval_quotes_quote_paired_with_non_speech_is_ignored():
    from tidings.extract.quotes import Quote

    text = "Critics believe the route is too expensive."
    gold = [
        GoldAttribution("E1", "Attribution", (Span(0, 7),), (Span(8, 15),), (Span(16, 42),), speech=False)
    ]
    quote = Quote(
        article_id="a",
        sentence=0,
        spans=(),
        rule="r",
        confidence=1.0,
        kind="indirect",
        speaker="Critics",
        speaker_text="Critics",
        speaker_spans=(Span(0, 7),),
        speaker_actor_id=None,
        speaker_org=None,
        cue="believe",
        cue_spans=(Span(8, 15),),
        content="the route is too expensive",
        content_spans=(Span(16, 42),),
        medium=None,
        addressee=None,
        shape="SVC",
    )
    report = score_quotes(text, [quote], gold)
    assert report.predicted == 0 and report.ignored_predictions == 1
    assert report.counts[("content", "overlap")].gold == 0


@pytest.fixture(scope="module")
def cli_json(nlp) -> dict:
    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["eval", "quotes", "--brat", str(BRAT), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_eval_quotes_cli_json_scores(cli_json):
    assert cli_json["documents"] == 1
    assert cli_json["annotation_files"] == 2
    assert cli_json["gold_speech_attributions"] == 5  # "believe" is filtered out
    content = cli_json["scores"]["content"]["overlap"]
    assert content["gold"] == 5 and content["tp"] == 5
    source = cli_json["scores"]["source"]["exact"]
    assert (source["tp"], source["predicted"], source["gold"]) == (4, 6, 4)


def test_eval_quotes_cli_table(nlp):
    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["eval", "quotes", "--brat", str(BRAT)])
    assert result.exit_code == 0, result.output
    assert "content  overlap" in result.output


def test_eval_quotes_cli_bad_dir(tmp_path):
    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    result = CliRunner().invoke(app, ["eval", "quotes", "--brat", str(tmp_path)])
    assert result.exit_code != 0

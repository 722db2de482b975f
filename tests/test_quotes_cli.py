"""``tidings quotes``: quotes read back from a database, filtered by speaker and date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tidings.extract import extract_entities
from tidings.extract.quotes import extract_quotes, load_cues
from tidings.knowledge import Knowledge
from tidings.store import Store
from tidings.types import Article, Findings

ARTICLES = [
    ("2024-03-05", "Amara Okafor said the ceasefire was holding."),
    ("2024-03-09", '"We will not back down," Defence Minister Kemal Aydın told reporters in Ankara.'),
]


@pytest.fixture(scope="module")
def db(nlp, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("quotes") / "t.db"
    kb = Knowledge(cues=load_cues())
    items = []
    for published, text in ARTICLES:
        article = Article(text=text, source=f"{published}.txt", format="text", published=published)
        doc = nlp(text)
        findings = extract_entities(doc, article, kb, Findings(article_id=article.id))
        items.append((article, extract_quotes(doc, article, kb, findings)))
    with Store.open(path) as store:
        store.write(items)
    return path


def invoke(*args: str):
    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    return CliRunner().invoke(app, ["quotes", *args])


def test_quotes_cli_json_lists_all_newest_first(db):
    result = invoke("--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["speaker"] for r in rows] == ["Kemal Aydın", "Amara Okafor"]
    assert rows[0]["addressee"] == "reporters" and rows[0]["kind"] == "direct"
    assert json.loads(rows[1]["content_spans"]) == [[18, 43]]


def test_quotes_cli_filters_speaker_and_since(db):
    by_speaker = invoke("--db", str(db), "--json", "--speaker", "okafor")
    assert [json.loads(x)["speaker"] for x in by_speaker.output.splitlines()] == ["Amara Okafor"]
    since = invoke("--db", str(db), "--json", "--since", "2024-03-06")
    assert [json.loads(x)["speaker"] for x in since.output.splitlines()] == ["Kemal Aydın"]


def test_quotes_cli_table_and_bad_date(db):
    table = invoke("--db", str(db))
    assert table.exit_code == 0 and "Kemal" in table.output and "2 quotes" in table.output
    bad = invoke("--db", str(db), "--since", "March")
    assert bad.exit_code != 0

"""Quote extraction: direct, indirect and mixed quotes, media, audiences, marks and non-speech."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tidings.extract.quotes import Quote, extract_quotes, find_quotations, load_cues
from tidings.knowledge import Knowledge
from tidings.store import quotes as quotes_table
from tidings.types import Article, Findings, Span


@pytest.fixture(scope="module")
def run(quotes_runner):
    return quotes_runner


def contents(text: str, quote: Quote) -> list[str]:
    return [text[s.start : s.end] for s in quote.content_spans]


def only(quotes: list[Quote]) -> Quote:
    assert len(quotes) == 1, [(q.rule, q.content) for q in quotes]
    return quotes[0]


# ---- direct -------------------------------------------------------------------------------


def test_quotes_direct_speaker_after_with_title_and_audience(run):
    text = '"We will not back down," Defence Minister Kemal Aydın told reporters in Ankara.'
    q = only(run(text))
    assert q.kind == "direct"
    assert q.speaker == "Kemal Aydın"
    assert q.speaker_text == "Defence Minister Kemal Aydın"
    assert q.cue == "told"
    assert contents(text, q) == ["We will not back down,"]
    assert q.addressee == "reporters"
    assert q.shape == "QCQSV"
    start = text.index("Defence")
    assert q.speaker_spans == (Span(start, start + len("Defence Minister Kemal Aydın")),)


def test_quotes_direct_inverted_said_x(run):
    text = '"The ceasefire is holding," said Amara Okafor, the interior minister.'
    q = only(run(text))
    assert (q.kind, q.speaker, q.cue, q.shape) == ("direct", "Amara Okafor", "said", "QCQVS")
    assert q.speaker_text == "Amara Okafor, the interior minister"


def test_quotes_direct_speaker_before_colon(run):
    text = 'Amara Okafor said: "The ceasefire is holding."'
    q = only(run(text))
    assert (q.kind, q.speaker, q.shape) == ("direct", "Amara Okafor", "SVQCQ")
    assert contents(text, q) == ["The ceasefire is holding."]


def test_quotes_direct_interrupted_by_attribution(run):
    text = '"The ceasefire is holding," Amara Okafor said, "and we expect the talks to resume."'
    q = only(run(text))
    assert contents(text, q) == ["The ceasefire is holding,", "and we expect the talks to resume."]
    assert q.shape == "QCQSVQCQ"


def test_quotes_multi_sentence_continuation_joins_the_quote(run):
    text = (
        '"The ceasefire is holding," Amara Okafor said. '
        '"We expect the talks to resume. Nobody wants a return to fighting."'
    )
    q = only(run(text))
    assert q.speaker == "Amara Okafor"
    assert contents(text, q) == [
        "The ceasefire is holding,",
        "We expect the talks to resume. Nobody wants a return to fighting.",
    ]


def test_quotes_multi_paragraph_reopened_quote(run):
    text = (
        'Amara Okafor said on Tuesday:\n\n"The ceasefire is holding.\n\n'
        '"We expect the talks to resume in May."\n\nThe talks were suspended in March.'
    )
    q = only(run(text))
    assert q.speaker == "Amara Okafor"
    assert contents(text, q) == ["The ceasefire is holding.", "We expect the talks to resume in May."]
    assert "suspended" not in q.content


def test_quotes_speaker_in_next_sentence(run):
    text = '"The ceasefire is holding, but only just."\nAmara Okafor said so on Tuesday.'
    q = only(run(text))
    assert (q.speaker, q.rule) == ("Amara Okafor", "quote/direct/next-sentence")
    assert contents(text, q) == ["The ceasefire is holding, but only just."]


def test_quotes_nested_quote_stays_inside(run):
    text = "\"He told me 'never again,'\" Amara Okafor said."
    q = only(run(text))
    assert q.speaker == "Amara Okafor"
    assert contents(text, q) == ["He told me 'never again,'"]


@pytest.mark.parametrize(
    "text",
    [
        "“The ceasefire is holding,” Amara Okafor said.",
        "‘The ceasefire is holding,’ Amara Okafor said.",
        "« The ceasefire is holding », Amara Okafor said.",
        "„The ceasefire is holding“, Amara Okafor said.",
        "''The ceasefire is holding,'' Amara Okafor said.",
    ],
)
def test_quotes_every_mark_style(run, text):
    q = only(run(text))
    assert q.speaker == "Amara Okafor"
    assert contents(text, q)[0].startswith("The ceasefire is holding")


# ---- indirect and mixed ----------------------------------------------------------------------


def test_quotes_indirect_said(run):
    text = "Amara Okafor said the ceasefire was holding."
    q = only(run(text))
    assert (q.kind, q.speaker, q.cue, q.shape) == ("indirect", "Amara Okafor", "said", "SVC")
    assert contents(text, q) == ["the ceasefire was holding"]


def test_quotes_indirect_told_body_that(run):
    text = "Amara Okafor told the UN Security Council that the ceasefire was holding."
    q = only(run(text))
    assert q.addressee == "the UN Security Council"
    assert contents(text, q) == ["that the ceasefire was holding"]


def test_quotes_indirect_speaker_after_content(run):
    text = "The ceasefire is holding, Amara Okafor said."
    q = only(run(text))
    assert (q.kind, q.speaker, q.shape) == ("indirect", "Amara Okafor", "CSV")
    assert contents(text, q) == ["The ceasefire is holding"]


def test_quotes_according_to(run):
    text = "According to the interior ministry, the ceasefire is holding."
    q = only(run(text))
    assert (q.speaker, q.cue, q.shape) == ("the interior ministry", "According to", "VSC")
    assert contents(text, q) == ["the ceasefire is holding"]


def test_quotes_mixed(run):
    text = 'Amara Okafor said the alliance needed to "speak with one voice".'
    q = only(run(text))
    assert q.kind == "mixed"
    assert contents(text, q) == ['the alliance needed to "speak with one voice"']


# ---- media and unnamed speakers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "medium"),
    [
        ("Amara Okafor was quoted as saying by Xinhua that the ceasefire was holding.", "Xinhua"),
        ("Amara Okafor told Interfax that the ceasefire was holding.", "Interfax"),
        ("Amara Okafor said in a statement that the ceasefire was holding.", "a statement"),
        ("Amara Okafor said on Twitter that the ceasefire was holding.", "Twitter"),
    ],
)
def test_quotes_medium(run, text, medium):
    q = only(run(text))
    assert q.medium == medium
    assert q.speaker == "Amara Okafor"
    assert q.addressee is None
    assert contents(text, q)[0].endswith("the ceasefire was holding")


@pytest.mark.parametrize(
    ("text", "speaker", "org"),
    [
        (
            "A Downing Street spokesman said the prime minister had not been consulted.",
            "A Downing Street spokesman",
            "Downing Street",
        ),
        ("A senior US diplomat said the sanctions would stay in place.", "A senior US diplomat", "US"),
    ],
)
def test_quotes_unnamed_speaker_keeps_phrase_and_org(run, text, speaker, org):
    q = only(run(text))
    assert (q.speaker, q.speaker_org) == (speaker, org)


def test_quotes_pronoun_speaker_resolved(run):
    text = "Mr Okafor arrived in Geneva on Monday. He told reporters the ceasefire was holding."
    q = only(run(text))
    assert (q.speaker_text, q.speaker) == ("He", "Okafor")


def test_quotes_speaker_actor_id_from_actor_mentions(run):
    @dataclass(frozen=True)
    class FakeActor:  # the actors area's ActorMention carries spans and actor_id
        spans: tuple[Span, ...]
        actor_id: str

    text = "Amara Okafor said the ceasefire was holding."
    article = Article(text=text, source="test", format="text")
    actor = FakeActor(spans=(Span(0, 12),), actor_id="okafor-1")
    findings = Findings(article_id=article.id, actors=(actor,))  # type: ignore[arg-type]
    q = only(run(text, findings))
    assert q.speaker_actor_id == "okafor-1"


# ---- not speech and broken marks ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'The crowd sang "Hallelujah" as the convoy left.',
        'Boxer Mike "The Hammer" Jones arrived in Geneva on Monday.',
        'The so-called "peace plan" has been criticised by both sides.',
        "The band played the song 'Bridges' twice.",
    ],
)
def test_quotes_titles_nicknames_and_scare_quotes_are_not_quotes(run, text):
    assert run(text) == []


def test_quotes_unclosed_mark_stops_at_paragraph_end(run):
    text = 'Amara Okafor said "the ceasefire is holding\n\nThe talks resume in May, the ministry said.'
    found = run(text)
    assert [q.speaker for q in found] == ["Amara Okafor", "the ministry"]
    assert contents(text, found[0]) == ["the ceasefire is holding"]
    assert contents(text, found[1]) == ["The talks resume in May"]


@pytest.mark.parametrize(
    "text",
    ['"', '""', "« »", '"\n\n"', 'He said "', "‘’“”„«»‚", "Prices rose 5' and 6\" overnight."],
)
def test_quotes_stray_marks_never_crash(run, text):
    for q in run(text):
        for span in q.content_spans:
            assert 0 <= span.start < span.end <= len(text)


def test_find_quotations_caps_unclosed_at_paragraph():
    text = 'He said "this runs on\nNext paragraph "closed" here.'
    found = find_quotations(text)
    assert [[text[s:e] for s, e in q.segments] for q in found] == [["this runs on"], ["closed"]]
    assert [q.closed for q in found] == [False, True]


def test_find_quotations_apostrophes_are_not_quotes():
    text = "The players' union said it didn't agree."
    assert find_quotations(text) == []


# ---- records and lexicon -------------------------------------------------------------------


def test_quote_record_matches_store_columns(run):
    q = only(run("Amara Okafor said the ceasefire was holding."))
    record = q.to_record()
    assert set(record) == set(quotes_table.c.keys())
    assert record["content_spans"] == "[[18,43]]"


def test_extract_quotes_without_cues_finds_nothing(nlp):
    text = "Amara Okafor said the ceasefire was holding."
    article = Article(text=text, source="test", format="text")
    out = extract_quotes(nlp(text), article, Knowledge(), Findings(article_id=article.id))
    assert out.quotes == ()


def test_load_cues_user_file_adds_and_removes(tmp_path: Path):
    user = tmp_path / "cues.yaml"
    user.write_text("verbs:\n  grumble: {type: speech}\nremove: [say]\n", encoding="utf-8")
    lexicon = load_cues(path=user)
    assert lexicon.cue("grumble") is not None
    assert lexicon.cue("say") is None
    assert load_cues().cue("say") is not None
    assert load_cues().cue("believe") is None  # a belief verb, not extracted by default


def test_load_cues_user_cue_is_used(nlp, tmp_path: Path):
    user = tmp_path / "cues.yaml"
    user.write_text("verbs:\n  grumble: {type: speech}\n", encoding="utf-8")
    text = "Amara Okafor grumbled that the ceasefire was fragile."
    article = Article(text=text, source="test", format="text")
    kb = Knowledge(cues=load_cues(path=user))
    q = only(list(extract_quotes(nlp(text), article, kb, Findings(article_id=article.id)).quotes))
    assert q.cue == "grumbled"


def test_load_cues_missing_file_says_what_to_do(tmp_path: Path):
    from tidings.errors import TidingsError

    with pytest.raises(TidingsError) as err:
        load_cues(path=tmp_path / "nope.yaml")
    assert err.value.code == "E303"


# ---- further indirect forms ----------------------------------------------------------------


def test_quotes_as_x_pointed_out(run):
    text = "As several economists have pointed out, the tariff will raise prices for farmers."
    q = only(run(text))
    assert (q.speaker, q.cue) == ("several economists", "have pointed out")
    assert contents(text, q) == ["the tariff will raise prices for farmers"]


def test_quotes_colon_then_unquoted_paragraph(run):
    text = "The governor added:\n\nThe port will reopen on Monday and the ferries will run again."
    q = only(run(text))
    assert (q.speaker, q.kind) == ("The governor", "indirect")
    assert contents(text, q) == ["The port will reopen on Monday and the ferries will run again"]


def test_quotes_noun_phrase_content_for_object_verbs(run):
    text = "The interior ministry denied any involvement in the attack."
    q = only(run(text))
    assert contents(text, q) == ["any involvement in the attack"]
    assert run("The ministry told reporters nothing.") == []


def test_quotes_commitments_only_when_chosen(nlp):
    text = "Amara Okafor vowed to rebuild the bridge within a year."
    article = Article(text=text, source="test", format="text")
    plain = extract_quotes(nlp(text), article, Knowledge(cues=load_cues()), Findings(article_id=article.id))
    assert plain.quotes == ()
    wide = Knowledge(cues=load_cues(types=["speech", "commitment"]))
    q = only(list(extract_quotes(nlp(text), article, wide, Findings(article_id=article.id)).quotes))
    assert contents(text, q) == ["to rebuild the bridge within a year"]


def test_quotes_second_report_is_cut_from_content(run):
    text = "Amara Okafor said the bridge would reopen in May; the ferries would stop running then."
    q = run(text)[0]
    assert contents(text, q) == ["the bridge would reopen in May"]


def test_quotes_coordinated_reports_are_one_content(run):
    text = "Amara Okafor said the army has enormous respect for the courts and the ruling was a surprise."
    q = only(run(text))
    assert contents(text, q) == ["the army has enormous respect for the courts and the ruling was a surprise"]


def test_quotes_cue_interrupting_the_report(run):
    text = "The difference now, Okafor said, is that the border is open."
    q = only(run(text))
    assert q.speaker == "Okafor"
    assert contents(text, q) == ["The difference now", "is that the border is open"]

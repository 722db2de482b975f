"""Regressions seen when ingesting the sample corpus: datelines, clause speakers, quoted-as-saying
with an agency, and "according to" after a quote that already has its speaker."""

from __future__ import annotations

import pytest

from tidings.extract.quotes import Quote


@pytest.fixture(scope="module")
def run(quotes_runner):
    return quotes_runner


def contents(text: str, quote: Quote) -> list[str]:
    return [text[s.start : s.end] for s in quote.content_spans]


@pytest.mark.parametrize(
    "dateline",
    ["VALLETTA (Reuters) - ", "VALLETTA, March 6 (AFP) - ", "VALLETTA - ", "Valletta (Reuters) — "],
)
def test_quotes_dateline_is_never_content(run, dateline):
    text = (
        f"{dateline}Malta will not join the naval mission for now, Foreign Minister Clara Vella said "
        "on Thursday.\n\nThe talks will resume next month."
    )
    quotes = run(text)
    assert len(quotes) == 1
    q = quotes[0]
    assert q.speaker == "Clara Vella"
    assert contents(text, q) == ["Malta will not join the naval mission for now"]
    assert "VALLETTA" not in (q.content or "") and "Valletta" not in (q.content or "")


def test_quotes_dateline_rule_keeps_ordinary_openings(run):
    text = "The US - China talks will resume next month, Clara Vella said on Thursday."
    q = run(text)[0]
    assert contents(text, q)[0].startswith("The US - China talks")


def test_quotes_clause_subject_is_never_a_speaker(run):
    text = (
        "Prime Minister Jonas Berg said on Wednesday that restoring fishing quotas between the two "
        "countries was in both nations' interests, pointing to shared concerns about the coastline."
    )
    quotes = run(text)
    assert [q.speaker for q in quotes] == ["Jonas Berg"]
    assert all(q.cue != "pointing" for q in quotes)


def test_quotes_pointed_out_is_a_cue_pointed_to_is_not(run):
    text = "Jonas Berg pointed out that the quotas had been agreed in 2019."
    q = run(text)[0]
    assert (q.speaker, q.cue) == ("Jonas Berg", "pointed out")
    assert run("Jonas Berg pointed to the quotas agreed in 2019 as a model for the region.") == []


def test_quotes_quoted_as_saying_by_agency_names_speaker_and_medium(run):
    text = (
        "Turkey's deputy foreign minister, Selin Arslan, was quoted as saying by the state-run "
        'Anadolu news agency that Ankara "keeps channels open with everyone" but that naval '
        "cooperation was a matter for the cabinet."
    )
    q = run(text)[0]
    assert q.speaker == "Selin Arslan"
    assert q.speaker_text == "Turkey's deputy foreign minister, Selin Arslan"
    assert q.medium == "Anadolu"
    assert q.kind == "mixed"
    assert q.cue == "was quoted as saying"
    assert contents(text, q)[0].endswith("naval cooperation was a matter for the cabinet")


@pytest.mark.parametrize(
    ("text", "medium"),
    [
        (
            "The deputy minister, Paul Agius, was quoted as saying by the state-run Anadolu news agency "
            "that talks would resume.",
            "Anadolu",
        ),
        ("Paul Agius was quoted as saying by Xinhua that talks would resume.", "Xinhua"),
        ("Paul Agius told Interfax that talks would resume.", "Interfax"),
        ("Paul Agius said in a statement that talks would resume.", "a statement"),
        ("Paul Agius wrote on X that talks would resume.", "X"),
        ("Paul Agius wrote on Twitter that talks would resume.", "Twitter"),
    ],
)
def test_quotes_medium_of_agencies_and_statements(run, text, medium):
    q = run(text)[0]
    assert q.speaker == "Paul Agius"
    assert q.medium == medium
    assert contents(text, q)[0].endswith("talks would resume")


def test_quotes_according_to_after_an_attributed_quote_is_not_a_second_quote(run):
    text = (
        '"We have common worries. Talking about them is no favour," Berg said during a visit '
        "to Cyprus, according to his office."
    )
    q = run(text)
    assert len(q) == 1
    assert (q[0].speaker, q[0].kind, q[0].cue) == ("Berg", "direct", "said")


# ---- sample-corpus review: general fixes ---------------------------------------------------------


def test_quotes_it_speaker_names_the_organisation(run):
    text = (
        "Estonia's embassy in Vienna rejected the accusations. In a statement, it said the claims "
        'were "baseless" and politically motivated.'
    )
    q = run(text)[0]
    assert q.speaker_text == "it"
    assert q.speaker == "Estonia's embassy in Vienna"
    assert q.medium == "a statement"


def test_quotes_relative_who_speaker_names_its_noun(run):
    text = "The protesters, who say cheap imports are driving down prices, blocked the road at Narva."
    q = run(text)[0]
    assert q.speaker_text == "who"
    assert q.speaker == "The protesters"


def test_quotes_he_after_an_unnamed_speaker_is_that_speaker(run):
    text = (
        "The rebels blamed the navy for the blast. A navy spokesman said in a statement that it "
        "was aware of the reports, but he did not confirm or deny that its ships had been in "
        "the area."
    )
    speakers = {q.cue: q.speaker for q in run(text)}
    assert speakers["said"] == "A navy spokesman"
    assert speakers["deny"] == "A navy spokesman"


def test_quotes_joined_speech_act_is_not_content(run):
    text = (
        "Deputy Prime Minister Iveta Kask said the blockade was costing exporters millions of "
        "euros a day and called on Riga to restore order at the border."
    )
    q = run(text)[0]
    assert contents(text, q) == ["the blockade was costing exporters millions of euros a day"]


def test_quotes_that_clause_misparsed_as_relative_clause(run):
    text = (
        "Party secretary-general Toomas Rebane told a news conference in the capital that voters "
        "had rewarded the government for its handling of the economy."
    )
    q = run(text)[0]
    assert q.speaker == "Toomas Rebane"
    assert contents(text, q) == ["that voters had rewarded the government for its handling of the economy"]
    assert q.medium == "a news conference in the capital"
    assert q.addressee is None


def test_quotes_percent_sign_stays_in_content(run):
    text = "Turnout was about 61%, the commission said."
    q = run(text)[0]
    assert contents(text, q) == ["Turnout was about 61%"]


def test_quotes_writers_contrast_is_not_content(run):
    text = (
        "Most voters said they prefer a candidate who is an outsider, while about 4 in 10 want "
        "one with political experience."
    )
    q = run(text)[0]
    assert contents(text, q) == ["they prefer a candidate who is an outsider"]


def test_quotes_quotation_after_a_sentence_ending_in_a_title_noun_is_speech(run):
    text = (
        "“They are very open to new things,” Mari Tamm, the agency's director, said of the "
        "campaign. “They are not throwing things at the wall.”"
    )
    q = run(text)
    assert len(q) == 1
    assert contents(text, q[0]) == [
        "They are very open to new things,",
        "They are not throwing things at the wall.",
    ]


def test_quotes_clause_in_another_paragraph_is_not_content(run):
    text = (
        "He warned: “It is not going to happen any time soon.”\n\n"
        "Opposition leader Mart Saar said the warning showed the president had lost touch."
    )
    saar = [q for q in run(text) if q.speaker == "Mart Saar"]
    assert len(saar) == 1
    assert contents(text, saar[0]) == ["the warning showed the president had lost touch"]


def test_quotes_object_content_keeps_its_infinitive(run):
    text = "The ministry announced a series of steps to tighten fishing quotas in the Baltic."
    q = run(text)[0]
    assert contents(text, q) == ["a series of steps to tighten fishing quotas in the Baltic"]


def test_quotes_it_speaker_skips_subjects_of_reported_clauses(run):
    text = (
        "The Foreign Office said the group had used fake job offers to trick targets. It said the "
        "campaign had focused on people working on nuclear diplomacy."
    )
    quotes = run(text)
    assert [q.speaker for q in quotes] == ["Foreign Office", "Foreign Office"]


def test_quotes_speaker_span_leaves_out_the_scene(run):
    text = "Florida delegate Anna Kivi, wearing a red cape, said the convention was a success."
    assert run(text)[0].speaker_text == "Florida delegate Anna Kivi"
    assert run('"We won," said Amara Okafor, the interior minister.')[0].speaker_text == (
        "Amara Okafor, the interior minister"
    )


def test_quotes_short_object_content_of_object_verb(run):
    text = "The harbour master denied the allegations through his lawyer."
    q = run(text)[0]
    assert q.speaker_text == "The harbour master"
    assert contents(text, q) == ["the allegations"]


def test_quotes_asked_to_takes_the_infinitive(run):
    text = "Mayor Ines Falk asked the council to delay the vote until spring."
    q = run(text)[0]
    assert q.speaker_text == "Mayor Ines Falk"
    assert contents(text, q) == ["to delay the vote until spring"]


def test_quotes_that_clause_after_in_a_statement(run):
    text = (
        "Tomas Lind, a spokesman for the port authority, said in a statement that the terminal "
        "would reopen with the police."
    )
    q = run(text)[0]
    assert q.speaker_text == "Tomas Lind, a spokesman for the port authority"
    assert contents(text, q) == ["that the terminal would reopen with the police"]


def test_quotes_inverted_cue_parsed_as_conjunct(run):
    text = (
        "In nearby Halden, the old paper mill is hanging on, but it is under intense pressure from "
        "cheap imports, said the company's chief executive, Marit Dahl."
    )
    q = run(text)[0]
    assert q.speaker_text.startswith("the company's chief executive")
    assert contents(text, q)[0].startswith("In nearby Halden, the old paper mill is hanging on")


def test_quotes_question_close_ends_the_parsers_sentence(run):
    text = '"Why should the ferry stop now?" Captain Rui Sousa asked, shaking his head.'
    q = run(text)[0]
    assert q.speaker_text == "Captain Rui Sousa"
    assert contents(text, q) == ["Why should the ferry stop now?"]

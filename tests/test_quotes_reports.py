"""Reports beyond "X said (that) ...": passive reports, questions put to someone, topics of speech
("commented on"), pro-form contents ("said so") and mixed quotes running past their clause."""

from __future__ import annotations

import pytest

from tidings.extract.quotes import Quote


@pytest.fixture(scope="module")
def run(quotes_runner):
    return quotes_runner


def texts(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def by_cue(quotes: list[Quote], cue: str) -> Quote:
    found = [q for q in quotes if q.cue == cue]
    assert len(found) == 1, [(q.cue, q.content) for q in quotes]
    return found[0]


def test_quotes_topic_preposition_is_content(run):
    text = "The harbour master complained about the noise from the new ferry terminal."
    q = by_cue(run(text), "complained about")
    assert q.speaker_text == "The harbour master"
    assert texts(text, q.content_spans) == ["the noise from the new ferry terminal"]
    assert q.kind == "indirect"


def test_quotes_topic_preposition_never_a_medium(run):
    text = "Councillor Petra Lind commented on Twitter last night."
    assert run(text) == []


def test_quotes_did_not_respond_to_requests(run):
    text = "A spokesman for Harbourline did not respond to requests for comment on the closure."
    q = by_cue(run(text), "did not respond to")
    assert q.speaker_text == "A spokesman for Harbourline"
    assert texts(text, q.content_spans) == ["requests for comment on the closure"]


def test_quotes_participle_asked_names_no_speaker(run):
    text = (
        "Asked whether the bridge would reopen in May, the engineer Tomas Brandt said he could not "
        "promise it."
    )
    quotes = run(text)
    asked = by_cue(quotes, "Asked")
    assert asked.speaker is None and asked.speaker_spans == ()
    assert texts(text, asked.content_spans) == ["whether the bridge would reopen in May"]
    said = by_cue(quotes, "said")
    assert said.speaker == "Tomas Brandt"
    assert texts(text, said.content_spans) == ["he could not promise it"]


def test_quotes_passive_ask_about_topic(run):
    text = "Mayor Ilse Varga was asked about the budget shortfall at a town meeting on Monday."
    q = by_cue(run(text), "was asked about")
    assert q.speaker is None
    assert q.addressee == "Mayor Ilse Varga"
    assert texts(text, q.content_spans) == ["the budget shortfall"]


def test_quotes_passive_report_speaker_is_the_agent(run):
    text = "The closure of the plant was first reported by the Lakeside Courier."
    q = by_cue(run(text), "was first reported by")
    assert q.speaker_text == "the Lakeside Courier"
    assert texts(text, q.content_spans) == ["The closure of the plant"]


def test_quotes_impersonal_passive_has_no_speaker(run):
    text = "It was announced on Friday that the ferry service would end in October."
    q = by_cue(run(text), "was announced")
    assert q.speaker is None and q.speaker_text is None
    assert texts(text, q.content_spans) == ["that the ferry service would end in October"]


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("Most of the farmers in the valley said so at the meeting.", "so"),
        ("Asked about a second term, the governor said no.", "no"),
        ("Half of the nurses said the same of the night shift.", "the same of the night shift"),
        ("The union leader Marta Kova said as much in her speech.", "as much"),
    ],
)
def test_quotes_pro_form_content(run, sentence, content):
    q = by_cue(run(sentence), "said")
    assert texts(sentence, q.content_spans) == [content]
    assert q.speaker_text is not None


def test_quotes_mixed_content_runs_to_the_quotation_close(run):
    text = 'Ortiz said the crews "did a remarkable job. They earned every cent." The vote is next week.'
    q = by_cue(run(text), "said")
    assert q.kind == "mixed"
    assert texts(text, q.content_spans) == ['the crews "did a remarkable job. They earned every cent."']


def test_quotes_quotation_modifying_a_noun_is_a_label(run):
    assert run("The “Stay Local” movement continues to battle against the council.") == []


def test_quotes_label_stays_in_the_speaker(run):
    text = "The “Stay Local” movement said on Monday that it had collected 5,000 signatures."
    quotes = run(text)
    assert len(quotes) == 1, [(q.rule, q.content) for q in quotes]
    q = quotes[0]
    assert (q.kind, q.cue, q.speaker_text) == ("indirect", "said", "The “Stay Local” movement")
    assert texts(text, q.content_spans) == ["that it had collected 5,000 signatures"]


def test_quotes_as_clause_with_its_own_complement_is_no_report(run):
    text = 'As the "Stay Local" movement continues to grow, the council will meet again in June.'
    assert run(text) == []


def test_quotes_trailing_whose_clause_is_not_content(run):
    text = "Nadia Ferro said the contract went to Belmont Freight, whose owner sits on the port board."
    q = by_cue(run(text), "said")
    assert q.speaker == "Nadia Ferro"
    assert texts(text, q.content_spans) == ["the contract went to Belmont Freight"]


def test_quotes_participle_after_and_ends_mixed_content(run):
    text = (
        'The senator escalated her attack, telling reporters that the mayor was a "fraud" and '
        'questioning how he had "kept his job for so long."'
    )
    q = by_cue(run(text), "telling")
    assert q.speaker_text == "The senator"
    assert texts(text, q.content_spans) == ['that the mayor was a "fraud"']
    assert q.kind == "mixed"


def test_quotes_that_clause_parsed_as_relative_without_object(run):
    # "that" marks the clause (dep mark), so it cannot be a relative pronoun of "conference"
    text = (
        "Gideon Marsh said earlier on Friday during a news conference that he may wait until the "
        "spring to decide."
    )
    q = by_cue(run(text), "said")
    assert q.speaker == "Gideon Marsh"
    assert texts(text, q.content_spans) == ["that he may wait until the spring to decide"]


def test_quotes_speaker_of_likely_to_say(run):
    text = "Rural voters were far more likely to say that the new highway would help them."
    q = by_cue(run(text), "to say")
    assert q.speaker_text == "Rural voters"
    assert texts(text, q.content_spans) == ["that the new highway would help them"]


def test_quotes_too_early_to_tell_has_no_speaker(run):
    assert run("It is too early to tell whether the levee will hold.") == []


def test_quotes_when_asked_is_not_part_of_the_speaker(run):
    # the parser hangs "when asked ..." on the speaker's name as a relative clause
    text = "“They would all agree,” said county constituent Dan Marsh when asked about Mayor Lena Ortiz."
    q = by_cue(run(text), "said")
    assert q.speaker_text == "county constituent Dan Marsh"
    assert texts(text, q.content_spans) == ["They would all agree,"]

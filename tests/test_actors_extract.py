"""Actor resolution on hand-written news sentences, with the real spaCy model (loaded once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.extract.actors import ActorMention, extract_actors
from tidings.knowledge.kb import load_default
from tidings.knowledge.petrarch import load_petrarch_dir
from tidings.types import Article, Findings

FIXTURES = Path(__file__).parent / "fixtures" / "actors"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from tidings.nlp import load

    return load()


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_default()


def run(nlp, kb, text: str, published: str | None = "2024-03-01") -> Findings:  # type: ignore[no-untyped-def]
    article = Article(text=text, source="test", format="text", published=published)
    return extract_actors(nlp(text), article, kb, Findings(article_id=article.id))


def by_text(findings: Findings) -> dict[str, ActorMention]:
    return {m.text: m for m in findings.actors}  # type: ignore[misc]


def test_actors_possessive_title_creates_learned_role(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "Brazil's Foreign Minister Ana Ruiz arrived in Lisbon on Monday.")
    m = by_text(f)["Brazil's Foreign Minister Ana Ruiz"]
    assert (m.actor_id, m.name, m.kind, m.code, m.country, m.role) == (
        "person/ana-ruiz",
        "Ana Ruiz",
        "person",
        "BRAGOV",
        "BRA",
        "Foreign Minister",
    )
    (role,) = f.learned_roles
    assert (role.actor_id, role.title, role.code, role.date) == (
        "person/ana-ruiz",
        "foreign minister",
        "BRAGOV",
        "2024-03-01",
    )
    assert "Lisbon" not in by_text(f)  # a capital after "in" is a place


def test_actors_appositive_of_country(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "Ana Ruiz, the foreign minister of Chile, said the talks would resume.")
    ruiz = next(m for m in f.actors if m.name == "Ana Ruiz")
    assert ruiz.code == "CHLGOV"
    assert any(r.title == "foreign minister" and r.code == "CHLGOV" for r in f.learned_roles)


def test_actors_pre_name_title_and_envoy_of_adjective(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    text = (
        "National security adviser Tom Reyes met reporters on Tuesday. "
        "Reyes, the Indian prime minister's trade envoy, said a deal was close."
    )
    f = run(nlp, kb, text)
    reyes = [m for m in f.actors if m.actor_id == "person/tom-reyes"]
    assert len(reyes) >= 2
    assert all(m.code == "INDGOV" for m in reyes)
    titles = {r.title for r in f.learned_roles}
    assert {"national security adviser", "trade envoy"} <= titles


def test_actors_pronoun_chain_and_role_noun_link_back(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Brazil's Foreign Minister Ana Ruiz met her Chilean counterpart on Monday. "
        "Ruiz said the talks were useful. The minister added that she would return in May."
    )
    f = run(nlp, kb, text)
    linked = {m.text: m for m in f.actors if m.actor_id == "person/ana-ruiz"}
    assert {"Ruiz", "The minister", "she"} <= set(linked)
    assert {m.code for m in linked.values()} == {"BRAGOV"}
    assert len({m.referent for m in linked.values()}) == 1


def test_actors_agents_take_their_country(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "Russian troops shelled the town, while US officials and British police watched.")
    codes = {m.text: m.code for m in f.actors}
    assert codes["Russian troops"] == "RUSMIL"
    assert codes["US officials"] == "USAGOV"
    assert codes["British police"] == "GBRCOP"


def test_actors_metonyms_and_capitals_as_governments(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(
        nlp,
        kb,
        "The Kremlin rejected the plan. The Pentagon declined to comment, and Beijing urged restraint.",
    )
    codes = {m.text: m.code for m in f.actors}
    assert codes["The Kremlin"] == "RUSGOV"
    assert codes["The Pentagon"] == "USAMIL"
    assert codes["Beijing"] == "CHNGOV"


def test_actors_same_name_two_dates(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    text = "Dmitry Medvedev spoke to reporters in Sochi."
    early = by_text(run(nlp, kb, text, "2010-06-01"))["Dmitry Medvedev"]
    late = by_text(run(nlp, kb, text, "2016-06-01"))["Dmitry Medvedev"]
    assert (early.role, early.code) == ("President", "RUSGOV")
    assert (late.role, late.code) == ("Prime Minister", "RUSGOV")
    former = by_text(run(nlp, kb, "Joe Biden spoke in Delaware.", "2018-05-01"))["Joe Biden"]
    assert former.code == "USAELI"


def test_actors_conflicting_title_is_reported_not_applied(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "French Defence Minister Sergei Lavrov arrived in Rome.", "2020-01-10")
    lavrov = next(m for m in f.actors if m.actor_id == "person/sergei-lavrov")
    assert lavrov.code == "RUSGOV"  # the curated role wins
    assert any("conflicts with curated" in n for n in f.notes)
    assert any(r.conflict and r.code == "FRAGOV" for r in f.learned_roles)


def test_actors_ner_label_error_surname(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    # The small model tags this bare surname ORG; coreference ties it to the person.
    text = (
        "National security adviser Tom Reyes met reporters on Tuesday. "
        "Reyes, the Indian prime minister's trade envoy, said a deal was close."
    )
    doc = nlp(text)
    reyes_tokens = [t for t in doc if t.text == "Reyes"]
    f = run(nlp, kb, text)
    second = next(m for m in f.actors if m.text.startswith("Reyes"))
    assert second.kind == "person" and second.actor_id == "person/tom-reyes"
    assert reyes_tokens[1].ent_type_ != "PERSON" or second.rule in ("actors/coref", "actors/title")


def test_actors_kb_surname_inside_longer_name_is_someone_else(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "Nora Biden arrived at the court on Monday.")
    nora = next(m for m in f.actors if "Nora" in m.text)
    assert nora.actor_id == "person/nora-biden"


def test_actors_without_knowledge_code_nothing(nlp) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, None, "Russian troops shelled the town.")
    assert f.actors == () and f.learned_roles == ()


def test_actors_petrarch_world_combines_agents(nlp) -> None:  # type: ignore[no-untyped-def]
    kb, _report = load_petrarch_dir(FIXTURES / "petrarch")
    f = run(
        nlp,
        kb,
        "Valdorian soldiers and a Relief Group Valdoria government team met Kestrel Isles police.",
        "2012-01-01",
    )
    codes = {m.code for m in f.actors}
    assert "VALMIL" in codes
    assert "NGOVALGOV" in codes
    assert "KSTCOP" in codes
    g = run(nlp, kb, "President Voss met Orin Talbot.", "2012-01-01")
    assert [m.code for m in g.actors] == ["VALGOV", "KST"]


def test_actor_mentions_fit_the_store(nlp, kb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tidings.store import Store
    from tidings.store.knowledge import find_actors, write_learned_roles

    text = "Brazil's Foreign Minister Ana Ruiz met Russian troops."
    article = Article(text=text, source="t", format="text", published="2024-03-01")
    f = extract_actors(nlp(text), article, kb, Findings(article_id=article.id))
    with Store.open(tmp_path / "a.db") as store:
        store.write([(article, f)])
        rows = store.findings_for("actor_mentions", article.id)
        assert {r["code"] for r in rows} == {"BRAGOV", "RUSMIL"}
        write_learned_roles(store, f.learned_roles)
        (ruiz,) = find_actors(store, "Ana Ruiz")
        assert ruiz["roles"][0]["evidence"][0]["article_id"] == article.id


def test_cli_actors_lists_roles_over_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from tidings.cli import _register
    from tidings.cli.app import app

    _register()
    runner = CliRunner()
    result = runner.invoke(app, ["actors", "Medvedev"])
    assert result.exit_code == 0, result.output
    assert "RUSGOV" in result.output and "Prime Minister" in result.output and "people.yaml" in result.output
    db = tmp_path / "p.db"
    result = runner.invoke(app, ["actors", "import-petrarch", str(FIXTURES / "petrarch"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "8 actors" in result.output
    result = runner.invoke(app, ["actors", "Voss", "--db", str(db), "--json"])
    assert result.exit_code == 0 and "VALGOV" in result.output


# ---- regressions from the sample corpus (Turkey/Israel wire story) ---------------------------------


def run_dated(nlp, kb, text: str, dateline: str | None) -> Findings:  # type: ignore[no-untyped-def]
    article = Article(text=text, source="test", format="text", published="2024-03-01", dateline=dateline)
    return extract_actors(nlp(text), article, kb, Findings(article_id=article.id))


def test_actors_title_country_from_sentence_subject(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Turkey will not cooperate militarily with Israel for now, Defence Minister Kemal Aydın said "
        "on Thursday. Aydın told reporters that he was not worried."
    )
    f = run_dated(nlp, kb, text, None)
    aydin = [m for m in f.actors if m.actor_id == "person/kemal-aydin"]
    assert {m.text for m in aydin} >= {"Defence Minister Kemal Aydın", "Aydın", "he"}
    assert {(m.code, m.country) for m in aydin} == {("TURGOV", "TUR")}
    titled = next(m for m in aydin if m.text.startswith("Defence"))
    assert titled.rule == "actors/title+country-subject"
    assert titled.confidence < 0.85  # lower than a title that names its country
    (role,) = [r for r in f.learned_roles if r.actor_id == "person/kemal-aydin"]
    assert (role.code, role.country) == ("TURGOV", "TUR")
    assert role.inferred is not None and "subject" in role.inferred


def test_actors_title_country_from_dateline_when_context_is_ambiguous(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    text = "ANKARA (Reuters) - Israel and Turkey held talks, Defence Minister Kemal Aydın said on Thursday."
    f = run_dated(nlp, kb, text, "ANKARA")
    aydin = next(m for m in f.actors if m.actor_id == "person/kemal-aydin")
    assert (aydin.code, aydin.country, aydin.rule) == ("TURGOV", "TUR", "actors/title+country-dateline")
    assert "ANKARA" not in {m.text for m in f.actors}  # the dateline is a place, not an actor
    # A title that names its own country keeps it, whatever the dateline says.
    g = run_dated(
        nlp, kb, "ANKARA (Reuters) - Israeli Defence Minister Avner Lavi said on Thursday.", "ANKARA"
    )
    lavi = next(m for m in g.actors if m.actor_id == "person/avner-lavi")
    assert (lavi.code, lavi.rule) == ("ISRGOV", "actors/title")


def test_actors_title_country_unknown_without_context(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run_dated(nlp, kb, "Defence Minister Kemal Aydın said on Thursday that talks would go on.", None)
    aydin = next(m for m in f.actors if m.actor_id == "person/kemal-aydin")
    assert (aydin.code, aydin.country, aydin.sectors) == ("GOV", None, ("GOV",))


def test_actors_country_field_is_never_an_agent_code(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    text = "Defence Minister Kemal Aydın met the judges. Police officers and reporters waited outside."
    f = run_dated(nlp, kb, text, None)
    assert f.actors
    for m in f.actors:
        assert m.country is None or kb.actor(f"country/{m.country}") is not None or m.country == "ROM", m
        assert m.country not in kb.sector_codes


def test_actors_agent_nouns_only_match_nouns(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, '"We will judge it by what is done, not by what is said," he said. The judge agreed.')
    texts = {m.text: m for m in f.actors}
    assert not any(m.text.startswith("We") for m in f.actors)
    assert [m.code for m in f.actors if "judge" in m.text.lower()] == ["JUD"]
    assert "The judge" in texts


def test_actors_appositive_name_after_title_takes_the_role(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "Turkey's deputy foreign minister, Leyla Korkmaz, was quoted as saying by the agency.")
    korkmaz = next(m for m in f.actors if m.actor_id == "person/leyla-korkmaz")
    assert (korkmaz.code, korkmaz.country, korkmaz.role) == ("TURGOV", "TUR", "deputy foreign minister")
    assert any(r.title == "deputy foreign minister" and r.code == "TURGOV" for r in f.learned_roles)
    g = run(nlp, kb, "Chile's foreign minister, Ana Ruiz, said the talks would resume.")
    ruiz = next(m for m in g.actors if m.actor_id == "person/ana-ruiz")
    assert ruiz.code == "CHLGOV"
    h = run(nlp, kb, "Ana Ruiz, the foreign minister of Chile, said the talks would resume.")
    assert {m.code for m in h.actors if m.actor_id == "person/ana-ruiz"} == {"CHLGOV"}


def test_actors_ids_transliterate_non_ascii_names(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "Prime Minister Lech Wałęsa met Defence Minister Kemal Aydın in Gdańsk.")
    ids = {m.actor_id for m in f.actors if m.kind == "person"}
    assert {"person/lech-walesa", "person/kemal-aydin"} <= ids


def test_actors_coordinated_modifiers_one_mention_per_country(nlp, kb) -> None:  # type: ignore[no-untyped-def]
    f = run(nlp, kb, "Russian and Chinese diplomats walked out of the meeting.")
    phrase = [m for m in f.actors if m.text == "Russian and Chinese diplomats"]
    assert [m.code for m in phrase] == ["RUSGOV", "CHNGOV"]  # the first is the primary
    assert len({m.spans for m in phrase}) == 1
    assert not any(m.text == "Chinese" for m in f.actors)
    g = run(nlp, kb, "Syria and Iraq officials met on Monday.")
    assert [m.code for m in g.actors] == ["SYRGOV", "IRQGOV"]
    pk, _report = load_petrarch_dir(FIXTURES / "petrarch")
    h = run(nlp, pk, "The police of Valdoria and Kestrel Isles met on Monday.", "2012-01-01")
    assert {m.code for m in h.actors} == {"VALCOP", "KSTCOP"}


def test_actors_petrarch_multi_code_entry_keeps_every_code(nlp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tidings.knowledge.petrarch import load_petrarch

    actors = tmp_path / "Multi.actors.txt"
    actors.write_text("THE_MARCHES  [MRA/MRB/MRC]\nVALDORIA_ [VAL]\n", encoding="utf-8")
    pk = load_petrarch(actors)
    marches = pk.by_name("The Marches")[0]
    assert (marches.code, marches.codes) == ("MRA", ("MRA", "MRB", "MRC"))
    assert pk.codes_as_of(marches, "2012-01-01") == ("MRA", "MRB", "MRC")
    f = run(nlp, pk, "The Marches welcomed Valdoria.", "2012-01-01")
    assert [m.code for m in f.actors if m.text == "The Marches"] == ["MRA", "MRB", "MRC"]


def test_actors_inferred_country_is_kept_in_stored_evidence(nlp, kb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tidings.store import Store
    from tidings.store.knowledge import find_actors, write_learned_roles

    text = "Turkey will not cooperate militarily with Israel for now, Defence Minister Kemal Aydın said."
    f = run_dated(nlp, kb, text, None)
    with Store.open(tmp_path / "e.db") as store:
        write_learned_roles(store, f.learned_roles)
        (aydin,) = find_actors(store, "Kemal Aydın")
        (role,) = aydin["roles"]
        assert role["code"] == "TURGOV"
        assert "[country from subject 'Turkey']" in role["evidence"][0]["text"]

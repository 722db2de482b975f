"""Knowledge base: loading, phrase matching with case rules, time-aware codes, overrides, importers, store."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tidings.knowledge.kb import (
    Actor,
    ActorKB,
    LearnedRole,
    Role,
    build_default,
    combine_code,
    load_default,
    phrase_tokens,
    plural,
)
from tidings.knowledge.petrarch import load_petrarch, load_petrarch_dir, parse_date
from tidings.knowledge.wikidata import iter_entities, load_wikidata
from tidings.types import Span

FIXTURES = Path(__file__).parent / "fixtures" / "actors"


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return load_default()


def _ids(kb: ActorKB, text: str) -> list[str | None]:
    words = text.split()
    return [
        m.entry.actor_id or (m.entry.agent.phrase if m.entry.agent else m.entry.form) for m in kb.find(words)
    ]


def test_kb_loads_fast_and_has_every_country(kb: ActorKB) -> None:
    start = time.perf_counter()
    fresh = build_default()
    assert time.perf_counter() - start < 1.0
    countries = [a for a in fresh if a.kind == "country"]
    assert len(countries) >= 249
    assert kb.actor("country/ROU").code == "ROM"  # CAMEO differs from ISO
    assert kb.actor("country/USA").code == "USA"


def test_kb_acronyms_are_case_sensitive(kb: ActorKB) -> None:
    assert _ids(kb, "US officials") == ["country/USA", "official"]
    assert _ids(kb, "us") == []
    assert _ids(kb, "who said") == []
    assert _ids(kb, "WHO said") == ["igo/who"]
    assert _ids(kb, "Turkey turkey") == ["country/TUR"]


def test_kb_longest_match_wins(kb: ActorKB) -> None:
    assert _ids(kb, "the White House said") == ["country/USA"]
    assert kb.find("the White House".split())[0].entry.form == "metonym"
    assert _ids(kb, "European Union") == ["igo/eu"]
    assert _ids(kb, "Vladimir Putin") == ["person/vladimir-putin"]
    match = kb.find("Foreign Minister".split())[0]
    assert match.entry.agent is not None and match.entry.agent.title
    assert _ids(kb, "the foreign ministers") == ["foreign minister"]


def test_kb_capitals_and_metonyms_carry_sectors(kb: ActorKB) -> None:
    moscow = kb.find(["Moscow"])[0].entry
    assert (moscow.actor_id, moscow.form, moscow.sectors) == ("country/RUS", "capital", ("GOV",))
    pentagon = kb.find(["Pentagon"])[0].entry
    assert (pentagon.actor_id, pentagon.sectors) == ("country/USA", ("MIL",))


def test_kb_codes_follow_roles_over_time(kb: ActorKB) -> None:
    putin = kb.actor("person/vladimir-putin")
    assert [r.title for r in kb.roles_as_of(putin, "2010-06-01")] == ["Prime Minister"]
    assert [r.title for r in kb.roles_as_of(putin, "2015-06-01")] == ["President"]
    biden = kb.actor("person/joe-biden")
    assert kb.codes_as_of(biden, "2022-01-01") == ("USAGOV",)
    assert kb.codes_as_of(biden, "2018-01-01") == ("USAELI",)  # between offices: former office holder


def test_combine_code_petrarch_style() -> None:
    assert combine_code("RUS", ["MIL"]) == "RUSMIL"
    assert combine_code("USAGOV", ["GOV"]) == "USAGOV"
    assert combine_code("ARN", ["GOV"], ["NGO"]) == "NGOARNGOV"
    assert combine_code("USAGOV", ["ELI"]) == "USAGOVELI"


def test_phrase_tokens_split_like_spacy() -> None:
    assert phrase_tokens("Al-Qaeda") == ["Al", "-", "Qaeda"]
    assert phrase_tokens("People's Liberation Army") == ["People", "'s", "Liberation", "Army"]
    assert phrase_tokens("U.S.") == ["U.S."]
    assert (
        plural("policeman") == "policemen"
        and plural("militia") == "militias"
        and plural("authority") == "authorities"
    )


def test_user_overrides_add_and_replace(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "people:\n"
        "- {name: Ana Ruiz, aliases: [Ruiz], country: CHL,\n"
        "   roles: [[Foreign Minister, CHLGOV, 2023-03-01, null]]}\n"
        "remove: [person/sergei-lavrov]\n",
        encoding="utf-8",
    )
    kb = load_default(extra_files=[extra])
    ruiz = kb.actor("person/ana-ruiz")
    assert ruiz is not None and kb.codes_as_of(ruiz, "2024-01-01") == ("CHLGOV",)
    assert kb.actor("person/sergei-lavrov") is None
    assert load_default().actor("person/sergei-lavrov") is not None  # the shared default is untouched
    kb2 = load_default(overrides={"people": [{"name": "Vladimir Putin", "country": "RUS", "roles": []}]})
    assert kb2.actor("person/vladimir-putin").roles == ()


# ---- PETRARCH importer --------------------------------------------------------------------------


def test_petrarch_dates_restrictions_and_synonyms() -> None:
    assert parse_date("950601") == "1995-06-01" and parse_date("20100109") == "2010-01-09"
    assert parse_date("2004017") is None
    kb, report = load_petrarch_dir(FIXTURES / "petrarch")
    assert report.actors == 8 and report.agents == 6 and report.skipped == ()
    voss = kb.by_name("President Voss")[0]
    assert voss.id == "petrarch/mara-voss"
    assert kb.codes_as_of(voss, "2010-02-28") == ("VALOPP",)
    assert kb.codes_as_of(voss, "2010-03-01") == ("VALGOV",)
    assert kb.codes_as_of(voss, "2016-01-01") == ("VALELI",)
    talbot = kb.by_name("Orin Talbot")[0]
    assert kb.codes_as_of(talbot, "2021-06-01")[0] == "KSTGOV"  # first listed wins on overlap
    assert kb.codes_as_of(talbot, "2023-03-01") == ("KSTMIL",)
    assert kb.codes_as_of(talbot, "2019-01-01") == ("KST",)  # default code outside restrictions
    assert kb.by_name("Valdorians")[0].code == "VAL"


def test_petrarch_agents_plurals_macros_and_prefixes() -> None:
    kb = load_petrarch(FIXTURES / "petrarch" / "Test.actors.txt", FIXTURES / "petrarch" / "Test.agents.txt")
    found = {
        m.entry.agent.phrase: m.entry.agent
        for m in kb.find("harborwomen soldiers ferry captains relief groups".split())
    }
    assert found["harborwoman"].sectors == ("LAB",)
    assert found["soldier"].sectors == ("MIL",)
    assert found["ferry captain"].sectors == ("SEA",)
    assert found["relief group"].placement == "prefix"
    assert kb.find(["polices"]) == []  # "{}" means no plural
    assert kb.unknown_country == "---"


def test_petrarch_validation_dictionaries_if_present() -> None:
    folder = Path("/work/shared/eval/petrarch2/dictionaries")
    if not folder.exists():
        pytest.skip("development data not present")
    kb, report = load_petrarch_dir(folder)
    assert report.actors > 100 and report.agents > 80
    sam = kb.by_name("Sam Gamgee")[0]
    assert kb.codes_as_of(sam, "2010-01-10")[0] == "ORCHOB"


# ---- Wikidata importer --------------------------------------------------------------------------


def test_wikidata_streams_entities_and_reads_positions() -> None:
    entities = iter_entities(FIXTURES / "wikidata-sample.json")
    assert next(entities)["id"] == "Q900001"  # a generator: one entity at a time
    kb, report = load_wikidata(FIXTURES / "wikidata-sample.json")
    assert report.entities == 6 and report.actors == 4 and report.bad_lines == [7]
    voss = kb.actor("wikidata/Q900003")
    assert voss.kind == "person" and voss.country == "VAL" and voss.aliases == ("M. Voss",)
    (role,) = voss.roles
    assert (role.title, role.code, role.start, role.end) == (
        "President of Valdoria",
        "VALGOV",
        "2010-03-01",
        "2014-12-31",
    )
    assert kb.actor("wikidata/Q900004").kind == "media"
    assert kb.actor("wikidata/Q900005") is None  # not a person/organisation/country


# ---- store --------------------------------------------------------------------------------------


def _learned(article: str, day: str, title: str = "foreign minister", code: str = "CHLGOV") -> LearnedRole:
    return LearnedRole(
        actor_id="person/ana-ruiz",
        name="Ana Ruiz",
        kind="person",
        title=title,
        code=code,
        country=code[:3],
        sectors=("GOV",),
        article_id=article,
        date=day,
        sentence=0,
        spans=(Span(0, 10),),
        text="Ana Ruiz, the foreign minister of Chile",
    )


def test_store_accumulates_learned_roles_idempotently(tmp_path: Path) -> None:
    from tidings.store import Store
    from tidings.store.knowledge import find_actors, import_kb, write_learned_roles

    kb = ActorKB()
    kb.add_actor(
        Actor(
            id="person/lea-marsh",
            name="Lea Marsh",
            kind="person",
            country="GBR",
            roles=(Role("Home Secretary", "GBRGOV", "GBR", ("GOV",), "2020-01-01", None),),
        )
    )
    with Store.open(tmp_path / "t.db") as store:
        assert import_kb(store, kb) == (1, 1)
        write_learned_roles(store, [_learned("a1", "2024-03-02"), _learned("a2", "2024-01-05")])
        write_learned_roles(store, [_learned("a1", "2024-03-02")])  # the same article again
        (ruiz,) = find_actors(store, "ruiz")
        (role,) = ruiz["roles"]
        assert (role["count"], role["start"], role["end"], role["origin"]) == (
            2,
            "2024-01-05",
            "2024-03-02",
            "learned",
        )
        assert ruiz["origin"] == "learned"
        rows = list(store.rows("actors"))
        marsh = next(r for r in rows if r["id"] == "person/lea-marsh")
        assert json.loads(marsh["roles"])[0]["code"] == "GBRGOV"
        assert {"id", "name", "kind", "country", "sectors", "roles", "aliases", "wikidata"} <= set(marsh)


def test_store_role_evidence_of_a_much_stated_role_is_read_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A role with more evidence than RANKED_READ_MAX_ROWS reads its first rows one role at a time
    (bounded by an index) instead of ranking all of them: the role row must be the same."""
    from tidings.store import Store
    from tidings.store import knowledge as store_knowledge

    # 60 articles, dates out of order, some missing or partial (how SQL orders those matters)
    days = [
        None if i % 9 == 0 else f"2024-{1 + (i * 7) % 12:02d}" + ("" if i % 4 else f"-{1 + i % 27:02d}")
        for i in range(60)
    ]
    stated = [_learned(f"a{(i * 37) % 60:02d}", day) for i, day in enumerate(days)]
    role_rows = {}
    for name, limit in (("bounded", 50), ("ranked", 10**9)):
        monkeypatch.setattr(store_knowledge, "RANKED_READ_MAX_ROWS", limit)
        with Store.open(tmp_path / f"{name}.db") as store:
            for i in range(0, 60, 6):  # batches, as an ingest writes them
                store_knowledge.write_learned_roles(store, stated[i : i + 6])
            (row,) = [r for r in store.rows("actor_roles") if r["origin"] == "learned"]
            role_rows[name] = row
    assert role_rows["bounded"] == role_rows["ranked"]
    row = role_rows["bounded"]
    assert row["count"] == 60
    assert (row["start"], row["end"]) == (min(d for d in days if d), max(d for d in days if d))
    assert len(json.loads(row["evidence"])) == store_knowledge.INLINE_EVIDENCE


def test_kb_slug_transliterates_non_ascii_letters() -> None:
    from tidings.knowledge.kb import slug, transliterate

    assert slug("Kemal Aydın") == "kemal-aydin"
    assert slug("Lech Wałęsa") == "lech-walesa"
    assert slug("Søren Østergaard") == "soren-ostergaard"
    assert slug("Novak Đoković") == "novak-dokovic"
    assert slug("Franz Strauß") == "franz-strauss"
    assert slug("Æsa Lœb") == "aesa-loeb"
    assert transliterate("İlham Əliyev") == "Ilham Aliyev"
    assert slug("Kemal Aydın") == slug("Kemal Aydın")  # stable
    assert slug("Владимир") != ""  # no ASCII left: a stable hash


def test_kb_country_of_code_is_never_an_agent_code(kb: ActorKB) -> None:
    assert kb.country_of_code("TURGOV") == "TUR"
    assert kb.country_of_code("GOV") is None
    assert kb.country_of_code("MILELI") is None
    assert kb.country_of_code("IGOWSTNAT") is None
    assert kb.country_of_code("---GOV") is None
    assert kb.sectors_of_code("GOV") == ("GOV",)
    assert kb.sectors_of_code("TURGOVMIL") == ("GOV", "MIL")


def test_petrarch_multi_code_entry_keeps_every_code(tmp_path: Path) -> None:
    from tidings.store import Store
    from tidings.store.knowledge import find_actors, import_kb

    actors = tmp_path / "Multi.actors.txt"
    actors.write_text("THE_MARCHES  [MRA/MRB/MRC]\nLONE_HILL [LNH]\n", encoding="utf-8")
    pk = load_petrarch(actors)
    marches = pk.by_name("The Marches")[0]
    assert (marches.code, marches.default_codes) == ("MRA", ("MRA", "MRB", "MRC"))
    lone = pk.by_name("Lone Hill")[0]
    assert (lone.codes, lone.default_codes) == ((), ("LNH",))
    with Store.open(tmp_path / "k.db") as store:
        import_kb(store, pk)
        (row,) = find_actors(store, "The Marches")
        assert row["code"] == "MRA/MRB/MRC"

"""tidings.extract.places: place names in a sentence, looked up in the offline gazetteer."""

from __future__ import annotations

import pytest

from tidings.extract.places import country_place, describe_place, find_place, load_gazetteer


@pytest.fixture(scope="module")
def place_of(nlp):
    def run(text: str, sentence: int = 0):
        doc = nlp(text)
        return doc, find_place(doc, list(doc.sents)[sentence])

    return run


def test_places_city_after_in(place_of) -> None:
    doc, place = place_of("Police fired tear gas at protesters in Nairobi on Tuesday.")
    assert place is not None
    assert (place.name, place.country, place.kind) == ("Nairobi", "KEN", "city")
    assert abs(place.lat - (-1.28)) < 0.1 and abs(place.lon - 36.82) < 0.1
    assert doc.text[place.span.start : place.span.end] == "Nairobi"


def test_places_headquarters_in_new_york(place_of) -> None:
    doc, place = place_of("The foreign ministers met at UN headquarters in New York.")
    assert place is not None and place.name == "New York City" and place.country == "USA"
    assert doc.text[place.span.start : place.span.end] == "New York"


def test_places_near(place_of) -> None:
    _, place = place_of("Artillery shells struck villages near Kharkiv overnight.")
    assert place is not None and (place.name, place.country) == ("Kharkiv", "UKR")


def test_places_country_falls_back_to_centroid(place_of) -> None:
    _, place = place_of("Protesters gathered in Kenya for a third day.")
    assert place is not None and (place.kind, place.country) == ("country", "KEN")
    assert abs(place.lat - (-0.02)) < 0.1 and abs(place.lon - 37.91) < 0.1


def test_places_ambiguity_resolved_by_qualifier(place_of) -> None:
    _, place = place_of("The rally took place in Paris, Texas, on Saturday.")
    assert place is not None and place.country == "USA"
    _, place = place_of("The rally took place in Paris on Saturday.")
    assert place is not None and place.country == "FRA"  # the most populous Paris


def test_places_ambiguity_resolved_by_document_country(place_of) -> None:
    text = "Canada is preparing for the summit. Officials arrived in London on Monday."
    _, place = place_of(text, sentence=1)
    assert place is not None and place.name == "London" and place.country == "CAN"


def test_places_old_spelling_alias(place_of) -> None:
    _, place = place_of("The envoy arrived in Kiev on Monday.")
    assert place is not None and place.name == "Kyiv"


def test_places_subject_is_an_actor_not_a_place(place_of) -> None:
    _, place = place_of("Kenya said it would send more police officers.")
    assert place is None
    _, place = place_of("He accused neighbouring Rwanda of commanding the rebels.")
    assert place is None


def test_places_strong_preposition_beats_weak(place_of) -> None:
    text = "Canadian troops joined an exercise in northern Norway, drawing a sharp warning from Moscow."
    _, place = place_of(text)
    assert place is not None and place.name == "Norway"
    _, place = place_of("The envoy flew to Geneva on Monday.")
    assert place is not None and place.name == "Geneva"


def test_places_possessive_inside_locative_phrase(place_of) -> None:
    _, place = place_of("An airstrike hit a crowded market in Yemen's northern Saada province.")
    assert place is not None and place.country == "YEM"


def test_places_multiword_name_with_of(place_of) -> None:
    _, place = place_of("The delegations met at a table in Port of Spain on Monday.")
    assert place is not None and (place.name, place.country) == ("Port of Spain", "TTO")


def test_places_ordinary_words_and_dates_are_not_places(place_of) -> None:
    _, place = place_of("The coalition intervened in March 2015.")
    assert place is None
    _, place = place_of("They photographed military installations in the North.")
    assert place is None
    _, place = place_of("According to Mendes, the delegations would meet again in Brasília.")
    assert place is not None and place.name == "Brasília"


def test_places_none_when_no_place(place_of) -> None:
    _, place = place_of("The minister spoke to reporters after the vote.")
    assert place is None


def test_places_later_sentence_offsets(place_of) -> None:
    doc, place = place_of("Talks stalled. The delegates flew to Geneva.", sentence=1)
    assert place is not None and doc.text[place.span.start : place.span.end] == "Geneva"


def test_places_gazetteer_loads_once() -> None:
    assert load_gazetteer() is load_gazetteer()
    assert load_gazetteer().lookup("nairobi")[0].iso3 == "KEN"


def test_places_country_place_and_describe() -> None:
    kenya = country_place("KEN")
    assert kenya is not None and kenya.iso2 == "KE" and kenya.fips == "KE"
    assert country_place("KE") == kenya
    entry = describe_place("Nairobi", "KEN", -1.28, 36.82)
    assert entry is not None and entry.kind == "city" and entry.geonameid
    assert describe_place("Nowhere-on-Sea", None) is None


def test_gazetteer_cache_round_trip(tmp_path, monkeypatch):
    from tidings.extract import places

    monkeypatch.setenv(places.CACHE_ENV_VAR, str(tmp_path))
    built = places.load_gazetteer.__wrapped__()  # bypass the per-process lru_cache
    files = list(tmp_path.glob("gazetteer-*.pickle"))
    assert len(files) == 1
    cached = places.load_gazetteer.__wrapped__()
    assert cached is not built  # read back from the file, not the same object
    assert cached == built
    assert cached.lookup("nairobi")[0].iso3 == "KEN"


def test_gazetteer_cache_damaged_file_is_rebuilt(tmp_path, monkeypatch):
    from tidings.extract import places

    monkeypatch.setenv(places.CACHE_ENV_VAR, str(tmp_path))
    places.load_gazetteer.__wrapped__()
    (cache_file,) = tmp_path.glob("gazetteer-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    gaz = places.load_gazetteer.__wrapped__()
    assert gaz.lookup("nairobi")[0].iso3 == "KEN"
    assert cache_file.read_bytes() != b"not a pickle"  # replaced by a good build


def test_gazetteer_cache_off(tmp_path, monkeypatch):
    from tidings.extract import places

    monkeypatch.setenv(places.CACHE_ENV_VAR, "none")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert places.cache_dir() is None
    assert places.load_gazetteer.__wrapped__().lookup("nairobi")[0].iso3 == "KEN"
    assert not list(tmp_path.rglob("*.pickle"))


def test_gazetteer_entries_pickle_with_every_field() -> None:
    """Entries pickle as constructor arguments (faster to load from the cache): each field must
    come back, so a field added to the class must be added to ``__reduce__`` too."""
    import pickle
    from dataclasses import fields

    from tidings.extract.places import GazetteerEntry

    values = {f.name: f"v{i}" for i, f in enumerate(fields(GazetteerEntry))}
    entry = GazetteerEntry(**values)  # type: ignore[arg-type]
    back = pickle.loads(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
    assert {f.name: getattr(back, f.name) for f in fields(GazetteerEntry)} == values

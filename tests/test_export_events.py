"""Event exports (GDELT 2.0, ICEWS, PLOVER JSON) and the `tidings events` command."""

from __future__ import annotations

import io
import json

from typer.testing import CliRunner

from test_corpus_events import store  # noqa: F401  (the hand-made event database fixture)
from tidings.cli import _register
from tidings.cli.app import app
from tidings.export import export, formats
from tidings.export.gdelt import COLUMNS, actor_types, gdelt_row, write_gdelt
from tidings.export.icews import COLUMNS as ICEWS_COLUMNS
from tidings.export.icews import write_icews
from tidings.export.plover import plover_record, write_plover
from tidings.store.event_queries import event_mentions

GDELT_ORDER = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate "
    "Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code "
    "Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code "
    "Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code "
    "Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code "
    "IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources "
    "NumArticles AvgTone "
    "Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code "
    "Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID "
    "Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code "
    "Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID "
    "ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code "
    "ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID DATEADDED SOURCEURL"
).split()


APPEAL = {
    "id": "0123456789abcdef0123",
    "article_id": "art1",
    "sentence": 0,
    "spans": "[[0,5],[10,20]]",
    "rule": "verb/appeal",
    "confidence": 0.8,
    "source": "Prime Minister Lena Varga",
    "source_code": "HUNGOV",
    "source_country": "HUN",
    "target": "Poland",
    "target_code": "POL",
    "target_country": "POL",
    "cameo": "0212",
    "cameo_base": "021",
    "cameo_root": "02",
    "quad_class": 1,
    "goldstein": 3.4,
    "date": "2024-03-05",
    "date_precision": "day",
    "place": "Nairobi",
    "place_country": "KEN",
    "lat": -1.28333,
    "lon": 36.81667,
    "negated": False,
    "historical": False,
    "published": "2024-03-07",
    "publication": "Danube Daily",
    "url": "https://danube.example/varga",
}


def test_gdelt_columns_are_gdelt_2_order() -> None:
    assert len(COLUMNS) == 61
    assert list(COLUMNS) == GDELT_ORDER
    assert COLUMNS[0] == "GLOBALEVENTID" and COLUMNS[26] == "EventCode" and COLUMNS[-1] == "SOURCEURL"


def test_gdelt_row_fields() -> None:
    out = io.StringIO()
    assert write_gdelt([APPEAL], out) == 1
    line = out.getvalue()
    assert line.endswith("\n") and line.count("\n") == 1
    fields = dict(zip(COLUMNS, line.rstrip("\n").split("\t"), strict=True))
    assert fields["SQLDATE"] == "20240305" and fields["MonthYear"] == "202403" and fields["Year"] == "2024"
    assert fields["FractionDate"] == "2024.1781"
    assert (
        fields["EventCode"] == "0212" and fields["EventBaseCode"] == "021" and fields["EventRootCode"] == "02"
    )
    assert (fields["Actor1Code"], fields["Actor1CountryCode"], fields["Actor1Type1Code"]) == (
        "HUNGOV",
        "HUN",
        "GOV",
    )
    assert fields["Actor2Code"] == "POL" and fields["Actor2Type1Code"] == ""
    assert (fields["NumMentions"], fields["NumSources"], fields["NumArticles"]) == ("1", "1", "1")
    assert fields["QuadClass"] == "1" and fields["GoldsteinScale"] == "3.4" and fields["IsRootEvent"] == "1"
    assert fields["ActionGeo_Type"] == "4" and fields["ActionGeo_CountryCode"] == "KE"
    assert fields["ActionGeo_FullName"] == "Nairobi, Kenya" and fields["ActionGeo_FeatureID"].isdigit()
    assert fields["AvgTone"] == "" and fields["Actor1Geo_Type"] == ""
    assert fields["DATEADDED"] == "20240307000000" and fields["SOURCEURL"] == "https://danube.example/varga"
    assert fields["GLOBALEVENTID"].isdigit()


def test_gdelt_reduced_precision_leaves_day_fields_empty() -> None:
    event = dict(
        APPEAL, date="2024-03", date_precision="month", num_mentions=2, num_sources=1, num_articles=1
    )
    fields = dict(zip(COLUMNS, gdelt_row(event), strict=True))
    assert (fields["SQLDATE"], fields["MonthYear"], fields["Year"], fields["FractionDate"]) == (
        "",
        "202403",
        "2024",
        "",
    )
    assert fields["NumMentions"] == "2"


def test_gdelt_actor_types() -> None:
    assert actor_types("USAGOVMIL", "USA") == ["GOV", "MIL"]
    assert actor_types("RUSMIL", "RUS") == ["MIL"]
    assert actor_types(None, None) == []
    assert actor_types("EDU", None) == ["EDU"]  # no country known: the code is all roles
    assert actor_types("KENCOP", None) == ["COP"]  # an ISO3 prefix counts as the country


def test_gdelt_aggregates_mentions_from_store(store) -> None:  # noqa: F811
    out = io.StringIO()
    assert write_gdelt(event_mentions(store), out) == 2
    rows = [dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in out.getvalue().splitlines()]
    visit = next(r for r in rows if r["EventCode"] == "042")
    assert (visit["NumMentions"], visit["NumSources"], visit["NumArticles"]) == ("4", "2", "2")


def test_formats_registry_has_event_formats(store) -> None:  # noqa: F811
    assert {"gdelt", "icews", "plover"} <= set(formats())
    out = io.StringIO()
    assert export(store, "events", "gdelt", out) == 2
    assert all(len(line.split("\t")) == 61 for line in out.getvalue().splitlines())


def test_icews_rows() -> None:
    out = io.StringIO()
    assert write_icews([APPEAL], out) == 1
    header, row = out.getvalue().splitlines()
    assert header.split("\t") == list(ICEWS_COLUMNS) and len(ICEWS_COLUMNS) == 20
    fields = dict(zip(ICEWS_COLUMNS, row.split("\t"), strict=True))
    assert fields["Event Text"] == "Appeal for military cooperation" and fields["CAMEO Code"] == "0212"
    assert fields["Source Country"] == "Hungary" and fields["Target Country"] == "Poland"
    assert fields["City"] == "Nairobi" and fields["Country"] == "Kenya"
    assert (
        fields["Intensity"] == "3.4"
        and fields["Sentence Number"] == "1"
        and fields["Publisher"] == "Danube Daily"
    )


def test_plover_records() -> None:
    record = plover_record(dict(APPEAL, cameo="042", plover_type="CONSULT", plover_mode="visit"))
    assert record["event"] == ["CONSULT"] and record["mode"] == ["visit"] and record["has_event"]
    assert record["source"][0]["code"] == "HUN" and record["source"][0]["sector"] == "GOV"
    assert record["event_loc"]["cc3"] == "KEN" and record["event_loc"]["feature code"] == "PPL"
    assert record["text_info"] == {"sequence": 0, "start": 0, "end": 20}
    bare = plover_record(dict(APPEAL, source_code="GOV", source_country=None))
    assert bare["source"][0]["sector"] == "GOV" and "code" not in bare["source"][0]
    appeal = plover_record(APPEAL)
    assert appeal["event"] == [] and appeal["has_event"] is False and appeal["cameo"] == "0212"
    out = io.StringIO()
    assert write_plover([APPEAL, APPEAL], out) == 2
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [APPEAL["id"]] * 2


def test_cli_events_json_and_filters(store) -> None:  # noqa: F811
    _register()
    db = str(store.engine.url.database)
    runner = CliRunner()
    result = runner.invoke(app, ["events", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["count"] == 2
    assert {e["cameo"] for e in data["events"]} == {"042", "173"}
    result = runner.invoke(app, ["events", "--db", db, "--json", "--root", "17"])
    assert [e["cameo"] for e in json.loads(result.stdout)["events"]] == ["173"]
    result = runner.invoke(app, ["events", "--db", db, "--json", "--dyad", "NGA", "KEN"])
    assert [e["num_mentions"] for e in json.loads(result.stdout)["events"]] == [4]
    result = runner.invoke(app, ["events", "--db", db, "--json", "--mentions", "--actor", "police"])
    assert json.loads(result.stdout)["count"] == 1


def test_cli_events_table_and_formats(store) -> None:  # noqa: F811
    _register()
    db = str(store.engine.url.database)
    runner = CliRunner()
    result = runner.invoke(app, ["events", "--db", db])
    assert result.exit_code == 0 and "Events (2)" in result.stdout and "042" in result.stdout
    result = runner.invoke(app, ["events", "--db", db, "--format", "gdelt"])
    assert result.exit_code == 0 and all(len(x.split("\t")) == 61 for x in result.stdout.splitlines() if x)


def test_cli_events_bad_root_says_what_to_do(store) -> None:  # noqa: F811
    _register()
    result = CliRunner().invoke(app, ["events", "--db", str(store.engine.url.database), "--root", "27"])
    assert result.exit_code != 0
    assert "E403" in str(result.exception)

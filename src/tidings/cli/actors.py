"""`tidings actors`: look up actors, their codes and roles over time, and import dictionaries.

    tidings actors [NAME] [--db DB] [--json]        names, codes, roles with where each came from
    tidings actors import-kb --db DB                write the shipped knowledge base into DB
    tidings actors import-petrarch DIR --db DB      PETRARCH/TABARI/Phoenix dictionaries into DB
    tidings actors import-wikidata FILE --db DB     a Wikidata JSON entity dump into DB (streamed)

Thin wrappers over ``tidings.knowledge`` and ``tidings.store.knowledge``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from tidings.cli.app import app
from tidings.errors import TidingsError

SUBCOMMANDS = ("import-kb", "import-petrarch", "import-wikidata")


def actor_records(
    name: str | None, db: str | None = None, day: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Actors matching ``name`` from the shipped knowledge base and, when ``db`` is given, the
    database (learned roles with their counts and evidence). One dict per actor, roles oldest first."""
    from tidings.knowledge.kb import load_default

    kb = load_default()
    found: dict[str, dict[str, Any]] = {}
    candidates = kb.search(name) if name else list(kb)
    for actor in candidates[:limit]:
        record = actor.to_dict()
        record["codes_today"] = list(kb.codes_as_of(actor, day)) if day else list(kb.codes_as_of(actor, None))
        for role in record["roles"]:
            role["where"] = "; ".join(role.pop("evidence")) or role["origin"]
        found[actor.id] = record
    if db:
        from tidings.store import Store
        from tidings.store.knowledge import find_actors

        with Store.open(db, readonly=True) as store:
            for row in find_actors(store, name, limit=limit):
                record = found.get(row["id"])
                if record is None:
                    record = {
                        k: row[k]
                        for k in (
                            "id",
                            "name",
                            "kind",
                            "country",
                            "sectors",
                            "aliases",
                            "wikidata",
                            "code",
                            "origin",
                        )
                    }
                    record["roles"] = []
                    record["codes_today"] = []
                    found[row["id"]] = record
                have = {(r["title"].lower(), r["code"], r["origin"], r.get("start")) for r in record["roles"]}
                for role in row["roles"]:
                    key = (str(role["title"] or "").lower(), role["code"], role["origin"], role["start"])
                    if role["origin"] != "learned" and key in have:
                        continue
                    where = [
                        f"{e.get('article_id', e.get('source', ''))}@{e.get('date') or ''}".strip("@")
                        for e in role["evidence"]
                    ]
                    record["roles"].append(
                        {
                            "title": role["title"],
                            "code": role["code"],
                            "country": role["country"],
                            "sectors": role["sectors"],
                            "start": role["start"],
                            "end": role["end"],
                            "origin": role["origin"],
                            "count": role["count"],
                            "where": "; ".join(where),
                        }
                    )
    return list(found.values())


def _print_actor(record: dict[str, Any]) -> None:
    typer.echo(
        f"{record['name']}  [{record['id']}]  {record['kind']}"
        + (f"  country={record['country']}" if record.get("country") else "")
        + (f"  code={record['code']}" if record.get("code") else "")
        + (f"  wikidata={record['wikidata']}" if record.get("wikidata") else "")
    )
    if record.get("aliases"):
        typer.echo("  also: " + ", ".join(record["aliases"]))
    if record.get("codes_today"):
        typer.echo("  codes now: " + ", ".join(record["codes_today"]))
    for role in sorted(record["roles"], key=lambda r: (r.get("start") or "", r.get("origin") or "")):
        span = f"{role.get('start') or '…'} – {role.get('end') or '…'}"
        count = f" ×{role['count']}" if role.get("origin") == "learned" else ""
        typer.echo(
            f"  {span:25} {role['code'] or '-':12} {role['title'] or '-':28} {role['origin']}{count}"
            f"  ({role.get('where') or role['origin']})"
        )


@app.command(context_settings={"allow_extra_args": False})
def actors(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            help="An actor's name (or part of it); or import-kb | import-petrarch DIR | import-wikidata FILE."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database to read learned roles from / import into.", envvar="TIDINGS_DB"),
    ] = None,
    date: Annotated[str | None, typer.Option(help="Show codes as of this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many actors.")] = 50,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per actor.")] = False,
) -> None:
    """List actors with their names, codes and roles over time, and where each role came from."""
    words = list(words or [])
    if words and words[0] in SUBCOMMANDS:
        _import(words[0], words[1:], db)
        return
    if db and not Path(db).exists() and "://" not in db:
        raise TidingsError("E101", path=db)
    name = " ".join(words) or None
    records = actor_records(name, db, date, limit)
    if name and not records:
        raise TidingsError("E704", name=name)
    for record in records:
        if json_out:
            typer.echo(json.dumps(record, ensure_ascii=False, sort_keys=True))
        else:
            _print_actor(record)


def _import(what: str, args: list[str], db: str | None) -> None:
    from tidings.store import Store
    from tidings.store.knowledge import import_kb

    if not db:
        raise TidingsError(
            "E304", value=what, option="--db", detail="importing needs a database: add --db PATH"
        )
    if what == "import-kb":
        from tidings.knowledge.kb import load_default

        kb = load_default()
        note = f"{len(kb)} actors from the shipped knowledge base"
    elif what == "import-petrarch":
        if not args:
            raise TidingsError("E304", value=what, option="DIR", detail="give the dictionaries folder")
        from tidings.knowledge.petrarch import load_petrarch_dir

        kb, report = load_petrarch_dir(args[0])
        note = report.summary()
    else:
        if not args:
            raise TidingsError("E304", value=what, option="FILE", detail="give the dump file")
        from tidings.knowledge.wikidata import load_wikidata

        kb, wreport = load_wikidata(args[0])
        note = wreport.summary()
    with Store.open(db) as store:
        n_actors, n_roles = import_kb(store, kb)
    typer.echo(f"{note}; wrote {n_actors} actors and {n_roles} roles to {db}")

"""Stream Wikidata JSON entity dumps into actors.

A dump is one JSON entity per line, optionally wrapped in ``[`` / ``]`` lines with trailing commas
(the layout of ``latest-all.json``); ``.gz`` and ``.bz2`` files are read compressed. Each entity is
parsed, turned into an ``Actor`` or skipped, and forgotten: memory holds one line plus small maps
(country and position labels), never the dump.

Read: English label and aliases, P31 (instance of -> kind, per ``data/actors/wikidata.yaml``),
P27 (citizenship) / P17 (country) / P495 (country of origin) -> country, P39 (position held) with
P580/P582 (start/end) qualifiers -> roles coded country + GOV, P298 (ISO alpha-3) of countries.
"""

from __future__ import annotations

import bz2
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tidings.errors import TidingsError
from tidings.knowledge.kb import DATA_DIR, Actor, ActorKB, Role, read_yaml


@dataclass
class WikidataReport:
    """Counts from one import."""

    lines: int = 0
    entities: int = 0
    actors: int = 0
    roles: int = 0
    skipped: int = 0
    bad_lines: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.entities} entities read, {self.actors} actors ({self.roles} roles), "
            f"{self.skipped} skipped (not a person/organisation/country), {len(self.bad_lines)} bad lines"
        )


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def iter_entities(path: str | Path, report: WikidataReport | None = None) -> Iterator[dict[str, Any]]:
    """Entities of a dump, one at a time."""
    p = Path(path)
    if not p.exists():
        raise TidingsError("E303", path=str(p))
    report = report if report is not None else WikidataReport()
    with _open(p) as handle:
        for number, line in enumerate(handle, 1):
            report.lines += 1
            text = line.strip().rstrip(",")
            if not text or text in ("[", "]"):
                continue
            try:
                entity = json.loads(text)
            except json.JSONDecodeError:
                report.bad_lines.append(number)
                continue
            if isinstance(entity, dict):
                report.entities += 1
                yield entity


def _claims(entity: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    return [c for c in entity.get("claims", {}).get(prop, []) if c.get("rank") != "deprecated"]


def _value(snak: dict[str, Any]) -> Any:
    if snak.get("snaktype") != "value":
        return None
    return snak.get("datavalue", {}).get("value")


def _item(snak: dict[str, Any]) -> str | None:
    value = _value(snak)
    return value.get("id") if isinstance(value, dict) else None


def _time(snak: dict[str, Any], end: bool = False) -> str | None:
    """A Wikidata time value as an ISO date; month/year precision widen to the period's edge."""
    value = _value(snak)
    if not isinstance(value, dict) or "time" not in value:
        return None
    raw = value["time"].lstrip("+")
    if raw.startswith("-"):
        return None
    year, month, day = raw[:4], raw[5:7], raw[8:10]
    precision = int(value.get("precision", 11))
    if precision <= 9 or month == "00":
        return f"{year}-12-31" if end else f"{year}-01-01"
    if precision == 10 or day == "00":
        if end:
            import calendar

            return f"{year}-{month}-{calendar.monthrange(int(year), int(month))[1]:02d}"
        return f"{year}-{month}-01"
    return f"{year}-{month}-{day}"


def _label(entity: dict[str, Any], language: str) -> str | None:
    label = entity.get("labels", {}).get(language)
    return label.get("value") if isinstance(label, dict) else None


def iter_actors(
    path: str | Path,
    language: str = "en",
    report: WikidataReport | None = None,
    settings: dict[str, Any] | None = None,
) -> Iterator[Actor]:
    """Actors from a dump, streamed. Items that are not people, organisations or countries are skipped."""
    report = report if report is not None else WikidataReport()
    settings = settings if settings is not None else read_yaml(DATA_DIR / "wikidata.yaml")
    kinds: dict[str, str] = dict(settings.get("instance_of") or {})
    countries: dict[str, str] = dict(settings.get("countries") or {})
    sector = str(settings.get("position_sector") or "GOV")
    position_labels: dict[str, str] = {}
    for entity in iter_entities(path, report):
        qid = entity.get("id", "")
        label = _label(entity, language)
        for claim in _claims(entity, "P298"):
            iso = _value(claim.get("mainsnak", {}))
            if isinstance(iso, str) and len(iso) == 3:
                countries[qid] = iso.upper()
        kind = None
        for claim in _claims(entity, "P31"):
            kind = kind or kinds.get(_item(claim.get("mainsnak", {})) or "")
        if kind is None:
            if (
                label
                and _claims(entity, "P1001")
                or any(_item(c.get("mainsnak", {})) == "Q4164871" for c in _claims(entity, "P31"))
            ):
                position_labels[qid] = label or qid  # a position: remember its name for P39 roles
            report.skipped += 1
            continue
        if not label:
            report.skipped += 1
            continue
        country = None
        for prop in ("P27", "P17", "P495"):
            for claim in _claims(entity, prop):
                target = _item(claim.get("mainsnak", {}))
                if target in countries:
                    country = countries[target]
                    break
            if country:
                break
        if kind == "country":
            country = countries.get(qid, country)
        roles = []
        for claim in _claims(entity, "P39"):
            position = _item(claim.get("mainsnak", {}))
            if not position:
                continue
            qualifiers = claim.get("qualifiers", {})
            start = next((_time(q) for q in qualifiers.get("P580", []) if _time(q)), None)
            end = next((_time(q, end=True) for q in qualifiers.get("P582", []) if _time(q, end=True)), None)
            code = (country or "") + sector
            roles.append(
                Role(
                    title=position_labels.get(position, position),
                    code=code,
                    country=country,
                    sectors=(sector,),
                    start=start,
                    end=end,
                    origin="imported",
                    evidence=(f"wikidata:{qid} P39 {position}",),
                )
            )
        aliases = tuple(a.get("value") for a in entity.get("aliases", {}).get(language, []) if a.get("value"))
        report.actors += 1
        report.roles += len(roles)
        yield Actor(
            id=f"wikidata/{qid}",
            name=label,
            kind=kind,
            country=country,
            aliases=aliases,
            roles=tuple(roles),
            wikidata=qid,
            code=country if kind == "country" else None,
            origin="imported",
        )


def load_wikidata(path: str | Path, language: str = "en") -> tuple[ActorKB, WikidataReport]:
    """An ``ActorKB`` holding the actors of a dump (the KB grows with the actors kept, not the dump)."""
    kb = ActorKB(name="wikidata")
    kb.sources.append(Path(path).name)
    report = WikidataReport()
    for actor in iter_actors(path, language, report):
        kb.add_actor(actor)
    return kb, report

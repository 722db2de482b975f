"""Events versus reports: event mentions aggregated into events with GDELT's counting semantics.

The same happening reported in several sentences, articles and wire copies is one event. This
module owns the rule that says when two mentions report the same event (``event_key``, which the
event coder calls for every mention it stores) and the aggregation of stored mentions into events:

* ``num_mentions``: mentions of the event, repeats in the same article included (GDELT NumMentions);
* ``num_sources``: distinct publications (GDELT NumSources);
* ``num_articles``: distinct articles (GDELT NumArticles) — distinct near-duplicate clusters when
  ``articles.cluster`` is set, so a wire story reprinted by twenty papers counts once.

The same-event rule (docs/events.md): same date, same source actor, same target actor, same CAMEO
code, and the same place when both mentions know it. The date is the mention's resolved date at
its precision, or the article's publication date when the sentence gives none; an actor is its
CAMEO actor code when it has one (GDELT semantics: "USAGOV" is one actor however it is named),
else its knowledge-base id, else its lower-cased name. A mention without a place joins the event
of the same (date, actors, code) that has one, when exactly one such event exists.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse

from tidings.types import stable_hash

KEY_VERSION = "event/1"


def _norm(value: str | None) -> str:
    return " ".join((value or "").lower().split())


def actor_identity(code: str | None = None, actor_id: str | None = None, name: str | None = None) -> str:
    """How an actor is compared across mentions: CAMEO code, else actor id, else its name."""
    return (code or actor_id or name or "").strip()


@functools.lru_cache(maxsize=65536)  # grouping asks for each mention's key several times
def event_key(
    date: str | None,
    source: str | None,
    target: str | None,
    cameo: str,
    scope: str = "",
    *,
    published: str | None = None,
    place: str | None = None,
) -> str:
    """The key two mentions share when they report the same event (see the module docstring).

    ``date`` is the mention's resolved date (ISO, any precision) or None; ``source`` and ``target``
    are actor identities (``actor_identity``: CAMEO code, else actor id, else name); ``published``
    is the article's publication date, used when the sentence gives no date; ``scope`` (the article
    id) is used only when neither date is known, so such a mention matches only inside its article;
    ``place`` is the gazetteer name of the place, None when the sentence names none.
    """
    when = date or published or (f"article:{scope}" if scope else "")
    return stable_hash(KEY_VERSION, when, _norm(source), _norm(target), cameo, _norm(place))


def key_of_row(row: dict[str, Any], with_place: bool = True) -> str:
    """``event_key`` of a stored mention row (events columns plus the article's ``published``)."""
    return event_key(
        row.get("date"),
        actor_identity(row.get("source_code"), row.get("source_actor_id"), row.get("source")),
        actor_identity(row.get("target_code"), row.get("target_actor_id"), row.get("target")),
        row.get("cameo") or "",
        scope=str(row.get("article_id") or ""),
        published=row.get("published"),
        place=row.get("place") if with_place else None,
    )


def source_of(row: dict[str, Any]) -> str:
    """The publication a mention came from: the publication name, else the URL's host, else the article."""
    publication = (row.get("publication") or "").strip()
    if publication:
        return "pub:" + publication.lower()
    url = row.get("url") or ""
    host = urlparse(url).netloc.lower().removeprefix("www.") if url else ""
    if host:
        return "host:" + host
    return "article:" + str(row.get("article_id"))


def report_of(row: dict[str, Any]) -> str:
    """The report a mention belongs to: its near-duplicate cluster when set, else its article."""
    cluster = row.get("cluster")
    return "cluster:" + cluster if cluster else "article:" + str(row.get("article_id"))


@dataclass
class Event:
    """One happening, aggregated from its mentions. Field values come from the earliest mention."""

    id: str
    date: str | None
    date_precision: str | None
    source: str | None
    source_actor_id: str | None
    source_code: str | None
    source_country: str | None
    target: str | None
    target_actor_id: str | None
    target_code: str | None
    target_country: str | None
    cameo: str
    cameo_base: str | None
    cameo_root: str | None
    quad_class: int | None
    goldstein: float | None
    plover_type: str | None
    plover_mode: str | None
    place: str | None
    place_country: str | None
    lat: float | None
    lon: float | None
    negated: bool
    modal: str | None
    historical: bool
    num_mentions: int
    num_sources: int
    num_articles: int
    first_article_id: str | None
    first_sentence: int | None
    first_published: str | None
    url: str | None
    mention_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)


_CARRIED = (
    "date",
    "date_precision",
    "source",
    "source_actor_id",
    "source_code",
    "source_country",
    "target",
    "target_actor_id",
    "target_code",
    "target_country",
    "cameo",
    "cameo_base",
    "cameo_root",
    "quad_class",
    "goldstein",
    "plover_type",
    "plover_mode",
    "modal",
)
_PLACE_FIELDS = ("place", "place_country", "lat", "lon")


def _order(row: dict[str, Any]) -> tuple[str, str, int, str]:
    return (
        row.get("published") or "9999",
        str(row.get("article_id")),
        int(row.get("sentence") or 0),
        str(row.get("id")),
    )


def group_mentions(rows: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Mentions grouped by the same-event rule, groups in order of their earliest mention."""
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    placeless: dict[str, list[dict[str, Any]]] = defaultdict(list)
    keys_by_base: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        base = key_of_row(row, with_place=False)
        if row.get("place"):
            key = key_of_row(row)
            by_key[key].append(row)
            keys_by_base[base].add(key)
        else:
            placeless[base].append(row)
    for base, members in placeless.items():
        known = keys_by_base.get(base, set())
        if len(known) == 1:
            by_key[next(iter(known))].extend(members)
        else:
            by_key[base].extend(members)  # no place known, or several: an event of its own
    groups = [sorted(members, key=_order) for members in by_key.values()]
    groups.sort(key=lambda g: _order(g[0]))
    return groups


def _placed(members: list[dict[str, Any]]) -> dict[str, Any]:
    """The mention an event takes its place from: the earliest that has one, else the first."""
    return next((m for m in members if m.get("place")), members[0])


def _event_id(members: list[dict[str, Any]], placed: dict[str, Any]) -> str:
    """An event's id: the key of its placed mention, or its first mention's key without a place."""
    return key_of_row(placed) if placed.get("place") else key_of_row(members[0], with_place=False)


def event_keys(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each mention's event id (the ``Event.id`` that ``aggregate_rows`` gives its event), without
    building the events: what the aggregation step after an ingest stores."""
    keys: dict[str, str] = {}
    for members in group_mentions(rows):
        event_id = _event_id(members, _placed(members))
        for m in members:
            keys[str(m.get("id"))] = event_id
    return keys


def aggregate_rows(rows: Iterable[dict[str, Any]]) -> list[Event]:
    """Events from mention rows (``tidings.store.event_queries`` rows: events columns + article fields)."""
    out: list[Event] = []
    for members in group_mentions(rows):
        first = members[0]
        placed = _placed(members)
        values = {name: first.get(name) for name in _CARRIED}
        values.update({name: placed.get(name) for name in _PLACE_FIELDS})
        article_ids = sorted({str(m.get("article_id")) for m in members})
        out.append(
            Event(
                id=_event_id(members, placed),
                **values,
                negated=all(bool(m.get("negated")) for m in members),
                historical=all(bool(m.get("historical")) for m in members),
                num_mentions=len(members),
                num_sources=len({source_of(m) for m in members}),
                num_articles=len({report_of(m) for m in members}),
                first_article_id=first.get("article_id"),
                first_sentence=first.get("sentence"),
                first_published=first.get("published"),
                url=next((m.get("url") for m in members if m.get("url")), None),
                mention_ids=[str(m.get("id")) for m in members],
                article_ids=article_ids,
            )
        )
    return out


def events_from_store(store: Any, **filters: Any) -> list[Event]:
    """Aggregated events from a store; filters as in ``tidings.store.event_queries.mention_query``."""
    from tidings.store.event_queries import event_mentions

    return aggregate_rows(event_mentions(store, **filters))


def aggregate(store: Any, full: bool | None = None, count: bool = True) -> int:
    """Give every stored mention the key of the event it reports; returns the number of events
    (with ``count=False``, which skips counting over the whole database: the mentions keyed).

    Runs after ingest (``tidings.run``): mentions of one event then share ``events.event_key``,
    so readers can group by it. Idempotent: running it again writes the same keys.

    Incremental: mentions are only ever grouped within one base key (the same-event key without
    the place), so only the bases of new mentions are regrouped, and memory and time follow the
    new mentions, not the database. A full pass (``full=True``, or when aggregated mentions were
    removed by rewriting an article, or for mentions keyed before bases were kept, or when no full
    pass has run on the database yet) regroups all.
    The keys are the same either way (tested).
    """
    from tidings.store.event_queries import (
        count_event_keys,
        iter_event_mentions,
        iter_unaggregated_mentions,
        mentions_of_bases,
        needs_full_regroup,
        set_event_keys,
        write_event_bases,
    )

    if full is None:
        full = needs_full_regroup(store)
    if full:
        rows = list(iter_event_mentions(store))
        bases = _bases(rows)
    else:
        fresh = list(iter_unaggregated_mentions(store))
        if not fresh:
            return count_event_keys(store) if count else 0
        bases = _bases(fresh)
        # the stored mentions of the bases the new ones touch, and the new ones (no base yet)
        rows = mentions_of_bases(store, [b["base"] for b in bases]) + fresh
    keys = event_keys(rows)
    # Keys first, bases (and, after a full pass, the flag that says one ran) last: a run killed
    # in between leaves mentions without bases, which the next run regroups; the other order
    # would leave them based but keyed by the event coder alone, and never regrouped.
    set_event_keys(store, keys)
    write_event_bases(store, bases, replace_all=full)
    return count_event_keys(store) if count else len(keys)


def _bases(rows: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "mention_id": str(r["id"]),
            "article_id": str(r["article_id"]),
            "base": key_of_row(r, with_place=False),
        }
        for r in rows
    ]


def is_aggregated(row: dict[str, Any]) -> bool:
    """Whether a row is an aggregated event (has counts) rather than a single mention."""
    return "num_mentions" in row


def as_events(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as aggregated event records: aggregated rows pass through, mention rows are aggregated."""
    materialised: Sequence[dict[str, Any]] = list(rows)
    if materialised and all(is_aggregated(r) for r in materialised):
        return list(materialised)
    return [e.to_record() for e in aggregate_rows(materialised)]

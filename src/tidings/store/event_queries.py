"""Readers for event mentions: the events table joined with the article fields event work needs.

The only SQL for events lives here (the store package speaks SQL; nothing else does). Readers
return plain dicts: every column of ``events`` plus ``published``, ``publication``, ``agency``,
``url``, ``cluster`` and ``title`` of the article the mention came from. Aggregation into events
(NumMentions, NumSources, NumArticles) is ``tidings.corpus.events``; the CLI and the exporters
read through these functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from tidings.store import (
    EVENTS_REGROUP,
    Store,
    _upsert,
    articles,
    chunks,
    event_bases,
    events,
    meta,
    select_in,
)

#: Article columns joined onto every mention row.
ARTICLE_FIELDS = ("published", "publication", "agency", "url", "cluster", "title")


def _actor_clause(prefix: str, value: str) -> sa.ColumnElement[bool]:
    """Mentions whose source (or target) is this actor: by name, actor id, CAMEO code or country."""
    name = events.c[prefix]
    code = events.c[f"{prefix}_code"]
    country = events.c[f"{prefix}_country"]
    actor_id = events.c[f"{prefix}_actor_id"]
    upper = value.upper()
    clauses: list[sa.ColumnElement[bool]] = [
        sa.func.lower(name) == value.lower(),
        sa.func.lower(name).contains(value.lower(), autoescape=True),
        actor_id == value,
    ]
    if value.isalpha() and 3 <= len(value) <= 12 and value == upper:
        # A CAMEO code: "USA" matches USA, USAGOV, USAMIL; a country code matches the country column.
        clauses.append(code.startswith(upper, autoescape=True))
        clauses.append(country == upper)
    return sa.or_(*clauses)


def _date_clause(since: str | None, until: str | None) -> list[sa.ColumnElement[bool]]:
    """Filters on the event date, falling back to the publication date when the date is unknown.

    Dates of reduced precision ("2024-03", "2024") compare by their first day for ``since`` and
    by their own prefix for ``until``, so an event dated "March 2024" is kept by
    ``since=2024-03-15`` (it may have happened then) and by ``until=2024-03-01``.
    """
    when = sa.func.coalesce(events.c.date, articles.c.published)
    out: list[sa.ColumnElement[bool]] = []
    if since:
        out.append(sa.or_(when >= since, when == since[:7], when == since[:4]))
    if until:
        out.append(sa.or_(when <= until, sa.func.substr(until, 1, sa.func.length(when)) == when))
    return out


def mention_query(
    *,
    actor: str | None = None,
    dyad: Sequence[str] | None = None,
    root: str | None = None,
    cameo: str | None = None,
    since: str | None = None,
    until: str | None = None,
    article_id: str | None = None,
    include_historical: bool = True,
) -> sa.Select[Any]:
    """The SELECT for event mentions with their article fields, filtered and in a stable order.

    ``dyad`` is two actors in either direction (A on B or B on A); ``root`` a two-digit CAMEO
    root; ``cameo`` a code prefix ("04" matches 040–046, "0212" only itself).
    """
    query = sa.select(events, *[articles.c[f] for f in ARTICLE_FIELDS]).select_from(
        events.join(articles, articles.c.id == events.c.article_id, isouter=True)
    )
    if actor:
        query = query.where(sa.or_(_actor_clause("source", actor), _actor_clause("target", actor)))
    if dyad:
        a, b = dyad
        query = query.where(
            sa.or_(
                sa.and_(_actor_clause("source", a), _actor_clause("target", b)),
                sa.and_(_actor_clause("source", b), _actor_clause("target", a)),
            )
        )
    if root:
        query = query.where(events.c.cameo_root == root)
    if cameo:
        query = query.where(events.c.cameo.startswith(cameo, autoescape=True))
    if article_id:
        query = query.where(events.c.article_id == article_id)
    if not include_historical:
        query = query.where(events.c.historical == sa.false())
    for clause in _date_clause(since, until):
        query = query.where(clause)
    return query.order_by(
        sa.func.coalesce(events.c.date, articles.c.published),
        events.c.article_id,
        events.c.sentence,
        events.c.id,
    )


def event_mentions(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """Event mentions with their article fields; filters as in ``mention_query``."""
    return list(iter_event_mentions(store, **filters))


def iter_event_mentions(store: Store, **filters: Any) -> Iterator[dict[str, Any]]:
    """Stream event mentions with their article fields (for exports of large databases)."""
    query = mention_query(**filters)
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=500).execute(query)
        for row in result.mappings():
            yield dict(row)


def count_mentions_by_root(store: Store) -> list[tuple[str, int]]:
    """How many mentions each CAMEO root has, in root order."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(events.c.cameo_root, sa.func.count())
            .group_by(events.c.cameo_root)
            .order_by(events.c.cameo_root)
        )
        return [(r[0], int(r[1])) for r in rows]


def set_event_keys(store: Store, keys: dict[str, str]) -> int:
    """Write each mention's event key (mention id → key); only rows whose key changes are updated."""
    if not keys:
        return 0
    changed = 0
    with store.engine.begin() as conn:
        query = sa.select(events.c.id, events.c.event_key)
        current = {r[0]: r[1] for r in select_in(conn, query, events.c.id, keys)}
        stmt = (
            events.update()
            .where(events.c.id == sa.bindparam("mention_id"))
            .values(event_key=sa.bindparam("new_key"))
        )
        batch = [
            {"mention_id": mention_id, "new_key": key}
            for mention_id, key in keys.items()
            if mention_id in current and current[mention_id] != key
        ]
        for i in range(0, len(batch), 1000):
            conn.execute(stmt, batch[i : i + 1000])
        changed = len(batch)
    return changed


# ---- incremental aggregation (tidings.corpus.events.aggregate) --------------------------------

_HAS_BASE = sa.exists().where(event_bases.c.mention_id == events.c.id)


def needs_full_regroup(store: Store) -> bool:
    """Whether event keys must be regrouped over every mention: no full pass has run on this
    database yet (a new one, or one whose mentions were keyed before bases were kept), or
    aggregated mentions were removed since (an article was rewritten). The flag is "0" only after
    a full pass."""
    with store.engine.connect() as conn:
        flag = conn.execute(sa.select(meta.c.value).where(meta.c.key == EVENTS_REGROUP)).scalar()
    return flag != "0"


def iter_unaggregated_mentions(store: Store) -> Iterator[dict[str, Any]]:
    """Mention rows (as ``iter_event_mentions``) that have no base key yet: the new ones."""
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=500).execute(
            mention_query().where(~_HAS_BASE)
        )
        for row in result.mappings():
            yield dict(row)


def mentions_of_bases(store: Store, bases: Sequence[str]) -> list[dict[str, Any]]:
    """Every mention row whose base key is one of ``bases``."""
    with store.engine.connect() as conn:
        return [
            dict(r._mapping)
            for chunk in chunks(sorted(set(bases)))
            for r in conn.execute(
                mention_query().where(
                    events.c.id.in_(sa.select(event_bases.c.mention_id).where(event_bases.c.base.in_(chunk)))
                )
            )
        ]


def write_event_bases(store: Store, rows: Sequence[dict[str, str]], replace_all: bool = False) -> None:
    """Store mentions' base keys (keys: mention_id, article_id, base); ``replace_all`` first drops
    every stored base and clears the full-regroup flag."""
    with store.engine.begin() as conn:
        if replace_all:
            conn.execute(event_bases.delete())
            _upsert(conn, meta, [{"key": EVENTS_REGROUP, "value": "0"}])
        ordered = sorted(rows, key=lambda r: r["mention_id"])
        for i in range(0, len(ordered), 1000):
            _upsert(conn, event_bases, ordered[i : i + 1000])


def count_event_keys(store: Store) -> int:
    """How many distinct events (event keys) the mentions form."""
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count(sa.distinct(events.c.event_key)))).scalar_one())

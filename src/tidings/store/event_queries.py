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

from tidings.store import Store, articles, events

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
        current = dict(conn.execute(sa.select(events.c.id, events.c.event_key)).all())
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

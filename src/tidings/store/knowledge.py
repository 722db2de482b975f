"""Store functions for the actor knowledge base: the ``actors``, ``actor_roles`` and
``actor_role_evidence`` tables (defined in ``tidings.store``).

- ``import_kb`` writes a loaded ``ActorKB`` (shipped, user or imported dictionaries) into the database;
- ``write_learned_roles`` accumulates roles learned from articles: one evidence row per (role,
  article), so the role's ``count`` is the number of articles that state it and ``start``/``end``
  the first and last publication dates it was seen; re-running an article changes nothing;
- ``find_actors`` reads actors with their roles over time for ``tidings actors`` and the web layer.

A learned role never overwrites a curated one: it gets its own row (origin ``learned``) and, when it
disagreed with a curated role held that day, its evidence says so (``conflict``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tidings.knowledge.kb import Actor, ActorKB, LearnedRole, Role
from tidings.store import Store, _upsert, actor_role_evidence, actor_roles, actors, select_in
from tidings.types import spans_to_json, stable_hash

# Evidence entries kept inline in actor_roles.evidence (all of them stay in actor_role_evidence).
INLINE_EVIDENCE = 5


def role_id(actor_id: str, role: Role) -> str:
    return stable_hash("role/1", actor_id, role.title.lower(), role.code, role.origin, role.start, role.end)


def _actor_row(actor: Actor, roles_json: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "country": actor.country,
        "sectors": json.dumps(list(actor.sectors)),
        "aliases": json.dumps(list(actor.aliases), ensure_ascii=False),
        "wikidata": actor.wikidata,
        "origin": actor.origin,
        "code": "/".join(actor.default_codes) or None,  # PETRARCH style: "FRO/BIL/SAM", primary first
        "roles": json.dumps(roles_json, ensure_ascii=False, sort_keys=True),
    }


def import_kb(store: Store, kb: ActorKB) -> tuple[int, int]:
    """Write every actor of ``kb`` and its roles; returns (actors, roles) written. Learned roles
    already in the database are kept."""
    actor_rows: list[dict[str, Any]] = []
    role_rows: list[dict[str, Any]] = []
    for actor in kb:
        roles_json = []
        for role in actor.roles:
            roles_json.append({k: v for k, v in role.to_dict().items() if k != "evidence"} | {"count": 1})
            role_rows.append(
                {
                    "id": role_id(actor.id, role),
                    "actor_id": actor.id,
                    "title": role.title,
                    "code": role.code,
                    "country": role.country,
                    "sectors": json.dumps(list(role.sectors)),
                    "start": role.start,
                    "end": role.end,
                    "origin": role.origin,
                    "evidence": json.dumps([{"source": e} for e in role.evidence], ensure_ascii=False),
                    "count": 1,
                }
            )
        actor_rows.append(_actor_row(actor, roles_json))
    with store.engine.begin() as conn:
        for i in range(0, len(actor_rows), 500):
            _upsert(conn, actors, actor_rows[i : i + 500])
        for i in range(0, len(role_rows), 500):
            _upsert(conn, actor_roles, role_rows[i : i + 500])
        _refresh_roles_json_many(conn, sorted({r["actor_id"] for r in role_rows}))
    return len(actor_rows), len(role_rows)


def write_learned_roles(store: Store | Connection, roles: Iterable[LearnedRole]) -> int:
    """Accumulate learned roles (from ``Findings.learned_roles``); returns how many were written.

    Pass a ``Store`` or, to share the article's transaction, an open ``Connection``.
    """
    items = list(roles)
    if not items:
        return 0
    if isinstance(store, Store):
        with store.engine.begin() as conn:
            return _write_learned(conn, items)
    return _write_learned(store, items)


def _write_learned(conn: Connection, items: list[LearnedRole]) -> int:
    # Cost per article must not grow with the corpus: a role seen in 10,000 articles is updated
    # from an aggregate (count, first and last date) and a bounded read of inline evidence, never
    # by re-reading all its evidence.
    actor_ids = sorted({role.actor_id for role in items})
    known = {row[0] for row in conn.execute(sa.select(actors.c.id).where(actors.c.id.in_(actor_ids)))}
    new_actors: dict[str, LearnedRole] = {}
    for role in items:
        if role.actor_id not in known:
            new_actors.setdefault(role.actor_id, role)
    if new_actors:
        conn.execute(
            actors.insert(),
            [
                {
                    "id": role.actor_id,
                    "name": role.name,
                    "kind": role.kind,
                    "country": role.country,
                    "sectors": json.dumps([]),
                    "aliases": json.dumps([]),
                    "wikidata": None,
                    "origin": "learned",
                    "code": None,
                    "roles": "[]",
                }
                for role in new_actors.values()
            ],
        )
    evidence = {
        (role.role_id, role.article_id): {
            "role_id": role.role_id,
            "article_id": role.article_id,
            "date": role.date,
            "spans": spans_to_json(list(role.spans)),
            "text": role.text
            + (f" [{role.inferred}]" if role.inferred else "")
            + (f" [conflict: {role.conflict}]" if role.conflict else ""),
        }
        for role in items
    }
    _upsert(conn, actor_role_evidence, [evidence[k] for k in sorted(evidence)])
    touched = {role.role_id: role for role in items}
    e = actor_role_evidence
    rids = sorted(touched)
    # The aggregate (count, first and last date) of all roles of the batch in one statement (an
    # index-only read), then the first INLINE_EVIDENCE rows of each (see _first_evidence).
    aggregates = {
        row[0]: (row[1], row[2], row[3])
        for row in conn.execute(
            sa.select(e.c.role_id, sa.func.count(), sa.func.min(e.c.date), sa.func.max(e.c.date))
            .where(e.c.role_id.in_(rids))
            .group_by(e.c.role_id)
        )
    }
    inline_of = _first_evidence(conn, rids, {rid: aggregates.get(rid, (0,))[0] for rid in rids})
    role_rows = []
    for rid in rids:
        role = touched[rid]
        count, first, last = aggregates.get(rid, (0, None, None))
        inline = inline_of[rid]
        role_rows.append(
            {
                "id": rid,
                "actor_id": role.actor_id,
                "title": role.title,
                "code": role.code,
                "country": role.country,
                "sectors": json.dumps(list(role.sectors)),
                "start": first,
                "end": last,
                "origin": "learned",
                "evidence": json.dumps(inline, ensure_ascii=False),
                "count": int(count),
            }
        )
    _upsert(conn, actor_roles, role_rows)
    _refresh_roles_json_many(conn, sorted({r.actor_id for r in touched.values()}))
    return len(items)


# Roles with more evidence rows than this read their first rows one role at a time through
# ix_actor_role_evidence_order (a bounded read); the others share one ranking statement, which
# reads every row of its roles (fewer statements for the many roles stated a few times).
RANKED_READ_MAX_ROWS = 50


def _first_evidence(
    conn: Connection, rids: list[str], counts: dict[str, int]
) -> dict[str, list[dict[str, Any]]]:
    """The first INLINE_EVIDENCE evidence entries of each role, in (date, article_id) order.

    Both ways order by the same SQL, so they give the same rows. Ranking every row of a role
    cost ~85 ms per batch once the role had 50,000 evidence rows (SQLite): a role stated in
    every article would have made each batch slower than the last.
    """
    e = actor_role_evidence
    out: dict[str, list[dict[str, Any]]] = {rid: [] for rid in rids}
    few = [rid for rid in rids if counts.get(rid, 0) <= RANKED_READ_MAX_ROWS]
    many = [rid for rid in rids if counts.get(rid, 0) > RANKED_READ_MAX_ROWS]
    rows: list[Any] = []
    if few:
        rank = sa.func.row_number().over(partition_by=e.c.role_id, order_by=(e.c.date, e.c.article_id))
        ranked = sa.select(e, rank.label("rank")).where(e.c.role_id.in_(few)).subquery()
        query = (
            sa.select(ranked)
            .where(ranked.c.rank <= INLINE_EVIDENCE)
            .order_by(ranked.c.role_id, ranked.c.rank)
        )
        rows.extend(conn.execute(query).mappings())
    for rid in many:
        query = (
            sa.select(e).where(e.c.role_id == rid).order_by(e.c.date, e.c.article_id).limit(INLINE_EVIDENCE)
        )
        rows.extend(conn.execute(query).mappings())
    for row in rows:
        out[row["role_id"]].append(
            {
                "article_id": row["article_id"],
                "date": row["date"],
                "spans": json.loads(row["spans"] or "[]"),
                "text": row["text"],
            }
        )
    return out


def _refresh_roles_json_many(conn: Connection, actor_ids: list[str]) -> None:
    """Rewrite ``actors.roles`` (the role summary, oldest first) of these actors from their role
    rows: one read per chunk of actors and one batched update."""
    if not actor_ids:
        return
    rows_of: dict[str, list[Any]] = {actor_id: [] for actor_id in actor_ids}
    query = sa.select(actor_roles).order_by(
        actor_roles.c.actor_id, actor_roles.c.start, actor_roles.c.origin, actor_roles.c.id
    )
    for r in select_in(conn, query, actor_roles.c.actor_id, actor_ids):
        rows_of[r._mapping["actor_id"]].append(r._mapping)
    updates = [
        {
            "target_id": actor_id,
            "summary": json.dumps(
                [
                    {
                        "title": r["title"],
                        "code": r["code"],
                        "country": r["country"],
                        "start": r["start"],
                        "end": r["end"],
                        "origin": r["origin"],
                        "count": r["count"],
                    }
                    for r in rows_of[actor_id]
                ],
                ensure_ascii=False,
                sort_keys=True,
            ),
        }
        for actor_id in actor_ids
    ]
    conn.execute(
        actors.update().where(actors.c.id == sa.bindparam("target_id")).values(roles=sa.bindparam("summary")),
        updates,
    )


def find_actors(store: Store, name: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Actors whose id, name or aliases contain ``name`` (all when None), each with ``roles``
    (every role row, oldest first, evidence decoded)."""
    query = sa.select(actors).order_by(actors.c.kind, actors.c.name).limit(limit)
    if name:
        needle = f"%{name.lower()}%"
        query = query.where(
            sa.or_(
                actors.c.id == name,
                sa.func.lower(actors.c.name).like(needle),
                sa.func.lower(actors.c.aliases).like(needle),
            )
        )
    with store.engine.connect() as conn:
        found = [dict(r) for r in conn.execute(query).mappings()]
        for actor in found:
            rows = conn.execute(
                sa.select(actor_roles)
                .where(actor_roles.c.actor_id == actor["id"])
                .order_by(actor_roles.c.start, actor_roles.c.id)
            ).mappings()
            actor["aliases"] = json.loads(actor["aliases"] or "[]")
            actor["sectors"] = json.loads(actor["sectors"] or "[]")
            actor["roles"] = [
                dict(r)
                | {"evidence": json.loads(r["evidence"] or "[]"), "sectors": json.loads(r["sectors"] or "[]")}
                for r in rows
            ]
    return found


def has_curated_actors(store: Store) -> bool:
    """Whether the knowledge base has been imported into this database already."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(actors.c.id).where(actors.c.origin != "learned").limit(1)).first()
    return row is not None

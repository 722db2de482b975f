"""The store: the only module that speaks SQL.

One schema (SQLAlchemy Core) on SQLite (the default, a file path) and PostgreSQL (a
``postgresql://`` URL). Writes are idempotent and keyed by stable ids: writing an article again
replaces its findings rather than adding to them. Readers used by the CLI, API, web and export
layers live here too, so no other module builds queries.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tidings.errors import TidingsError
from tidings.types import Article, Finding, Findings, Rejected, StoreRows, Versions

SCHEMA_VERSION = 2  # 2: article_signatures, article_bands, event_bases (added tables, no migration step)

metadata = sa.MetaData()

# Texts: SQLite ignores lengths; PostgreSQL gets unbounded TEXT everywhere.
T = sa.Text

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", T, primary_key=True),
    sa.Column("value", T, nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", T, primary_key=True),
    sa.Column("external_id", T),
    sa.Column("source", T, nullable=False),
    sa.Column("member", T),
    sa.Column("format", T, nullable=False),
    sa.Column("publication", T),
    sa.Column("edition", T),
    sa.Column("title", T),
    sa.Column("byline", T),
    sa.Column("agency", T),
    sa.Column("dateline", T),
    sa.Column("published", T),  # ISO date or NULL when unknown
    sa.Column("date_source", T),
    sa.Column("language", T),
    sa.Column("country", T),
    sa.Column("url", T),
    sa.Column("cluster", T),
    sa.Column("word_count", sa.Integer, nullable=False),
    sa.Column("text", T, nullable=False),
    sa.Column("versions", T),  # JSON of tidings.types.Versions that produced the findings
    sa.Index("ix_articles_published", "published"),
    sa.Index("ix_articles_publication", "publication"),
    sa.Index("ix_articles_cluster", "cluster"),
)

rejected = sa.Table(
    "rejected",
    metadata,
    sa.Column("id", T, primary_key=True),
    sa.Column("source", T, nullable=False),
    sa.Column("member", T),
    sa.Column("line", sa.Integer),
    sa.Column("code", T, nullable=False),
    sa.Column("reason", T, nullable=False),
)


def _finding_columns() -> list[sa.Column[Any]]:
    """The provenance columns every finding table starts with."""
    return [
        sa.Column("id", T, primary_key=True),
        sa.Column("article_id", T, nullable=False, index=True),
        sa.Column("sentence", sa.Integer, nullable=False),
        sa.Column("spans", T, nullable=False),  # JSON [[start, end], ...] into article text
        sa.Column("rule", T, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    ]


entities = sa.Table(
    "entities",
    metadata,
    *_finding_columns(),
    sa.Column("label", T, nullable=False),
    sa.Column("text", T, nullable=False),
)

# ---- actors (tidings.extract.actors / tidings.knowledge) -----------------------------------
actor_mentions = sa.Table(
    "actor_mentions",
    metadata,
    *_finding_columns(),
    sa.Column("text", T, nullable=False),
    sa.Column("actor_id", T, index=True),
    sa.Column("name", T),
    sa.Column("kind", T),
    sa.Column("code", T),
    sa.Column("country", T),
    sa.Column("sectors", T),  # JSON list
    sa.Column("role", T),
    sa.Column("referent", sa.Integer),  # in-document coreference chain number
)

actors = sa.Table(
    "actors",
    metadata,
    sa.Column("id", T, primary_key=True),
    sa.Column("name", T, nullable=False),
    sa.Column("kind", T, nullable=False),
    sa.Column("country", T),
    sa.Column("sectors", T),  # JSON list
    sa.Column("aliases", T),  # JSON list
    sa.Column("wikidata", T),
    sa.Column("origin", T, nullable=False),  # curated, imported, learned
    sa.Column("code", T),  # code when no role applies (a country's or IGO's own code)
    sa.Column("roles", T),  # JSON list of roles (title, code, start, end, origin, count), for export
)

actor_roles = sa.Table(
    "actor_roles",
    metadata,
    sa.Column("id", T, primary_key=True),
    sa.Column("actor_id", T, nullable=False, index=True),
    sa.Column("title", T),
    sa.Column("code", T),
    sa.Column("country", T),
    sa.Column("sectors", T),
    sa.Column("start", T),
    sa.Column("end", T),
    sa.Column("origin", T, nullable=False),
    sa.Column("evidence", T),  # JSON list of {article_id, spans, date}
    sa.Column("count", sa.Integer, nullable=False, server_default="1"),
)

# One row per (learned role, article): re-running an article does not inflate counts.
actor_role_evidence = sa.Table(
    "actor_role_evidence",
    metadata,
    sa.Column("role_id", T, primary_key=True),
    sa.Column("article_id", T, primary_key=True),
    sa.Column("date", T),
    sa.Column("spans", T),
    sa.Column("text", T),
    # A role's evidence in its (date, article) order: its first rows, count and date range are read
    # from this index on every batch that states the role, without reading all its rows.
    sa.Index("ix_actor_role_evidence_order", "role_id", "date", "article_id"),
)

# ---- quotes (tidings.extract.quotes) --------------------------------------------------------
quotes = sa.Table(
    "quotes",
    metadata,
    *_finding_columns(),
    sa.Column("kind", T, nullable=False),  # direct, indirect, mixed
    sa.Column("speaker", T),  # resolved name (or the descriptive phrase for unnamed speakers)
    sa.Column("speaker_text", T),  # the words in the sentence
    sa.Column("speaker_spans", T),
    sa.Column("speaker_actor_id", T, index=True),
    sa.Column("speaker_org", T),  # organisation/country named by an unnamed speaker
    sa.Column("cue", T),
    sa.Column("cue_spans", T),
    sa.Column("content", T, nullable=False),
    sa.Column("content_spans", T, nullable=False),
    sa.Column("medium", T),
    sa.Column("addressee", T),
    sa.Column("shape", T),
)


def read_quotes(
    store: Store,
    speaker: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Quotes with their article's date and publication, newest first.

    ``speaker`` matches the resolved speaker or the speaker's words, case-insensitively, as a
    substring; ``since`` keeps articles published on or after that ISO date.
    """
    query = (
        sa.select(quotes, articles.c.published, articles.c.publication, articles.c.title)
        .join(articles, articles.c.id == quotes.c.article_id)
        .order_by(articles.c.published.desc(), quotes.c.article_id, quotes.c.sentence, quotes.c.id)
    )
    if speaker:
        pattern = f"%{speaker.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(quotes.c.speaker).like(pattern),
                sa.func.lower(quotes.c.speaker_text).like(pattern),
            )
        )
    if since:
        query = query.where(articles.c.published >= since)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


# ---- events (tidings.extract.events) --------------------------------------------------------
events = sa.Table(
    "events",
    metadata,
    *_finding_columns(),
    sa.Column("source", T),
    sa.Column("source_actor_id", T, index=True),
    sa.Column("source_code", T),
    sa.Column("source_country", T),
    sa.Column("target", T),
    sa.Column("target_actor_id", T, index=True),
    sa.Column("target_code", T),
    sa.Column("target_country", T),
    sa.Column("cameo", T, nullable=False),
    sa.Column("cameo_base", T),
    sa.Column("cameo_root", T),
    sa.Column("quad_class", sa.Integer),
    sa.Column("goldstein", sa.Float),
    sa.Column("plover_type", T),
    sa.Column("plover_mode", T),
    sa.Column("date", T),
    sa.Column("date_precision", T),
    sa.Column("place", T),
    sa.Column("place_country", T),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("negated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("modal", T),
    sa.Column("historical", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("quote_id", T),
    sa.Column("event_key", T, index=True),  # same happening ⇒ same key (see docs/events.md)
    sa.Index("ix_events_dyad", "source_country", "target_country"),
    sa.Index("ix_events_cameo", "cameo_root", "cameo"),
    sa.Index("ix_events_date", "date"),
)

# Near-duplicate detection (tidings.corpus.clusters): each article's MinHash signature and its LSH
# band keys, computed once, so that clustering new articles reads only their candidates (memory and
# time per ingest do not grow with the database).
article_signatures = sa.Table(
    "article_signatures",
    metadata,
    sa.Column("article_id", T, primary_key=True),
    sa.Column("method", T, nullable=False),  # shingling and MinHash settings; others are recomputed
    sa.Column("size", sa.Integer, nullable=False),  # number of distinct shingles
    sa.Column("exact", T, nullable=False),  # hash of the word sequence
    sa.Column("minhash", sa.LargeBinary, nullable=False),
    sa.Index("ix_article_signatures_exact", "exact"),
)
article_bands = sa.Table(
    "article_bands",
    metadata,
    sa.Column("key", T, primary_key=True),  # LSH band number and the band's hash values
    sa.Column("article_id", T, primary_key=True),
    sa.Index("ix_article_bands_article", "article_id"),
)

# Event aggregation (tidings.corpus.events.aggregate): each aggregated mention's base key, the
# same-event key without the place. Mentions are only ever grouped within one base, so after an
# ingest only the bases its new mentions touch are regrouped.
event_bases = sa.Table(
    "event_bases",
    metadata,
    sa.Column("mention_id", T, primary_key=True),
    sa.Column("article_id", T, nullable=False, index=True),
    sa.Column("base", T, nullable=False, index=True),
)

FINDING_TABLES: dict[str, sa.Table] = {
    "entities": entities,
    "actor_mentions": actor_mentions,
    "quotes": quotes,
    "events": events,
}


def is_url(db: str) -> bool:
    return "://" in db


def engine_for(db: str | Path, readonly: bool = False) -> Engine:
    """An engine for a SQLite path or a database URL (``postgresql://...``)."""
    db = str(db)
    if is_url(db):
        url = db
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return sa.create_engine(url, future=True, pool_pre_ping=True)
    path = Path(db)
    if readonly:
        if not path.exists():
            raise TidingsError("E101", path=db)
        uri = f"file:{path.resolve()}?mode=ro"
        return sa.create_engine("sqlite:///" + uri + "&uri=true", future=True)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}", future=True)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


class Store:
    """A tidings database. Open with ``Store.open(path_or_url)``; one writer at a time."""

    def __init__(self, engine: Engine, readonly: bool = False) -> None:
        self.engine = engine
        self.readonly = readonly

    @classmethod
    def open(cls, db: str | Path, readonly: bool = False) -> Store:
        try:
            engine = engine_for(db, readonly=readonly)
            store = cls(engine, readonly=readonly)
            if not readonly:
                store.create()
            else:
                with engine.connect() as conn:
                    conn.execute(sa.select(meta.c.value).limit(1))
        except TidingsError:
            raise
        except sa.exc.OperationalError as exc:
            raise TidingsError("E102", db=str(db), detail=str(exc.orig).strip()) from exc
        except sa.exc.ArgumentError as exc:
            raise TidingsError("E103", db=str(db), detail=str(exc)) from exc
        return store

    def create(self) -> None:
        """Create the schema, or upgrade an older database to SCHEMA_VERSION (tidings.store.migrations)."""
        from tidings.store.migrations import upgrade

        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing ------------------------------------------------------------------------

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these article ids are already stored."""
        with self.engine.connect() as conn:
            return {r[0] for r in select_in(conn, sa.select(articles.c.id), articles.c.id, ids)}

    def write(
        self,
        items: Iterable[tuple[Article, Findings | StoreRows]],
        versions: Versions | None = None,
    ) -> int:
        """Store articles with their findings in one transaction; replaces earlier findings.

        A batch costs a fixed number of statements (one upsert of the articles, one delete and one
        multi-row insert per finding table), not a number that grows with its articles.
        """
        # Sorted by id so concurrent PostgreSQL writers take row locks in the same order.
        batch = sorted(items, key=lambda item: item[0].id)
        if not batch:
            return 0
        version_json = versions.to_json() if versions else None
        article_rows = []
        for article, _ in batch:
            record = article_record(article)
            record["versions"] = version_json
            article_rows.append(record)
        by_table: dict[str, list[dict[str, Any]]] = {name: [] for name in FINDING_TABLES}
        columns: dict[str, set[str]] = {}  # each table's column names, looked up once
        learned: list[Any] = []
        signatures: list[dict[str, Any]] = []
        bands: list[dict[str, str]] = []
        for _, findings in batch:
            for name, rows in finding_rows(findings, columns).items():
                by_table[name].extend(rows)
            learned.extend(findings.learned_roles)
            if isinstance(findings, StoreRows) and findings.signature is not None:
                signatures.append(findings.signature)
                bands.extend(findings.bands)
        ids = [row["id"] for row in article_rows]
        with self.engine.begin() as conn:
            _upsert(conn, articles, article_rows)
            forget_signatures(conn, ids)
            _insert_signatures(conn, signatures, bands)
            for name, rows in by_table.items():
                table = FINDING_TABLES[name]
                delete_in(conn, table, table.c.article_id, ids)
                insert_rows(conn, table, rows)
            if learned:
                from tidings.store.knowledge import write_learned_roles

                write_learned_roles(conn, learned)
            self.set_corpus_steps_pending(True, conn)
        return len(batch)

    def corpus_steps_pending(self) -> bool:
        """Whether articles were written since the corpus steps (clusters, event keys, search
        index) last ran."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.key == "corpus_steps_pending")).first()
        return row is not None and row[0] == "1"

    def set_corpus_steps_pending(self, pending: bool, conn: Connection | None = None) -> None:
        row = {"key": "corpus_steps_pending", "value": "1" if pending else "0"}
        if conn is not None:
            _upsert(conn, meta, [row])
            return
        with self.engine.begin() as own:
            _upsert(own, meta, [row])

    def write_rejected(self, items: Iterable[Rejected]) -> int:
        rows = [rejected_record(r) for r in items]
        if rows:
            rows.sort(key=lambda r: r["id"])  # same lock order for concurrent writers
            with self.engine.begin() as conn:
                _upsert(conn, rejected, rows)
        return len(rows)

    def set_clusters(self, assignments: dict[str, str]) -> int:
        """Write ``articles.cluster``; only rows whose cluster changes are updated. Returns how many."""
        with self.engine.begin() as conn:
            current = _clusters_of(conn, list(assignments))
            changed = [
                {"key": a, "cluster": assignments[a]}
                for a in sorted(assignments)
                if a in current and current[a] != assignments[a]
            ]
            if changed:
                stmt = (
                    articles.update()
                    .where(articles.c.id == sa.bindparam("key"))
                    .values(cluster=sa.bindparam("cluster"))
                )
                conn.execute(stmt, changed)
        return len(changed)

    def merge_clusters(self, old: Sequence[str], new: str) -> None:
        """Give every article of the clusters ``old`` the cluster id ``new``."""
        with self.engine.begin() as conn:
            for chunk in chunks(sorted(set(old))):
                conn.execute(articles.update().where(articles.c.cluster.in_(chunk)).values(cluster=new))

    def clusters_of(self, ids: Sequence[str]) -> dict[str, str | None]:
        """The stored cluster of each of these articles (None where none is stored yet)."""
        with self.engine.connect() as conn:
            return _clusters_of(conn, ids)

    def signature_methods(self) -> set[str]:
        """The methods the stored signatures were made with."""
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(sa.select(article_signatures.c.method).distinct())}

    def reset_signatures(self) -> None:
        """Forget every signature, band and cluster (the signature method changed)."""
        with self.engine.begin() as conn:
            conn.execute(article_bands.delete())
            conn.execute(article_signatures.delete())
            conn.execute(articles.update().values(cluster=None))

    def unclustered_ids(self, limit: int = 500) -> list[str]:
        """Up to ``limit`` ids (the smallest first) of articles that have no cluster yet."""
        query = (
            sa.select(articles.c.id).where(articles.c.cluster.is_(None)).order_by(articles.c.id).limit(limit)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def texts(self, ids: Sequence[str]) -> list[tuple[str, str]]:
        """(id, text) of these articles, in id order."""
        with self.engine.connect() as conn:
            query = sa.select(articles.c.id, articles.c.text)
            return sorted((row[0], row[1]) for row in select_in(conn, query, articles.c.id, ids))

    def write_signatures(self, rows: list[dict[str, Any]], bands: list[dict[str, str]]) -> None:
        """Store signatures (keys: article_id, method, size, exact, minhash) and the LSH band keys
        of their articles (keys: key, article_id), replacing any the articles had."""
        if not rows:
            return
        ids = [r["article_id"] for r in rows]
        with self.engine.begin() as conn:
            for table in (article_signatures, article_bands):
                delete_in(conn, table, table.c.article_id, ids)
            _insert_signatures(conn, rows, bands)

    def band_neighbours(self, ids: Sequence[str]) -> list[tuple[str, str]]:
        """(article_id, other) for each article of ``ids`` and each other stored article that
        shares one of its LSH band keys: a self-join in the database (through the key index),
        rather than sending every band key of the new articles to it and back."""
        mine, other = article_bands.alias("mine"), article_bands.alias("other")
        query = (
            sa.select(mine.c.article_id, other.c.article_id)
            .distinct()
            .join_from(mine, other, other.c.key == mine.c.key)
            .where(other.c.article_id != mine.c.article_id)
        )
        with self.engine.connect() as conn:
            return [(r[0], r[1]) for r in select_in(conn, query, mine.c.article_id, ids)]

    def exact_matches(self, exacts: Sequence[str]) -> list[tuple[str, str]]:
        """(exact, article_id) of stored signatures whose word-sequence hash is among ``exacts``."""
        s = article_signatures
        with self.engine.connect() as conn:
            return [
                (r[0], r[1]) for r in select_in(conn, sa.select(s.c.exact, s.c.article_id), s.c.exact, exacts)
            ]

    def signatures_of(self, ids: Sequence[str]) -> dict[str, tuple[str, int, str, bytes]]:
        """article_id -> (method, size, exact, minhash) of the stored signatures of these articles."""
        s = article_signatures
        query = sa.select(s.c.article_id, s.c.method, s.c.size, s.c.exact, s.c.minhash)
        with self.engine.connect() as conn:
            return {
                r[0]: (r[1], int(r[2]), r[3], bytes(r[4]))
                for r in select_in(conn, query, s.c.article_id, ids)
            }

    def cluster_summary(self) -> dict[str, int]:
        """Articles, clusters, clusters of more than one article and the articles in them."""
        c = sa.func.coalesce(articles.c.cluster, articles.c.id)
        sizes = sa.select(c.label("cluster"), sa.func.count().label("n")).group_by(c).subquery()
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    sa.func.coalesce(sa.func.sum(sizes.c.n), 0),
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(sa.case((sizes.c.n > 1, 1), else_=0)), 0),
                    sa.func.coalesce(sa.func.sum(sa.case((sizes.c.n > 1, sizes.c.n), else_=0)), 0),
                )
            ).one()
        return {
            "articles": int(row[0]),
            "clusters": int(row[1]),
            "multi_article_clusters": int(row[2]),
            "articles_in_multi_article_clusters": int(row[3]),
        }

    # ---- reading ------------------------------------------------------------------------

    def count(self, table: str) -> int:
        t = metadata.tables[table]
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())

    def summary(self) -> dict[str, Any]:
        """Counts that describe what the database holds (for `tidings ingest` and `tidings info`)."""
        out: dict[str, Any] = {name: self.count(name) for name in ("articles", "rejected")}
        for name in FINDING_TABLES:
            out[name] = self.count(name)
        with self.engine.connect() as conn:
            for column in ("publication", "agency", "language", "country"):
                c = articles.c[column]
                rows = conn.execute(
                    sa.select(c, sa.func.count()).group_by(c).order_by(sa.func.count().desc(), c).limit(10)
                )
                out[f"by_{column}"] = [[r[0], r[1]] for r in rows]
            rng = conn.execute(
                sa.select(sa.func.min(articles.c.published), sa.func.max(articles.c.published))
            ).first()
            out["published_range"] = [rng[0], rng[1]] if rng else [None, None]
            labels = conn.execute(
                sa.select(entities.c.label, sa.func.count())
                .group_by(entities.c.label)
                .order_by(sa.func.count().desc(), entities.c.label)
            )
            out["entities_by_label"] = [[r[0], r[1]] for r in labels]
            copies = (
                sa.select(articles.c.cluster)
                .where(articles.c.cluster.is_not(None))
                .group_by(articles.c.cluster)
                .having(sa.func.count() > 1)
                .subquery()
            )
            out["wire_copy_clusters"] = int(
                conn.execute(sa.select(sa.func.count()).select_from(copies)).scalar_one()
            )
            speakers = conn.execute(
                sa.select(quotes.c.speaker, sa.func.count())
                .where(quotes.c.speaker.is_not(None))
                .group_by(quotes.c.speaker)
                .order_by(sa.func.count().desc(), quotes.c.speaker)
                .limit(5)
            )
            out["top_speakers"] = [[r[0], r[1]] for r in speakers]
            roots = conn.execute(
                sa.select(events.c.cameo_root, sa.func.count())
                .group_by(events.c.cameo_root)
                .order_by(sa.func.count().desc(), events.c.cameo_root)
                .limit(6)
            )
            out["events_by_root"] = [[r[0], r[1]] for r in roots]
        return out

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article record by id, or by unique id prefix (at least 6 characters)."""
        with self.engine.connect() as conn:
            row = find_article(conn, article_id)
        return dict(row) if row is not None else None

    def findings_for(self, table: str, article_id: str) -> list[dict[str, Any]]:
        t = FINDING_TABLES[table]
        with self.engine.connect() as conn:
            rows = [
                dict(r) for r in conn.execute(sa.select(t).where(t.c.article_id == article_id)).mappings()
            ]
        # In reading order: by sentence, then by where the first evidence span starts.
        return sorted(rows, key=lambda r: (r["sentence"], json.loads(r["spans"] or "[[0,0]]")[0], r["id"]))

    def rows(self, table: str, order_by: Sequence[str] = ("id",)) -> Iterator[dict[str, Any]]:
        """Every row of a table in a stable order, streamed."""
        if table not in metadata.tables:
            raise TidingsError("E105", table=table, tables=", ".join(exportable_tables()))
        t = metadata.tables[table]
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=500).execute(
                sa.select(t).order_by(*[t.c[c] for c in order_by])
            )
            for row in result.mappings():
                yield dict(row)


def forget_signatures(conn: Connection, ids: Sequence[str]) -> None:
    """Drop what the corpus steps derived from articles being rewritten. Their upsert cleared their
    cluster, so the next clustering treats them as new (tidings.corpus.clusters); their event
    mentions are replaced, so event keys need a full regrouping (tidings.corpus.events)."""
    for table in (article_signatures, article_bands):
        delete_in(conn, table, table.c.article_id, ids)
    if delete_in(conn, event_bases, event_bases.c.article_id, ids):
        _upsert(conn, meta, [{"key": EVENTS_REGROUP, "value": "1"}])


# meta key: "0" after a full regrouping of event keys, "1" when aggregated mentions were removed
# (regroup everything); absent until the first full regrouping.
EVENTS_REGROUP = "events_regroup"


def _insert_signatures(
    conn: Connection, signatures: list[dict[str, Any]], bands: Sequence[dict[str, str]]
) -> None:
    """Insert near-duplicate signature rows and LSH band rows (the articles have none stored)."""
    insert_rows(conn, article_signatures, sorted(signatures, key=lambda r: r["article_id"]))
    insert_rows(conn, article_bands, sorted(bands, key=lambda b: (b["key"], b["article_id"])))


def _clusters_of(conn: Connection, ids: Sequence[str]) -> dict[str, str | None]:
    query = sa.select(articles.c.id, articles.c.cluster)
    return {r[0]: r[1] for r in select_in(conn, query, articles.c.id, ids)}


IN_CHUNK = 500  # values per IN (...) list: far below SQLite's and PostgreSQL's parameter limits


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    """``values`` in consecutive lists of at most ``size``."""
    for i in range(0, len(values), size):
        yield list(values[i : i + size])


def select_in(conn: Connection, query: Any, column: Any, values: Iterable[Any]) -> Iterator[Any]:
    """The rows of ``query`` whose ``column`` is one of ``values``, asked in chunks (each value once)."""
    for chunk in chunks(sorted(set(values))):
        yield from conn.execute(query.where(column.in_(chunk)))


def delete_in(conn: Connection, table: sa.Table, column: Any, values: Iterable[Any]) -> int:
    """Delete the rows of ``table`` whose ``column`` is one of ``values``; returns how many went."""
    removed = 0
    for chunk in chunks(sorted(set(values))):
        removed += max(0, conn.execute(table.delete().where(column.in_(chunk))).rowcount or 0)
    return removed


def find_article(conn: Connection, article_id: str) -> Any:
    """The article row with this id, or the only one whose id starts with it (6+ characters)."""
    row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
    if row is None and len(article_id) >= 6:
        rows = (
            conn.execute(
                sa.select(articles).where(articles.c.id.startswith(article_id, autoescape=True)).limit(2)
            )
            .mappings()
            .all()
        )
        row = rows[0] if len(rows) == 1 else None
    return row


def rejected_record(r: Rejected) -> dict[str, Any]:
    return {
        "id": r.id,
        "source": r.source,
        "member": r.member,
        "line": r.line,
        "code": r.code,
        "reason": r.reason,
    }


INTERNAL_TABLES = frozenset(
    {"meta", "article_signatures", "article_bands"}
)  # bookkeeping, not data users export


def exportable_tables() -> list[str]:
    return [name for name in metadata.tables if name not in INTERNAL_TABLES]


def article_record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "external_id": article.external_id,
        "source": article.source,
        "member": article.member,
        "format": article.format,
        "publication": article.publication,
        "edition": article.edition,
        "title": article.title,
        "byline": article.byline,
        "agency": article.agency,
        "dateline": article.dateline,
        "published": article.published,
        "date_source": article.date_source,
        "language": article.language,
        "country": article.country,
        "url": article.url,
        "cluster": article.cluster,
        "word_count": article.word_count,
        "text": article.text,
    }


def finding_rows(
    findings: Findings | StoreRows, columns: dict[str, set[str]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The store rows of one article's findings, by table. When two rules produce the same finding
    id, the first is kept (deterministically)."""
    if isinstance(findings, StoreRows):
        return findings.rows
    columns = {} if columns is None else columns
    by_table: dict[str, list[dict[str, Any]]] = {}
    for finding in findings.all():
        by_table.setdefault(finding.table, []).append(_finding_record(finding, columns))
    return {
        name: list({r["id"]: r for r in reversed(rows)}.values())[::-1] for name, rows in by_table.items()
    }


def store_rows(findings: Findings) -> StoreRows:
    """``Findings`` as the rows the store writes (see ``tidings.types.StoreRows``)."""
    return StoreRows(
        article_id=findings.article_id,
        rows=finding_rows(findings),
        learned_roles=findings.learned_roles,
        notes=findings.notes,
    )


def _finding_record(finding: Finding, columns: dict[str, set[str]] | None = None) -> dict[str, Any]:
    record = finding.to_record()
    known = columns.get(finding.table) if columns is not None else None
    if known is None:
        known = set(FINDING_TABLES[finding.table].c.keys())
        if columns is not None:
            columns[finding.table] = known
    unknown = record.keys() - known
    if unknown:
        raise TidingsError("E106", table=finding.table, columns=", ".join(sorted(unknown)))
    return record


def _upsert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert or replace rows by primary key, on SQLite and PostgreSQL alike."""
    _execute_rows(conn, table, rows, upsert=True)


def insert_rows(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (dicts keyed by column name; every row with the same keys as the first)."""
    _execute_rows(conn, table, rows, upsert=False)


def _execute_rows(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], upsert: bool) -> None:
    # Straight to the driver's executemany with one statement text per table and column set:
    # SQLAlchemy's per-row parameter processing cost more than SQLite's own work on the
    # batch inserts of an ingest. The values are plain str/int/float/bytes/bool/None, which both
    # drivers bind as SQLAlchemy would.
    if not rows:
        return
    keys = tuple(rows[0])
    sql = _rows_statement(conn.dialect, table, keys, upsert)
    conn.exec_driver_sql(sql, [tuple([row[k] for k in keys]) for row in rows])


@functools.lru_cache(maxsize=256)
def _rows_statement(dialect: Any, table: sa.Table, keys: tuple[str, ...], upsert: bool) -> str:
    """``INSERT INTO table (keys) VALUES (...)`` in the driver's parameter style; with ``upsert``,
    ``ON CONFLICT (primary key) DO UPDATE`` the other given columns (SQLite 3.24+ and PostgreSQL
    share the syntax)."""
    if dialect.name not in ("postgresql", "sqlite"):  # pragma: no cover - other databases are not supported
        raise TidingsError("E103", db=dialect.name, detail=f"dialect {dialect.name}")
    unknown = set(keys) - set(table.c.keys())
    if unknown:
        raise TidingsError("E106", table=table.name, columns=", ".join(sorted(unknown)))
    quote = dialect.identifier_preparer.quote
    # Positional parameter markers: sqlite3 uses qmark, psycopg pyformat.
    style = {"qmark": "?", "numeric": ":{}", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
    if style is None:  # pragma: no cover - neither supported driver uses another style
        raise TidingsError("E103", db=dialect.name, detail=f"paramstyle {dialect.paramstyle}")
    params = ", ".join(style.format(i + 1) for i in range(len(keys)))
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) VALUES ({params})"
    if upsert:
        primary = [c.name for c in table.primary_key.columns]
        updates = [k for k in keys if k not in primary]
        conflict = f" ON CONFLICT ({', '.join(quote(k) for k in primary)})"
        if updates:
            sets = ", ".join(f"{quote(k)} = excluded.{quote(k)}" for k in updates)
            sql += conflict + " DO UPDATE SET " + sets
        else:
            sql += conflict + " DO NOTHING"
    return sql


def dumps_record(record: dict[str, Any]) -> str:
    """A record as one canonical JSON line (sorted keys, no ASCII escaping)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

"""Read queries for the JSON API, the web UI and filtered exports.

Owns every SELECT the api/web layers run (filters, pagination, full-text search, dyad time series,
actor partners) and the article search index: an SQLite FTS5 table ``articles_fts`` kept in step
with ``articles`` by triggers, or a GIN index over ``to_tsvector`` on PostgreSQL. Filters are plain
frozen dataclasses that validate themselves, so a bad value fails the same way from any caller.
Every user value reaches the database as a bound parameter; LIKE patterns are escaped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tidings.errors import TidingsError
from tidings.store import (
    actor_mentions,
    actor_roles,
    actors,
    articles,
    entities,
    events,
    find_article,
    quotes,
)

# Page sizes are bounded so one request cannot ask the server for the whole database; exports stream.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Deep offsets make SQLite walk every skipped row; past this, filter or export instead.
MAX_OFFSET = 100_000
# Longest filter value accepted: names, codes and search words are far shorter than this.
MAX_FILTER_LENGTH = 200
# Most words taken from a search string (the rest are ignored); keeps FTS queries cheap.
MAX_SEARCH_TERMS = 16
# Gaps in a dyad series are filled with zero buckets up to this many buckets (daily over ~5 years).
MAX_FILLED_BUCKETS = 2000

# Longest part of a bad value repeated in an error message.
ECHO_LENGTH = 60

SEARCH_TABLE = "articles_fts"
# PostgreSQL text-search configuration: a constant, inlined so the GIN index matches the query.
TS_CONFIG = sa.literal_column("'english'::regconfig")

# Columns holding JSON text that readers get decoded.
JSON_COLUMNS = frozenset(
    {"spans", "speaker_spans", "cue_spans", "content_spans", "sectors", "aliases", "evidence", "versions"}
)

# The FTS5 table as SQLAlchemy sees it: in its own MetaData so ``create_all`` never makes it.
_fts_metadata = sa.MetaData()
articles_fts = sa.Table(
    SEARCH_TABLE,
    _fts_metadata,
    sa.Column("rowid", sa.Integer),
    sa.Column(SEARCH_TABLE, sa.Text),  # FTS5's hidden column named after the table: the MATCH target
    sa.Column("rank", sa.Float),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text),
)

_SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
    "title, text, content='articles', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_ai AFTER INSERT ON articles BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_ad AFTER DELETE ON articles BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, title, text) "
    "VALUES ('delete', old.rowid, old.title, old.text); END",
    # Only when the indexed columns change: the corpus steps update every new article's cluster,
    # and re-indexing its text each time cost more than the clustering itself. Databases made
    # before this have the trigger without "OF title, text" under the old name: dropped here.
    f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_au",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_au_text AFTER UPDATE OF title, text ON articles BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, title, text) "
    "VALUES ('delete', old.rowid, old.title, old.text); "
    f"INSERT INTO {SEARCH_TABLE}(rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
)

_WORD = re.compile(r"\w+", re.UNICODE)
_CAMEO = re.compile(r"^\d{2,4}$")
_ROOT = re.compile(r"^\d{2}$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")

INTERVALS = ("day", "week", "month")
# Article columns carried on quote and event rows, under their own names.
ARTICLE_FIELDS = ("published", "publication", "agency", "url", "cluster", "title")


class FilterError(TidingsError):
    """A filter value the queries cannot use; the API answers 422 with this message."""

    def __init__(self, name: str, value: object, detail: str) -> None:
        if isinstance(value, str) and len(value) > ECHO_LENGTH:
            value = value[:ECHO_LENGTH] + "…"  # the message echoes the value, not a megabyte of it
        super().__init__("E901", name=name, value=value, detail=detail)
        self.name = name


# The GIN index over exactly the expression ``_psql_tsvector`` builds (constants inlined in both,
# so the planner matches them).
_PSQL_SEARCH_INDEX = "ix_articles_search"
_PSQL_SEARCH_DDL = (
    f"CREATE INDEX IF NOT EXISTS {_PSQL_SEARCH_INDEX} ON articles USING gin "
    "(to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(text, '')))"
)


def _psql_tsvector() -> Any:
    empty, space = sa.literal_column("''"), sa.literal_column("' '")
    return sa.func.to_tsvector(
        TS_CONFIG,
        sa.func.coalesce(articles.c.title, empty)
        .op("||")(space)
        .op("||")(sa.func.coalesce(articles.c.text, empty)),
    )


def ensure_search_index(engine: Engine) -> bool:
    """Create the article full-text index if missing; needs a writable connection.

    SQLite: an external-content FTS5 table over ``articles(title, text)`` plus triggers that keep
    it in step with every later insert, update and delete, filled once when created. PostgreSQL:
    a GIN index over the same ``to_tsvector`` expression the search uses. Safe to call again.
    Returns True when the index was created by this call.
    """
    dialect = engine.dialect.name
    if dialect == "sqlite":
        with engine.begin() as conn:
            existed = _sqlite_has_search(conn)
            for ddl in _SQLITE_SEARCH_DDL:
                conn.exec_driver_sql(ddl)
            if not existed:
                conn.exec_driver_sql(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')")
        return not existed
    if dialect == "postgresql":
        with engine.begin() as conn:
            # Two writers finishing at once would race on CREATE INDEX IF NOT EXISTS (a unique
            # violation in pg_class); a transaction-level advisory lock serialises them.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('tidings_search_index'))"))
            existed = bool(
                conn.execute(
                    sa.text(
                        "SELECT 1 FROM pg_indexes WHERE indexname = :name AND schemaname = current_schema()"
                    ),
                    {"name": _PSQL_SEARCH_INDEX},
                ).first()
            )
            conn.exec_driver_sql(_PSQL_SEARCH_DDL)
        return not existed
    return False


def _sqlite_has_search(conn: Connection) -> bool:
    row = conn.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": SEARCH_TABLE}
    ).first()
    return row is not None


def search_terms(q: str) -> list[str]:
    """The words of a search string (letters and digits in any script), at most MAX_SEARCH_TERMS."""
    return _WORD.findall(q)[:MAX_SEARCH_TERMS]


def fts5_query(q: str) -> str:
    """A search string as an FTS5 query of quoted words, all required: no operators reach FTS5."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in search_terms(q))


# ---- filters -----------------------------------------------------------------------------------


def _check_text(name: str, value: str | None) -> None:
    if value is None:
        return
    if len(value) > MAX_FILTER_LENGTH:
        raise FilterError(name, value, f"longer than {MAX_FILTER_LENGTH} characters; shorten it")
    if "\x00" in value:
        raise FilterError(name, value, "contains a NUL character; remove it")


def normalise_date(name: str, value: str | None, end: bool = False) -> str | None:
    """Check an ISO date filter (YYYY, YYYY-MM or YYYY-MM-DD) and widen partial dates to a bound."""
    if value is None or value == "":
        return None
    m = _PARTIAL_DATE.match(value)
    if not m:
        raise FilterError(name, value, "use a date like 2024-03-17 (or 2024-03, or 2024)")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return date(int(year), int(month), int(day)).isoformat()
        if month:
            date(int(year), int(month), 1)
            return f"{year}-{month}-31" if end else f"{year}-{month}-01"
    except ValueError as exc:
        raise FilterError(name, value, f"not a calendar date ({exc})") from None
    return f"{year}-12-31" if end else f"{year}-01-01"


def _check_range(date_from: str | None, date_to: str | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise FilterError("date_from", date_from, f"it is after date_to ({date_to}); swap them")


class _Filter:
    """Shared checks: every string field is length-checked, date fields normalised."""

    def _validate(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, str):
                _check_text(f.name, value)
                if value == "":
                    object.__setattr__(self, f.name, None)
        if hasattr(self, "date_from"):
            object.__setattr__(self, "date_from", normalise_date("date_from", self.date_from))
            object.__setattr__(self, "date_to", normalise_date("date_to", self.date_to, end=True))
            _check_range(self.date_from, self.date_to)

    def params(self) -> dict[str, Any]:
        """The filters that are set, as query-string parameters (for links and exports)."""
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None or value == f.default:
                continue
            if isinstance(value, tuple):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            out[f.name] = value
        return out


@dataclass(frozen=True)
class ArticleFilter(_Filter):
    """Filters for the article list. ``q`` is a full-text search over title and text."""

    q: str | None = None
    publication: str | None = None
    agency: str | None = None
    language: str | None = None
    country: str | None = None
    cluster: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def __post_init__(self) -> None:
        self._validate()
        if self.q is not None and not search_terms(self.q):
            raise FilterError("q", self.q, "it has no words to search for; use letters or digits")


@dataclass(frozen=True)
class QuoteFilter(_Filter):
    """Filters for quotes: speaker name (part of it), speaker actor id, words in the content,
    kind (direct, indirect, mixed), article publication date range, one article."""

    speaker: str | None = None
    actor: str | None = None
    text: str | None = None
    kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    article: str | None = None

    def __post_init__(self) -> None:
        self._validate()


@dataclass(frozen=True)
class EventFilter(_Filter):
    """Filters for events.

    ``source``, ``target`` and ``actor`` (either side) match an actor id, a CAMEO actor code or a
    country code; ``*_country`` match the country only. ``dyad`` is two such values, "A,B"; it
    matches both directions unless ``directed``. ``cameo`` is a code or its prefix (2-4 digits),
    ``root`` a two-digit root. Dates apply to the event date, or the article's date when the event
    has none. ``negated``/``historical`` keep only events that are (true) or are not (false).
    """

    source: str | None = None
    target: str | None = None
    actor: str | None = None
    source_country: str | None = None
    target_country: str | None = None
    country: str | None = None
    dyad: tuple[str, str] | None = None
    directed: bool = False
    cameo: str | None = None
    root: str | None = None
    quad_class: int | None = None
    plover_type: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    place: str | None = None
    negated: bool | None = None
    historical: bool | None = None
    article: str | None = None

    def __post_init__(self) -> None:
        self._validate()
        if self.dyad is not None:
            if len(self.dyad) != 2 or not all(self.dyad):
                raise FilterError("dyad", ",".join(self.dyad), "give two actors or countries, e.g. USA,RUS")
            for side in self.dyad:
                _check_text("dyad", side)
        if self.cameo is not None and not _CAMEO.match(self.cameo):
            raise FilterError("cameo", self.cameo, "a CAMEO code is 2 to 4 digits, e.g. 042 or 0211")
        if self.root is not None and not _ROOT.match(self.root):
            raise FilterError("root", self.root, "a CAMEO root is two digits, 01 to 20")
        if self.quad_class is not None and self.quad_class not in (1, 2, 3, 4):
            raise FilterError("quad_class", self.quad_class, "QuadClass is 1, 2, 3 or 4")


def parse_dyad(value: str | None) -> tuple[str, str] | None:
    """'USA,RUS' (or 'USA:RUS') as a pair; None when empty."""
    if value is None or value.strip() == "":
        return None
    separator = "," if "," in value else ":"  # actor ids may hold colons; a comma wins
    parts = [p.strip() for p in value.split(separator, 1)]
    if len(parts) != 2 or not all(parts):
        raise FilterError("dyad", value, "give two actors or countries separated by a comma, e.g. USA,RUS")
    return parts[0], parts[1]


@dataclass(frozen=True)
class Page:
    """A window onto a result: ``limit`` rows from ``offset``; both bounded."""

    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise FilterError("limit", self.limit, f"use 1 to {MAX_PAGE_SIZE}; export for more rows")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise FilterError("offset", self.offset, f"use 0 to {MAX_OFFSET}; narrow the filters instead")


@dataclass(frozen=True)
class Result:
    """One page of rows and how many rows the whole query has."""

    total: int
    items: list[dict[str, Any]]


# ---- row shaping -------------------------------------------------------------------------------


def decode_row(row: Any) -> dict[str, Any]:
    """A result row as a dict, JSON columns decoded, names as selected."""
    out = dict(row)
    for key in JSON_COLUMNS.intersection(out):
        raw = out[key]
        if isinstance(raw, str):
            try:
                out[key] = json.loads(raw)
            except ValueError:
                pass
    for key in ("negated", "historical"):
        if key in out and out[key] is not None:
            out[key] = bool(out[key])
    return out


def _side(prefix: str, value: str) -> Any:
    c = events.c
    return sa.or_(
        c[f"{prefix}_actor_id"] == value, c[f"{prefix}_code"] == value, c[f"{prefix}_country"] == value
    )


def _event_date() -> Any:
    return sa.func.coalesce(events.c.date, articles.c.published)


def _article_fields() -> list[Any]:
    """The article columns joined onto quote and event rows (names as in tidings.store.event_queries)."""
    return [articles.c[name] for name in ARTICLE_FIELDS]


def fold(text: str) -> str:
    """Text for accent- and case-insensitive matching: "Élodie" and "elodie" fold alike."""
    if text.isascii():  # most news text: 50x faster than decomposing (this runs once per row)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _sqlite_fold(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def install_fold(engine: Engine) -> None:
    """Give every SQLite connection of ``engine`` the ``tidings_fold`` SQL function (SQLite's own
    lower() folds ASCII only). Connections already pooled are dropped so new ones get it."""

    @sa.event.listens_for(engine, "connect")
    def _register(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.create_function("tidings_fold", 1, _sqlite_fold, deterministic=True)

    engine.dispose()


class Reader:
    """Read-only queries over one tidings database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect.name
        if self.dialect == "postgresql":
            # SQLite readers open the file with mode=ro; PostgreSQL sessions are made read-only.
            engine = engine.execution_options(postgresql_readonly=True)
        self.engine = engine
        self.search = "like"
        if self.dialect == "sqlite":
            install_fold(engine)
        if self.dialect == "postgresql":
            self.search = "postgresql"
        elif self.dialect == "sqlite":
            with engine.connect() as conn:
                if _sqlite_has_search(conn):
                    self.search = "fts5"

    def contains(self, column: Any, value: str) -> Any:
        """The column contains ``value``, ignoring case (and accents on SQLite); LIKE escaped."""
        if self.dialect == "sqlite":
            return sa.func.tidings_fold(column).contains(fold(value), autoescape=True)
        return column.icontains(value, autoescape=True)

    def words_in(self, column: Any, text: str) -> Any:
        """Every word of ``text`` appears in the column (the whole text when it has no words)."""
        words = search_terms(text) or [text]
        return sa.and_(*[self.contains(column, w) for w in words])

    # ---- summary ---------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """Counts of what the database holds and the span of publication dates."""
        out: dict[str, Any] = {}
        with self.engine.connect() as conn:
            for table in (articles, entities, actor_mentions, quotes, events, actors):
                out[table.name] = int(
                    conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                )
            rng = conn.execute(
                sa.select(sa.func.min(articles.c.published), sa.func.max(articles.c.published))
            ).first()
            out["published_range"] = [rng[0], rng[1]] if rng else [None, None]
            out["publications"] = self._top(conn, articles.c.publication)
            out["countries"] = self._top(conn, events.c.source_country)
        out["search"] = self.search
        return out

    def _top(self, conn: Connection, column: Any, limit: int = 20) -> list[list[Any]]:
        rows = conn.execute(
            sa.select(column, sa.func.count())
            .where(column.is_not(None))
            .group_by(column)
            .order_by(sa.func.count().desc(), column)
            .limit(limit)
        )
        return [[r[0], r[1]] for r in rows]

    # ---- articles --------------------------------------------------------------------------

    def _articles_select(self, f: ArticleFilter) -> tuple[Any, list[Any]]:
        """The article query (columns, filters, search join) and its ordering."""
        cols = [c for c in articles.c if c.name not in ("text", "versions")]
        snippet = sa.func.substr(articles.c.text, 1, 280).label("snippet")
        order: list[Any] = [articles.c.published.desc(), articles.c.id]
        stmt = sa.select(*cols, snippet)
        if f.q is not None:
            if self.search == "fts5":
                match = articles_fts.c[SEARCH_TABLE].op("MATCH")(fts5_query(f.q))
                joined = articles.join(
                    articles_fts, articles_fts.c.rowid == sa.literal_column("articles.rowid")
                )
                stmt = stmt.select_from(joined).where(match)
                order = [articles_fts.c.rank, *order]
            elif self.search == "postgresql":
                tsq = sa.func.plainto_tsquery(TS_CONFIG, " ".join(search_terms(f.q)))
                stmt = stmt.where(_psql_tsvector().op("@@")(tsq))
                order = [sa.func.ts_rank(_psql_tsvector(), tsq).desc(), *order]
            else:
                stmt = stmt.where(
                    sa.and_(
                        *[
                            sa.or_(self.contains(articles.c.title, w), self.contains(articles.c.text, w))
                            for w in search_terms(f.q)
                        ]
                    )
                )
        for name in ("publication", "agency", "language", "country", "cluster"):
            value = getattr(f, name)
            if value is not None:
                stmt = stmt.where(articles.c[name] == value)
        if f.date_from:
            stmt = stmt.where(articles.c.published >= f.date_from)
        if f.date_to:
            stmt = stmt.where(articles.c.published <= f.date_to)
        return stmt, order

    def articles(self, f: ArticleFilter, page: Page) -> Result:
        """Articles matching the filters, newest first (best match first when searching)."""
        stmt, order = self._articles_select(f)
        return self._page(stmt, order, page)

    def iter_articles(self, f: ArticleFilter) -> Iterator[dict[str, Any]]:
        """Every matching article with its text, streamed (for exports)."""
        stmt, order = self._articles_select(f)
        stmt = stmt.add_columns(articles.c.text)
        yield from self._stream(stmt.order_by(*order))

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its text, by id or by a unique id prefix of at least 6 characters."""
        _check_text("article_id", article_id)
        with self.engine.connect() as conn:
            row = find_article(conn, article_id)
            return decode_row(row) if row is not None else None

    def article_findings(self, article_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every finding of one article, by table, in sentence order, spans decoded."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for table in (entities, actor_mentions, quotes, events):
                rows = conn.execute(
                    sa.select(table)
                    .where(table.c.article_id == article_id)
                    .order_by(table.c.sentence, table.c.spans, table.c.id)
                ).mappings()
                out[table.name] = [decode_row(r) for r in rows]
        return out

    def texts(self, article_ids: list[str]) -> dict[str, str]:
        """The text of each of these articles (for showing findings in their sentence)."""
        unique = sorted(set(article_ids))[:MAX_PAGE_SIZE]
        if not unique:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(articles.c.id, articles.c.text).where(articles.c.id.in_(unique)))
            return {r[0]: r[1] for r in rows}

    # ---- quotes ----------------------------------------------------------------------------

    def _quotes_select(self, f: QuoteFilter) -> tuple[Any, list[Any]]:
        stmt = sa.select(quotes, *_article_fields()).join(articles, articles.c.id == quotes.c.article_id)
        if f.speaker is not None:
            stmt = stmt.where(
                sa.or_(
                    self.words_in(quotes.c.speaker, f.speaker),
                    self.words_in(quotes.c.speaker_text, f.speaker),
                )
            )
        if f.actor is not None:
            stmt = stmt.where(quotes.c.speaker_actor_id == f.actor)
        if f.text is not None:
            stmt = stmt.where(self.words_in(quotes.c.content, f.text))
        if f.kind is not None:
            stmt = stmt.where(quotes.c.kind == f.kind)
        if f.date_from:
            stmt = stmt.where(articles.c.published >= f.date_from)
        if f.date_to:
            stmt = stmt.where(articles.c.published <= f.date_to)
        if f.article is not None:
            stmt = stmt.where(quotes.c.article_id == f.article)
        order = [articles.c.published.desc(), quotes.c.article_id, quotes.c.sentence, quotes.c.id]
        return stmt, order

    def quotes(self, f: QuoteFilter, page: Page) -> Result:
        """Quotes matching the filters, newest article first, in text order within an article."""
        stmt, order = self._quotes_select(f)
        return self._page(stmt, order, page)

    def iter_quotes(self, f: QuoteFilter) -> Iterator[dict[str, Any]]:
        stmt, order = self._quotes_select(f)
        yield from self._stream(stmt.order_by(*order))

    # ---- events ----------------------------------------------------------------------------

    def _events_where(self, stmt: Any, f: EventFilter) -> Any:
        c = events.c
        if f.source is not None:
            stmt = stmt.where(_side("source", f.source))
        if f.target is not None:
            stmt = stmt.where(_side("target", f.target))
        if f.actor is not None:
            stmt = stmt.where(sa.or_(_side("source", f.actor), _side("target", f.actor)))
        if f.source_country is not None:
            stmt = stmt.where(c.source_country == f.source_country)
        if f.target_country is not None:
            stmt = stmt.where(c.target_country == f.target_country)
        if f.country is not None:
            stmt = stmt.where(sa.or_(c.source_country == f.country, c.target_country == f.country))
        if f.dyad is not None:
            a, b = f.dyad
            forward = sa.and_(_side("source", a), _side("target", b))
            if f.directed:
                stmt = stmt.where(forward)
            else:
                stmt = stmt.where(sa.or_(forward, sa.and_(_side("source", b), _side("target", a))))
        if f.cameo is not None:
            stmt = stmt.where(c.cameo.startswith(f.cameo, autoescape=True))
        if f.root is not None:
            stmt = stmt.where(c.cameo_root == f.root)
        if f.quad_class is not None:
            stmt = stmt.where(c.quad_class == f.quad_class)
        if f.plover_type is not None:
            stmt = stmt.where(c.plover_type == f.plover_type)
        # Dates of reduced precision ("2024-03", "2024") are kept when they may fall in the range.
        when = _event_date()
        if f.date_from:
            since = f.date_from
            stmt = stmt.where(sa.or_(when >= since, when == since[:7], when == since[:4]))
        if f.date_to:
            stmt = stmt.where(when <= f.date_to)
        if f.place is not None:
            stmt = stmt.where(sa.or_(self.contains(c.place, f.place), c.place_country == f.place))
        if f.negated is not None:
            stmt = stmt.where(c.negated.is_(sa.true()) if f.negated else c.negated.is_(sa.false()))
        if f.historical is not None:
            stmt = stmt.where(c.historical.is_(sa.true()) if f.historical else c.historical.is_(sa.false()))
        if f.article is not None:
            stmt = stmt.where(c.article_id == f.article)
        return stmt

    def _events_select(self, f: EventFilter) -> tuple[Any, list[Any]]:
        stmt = sa.select(events, _event_date().label("event_date"), *_article_fields()).join(
            articles, articles.c.id == events.c.article_id
        )
        stmt = self._events_where(stmt, f)
        order = [_event_date(), events.c.article_id, events.c.sentence, events.c.id]
        return stmt, order

    def events(self, f: EventFilter, page: Page) -> Result:
        """Events matching the filters, oldest first."""
        stmt, order = self._events_select(f)
        return self._page(stmt, order, page)

    def iter_events(self, f: EventFilter) -> Iterator[dict[str, Any]]:
        stmt, order = self._events_select(f)
        yield from self._stream(stmt.order_by(*order))

    # ---- dyads -----------------------------------------------------------------------------

    def dyad_series(self, f: EventFilter, interval: str = "month") -> dict[str, Any]:
        """Event counts and Goldstein sum/mean per day, week or month between the two sides of
        ``f.dyad`` (both directions unless ``f.directed``), with per-direction and QuadClass counts.
        Empty buckets between the first and last event are filled with zeros (bounded)."""
        if f.dyad is None:
            raise FilterError("dyad", None, "give two actors or countries, e.g. dyad=USA,RUS")
        if interval not in INTERVALS:
            raise FilterError("interval", interval, "use day, week or month")
        a, _b = f.dyad
        day = sa.func.substr(_event_date(), 1, 10).label("day")
        direction = sa.case((_side("source", a), "a_to_b"), else_="b_to_a").label("direction")
        stmt = (
            sa.select(
                day,
                direction,
                events.c.quad_class,
                sa.func.count().label("n"),
                sa.func.count(events.c.goldstein).label("n_goldstein"),
                sa.func.sum(events.c.goldstein).label("goldstein_sum"),
            )
            .select_from(events.join(articles, articles.c.id == events.c.article_id))
            .group_by(day, direction, events.c.quad_class)
        )
        stmt = self._events_where(stmt, f)
        buckets: dict[str, dict[str, Any]] = {}
        undated = 0
        with self.engine.connect() as conn:
            for row in conn.execute(stmt).mappings():
                start = _bucket_start(row["day"], interval)
                if start is None:
                    undated += row["n"]
                    continue
                key = start.isoformat()
                bucket = buckets.get(key) or _empty_bucket(start, interval)
                buckets[key] = bucket
                bucket["count"] += row["n"]
                bucket[row["direction"]] += row["n"]
                bucket["_n_goldstein"] += row["n_goldstein"]
                bucket["goldstein_sum"] += float(row["goldstein_sum"] or 0.0)
                if row["quad_class"] in (1, 2, 3, 4):
                    bucket["quad_class"][str(row["quad_class"])] += row["n"]
        series = _fill_gaps(buckets, interval)
        for bucket in series:
            n = bucket.pop("_n_goldstein")
            bucket["goldstein_sum"] = round(bucket["goldstein_sum"], 4)
            bucket["goldstein_mean"] = round(bucket["goldstein_sum"] / n, 4) if n else None
        total = sum(b["count"] for b in series)
        gsum = sum(b["goldstein_sum"] for b in series)
        return {
            "interval": interval,
            "series": series,
            "total": total,
            "goldstein_sum": round(gsum, 4),
            "undated": undated,
        }

    def top_dyads(self, limit: int = 10) -> list[dict[str, Any]]:
        """The country pairs with most events (both directions together), for the dyad page."""
        c = events.c
        rows = self._top_pairs(c.source_country, c.target_country)
        pairs: dict[tuple[str, str], int] = {}
        for a, b, n in rows:
            key = (a, b) if a <= b else (b, a)
            pairs[key] = pairs.get(key, 0) + n
        ranked = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [{"a": a, "b": b, "count": n} for (a, b), n in ranked]

    def _top_pairs(self, left: Any, right: Any) -> list[tuple[str, str, int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(left, right, sa.func.count())
                .where(left.is_not(None), right.is_not(None), left != right)
                .group_by(left, right)
            ).all()
        return [(r[0], r[1], int(r[2])) for r in rows]

    # ---- actors ----------------------------------------------------------------------------

    def actors(self, q: str | None, kind: str | None, country: str | None, page: Page) -> Result:
        """Actors seen in the articles (by mentions), most mentioned first, with their knowledge-base
        record when the actors table has one."""
        for name, value in (("q", q), ("kind", kind), ("country", country)):
            _check_text(name, value)
        seen = (
            sa.select(
                actor_mentions.c.actor_id.label("id"),
                sa.func.max(actor_mentions.c.name).label("mention_name"),
                sa.func.max(actor_mentions.c.kind).label("mention_kind"),
                sa.func.max(actor_mentions.c.country).label("mention_country"),
                sa.func.max(actor_mentions.c.code).label("code"),
                sa.func.count().label("mentions"),
                sa.func.count(sa.distinct(actor_mentions.c.article_id)).label("articles"),
            )
            .where(actor_mentions.c.actor_id.is_not(None))
            .group_by(actor_mentions.c.actor_id)
            .subquery("seen")
        )
        name = sa.func.coalesce(actors.c.name, seen.c.mention_name)
        kind_col = sa.func.coalesce(actors.c.kind, seen.c.mention_kind)
        country_col = sa.func.coalesce(actors.c.country, seen.c.mention_country)
        stmt = sa.select(
            seen.c.id,
            name.label("name"),
            kind_col.label("kind"),
            country_col.label("country"),
            seen.c.code,
            seen.c.mentions,
            seen.c.articles,
        ).select_from(seen.outerjoin(actors, actors.c.id == seen.c.id))
        if q:
            stmt = stmt.where(sa.or_(self.words_in(name, q), seen.c.id == q))
        if kind:
            stmt = stmt.where(kind_col == kind)
        if country:
            stmt = stmt.where(country_col == country)
        return self._page(stmt, [seen.c.mentions.desc(), seen.c.id], page)

    def actor(self, actor_id: str) -> dict[str, Any] | None:
        """One actor: knowledge-base record, roles over time, names used, counts; None if unknown."""
        _check_text("actor_id", actor_id)
        with self.engine.connect() as conn:
            record = conn.execute(sa.select(actors).where(actors.c.id == actor_id)).mappings().first()
            names = conn.execute(
                sa.select(
                    actor_mentions.c.name, actor_mentions.c.code, actor_mentions.c.country, sa.func.count()
                )
                .where(actor_mentions.c.actor_id == actor_id)
                .group_by(actor_mentions.c.name, actor_mentions.c.code, actor_mentions.c.country)
                .order_by(sa.func.count().desc())
            ).all()
            n_quotes = conn.execute(
                sa.select(sa.func.count()).select_from(quotes).where(quotes.c.speaker_actor_id == actor_id)
            ).scalar_one()
            n_events = conn.execute(
                sa.select(sa.func.count())
                .select_from(events)
                .where(sa.or_(events.c.source_actor_id == actor_id, events.c.target_actor_id == actor_id))
            ).scalar_one()
            if record is None and not names and not n_quotes and not n_events:
                return None
            roles = conn.execute(
                sa.select(actor_roles)
                .where(actor_roles.c.actor_id == actor_id)
                .order_by(actor_roles.c.start, actor_roles.c.end, actor_roles.c.id)
            ).mappings()
            out = decode_row(record) if record is not None else {"id": actor_id, "origin": "mentioned"}
            if record is None:
                out["name"] = names[0][0] if names else actor_id
                out["country"] = names[0][2] if names else None
            out["roles"] = [decode_row(r) for r in roles]
            out["mentioned_as"] = [
                {"name": n, "code": c, "country": k, "count": cnt} for n, c, k, cnt in names
            ]
            out["mentions"] = sum(cnt for *_rest, cnt in names)
            out["quotes"] = int(n_quotes)
            out["events"] = int(n_events)
            return out

    def partners(self, actor_id: str, limit: int = 12) -> list[dict[str, Any]]:
        """The actors this one has most events with (either direction), with Goldstein sum/mean.
        A partner without an actor id is keyed by its CAMEO code."""
        _check_text("actor_id", actor_id)
        rows: list[Any] = []
        with self.engine.connect() as conn:
            for me, other in (("source", "target"), ("target", "source")):
                key = sa.func.coalesce(events.c[f"{other}_actor_id"], events.c[f"{other}_code"])
                stmt = (
                    sa.select(
                        key.label("partner"),
                        sa.func.max(events.c[f"{other}_actor_id"]).label("actor_id"),
                        sa.func.max(events.c[other]).label("name"),
                        sa.func.max(events.c[f"{other}_country"]).label("country"),
                        sa.func.count().label("n"),
                        sa.func.count(events.c.goldstein).label("n_goldstein"),
                        sa.func.sum(events.c.goldstein).label("goldstein_sum"),
                    )
                    .where(events.c[f"{me}_actor_id"] == actor_id, key.is_not(None), key != actor_id)
                    .group_by(key)
                )
                rows.extend(conn.execute(stmt).mappings())
        merged: dict[str, dict[str, Any]] = {}
        for r in rows:
            p = merged.setdefault(
                r["partner"],
                {
                    "partner": r["partner"],
                    "actor_id": None,
                    "name": None,
                    "country": None,
                    "count": 0,
                    "_n": 0,
                    "goldstein_sum": 0.0,
                },
            )
            p["actor_id"] = p["actor_id"] or r["actor_id"]
            p["name"] = p["name"] or r["name"]
            p["country"] = p["country"] or r["country"]
            p["count"] += r["n"]
            p["_n"] += r["n_goldstein"]
            p["goldstein_sum"] += float(r["goldstein_sum"] or 0.0)
        out = sorted(merged.values(), key=lambda p: (-p["count"], str(p["partner"])))[:limit]
        known = [p["actor_id"] for p in out if p["actor_id"]]
        if known:
            with self.engine.connect() as conn:
                names = dict(
                    conn.execute(sa.select(actors.c.id, actors.c.name).where(actors.c.id.in_(known))).all()
                )
            for p in out:
                p["name"] = names.get(p["actor_id"]) or p["name"]
        for p in out:
            n = p.pop("_n")
            p["goldstein_sum"] = round(p["goldstein_sum"], 4)
            p["goldstein_mean"] = round(p["goldstein_sum"] / n, 4) if n else None
        return out

    # ---- plumbing --------------------------------------------------------------------------

    def _page(self, stmt: Any, order: list[Any], page: Page) -> Result:
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
            rows = conn.execute(stmt.order_by(*order).limit(page.limit).offset(page.offset)).mappings()
            return Result(total=int(total), items=[decode_row(r) for r in rows])

    def _stream(self, stmt: Any) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=500).execute(stmt)
            for row in result.mappings():
                yield decode_row(row)


# ---- dyad buckets ------------------------------------------------------------------------------


def _bucket_start(day: str | None, interval: str) -> date | None:
    """The first day of the bucket an ISO date (or YYYY-MM / YYYY) falls in; None if unparsable."""
    if not day:
        return None
    m = _PARTIAL_DATE.match(day)
    if not m:
        return None
    try:
        d = date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None
    if interval == "month":
        return d.replace(day=1)
    if interval == "week":
        return d - timedelta(days=d.weekday())
    return d


def _next_bucket(start: date, interval: str) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def _label(start: date, interval: str) -> str:
    if interval == "month":
        return start.strftime("%Y-%m")
    if interval == "week":
        iso = start.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    return start.isoformat()


def _empty_bucket(start: date, interval: str) -> dict[str, Any]:
    return {
        "period": _label(start, interval),
        "start": start.isoformat(),
        "count": 0,
        "a_to_b": 0,
        "b_to_a": 0,
        "goldstein_sum": 0.0,
        "_n_goldstein": 0,
        "quad_class": {"1": 0, "2": 0, "3": 0, "4": 0},
    }


def _fill_gaps(buckets: dict[str, dict[str, Any]], interval: str) -> list[dict[str, Any]]:
    if not buckets:
        return []
    keys = sorted(buckets)
    first, last = date.fromisoformat(keys[0]), date.fromisoformat(keys[-1])
    out: list[dict[str, Any]] = []
    cursor = first
    while cursor <= last and len(out) < MAX_FILLED_BUCKETS:
        out.append(buckets.get(cursor.isoformat()) or _empty_bucket(cursor, interval))
        cursor = _next_bucket(cursor, interval)
    if cursor <= last:  # too long to fill: the buckets that have events, in order
        return [buckets[k] for k in keys]
    return out

"""The JSON API and the web UI over one tidings database (FastAPI app factory ``create_app``).

The API lives under ``/api`` and is documented by its OpenAPI schema (``/api/openapi.json``, read
as a page at ``/api``). The web UI is a view of the API, datasette style: every HTML page has a
JSON twin at the same URL with ``.json`` that returns exactly what the matching ``/api`` endpoint
returns. The database is opened read-only; all queries come from ``tidings.store.query``.
Errors are JSON (or an HTML page for HTML URLs) with a message a person can act on: 422 for a bad
filter, 404 for an unknown id, 501 for an export this installation cannot produce.
"""

import contextlib
import csv
import functools
import io
import json
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote as urlquote
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from tidings import __version__
from tidings.errors import TidingsError
from tidings.store import Store, dumps_record
from tidings.store.query import (
    DEFAULT_PAGE_SIZE,
    INTERVALS,
    MAX_PAGE_SIZE,
    ArticleFilter,
    EventFilter,
    FilterError,
    Page,
    QuoteFilter,
    Reader,
    Result,
    parse_dyad,
)
from tidings.web import charts
from tidings.web.reader import marks_for, segments, sentence_around, spans_of

WEB_DIR = Path(__file__).resolve().parent / "web"
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "gdelt": "text/tab-separated-values",
}
# How many quotes and events an actor page shows before pointing at the filtered tables.
ACTOR_PAGE_ROWS = 20
# How many partners the actor network draws.
NETWORK_PARTNERS = 10
# Rows buffered between the GDELT writer thread and the response (backpressure for slow clients).
EXPORT_QUEUE_CHUNKS = 64
# Bytes collected before a CSV/JSONL chunk is sent.
EXPORT_CHUNK_BYTES = 64 * 1024

API_DESCRIPTION = """
Read-only access to a tidings database: articles (full-text search), quotes, events (CAMEO/PLOVER),
actors and dyad time series, with streaming exports of any filtered query.

Every list takes `limit` (1-500, default 50) and `offset`; the answer carries `total`, `next` and
`previous`. Errors are JSON: `{"error": {"status", "code", "message", "details"}}` — 422 for a bad
filter, 404 for an unknown id, 501 for an export format this installation lacks.
"""

TAGS = [
    {
        "name": "articles",
        "description": "Articles with full-text search, and one article with all its findings.",
    },
    {"name": "quotes", "description": "Who said what: direct, indirect and mixed quotes."},
    {"name": "events", "description": "Who did what to whom: CAMEO/PLOVER events with their evidence."},
    {"name": "actors", "description": "Actors seen in the articles, their roles over time and partners."},
    {"name": "dyads", "description": "Counts and Goldstein between two actors or countries over time."},
    {"name": "export", "description": "Streaming CSV, JSONL or GDELT TSV of any filtered query."},
    {"name": "meta", "description": "What the database holds."},
]


class NotFound(TidingsError):
    """An id that is not in the database (404)."""

    def __init__(self, kind: str, id: str) -> None:
        super().__init__("E902", kind=kind, id=id)


class ExportUnavailable(TidingsError):
    """An export format whose writer is not installed (501)."""

    def __init__(self, detail: str) -> None:
        super().__init__("E903", detail=detail)


# ---- parameter parsing (strings in, checked values out; HTML forms send empty strings) ----------


def _opt_int(name: str, value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise FilterError(name, value[:40], "use a whole number") from None


def _opt_bool(name: str, value: str | None) -> bool | None:
    if value is None or value.strip() == "" or value.lower() == "any":
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise FilterError(name, value[:40], "use true or false")


def _text(description: str) -> Any:
    return Query(description=description)


def page_params(
    limit: Annotated[
        str | None, Query(description=f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).")
    ] = None,
    offset: Annotated[str | None, Query(description="Rows to skip (0 to 100000).")] = None,
) -> Page:
    """The page window, bounded."""
    n = _opt_int("limit", limit)
    start = _opt_int("offset", offset)
    return Page(limit=DEFAULT_PAGE_SIZE if n is None else n, offset=0 if start is None else start)


def article_filter(
    q: Annotated[
        str | None, _text("Words to find in title or text; all must appear (full-text search).")
    ] = None,
    publication: Annotated[str | None, _text("Publication name, exactly as stored.")] = None,
    agency: Annotated[str | None, _text("Wire agency, e.g. Reuters.")] = None,
    language: Annotated[str | None, _text("Language code, e.g. en.")] = None,
    country: Annotated[str | None, _text("Country of the publication (ISO3).")] = None,
    cluster: Annotated[str | None, _text("Near-duplicate cluster id.")] = None,
    date_from: Annotated[str | None, _text("Published on or after (YYYY-MM-DD, YYYY-MM or YYYY).")] = None,
    date_to: Annotated[str | None, _text("Published on or before (YYYY-MM-DD, YYYY-MM or YYYY).")] = None,
) -> ArticleFilter:
    """Article filters from the query string."""
    return ArticleFilter(
        q=q,
        publication=publication,
        agency=agency,
        language=language,
        country=country,
        cluster=cluster,
        date_from=date_from,
        date_to=date_to,
    )


def quote_filter(
    speaker: Annotated[
        str | None, _text("Words in the speaker's name or description (case-insensitive).")
    ] = None,
    actor: Annotated[str | None, _text("Speaker's actor id.")] = None,
    text: Annotated[str | None, _text("Words in the quoted content (case-insensitive).")] = None,
    kind: Annotated[str | None, _text("direct, indirect or mixed.")] = None,
    date_from: Annotated[str | None, _text("Article published on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, _text("Article published on or before (YYYY-MM-DD).")] = None,
    article: Annotated[str | None, _text("One article id.")] = None,
) -> QuoteFilter:
    """Quote filters from the query string."""
    return QuoteFilter(
        speaker=speaker,
        actor=actor,
        text=text,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        article=article,
    )


def event_filter(
    source: Annotated[str | None, _text("Source actor id, CAMEO actor code or country code.")] = None,
    target: Annotated[str | None, _text("Target actor id, CAMEO actor code or country code.")] = None,
    actor: Annotated[str | None, _text("Either side: actor id, CAMEO actor code or country code.")] = None,
    source_country: Annotated[str | None, _text("Source country (ISO3/CAMEO).")] = None,
    target_country: Annotated[str | None, _text("Target country (ISO3/CAMEO).")] = None,
    country: Annotated[str | None, _text("Either side's country.")] = None,
    dyad: Annotated[
        str | None, _text("Two sides, 'A,B' (actor ids, codes or countries); both directions.")
    ] = None,
    directed: Annotated[str | None, _text("true: dyad only from A to B.")] = None,
    cameo: Annotated[str | None, _text("CAMEO event code or its prefix (2-4 digits), e.g. 042.")] = None,
    root: Annotated[str | None, _text("CAMEO root, two digits (01-20).")] = None,
    quad_class: Annotated[str | None, _text("QuadClass 1-4.")] = None,
    plover_type: Annotated[str | None, _text("PLOVER event type, e.g. ACCUSE.")] = None,
    date_from: Annotated[str | None, _text("Event date (or article date) on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, _text("Event date (or article date) on or before (YYYY-MM-DD).")] = None,
    place: Annotated[str | None, _text("Place name (part of it) or the place's country code.")] = None,
    negated: Annotated[str | None, _text("true: only negated events; false: none of them.")] = None,
    historical: Annotated[str | None, _text("true: only historical mentions; false: none of them.")] = None,
    article: Annotated[str | None, _text("One article id.")] = None,
) -> EventFilter:
    """Event filters from the query string."""
    return EventFilter(
        source=source,
        target=target,
        actor=actor,
        source_country=source_country,
        target_country=target_country,
        country=country,
        dyad=parse_dyad(dyad),
        directed=bool(_opt_bool("directed", directed)),
        cameo=cameo,
        root=root,
        quad_class=_opt_int("quad_class", quad_class),
        plover_type=plover_type,
        date_from=date_from,
        date_to=date_to,
        place=place,
        negated=_opt_bool("negated", negated),
        historical=_opt_bool("historical", historical),
        article=article,
    )


@lru_cache(maxsize=4096)
def cameo_name(code: str | None) -> str | None:
    """The codebook's name for a CAMEO code, or None (also when the codebook is unavailable)."""
    if not code:
        return None
    try:
        from tidings.codebook import lookup

        entry = lookup(code)
    except Exception:  # the codebook is another area's module; the UI works without it
        return None
    return entry.name if entry else None


def _with_sentences(findings: list[dict[str, Any]], reader: Reader) -> list[dict[str, Any]]:
    """Add ``sentence_text``: the sentence around each finding's evidence, for reading it in a table."""
    texts = reader.texts([f["article_id"] for f in findings])
    for f in findings:
        f["sentence_text"] = sentence_around(texts.get(f["article_id"], ""), f.get("spans") or [])
    return findings


def _with_names(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for e in events:
        e["cameo_name"] = cameo_name(e.get("cameo"))
    return events


class _FastJSON(Response):
    """JSON for payloads that are already plain JSON types: one ``json.dumps``, no model walk."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def as_json(payload: Callable[..., dict[str, Any]]) -> Callable[..., Response]:
    """An API endpoint answering ``payload``'s dict as JSON. FastAPI reads the parameters (and the
    documentation) from ``payload`` through ``__wrapped__``; pages use ``payload`` itself."""

    @functools.wraps(payload)
    def endpoint(*args: Any, **kwargs: Any) -> Response:
        return _FastJSON(payload(*args, **kwargs))

    return endpoint


# ---- the app -----------------------------------------------------------------------------------


def create_app(db: str) -> FastAPI:
    """The API and web UI over database ``db`` (SQLite path, opened read-only, or a postgresql:// URL)."""
    store = Store.open(db, readonly=True)
    reader = Reader(store.engine)
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.globals["version"] = __version__
    templates.env.globals["query_string"] = _export_query

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="tidings",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_tags=TAGS,
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN; the offline reference page is /api
        redoc_url=None,
    )
    app.state.reader = reader
    app.state.store = store
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")

    # ---- errors ----------------------------------------------------------------------------

    def wants_json(request: Request) -> bool:
        path = request.url.path
        return path.startswith("/api/") or path.endswith(".json") or path.startswith("/static/")

    def error(request: Request, status: int, code: str, message: str, details: Any = None) -> Response:
        if wants_json(request):
            body = {"error": {"status": status, "code": code, "message": message, "details": details}}
            return JSONResponse(body, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "code": code, "message": message}, status_code=status
        )

    @app.exception_handler(FilterError)
    def _bad_filter(request: Request, exc: FilterError) -> Response:
        return error(request, 422, exc.code, exc.message, {"parameter": exc.name})

    @app.exception_handler(NotFound)
    def _not_found(request: Request, exc: NotFound) -> Response:
        return error(request, 404, exc.code, exc.message)

    @app.exception_handler(ExportUnavailable)
    def _unavailable(request: Request, exc: ExportUnavailable) -> Response:
        return error(request, 501, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path"))
            problems.append(f"{where or 'request'}: {e.get('msg')}")
        message = "Invalid request: " + "; ".join(problems) + ". Fix these parameters and try again."
        return error(request, 422, "E901", message, [{"parameter": p.split(":")[0]} for p in problems])

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message = f"Nothing at {request.url.path}. See /api for the endpoints and pages."
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed here; this API is read-only (use GET)."
        else:
            message = str(exc.detail)
        return error(request, exc.status_code, f"HTTP{exc.status_code}", message)

    @app.exception_handler(TidingsError)
    def _tidings(request: Request, exc: TidingsError) -> Response:
        return error(request, 400, exc.code, exc.message)

    # ---- payload builders (the API; pages render these) ------------------------------------

    def listing(request: Request, result: Result, page: Page, filters: dict[str, Any]) -> dict[str, Any]:
        def link(offset: int) -> str:
            params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset" and v != ""]
            if offset:
                params.append(("offset", str(offset)))
            return request.url.path + ("?" + urlencode(params) if params else "")

        nxt = page.offset + page.limit
        return {
            "total": result.total,
            "limit": page.limit,
            "offset": page.offset,
            "filters": filters,
            "next": link(nxt) if nxt < result.total else None,
            "previous": link(max(0, page.offset - page.limit)) if page.offset > 0 else None,
            "items": result.items,
        }

    def summary_payload() -> dict[str, Any]:
        """What the database holds: counts, date range, top publications and countries."""
        return {"summary": reader.summary(), "version": __version__}

    def articles_payload(
        request: Request,
        f: Annotated[ArticleFilter, Depends(article_filter)],
        page: Annotated[Page, Depends(page_params)],
    ) -> dict[str, Any]:
        """Articles matching the filters (best match first when `q` is given, else newest first).
        Items carry metadata and a snippet, not the full text."""
        return listing(request, reader.articles(f, page), page, f.params())

    def article_payload(article_id: str) -> dict[str, Any]:
        """One article with its text and every finding: entities, actor mentions, quotes, events,
        each with its spans (character offsets into `text`), rule and confidence."""
        art = reader.article(article_id)
        if art is None:
            raise NotFound("article", article_id)
        found = reader.article_findings(art["id"])
        _with_names(found["events"])
        return {"article": art, **found}

    def quotes_payload(
        request: Request,
        f: Annotated[QuoteFilter, Depends(quote_filter)],
        page: Annotated[Page, Depends(page_params)],
    ) -> dict[str, Any]:
        """Quotes matching the filters, newest article first."""
        return listing(request, reader.quotes(f, page), page, f.params())

    def events_payload(
        request: Request,
        f: Annotated[EventFilter, Depends(event_filter)],
        page: Annotated[Page, Depends(page_params)],
    ) -> dict[str, Any]:
        """Events matching the filters, oldest first, with the codebook name of each CAMEO code."""
        out = listing(request, reader.events(f, page), page, f.params())
        _with_names(out["items"])
        _with_sentences(out["items"], reader)
        return out

    def actors_payload(
        request: Request,
        page: Annotated[Page, Depends(page_params)],
        q: Annotated[str | None, _text("Words in the actor's name, or its id.")] = None,
        kind: Annotated[str | None, _text("person, org, country, group, ...")] = None,
        country: Annotated[str | None, _text("Actor's country (ISO3).")] = None,
    ) -> dict[str, Any]:
        """Actors seen in the articles, most mentioned first."""
        filters = {k: v for k, v in (("q", q), ("kind", kind), ("country", country)) if v}
        return listing(request, reader.actors(q or None, kind or None, country or None, page), page, filters)

    def actor_payload(actor_id: str) -> dict[str, Any]:
        """One actor: knowledge-base record, roles over time, names it was mentioned by, its latest
        quotes and events (first 20; follow `quotes_url`/`events_url` for all) and strongest partners."""
        actor = reader.actor(actor_id)
        if actor is None:
            raise NotFound("actor", actor_id)
        first = Page(limit=ACTOR_PAGE_ROWS)
        qs = reader.quotes(QuoteFilter(actor=actor_id), first)
        evs = reader.events(EventFilter(actor=actor_id), first)
        key = urlquote(actor_id, safe="")
        actor["events"] = evs.total  # the same events the list shows (by id, code or country)
        return {
            "actor": actor,
            "partners": reader.partners(actor_id, limit=NETWORK_PARTNERS),
            "quotes": {"total": qs.total, "items": qs.items, "url": f"/quotes?actor={key}"},
            "events": {"total": evs.total, "items": _with_names(evs.items), "url": f"/events?actor={key}"},
        }

    def dyad_filter(
        f: Annotated[EventFilter, Depends(event_filter)],
        a: Annotated[str | None, _text("First side (instead of dyad=A,B).")] = None,
        b: Annotated[str | None, _text("Second side (instead of dyad=A,B).")] = None,
    ) -> EventFilter:
        if f.dyad is not None and (a or b):
            raise FilterError("a" if a else "b", a or b, "give either dyad=A,B or a and b, not both")
        if f.dyad is None and (a or b):
            if not (a and b):
                raise FilterError("b" if a else "a", a or b, "give both sides of the dyad, a and b")
            return EventFilter(**{**f.__dict__, "dyad": (a.strip(), b.strip())})
        return f

    def dyads_payload(
        f: Annotated[EventFilter, Depends(dyad_filter)],
        interval: Annotated[str, Query(description="day, week or month.")] = "month",
        include_negated: Annotated[
            str | None, _text("true: count negated events too (default: not).")
        ] = None,
        include_historical: Annotated[
            str | None, _text("true: count historical mentions too (default: not).")
        ] = None,
    ) -> dict[str, Any]:
        """Event counts and Goldstein sum/mean per period between the two sides of `dyad`
        (e.g. `dyad=USA,RUS`), both directions unless `directed=true`. Negated events and historical
        mentions are left out unless asked for, since neither happened in the period."""
        if f.dyad is None:
            raise FilterError(
                "dyad", None, "give two actors or countries, e.g. dyad=USA,RUS (or a=USA&b=RUS)"
            )
        changes: dict[str, Any] = {}
        if f.negated is None and not _opt_bool("include_negated", include_negated):
            changes["negated"] = False
        if f.historical is None and not _opt_bool("include_historical", include_historical):
            changes["historical"] = False
        if changes:
            f = EventFilter(**{**f.__dict__, **changes})
        a, b = f.dyad
        out = reader.dyad_series(f, interval=interval)
        events_url = "/events?" + urlencode(f.params())
        return {
            "a": a,
            "b": b,
            "directed": f.directed,
            "filters": f.params(),
            "events_url": events_url,
            **out,
        }

    # ---- API routes ------------------------------------------------------------------------

    app.add_api_route("/api/summary", as_json(summary_payload), tags=["meta"], summary="Database summary")
    app.add_api_route(
        "/api/articles", as_json(articles_payload), tags=["articles"], summary="List and search articles"
    )
    app.add_api_route(
        "/api/articles/{article_id}",
        as_json(article_payload),
        tags=["articles"],
        summary="One article with its findings",
    )
    app.add_api_route("/api/quotes", as_json(quotes_payload), tags=["quotes"], summary="List quotes")
    app.add_api_route("/api/events", as_json(events_payload), tags=["events"], summary="List events")
    app.add_api_route("/api/actors", as_json(actors_payload), tags=["actors"], summary="List actors")
    app.add_api_route(
        "/api/actors/{actor_id:path}",
        as_json(actor_payload),
        tags=["actors"],
        summary="One actor: roles, quotes, events, partners",
    )
    app.add_api_route("/api/dyads", as_json(dyads_payload), tags=["dyads"], summary="Dyad time series")

    # ---- exports ---------------------------------------------------------------------------

    def export_format(fmt: str | None, allowed: tuple[str, ...]) -> str:
        fmt = (fmt or "csv").lower()
        if fmt not in allowed:
            raise FilterError("format", fmt, "choose one of: " + ", ".join(allowed))
        return fmt

    def streamed(rows: Iterator[dict[str, Any]], fmt: str, name: str) -> StreamingResponse:
        body = _csv_chunks(rows) if fmt == "csv" else _jsonl_chunks(rows)
        return StreamingResponse(
            body,
            media_type=EXPORT_FORMATS[fmt],
            headers={
                "Content-Disposition": f'attachment; filename="{name}.{fmt if fmt != "gdelt" else "tsv"}"'
            },
        )

    FormatParam = Annotated[str | None, Query(alias="format", description="csv (default) or jsonl.")]

    @app.get(
        "/api/export/articles", tags=["export"], summary="Export articles", response_class=StreamingResponse
    )
    def export_articles(
        f: Annotated[ArticleFilter, Depends(article_filter)], fmt: FormatParam = None
    ) -> Response:
        """Every article matching the filters, with its text, streamed as CSV or JSONL."""
        return streamed(reader.iter_articles(f), export_format(fmt, ("csv", "jsonl")), "articles")

    @app.get("/api/export/quotes", tags=["export"], summary="Export quotes", response_class=StreamingResponse)
    def export_quotes(f: Annotated[QuoteFilter, Depends(quote_filter)], fmt: FormatParam = None) -> Response:
        """Every quote matching the filters, streamed as CSV or JSONL."""
        return streamed(reader.iter_quotes(f), export_format(fmt, ("csv", "jsonl")), "quotes")

    @app.get("/api/export/events", tags=["export"], summary="Export events", response_class=StreamingResponse)
    def export_events(
        f: Annotated[EventFilter, Depends(event_filter)],
        fmt: Annotated[
            str | None, Query(alias="format", description="csv (default), jsonl or gdelt (GDELT TSV).")
        ] = None,
    ) -> Response:
        """Every event matching the filters, streamed as CSV, JSONL or GDELT 2.0 event TSV
        (written by `tidings.export.gdelt.write_gdelt`; 501 when that writer is not installed)."""
        fmt = export_format(fmt, ("csv", "jsonl", "gdelt"))
        if fmt == "gdelt":
            write_gdelt = _gdelt_writer()
            return StreamingResponse(
                _writer_chunks(write_gdelt, reader.iter_events(f)),
                media_type=EXPORT_FORMATS["gdelt"],
                headers={"Content-Disposition": 'attachment; filename="events.gdelt.tsv"'},
            )
        return streamed(reader.iter_events(f), fmt, "events")

    # ---- web pages and their JSON twins ----------------------------------------------------

    def render(request: Request, template: str, payload: dict[str, Any], **extra: Any) -> Response:
        path = request.url.path.rstrip("/") or "/index"
        query = request.url.query
        json_url = path + ".json" + ("?" + query if query else "")
        return templates.TemplateResponse(
            request,
            template,
            {"data": payload, "json_url": json_url, "query": dict(request.query_params), **extra},
        )

    hidden: dict[str, Any] = {"include_in_schema": False}
    app.add_api_route("/index.json", as_json(summary_payload), **hidden)
    app.add_api_route("/articles.json", as_json(articles_payload), **hidden)
    app.add_api_route("/articles/{article_id}.json", as_json(article_payload), **hidden)
    app.add_api_route("/quotes.json", as_json(quotes_payload), **hidden)
    app.add_api_route("/events.json", as_json(events_payload), **hidden)
    app.add_api_route("/actors.json", as_json(actors_payload), **hidden)
    app.add_api_route("/actors/{actor_id:path}.json", as_json(actor_payload), **hidden)
    app.add_api_route("/dyads.json", as_json(dyads_payload), **hidden)

    @app.get("/", response_class=HTMLResponse, **hidden)
    def index_page(request: Request) -> Response:
        return render(request, "index.html", summary_payload(), top_dyads=reader.top_dyads())

    @app.get("/articles", response_class=HTMLResponse, **hidden)
    def articles_page(
        request: Request, payload: Annotated[dict[str, Any], Depends(articles_payload)]
    ) -> Response:
        return render(request, "articles.html", payload)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, **hidden)
    def article_page(request: Request, article_id: str) -> Response:
        payload = article_payload(article_id)
        segs = segments(payload["article"]["text"], marks_for(payload))
        return render(request, "article.html", payload, segments=segs, findings=_finding_index(payload))

    @app.get("/quotes", response_class=HTMLResponse, **hidden)
    def quotes_page(
        request: Request, payload: Annotated[dict[str, Any], Depends(quotes_payload)]
    ) -> Response:
        return render(request, "quotes.html", payload)

    @app.get("/events", response_class=HTMLResponse, **hidden)
    def events_page(
        request: Request, payload: Annotated[dict[str, Any], Depends(events_payload)]
    ) -> Response:
        return render(request, "events.html", payload)

    @app.get("/actors", response_class=HTMLResponse, **hidden)
    def actors_page(
        request: Request, payload: Annotated[dict[str, Any], Depends(actors_payload)]
    ) -> Response:
        return render(request, "actors.html", payload)

    @app.get("/actors/{actor_id:path}", response_class=HTMLResponse, **hidden)
    def actor_page(request: Request, actor_id: str) -> Response:
        payload = actor_payload(actor_id)
        actor = payload["actor"]
        return render(
            request,
            "actor.html",
            payload,
            network=charts.partner_network(str(actor.get("name") or actor_id), payload["partners"], actor_id),
            roles_svg=charts.role_timeline(actor.get("roles", []), date.today().isoformat()),
        )

    @app.get("/dyads", response_class=HTMLResponse, **hidden)
    def dyads_page(
        request: Request,
        f: Annotated[EventFilter, Depends(dyad_filter)],
        interval: str = "month",
        include_negated: str | None = None,
        include_historical: str | None = None,
    ) -> Response:
        if f.dyad is None:
            return render(
                request, "dyads.html", {}, chart=None, intervals=INTERVALS, top_dyads=reader.top_dyads()
            )
        payload = dyads_payload(f, interval, include_negated, include_historical)
        chart = charts.dyad_timeline(payload["series"], payload["a"], payload["b"])
        return render(request, "dyads.html", payload, chart=chart, intervals=INTERVALS, top_dyads=[])

    @app.get("/api", response_class=HTMLResponse, **hidden)
    def api_reference(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "api.html", {"spec": app.openapi(), "json_url": "/api/openapi.json"}
        )

    @app.get("/api/docs", **hidden)
    def api_docs_redirect() -> Response:
        return RedirectResponse("/api")

    return app


def _export_query(query: dict[str, str], fmt: str) -> str:
    """The page's filters as an export query string: paging dropped, ``format`` set."""
    params = {k: v for k, v in query.items() if v != "" and k not in ("limit", "offset", "format")}
    params["format"] = fmt
    return urlencode(params)


def _finding_index(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the reader's script shows for each finding id on hover or click."""
    text = payload["article"]["text"]
    out: dict[str, dict[str, Any]] = {}
    for e in payload["entities"]:
        out[e["id"]] = {
            "kind": "entity",
            "label": e.get("label"),
            "text": e.get("text"),
            "rule": e.get("rule"),
            "confidence": e.get("confidence"),
        }
    for m in payload["actor_mentions"]:
        out[m["id"]] = {
            "kind": "actor",
            "text": m.get("text"),
            "actor": m.get("name"),
            "actor_id": m.get("actor_id"),
            "code": m.get("code"),
            "country": m.get("country"),
            "role": m.get("role"),
            "rule": m.get("rule"),
            "confidence": m.get("confidence"),
        }
    for q in payload["quotes"]:
        out[q["id"]] = {
            "kind": "quote",
            "quote_kind": q.get("kind"),
            "speaker": q.get("speaker"),
            "actor_id": q.get("speaker_actor_id"),
            "cue": q.get("cue"),
            "content": q.get("content"),
            "medium": q.get("medium"),
            "rule": q.get("rule"),
            "confidence": q.get("confidence"),
        }
    for e in payload["events"]:
        evidence = " … ".join(text[a:b] for a, b in spans_of(e.get("spans")))
        out[e["id"]] = {
            "kind": "event",
            "code": e.get("cameo"),
            "name": e.get("cameo_name"),
            "source": e.get("source"),
            "source_code": e.get("source_code"),
            "source_actor_id": e.get("source_actor_id"),
            "target": e.get("target"),
            "target_code": e.get("target_code"),
            "target_actor_id": e.get("target_actor_id"),
            "quad_class": e.get("quad_class"),
            "goldstein": e.get("goldstein"),
            "plover_type": e.get("plover_type"),
            "date": e.get("date"),
            "place": e.get("place"),
            "negated": e.get("negated"),
            "historical": e.get("historical"),
            "modal": e.get("modal"),
            "evidence": evidence,
            "rule": e.get("rule"),
            "confidence": e.get("confidence"),
        }
    return out


# ---- export bodies -----------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return dumps_record(value) if isinstance(value, dict) else _json_list(value)
    return value


def _json_list(value: list[Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _csv_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header: list[str] | None = None
    for row in rows:
        if header is None:
            header = list(row)
            writer.writerow(header)
        writer.writerow([_cell(row.get(k)) for k in header])
        if buf.tell() >= EXPORT_CHUNK_BYTES:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if buf.tell():
        yield buf.getvalue()


def _jsonl_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    lines: list[str] = []
    size = 0
    for row in rows:
        line = dumps_record(row) + "\n"
        lines.append(line)
        size += len(line)
        if size >= EXPORT_CHUNK_BYTES:
            yield "".join(lines)
            lines, size = [], 0
    if lines:
        yield "".join(lines)


def _gdelt_writer() -> Callable[..., Any]:
    """``tidings.export.gdelt.write_gdelt`` (events-data area), or ExportUnavailable."""
    try:
        from tidings.export.gdelt import write_gdelt
    except ImportError as exc:
        raise ExportUnavailable(str(exc)) from None
    return write_gdelt  # type: ignore[no-any-return]


class _QueueWriter:
    """A file-like ``out`` for writers that push text; hands chunks to the response through a queue."""

    def __init__(self, chunks: queue.Queue[Any], stop: threading.Event) -> None:
        self.chunks = chunks
        self.stop = stop

    def write(self, text: str | bytes) -> int:
        while not self.stop.is_set():
            try:
                self.chunks.put(text, timeout=0.5)
                return len(text)
            except queue.Full:
                continue
        raise BrokenPipeError("the client went away")

    def flush(self) -> None:
        pass


_DONE = object()


def _writer_chunks(write: Callable[..., Any], rows: Iterator[dict[str, Any]]) -> Iterator[Any]:
    """Run ``write(rows, out)`` in a thread and stream what it writes, with backpressure."""
    chunks: queue.Queue[Any] = queue.Queue(maxsize=EXPORT_QUEUE_CHUNKS)
    stop = threading.Event()

    def produce() -> None:
        try:
            write(rows, _QueueWriter(chunks, stop))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            if not stop.is_set():
                chunks.put(exc)
        finally:
            if not stop.is_set():
                chunks.put(_DONE)

    thread = threading.Thread(target=produce, name="tidings-export", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()

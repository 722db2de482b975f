"""`tidings serve`: the JSON API and web UI over a database (a thin wrapper over ``tidings.api``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.console import Console

from tidings.cli.app import app
from tidings.errors import TidingsError
from tidings.store import engine_for, is_url
from tidings.store.query import ensure_search_index

DEFAULT_DB = "tidings.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

err = Console(stderr=True, highlight=False)


def prepare_search(db: str) -> str:
    """Create the full-text index if it is missing (needs write access once); returns a note for
    the user. Without write access the server still runs, searching with slower LIKE matching."""
    if not is_url(db) and not Path(db).exists():
        raise TidingsError("E101", path=db)
    engine = engine_for(db)
    try:
        created = ensure_search_index(engine)
    except sa.exc.SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).strip()
        return f"could not create the search index ({detail}); searching without it (slower)"
    finally:
        engine.dispose()
    return "built the full-text search index" if created else "full-text search index present"


def serve_app(db: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Prepare the search index, then serve the API and web UI with uvicorn until interrupted."""
    import uvicorn

    from tidings.api import create_app

    note = prepare_search(db)
    application = create_app(db)
    err.print(f"tidings: {note}; serving {db} on http://{host}:{port}/ (API reference: /api)")
    uvicorn.run(application, host=host, port=port, log_level="info")


@app.command()
def serve(
    db: Annotated[
        str, typer.Option("--db", help="SQLite file path or postgresql:// URL.", envvar="TIDINGS_DB")
    ] = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0 for every interface).")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="TCP port.")] = DEFAULT_PORT,
) -> None:
    """Serve the JSON API and the web UI (read-only) over a tidings database."""
    serve_app(db, host=host, port=port)

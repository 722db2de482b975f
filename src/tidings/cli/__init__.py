"""Command-line interface: thin wrappers over plain functions, one module per command group."""

from __future__ import annotations

import importlib
import sys

from tidings.cli.app import app
from tidings.errors import TidingsError

# Each module registers its commands on tidings.cli.app.app (or eval_app) when imported.
COMMAND_MODULES = (
    "tidings.cli.core",
    "tidings.cli.actors",
    "tidings.cli.events",
    "tidings.cli.eval_events",
    "tidings.cli.serve",
    "tidings.cli.quotes",
    "tidings.cli.eval_quotes",
    "tidings.cli.load",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A command group whose module is not part of this installation is not offered;
            # any other missing import is a real error and propagates.
            if exc.name != name:
                raise


def main() -> None:
    _register()
    try:
        app()
    except TidingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)

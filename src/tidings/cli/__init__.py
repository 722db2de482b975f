"""Command-line interface: thin wrappers over plain functions, one module per command group."""

from __future__ import annotations

import importlib
import sys

from tidings.cli.app import app
from tidings.errors import TidingsError

# Each module registers its commands on tidings.cli.app.app (or eval_app) when imported.
COMMAND_MODULES = (
    "tidings.cli.core",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main() -> None:
    _register()
    try:
        app()
    except TidingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)

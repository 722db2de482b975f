"""The Typer application every command module registers on (spaCy's CLI layout)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="tidings",
    help="Who said what, who did what to whom, when and where: news text to evidence-backed records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score tidings against gold data (brat attributions, PETRARCH records).")
app.add_typer(eval_app, name="eval")

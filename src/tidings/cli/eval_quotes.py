"""``tidings eval quotes``: score the quote extractor against brat attribution files (PolNeAR layout).

A thin wrapper over ``tidings.evaluate.quotes.evaluate_brat``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tidings.cli.app import eval_app
from tidings.errors import TidingsError


@eval_app.command("quotes")
def eval_quotes(
    brat: Annotated[
        Path, typer.Option("--brat", help="Directory with text/ and attributions/ (PolNeAR layout).")
    ],
    cues: Annotated[
        Path | None, typer.Option(help="Extra cue lexicon (YAML, same layout as data/cues.yaml).")
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.", envvar="TIDINGS_MODEL")] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N texts.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the scores as one JSON object.")] = False,
) -> None:
    """Precision, recall and F1 of quote source, cue and content (exact, overlap) on speech attributions."""
    from tidings import nlp
    from tidings.evaluate.quotes import evaluate_brat
    from tidings.extract.quotes import load_cues
    from tidings.knowledge import Knowledge

    if not brat.exists():
        raise TidingsError("E303", path=str(brat))
    kb = Knowledge(cues=load_cues(path=cues))
    report = evaluate_brat(brat, kb, nlp=nlp.load(model), limit=limit)
    if json_out:
        print(json.dumps(report.as_dict(), sort_keys=True))
        return
    print(report.table())

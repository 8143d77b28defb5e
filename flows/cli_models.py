"""``scrthemes train`` and ``scrthemes evaluate``: the classifier and its quality on gold data."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from scrthemes.flows.cli_common import user_errors
from scrthemes.flows.output import plain, print_json

GoldOption = Annotated[
    Path | None,
    typer.Option("--gold", help="Gold folder [default: ../shared/gold or $SCRTHEMES_SHARED/gold]."),
]


class Method(StrEnum):
    """Which tagger to evaluate."""

    rules = "rules"
    classifier = "classifier"
    combined = "combined"


class Split(StrEnum):
    """Which gold documents to score on."""

    dev = "dev"
    all = "all"
    cv = "cv"
    unseen = "unseen"


def train(gold: GoldOption = None) -> None:
    """Train the theme classifier on the gold data and save it under models/."""
    from scrthemes.nlp.train import train as train_classifier

    result = train_classifier(gold_dir=gold)
    if isinstance(result, str | Path):
        typer.echo(f"saved {result}")
    else:
        print_json(plain(result))


def evaluate(
    gold: GoldOption = None,
    method: Annotated[
        Method | None,
        typer.Option(help="Tagger to score [default: the measured-best method in the model card].",
                     show_default=False),
    ] = None,
    split: Annotated[Split, typer.Option(help="Documents to score on.")] = Split.dev,
) -> None:
    """Score the tagger against the gold annotations (precision, recall, F1 per theme)."""
    from scrthemes.nlp.evaluate import format_report, run_evaluation

    result = run_evaluation(gold_dir=gold, method=method.value if method else None, split=split.value)
    typer.echo(format_report(result))


def register(app: typer.Typer) -> None:
    """Add ``train`` and ``evaluate`` to ``app``."""
    app.command(epilog="Example: scrthemes train --gold ../shared/gold")(user_errors(train))
    app.command(epilog="Example: scrthemes evaluate --method rules --split cv")(
        user_errors(evaluate)
    )

"""The ``scrthemes`` command: add and ingest reviews, tag files, query the store.

Heavy imports (Prefect, spaCy, the store) happen inside the commands, so that
``scrthemes --help`` is quick and ``scrthemes tag`` never starts Prefect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from scrthemes.flows import cli_analysis, cli_models, cli_runs, cli_store, settings
from scrthemes.flows.cli_common import CliState, state, user_errors
from scrthemes.flows.output import console, err_console, error, fail, print_json

app = typer.Typer(
    name="scrthemes",
    help="Mine child safeguarding case reviews (SCR PDFs) for recurring risk-factor themes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL [default: $SCRTHEMES_DB_URL or sqlite:///scrthemes.db].",
        show_default=False,
    ),
]
WorkersOption = Annotated[
    int | None, typer.Option("--workers", help="Run on a local Dask cluster of N processes.")
]
DaskOption = Annotated[
    str | None, typer.Option("--dask-address", help="Run on the Dask cluster at this address.")
]


@app.callback()
def main(
    ctx: typer.Context,
    db: DbOption = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show Prefect's log lines and tracebacks.")
    ] = False,
) -> None:
    """Mine child safeguarding case reviews (SCR PDFs) for recurring risk-factor themes."""
    settings.set_verbose(verbose)
    ctx.obj = CliState(db_url=settings.resolve_db_url(db), verbose=verbose)


def _themes_text(themes: list[str]) -> str:
    return ", ".join(themes) if themes else "none"


@app.command(epilog="Example: scrthemes add review.pdf --area Kent --year 2019")
@user_errors
def add(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Review PDFs to add.", show_default=False)],
    area: Annotated[str | None, typer.Option(help="Safeguarding area (board).")] = None,
    year: Annotated[int | None, typer.Option(help="Year of publication.")] = None,
    title: Annotated[str | None, typer.Option(help="Title of the review.")] = None,
    child: Annotated[str | None, typer.Option(help="The review's name for the child.")] = None,
) -> None:
    """Add review PDFs; metadata not given is guessed from the first page."""
    from scrthemes.flows.ingest import ingest_review

    failed = 0
    for path in files:
        outcome = ingest_review(
            path, state(ctx).db_url, title=title, year=year, area=area, child=child
        )
        if outcome.status == "failed":
            failed += 1
            error(outcome.error or f"{path}: could not be added")
            continue
        typer.echo(
            f"review {outcome.review_id}: {outcome.path} ({outcome.pages} pages, "
            f"{outcome.status.replace('_', ' ')}) themes: {_themes_text(outcome.themes)}")
    if failed:
        raise typer.Exit(1)


@app.command(epilog="Example: scrthemes ingest data/samples --workers 2")
@user_errors
def ingest(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(help="Folder searched (recursively) for PDFs.", show_default=False)
    ],
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
) -> None:
    """Add every PDF under a folder, skipping unchanged files and reporting bad ones."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from scrthemes.flows.ingest import find_pdfs, ingest_folder, set_progress_listener
    from scrthemes.flows.runners import with_runner

    if not directory.is_dir():
        fail(f"{directory}: no such folder (give the folder that holds the review PDFs)")
    total = len(find_pdfs(directory))
    flow = with_runner(ingest_folder, workers, dask_address)
    progress = Progress(
        TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), console=err_console,
        transient=True,
    )
    with progress:
        bar = progress.add_task("ingest", total=total)
        set_progress_listener(lambda outcome: progress.advance(bar))
        try:
            summary = flow(directory, state(ctx).db_url)
        finally:
            set_progress_listener(None)
    typer.echo(
        f"added: {len(summary.added)}, new versions: {len(summary.new_versions)}, "
        f"unchanged: {len(summary.unchanged)}, failed: {len(summary.failed)}")
    for outcome in summary.failed:
        error(outcome.error or f"{outcome.path}: failed")
    if summary.failed:
        raise typer.Exit(1)


@app.command(epilog="Example: scrthemes tag review.pdf --json")
@user_errors
def tag(
    file: Annotated[Path, typer.Argument(help="A review PDF or a .txt file.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
    method: Annotated[
        str | None,
        typer.Option(help="rules, classifier or combined [default: the method that measured "
                     "best on dev, as recorded in the model card].", show_default=False),
    ] = None,
) -> None:
    """Tag one file with the nine themes, without a database."""
    from scrthemes.flows.tagjson import read_document, tag_document
    from scrthemes.nlp.tagger import load_tagger

    doc = read_document(file)
    result = tag_document(file, doc, load_tagger(method=method))
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"{file} ({result['pages'] or 'text'} pages)")
    for column in ("theme", "present", "mentions", "score"):
        table.add_column(column)
    for theme, s in result["themes"].items():
        table.add_row(theme, "yes" if s["present"] else "no", str(s["mentions"]), f"{s['score']:.2f}")
    console.print(table)


@app.command(epilog="Example: scrthemes samples data/samples")
@user_errors
def samples(
    directory: Annotated[Path, typer.Argument(help="Folder to write into.", show_default=False)],
) -> None:
    """Write the fictional sample review PDFs and their manifest.json."""
    from scrthemes.corpus.samples import generate_samples

    written = generate_samples(directory)
    typer.echo(
        f"wrote {len(written)} fictional sample reviews and manifest.json to {directory}")


@app.command(epilog="Example: scrthemes watch inbox --interval 30")
@user_errors
def watch(
    ctx: typer.Context,
    inbox: Annotated[Path | None, typer.Argument(
        help="Folder to watch [default: $SCRTHEMES_INBOX or ./inbox].", show_default=False)] = None,
    interval: Annotated[float, typer.Option(help="Seconds between passes.")] = 30.0,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
) -> None:
    """Ingest PDFs dropped into an inbox; move each to processed/ or failed/ (with a reason)."""
    from scrthemes.flows.inbox import watch_forever

    def report(result: dict) -> None:
        for name in result["processed"]:
            console.print(f"{name}: stored, moved to processed/", markup=False)
        for reason in result["failed"].values():
            error(f"{reason} (moved to failed/)")

    watch_forever(inbox, state(ctx).db_url, interval=interval, passes=1 if once else None,
                  report=report)


cli_store.register(app)
cli_runs.register(app)
cli_models.register(app)
cli_analysis.register(app)

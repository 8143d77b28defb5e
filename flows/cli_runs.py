"""``scrthemes rerun`` and ``scrthemes runs``: re-tag after the pipeline changed, and its history."""

from __future__ import annotations

from typing import Annotated

import typer
from scrthemes.flows.cli_common import open_store, state, user_errors
from scrthemes.flows.output import (
    Format,
    as_rows,
    error,
    fail,
    plain,
    print_json,
    print_rows,
)

runs_app = typer.Typer(
    help="List the recorded runs, or show one.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def rerun(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option(help="Re-tag every latest review.")] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run on a local Dask cluster of N processes.")
    ] = None,
    dask_address: Annotated[
        str | None, typer.Option("--dask-address", help="Run on the Dask cluster at this address.")
    ] = None,
) -> None:
    """Re-tag reviews tagged by an older pipeline version (all with --force) and record the run."""
    from scrthemes.flows.ingest import rerun_all
    from scrthemes.flows.runners import with_runner

    summary = with_runner(rerun_all, workers, dask_address)(state(ctx).db_url, force=force)
    typer.echo(
        f"run {summary.run_id}: re-tagged {len(summary.retagged)} reviews "
        f"(pipeline {summary.pipeline_version}), failed: {len(summary.failed)}")
    for line in summary.change_lines():
        typer.echo(f"  {line}")
    for reason in summary.failed:
        error(reason)
    if summary.failed:
        raise typer.Exit(1)


@runs_app.callback()
@user_errors
def runs(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """List the recorded runs (ingests and re-runs), newest first."""
    if ctx.invoked_subcommand is not None:
        return
    runs = open_store(ctx).list_runs()
    if fmt is not Format.json:  # the "what changed" detail is for `runs show`
        runs = [{k: v for k, v in r.items() if k not in ("changes", "params")} for r in runs]
    columns, rows = as_rows(runs)
    print_rows(columns, rows, fmt, title="Runs")


@runs_app.command("show", epilog="Example: scrthemes runs show 2")
@user_errors
def runs_show(
    ctx: typer.Context,
    run_id: Annotated[int, typer.Argument(metavar="ID", help="Run id.", show_default=False)],
) -> None:
    """One run: when, which pipeline version, and what changed."""
    run = open_store(ctx).get_run(run_id)
    if run is None:
        fail(f"run {run_id}: no such run (see `scrthemes runs`)")
    print_json(plain(run))


def register(app: typer.Typer) -> None:
    """Add ``rerun`` and ``runs`` to ``app``."""
    app.command(epilog="Example: scrthemes rerun --force")(user_errors(rerun))
    app.add_typer(runs_app, name="runs", epilog="Example: scrthemes runs --format json")

"""``scrthemes`` commands that read or edit the store: frequencies, show, sql, edit."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from scrthemes.flows.cli_common import open_store, user_errors
from scrthemes.flows.output import Format, as_rows, fail, plain, print_json, print_rows

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


class By(StrEnum):
    """How ``frequencies`` splits its counts."""

    year = "year"
    area = "area"


def frequencies(
    ctx: typer.Context,
    area: Annotated[str | None, typer.Option(help="Only reviews from this area.")] = None,
    by: Annotated[By | None, typer.Option(help="Split the counts by year or area.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """How many (latest) reviews feature each theme."""
    rows = open_store(ctx).frequencies(area=area, by=by.value if by else None)
    if fmt is Format.table:  # theme ids say enough on a terminal
        rows = [{k: v for k, v in r.items() if k != "name"} for r in rows]
    columns, values = as_rows(rows)
    print_rows(columns, values, fmt, title="Theme frequencies")


def show(
    ctx: typer.Context,
    review_id: Annotated[int, typer.Argument(metavar="ID", help="Review id.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    negated: Annotated[
        bool, typer.Option("--negated", help="Also list the mentions that were not counted.")
    ] = False,
) -> None:
    """One review: metadata, version, themes present and their evidence sentences."""
    info = open_store(ctx).get_review(review_id)
    evidence = [e for e in info.evidence if negated or not e.negated]
    if as_json:
        data = plain(info)
        data["evidence"] = plain(evidence)
        print_json(data)
        return
    for key in ("id", "title", "area", "year", "child", "file_name", "page_count", "version",
                "previous_id", "is_latest", "pipeline_version"):
        typer.echo(f"{key}: {getattr(info, key)}")
    present = [t for t, c in info.themes.items() if c.present]
    typer.echo(f"themes: {', '.join(present) if present else 'none'}")
    seen = set()
    for e in evidence:
        if (e.theme, e.sentence, e.negated) in seen:
            continue
        seen.add((e.theme, e.sentence, e.negated))
        flag = f" (not counted: {e.cue or 'negated'})" if e.negated else ""
        typer.echo(f"  [{e.theme}] p.{e.page}: {' '.join(e.sentence.split())}{flag}")


def sql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="One read-only SQL statement.", show_default=False)],
    fmt: FormatOption = Format.table,
) -> None:
    """Run a read-only SQL query against the store (writes are refused)."""
    columns, rows = as_rows(open_store(ctx).query(query))
    print_rows(columns, rows, fmt)


def edit(
    ctx: typer.Context,
    review_id: Annotated[int, typer.Argument(metavar="ID", help="Review id.", show_default=False)],
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    year: Annotated[int | None, typer.Option(help="New year.")] = None,
    area: Annotated[str | None, typer.Option(help="New area.")] = None,
    child: Annotated[str | None, typer.Option(help="New child name.")] = None,
) -> None:
    """Correct a review's metadata."""
    changes = {"title": title, "year": year, "area": area, "child": child}
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        fail("nothing to change: give --title, --year, --area or --child")
    store = open_store(ctx)
    store.edit_review(review_id, **changes)
    typer.echo(
        f"review {review_id}: " + ", ".join(f"{k} = {v}" for k, v in changes.items()))


def register(app: typer.Typer) -> None:
    """Add the store commands to ``app``."""
    examples = {
        frequencies: "scrthemes frequencies --by year --format csv",
        show: "scrthemes show 3",
        sql: 'scrthemes sql "SELECT * FROM theme_frequencies" --format csv',
        edit: "scrthemes edit 3 --year 2019 --area Kent",
    }
    for fn, example in examples.items():
        app.command(epilog=f"Example: {example}")(user_errors(fn))

"""``scrthemes`` commands for the analysis: compare, report and the national baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from scrthemes.flows.cli_common import open_store, user_errors
from scrthemes.flows.output import Format, console, print_rows

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]

baseline_app = typer.Typer(
    help="National figures the local shares are compared with (shipped and your own).",
    epilog="Example: scrthemes baseline list --theme domestic_abuse",
    no_args_is_help=True,
)


def _points(value: float | None) -> str:
    return "" if value is None else f"{value * 100:+.1f} points"


def _share_fields(sh: Any) -> dict[str, Any]:
    """A local share's count, size, value and interval (all None without reviews)."""
    if sh is None:
        return dict.fromkeys(("k", "n", "share", "ci_low", "ci_high"))
    return {"k": sh.k, "n": sh.n, "share": sh.value, "ci_low": sh.low, "ci_high": sh.high}


def _published_records(rows: list[Any], trio: list[Any]) -> list[dict[str, Any]]:
    from scrthemes.analysis.compare import describe
    from scrthemes.analysis.stats import format_p

    records = []
    for r in rows:
        records.append({
            "theme": r.theme, "local": describe(r.local),
            **_share_fields(r.local),
            "national": r.figure.prevalence_text, "national_label": r.figure.prevalence.label,
            "national_share": r.national,
            "source": r.figure.source, "period": r.figure.period, "base": r.figure.base,
            "difference": r.difference, "p_value": r.p_value,
            "p": format_p(r.p_value) if r.p_value is not None else "",
            "verdict": r.verdict, "caveat": r.caveat or "",
        })
    for t in trio:
        fig = t.figure
        records.append({
            "theme": f"toxic trio: {t.label}", "local": describe(t.local),
            **_share_fields(t.local),
            "national": fig.prevalence_text, "national_label": fig.prevalence.label,
            "national_share": fig.prevalence_pct / 100
            if fig.prevalence_pct is not None else None,
            "source": fig.source, "period": fig.period, "base": fig.base,
            "difference": (t.local.value - fig.prevalence_pct / 100)
            if t.local and fig.prevalence_pct is not None else None,
            "p_value": t.p_value, "p": format_p(t.p_value) if t.p_value is not None else "",
            "verdict": "", "caveat": t.caveat or "",
        })
    return records


def _area_records(rows: list[Any]) -> list[dict[str, Any]]:
    from scrthemes.analysis.compare import describe
    from scrthemes.analysis.stats import format_p

    return [{
        "theme": r.theme, "local": describe(r.local), "other": describe(r.other),
        "k": r.local.k if r.local else None, "n": r.local.n if r.local else None,
        "other_k": r.other.k if r.other else None, "other_n": r.other.n if r.other else None,
        "difference": r.difference, "odds_ratio": r.odds_ratio, "p_value": r.p_value,
        "p": format_p(r.p_value) if r.p_value is not None else "", "caveat": r.caveat or "",
    } for r in rows]


def compare(
    ctx: typer.Context,
    area: Annotated[str | None, typer.Option(help="Local area (default: every review).")] = None,
    against: Annotated[str, typer.Option(
        help="published, published:all, published:SOURCE-TEXT, area:REST or area:NAME.")
    ] = "published",
    fmt: FormatOption = Format.table,
) -> None:
    """Compare local theme shares with national figures or with other areas."""
    from scrthemes.analysis import compare as cmp
    from scrthemes.analysis.national import list_figures
    from scrthemes.analysis.source import load_matrix
    from scrthemes.analysis.trends import trio_against_national

    store = open_store(ctx)
    matrix = load_matrix(store)
    local = matrix.in_area(area) if area else matrix
    if area and not local.n:
        raise cmp.CompareError(f"no reviews from area {area!r}; areas in the store: "
                               f"{', '.join(matrix.areas) or 'none'}")
    area = matrix.area_name(area) if area else None
    label = area or "all reviews"
    if against.startswith("area:"):
        if not area:
            raise cmp.CompareError("--against area:... needs --area (the area to compare)")
        other_label, other = cmp.resolve_area_group(matrix, area, against)
        records = _area_records(cmp.compare_areas(local, other))
        table = [[r["theme"], r["local"], r["other"], _points(r["difference"]), r["p"],
                  r["caveat"]] for r in records]
        columns = ["theme", label, other_label, "difference", "Fisher p", "note"]
    else:
        figures = list_figures(store)
        chosen = cmp.select_figures(figures, against)
        which = against.partition(":")[2].casefold()
        trio_figures = [f for f in figures
                        if which in ("", "all") or which in f.source.casefold()]
        trio = trio_against_national(local, trio_figures)
        records = _published_records(cmp.compare_published(local, chosen), trio)
        table = [[r["theme"], r["local"], r["national_label"], _points(r["difference"]), r["p"],
                  "; ".join(x for x in (f"national figure: {r['source']}, {r['period']}",
                                        r["verdict"], r["caveat"]) if x)] for r in records]
        columns = ["theme", label, "national", "difference", "binomial p", "note"]
    if fmt is Format.table:
        from rich.markup import escape

        # Sources such as "[primary not named on page]" must not be read as rich markup.
        table = [[escape(str(cell)) for cell in row] for row in table]
        # Notes are long sentences: print them under the table so that the
        # columns stay readable in an 80-column terminal.
        notes = [(row[0], row[-1]) for row in table if row[-1]]
        print_rows(columns[:-1], [row[:-1] for row in table], fmt,
                   title=escape(f"{label} against {against}"))
        for theme, note in notes:
            console.print(f"  {theme}: {note}")
    else:
        keys = list(records[0]) if records else []
        print_rows(keys, [[r[k] for k in keys] for r in records], fmt)


def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder to write index.html into.")],
    area: Annotated[str | None, typer.Option(help="Local area (default: every review).")] = None,
    link_pdfs: Annotated[bool, typer.Option(
        "--link-pdfs/--copy-pdfs",
        help="Link to the source PDFs where they are instead of copying them beside the report.")
    ] = False,
) -> None:
    """Write a self-contained static HTML report (works offline, e.g. from a USB stick)."""
    from scrthemes.analysis.report import write_report

    path = write_report(open_store(ctx), out, area=area, copy_pdfs=not link_pdfs)
    console.print(f"report written to {path}", markup=False)


@baseline_app.command("add", epilog="Example: scrthemes baseline add --theme housing "
                      "--source 'Our 2023 audit' --period 2023 --base '40 reviews' --pct 35")
@user_errors
def baseline_add(
    ctx: typer.Context,
    theme: Annotated[str, typer.Option(help="Theme id (see `scrthemes baseline list`).")],
    source: Annotated[str, typer.Option(help="Who published the figure.")],
    period: Annotated[str, typer.Option(help="Period the figure covers, e.g. 2017-19.")],
    base: Annotated[str, typer.Option(help="What the share is of, e.g. '235 reviews'.")],
    pct: Annotated[str, typer.Option(help="Percentage: 53, or as published: ~67, >50, 40-60.")],
    measure: Annotated[str, typer.Option(help="What was counted, in a few words.")] = "",
    category: Annotated[str, typer.Option(help="The source's own name for the category.")] = "",
    primary_source: Annotated[str, typer.Option(help="Full citation.")] = "",
    url: Annotated[str, typer.Option(help="Where the figure was read.")] = "",
) -> None:
    """Add one national figure of your own."""
    from scrthemes.analysis.national import add_figure

    fig = add_figure(open_store(ctx), theme=theme, source=source, period=period, base=base,
                     prevalence=pct, measure=measure, national_category=category,
                     primary_source=primary_source, seen_at_url=url)
    exact = "approximate, no single value" if fig.prevalence_pct is None else (
        f"{fig.prevalence_pct:g}%" + (" (approximate)" if fig.is_approximate else ""))
    console.print(f"added {fig.theme}: {fig.prevalence_text} ({exact}) from {fig.source}, "
                  f"{fig.period}", markup=False)


@baseline_app.command("import", epilog="Example: scrthemes baseline import our_figures.csv")
@user_errors
def baseline_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV with columns theme, source, period, base, "
                                         "prevalence (+ optional measure, national_category, "
                                         "primary_source, seen_at_url).", show_default=False)],
) -> None:
    """Import national figures from a CSV (all rows are checked before any is stored)."""
    from scrthemes.analysis.national import import_figures

    counts = import_figures(open_store(ctx), file)
    console.print(f"{file}: added {counts['added']}, updated {counts['updated']}", markup=False)


@baseline_app.command("list", epilog="Example: scrthemes baseline list --theme domestic_abuse")
@user_errors
def baseline_list(
    ctx: typer.Context,
    theme: Annotated[str | None, typer.Option(help="Only figures for this theme.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the national figures (shipped and your own) with their sources."""
    from scrthemes.analysis.national import list_figures

    figures = list_figures(open_store(ctx), theme=theme)
    if fmt is Format.table:
        columns = ["id", "theme", "category", "prevalence", "source", "period", "base", "origin"]
        from rich.markup import escape

        rows = [[f.id, f.theme or "", escape(f.national_category), escape(f.prevalence_text),
                 escape(f.source), escape(f.period), escape(f.base), f.origin] for f in figures]
    else:
        columns = ["id", "theme", "national_category", "source", "period", "base",
                   "prevalence_text", "prevalence_pct", "is_approximate", "measure",
                   "primary_source", "seen_at_url", "origin"]
        rows = [[getattr(f, c) for c in columns] for f in figures]
    print_rows(columns, rows, fmt, title="National figures")


def register(app: typer.Typer) -> None:
    """Add ``compare``, ``report`` and the ``baseline`` sub-commands to ``app``."""
    app.command("compare", epilog="Example: scrthemes compare --area Kent --against published")(
        user_errors(compare))
    app.command("report", epilog="Example: scrthemes report --out report --area Kent")(
        user_errors(report))
    app.add_typer(baseline_app, name="baseline")

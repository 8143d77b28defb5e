"""The static HTML report: one self-contained ``index.html`` plus the review PDFs beside it.

Nothing in the page loads from the network: styles, the sorting script and the
SVG charts are inline, and links to PDFs are relative, so the folder can be
copied to a USB stick and opened anywhere.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from scrthemes.analysis import report_html as h
from scrthemes.analysis.compare import (
    CompareError,
    compare_areas,
    compare_published,
    headline_figures,
)
from scrthemes.analysis.htmlkit import section
from scrthemes.analysis.matrix import ReviewMatrix
from scrthemes.analysis.national import list_figures
from scrthemes.analysis.source import load_evidence, load_matrix, mention_counts, model_card
from scrthemes.analysis.trends import shares_by_year, trio_against_national, trio_distribution


def _template(name: str) -> str:
    return (resources.files("scrthemes.analysis") / "templates" / name).read_text(encoding="utf-8")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("scrthemes")
    except Exception:  # noqa: BLE001  (metadata missing in an uninstalled checkout)
        return "dev"


def place_pdfs(reviews: ReviewMatrix, out_dir: Path, *, copy: bool) -> dict[int, str]:
    """Relative links (from ``out_dir``) to each review's PDF; copies them into ``pdfs/`` if asked.

    Reviews whose PDF is no longer where it was ingested get no link.
    """
    links: dict[int, str] = {}
    for review in reviews.reviews:
        if not review.path:
            continue
        source = Path(review.path)
        if source.suffix.lower() != ".pdf" or not source.is_file():
            continue
        if copy:
            safe = re.sub(r"[^A-Za-z0-9._-]+", "-", source.name)
            target = out_dir / "pdfs" / f"{review.id}-{safe}"
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.stat().st_size != source.stat().st_size:
                shutil.copyfile(source, target)
            links[review.id] = quote(target.relative_to(out_dir).as_posix())
        else:
            relative = Path(os.path.relpath(source.resolve(), out_dir.resolve())).as_posix()
            links[review.id] = quote(relative)
    return links


def render_report(store: Any, out_dir: Path, *, area: str | None = None,
                  copy_pdfs: bool = True, now: datetime | None = None) -> str:
    """The report's HTML for the store's latest reviews (optionally one area's)."""
    matrix = load_matrix(store)
    local = matrix.in_area(area) if area else matrix
    if area and not local.n:
        raise CompareError(f"no reviews from area {area!r}; areas in the store: "
                           f"{', '.join(matrix.areas) or 'none'}")
    area = matrix.area_name(area) if area else None
    label = area or "all reviews"
    figures = list_figures(store)
    published = compare_published(local, list(headline_figures(figures).values()))
    links = place_pdfs(local, out_dir, copy=copy_pdfs)
    sections: list[tuple[str, str, str]] = []
    sections.append(("summary", "Summary", _summary(local, label, matrix)))
    sections.append(("frequencies", "Themes against national figures",
                     h.frequency_section(local, label, published)))
    if area:
        rest = matrix.outside_area(area)
        if rest.n:
            sections.append(("areas", f"{area} against other areas",
                             h.area_section(area, "all other areas", compare_areas(local, rest))))
    sections.append(("matrix", "Reviews and themes",
                     h.matrix_section(local, mention_counts(store), links)))
    sections.append(("evidence", "Evidence for each theme",
                     h.evidence_section(
                         local, load_evidence(store, review_ids={r.id for r in local.reviews}),
                         links)))
    sections.append(("trends", "Trends by year", h.trend_section(local, shares_by_year(local))))
    sections.append(("trio", "The toxic trio together",
                     h.trio_section(trio_distribution(local), trio_against_national(local, figures))))
    sections.append(("methods", "Method notes and caveats", h.methods_section(model_card(), figures,
                                                       dict(local.themes))))
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    years = local.years
    meta = (f"{local.n} review{'s' if local.n != 1 else ''}"
            + (f", {years[0]}-{years[-1]}" if years else "")
            + f"; generated {when}")
    page = Template(_template("report.html")).substitute(
        title=escape(f"Themes in serious case reviews: {label}"),
        meta=escape(meta),
        version=escape(_version()),
        generated=escape(when),
        style=_template("report.css"),
        script=_template("sort.js"),
        nav="".join(f'<li><a href="#{ident}">{escape(title)}</a></li>'
                    for ident, title, _ in sections),
        body="\n".join(section(ident, title, content) for ident, title, content in sections),
    )
    return page


def write_report(store: Any, out_dir: Path, *, area: str | None = None,
                 copy_pdfs: bool = True, now: datetime | None = None) -> Path:
    """Write ``out_dir/index.html`` (and ``out_dir/pdfs/``); returns the page's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = render_report(store, out_dir, area=area, copy_pdfs=copy_pdfs, now=now)
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _summary(local: ReviewMatrix, label: str, matrix: ReviewMatrix) -> str:
    from scrthemes.analysis.stats import share

    if not local.n:
        return '<p class="warning">There are no tagged reviews in the database yet.</p>'
    ranked = sorted(local.themes, key=lambda t: -local.count(t[0]))
    top = ", ".join(f"{escape(name)} ({local.count(tid)} of {local.n})"
                    for tid, name in ranked[:3] if local.count(tid))
    parts = [f"<p>This report covers <strong>{local.n}</strong> review"
             f"{'s' if local.n != 1 else ''} ({escape(label)}) out of {matrix.n} in the "
             f"database. The most frequent themes: {top or 'none found'}.</p>"]
    example = share(local.n // 2, local.n)
    if example is not None and example.is_small:
        parts.append(f'<p class="warning" role="note"><strong>Small sample.</strong> '
                     f"{escape(example.note or '')}. Read every share below with its "
                     "interval, not as a precise figure.</p>")
    return "".join(parts)

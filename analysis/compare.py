"""Local theme shares against published national figures, or against other areas.

Which national figure stands for a theme (``--against published``) is chosen by
:func:`headline_figures`: an analyst's own figure first, then exact figures
before approximate ones, figures about reviews before figures about incident
notifications, and the most recent period last. ``published:all`` compares with
every figure and ``published:TEXT`` with the figures whose source contains TEXT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scrthemes.analysis.figures import NationalFigure
from scrthemes.analysis.matrix import ReviewMatrix
from scrthemes.analysis.stats import Share, binomial_p, fisher_compare, pct


class CompareError(ValueError):
    """A comparison that cannot be made; ``str(err)`` is one line naming the value."""


@dataclass(frozen=True)
class PublishedRow:
    """One theme's local share against one national figure."""

    theme: str
    theme_name: str
    local: Share | None
    figure: NationalFigure
    national: float | None  # proportion used in the test, None when no test was made
    difference: float | None
    p_value: float | None
    verdict: str
    caveat: str | None = None

    @property
    def skipped(self) -> bool:
        return self.verdict == "skipped"


@dataclass(frozen=True)
class AreaRow:
    """One theme in an area against the comparison group (Fisher's exact test)."""

    theme: str
    theme_name: str
    local: Share | None
    other: Share | None
    difference: float | None
    odds_ratio: float | None
    p_value: float | None
    caveat: str | None = None


def period_end(period: str) -> int:
    """The last year a period mentions: ``'2005-07' -> 2007``, ``'Apr 2023-Mar 2024' -> 2024``."""
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", period)]
    for century_year, short in re.findall(r"(?<!\d)(\d{2})\d{2}\s*[-–/]\s*(\d{2})(?!\d)", period):
        years.append(int(century_year) * 100 + int(short))
    return max(years, default=0)


def counts_notifications(figure: NationalFigure) -> bool:
    """True for figures about incident notifications rather than completed reviews."""
    text = f"{figure.base} {figure.measure} {figure.source}".casefold()
    return "notification" in text or "incident" in text


def is_subgroup(figure: NationalFigure) -> bool:
    return "subgroup" in f"{figure.national_category} {figure.measure}".casefold()


def headline_figures(figures: Iterable[NationalFigure]) -> dict[str, NationalFigure]:
    """The one figure per theme that stands for it (see the module docstring for the order)."""
    best: dict[str, NationalFigure] = {}
    for fig in figures:
        if not fig.theme or is_subgroup(fig):
            continue
        rank = _rank(fig)
        if fig.theme not in best or rank > _rank(best[fig.theme]):
            best[fig.theme] = fig
    return best


def _rank(fig: NationalFigure) -> tuple[int, int, int, int, int]:
    return (fig.origin == "user", fig.prevalence_pct is not None, not fig.is_approximate,
            not counts_notifications(fig), period_end(fig.period))


def select_figures(figures: list[NationalFigure], against: str) -> list[NationalFigure]:
    """The figures named by ``published``, ``published:all`` or ``published:SOURCE``."""
    kind, _, which = against.partition(":")
    if kind != "published":
        raise CompareError(f"--against {against!r}: expected published[:SOURCE] or area:NAME")
    themed = [f for f in figures if f.theme]
    if not which:
        return list(headline_figures(themed).values())
    if which.casefold() == "all":
        return themed
    chosen = [f for f in themed if which.casefold() in f.source.casefold()]
    if not chosen:
        sources = sorted({f.source for f in themed})
        raise CompareError(f"no national figure has a source matching {which!r}; "
                           f"sources: {'; '.join(sources)}")
    return chosen


def compare_published(local: ReviewMatrix, figures: list[NationalFigure]) -> list[PublishedRow]:
    """Compare each theme that has a national figure with the local share.

    Exact figures get an exact binomial test; approximate ones (``~67``) too, with
    a caveat; bounds and ranges are compared by their interval without a test;
    figures in words only, subgroup figures and themes without local reviews are
    reported as skipped with the reason.
    """
    order = {tid: i for i, tid in enumerate(local.theme_ids)}
    rows = []
    for fig in sorted(figures, key=lambda f: (order.get(f.theme or "", 99), -period_end(f.period))):
        theme = fig.theme or ""
        local_share = local.share_of(theme)
        rows.append(_published_row(local, theme, local_share, fig))
    return rows


def _published_row(local: ReviewMatrix, theme: str, sh: Share | None,
                   fig: NationalFigure) -> PublishedRow:
    name = local.theme_name(theme)

    def skip(reason: str) -> PublishedRow:
        return PublishedRow(theme, name, sh, fig, None, None, None, "skipped",
                            f"skipped: {reason}")

    if sh is None:
        return skip("no local reviews to compare")
    if is_subgroup(fig):
        return skip("the national figure covers a subgroup only")
    prev = fig.prevalence
    caveat = sh.note
    if prev.pct is not None:
        national = prev.pct / 100
        p = binomial_p(sh.k, sh.n, national)
        verdict = _direction(sh, national)
        if prev.kind == "approx":
            caveat = _join(f"national figure is approximate ({prev.text}, stated in words); "
                           "treat the test as a rough guide", caveat)
        if counts_notifications(fig):
            caveat = _join("national figure counts incident notifications, not reviews", caveat)
        return PublishedRow(theme, name, sh, fig, national, sh.value - national, p, verdict, caveat)
    if prev.kind in ("lower", "upper", "range"):
        verdict = _against_bounds(sh, prev.low, prev.high)
        caveat = _join(f"national figure is only a bound ({prev.text}); no test made", caveat)
        return PublishedRow(theme, name, sh, fig, None, None, None, verdict, caveat)
    return skip(f"the national figure is in words only ({prev.text!r})")


def _direction(sh: Share, national: float) -> str:
    if sh.high < national:
        return "lower than national (interval wholly below)"
    if sh.low > national:
        return "higher than national (interval wholly above)"
    return "consistent with national (interval includes it)"


def _against_bounds(sh: Share, low: float | None, high: float | None) -> str:
    if low is not None and sh.high * 100 <= low:
        return f"lower: local interval lies wholly at or below {low:g}%"
    if high is not None and sh.low * 100 >= high:
        return f"higher: local interval lies wholly at or above {high:g}%"
    return "consistent with the bound (local interval overlaps it)"


def compare_areas(area: ReviewMatrix, other: ReviewMatrix) -> list[AreaRow]:
    """Each theme in ``area`` against ``other`` with Fisher's exact test and both intervals."""
    rows = []
    for theme, name in area.themes:
        if not area.n or not other.n:
            rows.append(AreaRow(theme, name, area.share_of(theme), other.share_of(theme),
                                None, None, None, "skipped: one side has no reviews"))
            continue
        res = fisher_compare(area.count(theme), area.n, other.count(theme), other.n)
        notes = [s.note for s in (res.first, res.second) if s.note]
        rows.append(AreaRow(theme, name, res.first, res.second, res.difference,
                            res.odds_ratio, res.p_value, "; ".join(notes) or None))
    return rows


def resolve_area_group(matrix: ReviewMatrix, area: str, against: str) -> tuple[str, ReviewMatrix]:
    """The comparison group for ``area:REST`` or ``area:NAME`` with its label."""
    _, _, name = against.partition(":")
    if not name:
        raise CompareError(f"--against {against!r}: name an area (area:NAME) or area:REST")
    if name.upper() == "REST":
        return f"all areas except {area}", matrix.outside_area(area)
    group = matrix.in_area(name)
    if not group.n:
        raise CompareError(f"no reviews from area {name!r}; areas in the store: "
                           f"{', '.join(matrix.areas) or 'none'}")
    return name, group


def describe(sh: Share | None) -> str:
    """``'12/24 = 50% (31-69%)'`` or ``'-'``."""
    if sh is None:
        return "-"
    return f"{sh.k}/{sh.n} = {pct(sh.value)} ({pct(sh.low, sign=False)}-{pct(sh.high)})"


def _join(first: str, second: str | None) -> str:
    return f"{first}; {second}" if second else first

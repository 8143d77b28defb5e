"""Toxic-trio co-occurrence and theme shares by year."""

from __future__ import annotations

from dataclasses import dataclass

from scrthemes.analysis.figures import NationalFigure
from scrthemes.analysis.matrix import TOXIC_TRIO, ReviewMatrix
from scrthemes.analysis.stats import Share, binomial_p, share, trio_counts

#: How a national toxic-trio category maps onto local review counts (minimum factors, exact?).
TRIO_CATEGORIES = {
    "toxic trio (at least one of three)": ("at least one", 1, False),
    "toxic trio (two of three)": ("two or more", 2, False),
    "toxic trio (all three)": ("all three", 3, True),
}
_TWO_CAVEAT = ("the source does not say whether its 'two of three' includes reviews with all "
               "three; compared with local reviews carrying two or more")


@dataclass(frozen=True)
class TrioRow:
    """Local share of reviews with a given number of toxic-trio themes."""

    label: str
    local: Share | None
    figure: NationalFigure | None = None
    p_value: float | None = None
    caveat: str | None = None


def trio_distribution(matrix: ReviewMatrix) -> list[TrioRow]:
    """Share of reviews carrying exactly 0, 1, 2 and 3 of the toxic-trio themes."""
    counts = trio_counts(matrix.trio_factors())
    names = {0: "none of the three", 1: "exactly one", 2: "exactly two", 3: "all three"}
    return [TrioRow(names[i], share(counts[i], matrix.n)) for i in range(4)]


def trio_against_national(matrix: ReviewMatrix, figures: list[NationalFigure]) -> list[TrioRow]:
    """Local co-occurrence against every published toxic-trio figure (binomial test)."""
    factors = matrix.trio_factors()
    rows: list[tuple[int, TrioRow]] = []
    for fig in figures:
        mapping = TRIO_CATEGORIES.get(fig.national_category.strip().casefold())
        if mapping is None:
            continue
        label, minimum, exact = mapping
        k = sum(1 for f in factors if (f == minimum if exact else f >= minimum))
        local = share(k, matrix.n)
        caveats = [local.note] if local and local.note else []
        if minimum == 2:
            caveats.insert(0, _TWO_CAVEAT)
        p = None
        prev = fig.prevalence
        if local is None:
            caveats.insert(0, "skipped: no local reviews")
        elif prev.pct is None:
            caveats.insert(0, f"national figure is only {prev.text}; no test made")
        else:
            p = binomial_p(local.k, local.n, prev.pct / 100)
            if prev.kind == "approx":
                caveats.insert(0, f"national figure is approximate ({prev.text})")
        rows.append((minimum, TrioRow(label, local, fig, p, "; ".join(caveats) or None)))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


@dataclass(frozen=True)
class YearRow:
    """Theme shares among the reviews of one year."""

    year: int
    n: int
    shares: dict[str, Share | None]


def shares_by_year(matrix: ReviewMatrix) -> list[YearRow]:
    """For each year with reviews, every theme's share (reviews of unknown year left out)."""
    rows = []
    for year in matrix.years:
        sub = matrix.where(lambda r, y=year: r.year == y)
        rows.append(YearRow(year, sub.n, {t: sub.share_of(t) for t in sub.theme_ids}))
    return rows


def trio_themes_present(matrix: ReviewMatrix) -> list[str]:
    """The toxic-trio theme ids that the store's theme list actually holds."""
    return [t for t in TOXIC_TRIO if t in matrix.theme_ids]

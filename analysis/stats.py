"""Proportions with honest uncertainty: Wilson intervals, exact tests, small-sample notes.

Every share in the comparison and the report goes through :func:`share`, so the
interval method and the small-sample rule are defined once, here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from scipy import stats

#: A share is flagged as a small sample below this many reviews ...
SMALL_N = 30
#: ... or when its 95% interval is wider than this (as a proportion).
WIDE_INTERVAL = 0.30


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials.

    Parameters
    ----------
    k, n : int
        Successes and trials, ``0 <= k <= n`` and ``n > 0``.
    confidence : float
        Two-sided coverage, 0.95 by default.

    Returns
    -------
    tuple of float
        ``(low, high)`` as proportions in [0, 1].
    """
    _check_counts(k, n)
    if n == 0:
        raise ValueError("a Wilson interval needs at least one review (n = 0)")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At the edges the exact limits are 0 and 1; floating point lands a hair off.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Share:
    """``k`` of ``n`` reviews, with the Wilson 95% interval and a small-sample note."""

    k: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        """The observed proportion ``k / n``."""
        return self.k / self.n

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def is_small(self) -> bool:
        """True when the sample is too small to read the share as a precise figure."""
        return self.n < SMALL_N or self.width > WIDE_INTERVAL

    @property
    def note(self) -> str | None:
        """A plain sentence on the uncertainty when the sample is small, else None."""
        if not self.is_small:
            return None
        noun = "review" if self.n == 1 else "reviews"
        return (
            f"{self.n} {noun}: an observed {pct(self.value)} has an interval of "
            f"roughly {pct(self.low, sign=False)}-{pct(self.high)}"
        )

    def as_dict(self) -> dict[str, float | int | str | None]:
        return {
            "k": self.k,
            "n": self.n,
            "share": round(self.value, 4),
            "ci_low": round(self.low, 4),
            "ci_high": round(self.high, 4),
            "small_sample": self.is_small,
            "note": self.note,
        }


def share(k: int, n: int) -> Share | None:
    """The share ``k / n`` with its Wilson interval; None when there are no reviews."""
    _check_counts(k, n)
    if n == 0:
        return None
    low, high = wilson_interval(k, n)
    return Share(k, n, low, high)


def binomial_p(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial p-value of ``k`` in ``n`` against a proportion ``p``.

    Parameters
    ----------
    k, n : int
        Local count and number of reviews.
    p : float
        The national proportion (0-1) taken as the null hypothesis.

    Returns
    -------
    float
        The p-value of :func:`scipy.stats.binomtest` (outcomes no more likely than ``k``).
    """
    _check_counts(k, n)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a national proportion must lie in [0, 1], got {p!r}")
    if n == 0:
        raise ValueError("a binomial test needs at least one review (n = 0)")
    return float(stats.binomtest(k, n, p, alternative="two-sided").pvalue)


@dataclass(frozen=True)
class TwoShares:
    """Two independent shares compared with Fisher's exact test."""

    first: Share
    second: Share
    odds_ratio: float
    p_value: float

    @property
    def difference(self) -> float:
        return self.first.value - self.second.value


def fisher_compare(k1: int, n1: int, k2: int, n2: int) -> TwoShares:
    """Compare ``k1/n1`` with ``k2/n2`` by Fisher's exact test (two-sided).

    Parameters
    ----------
    k1, n1 : int
        Count and total of the first group (e.g. one area).
    k2, n2 : int
        Count and total of the second group (e.g. every other area).

    Returns
    -------
    TwoShares
        Both shares with Wilson intervals, the sample odds ratio and the p-value.
    """
    first, second = share(k1, n1), share(k2, n2)
    if first is None or second is None:
        raise ValueError(f"both groups need reviews to compare (n1 = {n1}, n2 = {n2})")
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    odds_ratio, p_value = stats.fisher_exact(table, alternative="two-sided")
    return TwoShares(first, second, float(odds_ratio), float(p_value))


def trio_counts(review_factors: Iterable[int]) -> dict[int, int]:
    """How many reviews carry exactly 0, 1, 2 and 3 of the toxic-trio themes.

    Parameters
    ----------
    review_factors : iterable of int
        For each review, the number of toxic-trio themes it carries (0-3).

    Returns
    -------
    dict
        ``{0: reviews, 1: reviews, 2: reviews, 3: reviews}``.
    """
    counts = {0: 0, 1: 0, 2: 0, 3: 0}
    for value in review_factors:
        if value not in counts:
            raise ValueError(f"a review can carry 0-3 toxic-trio themes, got {value!r}")
        counts[value] += 1
    return counts


def pct(value: float, *, sign: bool = True, digits: int = 0) -> str:
    """A proportion as a percentage string, e.g. ``0.3139 -> '31%'``."""
    text = f"{value * 100:.{digits}f}"
    return text + "%" if sign else text


def format_p(p: float) -> str:
    """A p-value for people: three decimals, or '<0.001'."""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _check_counts(k: int, n: int) -> None:
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"counts must satisfy 0 <= k <= n, got k = {k}, n = {n}")

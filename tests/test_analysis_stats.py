"""Statistics checked against values worked out independently (by hand or by direct summation)."""

from __future__ import annotations

import math

import pytest
from scrthemes.analysis.stats import (
    binomial_p,
    fisher_compare,
    format_p,
    share,
    trio_counts,
    wilson_interval,
)


def test_wilson_12_of_24_matches_the_published_interval():
    low, high = wilson_interval(12, 24)
    assert (round(low, 3), round(high, 3)) == (0.314, 0.686)


def test_wilson_at_zero_and_n_has_the_closed_form_limit():
    # For k = 0 the upper limit is z^2 / (n + z^2); with z = 1.959964, n = 10: 0.27753.
    z2 = 1.959964**2
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(z2 / (10 + z2), abs=1e-5)
    assert high == pytest.approx(0.27753, abs=1e-5)
    low, high = wilson_interval(10, 10)
    assert (low, high) == (pytest.approx(1 - 0.27753, abs=1e-5), 1.0)


def test_wilson_1_of_5_matches_hand_computation():
    # p = 0.2, n = 5, z^2 = 3.841459: centre = 0.584146 / 1.768292 = 0.33034,
    # half = 1.959964 * sqrt(0.032 + 0.038415) / 1.768292 = 0.29412 -> (0.0362, 0.6245).
    low, high = wilson_interval(1, 5)
    assert (round(low, 4), round(high, 4)) == (0.0362, 0.6245)


def _binomial_by_summation(k: int, n: int, p: float) -> float:
    """Two-sided exact p: total probability of outcomes no more likely than k."""
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return sum(q for q in pmf if q <= pmf[k] * (1 + 1e-7))


def test_binomial_symmetric_case_equals_hand_sum():
    # P(X <= 2) + P(X >= 8) for n = 10, p = 1/2 is 2 * (1 + 10 + 45) / 1024.
    assert binomial_p(2, 10, 0.5) == pytest.approx(112 / 1024, abs=1e-12)


@pytest.mark.parametrize(("k", "n", "p"), [(0, 5, 0.3), (4, 6, 0.55), (9, 12, 0.36), (1, 7, 0.5)])
def test_binomial_matches_direct_summation(k, n, p):
    assert binomial_p(k, n, p) == pytest.approx(_binomial_by_summation(k, n, p), rel=1e-9)


def test_fisher_tea_tasting_table():
    # Margins 4/4/4/4: P(a) = C(4,a) C(4,4-a) / C(8,4) = 1, 16, 36, 16, 1 (/70).
    # Observed a = 3 (16/70); two-sided sums tables no more likely: (1 + 16 + 16 + 1) / 70.
    result = fisher_compare(3, 4, 1, 4)
    assert result.p_value == pytest.approx(34 / 70, abs=1e-12)
    assert result.odds_ratio == pytest.approx(9.0)  # (3 * 3) / (1 * 1)
    assert result.difference == pytest.approx(0.5)
    assert (round(result.first.low, 3), round(result.second.high, 3)) == (0.301, 0.699)


def test_fisher_one_sided_extreme_table():
    # 5/5 against 0/5: only this table and its mirror are as unlikely, each 1 / C(10,5).
    assert fisher_compare(5, 5, 0, 5).p_value == pytest.approx(2 / 252, abs=1e-12)


def test_small_sample_note_reads_plainly():
    sh = share(12, 24)
    assert sh is not None and sh.is_small
    assert sh.note == "24 reviews: an observed 50% has an interval of roughly 31-69%"


def test_large_narrow_sample_has_no_note():
    sh = share(150, 300)
    assert sh is not None
    assert not sh.is_small and sh.note is None
    # n >= 30 but the interval is wider than 30 points: still flagged.
    wide = share(15, 30)
    assert wide is not None and wide.is_small


def test_no_reviews_gives_no_share_and_clear_errors():
    assert share(0, 0) is None
    with pytest.raises(ValueError, match="k = 5, n = 3"):
        share(5, 3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        binomial_p(1, 3, 1.5)
    with pytest.raises(ValueError, match="n1 = 0"):
        fisher_compare(0, 0, 1, 2)


def test_trio_counts_and_p_formatting():
    assert trio_counts([0, 1, 1, 3, 2, 1]) == {0: 1, 1: 3, 2: 1, 3: 1}
    with pytest.raises(ValueError, match="0-3"):
        trio_counts([4])
    assert format_p(0.0004) == "<0.001"
    assert format_p(0.04567) == "0.046"

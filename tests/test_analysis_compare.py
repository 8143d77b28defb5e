"""Comparisons on a small hand-made matrix (fictional reviews; numbers checked by hand)."""

from __future__ import annotations

import math

import pytest
from scrthemes.analysis.compare import (
    CompareError,
    compare_areas,
    compare_published,
    headline_figures,
    period_end,
    resolve_area_group,
    select_figures,
)
from scrthemes.analysis.figures import make_figure
from scrthemes.analysis.matrix import ReviewRow, build_matrix
from scrthemes.analysis.trends import shares_by_year, trio_against_national, trio_distribution

THEMES = [("parental_mental_health", "Parental mental health"), ("housing", "Housing"),
          ("domestic_abuse", "Domestic abuse"), ("substance_misuse", "Substance misuse")]
KNOWN = {t for t, _ in THEMES}


def _matrix():
    # Ten fictional reviews: six from "Northshire" (2019-2020), four from "Southvale" (2020).
    reviews = [ReviewRow(i, f"Review {i}", "Northshire" if i <= 6 else "Southvale",
                         2019 if i <= 3 else 2020) for i in range(1, 11)]
    pairs = [(1, "parental_mental_health"), (2, "parental_mental_health"),
             (3, "parental_mental_health"), (4, "parental_mental_health"),
             (1, "domestic_abuse"), (2, "domestic_abuse"), (1, "substance_misuse"),
             (7, "housing"), (8, "housing"), (9, "housing"), (10, "housing"),
             (7, "parental_mental_health"), (99, "housing")]  # 99: not a listed review
    return build_matrix(THEMES, reviews, pairs)


def _fig(theme, prevalence, source="Study A", period="2017-19", base="235 reviews", **kw):
    return make_figure(theme=theme, source=source, period=period, base=base,
                       prevalence=prevalence, known_themes=KNOWN, origin="shipped", **kw)


def test_matrix_counts_and_groups():
    m = _matrix()
    assert (m.n, m.count("parental_mental_health"), m.count("housing")) == (10, 5, 4)
    north = m.in_area("northshire")
    assert north.n == 6 and north.count("parental_mental_health") == 4
    assert m.outside_area("Northshire").n == 4
    assert m.trio_factors() == [3, 2, 1, 1, 0, 0, 1, 0, 0, 0]


@pytest.mark.parametrize(("period", "year"), [
    ("2005-07", 2007), ("2009-10", 2010), ("Apr 2023-Mar 2024", 2024),
    ("c.2013-2017 (SCRs submitted)", 2017), ("2020", 2020), ("pre-2012 (2003-09 biennials)", 2012),
])
def test_period_end(period, year):
    assert period_end(period) == year


def test_headline_prefers_user_then_exact_then_reviews_then_recent():
    old_exact = _fig("parental_mental_health", "53", period="2011-14")
    new_exact = _fig("parental_mental_health", "55", period="2017-19")
    approx = _fig("parental_mental_health", "~67", period="2021")
    notif = _fig("parental_mental_health", "27.3", period="Jan-Dec 2020",
                 base="267 serious-harm notifications")
    subgroup = _fig("housing", ">50", national_category="housing (subgroup: under 5s)")
    chosen = headline_figures([old_exact, approx, notif, new_exact, subgroup])
    assert chosen == {"parental_mental_health": new_exact}
    mine = make_figure(theme="parental_mental_health", source="Our audit", period="2015",
                       base="12", prevalence="40", known_themes=KNOWN, origin="user")
    assert headline_figures([new_exact, mine])["parental_mental_health"] is mine


def test_select_figures_by_source_text():
    figs = [_fig("housing", "30", source="Brandon 2020"), _fig("housing", "35", source="DfE 2022")]
    assert [f.source for f in select_figures(figs, "published:dfe")] == ["DfE 2022"]
    assert len(select_figures(figs, "published:all")) == 2
    with pytest.raises(CompareError, match="no national figure has a source matching 'Nope'"):
        select_figures(figs, "published:Nope")
    with pytest.raises(CompareError, match="expected published"):
        select_figures(figs, "national")


def test_compare_published_exact_approx_bound_and_words():
    m = _matrix()  # parental_mental_health 5/10, housing 4/10
    rows = compare_published(m, [
        _fig("parental_mental_health", "55"),
        _fig("housing", "~10"),
        _fig("domestic_abuse", ">60"),
        _fig("substance_misuse", "about a third"),
    ])
    by = {r.theme: r for r in rows}
    pmh = by["parental_mental_health"]
    expected = sum(math.comb(10, i) * 0.55**i * 0.45 ** (10 - i) for i in range(11)
                   if math.comb(10, i) * 0.55**i * 0.45 ** (10 - i)
                   <= math.comb(10, 5) * 0.55**5 * 0.45**5 * (1 + 1e-7))
    assert pmh.p_value == pytest.approx(expected)
    assert pmh.difference == pytest.approx(-0.05)
    assert pmh.verdict.startswith("consistent")
    assert "10 reviews: an observed 50%" in pmh.caveat

    housing = by["housing"]  # 4/10 against ~10%: tested, with the caveat that it is approximate
    assert housing.p_value is not None and housing.p_value < 0.05
    assert housing.verdict.startswith("higher") and "approximate (~10" in housing.caveat

    da = by["domestic_abuse"]  # 2/10 = 20% (5.7-51%) against >60: below, no test
    assert da.p_value is None and da.national is None
    assert da.verdict.startswith("lower") and "only a bound (>60)" in da.caveat
    overlap, = compare_published(_matrix(), [_fig("domestic_abuse", ">50")])
    assert overlap.verdict.startswith("consistent with the bound")

    sm = by["substance_misuse"]
    assert sm.skipped and sm.caveat.startswith("skipped: the national figure is in words only")


def test_subgroup_figure_is_skipped_with_reason():
    row, = compare_published(_matrix(), [_fig("housing", "40", measure="subgroup only: under 5s")])
    assert row.skipped and "subgroup" in row.caveat


def test_compare_areas_uses_fisher_on_both_groups():
    m = _matrix()
    label, other = resolve_area_group(m, "Northshire", "area:REST")
    assert label == "all areas except Northshire" and other.n == 4
    rows = {r.theme: r for r in compare_areas(m.in_area("Northshire"), other)}
    # housing: Northshire 0/6 vs Southvale 4/4. With margins 6/4 and 4 featuring,
    # P(a) = C(6,a) C(4,4-a) / C(10,4) = 1, 24, 90, 80, 15 (/210); only a = 0 is as unlikely.
    housing = rows["housing"]
    assert housing.p_value == pytest.approx(1 / math.comb(10, 4))
    assert housing.difference == pytest.approx(-1.0)
    assert (housing.local.k, housing.local.n, housing.other.k, housing.other.n) == (0, 6, 4, 4)
    with pytest.raises(CompareError, match="no reviews from area 'Westmoor'"):
        resolve_area_group(m, "Northshire", "area:Westmoor")


def test_trio_distribution_and_national_comparison():
    m = _matrix()
    dist = trio_distribution(m)
    assert [(r.label, r.local.k) for r in dist] == [
        ("none of the three", 5), ("exactly one", 3), ("exactly two", 1), ("all three", 1)]
    figs = [_fig(None, "24", national_category="toxic trio (all three)"),
            _fig(None, "63", national_category="toxic trio (two of three)"),
            _fig(None, "~90", national_category="toxic trio (at least one of three)")]
    rows = {r.label: r for r in trio_against_national(m, figs)}
    all_three = rows["all three"]
    assert all_three.local.k == 1
    assert all_three.p_value == pytest.approx(
        sum(math.comb(10, i) * 0.24**i * 0.76 ** (10 - i) for i in range(11)
            if math.comb(10, i) * 0.24**i * 0.76 ** (10 - i)
            <= math.comb(10, 1) * 0.24 * 0.76**9 * (1 + 1e-7)))
    assert rows["two or more"].local.k == 2 and "does not say" in rows["two or more"].caveat
    assert rows["at least one"].local.k == 5 and "approximate" in rows["at least one"].caveat


def test_shares_by_year():
    rows = shares_by_year(_matrix())
    assert [(r.year, r.n) for r in rows] == [(2019, 3), (2020, 7)]
    assert rows[0].shares["parental_mental_health"].k == 3
    assert rows[1].shares["housing"].k == 4


def test_evidence_prefers_prose_and_spreads_over_reviews():
    from scrthemes.analysis.source import Evidence, _spread

    def ev(review_id, sentence, score):
        return Evidence("housing", review_id, f"Review {review_id}", "Northshire", 2020, 1,
                        sentence, "rule", score)

    contents = ev(1, "Housing and moves . . . . . . . . 5", 1.0)
    first = ev(1, "The invented family were evicted from their flat twice.", 0.9)
    second = ev(1, "They then lived in a hostel for three invented months.", 0.95)
    other = ev(2, "The flat was overcrowded and damp in this invented case.", 0.6)
    duplicate = ev(2, "The  flat was overcrowded and damp in this invented case.", 0.6)
    chosen = _spread([contents, second, first, other, duplicate], 3)
    # Review 1's best prose sentence, then review 2's, then review 1's next one.
    assert chosen == [second, other, first]

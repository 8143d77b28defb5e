"""Theme frequency views on a small hand-built corpus whose answers are worked out by hand.

The fictional corpus (latest versions marked *):
  A*  Northshire 2019: domestic_abuse x2, parental_mental_health; housing only negated
  B*  Northshire 2020: domestic_abuse, substance_misuse
  C1  Westmere   2020: info_sharing                     (superseded by C2: never counted)
  C2* Westmere   2020: domestic_abuse
  D*  no area, no year: housing only negated
"""

from __future__ import annotations

import pytest
from scrthemes.corpus.store import Store

from tests.test_store_support import THEME_IDS, THEMES, add, fictional_paragraphs, mention

EXTRA = [
    "There was domestic abuse at home. Later, further domestic abuse was reported.",
    "Mother had depression. Substance misuse was a feature. Information was not shared.",
]


@pytest.fixture
def corpus(db_url):
    store = Store(db_url)
    store.sync_themes(THEMES)

    def review(name, tag, area, year, tags):
        result, doc = add(store, name, fictional_paragraphs(tag, 2) + EXTRA, title=f"Child {tag}",
                          area=area, year=year)
        store.set_mentions(result.review_id, [mention(doc, t[0], t[1], negated=t[2:] == (True,)) for t in tags],
                           pipeline_version="v1")
        return result.review_id

    da = ("domestic_abuse", "domestic abuse")
    ids = {
        "A": review("a.pdf", "A", "Northshire", 2019, [
            da, ("domestic_abuse", "further domestic abuse"),
            ("parental_mental_health", "depression"), ("housing", "moved house", True)]),
        "B": review("b.pdf", "B", "Northshire", 2020, [da, ("substance_misuse", "Substance")]),
        "C1": review("c.pdf", "C", "Westmere", 2020, [("info_sharing", "not shared")]),
        "C2": review("c.pdf", "C2", "Westmere", 2020, [da]),
        "D": review("d.pdf", "D", None, None, [("housing", "moved house", True)]),
    }
    yield store, ids
    store.close()


def by_theme(rows, key="theme"):
    return {r[key]: r for r in rows}


def test_theme_frequencies_count_latest_reviews_once_and_ignore_negated(corpus):
    store, _ = corpus
    rows = store.frequencies()
    assert [r["theme"] for r in rows] == THEME_IDS  # every theme, codebook order
    got = {r["theme"]: (r["reviews_featuring"], r["total_reviews"], r["affirmed_mentions"])
           for r in rows}
    assert got == {
        "parental_mental_health": (1, 4, 1), "housing": (0, 4, 0),
        "volatile_relationships": (0, 4, 0), "domestic_abuse": (3, 4, 4),
        "substance_misuse": (1, 4, 1), "threshold_disputes": (0, 4, 0),
        "non_compliant_parents": (0, 4, 0), "info_sharing": (0, 4, 0), "risk_adults": (0, 4, 0),
    }
    assert by_theme(rows)["domestic_abuse"]["share"] == pytest.approx(0.75)
    assert by_theme(rows)["domestic_abuse"]["name"] == "Domestic abuse"


def test_view_and_store_agree(corpus):
    store, _ = corpus
    columns, rows = store.query("SELECT * FROM theme_frequencies")
    assert columns == ["theme", "name", "reviews_featuring", "total_reviews", "share",
                       "affirmed_mentions"]
    from_view = {r[0]: (r[2], r[3], r[5]) for r in rows}
    from_store = {r["theme"]: (r["reviews_featuring"], r["total_reviews"],
                               r["affirmed_mentions"]) for r in store.frequencies()}
    assert from_view == from_store


def test_frequencies_by_year(corpus):
    store, _ = corpus
    rows = store.frequencies(by="year")
    assert [r["year"] for r in rows[::9]] == [2019, 2020, None]
    table = {(r["year"], r["theme"]): (r["reviews_featuring"], r["total_reviews"]) for r in rows}
    assert len(table) == 27
    assert table[(2019, "domestic_abuse")] == (1, 1)
    assert table[(2019, "parental_mental_health")] == (1, 1)
    assert table[(2020, "domestic_abuse")] == (2, 2)
    assert table[(2020, "substance_misuse")] == (1, 2)
    assert table[(2020, "info_sharing")] == (0, 2)
    assert table[(None, "housing")] == (0, 1)
    _, view_rows = store.query(
        "SELECT year, theme, reviews_featuring, total_reviews, share "
        "FROM theme_frequencies_by_year WHERE year = 2020 AND theme = 'domestic_abuse'")
    assert view_rows == [(2020, "domestic_abuse", 2, 2, 1.0)]


def test_frequencies_by_area_and_for_one_area(corpus):
    store, _ = corpus
    table = {(r["area"], r["theme"]): (r["reviews_featuring"], r["total_reviews"])
             for r in store.frequencies(by="area")}
    assert table[("Northshire", "domestic_abuse")] == (2, 2)
    assert table[("Westmere", "domestic_abuse")] == (1, 1)
    assert table[("Westmere", "info_sharing")] == (0, 1)
    assert table[(None, "domestic_abuse")] == (0, 1)
    north = by_theme(store.frequencies(area="Northshire"))
    assert north["domestic_abuse"]["total_reviews"] == 2
    assert (north["substance_misuse"]["reviews_featuring"], north["housing"]["share"]) == (1, 0.0)
    _, rows = store.query("SELECT COUNT(*) FROM theme_frequencies_by_area")
    assert rows == [(27,)]
    with pytest.raises(ValueError, match="cannot group frequencies by 'month'"):
        store.frequencies(by="month")


def test_latest_reviews_and_evidence_views(corpus):
    store, ids = corpus
    _, rows = store.query("SELECT id FROM latest_reviews ORDER BY id")
    assert [r[0] for r in rows] == sorted([ids["A"], ids["B"], ids["C2"], ids["D"]])
    columns, rows = store.query("SELECT * FROM theme_evidence ORDER BY review_id, theme")
    assert columns == ["theme", "review_id", "title", "area", "year", "page", "sentence",
                       "method", "score", "negated"]
    assert len(rows) == 4 + 2 + 1 + 1  # C1's info_sharing mention is superseded
    assert {r[0] for r in rows} == {"domestic_abuse", "parental_mental_health", "housing",
                                    "substance_misuse"}
    negated = [r for r in rows if r[9]]
    assert {r[1] for r in negated} == {ids["A"], ids["D"]}


def test_empty_database_lists_every_theme_with_zero(db_url):
    store = Store(db_url)
    store.sync_themes(THEMES)
    rows = store.frequencies()
    assert [(r["theme"], r["reviews_featuring"], r["total_reviews"]) for r in rows] == [
        (t, 0, 0) for t in THEME_IDS]
    assert store.frequencies(by="year") == []
    store.close()

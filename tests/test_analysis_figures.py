"""National figures: the prevalence rule, CSV validation, and the shipped file's provenance."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from scrthemes.analysis.figures import FigureError, make_figure, parse_prevalence, read_figures_csv
from scrthemes.analysis.national import shipped_csv

from tests.conftest import require, shared_dir

THEMES = {"parental_mental_health", "housing", "volatile_relationships", "domestic_abuse",
          "substance_misuse", "threshold_disputes", "non_compliant_parents", "info_sharing",
          "risk_adults"}


@pytest.mark.parametrize(("text", "kind", "pct", "approx", "low", "high"), [
    ("53", "exact", 53.0, False, 53.0, 53.0),
    ("27.3", "exact", 27.3, False, 27.3, 27.3),
    ("~67", "approx", 67.0, True, None, None),
    (">50", "lower", None, True, 50.0, None),
    (">=40", "lower", None, True, 40.0, None),
    ("<50", "upper", None, True, None, 50.0),
    ("<=25", "upper", None, True, None, 25.0),
    ("40-60", "range", None, True, 40.0, 60.0),
    ("over half", "words", None, True, None, None),
])
def test_prevalence_rule(text, kind, pct, approx, low, high):
    prev = parse_prevalence(text)
    assert (prev.kind, prev.pct, prev.is_approximate, prev.low, prev.high) == (
        kind, pct, approx, low, high)
    assert prev.text == text


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty prevalence"),
    ("140", "outside 0-100"),
    (">150", "outside 0-100"),
    ("60-40", "runs backwards"),
])
def test_prevalence_errors(text, message):
    with pytest.raises(FigureError, match=message):
        parse_prevalence(text)


def test_unknown_theme_is_named_with_the_known_ones():
    with pytest.raises(FigureError) as info:
        make_figure(theme="INFO_SHARING", source="S", period="2020", base="10",
                    prevalence="50", known_themes=THEMES)
    message = str(info.value)
    assert "'INFO_SHARING'" in message and "info_sharing" in message
    assert "\n" not in message


def test_csv_errors_name_file_and_line(tmp_path: Path):
    path = tmp_path / "mine.csv"
    path.write_text("theme,source,period,base,prevalence\n"
                    "housing,Audit,2023,40 reviews,35\n"
                    "hosuing,Audit,2023,40 reviews,35\n", encoding="utf-8")
    with pytest.raises(FigureError, match=r"mine\.csv, line 3: unknown theme 'hosuing'"):
        read_figures_csv(path, THEMES)
    path.write_text("theme,source,period\nhousing,Audit,2023\n", encoding="utf-8")
    with pytest.raises(FigureError, match=r"missing column\(s\) base, prevalence"):
        read_figures_csv(path, THEMES)


def test_csv_accepts_prevalence_pct_column_and_blank_theme(tmp_path: Path):
    path = tmp_path / "ok.csv"
    path.write_text("theme,national_category,source,period,base,prevalence_pct\n"
                    ",neglect,Audit,2023,40 reviews,~75\n"
                    "housing,,Audit,2023,40 reviews,35\n", encoding="utf-8")
    first, second = read_figures_csv(path, THEMES)
    assert (first.theme, first.national_category, first.prevalence_pct, first.is_approximate) \
        == (None, "neglect", 75.0, True)
    assert (second.theme, second.national_category, second.prevalence_pct) == (
        "housing", "housing", 35.0)


def test_every_shipped_figure_parses_with_the_documented_rule():
    figures = read_figures_csv(shipped_csv(), THEMES, origin="shipped")
    assert len(figures) >= 30
    for fig in figures:
        if fig.prevalence_text.startswith((">", "<")):
            assert fig.prevalence_pct is None and fig.is_approximate
        elif fig.prevalence_text.startswith("~"):
            assert fig.is_approximate and fig.prevalence_pct is not None
        else:
            assert not fig.is_approximate
            assert fig.prevalence_pct == float(fig.prevalence_text)
        assert fig.source and fig.period and fig.seen_at_url.startswith("http")


def _shared_rows() -> list[dict[str, str]]:
    path = shared_dir() / "national_themes.csv"
    require(path.is_file(), f"national figures not found at {path}")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_shipped_figures_carry_over_numbers_sources_periods_bases_and_urls():
    shared = _shared_rows()
    with shipped_csv().open(newline="", encoding="utf-8") as handle:
        shipped = list(csv.DictReader(handle))
    assert len(shipped) == len(shared)
    for ours, theirs in zip(shipped, shared, strict=True):
        for column in ("theme", "source", "period", "base", "primary_source", "seen_at_url"):
            assert ours[column] == theirs[column], column
        assert ours["prevalence"] == theirs["prevalence_pct"]


def test_shipped_measures_are_rewritten_not_copied():
    shared = _shared_rows()
    with shipped_csv().open(newline="", encoding="utf-8") as handle:
        shipped = list(csv.DictReader(handle))
    for ours, theirs in zip(shipped, shared, strict=True):
        assert ours["measure"] != theirs["measure"]
        # No quoted phrase of the source (e.g. a words-only figure) appears in our text.
        for quoted in re.findall(r"'([^']{6,})'", theirs["measure"]):
            assert quoted.casefold() not in ours["measure"].casefold(), quoted


def test_prevalence_labels_for_display():
    assert [parse_prevalence(t).label for t in ("53", "~67", ">50", "40-60", "35%", "over half")] \
        == ["53%", "~67%", ">50%", "40-60%", "35%", "over half"]

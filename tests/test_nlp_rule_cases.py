"""Wording families of each theme, as fictional sentence cases kept in YAML.

``tests/fixtures/rule_cases/<theme>.yml`` lists sentences that must count for
the theme (``counted``) and sentences with the theme's words that must not
(``not_counted``: routine, neutral, general or negated wording). Every sentence
there is fictional, written for these tests; none is taken from a review.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from scrthemes.nlp.tagger import load_tagger
from scrthemes.nlp.themes import THEME_IDS

CASES_DIR = Path(__file__).parent / "fixtures" / "rule_cases"


def _cases(kind: str) -> list:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        theme = data["theme"]
        cases += [pytest.param(theme, text, id=f"{path.stem}-{i}") for i, text in enumerate(data.get(kind) or [])]
    return cases


@pytest.fixture(scope="module")
def rules():
    return load_tagger("rules")


def test_case_files_name_known_themes_and_hold_cases():
    files = sorted(CASES_DIR.glob("*.yml"))
    assert files, f"no case files in {CASES_DIR}"
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["theme"] == path.stem, f"{path.name}: theme {data['theme']!r} does not match the file name"
        assert data["theme"] in THEME_IDS
        assert data.get("counted"), f"{path.name}: no counted cases"


@pytest.mark.parametrize(("theme", "text"), _cases("counted"))
def test_counted_wording_is_tagged(rules, theme, text):
    assert theme in {m.theme for m in rules.tag(text) if not m.negated}


@pytest.mark.parametrize(("theme", "text"), _cases("not_counted"))
def test_not_counted_wording_is_not_tagged(rules, theme, text):
    assert theme not in {m.theme for m in rules.tag(text) if not m.negated}

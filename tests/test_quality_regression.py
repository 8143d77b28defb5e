"""Quality regression: the training recipe, run on the train split, must keep its dev figures.

Trains the classifier exactly as ``scrthemes train`` does for its dev figures
(rules from ``nlp/patterns`` without each document's own patterns, thresholds
out-of-fold on train, fit on train)
and scores rules, classifier and combined on the 30% dev split of the gold set
with ``scrthemes.nlp.evaluate``. A pattern or feature change that costs
quality fails here. The floors sit a little below what was measured when they
were set (see MEASURED), so noise-free reruns pass and real losses do not.
"""

from __future__ import annotations

import pytest
from scrthemes.nlp.gold import GoldError, load_gold
from scrthemes.nlp.themes import THEME_IDS

pytestmark = pytest.mark.slow

# Measured 2026-11-23 05:40 UTC (seed 13, 88 train / 42 dev documents), dev split, with
# the rule hits as on unseen reviews (each document without its own patterns, as
# ``scrthemes train`` does), after the second pattern round:
MEASURED = {
    "combined": {"doc_f1": 0.867, "mission_doc_f1": 0.859, "kappa": 0.826, "hard_negative_rate": 0.014},
    "rules": {"doc_f1": 0.867, "mission_doc_f1": 0.859, "kappa": 0.826, "hard_negative_rate": 0.014},
}
# Floors: measured minus ~0.03 (one dev document of one theme moves a theme's F1 by ~0.05).
FLOORS = {
    "combined": {"doc_f1": 0.84, "mission_doc_f1": 0.83, "kappa": 0.79},
    "rules": {"doc_f1": 0.84, "mission_doc_f1": 0.83, "kappa": 0.79},
}
#: Per-theme dev document F1 floor for the combined method (no theme may collapse);
#: the lowest measured was threshold_disputes, 0.667.
THEME_FLOOR = 0.62
#: Hard negatives wrongly counted, pooled over themes (issue 3 target: 5%; measured 1.4%).
HARD_NEGATIVE_CEILING = 0.05


@pytest.fixture(scope="module")
def dev():
    from scrthemes.nlp.prepare import prepare
    from scrthemes.nlp.train import dev_figures

    try:
        docs = load_gold()
    except GoldError as err:
        pytest.skip(f"gold set not available: {err}")
    _, figures = dev_figures(prepare(docs, unseen=True))
    return figures


@pytest.mark.parametrize("method", ["combined", "rules"])
def test_dev_macro_figures_stay_above_floors(dev, method):
    macro = dev[method]["macro"]
    got = {
        "doc_f1": macro["all"]["doc_f1"],
        "mission_doc_f1": macro["mission"]["doc_f1"],
        "kappa": macro["all"]["kappa"],
    }
    for name, floor in FLOORS[method].items():
        assert got[name] >= floor, f"{method} dev {name} fell to {got[name]:.3f} (floor {floor})"


def test_no_theme_collapses_on_dev(dev):
    themes = dev["combined"]["themes"]
    low = {t: themes[t]["doc_f1"] for t in THEME_IDS if themes[t]["doc_f1"] < THEME_FLOOR}
    assert not low, f"combined dev document F1 below {THEME_FLOOR}: {low}"


def test_hard_negatives_rarely_count(dev):
    rate = dev["combined"]["macro"]["all"]["hard_negative_rate"]
    assert rate <= HARD_NEGATIVE_CEILING


def test_combined_is_not_worse_than_rules(dev):
    combined = dev["combined"]["macro"]["all"]["doc_f1"]
    rules = dev["rules"]["macro"]["all"]["doc_f1"]
    # One dev document of one theme is ~0.005 of macro F1; combined measured equal.
    assert combined >= rules - 0.02, f"combined {combined:.3f} vs rules {rules:.3f}"


def test_train_writes_a_loadable_artifact_and_card(tmp_path):
    """``train`` (what ``scrthemes train`` runs) end to end into a scratch folder."""
    import json

    from scrthemes.nlp.classifier import load_classifier
    from scrthemes.nlp.train import gold_sha256, train

    try:
        load_gold()
    except GoldError as err:
        pytest.skip(f"gold set not available: {err}")
    result = train(out_dir=tmp_path)
    card = json.loads((tmp_path / "theme_classifier.json").read_text())
    assert result.model_path == str(tmp_path / "theme_classifier.skops")
    assert card["training_data"]["gold_sha256"] == gold_sha256()
    assert card["training_data"]["docs"] == result.docs
    assert result.dev["combined"]["all"]["doc_f1"] == card["metrics"]["dev"]["combined"]["macro"]["all"]["doc_f1"]
    clf = load_classifier(tmp_path / "theme_classifier.skops")
    assert clf.thresholds == card["thresholds"]
    json.dumps(result.__dict__)  # the CLI prints it as JSON

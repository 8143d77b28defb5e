"""The theme classifier: combination policy, skops round trip, trusted types, card.

All sentences here are fictional, written for these tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from scrthemes.nlp.classifier import (
    DEFAULT_MODEL,
    TRUSTED_TYPES,
    ModelFileError,
    ThemeClassifier,
    build_pipeline,
    card_path,
    load_classifier,
    save_classifier,
)
from scrthemes.nlp.combine import combine
from scrthemes.nlp.features import COLUMNS, sentence_rows
from scrthemes.nlp.mentions import Mention, Sentence
from scrthemes.nlp.themes import THEME_IDS
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

# Fictional text: two sentences.
TEXT = "Mum had been depressed for years. There was no evidence of domestic abuse."
S1 = Sentence(0, 33, TEXT[0:33])
S2 = Sentence(34, len(TEXT), TEXT[34:])
MH = THEME_IDS.index("parental_mental_health")
DA = THEME_IDS.index("domestic_abuse")


def _hit(theme: str, start: int, end: int, sentence: Sentence, *, negated: bool = False) -> Mention:
    return Mention(
        theme=theme, start=start, end=end, text=TEXT[start:end], sentence=sentence.text,
        sentence_start=sentence.start, sentence_end=sentence.end, negated=negated,
        cue="negated" if negated else None, method="rule", score=1.0, pattern_id=f"{theme}/test",
    )


def _at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


MH_HIT = _hit("parental_mental_health", *_at("depressed"), S1)
DA_NEG = _hit("domestic_abuse", *_at("domestic abuse"), S2, negated=True)
SENTS = [
    Sentence(S1.start, S1.end, S1.text, rule_hits=(MH_HIT,)),
    Sentence(S2.start, S2.end, S2.text, rule_hits=(DA_NEG,)),
]


class _Thresholds:
    thresholds = dict.fromkeys(THEME_IDS, 0.6)
    combined_thresholds = dict.fromkeys(THEME_IDS, 0.6)
    rule_thresholds = dict.fromkeys(THEME_IDS, 0.3)


def _probs(mh: float = 0.0, da: float = 0.0) -> np.ndarray:
    probs = np.zeros((2, len(THEME_IDS)))
    probs[0, MH] = mh
    probs[1, DA] = da
    return probs


def test_offsets_of_the_fictional_fixture():
    assert MH_HIT.text == "depressed"
    assert DA_NEG.text == "domestic abuse"


def test_rule_and_classifier_agree_gives_both():
    out = combine(TEXT, SENTS, [MH_HIT, DA_NEG], _probs(mh=0.9), _Thresholds())
    affirmed = [m for m in out if not m.negated]
    assert [(m.theme, m.method, m.text) for m in affirmed] == [("parental_mental_health", "both", "depressed")]
    assert affirmed[0].score == pytest.approx(0.9)


def test_rule_hit_between_thresholds_counts_as_rule():
    out = combine(TEXT, SENTS, [MH_HIT, DA_NEG], _probs(mh=0.4), _Thresholds())
    assert [(m.theme, m.method) for m in out if not m.negated] == [("parental_mental_health", "rule")]


def test_classifier_vetoes_rule_hit_below_rule_threshold():
    out = combine(TEXT, SENTS, [MH_HIT, DA_NEG], _probs(mh=0.1), _Thresholds())
    assert [m for m in out if not m.negated] == []


def test_negated_hit_never_counts_even_with_high_probability():
    out = combine(TEXT, SENTS, [MH_HIT, DA_NEG], _probs(mh=0.9, da=0.5), _Thresholds())
    da = [m for m in out if m.theme == "domestic_abuse"]
    assert da == [DA_NEG]  # kept, flagged, unchanged
    assert da[0].negated


def test_classifier_only_mention_is_the_sentence():
    out = combine(TEXT, SENTS, [], _probs(mh=0.7), _Thresholds())
    assert len(out) == 1
    m = out[0]
    assert (m.method, m.start, m.end, m.text) == ("classifier", S1.start, S1.end, S1.text)
    assert TEXT[m.sentence_start : m.sentence_end] == m.sentence
    assert m.pattern_id is None and not m.negated


def test_context_flagged_sentence_gets_no_classifier_only_mention():
    # S2's only domestic-abuse hit is negated: a high probability must not add it back.
    for method in ("combined", "classifier"):
        out = combine(TEXT, SENTS, [MH_HIT, DA_NEG], _probs(mh=0.9, da=0.99), _Thresholds(), method=method)
        affirmed_da = [m for m in out if m.theme == "domestic_abuse" and not m.negated]
        assert affirmed_da == [], method
        assert DA_NEG in out


def test_combined_threshold_above_one_never_adds_but_classifier_method_does():
    class Never(_Thresholds):
        combined_thresholds = dict.fromkeys(THEME_IDS, 1.01)

    assert combine(TEXT, SENTS, [], _probs(mh=1.0), Never()) == []
    out = combine(TEXT, SENTS, [], _probs(mh=1.0), Never(), method="classifier")
    assert [(m.theme, m.method) for m in out] == [("parental_mental_health", "classifier")]


def test_classifier_method_ignores_affirmed_rule_hits_but_keeps_negated():
    out = combine(TEXT, SENTS, [MH_HIT, DA_NEG], _probs(mh=0.4), _Thresholds(), method="classifier")
    assert out == [DA_NEG]
    out = combine(TEXT, SENTS, [MH_HIT, DA_NEG], _probs(mh=0.8), _Thresholds(), method="classifier")
    assert [(m.method, m.text) for m in out if not m.negated] == [("classifier", S1.text)]


def test_combine_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown combine method"):
        combine(TEXT, SENTS, [], _probs(), _Thresholds(), method="vote")
    with pytest.raises(ValueError, match="shape"):
        combine(TEXT, SENTS, [], np.zeros((3, len(THEME_IDS))), _Thresholds())


def test_feature_rows_carry_rule_and_context_tokens():
    rows = sentence_rows(SENTS)
    assert rows.shape == (2, len(COLUMNS))
    assert "hit_parental_mental_health" in rows[0, 1].split()
    assert "neg_domestic_abuse" in rows[1, 1].split()
    assert "prev_hit_parental_mental_health" in rows[1, 1].split()
    assert "subj_parent" in rows[0, 2].split()


# A tiny fictional training set: one affirmed and one neutral sentence per theme.
_TINY = {
    "parental_mental_health": "Her mother was admitted to a psychiatric ward with depression.",
    "housing": "The family were evicted and placed in bed and breakfast.",
    "volatile_relationships": "The couple argued constantly and police were called to disputes.",
    "domestic_abuse": "Father assaulted mother and she fled to a refuge.",
    "substance_misuse": "Both parents were using heroin and drinking heavily.",
    "threshold_disputes": "The school thought the threshold was met but social care disagreed.",
    "non_compliant_parents": "Mother repeatedly missed appointments and avoided visits.",
    "info_sharing": "The GP was not told about the police call-outs.",
    "risk_adults": "The new partner had a conviction for harming a child.",
}
_NEUTRAL = [
    "The review panel met six times.", "The school is in a small town.",
    "The child attended nursery.", "Agencies contributed reports to the panel.",
]


def _tiny_pipeline() -> Pipeline:
    sentences = [Sentence(0, len(t), t) for t in [*_TINY.values(), *_NEUTRAL]]
    y = np.zeros((len(sentences), len(THEME_IDS)), dtype=int)
    for i in range(len(_TINY)):
        y[i, i] = 1
    return build_pipeline(min_df=1).fit(sentence_rows(sentences), y)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[ThemeClassifier, Path]:
    clf = ThemeClassifier(
        _tiny_pipeline(), dict.fromkeys(THEME_IDS, 0.5), dict.fromkeys(THEME_IDS, 0.4),
        calibration=dict.fromkeys(THEME_IDS, (0.8, -2.0)),
    )
    path = tmp_path_factory.mktemp("model") / "tiny.skops"
    save_classifier(clf, path)
    return clf, path


def test_trusted_types_pinned_to_a_freshly_trained_pipeline(tmp_path):
    path = tmp_path / "fresh.skops"
    sio.dump(_tiny_pipeline(), path)
    assert sorted(sio.get_untrusted_types(file=path)) == sorted(TRUSTED_TYPES)


def test_skops_round_trip_gives_the_same_probabilities(tiny):
    clf, path = tiny
    loaded = load_classifier(path)
    sents = [Sentence(0, 40, "Mother was depressed and missed visits.")]
    assert np.allclose(loaded.predict_proba(sents), clf.predict_proba(sents))
    assert loaded.predict_proba([]).shape == (0, len(THEME_IDS))
    assert loaded.thresholds == clf.thresholds
    assert loaded.rule_thresholds == clf.rule_thresholds
    assert loaded.combined_thresholds == clf.combined_thresholds
    assert loaded.calibration == clf.calibration


def test_calibration_undoes_inflated_probabilities():
    """Platt scaling on probabilities pushed up by class weighting brings them back to the base rate."""
    from scrthemes.nlp.calibration import brier, calibrate, fit_calibration

    rng = np.random.default_rng(5)
    true = rng.uniform(0.0, 0.2, size=(4000, len(THEME_IDS)))  # ~10% positives
    labels = (rng.uniform(size=true.shape) < true).astype(int)
    inflated = 1 / (1 + np.exp(-(np.log(true / (1 - true)) + 2.0)))  # logit shifted by +2
    table = fit_calibration([inflated], [labels])
    for slope, intercept in table.values():
        assert 0.5 < slope < 1.5 and intercept < -1.0  # roughly undoes the +2 shift
    fixed = calibrate(inflated, table)
    assert all(brier([fixed], [labels])[t] < brier([inflated], [labels])[t] for t in THEME_IDS)
    assert fixed.mean() == pytest.approx(labels.mean(), abs=0.01)
    order = np.argsort(inflated[:, 0])
    assert (np.diff(fixed[order, 0]) >= 0).all()  # monotone: the same sentences clear a threshold
    assert np.array_equal(calibrate(inflated, {}), inflated)


def _double(x):
    return x * 2


def test_load_refuses_untrusted_types(tmp_path, tiny):
    _, good = tiny
    path = tmp_path / "evil.skops"
    sio.dump(Pipeline([("f", FunctionTransformer(_double))]), path)
    shutil.copy(card_path(good), card_path(path))
    with pytest.raises(ModelFileError, match="not trusted"):
        load_classifier(path)


def test_load_errors_name_the_file(tmp_path, tiny):
    _, good = tiny
    with pytest.raises(ModelFileError, match="not found"):
        load_classifier(tmp_path / "missing.skops")
    lonely = tmp_path / "lonely.skops"
    shutil.copy(good, lonely)
    with pytest.raises(ModelFileError, match="card missing"):
        load_classifier(lonely)
    card = json.loads(card_path(good).read_text())
    card["labels"] = list(reversed(card["labels"]))
    card_path(lonely).write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match=r"lonely\.json: labels"):
        load_classifier(lonely)


def test_shipped_artifact_and_card_are_consistent():
    import hashlib

    assert DEFAULT_MODEL.exists(), "models/theme_classifier.skops is shipped so a fresh clone can tag"
    assert DEFAULT_MODEL.stat().st_size < 5 * 2**20
    card = json.loads(card_path(DEFAULT_MODEL).read_text())
    assert card["artifact_sha256"] == hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()
    assert card["labels"] == list(THEME_IDS)
    assert card["trusted_types"] == TRUSTED_TYPES
    for key in ("trained_at", "git_sha", "versions", "training_data", "split", "metrics", "seed"):
        assert key in card
    assert set(card["versions"]) >= {"python", "sklearn", "skops", "spacy"}
    assert len(card["training_data"]["gold_sha256"]) == 64
    split = card["split"]
    assert split["train_docs"] + split["dev_docs"] == card["training_data"]["docs"]
    for theme in THEME_IDS:
        assert 0.0 < card["thresholds"][theme] <= 1.0
        assert 0.0 <= card["rule_thresholds"][theme] <= 1.0
        assert 0.0 < card["combined_thresholds"][theme] <= 1.01
        slope, _ = card["calibration"][theme]
        assert slope > 0  # calibration keeps the order of the probabilities
        assert card["brier_oof"]["calibrated"][theme] <= card["brier_oof"]["raw"][theme]
    for split_name in ("dev", "cv5"):
        for method in ("rules", "classifier", "combined"):
            figures = card["metrics"][split_name][method]
            assert set(figures["themes"]) == set(THEME_IDS)
            assert 0.0 <= figures["macro"]["all"]["doc_f1"] <= 1.0
    assert card["metrics"]["dev"]["combined"]["docs"] == split["dev_docs"]

    clf = load_classifier()
    assert clf is not None and clf.thresholds == card["thresholds"]


def test_shipped_model_matches_the_current_patterns():
    """The rule hits are features, so the model must be retrained when the patterns change."""
    from scrthemes.nlp.pipeline import rules_fingerprint

    card = json.loads(card_path(DEFAULT_MODEL).read_text())
    assert card["rules_fingerprint"] == rules_fingerprint(), (
        "nlp/patterns or the context rules changed since models/theme_classifier.skops was trained: "
        "run `scrthemes train` and commit the new artifact and card"
    )


def test_shipped_classifier_predicts_probabilities():
    clf = load_classifier()
    assert clf is not None
    probs = clf.predict_proba([Sentence(0, 38, "Mother was sectioned under the Act.")])
    assert probs.shape == (1, len(THEME_IDS))
    assert ((probs >= 0) & (probs <= 1)).all()


def test_threshold_search_trusts_rules_that_are_right_and_adds_nothing_noisy():
    from scrthemes.nlp.combine import NEVER, choose_thresholds

    def doc(p_mh: float, *, hit: bool) -> tuple[list[Sentence], np.ndarray]:
        hits = (MH_HIT,) if hit else ()
        probs = np.zeros((1, len(THEME_IDS)))
        probs[0, MH] = p_mh
        return [Sentence(S1.start, S1.end, S1.text, rule_hits=hits)], probs

    # Rule hits are exactly right, with low probabilities; a hit-less sentence scores high.
    made = [doc(0.2, hit=True), doc(0.3, hit=True), doc(0.6, hit=False), doc(0.1, hit=False)]
    present = np.zeros((4, len(THEME_IDS)), dtype=bool)
    present[:2, MH] = True
    thresholds, combined, rule = choose_thresholds(present, [s for s, _ in made], [p for _, p in made])
    assert rule["parental_mental_health"] <= 0.2  # every rule hit counts
    assert combined["parental_mental_health"] == NEVER  # the noisy sentence is never added
    assert 0 < thresholds["parental_mental_health"] <= 1
    assert set(thresholds) == set(combined) == set(rule) == set(THEME_IDS)


def test_default_method_is_the_one_that_measured_best(tmp_path):
    """The card records the method that measured best (cross-validated); ties go to the simpler method."""
    import json

    from scrthemes.nlp.tagger import FALLBACK_METHOD, default_method
    from scrthemes.nlp.train import best_method

    def macro(f1, kappa, hn):
        return {"macro": {"all": {"doc_f1": f1, "kappa": kappa, "hard_negative_rate": hn}}}

    assert best_method({"rules": macro(0.82, 0.75, 0.1), "combined": macro(0.81, 0.80, 0.0)}) == "rules"
    assert best_method({"rules": macro(0.80, 0.75, 0.1), "combined": macro(0.81, 0.70, 0.2)}) == "combined"
    assert best_method({"rules": macro(0.80, 0.75, 0.1), "combined": macro(0.80, 0.75, 0.1)}) == "rules"
    card = tmp_path / "card.json"
    card.write_text(json.dumps({"default_method": "combined"}))
    assert default_method(card) == "combined"
    card.write_text(json.dumps({"default_method": "magic"}))
    assert default_method(card) == FALLBACK_METHOD
    assert default_method(tmp_path / "missing.json") == FALLBACK_METHOD


def test_shipped_card_default_follows_its_cross_validated_figures():
    import json

    from scrthemes.models import MODELS_DIR
    from scrthemes.nlp.train import best_method

    card = json.loads((MODELS_DIR / "theme_classifier.json").read_text())
    assert card["default_method"] == best_method(card["metrics"]["cv5"])

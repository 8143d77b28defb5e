"""Gold loading, splits and evaluation metrics.

The tiny gold-format set below is fictional, written for these tests; the
expected figures were worked out by hand (see the comments), not taken from
the code's output. The last tests run the rules on the real gold set (read
at run time from ../shared/gold, never copied here) and hold measured floors.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from scrthemes.nlp.evaluate import (
    evaluate,
    evaluate_predictions,
    format_report,
    report_to_dict,
    run_evaluation,
)
from scrthemes.nlp.gold import GoldError, default_gold_dir, folds, load_gold, split_gold
from scrthemes.nlp.mentions import Mention
from scrthemes.nlp.themes import THEME_IDS

# Four fictional documents; each sentence is one unit of the sentence splitter.
TEXTS = {
    "f1": "The family lived in a hostel. Mother was depressed.",
    "f2": "The home was clean. There was no evidence of drug use.",
    "f3": "Mother fled to a refuge after an assault by her partner. Her mood was fine.",
    "f4": "Information was not shared. The flat was overcrowded.",
}
EVIDENCE = {  # doc -> theme -> quotes
    "f1": {"housing": ["lived in a hostel"], "parental_mental_health": ["Mother was depressed"]},
    "f2": {},
    "f3": {"domestic_abuse": ["fled to a refuge"], "housing": ["fled to a refuge"]},
    "f4": {"info_sharing": ["Information was not shared"], "housing": ["flat was overcrowded"]},
}
HARD = {  # doc -> (theme, why, quote)
    "f2": [("substance_misuse", "negated", "no evidence of drug use"), ("housing", "other", "The home was clean")],
    "f3": [("parental_mental_health", "negated", "Her mood was fine")],
}
# What a (fictional) tagger returned: (theme, quote, negated).
PREDICTED = {
    "f1": [("housing", "hostel", False), ("parental_mental_health", "family", False)],  # PMH in the wrong sentence
    "f2": [("housing", "home", False), ("substance_misuse", "drug use", False)],
    "f3": [("domestic_abuse", "refuge", False)],
    "f4": [("info_sharing", "not shared", True), ("housing", "overcrowded", False)],
}


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def write_fictional_gold(root: Path) -> Path:
    docs = root / "gold" / "docs"
    docs.mkdir(parents=True)
    for doc_id, text in TEXTS.items():
        themes = {}
        for theme in THEME_IDS:
            quotes = EVIDENCE[doc_id].get(theme, [])
            evidence = [dict(zip(("start", "end"), _span(text, q), strict=True), text=q) for q in quotes]
            themes[theme] = {"present": bool(evidence), "evidence": evidence}
        hard = [
            {"theme": t, "why": why, **dict(zip(("start", "end"), _span(text, q), strict=True)), "text": q}
            for t, why, q in HARD.get(doc_id, [])
        ]
        raw = {"id": doc_id, "source_url": "https://example.invalid/", "board": "Fictional",
               "year": 2020, "kind": "fictional", "text": text, "themes": themes, "hard_negatives": hard}
        (docs / f"{doc_id}.json").write_text(json.dumps(raw), encoding="utf-8")
    return root / "gold"


def predicted_mentions(doc_id: str) -> list[Mention]:
    text = TEXTS[doc_id]
    out = []
    for theme, quote, negated in PREDICTED[doc_id]:
        start, end = _span(text, quote)
        out.append(Mention(theme, start, end, quote, text, 0, len(text), negated=negated,
                           cue="negated" if negated else None))
    return out


class FixedTagger:
    method = "fixed"
    version = "test"

    def __init__(self, by_text: dict[str, list[Mention]]):
        self.by_text = by_text

    def tag(self, text: str) -> list[Mention]:
        return self.by_text[text]


@pytest.fixture()
def fictional(tmp_path: Path):
    docs = load_gold(write_fictional_gold(tmp_path))
    tagger = FixedTagger({d.text: predicted_mentions(d.id) for d in docs})
    return docs, tagger


def test_load_gold_reads_fields_and_merges_domestic_abuse_into_volatile(fictional):
    docs, _ = fictional
    assert [d.id for d in docs] == ["f1", "f2", "f3", "f4"]
    f3 = docs[2]
    assert f3.board == "Fictional" and f3.year == 2020 and f3.kind == "fictional"
    assert f3.themes["domestic_abuse"] and f3.themes["volatile_relationships"]
    assert f3.evidence["volatile_relationships"] == f3.evidence["domestic_abuse"]
    assert f3.hard_negatives == [("parental_mental_health", "negated", 57, 74, "Her mood was fine")]
    for d in docs:
        for theme in THEME_IDS:
            assert all(d.text[a:b] == q for a, b, q in d.evidence[theme])


def test_bad_gold_file_names_the_file(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "x.json").write_text(json.dumps({"id": "x", "text": "t", "themes": {"housng": {}}}))
    with pytest.raises(GoldError, match=r"x\.json: unknown theme 'housng'"):
        load_gold(tmp_path)


def test_default_gold_dir_error_is_one_clear_line(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SCRTHEMES_SHARED", str(tmp_path / "nowhere"))
    with pytest.raises(GoldError) as err:
        default_gold_dir()
    assert "nowhere" in str(err.value) and "SCRTHEMES_SHARED" in str(err.value)
    assert "\n" not in str(err.value)


def test_document_metrics_match_hand_computed_values(fictional):
    docs, tagger = fictional
    report = evaluate(tagger, docs, n_boot=0)
    housing = report.themes["housing"].values
    # housing: gold f1 f3 f4, predicted f1 f2 f4 -> TP 2, FP 1, FN 1, TN 0.
    assert housing["doc_precision"] == pytest.approx(2 / 3)
    assert housing["doc_recall"] == pytest.approx(2 / 3)
    assert housing["doc_f1"] == pytest.approx(2 / 3)
    # kappa: po = 2/4; pe = (3*3 + 1*1)/16 = 10/16 -> (0.5 - 0.625) / 0.375 = -1/3.
    assert housing["kappa"] == pytest.approx(-1 / 3)
    pmh = report.themes["parental_mental_health"].values
    assert pmh["doc_f1"] == 1.0 and pmh["kappa"] == 1.0
    # substance: nothing in gold, one false alarm -> kappa: po 3/4, pe 12/16 -> 0.
    assert report.themes["substance_misuse"].values["doc_precision"] == 0.0
    assert report.themes["substance_misuse"].values["kappa"] == pytest.approx(0.0)
    # volatile: gold via the domestic abuse rule, no prediction -> recall 0.
    assert report.themes["volatile_relationships"].values["doc_recall"] == 0.0
    assert report.themes["domestic_abuse"].values["doc_f1"] == 1.0
    # info sharing: the only prediction is negated, so it does not count.
    assert report.themes["info_sharing"].counts["docs_pred"] == 0


def test_sentence_and_hard_negative_metrics_match_hand_computed_values(fictional):
    docs, tagger = fictional
    report = evaluate(tagger, docs, n_boot=0)
    housing = report.themes["housing"]
    # housing sentences: gold f1s1 f3s1 f4s2; predicted f1s1 f2s1 f4s2 -> TP 2 FP 1 FN 1.
    assert (housing.counts["sent_tp"], housing.counts["sent_fp"], housing.counts["sent_fn"]) == (2, 1, 1)
    assert housing.values["sent_f1"] == pytest.approx(2 / 3)
    # PMH found in the right document but the wrong sentence.
    pmh = report.themes["parental_mental_health"]
    assert (pmh.counts["sent_tp"], pmh.counts["sent_fp"], pmh.counts["sent_fn"]) == (0, 1, 1)
    assert pmh.values["sent_precision"] == 0.0
    # hard negatives: housing 1/1 and substance 1/1 counted, PMH 0/1.
    assert housing.values["hard_negative_rate"] == 1.0
    assert pmh.values["hard_negative_rate"] == 0.0
    assert report.macro["all"].values["hard_negative_rate"] == pytest.approx(2 / 3)
    # macro doc F1 over nine themes: (2/3 + 1 + 1) / 9 (the others are 0).
    assert report.macro["all"].values["doc_f1"] == pytest.approx((2 / 3 + 2) / 9)
    # mission themes: PMH 1, housing 2/3, volatile 0, threshold 0, non-compliance 0.
    assert report.macro["mission"].values["doc_f1"] == pytest.approx((1 + 2 / 3) / 5)


def test_bootstrap_intervals_are_reproducible_and_bracket_the_spread(fictional):
    docs, tagger = fictional
    mentions = [tagger.tag(d.text) for d in docs]
    a = evaluate_predictions(docs, mentions, n_boot=300, seed=5)
    b = evaluate_predictions(docs, mentions, n_boot=300, seed=5)
    assert report_to_dict(a) == report_to_dict(b)
    lo, hi = a.themes["housing"].intervals["doc_f1"]
    assert 0.0 <= lo < hi <= 1.0
    assert a.themes["domestic_abuse"].intervals["doc_f1"][1] == 1.0


def test_report_formats_and_serialises(fictional):
    docs, tagger = fictional
    report = evaluate(tagger, docs, n_boot=20)
    table = format_report(report)
    for theme in THEME_IDS:
        assert theme in table
    assert "macro (mission)" in table
    data = json.loads(json.dumps(report_to_dict(report)))
    assert data["themes"]["housing"]["values"]["doc_f1"] == pytest.approx(2 / 3)


def test_split_is_stable_under_reordering_and_folds_partition(fictional, tmp_path):
    docs, _ = fictional
    many = [d.__class__(**{**d.__dict__, "id": f"x{i:03d}"}) for i, d in enumerate(docs * 25)]
    train, dev = split_gold(many)
    shuffled = many[:]
    random.Random(1).shuffle(shuffled)
    assert split_gold(shuffled) == (train, dev)
    assert not {d.id for d in train} & {d.id for d in dev}
    assert 0.15 < len(dev) / len(many) < 0.45
    parts = folds(many, k=5)
    tests = [d.id for _, test in parts for d in test]
    assert sorted(tests) == sorted(d.id for d in many)
    assert all(abs(len(test) - len(many) / 5) <= 1 for _, test in parts)
    assert folds(shuffled, k=5) == parts


def test_own_patterns_are_those_right_in_one_document_only(fictional):
    from scrthemes.nlp.unseen import own_patterns

    docs, _ = fictional

    def mention(doc_id: str, theme: str, quote: str, pattern_id: str, negated: bool = False) -> Mention:
        text = TEXTS[doc_id]
        start, end = _span(text, quote)
        return Mention(theme, start, end, quote, text, 0, len(text), negated=negated, pattern_id=pattern_id)

    hits = [
        [mention("f1", "housing", "hostel", "housing/places")],  # right here ...
        [mention("f2", "housing", "home", "housing/home")],  # wrong everywhere: from the codebook, not a document
        [mention("f3", "domestic_abuse", "refuge", "domestic_abuse/refuge")],  # right here only: f3's own
        [mention("f4", "housing", "overcrowded", "housing/places"),  # ... and here: nobody's own
         mention("f4", "info_sharing", "not shared", "info_sharing/not-shared", negated=True)],  # negated: no support
    ]
    assert own_patterns(docs, hits) == [frozenset(), frozenset(), {"domestic_abuse/refuge"}, frozenset()]


def test_tagging_without_a_pattern_lets_the_overlapped_one_through():
    from scrthemes.nlp.tagger import load_tagger

    tagger = load_tagger("rules")
    text = "Ms Dunn had been a victim of domestic abuse for years."
    best = {m.pattern_id for m in tagger.tag(text) if m.theme == "domestic_abuse"}
    every = {m.pattern_id for m in tagger.every_hit(text) if m.theme == "domestic_abuse"}
    assert best == {"domestic_abuse/victim-of-da"}  # the longest of the overlapping hits
    assert every == {"domestic_abuse/victim-of-da", "domestic_abuse/domestic-abuse"}
    hits = [h for s in tagger.sentences(text, without=frozenset(best)) for h in s.rule_hits]
    assert {h.pattern_id for h in hits if h.theme == "domestic_abuse"} == {"domestic_abuse/domestic-abuse"}


# ------------------------------------------------------------ real gold set

#: Rules on the 42-document dev split (seed 13), measured 2026-11-23 05:40 UTC: macro
#: doc F1 0.975, mission-theme doc F1 0.978, macro kappa 0.969, hard negatives counted
#: 1.4%. The patterns were written reading every gold document, dev included, so this
#: is a tuning figure; it guards against a pattern change that breaks what works.
#: Floors sit ~0.03 below (one dev document moves a theme's F1 by ~0.05).
DEV_FLOORS = {"macro_doc_f1": 0.94, "mission_doc_f1": 0.94, "macro_kappa": 0.93, "hard_negative_rate": 0.05}
#: The unseen-wording estimate over all 130 documents, same time: 0.911, 0.925, 0.888, 3.0%.
UNSEEN_FLOORS = {"macro_doc_f1": 0.88, "mission_doc_f1": 0.89, "macro_kappa": 0.85, "hard_negative_rate": 0.06}


@pytest.mark.parametrize(("split", "floors"), [("dev", DEV_FLOORS), ("unseen", UNSEEN_FLOORS)])
def test_rules_on_real_gold_hold_measured_floors(gold_dir, split, floors):
    report = run_evaluation(gold_dir, method="rules", split=split, n_boot=200)
    assert report.n_docs >= 30
    macro, mission = report.macro["all"].values, report.macro["mission"].values
    assert macro["doc_f1"] >= floors["macro_doc_f1"]
    assert mission["doc_f1"] >= floors["mission_doc_f1"]
    assert macro["kappa"] >= floors["macro_kappa"]
    assert macro["hard_negative_rate"] <= floors["hard_negative_rate"]


def test_shipped_model_is_recognised_only_on_its_own_training_gold(gold_dir, tmp_path: Path):
    from scrthemes.nlp.evaluate import shipped_model_saw

    card = json.loads((Path(__file__).parents[1] / "models" / "theme_classifier.json").read_text())
    assert card["training_data"]["docs"] == len(load_gold(gold_dir))
    assert shipped_model_saw(gold_dir)
    assert not shipped_model_saw(write_fictional_gold(tmp_path))


def test_dev_evaluation_with_the_classifier_is_not_in_sample(gold_dir):
    # The shipped model was refit on all gold documents; scoring it on dev would
    # be near-perfect. run_evaluation must train on the train split instead.
    from scrthemes.nlp.tagger import load_tagger

    report = run_evaluation(gold_dir, method="classifier", split="dev", n_boot=50)
    assert "train split" in report.note
    assert "train split" in format_report(report).splitlines()[1]
    dev = split_gold(load_gold(gold_dir))[1]
    in_sample = evaluate(load_tagger("classifier"), dev, n_boot=0)  # measured 0.995 against 0.922
    assert report.macro["all"].values["doc_f1"] < in_sample.macro["all"].values["doc_f1"] - 0.03
    rules = run_evaluation(gold_dir, method="rules", split="dev", n_boot=50)
    assert rules.note == ""

"""Train the theme classifier on the gold set and write the artifact and its card.

Recipe (all seeds fixed, so two runs on the same gold and patterns give the
same thresholds and predictions):

1. Split every gold text into sentences with their rule hits, as on unseen
   reviews, and label them (:func:`scrthemes.nlp.prepare.prepare`).
2. Calibration and thresholds: ``k``-fold out-of-fold probabilities over the
   training documents, calibrated per theme by Platt scaling fitted on them
   (:mod:`scrthemes.nlp.calibration`); per theme the classifier threshold maximising document-level F1
   of the classifier alone, and, jointly, the two thresholds of the combined
   policy of :mod:`scrthemes.nlp.combine` (when a sentence adds a
   classifier-only mention; when the classifier vetoes a rule hit) maximising
   document-level F1 of the combined method. Document level because that is
   what the national comparison counts; F1 curves and grids are smoothed over
   neighbouring thresholds so that a lone lucky value on ~100 documents is
   not picked.
3. Fit the pipeline on all training documents.

What ships: the model in ``models/`` is refit on ALL gold documents (step 2
and 3 on everything) because with ~25 positive documents per theme every
document helps on unseen reviews. Its card reports two honest estimates of
that recipe instead of figures on data it saw: dev figures of the same recipe
run on the train split only, and 5-fold cross-validated figures (out-of-fold
predictions, each fold scored with thresholds chosen on the other folds).
Fully nested cross-validation (a classifier and thresholds trained inside
every fold) is :func:`cv_tagger`, used by ``scrthemes evaluate --split cv``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scrthemes.models import MODELS_DIR
from scrthemes.nlp.calibration import brier, calibrate, fit_calibration
from scrthemes.nlp.classifier import ThemeClassifier, build_pipeline, provenance, save_classifier
from scrthemes.nlp.combine import choose_thresholds, combine
from scrthemes.nlp.features import document_rows
from scrthemes.nlp.gold import GoldDoc, folds, gold_docs_dir, load_gold, split_gold
from scrthemes.nlp.mentions import Mention
from scrthemes.nlp.prepare import Prepared, prepare
from scrthemes.nlp.themes import MISSION_THEMES, THEME_IDS
from threadpoolctl import threadpool_limits

MODEL_NAME = "theme_classifier.skops"


@dataclass
class TrainResult:
    """What :func:`train` wrote and measured (JSON-ready: the CLI prints it).

    ``dev`` and ``cv`` hold the macro figures per method (``rules``,
    ``classifier``, ``combined``); the card at ``card_path`` has them per theme.
    """

    model_path: str
    card_path: str
    seconds: float
    docs: int
    thresholds: dict[str, float]
    dev: dict[str, dict]
    cv: dict[str, dict]


def _fit(data: Prepared, seed: int):
    pipe = build_pipeline(seed=seed)
    y = np.vstack(data.labels)
    # Multi-threaded BLAS inside lbfgs is 10-20x slower on a busy 2-core machine.
    with threadpool_limits(limits=1):
        return pipe.fit(document_rows(data.sentences), y)


def out_of_fold(data: Prepared, *, k: int = 5, seed: int = 13) -> list[np.ndarray]:
    """Out-of-fold sentence probabilities for every document of ``data``.

    Parameters
    ----------
    data
        Prepared training documents.
    k, seed
        Folds by document (:func:`scrthemes.nlp.gold.folds`) and the seed.

    Returns
    -------
    list[numpy.ndarray]
        One ``(n_sentences, 9)`` array per document, in ``data.docs`` order.
    """
    probs: dict[str, np.ndarray] = {}
    for train_docs, test_docs in folds(data.docs, k=k, seed=seed):
        pipe = _fit(data.subset({d.id for d in train_docs}), seed)
        test = data.subset({d.id for d in test_docs})
        for doc, sents in zip(test.docs, test.sentences, strict=True):
            probs[doc.id] = (
                pipe.predict_proba(document_rows([sents])) if sents else np.zeros((0, len(THEME_IDS)))
            )
    return [probs[d.id] for d in data.docs]


def _present(data: Prepared) -> np.ndarray:
    """Gold document labels ``(docs, 9)``."""
    return np.array([[d.themes[t] for t in THEME_IDS] for d in data.docs], dtype=bool)


def fit_theme_classifier(
    data: Prepared, *, seed: int = 13, k: int = 5, raw: Sequence[np.ndarray] | None = None
) -> ThemeClassifier:
    """Choose thresholds out-of-fold, then fit on all of ``data``.

    Parameters
    ----------
    data
        Prepared training documents.
    seed, k
        Seed and number of folds for the threshold search.
    raw
        The out-of-fold probabilities of ``data`` if already computed
        (:func:`out_of_fold` with the same ``k`` and ``seed``).

    Returns
    -------
    ThemeClassifier
        Calibrated on the out-of-fold predictions, with an empty card
        (``train`` fills it).
    """
    raw = out_of_fold(data, k=k, seed=seed) if raw is None else raw
    calibration = fit_calibration(raw, data.labels)
    probs = [calibrate(p, calibration) for p in raw]
    thresholds, combined, rule = choose_thresholds(_present(data), data.sentences, probs)
    return ThemeClassifier(_fit(data, seed), thresholds, rule, {}, combined, calibration)


def predict_mentions(
    classifier: ThemeClassifier, data: Prepared, method: str
) -> list[list[Mention]]:
    """Mentions the tagger would return for each document, without re-tagging.

    Parameters
    ----------
    classifier
        A fitted classifier.
    data
        Prepared documents (sentences and rule mentions already computed).
    method
        ``"rules"``, ``"classifier"`` or ``"combined"``.

    Returns
    -------
    list[list[Mention]]
    """
    if method == "rules":
        return [list(m) for m in data.rule_mentions]
    out = []
    for doc, sents, rules in zip(data.docs, data.sentences, data.rule_mentions, strict=True):
        probs = classifier.predict_proba(sents)
        out.append(combine(doc.text, sents, rules, probs, classifier, method))
    return out


def _figures(report) -> dict:
    """The compact JSON figures of an evaluation report (values, macro intervals)."""
    keep = ("doc_precision", "doc_recall", "doc_f1", "kappa", "sent_f1", "hard_negative_rate")
    themes = {t: {m: round(s.values[m], 3) for m in keep} for t, s in report.themes.items()}
    macro = {
        name: {m: round(s.values[m], 3) for m in keep}
        | {"doc_f1_95ci": [round(x, 3) for x in s.intervals["doc_f1"]]}
        for name, s in report.macro.items()
    }
    return {"docs": report.n_docs, "themes": themes, "macro": macro}


def _evaluate(data: Prepared, mentions: list[list[Mention]], method: str, split: str) -> dict:
    from scrthemes.nlp.evaluate import evaluate_predictions

    report = evaluate_predictions(data.docs, mentions, method=method, split=split, n_boot=500)
    return _figures(report)


def dev_figures(data: Prepared, *, seed: int = 13, k: int = 5) -> tuple[ThemeClassifier, dict]:
    """Run the recipe on the train split and score every method on dev.

    Parameters
    ----------
    data
        All prepared gold documents.
    seed, k
        Seed (also of the split) and folds of the threshold search.

    Returns
    -------
    tuple[ThemeClassifier, dict]
        The train-only classifier and ``{method: figures}`` on dev.
    """
    train_docs, dev_docs = split_gold(data.docs, seed=seed)
    train_part = data.subset({d.id for d in train_docs})
    dev_part = data.subset({d.id for d in dev_docs})
    classifier = fit_theme_classifier(train_part, seed=seed, k=k)
    figures = {
        method: _evaluate(dev_part, predict_mentions(classifier, dev_part, method), method, "dev")
        for method in ("rules", "classifier", "combined")
    }
    return classifier, figures


def cross_validated_mentions(
    data: Prepared, probs: Sequence[np.ndarray], *, k: int = 5, seed: int = 13
) -> tuple[Prepared, dict[str, list[list[Mention]]]]:
    """Every method's mentions from out-of-fold predictions, thresholds from the other folds.

    ``probs`` are raw out-of-fold probabilities over all of ``data`` (from
    :func:`out_of_fold` with the same ``k`` and ``seed``); every fold's
    calibration and thresholds come from the other folds' probabilities only.

    Returns
    -------
    tuple[Prepared, dict[str, list[list[Mention]]]]
        The documents in fold order and, for ``rules``, ``classifier`` and
        ``combined``, the mentions of each of them.
    """
    by_id = {d.id: i for i, d in enumerate(data.docs)}
    order: list[int] = []
    mentions: dict[str, list[list[Mention]]] = {"classifier": [], "combined": []}
    for train_docs, test_docs in folds(data.docs, k=k, seed=seed):
        rest = [by_id[d.id] for d in train_docs]
        part = data.subset({d.id for d in train_docs})
        calibration = fit_calibration([probs[i] for i in rest], part.labels)
        thresholds, combined, rule = choose_thresholds(
            _present(part), part.sentences, [calibrate(probs[i], calibration) for i in rest]
        )
        # Only the thresholds are needed to combine precomputed probabilities.
        fold_thresholds = ThemeClassifier(None, thresholds, rule, {}, combined)  # type: ignore[arg-type]
        for d in test_docs:
            i = by_id[d.id]
            order.append(i)
            p = calibrate(probs[i], calibration)
            for method in mentions:
                mentions[method].append(
                    combine(d.text, data.sentences[i], data.rule_mentions[i], p, fold_thresholds, method)
                )
    pooled = Prepared(
        [data.docs[i] for i in order],
        [data.sentences[i] for i in order],
        [data.rule_mentions[i] for i in order],
        [data.labels[i] for i in order],
    )
    return pooled, {"rules": [list(m) for m in pooled.rule_mentions], **mentions}


def cross_validated_figures(data: Prepared, probs: Sequence[np.ndarray], *, k: int = 5, seed: int = 13) -> dict:
    """:func:`cross_validated_mentions` scored: ``{method: figures}``."""
    pooled, mentions = cross_validated_mentions(data, probs, k=k, seed=seed)
    return {method: _evaluate(pooled, found, method, f"cv{k}") for method, found in mentions.items()}


def gold_sha256(gold_dir: Path | None = None) -> str:
    """sha256 over the names and bytes of the gold ``docs/*.json`` files, in name order."""
    digest = hashlib.sha256()
    for path in sorted(gold_docs_dir(gold_dir).glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def train(gold_dir: Path | None = None, out_dir: Path = MODELS_DIR, *, seed: int = 13) -> TrainResult:
    """Train on the gold set, measure, and write the artifact and its card.

    Parameters
    ----------
    gold_dir
        The gold folder; :func:`scrthemes.nlp.gold.default_gold_dir` when None.
    out_dir
        Where ``theme_classifier.skops`` and ``theme_classifier.json`` go.
    seed
        Seed of the split, the folds and the estimators.

    Returns
    -------
    TrainResult
    """
    from scrthemes.nlp.pipeline import rules_fingerprint

    started = time.perf_counter()
    docs = load_gold(gold_dir)
    data = prepare(docs, unseen=True)
    train_docs, dev_docs = split_gold(docs, seed=seed)
    _, dev = dev_figures(data, seed=seed)
    k = 5
    probs = out_of_fold(data, k=k, seed=seed)
    cv = cross_validated_figures(data, probs, k=k, seed=seed)
    classifier = fit_theme_classifier(data, seed=seed, k=k, raw=probs)
    calibrated = [calibrate(p, classifier.calibration) for p in probs]
    classifier.card = {
        "name": "scrthemes theme classifier",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **provenance(),
        "rules_fingerprint": rules_fingerprint(),
        "seed": seed,
        "training_data": {
            "gold_sha256": gold_sha256(gold_dir),
            "docs": len(docs),
            "sentences": int(sum(len(s) for s in data.sentences)),
            "positive_sentences": {t: int(sum(y[:, i].sum() for y in data.labels)) for i, t in enumerate(THEME_IDS)},
        },
        "shipped_model": "refit on all gold documents; thresholds from 5-fold out-of-fold predictions on all of them",
        "rule_hits": "each document's rule hits without its own patterns (those right in that document only), "
        "for training and for every figure below, so rules and classifier are compared as on unseen reviews",
        "split": {"train_docs": len(train_docs), "dev_docs": len(dev_docs), "dev_fraction": 0.3},
        "calibration_note": "Platt scaling per theme (slope, intercept on the logit) fitted on the out-of-fold "
        "sentence probabilities; brier_oof is the out-of-fold Brier score per theme before and after",
        "brier_oof": {"raw": brier(probs, data.labels), "calibrated": brier(calibrated, data.labels)},
        "metrics": {
            "dev": dev,
            "dev_note": "same recipe trained on the train split only, scored on the dev split",
            f"cv{k}": cv,
            f"cv{k}_note": "out-of-fold predictions over all documents; each fold's thresholds chosen on the other folds",
        },
        "mission_themes": list(MISSION_THEMES),
        "default_method": best_method(cv),
        "default_method_note": f"the method with the highest macro document F1 over the cv{k} predictions "
        "of all documents (then kappa, then fewest hard negatives counted; ties go to the simpler method)",
    }
    model_path, card_file = save_classifier(classifier, Path(out_dir) / MODEL_NAME)
    return TrainResult(
        model_path=str(model_path),
        card_path=str(card_file),
        seconds=round(time.perf_counter() - started, 1),
        docs=len(docs),
        thresholds=classifier.card["thresholds"],
        dev={method: figures["macro"] for method, figures in dev.items()},
        cv={method: figures["macro"] for method, figures in cv.items()},
    )


def cv_tagger(train_docs: list[GoldDoc], method: str):
    """A tagger whose classifier is trained on ``train_docs`` only (for cross-validation).

    Parameters
    ----------
    train_docs
        The documents of the training folds.
    method
        ``"classifier"`` or ``"combined"`` (``"rules"`` gives the rule tagger).

    Returns
    -------
    scrthemes.nlp.tagger.Tagger
    """
    from functools import partial

    from scrthemes.nlp.pipeline import load_pipeline
    from scrthemes.nlp.tagger import Tagger, load_tagger

    if method == "rules":
        return load_tagger("rules")
    classifier = fit_theme_classifier(prepare(train_docs, unseen=True))
    return Tagger(method, load_pipeline(), classifier=classifier, combine_fn=partial(combine, method=method))


def best_method(figures: dict[str, dict]) -> str:
    """The method that measured best: macro doc F1, then kappa, then hard negatives.

    Ties go to the simpler method (rules, then combined, then classifier).
    """
    order = ("rules", "combined", "classifier")

    def key(method: str) -> tuple[float, float, float, int]:
        macro = figures[method]["macro"]["all"]
        return (macro["doc_f1"], macro["kappa"], -macro["hard_negative_rate"], -order.index(method))

    return max((m for m in order if m in figures), key=key)


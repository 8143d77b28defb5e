"""Quality of a tagger against the gold set: per-theme tables with intervals.

Definitions
-----------
Document level
    A document is predicted to carry a theme when the tagger returns at least
    one affirmed (not negated) mention of it; gold says so when the document has
    an evidence quote. Precision, recall, F1 and Cohen's kappa per theme.
Sentence (passage) level
    The unit is a sentence of :func:`scrthemes.nlp.segment.sentence_spans`
    applied to the gold text (the tagger's own sentence splitter). A sentence
    is gold-positive for a theme when an evidence quote of that theme overlaps
    it, and predicted-positive when an affirmed mention of the theme starts in
    it; a predicted mention is right when it falls in a sentence with an
    evidence quote of the same theme. TP/FP/FN count sentences.
Hard negatives
    A hard negative is wrongly counted when an affirmed mention of its theme
    overlaps its span. The rate is wrongly counted / all hard negatives.
Edge cases
    Precision, recall and F1 are 0 when their denominator is 0 (sklearn's
    ``zero_division=0``); kappa is 1 when gold and prediction are both constant
    and agree (sklearn would return nan).
Unseen-wording estimate (``split="unseen"``)
    The patterns were written while reading the gold documents, so scores on
    them are optimistic. Each document is scored without its own patterns,
    those whose only right answer in the whole gold set is in that document
    (see :mod:`scrthemes.nlp.unseen`). For the classifier methods the
    classifier is also trained on such rule hits, and scored by 5-fold
    cross-validation over every document.
Intervals
    95% percentile bootstrap over documents (``n_boot`` resamples, fixed seed),
    computed for every figure, macro averages included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scrthemes.nlp.gold import GoldDoc, evidence_in, folds, load_gold, split_gold
from scrthemes.nlp.segment import sentence_spans
from scrthemes.nlp.themes import MISSION_THEMES, THEME_IDS
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

METRICS = (
    "doc_precision", "doc_recall", "doc_f1", "kappa",
    "sent_precision", "sent_recall", "sent_f1", "hard_negative_rate",
)
SPLITS = ("dev", "all", "cv", "unseen")


@dataclass
class ThemeScores:
    """Figures for one theme (or a macro average): value and 95% interval per metric."""

    values: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class EvaluationReport:
    """Per-theme and macro figures of one evaluation run."""

    method: str
    split: str
    n_docs: int
    version: str
    themes: dict[str, ThemeScores]
    macro: dict[str, ThemeScores]
    n_boot: int = 1000
    note: str = ""


@dataclass
class _Counts:
    """Per-document, per-theme counts, the input of every figure and of the bootstrap."""

    gold: np.ndarray  # (docs, themes) bool
    pred: np.ndarray  # (docs, themes) bool
    sent: np.ndarray  # (docs, themes, 3) tp, fp, fn sentences
    hard: np.ndarray  # (docs, themes, 2) hard negatives, wrongly counted


def _count_doc(doc: GoldDoc, mentions: Sequence) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    affirmed = [m for m in mentions if not m.negated]
    sents = [(s, e) for s, e, _ in sentence_spans(doc.text)]
    gold = np.zeros(len(THEME_IDS), bool)
    pred = np.zeros(len(THEME_IDS), bool)
    sent = np.zeros((len(THEME_IDS), 3), np.int64)
    hard = np.zeros((len(THEME_IDS), 2), np.int64)
    for t, theme in enumerate(THEME_IDS):
        gold[t] = doc.themes[theme]
        mine = [m for m in affirmed if m.theme == theme]
        pred[t] = bool(mine)
        gold_s = evidence_in(doc, theme, sents)
        pred_s = {i for i, (s, e) in enumerate(sents) for m in mine if s <= m.start < e}
        sent[t] = (len(gold_s & pred_s), len(pred_s - gold_s), len(gold_s - pred_s))
        for h_theme, _why, a, b, _text in doc.hard_negatives:
            if h_theme == theme:
                hard[t, 0] += 1
                hard[t, 1] += any(m.start < b and a < m.end for m in mine)
    return gold, pred, sent, hard


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, float), np.asarray(den, float)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def _figures(c: _Counts, idx: np.ndarray) -> np.ndarray:
    """All metrics for resamples ``idx`` (boots, docs): array (boots, themes, metrics)."""
    gold = c.gold[idx].astype(float)  # (B, n, T)
    pred = c.pred[idx].astype(float)
    n = gold.shape[1]
    tp = (gold * pred).sum(1)
    fp = ((1 - gold) * pred).sum(1)
    fn = (gold * (1 - pred)).sum(1)
    tn = n - tp - fp - fn
    p, r = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
    f1 = _safe_div(2 * p * r, p + r)
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n**2
    # Kappa is undefined when both raters give one label throughout; call perfect agreement 1.
    kappa = np.where(pe < 1, _safe_div(po - pe, 1 - pe), np.where(po == 1, 1.0, 0.0))
    s = c.sent[idx].sum(1)  # (B, T, 3)
    sp, sr = _safe_div(s[..., 0], s[..., 0] + s[..., 1]), _safe_div(s[..., 0], s[..., 0] + s[..., 2])
    sf = _safe_div(2 * sp * sr, sp + sr)
    h = c.hard[idx].sum(1)
    hr = _safe_div(h[..., 1], h[..., 0])
    return np.stack([p, r, f1, kappa, sp, sr, sf, hr], axis=-1)


def _macro(fig: np.ndarray, themes: Sequence[str], hard: np.ndarray) -> np.ndarray:
    """Macro figures (mean over ``themes``; hard-negative rate pooled) from (.., T, M)."""
    cols = [THEME_IDS.index(t) for t in themes]
    out = fig[..., cols, :].mean(-2)
    pooled = hard[..., cols, :].sum(-2)
    out[..., -1] = _safe_div(pooled[..., 1], pooled[..., 0])
    return out


def evaluate_predictions(
    docs: Sequence[GoldDoc], mentions: Sequence[Sequence], *, method: str = "?", split: str = "?",
    version: str = "", n_boot: int = 1000, seed: int = 13,
) -> EvaluationReport:
    """Score precomputed mentions (one list per document) against the gold.

    Parameters
    ----------
    docs
        Gold documents.
    mentions
        For each document, the mentions a tagger returned for its text.
    method, split, version
        Labels carried into the report.
    n_boot
        Bootstrap resamples (0 for none; intervals then equal the values).
    seed
        Seed of the bootstrap.

    Returns
    -------
    EvaluationReport
    """
    if not docs:
        raise ValueError("no gold documents to evaluate")
    rows = [_count_doc(d, m) for d, m in zip(docs, mentions, strict=True)]
    c = _Counts(*(np.stack(parts) for parts in zip(*rows, strict=True)))
    n = len(docs)
    point = _figures(c, np.arange(n)[None, :])[0]
    # sklearn for the point estimates, so they are the reference definitions.
    for t in range(len(THEME_IDS)):
        p, r, f, _ = precision_recall_fscore_support(
            c.gold[:, t], c.pred[:, t], average="binary", zero_division=0
        )
        point[t, :3] = (p, r, f)
        if len(set(c.gold[:, t])) > 1 or len(set(c.pred[:, t])) > 1:
            point[t, 3] = cohen_kappa_score(c.gold[:, t], c.pred[:, t])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n)) if n_boot else np.arange(n)[None, :]
    boots = _figures(c, idx)
    lo, hi = np.percentile(boots, [2.5, 97.5], axis=0)
    themes = {}
    for t, theme in enumerate(THEME_IDS):
        s = c.sent[:, t].sum(0)
        themes[theme] = ThemeScores(
            values=dict(zip(METRICS, map(float, point[t]), strict=True)),
            intervals={m: (float(lo[t, k]), float(hi[t, k])) for k, m in enumerate(METRICS)},
            counts={
                "docs_gold": int(c.gold[:, t].sum()), "docs_pred": int(c.pred[:, t].sum()),
                "sent_tp": int(s[0]), "sent_fp": int(s[1]), "sent_fn": int(s[2]),
                "hard_negatives": int(c.hard[:, t, 0].sum()), "hard_counted": int(c.hard[:, t, 1].sum()),
            },
        )
    macro = {}
    for name, group in (("all", THEME_IDS), ("mission", MISSION_THEMES)):
        value = _macro(point[None], group, c.hard.sum(0)[None])[0]
        dist = _macro(boots, group, c.hard[idx].sum(1))
        mlo, mhi = np.percentile(dist, [2.5, 97.5], axis=0)
        macro[name] = ThemeScores(
            values=dict(zip(METRICS, map(float, value), strict=True)),
            intervals={m: (float(mlo[k]), float(mhi[k])) for k, m in enumerate(METRICS)},
        )
    return EvaluationReport(method, split, n, version, themes, macro, n_boot)


def evaluate(tagger, docs: Sequence[GoldDoc], *, n_boot: int = 1000, seed: int = 13, split: str = "?") -> EvaluationReport:
    """Tag every gold document with ``tagger`` and score the result.

    Parameters
    ----------
    tagger
        Anything with ``tag(text) -> list[Mention]`` (and optionally
        ``method`` and ``version``), e.g. :func:`scrthemes.nlp.tagger.load_tagger`.
    docs
        Gold documents.
    n_boot, seed
        Bootstrap resamples and seed.
    split
        Label for the report.

    Returns
    -------
    EvaluationReport
    """
    mentions = [tagger.tag(d.text) for d in docs]
    return evaluate_predictions(
        docs, mentions, method=getattr(tagger, "method", "?"), split=split,
        version=getattr(tagger, "version", ""), n_boot=n_boot, seed=seed,
    )


def run_evaluation(
    gold_dir: Path | None = None, method: str | None = None, split: str = "dev", *,
    n_boot: int = 1000, seed: int = 13, k: int = 5,
    tagger_for: Callable[[list[GoldDoc], str], object] | None = None,
) -> EvaluationReport:
    """Load the gold set, pick the split and evaluate a tagger.

    Parameters
    ----------
    gold_dir
        Gold folder; :func:`scrthemes.nlp.gold.default_gold_dir` when None.
    method
        Tagger method (``rules``, ``classifier``, ``combined``); the
        measured-best :func:`scrthemes.nlp.tagger.default_method` when None.
    split
        ``dev`` (the 30% dev split), ``all`` (every document) or ``cv``
        (``k``-fold: each fold's test documents tagged by a tagger built from
        the other folds, predictions pooled) or ``unseen`` (every document,
        rules only, without the patterns only that document supports; see
        the module notes). For ``dev`` with a classifier
        method, when the shipped model was trained on this gold folder
        (:func:`shipped_model_saw`), a classifier is trained in-process on the
        train split instead, and the report's ``note`` says so; any other
        gold-format folder (e.g. a held-out set) uses the shipped model.
    tagger_for
        ``(train_docs, method) -> tagger`` used for ``cv``; the default uses
        ``scrthemes.nlp.train.cv_tagger`` when it exists, else (rules only)
        the fixed rule tagger.

    Returns
    -------
    EvaluationReport
    """
    from scrthemes.nlp.tagger import default_method, load_tagger

    method = method or default_method()
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    docs = load_gold(gold_dir)
    if split == "unseen":
        return _unseen(docs, method, n_boot=n_boot, seed=seed, k=k)
    if split != "cv":
        chosen = split_gold(docs)[1] if split == "dev" else docs
        tagger, note = load_tagger(method), ""
        if split == "dev" and method != "rules" and shipped_model_saw(gold_dir):
            # The shipped model was refit on every gold document, dev included:
            # scoring it on dev would be in-sample, so refit on the train split.
            from scrthemes.nlp.train import cv_tagger

            tagger = cv_tagger(split_gold(docs)[0], method)
            note = "classifier retrained in-process on the train split (the shipped model saw the dev documents)"
        report = evaluate(tagger, chosen, n_boot=n_boot, seed=seed, split=split)
        report.note = note
        return report
    factory = tagger_for or _default_cv_factory(method)
    ordered: list[GoldDoc] = []
    mentions: list[list] = []
    version = ""
    for train, test in folds(docs, k=k, seed=seed):
        tagger = factory(train, method)
        version = getattr(tagger, "version", version)
        ordered += test
        mentions += [tagger.tag(d.text) for d in test]
    return evaluate_predictions(
        ordered, mentions, method=method, split=f"cv{k}", version=version, n_boot=n_boot, seed=seed
    )


def _unseen(docs: list[GoldDoc], method: str, *, n_boot: int, seed: int, k: int) -> EvaluationReport:
    """The unseen-wording estimate of one method over every document (module notes)."""
    from scrthemes.nlp.prepare import prepare
    from scrthemes.nlp.train import cross_validated_mentions, out_of_fold

    data = prepare(docs, unseen=True)  # tagged by the rules
    note = "each document scored without the patterns that are right in that document only"
    if method == "rules":
        scored, mentions = data.docs, data.rule_mentions
    else:
        pooled, by_method = cross_validated_mentions(data, out_of_fold(data, k=k, seed=seed), k=k, seed=seed)
        scored, mentions = pooled.docs, by_method[method]
        note += f"; classifier trained on such rule hits, {k}-fold cross-validated"
    report = evaluate_predictions(scored, mentions, method=method, split="unseen", n_boot=n_boot, seed=seed)
    report.note = note
    return report


def shipped_model_saw(gold_dir: Path | None = None) -> bool:
    """Whether the shipped classifier was trained on this gold folder.

    Compares the card's ``training_data.gold_sha256`` with the digest of the
    folder's documents (:func:`scrthemes.nlp.train.gold_sha256`).

    Parameters
    ----------
    gold_dir
        A gold-format folder; the default gold folder when None.

    Returns
    -------
    bool
        False when no model is shipped or it was trained on other documents.
    """
    from scrthemes.nlp.classifier import DEFAULT_MODEL, card_path
    from scrthemes.nlp.train import gold_sha256

    try:
        card = json.loads(card_path(DEFAULT_MODEL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    trained_on = card.get("training_data", {}).get("gold_sha256")
    return bool(trained_on) and trained_on == gold_sha256(gold_dir)


def _default_cv_factory(method: str) -> Callable[[list[GoldDoc], str], object]:
    from scrthemes.nlp.tagger import load_tagger

    if method == "rules":
        return lambda _train, _method: load_tagger("rules")
    try:
        from scrthemes.nlp.train import cv_tagger  # type: ignore[attr-defined]
    except ImportError:
        raise ValueError(
            f"cross-validation of method {method!r} needs scrthemes.nlp.train.cv_tagger(train_docs, method); "
            "use --split dev or --method rules"
        ) from None
    return cv_tagger


def report_to_dict(report: EvaluationReport) -> dict:
    """The report as plain JSON-ready data."""
    return asdict(report)


def format_report(report: EvaluationReport) -> str:
    """Plain-text table: one row per theme, then the macro averages."""
    head = (
        f"{'theme':<24}{'docs':>5} {'doc P':>6} {'doc R':>6} {'doc F1':>15} {'kappa':>15} "
        f"{'sent P':>7} {'sent R':>7} {'sent F1':>7} {'hard neg':>10}"
    )
    lines = [
        f"method={report.method} split={report.split} docs={report.n_docs} version={report.version} "
        f"(95% bootstrap intervals, {report.n_boot} resamples)",
        *([f"note: {report.note}"] if report.note else []),
        head,
        "-" * len(head),
    ]

    def row(name: str, s: ThemeScores, docs: str) -> str:
        v, i = s.values, s.intervals
        hard = f"{v['hard_negative_rate']:.0%}"
        if s.counts:
            hard += f" {s.counts['hard_counted']}/{s.counts['hard_negatives']}"
        return (
            f"{name:<24}{docs:>5} {v['doc_precision']:>6.2f} {v['doc_recall']:>6.2f} "
            f"{v['doc_f1']:>5.2f} [{i['doc_f1'][0]:.2f}-{i['doc_f1'][1]:.2f}] "
            f"{v['kappa']:>5.2f} [{i['kappa'][0]:.2f}-{i['kappa'][1]:.2f}] "
            f"{v['sent_precision']:>7.2f} {v['sent_recall']:>7.2f} {v['sent_f1']:>7.2f} {hard:>10}"
        )

    for theme, s in report.themes.items():
        lines.append(row(theme, s, str(s.counts.get("docs_gold", ""))))
    lines.append("-" * len(head))
    for name, s in report.macro.items():
        lines.append(row(f"macro ({name})", s, ""))
    return "\n".join(lines)

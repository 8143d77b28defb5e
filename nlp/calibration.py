"""Calibrated probabilities for the theme classifier: Platt scaling per theme.

The logistic regressions are class-balanced, so their raw probabilities are
inflated (a sentence of a theme with 4% positive sentences is scored as if
half were positive). Per theme, a one-feature logistic regression maps the
logit of the raw probability to a calibrated one (Platt scaling). It is
fitted on out-of-fold predictions grouped by document
(:func:`scrthemes.nlp.train.out_of_fold`), never on the sentences the
classifier was fitted on, and stored in the model card as two numbers a
theme. Calibration is monotone, so it changes the scale of the thresholds,
not which sentences clear them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scrthemes.nlp.themes import THEME_IDS
from sklearn.linear_model import LogisticRegression

#: Probabilities are clipped away from 0 and 1 before taking logits.
_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def fit_calibration(probs: Sequence[np.ndarray], labels: Sequence[np.ndarray]) -> dict[str, tuple[float, float]]:
    """Platt scaling per theme from out-of-fold probabilities.

    Parameters
    ----------
    probs
        Raw out-of-fold probabilities, one ``(n_sentences, 9)`` array per document.
    labels
        Sentence labels in the same shapes (1: the sentence asserts the theme).

    Returns
    -------
    dict[str, tuple[float, float]]
        ``{theme: (slope, intercept)}`` on the logit scale; ``(1.0, 0.0)``
        (no change) for a theme without both classes.
    """
    p = np.vstack(probs)
    y = np.vstack(labels)
    table = {}
    for t, theme in enumerate(THEME_IDS):
        if len(set(y[:, t])) < 2:
            table[theme] = (1.0, 0.0)
            continue
        model = LogisticRegression(C=1e4, max_iter=1000).fit(_logit(p[:, [t]]), y[:, t])
        table[theme] = (float(model.coef_[0, 0]), float(model.intercept_[0]))
    return table


def calibrate(probs: np.ndarray, table: dict[str, tuple[float, float]]) -> np.ndarray:
    """Apply :func:`fit_calibration`'s table to raw probabilities ``(n, 9)``."""
    probs = np.asarray(probs, dtype=float)
    if not table or not len(probs):
        return probs
    slope = np.array([table[t][0] for t in THEME_IDS])
    intercept = np.array([table[t][1] for t in THEME_IDS])
    return 1 / (1 + np.exp(-(slope * _logit(probs) + intercept)))


def brier(probs: Sequence[np.ndarray], labels: Sequence[np.ndarray]) -> dict[str, float]:
    """Brier score per theme (mean squared error of the probabilities; lower is better)."""
    p, y = np.vstack(probs), np.vstack(labels)
    return {theme: round(float(np.mean((p[:, t] - y[:, t]) ** 2)), 4) for t, theme in enumerate(THEME_IDS)}

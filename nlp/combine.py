"""Combine rule mentions with classifier probabilities into the mentions that count.

Policy (``method="combined"``), per sentence ``s`` and theme ``t`` with
classifier probability ``p = probs[s, t]``:

1. **Negated rule hits** (negated, hypothetical, agency name alone, general
   statement) never count. They are returned unchanged, ``negated=True``, as
   evidence of what was not counted, whatever ``p`` says.
2. **Affirmed rule hits are confirmed or vetoed.** A hit counts when
   ``p >= classifier.rule_thresholds[t]``, a threshold at or below the
   classifier's own; it is returned with ``method="both"`` when ``p`` also
   clears ``classifier.thresholds[t]`` (rule and classifier agree), else with
   ``method="rule"``; its ``score`` is ``p``. Below the rule threshold the hit
   is dropped: the classifier, which sees the hit as a feature together with
   the words and context around it, judged the sentence not to assert the theme.
3. **Classifier-only mentions.** When ``p >= classifier.combined_thresholds[t]``
   and no affirmed rule hit of ``t`` counted in the sentence, the whole
   sentence is returned as one mention with ``method="classifier"``,
   ``score=p`` and no pattern id. A combined threshold above 1 means the
   classifier never adds mentions of that theme on its own (the rules'
   recall was better than anything the classifier added).
4. **Context vetoes the classifier too.** A sentence whose only rule hits of
   ``t`` were flagged by the context component (negated, hypothetical, agency
   name alone, general statement, the child's own) gives no classifier-only
   mention of ``t``: the words the classifier reacts to are exactly the ones
   the context rules ruled out ("should either parent begin to misuse
   drugs", "the substance misuse service attended the panel").

With ``method="classifier"`` only steps 3 and 4 run, with ``classifier.thresholds``
(every sentence with ``p >= thresholds[t]`` gives a classifier mention), and
negated rule hits are still returned flagged. All thresholds are chosen per
theme at training time on out-of-fold predictions by :func:`choose_thresholds`
(run by :mod:`scrthemes.nlp.train`): the classifier's alone, and the combined
and rule thresholds jointly, each maximising document-level F1 of its method
over a grid, smoothed over neighbouring cells so that a lone lucky value on
~100 documents is not picked.
Every affirmed mention returned counts, so a theme is present in a text
exactly when one is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np
from scrthemes.nlp.mentions import Mention, Sentence
from scrthemes.nlp.themes import THEME_IDS

COMBINE_METHODS = ("classifier", "combined")
#: Candidate thresholds (probabilities) searched per theme.
#: Calibrated probabilities of a sentence-level theme are small (a few percent of
#: sentences assert one), so the grid is fine at the low end.
GRID = np.round(np.concatenate([np.arange(0.01, 0.05, 0.01), np.arange(0.05, 0.951, 0.025)]), 3)
#: A threshold no probability reaches: "never add classifier-only mentions".
NEVER = 1.01


class _Thresholded(Protocol):
    thresholds: dict[str, float]
    combined_thresholds: dict[str, float]
    rule_thresholds: dict[str, float]


def _sentence_index(sentences: Sequence[Sentence], mention: Mention) -> int | None:
    for i, sentence in enumerate(sentences):
        if sentence.start <= mention.start < sentence.end:
            return i
    return None


def vetoed(sentence: Sentence, theme: str) -> bool:
    """True when every rule hit of ``theme`` in ``sentence`` is flagged (and there is one)."""
    hits = [h for h in sentence.rule_hits if h.theme == theme]
    return bool(hits) and all(h.negated for h in hits)


def _sentence_mention(sentence: Sentence, theme: str, p: float) -> Mention:
    return Mention(
        theme=theme,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        sentence=sentence.text,
        sentence_start=sentence.start,
        sentence_end=sentence.end,
        negated=False,
        cue=None,
        method="classifier",
        score=round(p, 4),
        pattern_id=None,
    )


def combine(
    text: str,
    sentences: Sequence[Sentence],
    rule_mentions: Sequence[Mention],
    probs: np.ndarray,
    classifier: _Thresholded,
    method: str = "combined",
) -> list[Mention]:
    """Mentions that count, plus negated rule mentions, under the module's policy.

    Parameters
    ----------
    text
        The tagged text (offsets of everything refer to it).
    sentences
        Its sentences, in order, as scored by the classifier.
    rule_mentions
        All rule mentions of the text, negated ones flagged.
    probs
        Classifier probabilities, shape ``(len(sentences), len(THEME_IDS))``.
    classifier
        Supplies ``thresholds``, ``combined_thresholds`` and ``rule_thresholds``
        (per theme), e.g. a :class:`scrthemes.nlp.classifier.ThemeClassifier`.
    method
        ``"combined"`` or ``"classifier"``.

    Returns
    -------
    list[Mention]
        In text order (start, end, codebook order of themes).

    Raises
    ------
    ValueError
        For an unknown method or a ``probs`` array of the wrong shape.
    """
    if method not in COMBINE_METHODS:
        raise ValueError(f"unknown combine method {method!r}; choose one of {', '.join(COMBINE_METHODS)}")
    probs = np.asarray(probs, dtype=float)
    if len(sentences) and probs.shape != (len(sentences), len(THEME_IDS)):
        raise ValueError(
            f"probs has shape {np.shape(probs)}, expected ({len(sentences)}, {len(THEME_IDS)})"
        )
    out: list[Mention] = []
    confirmed: set[tuple[int, int]] = set()  # (sentence index, theme index)
    for mention in rule_mentions:
        if mention.negated:
            out.append(mention)
            continue
        if method != "combined":
            continue
        i = _sentence_index(sentences, mention)
        if i is None:
            continue
        t = THEME_IDS.index(mention.theme)
        p = float(probs[i, t])
        if p < classifier.rule_thresholds[mention.theme]:
            continue
        agree = p >= classifier.thresholds[mention.theme]
        out.append(replace(mention, method="both" if agree else "rule", score=round(p, 4)))
        confirmed.add((i, t))
    adding = classifier.combined_thresholds if method == "combined" else classifier.thresholds
    for i, sentence in enumerate(sentences):
        for t, theme in enumerate(THEME_IDS):
            p = float(probs[i, t])
            if p >= adding[theme] and (i, t) not in confirmed and not vetoed(sentence, theme):
                out.append(_sentence_mention(sentence, theme, p))
    out.sort(key=lambda m: (m.start, m.end, THEME_IDS.index(m.theme), m.negated))
    return out


def _f1(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """F1 along axis 0 for boolean arrays ``(docs, candidates)``."""
    tp = (gold[:, None] & pred).sum(0) if gold.ndim == 1 else (gold & pred).sum(0)
    fp = pred.sum(0) - tp
    fn = gold.sum() - tp
    return np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)


def _smoothed_argmax(scores: np.ndarray) -> int:
    """Index of the best mean of each value and its neighbours (ties: the middle one)."""
    padded = np.concatenate([scores[:1], scores, scores[-1:]])
    smooth = (padded[:-2] + padded[1:-1] + padded[2:]) / 3
    best = np.flatnonzero(np.isclose(smooth, smooth.max()))
    return int(best[len(best) // 2])


def _best_cell(scores: np.ndarray) -> tuple[int, int]:
    """Best cell of a 2-D score grid after 3x3 smoothing; ties go to the largest row, then smallest column."""
    padded = np.pad(scores, 1, mode="edge")
    smooth = sum(
        padded[1 + di : padded.shape[0] - 1 + di, 1 + dj : padded.shape[1] - 1 + dj]
        for di in (-1, 0, 1)
        for dj in (-1, 0, 1)
    ) / 9
    rows, cols = np.nonzero(np.isclose(smooth, smooth.max()))
    best = max(zip(rows, cols, strict=True), key=lambda rc: (rc[0], -rc[1]))
    return int(best[0]), int(best[1])


def choose_thresholds(
    present: np.ndarray, sentences: Sequence[Sequence[Sentence]], probs: Sequence[np.ndarray]
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per-theme thresholds that maximise document-level F1 on out-of-fold predictions.

    Parameters
    ----------
    present
        Gold labels, ``(documents, 9)`` booleans: the document asserts the theme.
    sentences
        Each document's sentences, with their rule hits.
    probs
        Out-of-fold probabilities, one ``(n_sentences, 9)`` array per document.

    Returns
    -------
    tuple[dict[str, float], dict[str, float], dict[str, float]]
        ``(thresholds, combined_thresholds, rule_thresholds)``: the classifier
        alone; then, searched jointly for the combined method, the probability
        at which a sentence adds a classifier-only mention (above 1: never) and
        the probability an affirmed rule hit needs to count (0: always).
    """
    thresholds, combined, rule = {}, {}, {}
    add_grid = np.append(GRID, NEVER)
    rule_grid = np.concatenate([[0.0], GRID])
    for t, theme in enumerate(THEME_IDS):
        gold = np.asarray(present[:, t], dtype=bool)
        best_any = np.array(
            [
                max((p[i, t] for i, s in enumerate(sents) if not vetoed(s, theme)), default=0.0)
                for p, sents in zip(probs, sentences, strict=True)
            ]
        )
        best_rule = np.array(
            [
                max(
                    (p[i, t] for i, s in enumerate(sents) if any(h.theme == theme and not h.negated for h in s.rule_hits)),
                    default=-1.0,
                )
                for p, sents in zip(probs, sentences, strict=True)
            ]
        )
        thresholds[theme] = float(GRID[_smoothed_argmax(_f1(gold, best_any[:, None] >= GRID[None, :]))])
        added = best_any[:, None] >= add_grid[None, :]  # (docs, add)
        kept = best_rule[:, None] >= rule_grid[None, :]  # (docs, rule)
        scores = np.stack([_f1(gold, added[:, [a]] | kept) for a in range(len(add_grid))])
        a, r = _best_cell(scores)
        combined[theme] = float(add_grid[a])
        rule[theme] = float(rule_grid[r])
    return thresholds, combined, rule

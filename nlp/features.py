"""Sentence features for the theme classifier.

The classifier is a stock scikit-learn pipeline whose input is a 2-D object
array with one row per sentence and three text columns (see :data:`COLUMNS`):

``text``
    the sentence, whitespace collapsed (word and character n-grams are taken
    from it);
``rules``
    space-separated tokens describing the rule hits: ``hit_<theme>`` for an
    affirmed hit, ``neg_<theme>`` and ``cue_<cue>`` for a negated one, the same
    with a ``prev_`` prefix for the previous sentence's hits, and ``pat_<id>``
    for each pattern that fired;
``context``
    who the sentence is about (``subj_parent``, ``subj_child``, ``subj_agency``,
    ``subj_review``), the words of its section heading (``head_<word>``) and
    coarse shape tokens (``shape_short`` and the like).

Keeping the features as plain text columns means the fitted pipeline holds only
scikit-learn types, so the skops artifact can be loaded with a short, fixed list
of trusted types and no project code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scrthemes.nlp.mentions import Sentence

#: Column order of :func:`sentence_rows`.
COLUMNS: tuple[str, ...] = ("text", "rules", "context")

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SUBJECTS: dict[str, frozenset[str]] = {
    "parent": _words(
        "mother father mother's father's mum dad parent parents parents' carer carers "
        "stepfather step-father stepmother partner partner's boyfriend girlfriend couple "
        "husband wife ms mr mrs grandmother grandfather uncle aunt adults adult"
    ),
    "child": _words(
        "child child's children baby infant toddler son daughter sibling siblings "
        "brother sister boy girl teenager young"
    ),
    "agency": _words(
        "agency agencies professional professionals practitioner practitioners police "
        "school gp hospital health visitor midwife social worker workers services service "
        "team council nhs trust board partnership panel"
    ),
    "review": _words(
        "review reviews learning recommendation recommendations findings finding lessons "
        "report research guidance national policy training"
    ),
}


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _hit_tokens(sentence: Sentence, prefix: str = "", *, patterns: bool = False) -> list[str]:
    tokens: list[str] = []
    for hit in sentence.rule_hits:
        if hit.negated:
            tokens.append(f"{prefix}neg_{hit.theme}")
            tokens.append(f"{prefix}cue_{hit.cue or 'negated'}")
        else:
            tokens.append(f"{prefix}hit_{hit.theme}")
        if patterns and hit.pattern_id:
            tokens.append("pat_" + re.sub(r"\W+", "_", hit.pattern_id))
    return tokens


def _context_tokens(sentence: Sentence) -> list[str]:
    words = set(_WORD.findall(sentence.text.lower()))
    tokens = [f"subj_{name}" for name, vocab in _SUBJECTS.items() if words & vocab]
    if sentence.heading:
        tokens += [f"head_{w}" for w in _WORD.findall(sentence.heading.lower()) if len(w) > 2]
    n_words = len(sentence.text.split())
    tokens.append("shape_short" if n_words < 8 else "shape_long" if n_words > 40 else "shape_mid")
    if sentence.text.rstrip().endswith(("?", ":")) or sentence.text.isupper():
        tokens.append("shape_heading")
    return tokens


def sentence_rows(sentences: Sequence[Sentence]) -> np.ndarray:
    """Turn one document's sentences into classifier input rows.

    Parameters
    ----------
    sentences
        The sentences of ONE text, in reading order (the previous sentence's
        rule hits are a feature of the next).

    Returns
    -------
    numpy.ndarray
        Object array of shape ``(len(sentences), len(COLUMNS))``.
    """
    rows = np.empty((len(sentences), len(COLUMNS)), dtype=object)
    previous: Sentence | None = None
    for i, sentence in enumerate(sentences):
        rules = _hit_tokens(sentence, patterns=True)
        if previous is not None:
            rules += _hit_tokens(previous, "prev_")
        rows[i, 0] = _clean(sentence.text)
        rows[i, 1] = " ".join(rules) or "no_hits"
        rows[i, 2] = " ".join(_context_tokens(sentence))
        previous = sentence
    return rows


def document_rows(documents: Sequence[Sequence[Sentence]]) -> np.ndarray:
    """Stack :func:`sentence_rows` of several documents into one array.

    Parameters
    ----------
    documents
        Each item is the sentence list of one text.

    Returns
    -------
    numpy.ndarray
        Object array of shape ``(total sentences, len(COLUMNS))``.
    """
    parts = [sentence_rows(sentences) for sentences in documents]
    if not parts:
        return np.empty((0, len(COLUMNS)), dtype=object)
    return np.vstack(parts)

"""Gold documents made ready for training: sentences, rule hits and sentence labels.

Every gold text is split into sentences with the rule tagger
(``Tagger.sentences``), so the classifier sees the same rule hits at training
and tagging time. With ``unseen=True`` each document is tagged without its own
patterns (:mod:`scrthemes.nlp.unseen`), so the rule hits are as they would be
on a review nobody wrote patterns from. A sentence is positive for a theme when
an evidence quote of that theme overlaps it (domestic abuse evidence is also
volatile relationships evidence, as :func:`scrthemes.nlp.gold.load_gold`
applies); every other sentence, hard negatives included, is negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scrthemes.nlp.gold import GoldDoc, evidence_in
from scrthemes.nlp.mentions import Mention, Sentence
from scrthemes.nlp.themes import THEME_IDS
from scrthemes.nlp.unseen import own_patterns


@dataclass
class Prepared:
    """Gold documents with their tagged sentences and sentence labels."""

    docs: list[GoldDoc]
    sentences: list[list[Sentence]]
    rule_mentions: list[list[Mention]]
    labels: list[np.ndarray]

    def subset(self, ids: set[str]) -> Prepared:
        keep = [i for i, d in enumerate(self.docs) if d.id in ids]
        return Prepared(
            [self.docs[i] for i in keep],
            [self.sentences[i] for i in keep],
            [self.rule_mentions[i] for i in keep],
            [self.labels[i] for i in keep],
        )


def sentence_labels(doc: GoldDoc, sentences: Sequence[Sentence]) -> np.ndarray:
    """Binary labels ``(len(sentences), 9)``: the sentence overlaps an evidence quote.

    Parameters
    ----------
    doc
        A gold document.
    sentences
        Sentences of ``doc.text``.

    Returns
    -------
    numpy.ndarray
        ``int`` array, columns in :data:`THEME_IDS` order.
    """
    y = np.zeros((len(sentences), len(THEME_IDS)), dtype=int)
    spans = [(s.start, s.end) for s in sentences]
    for t, theme in enumerate(THEME_IDS):
        y[sorted(evidence_in(doc, theme, spans)), t] = 1
    return y


def prepare(docs: Sequence[GoldDoc], tagger: object | None = None, *, unseen: bool = False) -> Prepared:
    """Tag every gold text with the rules and label its sentences.

    Parameters
    ----------
    docs
        Gold documents.
    tagger
        A rules tagger (``sentences(text)`` and ``tag(text)``); the default
        ``load_tagger("rules")`` when None.
    unseen
        Drop each document's own patterns (:mod:`scrthemes.nlp.unseen`) from
        its rule hits and rule mentions, so that the rules behave as they
        would on a review nobody wrote patterns from.

    Returns
    -------
    Prepared
    """
    if tagger is None:
        from scrthemes.nlp.tagger import load_tagger

        tagger = load_tagger("rules")
    owns = [frozenset[str]()] * len(docs)
    if unseen:
        owns = own_patterns(docs, [tagger.every_hit(d.text) for d in docs])  # type: ignore[attr-defined]
    sentences, mentions = [], []
    for doc, own in zip(docs, owns, strict=True):
        sents = tagger.sentences(doc.text, without=own)  # type: ignore[attr-defined]
        sentences.append(sents)
        mentions.append(sorted({h for s in sents for h in s.rule_hits}, key=lambda m: (m.start, m.end)))
    labels = [sentence_labels(d, s) for d, s in zip(docs, sentences, strict=True)]
    return Prepared(list(docs), sentences, mentions, labels)

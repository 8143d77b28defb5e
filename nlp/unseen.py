"""Rule hits as they would be on unseen reviews: without each document's own patterns.

The patterns were written while reading the gold documents, so on those
documents the rules look better than they will on a new review. A pattern
whose only right answer in the whole gold set is in one document would not
have been written had that document been held out; so, for each document,
its *own* patterns are those whose every correct hit (an affirmed mention in
a sentence with gold evidence of its theme) lies in that document.
Patterns that are never right stay: they come from the codebook, not from a
document.

Support is counted over every hit, overlapping ones included
(:meth:`scrthemes.nlp.tagger.Tagger.every_hit`): the tagger keeps only the
longest of overlapping hits, so counting after that would make a broad pattern
that happens to overlap an older one look like the only one that is right.
Tagging a document without its own patterns
(``Tagger.sentences(text, without=...)``) then resolves overlaps among the
patterns that are left, as the tagger would had those never been written. It
gives:

* the rules' unseen-wording estimate (``scrthemes evaluate --split unseen``);
* the rule hits the classifier is trained and its thresholds chosen on, so
  that it learns how far to trust the rules as they behave on new text
  (:func:`scrthemes.nlp.train.prepare` with ``unseen=True``).
"""

from __future__ import annotations

from collections.abc import Sequence

from scrthemes.nlp.gold import GoldDoc, evidence_in
from scrthemes.nlp.mentions import Mention
from scrthemes.nlp.segment import sentence_spans
from scrthemes.nlp.themes import THEME_IDS


def _evidence_sentences(doc: GoldDoc) -> dict[str, list[tuple[int, int]]]:
    sents = [(s, e) for s, e, _ in sentence_spans(doc.text)]
    return {theme: [sents[i] for i in sorted(evidence_in(doc, theme, sents))] for theme in THEME_IDS}


def own_patterns(docs: Sequence[GoldDoc], mentions: Sequence[Sequence[Mention]]) -> list[frozenset[str]]:
    """For each document, the ids of the patterns that are right in that document only.

    Parameters
    ----------
    docs
        Gold documents.
    mentions
        For each document, the rule hits of its text, overlapping ones
        included (negated ones are ignored).

    Returns
    -------
    list[frozenset[str]]
        In ``docs`` order.
    """
    support: dict[str, set[str]] = {}
    for doc, mine in zip(docs, mentions, strict=True):
        evidence = _evidence_sentences(doc)
        for m in mine:
            if m.pattern_id and not m.negated and any(s <= m.start < e for s, e in evidence[m.theme]):
                support.setdefault(m.pattern_id, set()).add(doc.id)
    return [frozenset(p for p, where in support.items() if where == {doc.id}) for doc in docs]

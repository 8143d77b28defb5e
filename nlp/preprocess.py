"""spaCy components that prepare review text for the theme rules: sentences and lemmas.

``scr_sentencizer`` splits noisy review text with the line-aware rules of
``segment.py`` and remembers the headings; ``lemma_case`` makes lemmas of
capitalised words match lower-case patterns.
"""

from __future__ import annotations

import numpy as np
from scrthemes.nlp.segment import sentence_spans
from spacy.attrs import LEMMA, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

#: ``doc.user_data`` key of the heading spans ``scr_sentencizer`` found.
HEADINGS_KEY = "scr_headings"
#: ``doc.user_data`` key where a caller may hand over sentence spans computed on
#: the text before whitespace was collapsed (see ``tagger.Tagger._doc``).
SENTENCES_KEY = "scr_sentence_spans"


@Language.factory("scr_sentencizer")
def make_scr_sentencizer(nlp: Language, name: str) -> ScrSentencizer:
    """Split sentences with the line-aware rules of ``segment.sentence_spans``."""
    return ScrSentencizer()


class ScrSentencizer:
    """Set ``is_sent_start`` from :func:`segment.sentence_spans`; keep headings."""

    def __call__(self, doc: Doc) -> Doc:
        spans = doc.user_data.get(SENTENCES_KEY) or sentence_spans(doc.text)
        starts = sorted(s for s, _, _ in spans)
        doc.user_data[HEADINGS_KEY] = [(s, e) for s, e, h in spans if h]
        flags = np.full(len(doc), -1, dtype="int64")
        nxt = 0
        pending = False
        for i, token in enumerate(doc):
            # A sentence starts at the first visible token at or after a boundary.
            while nxt < len(starts) and starts[nxt] < token.idx + len(token):
                pending = True
                nxt += 1
            if i == 0 or (pending and not token.is_space):
                flags[i] = 1
                pending = False
        if len(doc):
            # One array write: setting token.is_sent_start one by one is quadratic.
            doc.from_array([SENT_START], flags.astype("uint64"))
        return doc


@Language.factory("lemma_case")
def make_lemma_case(nlp: Language, name: str) -> LemmaCase:
    """Look capitalised words up in lower case, so "Information" lemmatises like "information"."""
    return LemmaCase(nlp)


class LemmaCase:
    """Lemmatise every token from the lookup table, looking capitalised words up in lower case.

    Does the lookup lemmatizer's work too (the pipeline keeps that component,
    disabled, for its table), once per distinct word: a lemma is the table's
    entry for the lower-cased word, itself lower-cased for lower-case words.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._table: dict | None = None

    def _lookup(self) -> dict:
        if self._table is None:
            lemmatizer = self.nlp.get_pipe("lemmatizer")
            self._table = lemmatizer.lookups.get_table("lemma_lookup")
        return self._table

    def __call__(self, doc: Doc) -> Doc:
        table = self._lookup()
        strings = doc.vocab.strings
        orths = doc.to_array([ORTH])
        lemmas: dict[int, int] = {}
        for orth in set(orths.tolist()):  # each distinct word once, not each token
            text = strings[orth]
            lower = text.lower()
            lemma = table.get(lower, lower) if text != lower else str(table.get(text, text)).lower()
            lemmas[orth] = strings.add(lemma)
        if len(doc):
            doc.from_array([LEMMA], np.array([lemmas[o] for o in orths.tolist()], dtype="uint64"))
        return doc

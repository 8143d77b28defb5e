"""``scrthemes tag``: tag one file without a database and build the JSON contract.

The JSON is ``{"file", "pages", "themes", "mentions"}``: ``themes`` has every
codebook theme (``present``, ``mentions``, ``score``); each mention has
``theme, text, sentence, start, end, page, negated, method, score``. Offsets
index the text as read: a ``.txt`` file's text unchanged (``page`` null;
``pages`` counts form-feed-separated pages, 1 for most files), or a PDF's
cleaned text (``page`` = PDF page number).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrthemes.corpus.document import ReviewText
from scrthemes.corpus.reader import read_document
from scrthemes.nlp.mentions import Mention
from scrthemes.nlp.tagger import Tagger
from scrthemes.nlp.themes import THEME_IDS

__all__ = ["MENTION_FIELDS", "mention_json", "read_document", "tag_document"]

MENTION_FIELDS = ("theme", "text", "sentence", "start", "end", "page", "negated", "method", "score")


def mention_json(mention: Mention, doc: ReviewText) -> dict[str, Any]:
    """One mention in the contract's shape."""
    return {
        "theme": mention.theme,
        "text": mention.text,
        "sentence": mention.sentence,
        "start": mention.start,
        "end": mention.end,
        "page": doc.page_at(mention.start),
        "negated": bool(mention.negated),
        "method": mention.method,
        "score": round(float(mention.score), 4),
    }


def tag_document(path: Path, doc: ReviewText, tagger: Tagger) -> dict[str, Any]:
    """The JSON contract for ``doc`` (read from ``path``) tagged by ``tagger``."""
    mentions = tagger.tag(doc.text)
    summary = tagger.summarise(mentions)
    themes = {}
    for theme in THEME_IDS:
        s = summary.get(theme)
        themes[theme] = {
            "present": bool(s.present) if s else False,
            "mentions": int(s.mentions) if s else 0,
            "score": round(float(s.score), 4) if s else 0.0,
        }
    return {
        "file": str(path),
        # A text file has no PDF pages: count form-feed pages (as pdftotext writes them).
        "pages": doc.page_count if doc.page_count is not None else doc.text.count("\f") + 1,
        "themes": themes,
        "mentions": [mention_json(m, doc) for m in mentions],
    }

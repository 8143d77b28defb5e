"""spaCy components for theme tagging (placeholder: replaced by the negation/context component)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class ThemeContext:
    def __init__(self, nlp: Language, name: str, spans_key: str, window: int) -> None:
        self.spans_key = spans_key
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        return doc


@Language.factory("theme_context", default_config={"spans_key": "themes", "window": 6})
def make_theme_context(nlp: Language, name: str, spans_key: str, window: int) -> ThemeContext:
    """Mark theme spans that are negated or hypothetical (see ThemeContext)."""
    return ThemeContext(nlp, name, spans_key=spans_key, window=window)

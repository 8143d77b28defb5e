"""A review's cleaned text, with its pages and passages located by offset.

Everything downstream (tagging, storage, evidence display) works on
``ReviewText.text``; pages and passages are views onto it by character offset,
so a mention found anywhere in the text can be shown in its passage and
traced to its PDF page.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One PDF page's share of the cleaned text (``text[start:end]``)."""

    number: int  # 1-based PDF page number
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A paragraph of the cleaned text (``text[start:end] == passage.text``)."""

    index: int
    page: int | None  # page the passage starts on; None for plain-text input
    start: int
    end: int
    text: str
    number: str | None = None  # SCR paragraph number such as "3.4", if any
    heading: str | None = None  # the section heading the passage sits under
    is_heading: bool = False  # the passage is itself a heading (or a title-page line)


@dataclass(frozen=True)
class Footnote:
    """A footnote kept out of the body text."""

    page: int
    mark: str
    text: str


@dataclass(frozen=True)
class ReviewText:
    """The cleaned text of one review and how it maps back to the source."""

    text: str
    pages: list[Page] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    page_count: int | None = None  # pages in the source; None for plain text

    def page_at(self, offset: int) -> int | None:
        """PDF page number holding character ``offset``, or None for plain text."""
        if not self.pages:
            return None
        starts = [p.start for p in self.pages]
        i = max(bisect_right(starts, offset) - 1, 0)
        return self.pages[i].number

    def passage_at(self, offset: int) -> Passage | None:
        """The passage holding character ``offset``, if any."""
        starts = [p.start for p in self.passages]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.passages[i].start <= offset < self.passages[i].end:
            return self.passages[i]
        return None

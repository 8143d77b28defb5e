"""Plain records passed into and out of the store (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewMeta:
    """Descriptive metadata of a review; any field may be unknown."""

    title: str | None = None
    year: int | None = None
    area: str | None = None
    child: str | None = None  # the review's pseudonym for the child, e.g. "Child L"


@dataclass(frozen=True)
class MentionRecord:
    """A theme mention to store. Same field names as ``scrthemes.nlp.mentions.Mention``."""

    theme: str
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int
    sentence_end: int
    negated: bool = False
    cue: str | None = None
    method: str = "rule"
    score: float = 1.0
    pattern_id: str | None = None

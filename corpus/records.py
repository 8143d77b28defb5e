"""Plain records passed into and out of the store (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(frozen=True)
class AddResult:
    """What ``Store.add_review`` did with a file.

    ``status`` is ``"added"`` (first time seen), ``"unchanged"`` (same content
    already stored; nothing written) or ``"new_version"`` (a changed copy of a
    stored review; ``previous_id`` is the row it supersedes).
    """

    review_id: int
    status: str
    previous_id: int | None = None


@dataclass(frozen=True)
class ThemeCount:
    """How one theme shows in one review: ``present`` when any affirmed mention exists."""

    present: bool
    affirmed: int
    negated: int
    best_score: float | None = None


@dataclass(frozen=True)
class Evidence:
    """One stored mention, as shown to a reader checking a theme."""

    theme: str
    page: int | None
    sentence: str
    method: str
    score: float
    negated: bool
    cue: str | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    passage_number: str | None = None
    heading: str | None = None


@dataclass(frozen=True)
class ReviewInfo:
    """A stored review: metadata, per-theme summary and (from ``get_review``) evidence."""

    id: int
    sha256: str
    title: str | None
    area: str | None
    year: int | None
    child: str | None
    source_path: str
    file_name: str
    page_count: int | None
    version: int
    previous_id: int | None
    is_latest: bool
    ingested_at: datetime
    tagged_at: datetime | None
    pipeline_version: str | None
    themes: dict[str, ThemeCount] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def meta(self) -> ReviewMeta:
        return ReviewMeta(title=self.title, year=self.year, area=self.area, child=self.child)

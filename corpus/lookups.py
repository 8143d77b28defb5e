"""Lookups the store composes: per-theme counts, evidence, ``ReviewInfo`` records, the
passage and page at an offset, and the stored review a new file supersedes."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, datetime

from scrthemes.corpus.db import MentionRow, PageRow, PassageRow, Review, ThemeRow
from scrthemes.corpus.records import Evidence, ReviewInfo, ReviewMeta, ThemeCount
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session


def as_utc(value: datetime | None) -> datetime | None:
    """``value`` as an aware UTC datetime (SQLite hands back naive ones)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def theme_counts(s: Session, review_ids: list[int]) -> dict[int, dict[str, ThemeCount]]:
    """For each review, every known theme's affirmed/negated mention counts.

    Parameters
    ----------
    s
        An open session.
    review_ids
        The reviews to count for; each gets an entry with every theme, in codebook order.
    """
    themes = list(s.scalars(select(ThemeRow.id).order_by(ThemeRow.position, ThemeRow.id)))
    raw: dict[int, dict[str, dict[bool, tuple[int, float]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    # Chunked so a large corpus never builds an IN list past driver limits.
    for i in range(0, len(review_ids), 500):
        chunk = review_ids[i : i + 500]
        rows = s.execute(
            select(MentionRow.review_id, MentionRow.theme, MentionRow.negated,
                   func.count(), func.max(MentionRow.score))
            .where(MentionRow.review_id.in_(chunk))
            .group_by(MentionRow.review_id, MentionRow.theme, MentionRow.negated)
        )
        for review_id, theme, negated, n, best in rows:
            raw[review_id][theme][bool(negated)] = (n, best)
    result: dict[int, dict[str, ThemeCount]] = {}
    for review_id in review_ids:
        per_theme = {}
        for theme in themes:
            counts = raw[review_id][theme]
            affirmed, best = counts.get(False, (0, None))
            negated = counts.get(True, (0, None))[0]
            per_theme[theme] = ThemeCount(
                present=affirmed > 0, affirmed=affirmed, negated=negated,
                best_score=float(best) if best is not None else None,
            )
        result[review_id] = per_theme
    return result


def evidence_for(s: Session, review_id: int) -> list[Evidence]:
    """Every stored mention of a review, in theme (codebook) then text order.

    Parameters
    ----------
    s
        An open session.
    review_id
        The review.
    """
    rows = s.execute(
        select(MentionRow, PassageRow.number, PassageRow.heading)
        .join(PassageRow, PassageRow.id == MentionRow.passage_id, isouter=True)
        .join(ThemeRow, ThemeRow.id == MentionRow.theme)
        .where(MentionRow.review_id == review_id)
        .order_by(ThemeRow.position, MentionRow.theme, MentionRow.start_char, MentionRow.id)
    )
    return [
        Evidence(
            theme=m.theme, page=m.page, sentence=m.sentence, method=m.method,
            score=float(m.score), negated=bool(m.negated), cue=m.cue, text=m.text,
            start=m.start_char, end=m.end_char, passage_number=number, heading=heading,
        )
        for m, number, heading in rows
    ]


def review_info(
    review: Review, themes: dict[str, ThemeCount], evidence: list[Evidence] | None = None
) -> ReviewInfo:
    """A plain ``ReviewInfo`` from an ORM row plus its counts (and evidence)."""
    return ReviewInfo(
        id=review.id, sha256=review.sha256, title=review.title, area=review.area,
        year=review.year, child=review.child, source_path=review.source_path,
        file_name=review.file_name, page_count=review.page_count, version=review.version,
        previous_id=review.previous_id, is_latest=bool(review.is_latest),
        ingested_at=as_utc(review.ingested_at), tagged_at=as_utc(review.tagged_at),
        pipeline_version=review.pipeline_version, themes=themes, evidence=evidence or [],
    )


def find_previous(s: Session, file_name: str, meta: ReviewMeta) -> Review | None:
    """The latest stored review that a new file with this name and metadata replaces.

    Parameters
    ----------
    s
        An open session (inside the adding transaction).
    file_name
        The new file's name without folders.
    meta
        The new file's metadata; a matching title and area also identifies the
        review, and a known, different area or child rules a candidate out.

    Returns
    -------
    Review | None
        The row to supersede, or None when the file is a new review.
    """
    same = Review.file_name == file_name
    if meta.title and meta.area:
        same = or_(same, and_(Review.title == meta.title, Review.area == meta.area))
    candidates = s.scalars(
        select(Review).where(Review.is_latest.is_(True), same).order_by(Review.id.desc())
    )
    for c in candidates:
        # A known, different area or child means a different review that shares a name.
        if meta.area and c.area and meta.area != c.area:
            continue
        if meta.child and c.child and meta.child != c.child:
            continue
        return c
    return None


class Locator:
    """Finds the passage and page holding a character offset of one review."""

    def __init__(self, s: Session, review_id: int) -> None:
        passages = s.execute(
            select(PassageRow.id, PassageRow.start_char, PassageRow.end_char)
            .where(PassageRow.review_id == review_id).order_by(PassageRow.start_char)
        ).all()
        pages = s.execute(
            select(PageRow.number, PageRow.start_char)
            .where(PageRow.review_id == review_id).order_by(PageRow.start_char)
        ).all()
        self._passages = passages
        self._passage_starts = [p.start_char for p in passages]
        self._pages = pages
        self._page_starts = [p.start_char for p in pages]

    def passage(self, offset: int) -> int | None:
        """Id of the passage holding ``offset``, or None (e.g. between passages)."""
        i = bisect_right(self._passage_starts, offset) - 1
        if i >= 0 and offset < self._passages[i].end_char:
            return self._passages[i].id
        return None

    def page(self, offset: int) -> int | None:
        """PDF page number holding ``offset``, or None for a review without pages."""
        if not self._pages:
            return None
        i = max(bisect_right(self._page_starts, offset) - 1, 0)
        return self._pages[i].number

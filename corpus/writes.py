"""The rows a store write adds: a review with its text, pages and passages, and its mentions.

``Store.add_review`` and ``Store.set_mentions`` own the transactions, the write
locks and the races between processes; the functions here only check and build
rows inside a transaction they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scrthemes.corpus.db import (
    MentionRow,
    PageRow,
    PassageRow,
    Review,
    ReviewTextRow,
    ThemeRow,
    utcnow,
)
from scrthemes.corpus.document import ReviewText
from scrthemes.corpus.engine import ReviewNotFound, StoreError
from scrthemes.corpus.lookups import Locator, find_previous
from scrthemes.corpus.records import AddResult, MentionRecord, ReviewMeta
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session


def stored_review_id(s: Session, sha256: str) -> int | None:
    """Id of the review stored with these bytes (``reviews.sha256`` is unique), or None."""
    return s.scalar(select(Review.id).where(Review.sha256 == sha256))


def insert_review(
    s: Session, *, sha256: str, source_path: str, meta: ReviewMeta, doc: ReviewText
) -> AddResult:
    """Add a review whose bytes are not stored yet, superseding the review it is a new copy of.

    Parameters
    ----------
    s
        An open session in a write transaction that holds the store's write lock.
    sha256
        The file's hash; the caller has checked that no review has it.
    source_path
        Where the file was read from; its name identifies later versions.
    meta
        The review's metadata; a matching title and area also identify a version.
    doc
        The cleaned text with its pages and passages.

    Returns
    -------
    AddResult
        ``"added"``, or ``"new_version"`` with the superseded review's id.
    """
    file_name = Path(source_path).name
    previous = find_previous(s, file_name, meta)
    review = Review(
        sha256=sha256, title=meta.title, area=meta.area, year=meta.year, child=meta.child,
        source_path=str(source_path), file_name=file_name, page_count=doc.page_count,
        version=previous.version + 1 if previous else 1,
        previous_id=previous.id if previous else None, is_latest=True,
    )
    if previous is not None:
        previous.is_latest = False
    s.add(review)
    s.flush()
    s.add(ReviewTextRow(review_id=review.id, text=doc.text))
    if doc.pages:
        s.execute(insert(PageRow), [
            {"review_id": review.id, "number": p.number, "start_char": p.start,
             "end_char": p.end} for p in doc.pages
        ])
    if doc.passages:
        s.execute(insert(PassageRow), [
            {"review_id": review.id, "idx": p.index, "page": p.page, "start_char": p.start,
             "end_char": p.end, "number": p.number, "heading": p.heading, "text": p.text}
            for p in doc.passages
        ])
    if previous is None:
        return AddResult(review.id, "added")
    return AddResult(review.id, "new_version", previous.id)


def replace_mentions(
    s: Session, review_id: int, mentions: Sequence[MentionRecord], *, pipeline_version: str
) -> None:
    """Replace a review's mentions, linking each to its passage and page, and stamp the review.

    Parameters
    ----------
    s
        An open session in a write transaction.
    review_id
        The review; its row is locked so that two taggers of it take turns.
    mentions
        The new mentions, with offsets into the review's stored text.
    pipeline_version
        The tagger's version, stored with every mention and on the review.

    Raises
    ------
    ReviewNotFound
        No review has that id.
    StoreError
        A mention names a theme not in ``themes`` or lies outside the text;
        nothing is changed.
    """
    review = s.get(Review, review_id, with_for_update=True)
    if review is None:
        raise ReviewNotFound(f"no review with id {review_id}")
    known = set(s.scalars(select(ThemeRow.id)))
    unknown = sorted({m.theme for m in mentions} - known)
    if unknown:
        raise StoreError(
            f"unknown theme {', '.join(map(repr, unknown))} in mentions for review "
            f"{review_id}; known themes: {', '.join(sorted(known)) or 'none'} "
            "(call Store.sync_themes first)"
        )
    length = s.scalar(
        select(func.length(ReviewTextRow.text)).where(ReviewTextRow.review_id == review_id)
    ) or 0
    for m in mentions:
        if not 0 <= m.start <= m.end <= length:
            raise StoreError(
                f"mention {m.theme!r} at {m.start}-{m.end} lies outside review "
                f"{review_id}'s text ({length} characters); was another text tagged?"
            )
    locate = Locator(s, review_id)
    s.execute(delete(MentionRow).where(MentionRow.review_id == review_id))
    rows = [
        {"review_id": review_id, "passage_id": locate.passage(m.start), "theme": m.theme,
         "start_char": m.start, "end_char": m.end, "text": m.text, "sentence": m.sentence,
         "sentence_start": m.sentence_start, "sentence_end": m.sentence_end,
         "page": locate.page(m.start), "negated": bool(m.negated), "cue": m.cue,
         "method": m.method, "score": float(m.score), "pattern_id": m.pattern_id,
         "pipeline_version": pipeline_version}
        for m in mentions
    ]
    if rows:
        s.execute(insert(MentionRow), rows)
    review.tagged_at = utcnow()
    review.pipeline_version = pipeline_version

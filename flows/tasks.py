"""Prefect tasks that ingest and tag one review.

Every task takes paths, ids and the database URL, never review text, and
returns small records (ids, statuses, theme ids). Prefect does not persist
their results (``PREFECT_RESULTS_PERSIST_BY_DEFAULT=false``, ``NO_CACHE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from scrthemes.corpus.errors import ReviewFileError
from scrthemes.corpus.metadata import guess_metadata
from scrthemes.corpus.reader import file_sha256, read_review
from scrthemes.corpus.records import MentionRecord
from scrthemes.flows.resources import get_store, get_tagger, tag_text


@dataclass(frozen=True)
class Stored:
    """What storing one file did: its review id and status, or why it failed."""

    path: str
    status: str  # "added" | "unchanged" | "new_version" | "failed"
    review_id: int | None = None
    previous_id: int | None = None
    pages: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Tagged:
    """The themes found in one stored review."""

    review_id: int
    themes: list[str] = field(default_factory=list)
    mentions: int = 0
    skipped: bool = False  # already tagged by this pipeline version


def db_locked(task, task_run, state) -> bool:  # noqa: ANN001  (Prefect's signature)
    """Retry only when the database was busy, the one failure worth retrying."""
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001
        text = str(exc).lower()
        return "database is locked" in text or "database is busy" in text
    return False


# The two tasks that write: uncached, results not persisted (they name reviews by
# id only), retried only when the database was locked by another writer.
DB_TASK = {
    "cache_policy": NO_CACHE,
    "persist_result": False,
    "retries": 3,
    "retry_delay_seconds": [1, 3, 10],
    "retry_condition_fn": db_locked,
}


@task(name="hash-file", cache_policy=NO_CACHE, persist_result=False)
def hash_file(path: Path) -> str:
    """SHA-256 of the file's bytes: the review's identity in the store."""
    return file_sha256(path)


@task(name="extract-and-store", **DB_TASK)
def extract_and_store(
    path: Path, sha256: str, db_url: str, overrides: dict[str, object] | None = None
) -> Stored:
    """Read, clean and store one PDF (review, pages, passages, text); unreadable files fail softly."""
    store = get_store(db_url)
    known = store.review_with_hash(sha256)
    if known is not None:  # same bytes already stored: no need to read the PDF again
        return Stored(path=str(path), status="unchanged", review_id=known.id,
                      pages=known.page_count)
    try:
        doc = read_review(path)
    except ReviewFileError as err:
        return Stored(path=str(path), status="failed", error=str(err))
    meta = guess_metadata(doc)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    if given:
        meta = replace(meta, **given)
    result = store.add_review(sha256=sha256, source_path=str(path), meta=meta, doc=doc)
    return Stored(
        path=str(path),
        status=result.status,
        review_id=result.review_id,
        previous_id=result.previous_id,
        pages=doc.page_count,
    )


@task(name="tag-review", **DB_TASK)
def tag_review(db_url: str, review_id: int, force: bool = True) -> Tagged:
    """Tag the stored text of one review and replace its mentions."""
    store = get_store(db_url)
    tagger = get_tagger()
    if not force and not store.needs_retag(review_id, tagger.version):
        return Tagged(review_id=review_id, themes=present_themes(db_url, review_id), skipped=True)
    mentions = tag_text(tagger, store.review_text(review_id))
    records = [MentionRecord(**m.to_dict()) for m in mentions]
    store.set_mentions(review_id, records, pipeline_version=tagger.version)
    summary = tagger.summarise(mentions)
    return Tagged(
        review_id=review_id,
        themes=[t for t, s in summary.items() if s.present],
        mentions=sum(s.mentions for s in summary.values()),
    )


def retag_ids(db_url: str) -> set[int]:
    """Ids of latest reviews whose mentions were not made by the current tagger."""
    return {int(r) for r in get_store(db_url).reviews_to_retag(get_tagger().version)}


def present_themes(db_url: str, review_id: int) -> list[str]:
    """Theme ids stored as present for one review."""
    presence = get_store(db_url).theme_presence(review_id)
    return [t for t, present in presence.items() if present]

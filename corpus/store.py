"""The store: reviews, their passages and theme mentions in SQLite or PostgreSQL.

``Store(url)`` is the one object the rest of scrthemes uses to write and read
the database. It takes and returns plain records (``scrthemes.corpus.records``);
no ORM object leaves it. The schema is migrated on first use. ``Store`` owns the
connections, transactions and write locks; inside them, ``writes`` builds the
rows of a review and its mentions, ``lookups`` reads them back, ``runs`` keeps
the run records and ``readonly`` runs analysts' own SQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from scrthemes.corpus import migrations, runs
from scrthemes.corpus.db import Review, ReviewTextRow, ThemeRow
from scrthemes.corpus.document import ReviewText
from scrthemes.corpus.engine import (
    DEFAULT_URL,
    READ_OPTION,
    DatabaseURLError,
    QueryError,
    ReadOnlyQueryError,
    ReviewNotFound,
    StoreError,
    make_engine,
    safe_url,
)
from scrthemes.corpus.lookups import evidence_for, review_info, theme_counts
from scrthemes.corpus.readonly import ReadOnlySQL
from scrthemes.corpus.records import AddResult, MentionRecord, ReviewInfo, ReviewMeta
from scrthemes.corpus.views import frequency_sql
from scrthemes.corpus.writes import insert_review, replace_mentions, stored_review_id
from sqlalchemy import Engine, func, or_, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

__all__ = [
    "AddResult", "DatabaseURLError", "QueryError", "ReadOnlyQueryError", "ReviewNotFound",
    "Store", "StoreError", "DEFAULT_URL", "MentionRecord", "ReviewInfo", "ReviewMeta",
]

_PG_WRITE_LOCK_KEY = 7_294_113_002  # arbitrary, fixed: serialises check-then-insert writes


class Store:
    """Reviews, passages, theme mentions and runs in one database.

    Parameters
    ----------
    url
        ``sqlite:///path.db`` (default ``sqlite:///scrthemes.db``) or
        ``postgresql+psycopg://user@host/db``. Several processes may use the same
        database at once.

    Raises
    ------
    DatabaseURLError
        The URL is malformed or unsupported (at once), or the database cannot
        be reached (on first use).
    """

    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.url = url
        self._engine = make_engine(url)
        self._migrated = False
        self._readonly = ReadOnlySQL()
        self._reader = self._engine.execution_options(**{READ_OPTION: True})
        self._init_lock = threading.Lock()  # one Store is shared by a flow's task threads

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    # --- plumbing --------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The database engine, with the schema migrated to the newest revision."""
        self._migrate()
        return self._engine

    def _migrate(self) -> None:
        if self._migrated:
            return
        with self._init_lock:
            if self._migrated:
                return
            try:
                migrations.upgrade(self._engine)
            except DBAPIError as err:  # unreachable server, bad credentials, not a database
                reason = (str(err.orig).strip().splitlines() or ["unknown error"])[0]
                raise DatabaseURLError(
                    f"cannot use database {safe_url(self._engine.url)}: {reason}"
                ) from None
            self._migrated = True

    @property
    def is_postgres(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        self._migrate()
        with Session(self._reader) as s, s.begin():
            yield s

    def _serialise(self, s: Session) -> None:
        # SQLite write transactions are already serial (BEGIN IMMEDIATE); PostgreSQL
        # needs a lock so that check-then-insert cannot interleave between processes.
        if self.is_postgres:
            s.execute(select(func.pg_advisory_xact_lock(_PG_WRITE_LOCK_KEY)))

    def close(self) -> None:
        """Release pooled connections (the Store can still be used afterwards)."""
        self._engine.dispose()
        self._readonly.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- writing -----------------------------------------------------------------

    def sync_themes(self, themes: Iterable[tuple[str, str, str]]) -> None:
        """Insert or update the codebook themes ``(id, name, definition)``, keeping their order."""
        with self.session() as s:
            self._serialise(s)
            for position, (theme_id, name, definition) in enumerate(themes):
                s.merge(ThemeRow(id=theme_id, name=name, definition=definition, position=position))

    def add_review(
        self, *, sha256: str, source_path: str, meta: ReviewMeta, doc: ReviewText
    ) -> AddResult:
        """Store a review's text, pages and passages in one transaction.

        Content already stored (same ``sha256``) is left alone (``"unchanged"``).
        A changed copy of a stored review (same file name, or same title and area)
        becomes a new version that supersedes the old row (``"new_version"``).
        """
        with self._reading() as s:  # the common re-ingest case needs no write lock
            existing = stored_review_id(s, sha256)
        if existing is not None:
            return AddResult(existing, "unchanged")
        try:
            with self.session() as s:
                self._serialise(s)
                existing = stored_review_id(s, sha256)
                if existing is not None:
                    return AddResult(existing, "unchanged")
                return insert_review(s, sha256=sha256, source_path=source_path, meta=meta, doc=doc)
        except IntegrityError:
            # Another process stored the same content between our check and insert.
            with self._reading() as s:
                existing = stored_review_id(s, sha256)
            if existing is None:
                raise
            return AddResult(existing, "unchanged")

    def set_mentions(
        self, review_id: int, mentions: Sequence[MentionRecord], *, pipeline_version: str
    ) -> None:
        """Replace a review's mentions in one transaction, linking each to its passage and page."""
        with self.session() as s:
            replace_mentions(s, review_id, mentions, pipeline_version=pipeline_version)

    def edit_review(
        self, review_id: int, *, title: str | None = None, year: int | None = None,
        area: str | None = None, child: str | None = None,
    ) -> ReviewInfo:
        """Correct a review's metadata; fields left as None keep their value."""
        with self.session() as s:
            review = s.get(Review, review_id)
            if review is None:
                raise ReviewNotFound(f"no review with id {review_id}")
            changes = {"title": title, "year": year, "area": area, "child": child}
            for field_name, value in changes.items():
                if value is not None:
                    setattr(review, field_name, value)
        return self.get_review(review_id)

    # --- reading -------------------------------------------------------------------

    def review_text(self, review_id: int) -> str:
        """The cleaned full text of a review."""
        with self._reading() as s:
            value = s.scalar(
                select(ReviewTextRow.text).where(ReviewTextRow.review_id == review_id)
            )
        if value is None:
            raise ReviewNotFound(f"no review with id {review_id}")
        return value

    def get_review(self, review_id: int) -> ReviewInfo:
        """A review's metadata, per-theme summary and evidence rows."""
        with self._reading() as s:
            review = s.get(Review, review_id)
            if review is None:
                raise ReviewNotFound(f"no review with id {review_id}")
            counts = theme_counts(s, [review_id])
            return review_info(review, counts[review_id], evidence_for(s, review_id))

    def review_with_hash(self, sha256: str) -> ReviewInfo | None:
        """The review stored with exactly these bytes, with its per-theme summary, or None.

        A file's hash is its identity, so at most one review has it. That review
        may have been superseded by a changed copy since (``is_latest`` False).
        """
        with self._reading() as s:
            review = s.scalar(select(Review).where(Review.sha256 == sha256))
            if review is None:
                return None
            return review_info(review, theme_counts(s, [review.id])[review.id])

    def list_reviews(self, *, latest_only: bool = True) -> list[ReviewInfo]:
        """Stored reviews (by default only the latest version of each), oldest first."""
        with self._reading() as s:
            query = select(Review).order_by(Review.id)
            if latest_only:
                query = query.where(Review.is_latest.is_(True))
            reviews = list(s.scalars(query))
            counts = theme_counts(s, [r.id for r in reviews])
            return [review_info(r, counts[r.id]) for r in reviews]

    def theme_presence(self, review_id: int) -> dict[str, bool]:
        """For every theme, whether the review has at least one affirmed mention of it."""
        with self._reading() as s:
            if s.get(Review, review_id) is None:
                raise ReviewNotFound(f"no review with id {review_id}")
            counts = theme_counts(s, [review_id])[review_id]
        return {t: c.present for t, c in counts.items()}

    def needs_retag(self, review_id: int, pipeline_version: str) -> bool:
        """Whether ``reviews_to_retag(pipeline_version)`` lists this review.

        True for a latest review never tagged or tagged by another pipeline
        version; False once tagged by this one, and for superseded versions.
        One lookup by primary key; an unknown id raises ``ReviewNotFound``.
        """
        with self._reading() as s:
            row = s.execute(
                select(Review.is_latest, Review.pipeline_version).where(Review.id == review_id)
            ).one_or_none()
        if row is None:
            raise ReviewNotFound(f"no review with id {review_id}")
        return bool(row.is_latest) and row.pipeline_version != pipeline_version

    def reviews_to_retag(self, pipeline_version: str) -> list[int]:
        """Latest reviews never tagged, or tagged by a different pipeline version."""
        with self._reading() as s:
            return list(s.scalars(
                select(Review.id)
                .where(Review.is_latest.is_(True), or_(
                    Review.pipeline_version.is_(None), Review.pipeline_version != pipeline_version
                ))
                .order_by(Review.id)
            ))

    def frequencies(self, *, area: str | None = None, by: str | None = None) -> list[dict]:
        """Theme frequencies over the latest reviews, as the ``theme_frequencies*`` views give them."""
        sql = frequency_sql(by, area_filter=area is not None, ordered=True)
        with self._reading() as s:
            result = s.execute(text(sql), {"area": area} if area is not None else {})
            return [dict(row._mapping) for row in result]

    def query(self, sql: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
        """Run one read-only SQL statement; returns (column names, rows); errors as :meth:`ReadOnlySQL.run`."""
        return self._readonly.run(self.engine, sql, params)

    # --- runs ------------------------------------------------------------------------

    def start_run(self, kind: str, *, pipeline_version: str, params: dict) -> int:
        """Record the start of a pipeline run; returns its id."""
        with self.session() as s:
            return runs.start_run(s, kind, pipeline_version=pipeline_version, params=params)

    def finish_run(
        self, run_id: int, *, status: str, counts: dict | None = None,
        changes: dict | None = None, error: str | None = None,
    ) -> None:
        """Record how a run ended."""
        with self.session() as s:
            runs.finish_run(s, run_id, status=status, counts=counts, changes=changes, error=error)

    def list_runs(self) -> list[dict]:
        """All runs, newest first."""
        with self._reading() as s:
            return runs.list_runs(s)

    def get_run(self, run_id: int) -> dict:
        """One run as a dict (keys as the ``runs`` table's columns)."""
        with self._reading() as s:
            return runs.get_run(s, run_id)

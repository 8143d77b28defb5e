"""The store's tables as typed SQLAlchemy models.

These classes document the schema; the tables themselves are created by the
Alembic migrations in ``corpus/migrations`` (a test checks the two agree).
Offsets (``start_char``, ``end_char``) are character offsets into the review's
cleaned text, held once in ``review_texts``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class Review(Base):
    """One version of one review file; a changed file becomes a new row."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_title_area", "title", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    area: Mapped[str | None] = mapped_column(String(200), index=True)
    year: Mapped[int | None] = mapped_column(index=True)
    child: Mapped[str | None] = mapped_column(String(200))
    source_path: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(500), index=True)
    page_count: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id", ondelete="SET NULL")
    )  # the version this one supersedes
    is_latest: Mapped[bool] = mapped_column(default=True, index=True)
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
    tagged_at: Mapped[datetime | None]
    pipeline_version: Mapped[str | None] = mapped_column(String(64))  # of the stored mentions

    text: Mapped[ReviewTextRow] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    pages: Mapped[list[PageRow]] = relationship(
        back_populates="review", cascade="all, delete-orphan", passive_deletes=True
    )
    passages: Mapped[list[PassageRow]] = relationship(
        back_populates="review", cascade="all, delete-orphan", passive_deletes=True
    )


class ReviewTextRow(Base):
    """The cleaned full text, kept apart so that ``SELECT * FROM reviews`` stays light."""

    __tablename__ = "review_texts"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)


class PageRow(Base):
    """Where one PDF page's text sits in the cleaned text."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("review_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1-based PDF page number
    start_char: Mapped[int]
    end_char: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="pages")


class PassageRow(Base):
    """A paragraph of a review (``review_texts.text[start_char:end_char] == text``)."""

    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("review_id", "idx"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    idx: Mapped[int]
    page: Mapped[int | None]
    start_char: Mapped[int]
    end_char: Mapped[int]
    number: Mapped[str | None] = mapped_column(String(40))  # SCR paragraph number, "3.4"
    heading: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="passages")


class ThemeRow(Base):
    """A codebook theme (filled by ``Store.sync_themes``)."""

    __tablename__ = "themes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)  # codebook order, for display


class MentionRow(Base):
    """A theme mention found by the tagger; negated ones are kept but never counted."""

    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_review_id_theme", "review_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    passage_id: Mapped[int | None] = mapped_column(
        ForeignKey("passages.id", ondelete="SET NULL"), index=True
    )
    theme: Mapped[str] = mapped_column(ForeignKey("themes.id"), index=True)
    start_char: Mapped[int]
    end_char: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    sentence_start: Mapped[int]
    sentence_end: Mapped[int]
    page: Mapped[int | None]
    negated: Mapped[bool] = mapped_column(default=False)
    cue: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))  # "rule" | "classifier" | "both"
    score: Mapped[float] = mapped_column(Float)
    pattern_id: Mapped[str | None] = mapped_column(String(200))
    pipeline_version: Mapped[str] = mapped_column(String(64))


class RunRow(Base):
    """One pipeline run (ingest, tag, rerun): what it was asked and what it changed."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    pipeline_version: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    counts: Mapped[dict[str, Any] | None]
    changes: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)


class NationalFigure(Base):
    """A published national prevalence figure for a theme, with its provenance."""

    __tablename__ = "national_figures"
    __table_args__ = (CheckConstraint("origin IN ('shipped', 'user')", name="origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str | None] = mapped_column(ForeignKey("themes.id"), index=True)
    national_category: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(String(100))
    base: Mapped[str | None] = mapped_column(Text)  # what the share is of, e.g. "368 SCRs"
    prevalence_text: Mapped[str] = mapped_column(String(50))  # as published: "~67", ">50"
    prevalence_pct: Mapped[float | None] = mapped_column(Float)
    is_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    measure: Mapped[str | None] = mapped_column(Text)
    primary_source: Mapped[str | None] = mapped_column(Text)
    seen_at_url: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), default="user")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "Base", "MentionRow", "NationalFigure", "PageRow", "PassageRow", "Review",
    "ReviewTextRow", "RunRow", "ThemeRow", "utcnow",
]

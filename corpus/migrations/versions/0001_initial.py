"""Initial schema: reviews and their text, pages, passages, themes, mentions, runs,
national figures, and the frequency/evidence views.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23

Written out in full rather than generated from ``corpus/db.py`` at run time, so
that later model edits never change what this revision does; a test checks that
the migrated schema and the models agree.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from scrthemes.corpus.views import VIEWS_0001, create_view_sql, drop_view_sql

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

TZ = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "reviews",
        _id(),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("area", sa.String(200), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("child", sa.String(200), nullable=True),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("ingested_at", TZ, nullable=False),
        sa.Column("tagged_at", TZ, nullable=True),
        sa.Column("pipeline_version", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("sha256", name="uq_reviews_sha256"),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["reviews.id"], name="fk_reviews_previous_id_reviews",
            ondelete="SET NULL",
        ),
    )
    with op.batch_alter_table("reviews") as batch:
        batch.create_index("ix_reviews_area", ["area"])
        batch.create_index("ix_reviews_year", ["year"])
        batch.create_index("ix_reviews_file_name", ["file_name"])
        batch.create_index("ix_reviews_is_latest", ["is_latest"])
        batch.create_index("ix_reviews_title_area", ["title", "area"])

    op.create_table(
        "review_texts",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("review_id", name="pk_review_texts"),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_review_texts_review_id_reviews",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "pages",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pages"),
        sa.UniqueConstraint("review_id", "number", name="uq_pages_review_id"),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_pages_review_id_reviews", ondelete="CASCADE"
        ),
    )

    op.create_table(
        "passages",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(40), nullable=True),
        sa.Column("heading", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_passages"),
        sa.UniqueConstraint("review_id", "idx", name="uq_passages_review_id"),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_passages_review_id_reviews",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "themes",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_themes"),
    )

    op.create_table(
        "mentions",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("passage_id", sa.Integer(), nullable=True),
        sa.Column("theme", sa.String(64), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("sentence_end", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("cue", sa.Text(), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("pattern_id", sa.String(200), nullable=True),
        sa.Column("pipeline_version", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mentions"),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_mentions_review_id_reviews",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["passage_id"], ["passages.id"], name="fk_mentions_passage_id_passages",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["theme"], ["themes.id"], name="fk_mentions_theme_themes"),
    )
    with op.batch_alter_table("mentions") as batch:
        batch.create_index("ix_mentions_passage_id", ["passage_id"])
        batch.create_index("ix_mentions_theme", ["theme"])
        batch.create_index("ix_mentions_review_id_theme", ["review_id", "theme"])

    op.create_table(
        "runs",
        _id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pipeline_version", sa.String(64), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_started_at", "runs", ["started_at"])

    op.create_table(
        "national_figures",
        _id(),
        sa.Column("theme", sa.String(64), nullable=True),
        sa.Column("national_category", sa.String(300), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("period", sa.String(100), nullable=True),
        sa.Column("base", sa.Text(), nullable=True),
        sa.Column("prevalence_text", sa.String(50), nullable=False),
        sa.Column("prevalence_pct", sa.Float(), nullable=True),
        sa.Column("is_approximate", sa.Boolean(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("primary_source", sa.Text(), nullable=True),
        sa.Column("seen_at_url", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_national_figures"),
        sa.ForeignKeyConstraint(
            ["theme"], ["themes.id"], name="fk_national_figures_theme_themes"
        ),
        sa.CheckConstraint("origin IN ('shipped', 'user')", name="ck_national_figures_origin"),
    )
    op.create_index("ix_national_figures_theme", "national_figures", ["theme"])

    for name, select in VIEWS_0001.items():
        op.execute(create_view_sql(name, select))


def downgrade() -> None:
    for name in reversed(VIEWS_0001):
        op.execute(drop_view_sql(name))
    for table in ("national_figures", "runs", "mentions", "themes", "passages", "pages",
                  "review_texts", "reviews"):
        op.drop_table(table)

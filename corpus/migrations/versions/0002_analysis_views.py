"""Views for comparing areas and the toxic trio.

Revision ID: 0002_analysis_views
Revises: 0001_initial
Create Date: 2026-11-23

Counting rules are those of ``0001_initial``: only the latest version of each
review counts, and a review features a theme when it has at least one mention
of it that is not negated. The SQL is written out here (not imported) so that
later edits elsewhere never change what this revision creates; it runs on both
SQLite and PostgreSQL.

- ``review_themes``: one row per latest review and theme it features, with the
  number of affirmed mentions and the best score.
- ``theme_shares_by_area``: per area and theme, the area's count and share next
  to the count and share of all other areas (reviews of unknown area are left
  out of both), the numbers ``scrthemes compare --against area:REST`` tests.
- ``review_trio_factors``: per latest review, which toxic-trio themes it features
  (domestic_abuse, parental_mental_health, substance_misuse) and how many.
- ``toxic_trio_cooccurrence``: how many latest reviews feature exactly 0, 1, 2
  and 3 of the toxic-trio themes, and the share of all latest reviews.
"""

from __future__ import annotations

from alembic import op

revision: str = "0002_analysis_views"
down_revision: str | None = "0001_initial"
branch_labels: str | None = None
depends_on: str | None = None

_FEATURES = """
SELECT DISTINCT m.review_id, m.theme
FROM mentions m JOIN reviews r ON r.id = m.review_id
WHERE r.is_latest = TRUE AND m.negated = FALSE
"""

_TRIO = "('domestic_abuse', 'parental_mental_health', 'substance_misuse')"

VIEWS: dict[str, str] = {
    "review_themes": """
SELECT m.review_id, m.theme, COUNT(*) AS affirmed_mentions, MAX(m.score) AS best_score
FROM mentions m JOIN reviews r ON r.id = m.review_id
WHERE r.is_latest = TRUE AND m.negated = FALSE
GROUP BY m.review_id, m.theme
""",
    "theme_shares_by_area": f"""
WITH lr AS (SELECT id, area FROM reviews WHERE is_latest = TRUE AND area IS NOT NULL),
feat AS ({_FEATURES}),
areas AS (SELECT area, COUNT(*) AS total FROM lr GROUP BY area),
area_counts AS (
    SELECT lr.area, f.theme, COUNT(*) AS k
    FROM feat f JOIN lr ON lr.id = f.review_id
    GROUP BY lr.area, f.theme
),
known_counts AS (
    SELECT f.theme, COUNT(*) AS k FROM feat f JOIN lr ON lr.id = f.review_id GROUP BY f.theme
)
SELECT a.area, t.id AS theme,
       COALESCE(c.k, 0) AS reviews_featuring,
       a.total AS total_reviews,
       CAST(COALESCE(c.k, 0) AS FLOAT) / a.total AS share,
       COALESCE(kc.k, 0) - COALESCE(c.k, 0) AS other_featuring,
       (SELECT COUNT(*) FROM lr) - a.total AS other_total,
       CAST(COALESCE(kc.k, 0) - COALESCE(c.k, 0) AS FLOAT)
           / NULLIF((SELECT COUNT(*) FROM lr) - a.total, 0) AS other_share
FROM areas a
CROSS JOIN themes t
LEFT JOIN area_counts c ON c.area = a.area AND c.theme = t.id
LEFT JOIN known_counts kc ON kc.theme = t.id
""",
    "review_trio_factors": f"""
WITH feat AS ({_FEATURES})
SELECT r.id AS review_id, r.title, r.area, r.year,
       MAX(CASE WHEN f.theme = 'domestic_abuse' THEN 1 ELSE 0 END) AS domestic_abuse,
       MAX(CASE WHEN f.theme = 'parental_mental_health' THEN 1 ELSE 0 END)
           AS parental_mental_health,
       MAX(CASE WHEN f.theme = 'substance_misuse' THEN 1 ELSE 0 END) AS substance_misuse,
       COUNT(f.theme) AS factors
FROM reviews r
LEFT JOIN feat f ON f.review_id = r.id AND f.theme IN {_TRIO}
WHERE r.is_latest = TRUE
GROUP BY r.id, r.title, r.area, r.year
""",
    "toxic_trio_cooccurrence": f"""
WITH lr AS (SELECT id FROM reviews WHERE is_latest = TRUE),
feat AS ({_FEATURES}),
per_review AS (
    SELECT lr.id AS review_id, COUNT(f.theme) AS factors
    FROM lr LEFT JOIN feat f ON f.review_id = lr.id AND f.theme IN {_TRIO}
    GROUP BY lr.id
),
levels AS (SELECT 0 AS factors UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)
SELECT l.factors,
       COUNT(p.review_id) AS reviews,
       (SELECT COUNT(*) FROM lr) AS total_reviews,
       CAST(COUNT(p.review_id) AS FLOAT) / NULLIF((SELECT COUNT(*) FROM lr), 0) AS share
FROM levels l
LEFT JOIN per_review p ON p.factors = l.factors
GROUP BY l.factors
""",
}


def upgrade() -> None:
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select.strip()}")


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")

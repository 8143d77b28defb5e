"""SQL views that answer the common questions in one line, in SQL both SQLite and PostgreSQL run.

Counting rules, shared by the views and ``Store.frequencies``:

- only the latest version of each review counts (``reviews.is_latest``);
- a review *features* a theme when it has at least one mention of it with
  ``negated`` false; a review counts once per theme however many mentions it has;
- ``share`` is ``reviews_featuring / total_reviews`` as a fraction (0..1), NULL
  when there are no reviews;
- every theme appears, with 0 when no review features it.

Migration ``0001_initial`` creates the views from :data:`VIEWS_0001`. Changing a
view later means a new migration that drops and recreates it, never an edit here
(old databases would not see the edit).
"""

from __future__ import annotations

GROUPS = ("year", "area")

LATEST_REVIEWS = """
SELECT id, sha256, title, area, year, child, source_path, file_name, page_count,
       version, previous_id, ingested_at, tagged_at, pipeline_version
FROM reviews
WHERE is_latest = TRUE
"""

THEME_EVIDENCE = """
SELECT m.theme, r.id AS review_id, r.title, r.area, r.year, m.page, m.sentence,
       m.method, m.score, m.negated
FROM mentions m
JOIN reviews r ON r.id = m.review_id
WHERE r.is_latest = TRUE
"""


def _latest(columns: str, area_filter: bool) -> str:
    where = "is_latest = TRUE" + (" AND area = :area" if area_filter else "")
    return f"SELECT {columns} FROM reviews WHERE {where}"


def frequency_sql(by: str | None = None, *, area_filter: bool = False, ordered: bool = False) -> str:
    """SELECT giving theme frequencies over the latest reviews.

    Parameters
    ----------
    by
        None for one row per theme (columns ``theme, name, reviews_featuring,
        total_reviews, share, affirmed_mentions``), or ``"year"`` / ``"area"``
        for one row per group and theme (columns ``<by>, theme, reviews_featuring,
        total_reviews, share``). Reviews with no year (area) form their own group.
    area_filter
        Restrict to reviews whose area equals the bound parameter ``:area``.
    ordered
        Append an ORDER BY (group, then codebook order); views leave it off.
    """
    if by is None:
        sql = f"""
WITH lr AS ({_latest("id", area_filter)}),
hits AS (
    SELECT m.theme, m.review_id, COUNT(*) AS n
    FROM mentions m JOIN lr ON lr.id = m.review_id
    WHERE m.negated = FALSE
    GROUP BY m.theme, m.review_id
)
SELECT t.id AS theme, t.name AS name,
       COUNT(h.review_id) AS reviews_featuring,
       (SELECT COUNT(*) FROM lr) AS total_reviews,
       CAST(COUNT(h.review_id) AS FLOAT) / NULLIF((SELECT COUNT(*) FROM lr), 0) AS share,
       COALESCE(SUM(h.n), 0) AS affirmed_mentions
FROM themes t
LEFT JOIN hits h ON h.theme = t.id
GROUP BY t.id, t.name, t.position"""
        return sql + ("\nORDER BY t.position, t.id" if ordered else "")
    if by not in GROUPS:
        raise ValueError(f"cannot group frequencies by {by!r}; use one of {', '.join(GROUPS)}")
    sql = f"""
WITH lr AS ({_latest(f"id, {by} AS grp", area_filter)}),
feat AS (
    SELECT DISTINCT m.review_id, m.theme
    FROM mentions m JOIN lr ON lr.id = m.review_id
    WHERE m.negated = FALSE
)
SELECT lr.grp AS {by}, t.id AS theme,
       COUNT(f.review_id) AS reviews_featuring,
       COUNT(lr.id) AS total_reviews,
       CAST(COUNT(f.review_id) AS FLOAT) / COUNT(lr.id) AS share
FROM lr
CROSS JOIN themes t
LEFT JOIN feat f ON f.review_id = lr.id AND f.theme = t.id
GROUP BY lr.grp, t.id, t.position"""
    return sql + ("\nORDER BY (lr.grp IS NULL), lr.grp, t.position, t.id" if ordered else "")


VIEWS_0001: dict[str, str] = {
    "latest_reviews": LATEST_REVIEWS,
    "theme_frequencies": frequency_sql(None),
    "theme_frequencies_by_year": frequency_sql("year"),
    "theme_frequencies_by_area": frequency_sql("area"),
    "theme_evidence": THEME_EVIDENCE,
}


def create_view_sql(name: str, select: str) -> str:
    return f"CREATE VIEW {name} AS {select.strip()}"


def drop_view_sql(name: str) -> str:
    return f"DROP VIEW IF EXISTS {name}"

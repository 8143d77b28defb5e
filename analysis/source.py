"""Reading what the analysis needs from the store: the matrix, the evidence, the model card.

Everything goes through ``Store.query`` (read-only) and the views of migrations
0001 and 0002, so the numbers here are the numbers ``scrthemes sql`` shows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrthemes.analysis.matrix import ReviewMatrix, ReviewRow, build_matrix


@dataclass(frozen=True)
class Evidence:
    """One affirmed mention's sentence, with where it was found."""

    theme: str
    review_id: int
    title: str
    area: str | None
    year: int | None
    page: int | None
    sentence: str
    method: str
    score: float


def _rows(store: Any, sql: str, params: dict | None = None) -> list[dict[str, Any]]:
    columns, rows = store.query(sql, params)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def load_matrix(store: Any) -> ReviewMatrix:
    """The latest reviews x themes from the store (themes in codebook order)."""
    themes = [(r["id"], r["name"]) for r in
              _rows(store, "SELECT id, name FROM themes ORDER BY position, id")]
    reviews = [
        ReviewRow(id=r["id"], title=r["title"] or r["file_name"], area=r["area"],
                  year=r["year"], path=r["source_path"])
        for r in _rows(store, "SELECT id, title, file_name, area, year, source_path "
                              "FROM latest_reviews ORDER BY id")
    ]
    pairs = [(r["review_id"], r["theme"]) for r in
             _rows(store, "SELECT review_id, theme FROM review_themes")]
    return build_matrix(themes, reviews, pairs)


def mention_counts(store: Any) -> dict[tuple[int, str], int]:
    """Affirmed mentions per (latest review, theme)."""
    return {(r["review_id"], r["theme"]): int(r["affirmed_mentions"]) for r in
            _rows(store, "SELECT review_id, theme, affirmed_mentions FROM review_themes")}


def load_evidence(store: Any, *, per_theme: int = 3,
                  review_ids: set[int] | None = None) -> dict[str, list[Evidence]]:
    """The strongest affirmed sentences per theme, at most one per review while others remain.

    Quotable prose comes before fragments (contents lines, short headings), then
    higher scores first; a review's second sentence for a theme only comes in
    after every other review's best one, so the evidence is spread out.
    ``review_ids`` restricts the evidence to those reviews (e.g. one area's).
    """
    sql = ("SELECT theme, review_id, title, area, year, page, sentence, method, score "
           "FROM theme_evidence WHERE negated = FALSE ORDER BY theme, score DESC, review_id, page")
    grouped: dict[str, list[Evidence]] = {}
    for row in _rows(store, sql):
        if review_ids is not None and row["review_id"] not in review_ids:
            continue
        row["score"] = float(row["score"])
        row["title"] = row["title"] or f"review {row['review_id']}"
        grouped.setdefault(row["theme"], []).append(Evidence(**row))
    return {theme: _spread(items, per_theme) for theme, items in grouped.items()}


def _spread(items: list[Evidence], limit: int) -> list[Evidence]:
    def quality(pair: tuple[int, Evidence]) -> tuple[bool, float, int]:
        order, item = pair
        return (not _is_prose(item.sentence), -item.score, order)

    seen: set[str] = set()
    by_review: dict[int, list[tuple[int, Evidence]]] = {}
    for order, item in enumerate(items):
        key = " ".join(item.sentence.split()).casefold()
        if key not in seen:
            seen.add(key)
            by_review.setdefault(item.review_id, []).append((order, item))
    # Each review's best sentence first (round 0), then each one's second best, ...
    ranked = [(rank, *quality(pair), pair[1])
              for pairs in by_review.values()
              for rank, pair in enumerate(sorted(pairs, key=quality))]
    return [entry[-1] for entry in sorted(ranked, key=lambda t: t[:4])][:limit]


def _is_prose(sentence: str) -> bool:
    """A quotable sentence: several words, and not a contents line with dot leaders."""
    return len(sentence.split()) >= 6 and not re.search(r"(\.\s*){4,}", sentence)


def model_card(path: Path | None = None) -> dict[str, Any] | None:
    """The classifier's JSON card (``models/theme_classifier.json``) or None if absent/unreadable."""
    if path is None:
        from scrthemes.models import MODELS_DIR

        path = MODELS_DIR / "theme_classifier.json"
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

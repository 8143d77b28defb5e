"""The review x theme matrix every comparison starts from, read once from the store.

A theme counts as present in a review when the store holds at least one
affirmed (not negated) mention of it for that review's latest run: the same
rule as the store's ``theme_frequencies`` view, so the numbers agree with
``scrthemes frequencies``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from scrthemes.analysis.stats import Share, share

TOXIC_TRIO = ("domestic_abuse", "parental_mental_health", "substance_misuse")


@dataclass(frozen=True)
class ReviewRow:
    """A review as the analysis sees it (no text beyond its title)."""

    id: int
    title: str
    area: str | None
    year: int | None
    path: str | None = None  # the source PDF where the store knows it


@dataclass(frozen=True)
class ReviewMatrix:
    """Which themes each review carries, with the theme names in codebook order."""

    themes: list[tuple[str, str]]  # (id, name)
    reviews: list[ReviewRow]
    present: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def theme_ids(self) -> list[str]:
        return [tid for tid, _ in self.themes]

    def theme_name(self, theme: str) -> str:
        return dict(self.themes).get(theme, theme)

    @property
    def n(self) -> int:
        return len(self.reviews)

    def has(self, review_id: int, theme: str) -> bool:
        return theme in self.present.get(review_id, frozenset())

    def count(self, theme: str) -> int:
        """Reviews carrying ``theme``."""
        return sum(self.has(r.id, theme) for r in self.reviews)

    def share_of(self, theme: str) -> Share | None:
        """The share of reviews carrying ``theme``, with its interval; None without reviews."""
        return share(self.count(theme), self.n)

    def where(self, keep: Callable[[ReviewRow], bool]) -> ReviewMatrix:
        """The same matrix restricted to the reviews that ``keep`` accepts."""
        reviews = [r for r in self.reviews if keep(r)]
        ids = {r.id for r in reviews}
        return ReviewMatrix(self.themes, reviews, {k: v for k, v in self.present.items() if k in ids})

    def in_area(self, area: str) -> ReviewMatrix:
        wanted = area.casefold()
        return self.where(lambda r: (r.area or "").casefold() == wanted)

    def outside_area(self, area: str) -> ReviewMatrix:
        """Reviews from every other known area (reviews of unknown area are left out)."""
        wanted = area.casefold()
        return self.where(lambda r: r.area is not None and r.area.casefold() != wanted)

    def area_name(self, area: str) -> str:
        """The area as the store spells it (``kent`` -> ``Kent``); unchanged if unknown."""
        wanted = area.casefold()
        return next((a for a in self.areas if a.casefold() == wanted), area)

    @property
    def areas(self) -> list[str]:
        return sorted({r.area for r in self.reviews if r.area})

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.reviews if r.year is not None})

    def trio_factors(self) -> list[int]:
        """For each review, how many of the toxic-trio themes it carries."""
        return [sum(self.has(r.id, t) for t in TOXIC_TRIO) for r in self.reviews]


def build_matrix(
    themes: Iterable[tuple[str, str]],
    reviews: Iterable[ReviewRow],
    pairs: Iterable[tuple[int, str]],
) -> ReviewMatrix:
    """Assemble a matrix from theme rows, review rows and (review_id, theme) presence pairs."""
    review_list = list(reviews)
    ids = {r.id for r in review_list}
    present: dict[int, set[str]] = {}
    for review_id, theme in pairs:
        if review_id in ids:
            present.setdefault(review_id, set()).add(theme)
    return ReviewMatrix(list(themes), review_list, {k: frozenset(v) for k, v in present.items()})

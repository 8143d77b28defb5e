"""The ``national_figures`` table: shipped figures, analysts' own, and reading them back.

The shipped figures live in ``analysis/data/national_figures.csv`` and are
synchronised into every store before use (:func:`ensure_shipped`): missing rows
are added, changed ones updated, withdrawn ones removed; rows an analyst added
(origin ``user``) are never touched. Re-running is a no-op.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from scrthemes.analysis.figures import NationalFigure, make_figure, read_figures_csv
from scrthemes.corpus.db import NationalFigure as FigureRow
from sqlalchemy import select

_FIELDS = ("theme", "national_category", "source", "period", "base", "prevalence_text",
           "prevalence_pct", "is_approximate", "measure", "primary_source", "seen_at_url",
           "origin")


def shipped_csv() -> Path:
    """Path of the figures CSV shipped with the package."""
    return Path(str(resources.files("scrthemes.analysis") / "data" / "national_figures.csv"))


def known_themes(store: Any) -> set[str]:
    _, rows = store.query("SELECT id FROM themes")
    return {r[0] for r in rows}


def shipped_figures(themes: set[str]) -> list[NationalFigure]:
    """The shipped figures; one whose theme the store lacks is kept under no theme.

    (The foreign key to ``themes`` would refuse it, and a store is only without a
    codebook theme before the flows have synchronised the themes.)
    """
    with shipped_csv().open(newline="", encoding="utf-8") as handle:
        named = {row["theme"] for row in csv.DictReader(handle) if row["theme"]}
    figures = read_figures_csv(shipped_csv(), themes | named, origin="shipped")
    return [f if f.theme is None or f.theme in themes else replace(f, theme=None)
            for f in figures]


def ensure_shipped(store: Any) -> dict[str, int]:
    """Synchronise the shipped figures into the store; returns counts added/updated/removed."""
    wanted = {f.key: f for f in shipped_figures(known_themes(store))}
    counts = {"added": 0, "updated": 0, "removed": 0}
    with store.session() as s:
        existing = s.scalars(select(FigureRow).where(FigureRow.origin == "shipped")).all()
        seen = set()
        for row in existing:
            key = _row_figure(row).key
            fig = wanted.get(key)
            if fig is None or key in seen:
                s.delete(row)
                counts["removed"] += 1
                continue
            seen.add(key)
            if _row_figure(row) != fig:
                _assign(row, fig)
                counts["updated"] += 1
        for key, fig in wanted.items():
            if key not in seen:
                s.add(_assign(FigureRow(), fig))
                counts["added"] += 1
    return counts


def add_figures(store: Any, figures: list[NationalFigure]) -> dict[str, int]:
    """Store analysts' figures; one already present (same theme, source, period, value) is updated."""
    counts = {"added": 0, "updated": 0}
    with store.session() as s:
        existing = {_row_figure(r).key: r for r in
                    s.scalars(select(FigureRow).where(FigureRow.origin == "user"))}
        for fig in figures:
            row = existing.get(fig.key)
            if row is None:
                existing[fig.key] = row = _assign(FigureRow(), fig)
                s.add(row)
                counts["added"] += 1
            elif _row_figure(row) != fig:
                _assign(row, fig)
                counts["updated"] += 1
    return counts


def add_figure(store: Any, **fields: str) -> NationalFigure:
    """Validate one analyst's figure (``theme, source, period, base, prevalence, ...``) and store it."""
    fig = make_figure(known_themes=known_themes(store), origin="user", **fields)
    add_figures(store, [fig])
    return fig


def import_figures(store: Any, path: Path) -> dict[str, int]:
    """Validate every row of a figures CSV first, then store them all (or none)."""
    figures = read_figures_csv(path, known_themes(store), origin="user")
    return add_figures(store, figures)


def list_figures(store: Any, *, theme: str | None = None) -> list[NationalFigure]:
    """Stored figures (shipped ones synchronised first), by theme then newest period."""
    ensure_shipped(store)
    sql = ("SELECT id, " + ", ".join(_FIELDS) + " FROM national_figures "
           + ("WHERE theme = :theme " if theme else "") + "ORDER BY id")
    columns, rows = store.query(sql, {"theme": theme} if theme else None)
    figures = []
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        row["is_approximate"] = bool(row["is_approximate"])
        for name in _TEXT_FIELDS:
            row[name] = row[name] or ""
        figures.append(NationalFigure(**row))
    # NULL themes (categories outside the codebook) last, the same on SQLite and PostgreSQL.
    return sorted(figures, key=lambda f: (f.theme is None, f.theme or f.national_category, f.id))


_TEXT_FIELDS = ("national_category", "period", "base", "measure", "primary_source", "seen_at_url")


def _row_figure(row: FigureRow) -> NationalFigure:
    values = {f: getattr(row, f) for f in _FIELDS}
    for name in _TEXT_FIELDS:
        values[name] = values[name] or ""
    values["is_approximate"] = bool(values["is_approximate"])
    return NationalFigure(**values, id=row.id)


def _assign(row: FigureRow, fig: NationalFigure) -> FigureRow:
    for name in _FIELDS:
        setattr(row, name, getattr(fig, name))
    return row

"""National figures as published: parsing the prevalence text and reading figure CSVs.

The rule for prevalence text (documented for analysts; the same rule applies to
shipped and user figures):

=================  ===============  ==============  =====================================
text               kind             prevalence_pct  is_approximate
=================  ===============  ==============  =====================================
``53``, ``27.3``   exact            the number      False
``~67``            approx           67              True (the source's own rounded word)
``>50``, ``<=25``  lower / upper    NULL            True (a bound is not a value)
``40-60``          range            NULL            True (no honest single value)
``about half``     words            NULL            True
=================  ===============  ==============  =====================================

A bound or range is still compared (is the local interval wholly above or below
it?), but never as if it were a number.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

_NUMBER = r"(\d+(?:\.\d+)?)"
_EXACT = re.compile(rf"^{_NUMBER}%?$")
_APPROX = re.compile(rf"^(?:~|c\.|ca\.|approx\.?|about)\s*{_NUMBER}%?$", re.IGNORECASE)
_BOUND = re.compile(rf"^(>=|<=|>|<|≥|≤)\s*{_NUMBER}%?$")
_RANGE = re.compile(rf"^{_NUMBER}%?\s*(?:-|–|to)\s*{_NUMBER}%?$")

#: Columns of a figures CSV; ``theme`` may be blank for categories outside the codebook.
REQUIRED_COLUMNS = ("theme", "source", "period", "base", "prevalence")
OPTIONAL_COLUMNS = ("national_category", "measure", "primary_source", "seen_at_url")


class FigureError(ValueError):
    """A national figure that cannot be accepted; ``str(err)`` is one line naming the value."""


@dataclass(frozen=True)
class Prevalence:
    """A published prevalence as text plus what can honestly be read from it (0-100 scale)."""

    text: str
    kind: str  # exact | approx | lower | upper | range | words
    pct: float | None
    low: float | None = None  # for bounds and ranges: the known limits
    high: float | None = None

    @property
    def is_approximate(self) -> bool:
        return self.kind != "exact"

    @property
    def label(self) -> str:
        """The figure for display: ``'53%'``, ``'>50%'``, ``'about half'``."""
        return self.text if self.kind == "words" or self.text.endswith("%") else self.text + "%"


def parse_prevalence(text: str) -> Prevalence:
    """Read a published prevalence (see the module docstring for the rule).

    Parameters
    ----------
    text : str
        The figure as published, e.g. ``"53"``, ``"~67"``, ``">50"``, ``"40-60"``.

    Returns
    -------
    Prevalence
        With ``pct`` only where a single value is honestly stated.

    Raises
    ------
    FigureError
        When the text is empty or a number lies outside 0-100.
    """
    raw = (text or "").strip()
    if not raw:
        raise FigureError("empty prevalence: give a percentage such as 53, ~67 or >50")
    if m := _EXACT.match(raw):
        value = _in_range(raw, m.group(1))
        return Prevalence(raw, "exact", value, value, value)
    if m := _APPROX.match(raw):
        value = _in_range(raw, m.group(1))
        return Prevalence(raw, "approx", value)
    if m := _BOUND.match(raw):
        value = _in_range(raw, m.group(2))
        if m.group(1) in (">", ">=", "≥"):
            return Prevalence(raw, "lower", None, low=value)
        return Prevalence(raw, "upper", None, high=value)
    if m := _RANGE.match(raw):
        low, high = _in_range(raw, m.group(1)), _in_range(raw, m.group(2))
        if low > high:
            raise FigureError(f"prevalence range {raw!r} runs backwards; write it low-high")
        return Prevalence(raw, "range", None, low=low, high=high)
    return Prevalence(raw, "words", None)


@dataclass(frozen=True)
class NationalFigure:
    """One published national figure, as stored in the ``national_figures`` table."""

    theme: str | None
    source: str
    period: str
    base: str
    prevalence_text: str
    prevalence_pct: float | None
    is_approximate: bool
    national_category: str = ""
    measure: str = ""
    primary_source: str = ""
    seen_at_url: str = ""
    origin: str = "shipped"
    id: int | None = field(default=None, compare=False)

    @property
    def prevalence(self) -> Prevalence:
        return parse_prevalence(self.prevalence_text)

    @property
    def key(self) -> tuple[str, ...]:
        """What makes two rows the same figure (re-loading a file never duplicates it)."""
        return (self.theme or "", self.national_category, self.source, self.period,
                self.prevalence_text)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def make_figure(
    *,
    theme: str | None,
    source: str,
    period: str,
    base: str,
    prevalence: str,
    known_themes: set[str],
    national_category: str = "",
    measure: str = "",
    primary_source: str = "",
    seen_at_url: str = "",
    origin: str = "user",
) -> NationalFigure:
    """Validate one figure and apply the prevalence rule.

    Raises
    ------
    FigureError
        Unknown theme id, a missing source or period, or an unreadable prevalence.
    """
    theme = (theme or "").strip() or None
    if theme is not None and theme not in known_themes:
        raise FigureError(
            f"unknown theme {theme!r}; known themes: {', '.join(sorted(known_themes))}"
            " (leave the theme blank for a category outside the codebook)"
        )
    for name, value in (("source", source), ("period", period)):
        if not (value or "").strip():
            raise FigureError(f"missing {name} for a figure on {theme or national_category!r}")
    parsed = parse_prevalence(prevalence)
    return NationalFigure(
        theme=theme,
        source=source.strip(),
        period=period.strip(),
        base=(base or "").strip(),
        prevalence_text=parsed.text,
        prevalence_pct=parsed.pct,
        is_approximate=parsed.is_approximate,
        national_category=(national_category or theme or "").strip(),
        measure=(measure or "").strip(),
        primary_source=(primary_source or "").strip(),
        seen_at_url=(seen_at_url or "").strip(),
        origin=origin,
    )


def read_figures_csv(path: Path, known_themes: set[str], origin: str = "user") -> list[NationalFigure]:
    """Read and validate a figures CSV; the first bad row stops it with file and line.

    Parameters
    ----------
    path : Path
        A CSV with the columns ``theme, source, period, base, prevalence`` (or
        ``prevalence_pct``) and optionally ``national_category, measure,
        primary_source, seen_at_url``.
    known_themes : set of str
        Theme ids a figure may name.
    origin : str
        ``"shipped"`` or ``"user"``.

    Raises
    ------
    FigureError
        Naming the file, the line and the problem.
    """
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as err:
        raise FigureError(f"{path}: cannot open ({err.strerror})") from err
    with handle:
        reader = csv.DictReader(handle)
        columns = {c.strip() for c in reader.fieldnames or []}
        if "prevalence" not in columns and "prevalence_pct" in columns:
            columns.add("prevalence")
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise FigureError(f"{path}: missing column(s) {', '.join(missing)}; "
                              f"expected {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")
        figures = []
        for row in reader:
            row = {(k or "").strip(): (v or "") for k, v in row.items()}
            prevalence = row.get("prevalence") or row.get("prevalence_pct", "")
            try:
                figures.append(make_figure(
                    theme=row.get("theme"), source=row.get("source", ""),
                    period=row.get("period", ""), base=row.get("base", ""),
                    prevalence=prevalence, known_themes=known_themes,
                    **{c: row.get(c, "") for c in OPTIONAL_COLUMNS}, origin=origin,
                ))
            except FigureError as err:
                raise FigureError(f"{path}, line {reader.line_num}: {err}") from None
    return figures


def _in_range(raw: str, number: str) -> float:
    value = float(number)
    if not 0.0 <= value <= 100.0:
        raise FigureError(f"prevalence {raw!r} is outside 0-100 (give a percentage)")
    return value

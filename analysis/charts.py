"""Inline SVG charts drawn by hand: no library, no script, no network.

Every chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>``, and the
report prints the same numbers in a table beside it. Colours are the
Okabe-Ito blue and orange, distinguishable with common colour-vision deficiencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

LOCAL = "#0072B2"
NATIONAL = "#D55E00"
GRID = "#d0d0d0"
INK = "#222222"


@dataclass(frozen=True)
class Bar:
    """One labelled share with an optional interval and national reference (all 0-1)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    reference: float | None = None
    reference_label: str = ""
    reference_approx: bool = False


def _svg_open(width: int, height: int, title: str, desc: str, ident: str) -> str:
    return (
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13,
          fill: str = INK, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{fill}" font-weight="{weight}">{escape(text)}</text>')


def _wrap(text: str, width: int) -> list[str]:
    """Split a label into lines of at most about ``width`` characters, on spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label(x: float, mid: float, text: str, width: int = 34) -> str:
    """A right-aligned label of one or two lines centred on ``mid``."""
    lines = _wrap(text, width)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    size = 13 if len(lines) == 1 else 11.5
    first = mid + 4 - (len(lines) - 1) * 6.5
    spans = "".join(f'<tspan x="{x:.1f}" y="{first + i * 13:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text text-anchor="end" font-size="{size}" fill="{INK}">{spans}</text>'


def share_bars(bars: list[Bar], *, title: str, desc: str, ident: str,
               local_label: str = "local", width: int = 880) -> str:
    """Horizontal bars (local share, Wilson whisker) with a national marker per row."""
    label_w, right_w, row_h, top = 250, 160, 36, 46
    plot_w = width - label_w - right_w
    height = top + row_h * len(bars) + 34
    parts = [_svg_open(width, height, title, desc, ident)]
    parts.append(_legend(label_w, 18, local_label))
    for tick in range(0, 101, 20):
        x = label_w + plot_w * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" '
                     f'y2="{height - 28}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(x, height - 12, f"{tick}%", anchor="middle", size=11))
    for i, bar in enumerate(bars):
        y = top + i * row_h
        mid = y + row_h / 2
        parts.append(_label(label_w - 8, mid, bar.label))
        if bar.value is not None:
            w = plot_w * bar.value
            parts.append(f'<rect class="bar" x="{label_w}" y="{y + 7}" width="{w:.1f}" '
                         f'height="{row_h - 14}" fill="{LOCAL}"/>')
        if bar.low is not None and bar.high is not None:
            x1, x2 = label_w + plot_w * bar.low, label_w + plot_w * bar.high
            parts.append(
                f'<g class="whisker" stroke="{INK}" stroke-width="1.6">'
                f'<line x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}"/>'
                f'<line x1="{x1:.1f}" y1="{mid - 6:.1f}" x2="{x1:.1f}" y2="{mid + 6:.1f}"/>'
                f'<line x1="{x2:.1f}" y1="{mid - 6:.1f}" x2="{x2:.1f}" y2="{mid + 6:.1f}"/></g>')
        if bar.reference is not None:
            x = label_w + plot_w * bar.reference
            fill = "white" if bar.reference_approx else NATIONAL
            parts.append(
                f'<path class="national" d="M{x:.1f} {mid - 8:.1f} L{x + 7:.1f} {mid:.1f} '
                f'L{x:.1f} {mid + 8:.1f} L{x - 7:.1f} {mid:.1f} Z" fill="{fill}" '
                f'stroke="{NATIONAL}" stroke-width="2"/>')
        right = "no reviews" if bar.value is None else f"{bar.value * 100:.0f}%"
        if bar.reference_label:
            right += f"  (nat. {bar.reference_label})"
        parts.append(_text(label_w + plot_w + 10, mid + 4, right, size=12))
    parts.append("</svg>")
    return "".join(parts)


def _legend(x: int, y: int, local_label: str) -> str:
    return (
        f'<g class="legend"><rect x="{x}" y="{y - 10}" width="14" height="12" fill="{LOCAL}"/>'
        + _text(x + 20, y, f"{local_label} share, whisker = 95% interval", size=12)
        + f'<path d="M{x + 330} {y - 12} L{x + 337} {y - 4} L{x + 330} {y + 4} L{x + 323} '
        f'{y - 4} Z" fill="{NATIONAL}" stroke="{NATIONAL}" stroke-width="2"/>'
        + _text(x + 344, y, "national figure (hollow = approximate)", size=12)
        + "</g>"
    )


def small_trend(points: list[tuple[int, float | None, float | None, float | None]], *,
                title: str, ident: str, width: int = 260, height: int = 134) -> str:
    """A small line chart of one theme's share by year, with interval whiskers.

    The visible title is left to the caller (an HTML caption wraps better than SVG text).
    """
    desc = "; ".join(f"{year}: {v * 100:.0f}%" for year, v, _, _ in points if v is not None)
    parts = [_svg_open(width, height, title, desc or "no reviews with a known year", ident)]
    left, right, top, bottom = 34, 12, 10, 24
    pw, ph = width - left - right, height - top - bottom
    for tick in (0, 50, 100):
        y = top + ph * (1 - tick / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/>')
        parts.append(_text(left - 4, y + 4, f"{tick}%", anchor="end", size=10))
    years = [p[0] for p in points]
    span = max(years) - min(years) if len(years) > 1 else 1

    def xpos(year: int) -> float:
        return left + pw / 2 if len(years) == 1 else left + pw * (year - min(years)) / span

    coords = []
    for year, value, low, high in points:
        x = xpos(year)
        parts.append(_text(x, height - 8, str(year), anchor="middle", size=10))
        if value is None:
            continue
        y = top + ph * (1 - value)
        coords.append(f"{x:.1f},{y:.1f}")
        if low is not None and high is not None:
            parts.append(f'<line x1="{x:.1f}" y1="{top + ph * (1 - low):.1f}" x2="{x:.1f}" '
                         f'y2="{top + ph * (1 - high):.1f}" stroke="{INK}" stroke-width="1"/>')
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LOCAL}"/>')
    if len(coords) > 1:
        parts.append(f'<polyline points="{" ".join(coords)}" fill="none" stroke="{LOCAL}" '
                     f'stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def heat_colour(value: float) -> str:
    """A white-to-blue fill for a 0-1 value (darkest still leaves white text readable)."""
    value = min(1.0, max(0.0, value))
    start, end = (255, 255, 255), (0, 84, 140)
    r, g, b = (round(s + (e - s) * value) for s, e in zip(start, end, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"

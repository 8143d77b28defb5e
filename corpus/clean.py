"""Take the furniture off extracted pages: running headers, footers, page numbers, footnotes.

Running lines are found by position and repetition: a line in the top or bottom
band of a page whose text (with digits masked, so "Page 3 of 20" matches
"Page 4 of 20") recurs at the same height on many pages. Footnotes are the block
of small-font lines at the foot of a page that opens with a mark. This module
also decides how a word hyphenated across a line end is rejoined.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from statistics import median

from .document import Footnote
from .extract import Line, PageLines

BAND = 0.15  # share of the page height searched for running lines, top and bottom
EDGE_LINES = 3  # at most this many lines from each edge of a page can be running lines
MIN_SHARE = 0.3  # a running line recurs on at least this share of pages (and twice)
Y_TOLERANCE = 4.0  # points a running line may drift between pages

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-\u2013(]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-\u2013)]?"
    r"(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_FOOTNOTE_START = re.compile(r"^(\d{1,3}|[*\u2020\u2021\u00a7]{1,3})[.)]?\s+(?=\S)")
_LINE_END_HYPHEN = re.compile(r"([A-Za-z]+(?:-[A-Za-z]+)*)[-\u2010]$")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# First halves of compounds that British reports usually hyphenate ("multi-agency").
_HYPHEN_PREFIXES = frozenset(
    "self non multi inter ex co step pre post anti cross half well mid semi "  # noqa: SIM905
    "long short full part joint pan".split()
)


@dataclass(frozen=True)
class CleanPages:
    """Pages with running lines and footnotes removed."""

    pages: list[PageLines]
    footnotes: list[Footnote]
    body_size: float  # the font size of the body text


def clean_pages(pages: list[PageLines]) -> CleanPages:
    """Remove running headers, footers, page numbers and footnotes from ``pages``.

    Parameters
    ----------
    pages
        Every page of one document, in order.

    Returns
    -------
    CleanPages
        The remaining body lines of each page, the footnotes, and the body font size.
    """
    pages = strip_running_lines(pages)
    size = body_font_size(pages)
    kept: list[PageLines] = []
    footnotes: list[Footnote] = []
    for page in pages:
        page, notes = split_footnotes(page, size)
        kept.append(page)
        footnotes.extend(notes)
    return CleanPages(kept, footnotes, size)


def body_font_size(pages: Iterable[PageLines]) -> float:
    """The font size carrying most characters, i.e. the size of the body text."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _edge_lines(page: PageLines) -> Iterable[tuple[str, int, Line]]:
    lines = page.lines
    for i, line in enumerate(lines[:EDGE_LINES]):
        if line.top < BAND * page.height:
            yield "top", i, line
    for i in range(max(len(lines) - EDGE_LINES, 0), len(lines)):
        if lines[i].bottom > (1 - BAND) * page.height:
            yield "bottom", i, lines[i]


def strip_running_lines(pages: list[PageLines]) -> list[PageLines]:
    """Drop running headers/footers and page numbers found in the page bands.

    Parameters
    ----------
    pages
        Every page of one document.

    Returns
    -------
    list of PageLines
        The same pages without those lines.
    """
    seen: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for p, page in enumerate(pages):
        for band, _, line in _edge_lines(page):
            seen[band, _mask(line.text)].append((p, line.top))
    needed = max(2, math.ceil(MIN_SHARE * len(pages)))
    running: set[tuple[int, float]] = set()
    for places in seen.values():
        mid = median(top for _, top in places)
        steady = [(p, top) for p, top in places if abs(top - mid) <= Y_TOLERANCE]
        if len({p for p, _ in steady}) >= needed:
            running.update(steady)
    out = []
    for p, page in enumerate(pages):
        drop = {
            i
            for _, i, line in _edge_lines(page)
            if (p, line.top) in running or _PAGE_NUMBER.match(line.text)
        }
        out.append(
            replace(page, lines=tuple(ln for i, ln in enumerate(page.lines) if i not in drop))
        )
    return out


def split_footnotes(page: PageLines, body_size: float) -> tuple[PageLines, list[Footnote]]:
    """Separate the footnote block at the foot of ``page`` from its body lines.

    The block is the run of lines, counted up from the bottom of the page, set
    smaller than the body text; it must open with a marked line ("1 ...", "* ...",
    or a raised mark). Without a size difference footnotes cannot be told apart
    from the text, and the page is returned unchanged.

    Parameters
    ----------
    page
        One page, running lines already removed.
    body_size
        The document's body font size.

    Returns
    -------
    tuple
        The page without its footnotes, and the footnotes in order.
    """
    lines = page.lines
    first = len(lines)
    while (
        first > 0
        and lines[first - 1].size < 0.92 * body_size
        and lines[first - 1].bottom > 0.4 * page.height
    ):
        first -= 1
    start = next((i for i in range(first, len(lines)) if _note_mark(lines[i])), None)
    if start is None:
        return page, []
    notes: list[tuple[str, list[str]]] = []
    for line in lines[start:]:
        mark = _note_mark(line)
        if mark is not None:
            text = line.text if line.mark else _FOOTNOTE_START.sub("", line.text, count=1)
            notes.append((mark, [text]))
        else:
            notes[-1][1].append(line.text)
    footnotes = [Footnote(page.number, mark, join_lines(parts)) for mark, parts in notes]
    return replace(page, lines=lines[:start]), footnotes


def _note_mark(line: Line) -> str | None:
    if line.mark:
        return line.mark
    found = _FOOTNOTE_START.match(line.text)
    return found.group(1) if found else None


def join_lines(parts: list[str], vocabulary: Counter[str] | None = None) -> str:
    """Join printed lines into running text, rejoining words hyphenated at line ends."""
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not text:
            text = part
        elif text.endswith("\u00ad"):
            text = text[:-1] + part  # a soft hyphen only ever marks a break
        elif _LINE_END_HYPHEN.search(text) and re.match(r"[A-Za-z]", part):
            left = _LINE_END_HYPHEN.search(text).group(1)
            right = re.match(r"[A-Za-z]+", part).group(0)
            keep = keep_hyphen(left, right, vocabulary or Counter())
            text = (text[:-1] + "-" if keep else text[:-1]) + part
        else:
            text += " " + part
    return text


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """Lower-cased word and hyphenated-compound counts, the evidence for :func:`keep_hyphen`."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            counts[word.lower()] += 1
            if "-" in word:
                counts.update(w.lower() for w in word.split("-"))
    return counts


def keep_hyphen(left: str, right: str, vocabulary: Counter[str]) -> bool:
    """Whether ``left-`` at a line end and ``right`` on the next line form a hyphenated word.

    Parameters
    ----------
    left
        The word part before the hyphen (for "multi-agency" split after "multi-", "multi").
    right
        The word part opening the next line.
    vocabulary
        Word counts of the document (see :func:`word_counts`), excluding the split itself.

    Returns
    -------
    bool
        True to keep the hyphen ("inter-agency"), False to close the word ("safeguarding").
    """
    if right[:1].isupper() or right[:1].isdigit():
        return True  # "mid-January", "Covid-19"
    last = left.split("-")[-1].lower()
    solid = vocabulary[last + right.lower()]
    hyphenated = vocabulary[f"{last}-{right.lower()}"]
    if solid or hyphenated:
        return hyphenated > solid
    if last == "self":
        return True  # "self-harm", "self-neglect": never closed up
    return last in _HYPHEN_PREFIXES and vocabulary[right.lower()] > 0

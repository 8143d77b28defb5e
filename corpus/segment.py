"""Reflow clean page lines into paragraphs, find headings, and lay out the review text.

A new paragraph starts at a heading, an SCR paragraph number ("3.4 ..."), a
bullet, a contents entry, a table row, a first-line indent, a vertical gap wider than the
usual line pitch, or after a short line that ends a sentence. Otherwise lines
are joined, across page and column breaks too, so a paragraph cut by a page break comes
out whole, with the page boundary recorded as an offset inside it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .clean import CleanPages, join_lines, word_counts
from .document import Page, Passage, ReviewText
from .extract import Line, PageLines

NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,3}){1,3}|\d{1,3}(?=\.\s))\.?\s+(?=\S)")
_BULLET = re.compile(r"^[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7\u2013\-o\uf0b7]\s+\S")
_CONTENTS = re.compile(r"(?:\.\s?){4,}\s*\d{1,3}$|\u2026{2,}\s*\d{1,3}$")
# "4. Findings" on a line of its own, in the body font.
_PLAIN_HEADING = re.compile(r"^\d{1,2}\.?\s+[A-Z][^.;:,!?]*$(?<!\d)")
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u2019\u201d)]*$")


@dataclass
class _Para:
    lines: list[tuple[int, Line]]  # (page number, line)
    heading: bool = False


@dataclass(frozen=True)
class _Layout:
    size: float  # body font size
    lefts: dict[int, float]  # usual left edge of body lines, per column kind
    rights: dict[int, float]  # usual right edge of full body lines, per column kind
    pitch: float  # usual distance between the tops of consecutive body lines

    def left(self, line: Line) -> float:
        return self.lefts.get(line.column, 72.0)

    def right(self, line: Line) -> float:
        return self.rights.get(line.column, 500.0)


def _layout(pages: list[PageLines], size: float) -> _Layout:
    lefts: dict[int, Counter[float]] = defaultdict(Counter)
    rights: dict[int, list[float]] = defaultdict(list)
    pitches: list[float] = []
    for page in pages:
        body = [ln for ln in page.lines if abs(ln.size - size) < 0.5]
        for a, b in zip(body, body[1:], strict=False):
            gap = b.top - a.top
            if a.column == b.column and 0.8 * size < gap < 2.2 * size:
                pitches.append(gap)
        for ln in body:
            lefts[ln.column][round(ln.x0)] += 1
            rights[ln.column].append(ln.x1)
    edges = {}
    for column, values in rights.items():
        values.sort()
        edges[column] = values[int(0.9 * (len(values) - 1))] if len(values) >= 10 else values[-1]
    return _Layout(
        size=size,
        lefts={column: counts.most_common(1)[0][0] for column, counts in lefts.items()},
        rights=edges,
        # The lower quartile: gaps inside paragraphs outnumber gaps between them.
        pitch=sorted(pitches)[len(pitches) // 4] if pitches else 1.2 * size,
    )


def is_heading_line(line: Line, size: float) -> bool:
    """Whether a printed line looks like a heading: short, and bold, larger or in capitals."""
    text = line.text
    words = text.split()
    if not words or len(words) > 14 or _CONTENTS.search(text) or text.endswith((",", ";")):
        return False
    styled = line.bold or line.size >= 1.15 * size
    letters = [c for c in text if c.isalpha()]
    capitals = len(letters) >= 4 and all(c.isupper() for c in letters) and len(words) <= 10
    return (styled or capitals) and not (text.endswith(".") and len(words) > 6)


def is_heading_text(block: str) -> bool:
    """Whether a plain-text block looks like a heading: one short line without final punctuation."""
    words = block.split()
    return (
        "\n" not in block.strip()
        and 0 < len(words) <= 10
        and not _SENTENCE_END.search(block.strip())
        and not block.strip().endswith(",")
        and (block.strip()[0].isupper() or bool(NUMBERED.match(block.strip())))
        and any(c.isalpha() for c in block)
    )


def _starts_paragraph(line: Line) -> bool:
    return bool(
        line.tabular
        or NUMBERED.match(line.text)
        or _BULLET.match(line.text)
        or _CONTENTS.search(line.text)
    )


def _is_short(line: Line, lay: _Layout) -> bool:
    right = lay.right(line)
    return line.x1 < right - max(6 * lay.size, 0.15 * (right - lay.left(line)))


def _break_between(prev: Line, line: Line, nxt: Line | None, same_page: bool, lay: _Layout) -> bool:
    same_page = same_page and prev.column == line.column  # a new column reads like a new page
    if _starts_paragraph(line) or prev.tabular or _CONTENTS.search(prev.text):
        return True
    if same_page and line.top - prev.top > 1.45 * lay.pitch * max(line.size, prev.size) / lay.size:
        return True
    indent = lay.size
    if line.x0 > lay.left(line) + indent:
        # A first-line indent, not the hanging indent under "3.4" or a bullet.
        hanging = (
            NUMBERED.match(prev.text)
            or _BULLET.match(prev.text)
            or prev.x0 > lay.left(prev) + indent
        )
        below = nxt is not None and nxt.x0 < line.x0 - indent
        if below and not hanging:
            return True
    if _is_short(prev, lay):
        if _SENTENCE_END.search(prev.text):
            return True  # a paragraph's last line
        very_short = prev.x1 < lay.left(prev) + 0.6 * (lay.right(prev) - lay.left(prev))
        if very_short and line.text[:1].isupper() and not prev.text.endswith(("-", ",")):
            return True  # e.g. a heading set in the body font: "4. Findings"
        if (
            prev.column == line.column
            and line.x0 > prev.x0 + 2
            and not (prev.text.endswith("-") or NUMBERED.match(prev.text))
        ):
            return True  # separately placed lines, such as centred title-page lines
    return abs(line.size - prev.size) > 1.0 and not same_page


def paragraphs(pages: list[PageLines], size: float) -> list[_Para]:
    """Group the lines of all pages into paragraphs (a paragraph may span pages)."""
    lay = _layout(pages, size)
    stream = [(page.number, line) for page in pages for line in page.lines if line.text]
    paras: list[_Para] = []
    for k, (number, line) in enumerate(stream):
        heading = is_heading_line(line, size)
        if paras:
            prev_number, prev = paras[-1].lines[-1]
            nxt = stream[k + 1][1] if k + 1 < len(stream) and stream[k + 1][0] == number else None
            same_page = prev_number == number
            if heading or paras[-1].heading:
                wrapped = (
                    heading
                    and paras[-1].heading
                    and same_page
                    and not _is_short(prev, lay)
                    and abs(line.x0 - prev.x0) < 2  # centred title lines stay apart
                    and abs(line.size - prev.size) < 0.5
                    and line.top - prev.top < 1.6 * line.size
                )
                new = not wrapped
            else:
                new = _break_between(prev, line, nxt, same_page, lay)
            if not new:
                paras[-1].lines.append((number, line))
                continue
        paras.append(_Para([(number, line)], heading))
    for para in paras:
        if len(para.lines) == 1 and _PLAIN_HEADING.match(para.lines[0][1].text):
            para.heading = True
    return paras


def _vocabulary(paras: list[_Para]) -> Counter[str]:
    """Word counts without the halves of words split at line ends."""
    texts = []
    for para in paras:
        broken = False
        for _, line in para.lines:
            text = line.text
            if broken:
                text = re.sub(r"^[A-Za-z]+", "", text)
            broken = bool(re.search(r"[A-Za-z][-\u2010\u00ad]$", text))
            if broken:
                text = re.sub(r"[A-Za-z]+(?:-[A-Za-z]+)*[-\u2010\u00ad]$", "", text)
            texts.append(text)
    return word_counts(texts)


def build_review(clean: CleanPages, page_count: int) -> ReviewText:
    """Lay out the paragraphs of ``clean`` as a :class:`ReviewText`.

    Parameters
    ----------
    clean
        Pages with running lines and footnotes removed.
    page_count
        Pages in the source PDF.

    Returns
    -------
    ReviewText
        Passages joined by blank lines, with page and passage offsets.
    """
    paras = paragraphs(clean.pages, clean.body_size)
    vocab = _vocabulary(paras)
    pieces: list[str] = []
    passages: list[Passage] = []
    page_starts: dict[int, int] = {}
    offset = 0
    heading: str | None = None
    for para in paras:
        if pieces:
            offset += 2
        text = ""
        for number, line in para.lines:
            text = join_lines([text, line.text], vocab) if text else line.text.strip()
            # The line is appended verbatim, after a space or in place of a line-end hyphen.
            page_starts.setdefault(number, offset + len(text) - len(line.text.strip()))
        if para.heading:
            heading = text
        found = NUMBERED.match(text)
        passages.append(
            Passage(
                index=len(passages),
                page=para.lines[0][0],
                start=offset,
                end=offset + len(text),
                text=text,
                number=found.group(1) if found else None,
                heading=heading,
                is_heading=para.heading,
            )
        )
        pieces.append(text)
        offset += len(text)
    full = "\n\n".join(pieces)
    return ReviewText(
        text=full,
        pages=_pages(page_starts, page_count, len(full)),
        passages=passages,
        footnotes=clean.footnotes,
        page_count=page_count,
    )


def _pages(starts: dict[int, int], page_count: int, length: int) -> list[Page]:
    """Contiguous page spans; a page without body text is empty at the next page's start."""
    filled: list[int] = []
    following = length
    for number in range(page_count, 0, -1):
        following = starts.get(number, following)
        filled.append(following)
    filled.reverse()
    filled[0] = 0
    ends = filled[1:] + [length]
    return [
        Page(number=n, start=s, end=max(s, e))
        for n, s, e in zip(range(1, page_count + 1), filled, ends, strict=True)
    ]


def split_blocks(text: str) -> Iterable[tuple[int, int]]:
    """Spans of the blank-line separated blocks of ``text``, trimmed of surrounding space."""
    start = 0
    for gap in re.finditer(r"\n[ \t\r\f\v]*\n", text):
        yield from _trimmed(text, start, gap.start())
        start = gap.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    block = text[start:end]
    if block.strip():
        yield start + len(block) - len(block.lstrip()), start + len(block.rstrip())

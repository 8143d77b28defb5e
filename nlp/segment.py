"""Sentence and heading boundaries for noisy review text, in character offsets.

Text extracted from review PDFs and web pages wraps lines mid-sentence (often
with blank lines between the wrapped lines), carries page markers, contents
pages, bullets and headings without full stops. A plain punctuation splitter
either glues a heading onto the next sentence or cuts sentences at every wrap.
The rules here decide, line by line, whether a line break ends a unit, and then
split each unit at sentence-final punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A line that starts a new unit: a bullet, a numbered paragraph ("1.2 ", "3) ",
#: "(a) "), or a page marker ("Page 3:").
_LINE_START = re.compile(
    r"^\s*(?:[•●▪◦\-–*·]\s|\d+(?:\.\d+)*[.)]?\s|\([a-z0-9ivx]+\)\s|page\s+\d+\b)",
    re.IGNORECASE,
)
#: Sentence-final punctuation, perhaps closed by quotes or brackets.
_TERMINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
#: Where a line is still open: it ends on a joining word or a comma, hyphen, etc.
_OPEN_END = re.compile(
    r"(?:[,(/&\-–]|\b(?:and|or|of|the|a|an|to|in|on|for|with|by|from|that|was|were|had|has|is|her|his|their))$",
    re.IGNORECASE,
)
#: A sentence break inside a unit: . ! ? (plus closing quotes) then space then
#: something that can start a sentence.
_SENT_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9•])")
#: A bullet in the middle of a line starts a new sentence too.
_INLINE_BULLET = re.compile(r"\s(?=[•●▪]\s)")
#: Words whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "no", "nos", "e.g", "i.e", "eg", "ie", "etc", "vs", "para", "paras", "prof", "rev", "cf", "approx", "fig", "ref", "op", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
#: Lines at least this long that stop without punctuation were wrapped, not headings.
WRAP_MIN_CHARS = 55
#: Headings are short: at most this many characters.
HEADING_MAX_CHARS = 90


@dataclass(frozen=True)
class Unit:
    """A run of lines that belong together (a paragraph, bullet or heading)."""

    start: int
    end: int
    is_heading: bool


def _lines(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as ``(start, end)`` offsets, stripped of surrounding space."""
    out = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((match.start() + lead, match.start() + len(line.rstrip())))
    return out


def _continues(prev: str, nxt: str) -> bool:
    """Whether line ``nxt`` carries on the sentence of line ``prev``."""
    if re.fullmatch(r"\s*(?:\d+(?:\.\d+)*\.?|[•●▪◦\-–*·])\s*", prev):
        return True  # a bare paragraph number or bullet belongs to the next line
    if _LINE_START.match(nxt):
        return False
    if _TERMINAL.search(prev):
        return False
    first = nxt.lstrip("\"“‘'(")[:1]
    if first.islower():
        return True
    return bool(_OPEN_END.search(prev)) or len(prev) >= WRAP_MIN_CHARS


def _is_heading(unit: str) -> bool:
    if len(unit) > HEADING_MAX_CHARS or "\n" in unit.strip():
        return False
    if _TERMINAL.search(unit) or not re.search(r"[A-Za-z]{3}", unit):
        return False
    first = re.sub(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[•●▪◦\-–*·])\s*", "", unit)[:1]
    return first.isupper()


def units(text: str) -> list[Unit]:
    """Group the lines of a text into units (paragraphs, bullets, headings).

    Parameters
    ----------
    text
        Any text; offsets refer to it.

    Returns
    -------
    list[Unit]
        Units in text order, each trimmed of surrounding whitespace.
    """
    out: list[Unit] = []
    lines = _lines(text)
    i = 0
    while i < len(lines):
        start, end = lines[i]
        while i + 1 < len(lines) and _continues(text[lines[i][0] : lines[i][1]], text[lines[i + 1][0] : lines[i + 1][1]]):
            i += 1
            end = lines[i][1]
        out.append(Unit(start, end, _is_heading(text[start:end])))
        i += 1
    return out


def _breaks(text: str, start: int, end: int) -> list[int]:
    """Offsets inside ``text[start:end]`` where a new sentence starts."""
    chunk = text[start:end]
    found = set()
    for match in _SENT_BREAK.finditer(chunk):
        before = chunk[: match.start() + 1]
        if re.fullmatch(r"\s*[\d.]+", before):
            continue  # "1. Key findings", "2.3. Housing": a section number, not a sentence
        word = re.search(r"([A-Za-z.]+)\.$", before)
        # Single letters are not skipped: "Child A." ends sentences far more often
        # in reviews than an initial does.
        if word and word.group(1).lower() in _ABBREVIATIONS:
            continue
        found.add(start + match.end())
    for match in _INLINE_BULLET.finditer(chunk):
        found.add(start + match.end())
    return sorted(found)


def sentence_spans(text: str) -> list[tuple[int, int, bool]]:
    """Split a text into sentences.

    Parameters
    ----------
    text
        Any text (a gold excerpt, a review's cleaned text, a passage).

    Returns
    -------
    list[tuple[int, int, bool]]
        ``(start, end, is_heading)`` for every sentence, in order, trimmed of
        whitespace so that ``text[start:end]`` starts and ends with a visible
        character. A heading is a short unit on its own line without final
        punctuation ("Learning from the review", "3. FINDINGS").
    """
    out: list[tuple[int, int, bool]] = []
    for unit in units(text):
        cuts = [unit.start, *_breaks(text, unit.start, unit.end), unit.end]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = text[a:b]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if b - trail > a + lead:
                out.append((a + lead, b - trail, unit.is_heading))
    return out

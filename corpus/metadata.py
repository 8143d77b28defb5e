"""Guess a review's title, year, area and child pseudonym from its opening text.

Serious Case Reviews follow a few title-page conventions: the board or
partnership that commissioned the review ("Kent Safeguarding Children
Partnership"), a title ("Serious Case Review", "Child L"), and a publication
date. These heuristics read the first page(s) only, and leave a field as None
when nothing convincing is found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from .document import Passage, ReviewText
from .records import ReviewMeta

OPENING_CHARS = 4000  # how much of the text the guesses look at
YEARS = range(1990, 2036)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_YEAR = re.compile(r"(?<![\d/.-])(199\d|20[0-3]\d)(?![\d/])")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_PUBLISHED = re.compile(
    r"publish|publication|date of report|report date|final report|issued|dated", re.I
)
_NOT_PUBLICATION = re.compile(
    r"\b(?:born|d\.?o\.?b|d\.?o\.?d|died|death|working together|act\b|post(?:ed)? on|upload|views?\b)",
    re.I,
)
_CHILD = re.compile(
    r"\b(?i:child|baby|infant|family|young person|sibling)\s+([A-Z]{1,2}\d?|[A-Z][a-z]{2,})\b"
)
_NOT_NAMES = _words(
    "Protection Safeguarding Death Deaths Care Practice Sexual Exploitation Services "
    "Social Health Review Reviews Court Court's Support Centre Centres Hub Nurse Panel "
    "Partnership Board Mental Liaison Safety Development Welfare The And Adolescent Final "
    "Abuse Neglect"
)
_BOARD = re.compile(
    r"\b(?:(?:local|regional)\s+)?(?:safeguarding\s+(?:children(?:'s)?\s+)?(?:board|partnership)|"
    r"children(?:'s)?\s+safeguarding\s+(?:board|partnership)|lscb|lscp|"
    r"(?:child|children\s+and\s+young\s+persons?)\s+protection\s+committee)\b",
    re.I,
)
_AREA_WORD = re.compile(r"^(?:[A-Z][a-z'\u2019.-]*[a-z]|[A-Z]{2,}|[A-Z][a-z]*-[a-z]+-[A-Z][a-z]+)$")
_LINKS = frozenset({"and", "&", "of", "upon", "AND", "OF"})
_NOT_AREA = _words(
    "The This A An By For Of In To On And Chair Board Report Review Overview Serious Case "
    "Child Children Baby Family SCR Independent Published Commissioned Local Regional "
    "Today Learning Considerations Confidential Unless Publication Agreed Summary "
    "Executive Statement Behalf Presentation Conference Safeguarding Partnership Council "
    "Final Draft Version LSCB"
)
_NOT_TITLE = re.compile(
    r"^(?:contents|page\b|author|written by|date|published|publication|version|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|d\.?o\.?[bd]|post on|views?\b|upload|category)",
    re.I,
)


def guess_metadata(doc: ReviewText) -> ReviewMeta:
    """Guess title, publication year, area and child pseudonym from a review's opening.

    Parameters
    ----------
    doc
        A review read by :func:`scrthemes.corpus.reader.read_review` or
        :func:`~scrthemes.corpus.reader.read_text_file`.

    Returns
    -------
    ReviewMeta
        Any field may be None when no convincing candidate is found.
    """
    opening = doc.text[:OPENING_CHARS]
    return ReviewMeta(
        title=guess_title(doc),
        year=guess_year(opening),
        area=guess_area(opening),
        child=guess_child(opening),
    )


def _title_page(doc: ReviewText) -> list[Passage]:
    if doc.pages:
        first = [p for p in doc.passages if p.page == doc.passages[0].page] if doc.passages else []
        if len(first) >= 2:
            return first[:8]
    return doc.passages[:10]


def guess_title(doc: ReviewText) -> str | None:
    """The title-page lines (board line dropped when others remain), joined with ": "."""
    lines: list[str] = []
    for passage in _title_page(doc):
        for raw in passage.text.splitlines():
            line = " ".join(raw.split())
            words = line.split()
            if not words or len(words) > 14 or _NOT_TITLE.match(line) or line in lines:
                continue
            if passage.page is not None and not passage.is_heading and lines:
                break
            lines.append(line)
        if len(lines) >= 4:
            break
    titled = [ln for ln in lines if re.search(r"review|report|child|baby|family|brief", ln, re.I)]
    if titled:
        start = lines.index(titled[0])
        lines = [ln for ln in lines[start:] if not _BOARD.search(ln)] or lines[start:]
    # The title ends with the line naming the child ("Serious Case Review" / "Child L").
    named = [i for i, ln in enumerate(lines[:3]) if any(_pseudonyms(ln))]
    if named:
        lines = lines[: named[0] + 1]
    return ": ".join(lines[:3]) or None


def guess_year(text: str) -> int | None:
    """The publication year: a year near "published" or a month, else the latest plausible one."""
    best: dict[int, float] = {}
    mentions: Counter[int] = Counter()
    for line in text.splitlines():
        for found in _YEAR.finditer(line):
            year = int(found.group(1))
            if year not in YEARS:
                continue
            score = 1.0
            before = line[max(0, found.start() - 40) : found.start()]
            if _PUBLISHED.search(line[max(0, found.start() - 60) : found.end() + 20]):
                score += 4
            if re.search(_MONTH + r"\.?,?\s*$", before, re.I):
                score += 1
            if _NOT_PUBLICATION.search(before) or _NOT_PUBLICATION.search(line[:40]):
                score -= 2.5
            best[year] = max(best.get(year, score), score)
            mentions[year] += 1
    if not best:
        return None
    # Repetition counts a little (a chronology repeats event years, not the publication year).
    scores = {year: best[year] + 0.2 * min(mentions[year], 5) for year in best}
    top = max(scores.values())
    if top <= 0.5:
        return None
    # Among near-ties the later year wins: reviews are published after the events they describe.
    return max(year for year, score in scores.items() if score >= top - 0.3)


def guess_area(text: str) -> str | None:
    """The area of the commissioning board or partnership ("Kent", "Cambridgeshire and Peterborough")."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for found in _BOARD.finditer(text):
        name = _area_before(text[max(0, found.start() - 80) : found.start()])
        if name:
            counts[name] += 1
            first_seen.setdefault(name, found.start())
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first_seen[n]))


def _area_before(prefix: str) -> str | None:
    """The run of capitalised place words (joined by "and", "&", "of") that ends ``prefix``."""
    words = prefix.split()
    kept: list[str] = []
    for word in reversed(words[-6:]):
        word = re.sub(r"['\u2019]s$", "", word.strip("(),:;\u201c\u201d\"'"))
        if (
            word in _LINKS
            and kept
            or _AREA_WORD.match(word)
            and word.strip(".") not in _NOT_AREA
            and word.title() not in _NOT_AREA
        ):
            kept.append(word)
        else:
            break
    while kept and kept[-1] in _LINKS:
        kept.pop()
    if len(kept) > 1 and kept[0] == "Area":  # "Norfolk Area Child Protection Committee"
        kept.pop(0)
    if not kept:
        return None
    name = " ".join(reversed(kept))
    if name.isupper():
        name = " ".join(w.lower() if w in _LINKS else w.capitalize() for w in name.split())
    return name


def guess_child(text: str) -> str | None:
    """The review's pseudonym for the child ("Child L", "Baby M", "Family A")."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for at, label in _pseudonyms(text):
        counts[label] += 1
        first_seen.setdefault(label, at)
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first_seen[n]))


def _pseudonyms(text: str) -> Iterator[tuple[int, str]]:
    for found in _CHILD.finditer(text):
        name = found.group(1)
        kind = found.group(0)[: found.start(1) - found.start()].strip().title()
        lettered = name.isupper() and len(name) <= 2 or name[-1].isdigit()
        if lettered or (name not in _NOT_NAMES and kind in {"Child", "Baby"}):
            yield found.start(), f"{kind} {name}"

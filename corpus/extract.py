"""Read a PDF page by page into positioned lines, with bounded memory.

Only one pdfplumber page is alive at a time: each page's words are reduced to
:class:`Line` records (text, box, font size, boldness) and the page is closed
before the next is parsed, so memory stays flat however long the review is.
Words are grouped into lines by vertical overlap; a two-column page is read
left column first; raised footnote marks are taken out of the running text.
Every failure is turned into a :mod:`scrthemes.corpus.errors` exception whose
message names the file and the cause.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfplumber.page import Page as PlumberPage
from pdfplumber.utils.exceptions import PdfminerException

from .errors import CorruptPDF, EmptyFile, EncryptedPDF, NotAPDF, ReviewFileError, TooLarge

DEFAULT_MAX_PAGES = 400
DEFAULT_MAX_BYTES = 100 * 1024 * 1024

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_MARK = re.compile(r"^[\d*\u2020\u2021\u00a7\u00b9\u00b2\u00b3\u2070-\u2079]+$")
# Typographic ligatures would hide words from every text search ("ﬁnding" is not "finding").
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
_LABEL = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[a-z]\)|\([a-z0-9]+\)|[\u2022\u25cf\u25aa\u2013\-o\uf0b7])$"
)
_CID_BULLET = re.compile(r"^\(cid:\d+\)\s*")
_SUPER_DIGITS = str.maketrans(
    "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "0123456789"
)


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line of a page, in PDF points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size of most of the line's characters
    bold: bool
    mark: str | None = None  # a raised mark opening the line, e.g. a footnote number
    tabular: bool = False  # wide gaps between words: table cells, not running text
    column: int = 0  # 0 full width, 1 left and 2 right column of a two-column page


@dataclass(frozen=True, slots=True)
class PageLines:
    """The lines of one PDF page, top to bottom."""

    number: int  # 1-based
    width: float
    height: float
    lines: tuple[Line, ...]


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Check that ``path`` looks like a PDF of acceptable size before parsing it.

    Parameters
    ----------
    path
        The file to check.
    max_bytes
        Largest accepted file size.

    Returns
    -------
    int
        The file size in bytes.

    Raises
    ------
    ReviewFileError
        ``EmptyFile``, ``TooLarge`` or ``NotAPDF``; a plain ``ReviewFileError``
        when the file cannot be opened at all.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    except FileNotFoundError:
        raise ReviewFileError(path, "no such file") from None
    except OSError as exc:
        raise ReviewFileError(path, exc.strerror or type(exc).__name__) from None
    if size == 0:
        raise EmptyFile(path, "0 bytes")
    if size > max_bytes:
        raise TooLarge(path, f"{_amount(size)}, limit {_amount(max_bytes)}")
    if b"%PDF-" not in head:
        raise NotAPDF(path, _describe_head(head))
    return size


def _amount(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size:,} bytes"


def _describe_head(head: bytes) -> str:
    sample = head.lstrip()[:200].lower()
    if sample.startswith((b"<!doctype html", b"<html")) or b"<html" in sample:
        return "it is an HTML page, perhaps a download link saved instead of the file"
    if sample.startswith(b"pk\x03\x04"):
        return "it is a ZIP or Office document"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return "no %PDF- header"
    return "it is plain text"


def iter_pages(
    path: Path,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[PageLines]:
    """Yield each page of a PDF as :class:`PageLines`, one page in memory at a time.

    Parameters
    ----------
    path
        The PDF file.
    max_pages, max_bytes
        Limits; beyond them ``TooLarge`` is raised before any page is parsed.

    Yields
    ------
    PageLines
        Pages in order, numbered from 1.

    Raises
    ------
    ReviewFileError
        ``EmptyFile``, ``TooLarge``, ``NotAPDF``, ``EncryptedPDF`` or ``CorruptPDF``.
    """
    path = Path(path)
    check_file(path, max_bytes)
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _translate(path, exc) from None
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        raise CorruptPDF(path, _one_line(exc)) from None
    try:
        declared = _declared_page_count(pdf)
        if declared is not None and declared > max_pages:
            raise TooLarge(path, f"{declared} pages, limit {max_pages}")
        number = 0
        for page_obj in _page_objects(path, pdf):
            number += 1
            if number > max_pages:
                raise TooLarge(path, f"more than {max_pages} pages")
            try:
                page = PlumberPage(pdf, page_obj, page_number=number, initial_doctop=0)
            except Exception as exc:
                raise CorruptPDF(path, f"page {number}: {_one_line(exc)}") from None
            try:
                yield _read_page(path, page)
            finally:
                page.close()
        if number == 0:
            raise CorruptPDF(path, "no pages found")
    finally:
        # pdf.close() would build every page object just to close it; none are held.
        pdf.flush_cache()
        pdf.stream.close()


def _declared_page_count(pdf: pdfplumber.PDF) -> int | None:
    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
    except Exception:
        return None
    return count if isinstance(count, int) else None


def _page_objects(path: Path, pdf: pdfplumber.PDF) -> Iterator[PDFPage]:
    pages = PDFPage.create_pages(pdf.doc)
    while True:
        try:
            page_obj = next(pages)
        except StopIteration:
            return
        except Exception as exc:
            raise _translate(path, exc) from None
        yield page_obj


def _read_page(path: Path, page: PlumberPage) -> PageLines:
    try:
        words = page.extract_words(extra_attrs=["size", "fontname"], x_tolerance_ratio=0.15)
    except Exception as exc:
        raise CorruptPDF(path, f"page {page.page_number}: {_one_line(exc)}") from None
    return PageLines(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        lines=tuple(
            line
            for column, group in _reading_groups(words, float(page.width), float(page.height))
            for line in _build_lines(group, column)
        ),
    )


def _reading_groups(words: list[dict], width: float, height: float) -> list[tuple[int, list[dict]]]:
    """Split a two-column page into reading order: top band, left, right, bottom band.

    A gutter is an x position near the middle of the page that no word of the
    body crosses while both sides carry text; a single-column page has none
    (any vertical line there cuts through most printed lines).
    """
    band = 0.065 * height  # running headers and footers sit in the margins, above or below this
    body = [w for w in words if band < w["top"] and w["bottom"] < height - band]
    if len(body) < 40:
        return [(0, words)]
    best: tuple[int, float] | None = None
    for step in range(int(0.3 * width), int(0.7 * width), 2):
        crossing = sum(1 for w in body if w["x0"] - 4 < step < w["x1"] + 4)
        if best is None or crossing < best[0]:
            best = (crossing, float(step))
    crossing, gutter = best
    left = [w for w in body if w["x1"] <= gutter]
    right = [w for w in body if w["x0"] >= gutter]
    if crossing > 0.01 * len(body) or min(len(left), len(right)) < 0.2 * len(body):
        return [(0, words)]
    top = [w for w in words if w["top"] <= band]
    bottom = [w for w in words if w["bottom"] >= height - band]
    spanning = [w for w in body if w["x0"] < gutter < w["x1"]]
    groups = ((0, top), (0, spanning), (1, left), (2, right), (0, bottom))
    return [(column, group) for column, group in groups if group]


def _translate(path: Path, exc: BaseException) -> ReviewFileError:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect):
        return EncryptedPDF(path, "a password is needed to open it")
    if isinstance(inner, PDFEncryptionError):
        return EncryptedPDF(path, _one_line(inner))
    return CorruptPDF(path, _one_line(inner))


def _one_line(exc: BaseException | object) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, BaseException) and type(exc).__name__ not in text:
        text = f"{type(exc).__name__}: {text}"
    return text[:160]


def normalise_glyphs(text: str) -> str:
    """Undo typographic ligatures and show an unmapped glyph opening a line as a bullet."""
    # An unmapped glyph opening a line is almost always a bullet symbol.
    return _CID_BULLET.sub("\u2022 ", text.translate(_LIGATURES))


def _build_lines(words: list[dict], column: int = 0) -> list[Line]:
    """Group words into printed lines by vertical overlap, then read each left to right."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["bottom"], w["x0"])):
        height = word["bottom"] - word["top"]
        for row in reversed(rows[-3:]):
            top = min(w["top"] for w in row)
            bottom = max(w["bottom"] for w in row)
            overlap = min(bottom, word["bottom"]) - max(top, word["top"])
            if overlap >= 0.5 * min(height, bottom - top):
                row.append(word)
                break
        else:
            rows.append([word])
    lines = [_make_line(sorted(row, key=lambda w: w["x0"]), column) for row in rows]
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _make_line(words: list[dict], column: int = 0) -> Line:
    sizes: Counter[float] = Counter()
    bold = 0
    for w in words:
        sizes[round(w["size"], 1)] += len(w["text"])
        if _BOLD.search(w["fontname"]):
            bold += len(w["text"])
    size = sizes.most_common(1)[0][0]
    body = [w for w in words if round(w["size"], 1) == size]
    baseline = max(w["bottom"] for w in body)
    mark: str | None = None
    parts: list[str] = []
    prev_x1: float | None = None
    widest = 0.0
    for i, w in enumerate(words):
        raised = w["size"] < 0.85 * size and w["bottom"] < baseline - 0.12 * size
        text = w["text"]
        if raised and _MARK.match(text):
            if i == 0:
                mark = text.translate(_SUPER_DIGITS)
            prev_x1 = w["x1"]
            continue  # a footnote reference inside the body text: not part of the prose
        if parts and prev_x1 is not None and not (raised or w["x0"] - prev_x1 < 0.15 * size):
            if len(parts) > 1 or not _LABEL.match(parts[0]):  # not the gap after "3.4" or "•"
                widest = max(widest, w["x0"] - prev_x1)
            parts.append(" ")
        parts.append(text)
        prev_x1 = w["x1"]
    total = sum(sizes.values())
    text = normalise_glyphs("".join(parts).strip())
    return Line(
        text=text,
        x0=min(w["x0"] for w in words),
        x1=max(w["x1"] for w in words),
        top=min(w["top"] for w in body),
        bottom=baseline,
        size=size,
        bold=bold * 2 > total,
        mark=mark,
        tabular=widest > 3 * size,
        column=column,
    )

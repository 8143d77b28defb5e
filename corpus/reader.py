"""Read a review file (PDF or plain text) into a :class:`ReviewText`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .clean import clean_pages
from .document import Passage, ReviewText
from .errors import EmptyFile, NoTextLayer, ReviewFileError
from .extract import DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, PageLines, iter_pages
from .segment import NUMBERED, build_review, is_heading_text, split_blocks

MIN_CHARS_PER_PAGE = 10  # below this on average, the text layer is a stray stamp at most


def read_review(
    path: Path | str,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReviewText:
    """Extract, clean and segment the text of one review PDF.

    Parameters
    ----------
    path
        The PDF file.
    max_pages, max_bytes
        Limits; a larger file raises ``TooLarge`` before its pages are parsed.

    Returns
    -------
    ReviewText
        The cleaned text with page and passage offsets and the footnotes.

    Raises
    ------
    ReviewFileError
        ``NotAPDF``, ``EmptyFile``, ``EncryptedPDF``, ``CorruptPDF``, ``NoTextLayer``
        or ``TooLarge``; ``str(err)`` is one line naming the file and the cause.
    """
    path = Path(path)
    pages: list[PageLines] = list(iter_pages(path, max_pages=max_pages, max_bytes=max_bytes))
    chars = sum(len(line.text) for page in pages for line in page.lines)
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        found = f", {chars} characters of text" if chars else ""
        raise NoTextLayer(path, f"{len(pages)} pages{found}")
    return build_review(clean_pages(pages), page_count=len(pages))


def read_text_file(path: Path | str) -> ReviewText:
    """Read a UTF-8 text file as a review, its text unchanged.

    Parameters
    ----------
    path
        The ``.txt`` file.

    Returns
    -------
    ReviewText
        ``text`` is the decoded file exactly; ``pages == []``; passages are the
        blank-line separated blocks, with ``page=None``.

    Raises
    ------
    ReviewFileError
        ``EmptyFile`` for a 0-byte file, or a plain ``ReviewFileError`` when the
        file is missing or not UTF-8.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReviewFileError(path, "no such file") from None
    except OSError as exc:
        raise ReviewFileError(path, exc.strerror or type(exc).__name__) from None
    if not data:
        raise EmptyFile(path, "0 bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewFileError(path, f"not UTF-8 text (byte {exc.start})") from None
    passages: list[Passage] = []
    heading: str | None = None
    for start, end in split_blocks(text):
        block = text[start:end]
        is_heading = is_heading_text(block)
        if is_heading:
            heading = " ".join(block.split())
        found = NUMBERED.match(block)
        passages.append(
            Passage(
                index=len(passages),
                page=None,
                start=start,
                end=end,
                text=block,
                number=found.group(1) if found else None,
                heading=heading,
                is_heading=is_heading,
            )
        )
    return ReviewText(text=text, pages=[], passages=passages)


def file_sha256(path: Path | str) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks (the review's identity in the store)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_document(
    path: Path | str,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReviewText:
    """Read ``path`` with :func:`read_text_file` if it is named ``*.txt``, else :func:`read_review`."""
    path = Path(path)
    if path.suffix.lower() == ".txt":
        return read_text_file(path)
    return read_review(path, max_pages=max_pages, max_bytes=max_bytes)

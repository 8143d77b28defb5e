"""Why a review file could not be read, as one line a user can act on."""

from __future__ import annotations

from pathlib import Path


class ReviewFileError(Exception):
    """A review file that cannot be ingested. ``str(err)`` is one line naming file and cause."""

    cause = "unreadable"
    hint = ""

    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = Path(path)
        self.detail = " ".join(detail.split())  # the message stays on one line
        message = f"{self.path}: {self.cause}"
        if self.detail:
            message += f" ({self.detail})"
        if self.hint:
            message += f". {self.hint}"
        super().__init__(message)


class NotAPDF(ReviewFileError):
    cause = "not a PDF"
    hint = "Only PDF files (and .txt for `scrthemes tag`) can be read"


class EncryptedPDF(ReviewFileError):
    cause = "encrypted PDF"
    hint = "Ask the author for an unprotected copy, or decrypt it (e.g. `qpdf --decrypt`) first"


class CorruptPDF(ReviewFileError):
    cause = "corrupt or truncated PDF"
    hint = "Download or export the file again"


class NoTextLayer(ReviewFileError):
    cause = "no text layer (probably a scanned image)"
    hint = "OCR it first (e.g. `ocrmypdf in.pdf out.pdf`) and add it again"


class TooLarge(ReviewFileError):
    cause = "too large"
    hint = "If the file is genuine, read it with a higher page or size limit"


class EmptyFile(ReviewFileError):
    cause = "empty file"

"""Watch an inbox folder: ingest each PDF dropped there, then file it as processed or failed.

A file leaves the inbox only after the outcome is known: to ``processed/`` once
the review is committed to the store, or to ``failed/`` beside a
``<name>.reason.txt`` that says why. A file still being copied (its size or
modification time changed during the settle interval) stays where it is until
the next pass. Nothing is ever deleted or overwritten; if the process dies
between the commit and the move, the next pass finds the file again, the store
recognises its content hash, and it is moved then.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrthemes.flows import settings  # noqa: F401  (environment before Prefect)

# isort: split
from prefect import flow, get_run_logger
from scrthemes.flows.settings import resolve_db_url

INBOX_ENV = "SCRTHEMES_INBOX"
DEFAULT_INBOX = "inbox"
PROCESSED = "processed"
FAILED = "failed"
# Names that download managers and copy tools give to files still being written.
_IN_PROGRESS_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".filepart")


@dataclass
class InboxPass:
    """What one pass over the inbox did, by file name (no review text)."""

    processed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # name -> reason
    waiting: list[str] = field(default_factory=list)  # still being copied

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for the flow's return value."""
        return asdict(self)


def candidates(inbox: Path) -> list[Path]:
    """Files directly in ``inbox`` that could be reviews, oldest name first.

    Parameters
    ----------
    inbox
        The watched folder.

    Returns
    -------
    list of Path
        Regular files, skipping hidden files, in-progress downloads and the
        ``processed/`` and ``failed/`` folders.
    """
    found = []
    for path in sorted(inbox.iterdir()):
        if path.name.startswith(".") or path.name.lower().endswith(_IN_PROGRESS_SUFFIXES):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def settled(paths: list[Path], settle_seconds: float) -> tuple[list[Path], list[Path]]:
    """Split ``paths`` into files whose size and mtime held still for ``settle_seconds``, and the rest.

    Parameters
    ----------
    paths
        Files seen in the inbox.
    settle_seconds
        How long a file must stay unchanged before it is read.

    Returns
    -------
    tuple of (list of Path, list of Path)
        Files ready to ingest, and files still changing (or gone).
    """
    before = {p: _signature(p) for p in paths}
    if paths and settle_seconds > 0:
        time.sleep(settle_seconds)
    ready, changing = [], []
    for p in paths:
        now = _signature(p)
        (ready if now is not None and now == before[p] else changing).append(p)
    return ready, changing


def move_aside(path: Path, folder: Path) -> Path:
    """Move ``path`` into ``folder`` without overwriting anything; return the new path.

    Parameters
    ----------
    path
        File to move.
    folder
        Destination folder, created if missing (on the same file system, so the
        move is a rename and cannot leave half a file behind).

    Returns
    -------
    Path
        Where the file now is: ``folder/name``, or ``folder/stem-2.suffix`` and
        so on when that name is taken.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 1
    while True:
        try:
            # os.link fails if the target exists, so no concurrent pass can clobber it.
            os.link(path, target)
            break
        except FileExistsError:
            n += 1
            target = folder / f"{path.stem}-{n}{path.suffix}"
        except OSError:
            # No hard links on this file system: fall back to a checked rename.
            if target.exists():
                n += 1
                target = folder / f"{path.stem}-{n}{path.suffix}"
                continue
            os.replace(path, target)
            return target
    path.unlink()
    return target


def write_reason(moved: Path, reason: str) -> Path:
    """Write ``<name>.reason.txt`` beside a failed file.

    Parameters
    ----------
    moved
        The file's path in ``failed/``.
    reason
        One line naming the cause.

    Returns
    -------
    Path
        The reason file.
    """
    note = moved.with_name(moved.name + ".reason.txt")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    note.write_text(f"{reason}\nfailed at {stamp}\n", encoding="utf-8")
    return note


def resolve_inbox(inbox: str | Path | None) -> Path:
    """The inbox folder: ``inbox``, else ``$SCRTHEMES_INBOX``, else ``./inbox``.

    Parameters
    ----------
    inbox
        Folder given by the caller, if any.

    Returns
    -------
    Path
        The folder, with ``~`` expanded.
    """
    return Path(inbox or os.environ.get(INBOX_ENV) or DEFAULT_INBOX).expanduser()


def _failure_reason(outcome: Any) -> str | None:
    """The error a soft failure reported, or None when the review is in the store."""
    if getattr(outcome, "status", None) != "failed":
        return None
    return str(getattr(outcome, "error", None) or "ingest failed")


def ingest_one(path: Path, db_url: str) -> str | None:
    """Ingest one file through the ``ingest_review`` flow; return why it failed, or None."""
    from scrthemes.flows.ingest import ingest_review

    try:
        result = ingest_review(path=path, db_url=db_url)
    except Exception as exc:  # noqa: BLE001  (any failure goes to failed/ with its reason)
        return " ".join(str(exc).split()) or type(exc).__name__
    return _failure_reason(result)


@flow(name="watch-inbox", log_prints=True, persist_result=False)
def watch_inbox(
    inbox: str | None = None, db_url: str | None = None, settle_seconds: float = 2.0
) -> dict[str, Any]:
    """Ingest every settled file in inbox; move it to processed/ or failed/ (with a reason file)."""
    logger = get_run_logger()
    folder = resolve_inbox(inbox)
    if not folder.is_dir():
        if inbox or os.environ.get(INBOX_ENV):
            raise FileNotFoundError(f"inbox {folder}: no such folder (create it, or fix the path)")
        folder.mkdir(parents=True)  # the default ./inbox is made on first use
        logger.info("created the inbox %s", folder.resolve())
    url = resolve_db_url(db_url)
    done = InboxPass()
    ready, changing = settled(candidates(folder), settle_seconds)
    done.waiting = [p.name for p in changing if p.exists()]
    for path in ready:
        reason = ingest_one(path, url)
        if not path.exists():  # another pass filed it meanwhile
            continue
        if reason is None:
            move_aside(path, folder / PROCESSED)
            done.processed.append(path.name)
            logger.info("%s: stored, moved to %s/", path.name, PROCESSED)
        else:
            write_reason(move_aside(path, folder / FAILED), reason)
            done.failed[path.name] = reason
            logger.warning("%s: moved to %s/ (%s)", path.name, FAILED, reason)
    return done.to_dict()


def watch_forever(
    inbox: str | Path | None = None,
    db_url: str | None = None,
    *,
    interval: float = 30.0,
    settle_seconds: float = 2.0,
    passes: int | None = None,
    report: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Run :func:`watch_inbox` every ``interval`` seconds (``passes`` times, or until interrupted).

    Parameters
    ----------
    inbox
        The watched folder (``None``: as :func:`resolve_inbox`).
    db_url
        Database URL; ``None`` resolves as everywhere else.
    interval
        Seconds between the end of one pass and the start of the next.
    settle_seconds
        As for :func:`settled`.
    passes
        Stop after this many passes (``None``: run until Ctrl-C).
    report
        Called with each pass's result (file names filed, reasons, still waiting).
    """
    done = 0
    while passes is None or done < passes:
        result = watch_inbox(
            inbox=str(inbox) if inbox else None, db_url=db_url, settle_seconds=settle_seconds
        )
        if report is not None:
            report(result)
        done += 1
        if passes is None or done < passes:
            time.sleep(interval)

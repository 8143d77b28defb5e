"""Prefect flows that ingest review PDFs into the store and tag them.

Read as recipes: hash the file, extract and store it, tag what was stored.
Flow parameters are paths, ids and the database URL, never review text.
A bad file never aborts a batch: it is reported with a one-line reason.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from scrthemes.flows.events import announce
from scrthemes.flows.rerun import RerunSummary, rerun_all
from scrthemes.flows.resources import get_store, get_tagger
from scrthemes.flows.settings import resolve_db_url
from scrthemes.flows.tasks import Stored, Tagged, extract_and_store, hash_file, tag_review

__all__ = [
    "IngestSummary",
    "RerunSummary",
    "ReviewOutcome",
    "find_pdfs",
    "ingest_folder",
    "ingest_review",
    "rerun_all",
    "set_progress_listener",
]


@dataclass(frozen=True)
class ReviewOutcome:
    """What happened to one file: stored (with its themes) or failed (with why)."""

    path: str
    status: str  # "added" | "unchanged" | "new_version" | "failed"
    review_id: int | None = None
    previous_id: int | None = None
    pages: int | None = None
    themes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class IngestSummary:
    """The outcome of a batch, one entry per file, in file order."""

    outcomes: list[ReviewOutcome]

    def with_status(self, status: str) -> list[ReviewOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def added(self) -> list[ReviewOutcome]:
        return self.with_status("added")

    @property
    def unchanged(self) -> list[ReviewOutcome]:
        return self.with_status("unchanged")

    @property
    def new_versions(self) -> list[ReviewOutcome]:
        return self.with_status("new_version")

    @property
    def failed(self) -> list[ReviewOutcome]:
        return self.with_status("failed")

    def counts(self) -> dict[str, int]:
        """Files per status."""
        return {
            status: len(self.with_status(status))
            for status in ("added", "new_version", "unchanged", "failed")
        }


# A listener the CLI sets to drive its progress bar; a plain callable is not a
# flow parameter (parameters go to the Prefect API), so it lives here instead.
_listener: Callable[[ReviewOutcome], None] | None = None
_listener_lock = threading.Lock()


def set_progress_listener(listener: Callable[[ReviewOutcome], None] | None) -> None:
    """Call ``listener`` with each file's outcome as a batch goes (None: stop)."""
    global _listener
    with _listener_lock:
        _listener = listener


def _report(outcome: ReviewOutcome) -> ReviewOutcome:
    with _listener_lock:
        if _listener is not None:
            _listener(outcome)
    return outcome


def _announce(outcome: ReviewOutcome) -> ReviewOutcome:
    """Report the outcome; emit the review-added event for newly stored content."""
    # Events are a courtesy to automations; the review is stored whatever happens here.
    with contextlib.suppress(Exception):
        announce(outcome)
    return _report(outcome)


def find_pdfs(source_dir: Path) -> list[Path]:
    """Every ``*.pdf`` under ``source_dir`` (any case, any depth), sorted."""
    return sorted(
        p for p in Path(source_dir).rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"
    )


def one_line(path: Path | str, exc: BaseException) -> str:
    """A one-line reason naming the file, for errors the corpus did not already phrase."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if str(path) in text:
        return text
    if isinstance(exc, FileNotFoundError):
        return f"{path}: file not found"
    if isinstance(exc, PermissionError):
        return f"{path}: permission denied"
    return f"{path}: {type(exc).__name__}: {text}"


def _outcome(stored: Stored, tagged: Tagged | BaseException | None) -> ReviewOutcome:
    if isinstance(tagged, BaseException):
        return ReviewOutcome(
            path=stored.path,
            status="failed",
            review_id=stored.review_id,
            pages=stored.pages,
            error=one_line(stored.path, tagged) + " (stored, not tagged: run `scrthemes rerun`)",
        )
    return ReviewOutcome(
        path=stored.path,
        status=stored.status,
        review_id=stored.review_id,
        previous_id=stored.previous_id,
        pages=stored.pages,
        themes=list(tagged.themes) if tagged else [],
        error=stored.error,
    )


def _result(future: PrefectFuture) -> object:
    """The future's result, or the exception that ended it."""
    try:
        return future.result()
    except BaseException as exc:  # noqa: BLE001  (a failed task is an outcome here)
        return exc


@flow(name="ingest-review", persist_result=False)
def ingest_review(
    path: Path,
    db_url: str | None = None,
    title: str | None = None,
    year: int | None = None,
    area: str | None = None,
    child: str | None = None,
) -> ReviewOutcome:
    """Store and tag one review PDF; metadata not given is guessed from its first page."""
    db_url = resolve_db_url(db_url)  # resolved at run time, so deployments read the worker's env
    overrides = {"title": title, "year": year, "area": area, "child": child}
    try:
        sha256 = hash_file(path)
        stored = extract_and_store(path, sha256, db_url, overrides)
    except Exception as exc:  # noqa: BLE001
        return _report(ReviewOutcome(path=str(path), status="failed", error=one_line(path, exc)))
    if stored.status == "failed":
        return _report(_outcome(stored, None))
    try:
        tagged = tag_review(db_url, stored.review_id, force=stored.status != "unchanged")
    except Exception as exc:  # noqa: BLE001
        return _report(_outcome(stored, exc))
    return _announce(_outcome(stored, tagged))


@flow(
    name="ingest-folder",
    task_runner=ThreadPoolTaskRunner(max_workers=4),
    persist_result=False,
)
def ingest_folder(source_dir: Path, db_url: str | None = None) -> IngestSummary:
    """Store and tag every PDF under ``source_dir``; skip unchanged files, report bad ones."""
    db_url = resolve_db_url(db_url)
    store = get_store(db_url)
    run_id = store.start_run(
        "ingest", pipeline_version=get_tagger().version, params={"source_dir": str(source_dir)}
    )
    try:
        summary = IngestSummary(outcomes=ingest_paths(find_pdfs(source_dir), db_url))
    except BaseException as exc:
        store.finish_run(run_id, status="failed", counts={}, error=one_line(source_dir, exc))
        raise
    store.finish_run(
        run_id,
        status="completed_with_errors" if summary.failed else "completed",
        counts=summary.counts(),
        changes={"failed": [o.error for o in summary.failed]},
    )
    return summary


def ingest_paths(paths: Iterable[Path], db_url: str) -> list[ReviewOutcome]:
    """Submit hash -> store -> tag for each path (inside a flow); outcomes in path order."""
    paths = list(paths)
    stores: dict[object, int] = {}
    hashes: list[PrefectFuture] = []
    store_futures: list[PrefectFuture] = []
    for i, path in enumerate(paths):
        sha = hash_file.submit(path)
        hashes.append(sha)
        stored = extract_and_store.submit(path, sha, db_url)
        stores[stored.task_run_id] = i
        store_futures.append(stored)
    outcomes: list[ReviewOutcome | None] = [None] * len(paths)
    tags: dict[object, tuple[int, Stored]] = {}
    tag_futures: list[PrefectFuture] = []
    for future in as_completed(store_futures):
        i = stores[future.task_run_id]
        stored = _result(future)
        if isinstance(stored, BaseException):
            upstream = _result(hashes[i])
            cause = upstream if isinstance(upstream, BaseException) else stored
            outcomes[i] = _report(
                ReviewOutcome(path=str(paths[i]), status="failed", error=one_line(paths[i], cause))
            )
        elif stored.status == "failed":
            outcomes[i] = _report(_outcome(stored, None))
        else:
            tag = tag_review.submit(db_url, stored.review_id, force=stored.status != "unchanged")
            tags[tag.task_run_id] = (i, stored)
            tag_futures.append(tag)
    for future in as_completed(tag_futures):
        i, stored = tags[future.task_run_id]
        outcomes[i] = _announce(_outcome(stored, _result(future)))
    return [o for o in outcomes if o is not None]

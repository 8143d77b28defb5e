"""The re-run flow: re-tag the latest reviews after the pipeline changed, and say what changed.

A review is re-tagged when its stored mentions were made by another pipeline
version (``Tagger.version``), or always with ``force``. The run is recorded in
the store with its "what changed" summary: per review, the themes gained and
lost; per theme, the number of latest reviews featuring it before and after.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from prefect import flow
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from scrthemes.flows.resources import get_store, get_tagger
from scrthemes.flows.settings import DEFAULT_DB_URL
from scrthemes.flows.tasks import present_themes, retag_ids, tag_review


@dataclass
class RerunSummary:
    """What a re-run did: ids and counts only, never review text."""

    run_id: int | None
    pipeline_version: str
    retagged: list[int] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    gained: dict[int, list[str]] = field(default_factory=dict)
    lost: dict[int, list[str]] = field(default_factory=dict)
    frequency_before: dict[str, int] = field(default_factory=dict)
    frequency_after: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def changes(self) -> dict[str, Any]:
        """The "what changed" record stored with the run (JSON keys are strings)."""
        return {
            "gained": {str(k): v for k, v in self.gained.items()},
            "lost": {str(k): v for k, v in self.lost.items()},
            "frequency_before": self.frequency_before,
            "frequency_after": self.frequency_after,
        }

    def change_lines(self) -> list[str]:
        """Human-readable lines: theme counts that moved, then per-review gains and losses."""
        lines = []
        for theme in sorted(set(self.frequency_before) | set(self.frequency_after)):
            before = self.frequency_before.get(theme, 0)
            after = self.frequency_after.get(theme, 0)
            if before != after:
                lines.append(f"{theme}: {before} -> {after} reviews")
        for review_id in sorted(set(self.gained) | set(self.lost)):
            parts = [f"+{t}" for t in self.gained.get(review_id, [])]
            parts += [f"-{t}" for t in self.lost.get(review_id, [])]
            lines.append(f"review {review_id}: {' '.join(parts)}")
        return lines or ["no theme changed"]


def theme_counts(db_url: str) -> dict[str, int]:
    """Latest reviews featuring each theme, from the store's frequencies."""
    return {row["theme"]: int(row["reviews_featuring"]) for row in get_store(db_url).frequencies()}


def latest_ids(db_url: str) -> list[int]:
    """Ids of every latest review version."""
    return [r.id for r in get_store(db_url).list_reviews(latest_only=True)]


@flow(
    name="rerun-all",
    task_runner=ThreadPoolTaskRunner(max_workers=4),
    persist_result=False,
)
def rerun_all(db_url: str = DEFAULT_DB_URL, force: bool = False) -> RerunSummary:
    """Re-tag the latest reviews whose pipeline version differs (all with force); record the run."""
    store = get_store(db_url)
    version = get_tagger().version
    ids = latest_ids(db_url) if force else sorted(retag_ids(db_url))
    run_id = store.start_run(kind="rerun", pipeline_version=version, params={"force": force})
    summary = RerunSummary(run_id=run_id, pipeline_version=version)
    try:
        summary.frequency_before = theme_counts(db_url)
        before = {i: set(present_themes(db_url, i)) for i in ids}
        pending = [tag_review.submit(db_url, i) for i in ids]
        id_of = {f.task_run_id: i for f, i in zip(pending, ids, strict=True)}
        for future in as_completed(pending):
            review_id = id_of[future.task_run_id]
            try:
                tagged = future.result()
            except Exception as exc:  # noqa: BLE001  (one review never stops the run)
                summary.failed.append(f"review {review_id}: {type(exc).__name__}: {exc}")
                continue
            summary.retagged.append(review_id)
            after = set(tagged.themes)  # what the task just stored as present
            if gained := sorted(after - before[review_id]):
                summary.gained[review_id] = gained
            if lost := sorted(before[review_id] - after):
                summary.lost[review_id] = lost
        summary.retagged.sort()
        summary.frequency_after = theme_counts(db_url)
    except Exception as exc:
        store.finish_run(run_id, status="failed", error=str(exc))
        raise
    store.finish_run(
        run_id,
        status="failed" if summary.failed else "completed",
        counts={"retagged": len(summary.retagged), "failed": len(summary.failed)},
        changes=summary.changes(),
    )
    return summary

"""Flows that Prefect starts by itself: after each new review, and on a schedule.

``rerun-after-review`` is started by the deployment trigger in ``prefect.yaml``
when the ingest flow emits ``scrthemes.review.added``; ``scheduled-rerun`` runs
on the deployment's cron schedule. Both hand the work to the ingest flows'
``rerun_all``, which re-tags only reviews whose inputs changed, recomputes the
aggregates and records a run with its "what changed" summary. The report is
rewritten only when a report folder is configured.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scrthemes.flows import settings  # noqa: F401  (environment before Prefect)

# isort: split
from prefect import flow, get_run_logger
from scrthemes.flows.settings import resolve_db_url

REPORT_DIR_ENV = "SCRTHEMES_REPORT_DIR"


def _rerun_all(db_url: str, force: bool, workers: int | None, dask_address: str | None) -> Any:
    # Imported at call time: the ingest flows pull in spaCy and the models,
    # which a worker only needs once a run actually starts.
    from scrthemes.flows.ingest import rerun_all
    from scrthemes.flows.runners import with_runner

    return with_runner(rerun_all, workers, dask_address)(db_url=db_url, force=force)


def _refresh_report(db_url: str, report_dir: str | None) -> str | None:
    target = report_dir or os.environ.get(REPORT_DIR_ENV)
    if not target:
        return None
    from scrthemes.analysis.report import write_report
    from scrthemes.flows.resources import get_store

    return str(write_report(get_store(db_url), Path(target)))


@flow(name="rerun-after-review", log_prints=True, persist_result=False)
def rerun_after_review(
    review_id: int,
    db_url: str | None = None,
    report_dir: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Re-tag what needs it and refresh comparisons (and the report) after review_id was added."""
    logger = get_run_logger()
    url = resolve_db_url(db_url)
    logger.info("review %s was added; re-running what changed", review_id)
    summary = _rerun_all(url, False, workers, dask_address)
    report = _refresh_report(url, report_dir)
    return {"review_id": review_id, "rerun": _small(summary), "report": report}


@flow(name="scheduled-rerun", log_prints=True, persist_result=False)
def scheduled_rerun(
    db_url: str | None = None,
    force: bool = False,
    report_dir: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Re-run everything whose inputs changed (all reviews with force=True), then refresh the report."""
    url = resolve_db_url(db_url)
    summary = _rerun_all(url, force, workers, dask_address)
    report = _refresh_report(url, report_dir)
    return {"rerun": _small(summary), "report": report}


def _small(summary: Any) -> Any:
    """Keep the flow's return value to ids and counts (it is shown in the UI)."""
    if hasattr(summary, "to_dict"):
        return summary.to_dict()
    if hasattr(summary, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(summary)
    return summary

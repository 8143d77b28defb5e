"""Run bookkeeping: one ``runs`` row per pipeline run (ingest, tag, rerun), read back as dicts.

``Store.start_run`` and friends call these inside the store's own transactions.
Parameters, counts and changes are stored as JSON; values JSON cannot hold
(paths, dates) are stored as their text so that recording a run never fails it.
"""

from __future__ import annotations

import json
from typing import Any

from scrthemes.corpus.db import RunRow, utcnow
from scrthemes.corpus.engine import StoreError
from scrthemes.corpus.lookups import as_utc
from sqlalchemy import select
from sqlalchemy.orm import Session


def start_run(s: Session, kind: str, *, pipeline_version: str, params: dict) -> int:
    """Add a ``running`` run and return its id.

    Parameters
    ----------
    s
        An open session in a write transaction.
    kind
        What ran: ``"ingest"``, ``"tag"``, ``"rerun"``.
    pipeline_version
        The tagger's version for this run.
    params
        What the run was asked to do, stored as JSON.
    """
    run = RunRow(kind=kind, pipeline_version=pipeline_version, params=jsonable(params),
                 status="running")
    s.add(run)
    s.flush()
    return run.id


def finish_run(
    s: Session, run_id: int, *, status: str, counts: dict | None = None,
    changes: dict | None = None, error: str | None = None,
) -> None:
    """Record how run ``run_id`` ended (its status, counts, changes and error).

    Raises
    ------
    StoreError
        No run has that id.
    """
    run = _get(s, run_id)
    run.status, run.finished_at, run.error = status, utcnow(), error
    run.counts = jsonable(counts or {})
    run.changes = jsonable(changes) if changes is not None else None


def list_runs(s: Session) -> list[dict]:
    """All runs, newest first, as :func:`run_dict` gives them."""
    return [run_dict(r) for r in s.scalars(select(RunRow).order_by(RunRow.id.desc()))]


def get_run(s: Session, run_id: int) -> dict:
    """Run ``run_id`` as :func:`run_dict` gives it.

    Raises
    ------
    StoreError
        No run has that id.
    """
    return run_dict(_get(s, run_id))


def run_dict(run: RunRow) -> dict:
    """One run as a dict whose keys are the ``runs`` table's columns (times in UTC)."""
    return {
        "id": run.id, "kind": run.kind, "started_at": as_utc(run.started_at),
        "finished_at": as_utc(run.finished_at), "status": run.status,
        "pipeline_version": run.pipeline_version, "params": run.params, "counts": run.counts,
        "changes": run.changes, "error": run.error,
    }


def jsonable(value: Any) -> Any:
    """``value`` as JSON can hold it: paths, dates and the like become strings."""
    return json.loads(json.dumps(value, default=str))


def _get(s: Session, run_id: int) -> RunRow:
    run = s.get(RunRow, run_id)
    if run is None:
        raise StoreError(f"no run with id {run_id}")
    return run

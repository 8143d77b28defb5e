"""Choose where a flow's tasks run: Prefect's own thread pool, or a Dask cluster.

Flows stay unchanged: callers swap the runner with
``flow.with_options(task_runner=make_task_runner(workers, address))`` (or
:func:`with_runner`), the way the CLI's ``--workers`` and ``--dask-address``
options do.
"""

from __future__ import annotations

from typing import Any, TypeVar

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

F = TypeVar("F")


class RunnerOptionError(ValueError):
    """``--workers`` and ``--dask-address`` were combined, or a value is out of range."""


def make_task_runner(workers: int | None = None, address: str | None = None) -> TaskRunner:
    """Return the task runner for ``workers`` local Dask processes or the cluster at ``address``.

    Parameters
    ----------
    workers
        Start a local Dask cluster with this many worker processes, one thread
        each (PDF extraction and spaCy hold the GIL, so processes, not threads,
        give the speed-up).
    address
        Scheduler address of an existing Dask cluster, e.g. ``tcp://10.0.0.5:8786``.

    Returns
    -------
    TaskRunner
        A ``prefect_dask.DaskTaskRunner``, or Prefect's default
        ``ThreadPoolTaskRunner`` when both arguments are ``None``.

    Raises
    ------
    RunnerOptionError
        If both arguments are given, ``workers`` is below 1, or ``address`` is not
        a ``tcp://``, ``tls://``, ``ucx://`` or ``inproc://`` address.
    """
    if workers is not None and address:
        raise RunnerOptionError(
            f"--workers {workers} and --dask-address {address}: give one or the other, "
            "not both (an existing cluster already has its workers)"
        )
    if workers is None and not address:
        return ThreadPoolTaskRunner()
    # Imported here so that a plain run never pays for importing distributed.
    from prefect_dask import DaskTaskRunner

    if address:
        if "://" not in address or address.split("://", 1)[0] not in _SCHEMES:
            raise RunnerOptionError(
                f"--dask-address {address!r}: not a Dask scheduler address; "
                "expected e.g. tcp://127.0.0.1:8786"
            )
        return DaskTaskRunner(address=address)
    assert workers is not None
    if workers < 1:
        raise RunnerOptionError(f"--workers {workers}: must be 1 or more")
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs=local_cluster_kwargs(workers),
    )


_SCHEMES = {"tcp", "tls", "ucx", "inproc", "ws", "wss"}


def local_cluster_kwargs(workers: int) -> dict[str, Any]:
    """Keyword arguments for a private ``distributed.LocalCluster`` of ``workers`` processes.

    Parameters
    ----------
    workers
        Number of worker processes.

    Returns
    -------
    dict
        ``n_workers``, one thread per worker, processes, and the scheduler
        (with its dashboard, port 8787 when free) listening on localhost only.
    """
    return {"n_workers": workers, "threads_per_worker": 1, "processes": True, "host": "127.0.0.1"}


def with_runner(flow: F, workers: int | None = None, address: str | None = None) -> F:
    """Return ``flow`` itself, or a copy that runs its tasks on Dask.

    Parameters
    ----------
    flow
        A Prefect flow.
    workers, address
        As for :func:`make_task_runner`; when both are ``None`` the flow is
        returned unchanged so its own task runner still applies.

    Returns
    -------
    Flow
        The flow to call.
    """
    if workers is None and not address:
        return flow
    return flow.with_options(task_runner=make_task_runner(workers, address))  # type: ignore[attr-defined]

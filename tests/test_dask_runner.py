"""The Dask task runner: choosing it, and a real LocalCluster storing what the default runner stores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner
from scrthemes.flows.runners import (
    RunnerOptionError,
    local_cluster_kwargs,
    make_task_runner,
    with_runner,
)
from sqlalchemy import create_engine, text


def test_no_options_keeps_prefects_default_runner():
    assert isinstance(make_task_runner(None, None), ThreadPoolTaskRunner)

    @flow
    def plain() -> int:
        return 1

    assert with_runner(plain, None, None) is plain


def test_workers_give_a_local_process_cluster():
    from prefect_dask import DaskTaskRunner

    runner = make_task_runner(workers=3)
    assert isinstance(runner, DaskTaskRunner)
    assert runner.cluster_kwargs == local_cluster_kwargs(3)
    assert runner.cluster_kwargs["processes"] is True
    assert runner.cluster_kwargs["threads_per_worker"] == 1


def test_address_uses_the_existing_cluster():
    runner = make_task_runner(address="tcp://127.0.0.1:8786")
    assert runner.address == "tcp://127.0.0.1:8786"


@pytest.mark.parametrize(
    ("workers", "address", "message"),
    [
        (2, "tcp://127.0.0.1:8786", "not both"),
        (0, None, "--workers 0"),
        (None, "127.0.0.1:8786", "not a Dask scheduler address"),
    ],
)
def test_bad_runner_options_say_which_value(workers, address, message):
    with pytest.raises(RunnerOptionError, match=message):
        make_task_runner(workers, address)


@task
def _where(_: int) -> str:
    from distributed import get_worker

    return get_worker().address


@flow
def _spread(n: int) -> list[str]:
    return [f.result() for f in _where.map(range(n))]


def test_existing_cluster_runs_the_tasks_on_its_workers(prefect_harness):
    """--dask-address: the tasks run on the workers of the cluster at that tcp:// address."""
    from distributed import LocalCluster

    # Threads, not processes, keep this test quick; the ingest test below uses processes.
    with LocalCluster(n_workers=2, processes=False, protocol="tcp://", host="127.0.0.1") as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        workers = {w.address for w in cluster.workers.values()}
        where = with_runner(_spread, address=cluster.scheduler_address)(6)
    assert len(where) == 6
    assert set(where) <= workers


def _stored(db_url: str) -> dict[str, object]:
    """Everything ingest decides, keyed by content hash (ids may differ between runs)."""
    engine = create_engine(db_url)
    with engine.connect() as con:
        reviews = con.execute(
            text("SELECT sha256, title, area, year, page_count, pipeline_version FROM reviews")
        ).all()
        mentions = con.execute(
            text(
                "SELECT r.sha256, m.theme, m.start_char, m.end_char, m.negated, m.method "
                "FROM mentions m JOIN reviews r ON r.id = m.review_id"
            )
        ).all()
        passages = con.execute(
            text(
                "SELECT r.sha256, count(*) FROM passages p JOIN reviews r ON r.id = p.review_id "
                "GROUP BY r.sha256"
            )
        ).all()
    engine.dispose()
    return {
        "reviews": sorted(tuple(r) for r in reviews),
        "mentions": sorted(tuple(m) for m in mentions),
        "passages": sorted(tuple(p) for p in passages),
    }


@pytest.fixture(scope="module")
def two_samples(tmp_path_factory) -> Path:
    from scrthemes.corpus.samples import generate_samples

    everything = tmp_path_factory.mktemp("samples-all")
    infos = generate_samples(everything)
    folder = tmp_path_factory.mktemp("samples-2")
    for info in sorted(infos, key=lambda i: i.pages)[:2]:
        shutil.copy(everything / info.file, folder / info.file)
    return folder


@pytest.mark.slow  # starts two worker processes, each loading the tagger
def test_local_cluster_stores_what_the_default_runner_stores(
    prefect_harness, two_samples, tmp_path
):
    from scrthemes.flows.ingest import ingest_folder

    plain_url = f"sqlite:///{tmp_path / 'plain.db'}"
    dask_url = f"sqlite:///{tmp_path / 'dask.db'}"

    plain = ingest_folder(two_samples, plain_url)
    on_dask = with_runner(ingest_folder, workers=2)(two_samples, dask_url)

    assert [o.status for o in plain.outcomes] == ["added"] * 2
    assert [(o.path, o.status, o.themes) for o in on_dask.outcomes] == [
        (o.path, o.status, o.themes) for o in plain.outcomes
    ]
    expected = _stored(plain_url)
    assert len(expected["reviews"]) == 2
    assert expected["mentions"], "the samples carry themes, so mentions must be stored"
    assert _stored(dask_url) == expected

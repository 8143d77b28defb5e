"""Integration: a real Prefect server, `prefect deploy --all`, a process worker, and the event trigger.

Adding one fictional review through the ``add-review`` deployment must emit
``scrthemes.review.added`` and make Prefect start ``rerun-after-review`` for
that review, which must reach Completed. Every wait is bounded; the server and
the worker are always stopped (their whole process groups) at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))
POOL = "scrthemes-local"
SERVER_START_S = 120
RUN_S = 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process we started, and its children, by its process group id."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def _api(url: str, path: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        url + path, data=data, method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read() or b"null")


def _tail(path: Path, n: int = 3000) -> str:
    return path.read_text(errors="replace")[-n:] if path.exists() else "(no log)"


@pytest.fixture
def prefect_server(tmp_path) -> Iterator[tuple[str, dict[str, str]]]:
    """`prefect server start` on a free localhost port with a private PREFECT_HOME."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "INFO",
        # The worker polls every 2 s instead of 10 s, to stay within the time limits.
        "PREFECT_WORKER_QUERY_SECONDS": "2",
    }
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                _api(api, "/health")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Prefect server did not start:\n{_tail(log)}")
                time.sleep(1)
        yield api, env
    finally:
        _stop(server)


def _run(cmd: list[str], env: dict[str, str], timeout: int) -> str:
    done = subprocess.run(
        cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{' '.join(cmd[1:])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _deployment_id(api: str, flow_name: str, name: str) -> str:
    return _api(api, f"/deployments/name/{flow_name}/{name}")["id"]


def _flow_runs(api: str, deployment_id: str) -> list[dict]:
    return _api(api, "/flow_runs/filter", {
        "deployments": {"id": {"any_": [deployment_id]}},
        "limit": 50, "offset": 0, "sort": "EXPECTED_START_TIME_DESC",
    })


def _wait_for_final(api: str, deployment_id: str, worker_log: Path, what: str) -> dict:
    deadline = time.monotonic() + RUN_S
    while time.monotonic() < deadline:
        runs = _flow_runs(api, deployment_id)
        final = [r for r in runs if r["state_type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}]
        if final:
            return final[0]
        time.sleep(2)
    pytest.fail(f"no {what} flow run finished within {RUN_S}s:\n{_tail(worker_log)}")


def test_added_review_triggers_a_completed_rerun(prefect_server, tmp_path):
    from scrthemes.corpus.samples import generate_samples

    api, env = prefect_server
    samples = tmp_path / "samples"
    info = min(generate_samples(samples), key=lambda i: i.pages)
    pdf = samples / info.file
    db = tmp_path / "scrthemes.db"
    env = {
        **env,
        "PWD": str(REPO),  # the pull step's working directory, as a shell would set it
        "SCRTHEMES_DB_URL": f"sqlite:///{db}",
        "SCRTHEMES_INBOX": str(tmp_path / "inbox"),
    }
    (tmp_path / "inbox").mkdir()

    _run([PREFECT, "work-pool", "create", POOL, "--type", "process"], env, 60)
    out = _run([PREFECT, "--no-prompt", "deploy", "--all"], env, 180)
    for name in ("add-review", "rerun-after-review", "scheduled-rerun", "watch-inbox"):
        assert name in out
    add_id = _deployment_id(api, "ingest-review", "add-review")
    rerun_id = _deployment_id(api, "rerun-after-review", "rerun-after-review")
    automations = _api(api, "/automations/filter", {"limit": 50, "offset": 0})
    assert any(
        "scrthemes.review.added" in a["trigger"]["expect"] and a["actions"][0]["deployment_id"] == rerun_id
        for a in automations
    ), automations

    worker_log = tmp_path / "worker.log"
    with worker_log.open("wb") as out_file:
        worker = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", POOL, "--limit", "3"],
            cwd=tmp_path, env=env, stdout=out_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _run([PREFECT, "deployment", "run", "ingest-review/add-review",
              "--param", f"path={pdf}", "--param", f"db_url=sqlite:///{db}"], env, 60)
        added = _wait_for_final(api, add_id, worker_log, "add-review")
        assert added["state_type"] == "COMPLETED", _tail(worker_log)

        engine = create_engine(f"sqlite:///{db}")
        with engine.connect() as con:
            (review_id,) = con.execute(text("SELECT id FROM reviews")).one()
        engine.dispose()

        rerun = _wait_for_final(api, rerun_id, worker_log, "rerun-after-review")
        assert rerun["state_type"] == "COMPLETED", _tail(worker_log)
        assert int(rerun["parameters"]["review_id"]) == review_id
    finally:
        _stop(worker)

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as con:
        kinds = [k for (k,) in con.execute(text("SELECT kind FROM runs"))]
    engine.dispose()
    assert "rerun" in kinds, kinds

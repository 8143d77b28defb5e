"""Shared test setup: offline Prefect, the shared data folder, real servers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports Prefect: no telemetry, no persisted results, a private home.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_RESULTS_PERSIST_BY_DEFAULT"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="scrthemes-prefect-home-")

pytest_plugins = ["tests.pg_server"]

REPO = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_dir() -> Path:
    return Path(os.environ.get("SCRTHEMES_SHARED", REPO.parent / "shared"))


def require(condition: bool, why: str) -> None:
    """Skip locally when a prerequisite is missing; fail in CI, where it must be there."""
    if not condition:
        if IN_CI:
            pytest.fail(f"prerequisite missing in CI: {why}")
        pytest.skip(why)


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    path = shared_dir() / "gold"
    require((path / "docs").is_dir(), f"gold data not found at {path}")
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """One real, local Prefect API for the whole session (no server to start by hand)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield

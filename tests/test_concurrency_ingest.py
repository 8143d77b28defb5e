"""Two `scrthemes ingest` processes on overlapping folders, same database, at the same time.

Run against a SQLite file (WAL, busy timeout) and a real PostgreSQL server
(the ``db_url`` fixture). Whatever the interleaving, the store must end up
exactly as one process ingesting the union would leave it: nothing lost,
nothing duplicated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

SCRTHEMES = str(Path(sys.executable).with_name("scrthemes"))
TIMEOUT_S = 240
pytestmark = pytest.mark.slow  # two CLI processes, each loading the tagger


def _stored(db_url: str) -> dict[str, list[tuple]]:
    """What ingest decided, keyed by content hash (ids depend on who won each race)."""
    engine = create_engine(db_url)
    with engine.connect() as con:
        rows = {
            "reviews": con.execute(text(
                "SELECT sha256, file_name, page_count, version, is_latest, pipeline_version "
                "FROM reviews")).all(),
            "pages": con.execute(text(
                "SELECT r.sha256, p.number, p.start_char, p.end_char "
                "FROM pages p JOIN reviews r ON r.id = p.review_id")).all(),
            "passages": con.execute(text(
                "SELECT r.sha256, p.idx, p.start_char, p.end_char "
                "FROM passages p JOIN reviews r ON r.id = p.review_id")).all(),
            "mentions": con.execute(text(
                "SELECT r.sha256, m.theme, m.start_char, m.end_char, m.negated, m.method "
                "FROM mentions m JOIN reviews r ON r.id = m.review_id")).all(),
        }
    engine.dispose()
    # SQLite hands booleans back as 0/1 from raw SQL, PostgreSQL as False/True.
    return {
        k: sorted(tuple(int(x) if isinstance(x, bool) else x for x in r) for r in v)
        for k, v in rows.items()
    }


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Folders A (samples 1-2) and B (samples 2-3) overlap on one review; C holds all three."""
    from scrthemes.corpus.samples import generate_samples

    src = tmp_path_factory.mktemp("samples")
    names = [i.file for i in sorted(generate_samples(src), key=lambda i: i.pages)[:3]]
    a, b, c = (tmp_path_factory.mktemp(n) for n in ("a", "b", "c"))
    for name in names[:2]:
        shutil.copy(src / name, a / name)
    for name in names[1:]:
        shutil.copy(src / name, b / name)
    for name in names:
        shutil.copy(src / name, c / name)
    return a, b, c


@pytest.fixture(scope="module")
def expected(prefect_harness, folders, tmp_path_factory) -> dict[str, list[tuple]]:
    """The store after one process ingested all three reviews."""
    from scrthemes.flows.ingest import ingest_folder

    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'one.db'}"
    summary = ingest_folder(folders[2], url)
    assert [o.status for o in summary.outcomes] == ["added"] * 3, summary
    return _stored(url)


def test_two_ingest_processes_lose_and_duplicate_nothing(prefect_harness, folders, expected, db_url):
    from prefect.settings import PREFECT_API_URL

    a, b, _ = folders
    # Both processes report to the session's Prefect API instead of each
    # starting an ephemeral server of its own.
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    procs = [
        subprocess.Popen(
            [SCRTHEMES, "--db", db_url, "ingest", str(folder)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for folder in (a, b)
    ]
    outputs = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=TIMEOUT_S)
            outputs.append(out)
            assert proc.returncode == 0, f"{out}\n{err[-3000:]}"
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)

    got = _stored(db_url)
    assert len(got["reviews"]) == 3
    assert len({r[0] for r in got["reviews"]}) == 3
    assert got == expected
    # The shared review was added by exactly one process; the other saw it unchanged.
    added = sum(int(line.split("added: ")[1].split(",")[0]) for line in outputs if "added: " in line)
    unchanged = sum(
        int(line.split("unchanged: ")[1].split(",")[0]) for line in outputs if "unchanged: " in line
    )
    assert (added, unchanged) == (3, 1), outputs

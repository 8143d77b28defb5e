"""Re-run semantics: only reviews tagged by another pipeline version are re-tagged, and the
recorded run says what changed.

The reviews here are two short FICTIONAL texts written for this test (no real
child, family or agency), stored directly through the store so that the test
controls their tagging state; the re-runs go through the real Prefect flow.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scrthemes.corpus.reader import read_text_file
from scrthemes.corpus.records import ReviewMeta
from scrthemes.flows.ingest import rerun_all
from scrthemes.flows.resources import get_store, get_tagger

FICTIONAL = {
    "fictional-a.txt": (
        "Fictional review A, written for scrthemes tests.\n\n"
        "Ms Rowan had a long history of depression and was admitted to a psychiatric ward "
        "after the birth. The family were evicted and placed in bed and breakfast "
        "accommodation.\n"
    ),
    "fictional-b.txt": (
        "Fictional review B, written for scrthemes tests.\n\n"
        "Mr Teal was using heroin daily and drank heavily. There was no evidence of "
        "domestic abuse.\n"
    ),
}


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("rerun")
    db_path = root / "rerun.db"
    db_url = f"sqlite:///{db_path}"
    store = get_store(db_url)
    for name, text in FICTIONAL.items():
        path = root / name
        path.write_text(text, encoding="utf-8")
        store.add_review(
            sha256=name, source_path=str(path), meta=ReviewMeta(title=name, area="Testshire"),
            doc=read_text_file(path),
        )
    return db_url, db_path


def present(db_path: Path) -> dict[int, set[str]]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT DISTINCT review_id, theme FROM mentions WHERE NOT negated")
        out: dict[int, set[str]] = {}
        for review_id, theme in rows:
            out.setdefault(review_id, set()).add(theme)
        return out


def test_rerun_tags_untagged_reviews_then_nothing(store_db: tuple[str, Path]) -> None:
    db_url, db_path = store_db
    first = rerun_all(db_url)
    assert first.retagged == [1, 2] and first.failed == []
    themes = present(db_path)
    assert {"parental_mental_health", "housing"} <= themes[1]
    assert "substance_misuse" in themes[2] and "domestic_abuse" not in themes[2]
    assert first.gained == {i: sorted(t) for i, t in themes.items()}
    assert first.lost == {}
    assert set(first.frequency_before.values()) == {0}
    assert first.frequency_after["housing"] == 1

    again = rerun_all(db_url)
    assert again.retagged == [] and again.gained == {} and again.lost == {}
    assert again.frequency_before == again.frequency_after == first.frequency_after


def test_rerun_after_a_pipeline_change_reports_what_changed(store_db: tuple[str, Path]) -> None:
    db_url, db_path = store_db
    # As if an older pipeline had tagged review 1 and missed its housing passage.
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE reviews SET pipeline_version = 'old' WHERE id = 1")
        conn.execute("DELETE FROM mentions WHERE review_id = 1 AND theme = 'housing'")
    summary = rerun_all(db_url)
    assert summary.retagged == [1]
    assert summary.gained == {1: ["housing"]} and summary.lost == {}
    assert summary.frequency_before["housing"] == 0
    assert summary.frequency_after["housing"] == 1
    assert "housing: 0 -> 1 reviews" in summary.change_lines()
    run = get_store(db_url).get_run(summary.run_id)
    assert run["kind"] == "rerun" and run["status"] == "completed"
    assert run["pipeline_version"] == get_tagger().version
    assert run["changes"]["gained"] == {"1": ["housing"]}
    assert run["counts"] == {"retagged": 1, "failed": 0}


def test_forced_rerun_retags_everything_and_changes_nothing(store_db: tuple[str, Path]) -> None:
    db_url, db_path = store_db
    before = present(db_path)
    summary = rerun_all(db_url, force=True)
    assert summary.retagged == [1, 2]
    assert summary.gained == {} and summary.lost == {}
    assert present(db_path) == before
    assert get_store(db_url).get_run(summary.run_id)["params"] == {"force": True}

"""Two real OS processes writing the same database at once lose and duplicate nothing."""

from __future__ import annotations

import multiprocessing as mp

import pytest
from scrthemes.corpus.store import Store

from tests.test_store_support import ingest_worker

FIRST = [f"R{i:02d}" for i in range(0, 24)]
SECOND = [f"R{i:02d}" for i in range(12, 36)]  # R12..R23 are ingested by both


@pytest.mark.slow
def test_two_processes_ingest_overlapping_sets(db_url):
    """Both start on a new database (racing on the migration too), then add and tag reviews."""
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=ingest_worker, args=(db_url, tags, barrier, out))
               for tags in (FIRST, SECOND)]
    for w in workers:
        w.start()
    results = [out.get(timeout=240) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    first, second = (results if set(results[0]) == set(FIRST) else results[::-1])

    store = Store(db_url)
    expected = set(FIRST) | set(SECOND)
    count = lambda sql: store.query(sql)[1][0][0]  # noqa: E731
    assert count("SELECT COUNT(*) FROM reviews") == len(expected) == 36
    assert count("SELECT COUNT(DISTINCT sha256) FROM reviews") == 36
    assert count("SELECT COUNT(*) FROM review_texts") == 36
    assert count("SELECT COUNT(*) FROM passages") == 36 * 5
    assert count("SELECT COUNT(*) FROM pages") == 36 * 3
    assert count("SELECT COUNT(*) FROM mentions") == 36  # one each, replaced not appended
    assert count("SELECT COUNT(*) FROM themes") == 9
    assert count("SELECT COUNT(*) FROM alembic_version") >= 1
    assert count("SELECT COUNT(*) FROM reviews WHERE is_latest = TRUE") == 36

    for tag in set(FIRST) & set(SECOND):
        statuses = sorted([first[tag][0], second[tag][0]])
        assert statuses == ["added", "unchanged"], tag
        assert first[tag][1] == second[tag][1], tag
    for tag, (status, _) in {**first, **second}.items():
        if tag not in set(FIRST) & set(SECOND):
            assert status == "added", tag

    freq = {r["theme"]: r for r in store.frequencies()}
    assert (freq["domestic_abuse"]["reviews_featuring"], freq["domestic_abuse"]["total_reviews"]) \
        == (36, 36)
    store.close()


def test_one_store_shared_by_threads(db_url):
    """Flows share one Store between task threads: concurrent adds, tags and queries agree."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.test_store_support import THEMES, add, fictional_paragraphs, mention

    store = Store(db_url)  # not migrated yet: the threads race on first use

    def work(tag: str) -> str:
        store.sync_themes(THEMES)
        paragraphs = fictional_paragraphs(tag) + [f"In case {tag} there was domestic abuse."]
        result, doc = add(store, f"{tag}.pdf", paragraphs)
        store.set_mentions(result.review_id, [mention(doc, "domestic_abuse", "domestic abuse")],
                           pipeline_version="p1")
        store.query("SELECT COUNT(*) FROM theme_frequencies")
        return result.status

    tags = [f"T{i % 12:02d}" for i in range(24)]  # each review twice
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(work, tags))
    assert sorted(statuses) == ["added"] * 12 + ["unchanged"] * 12
    assert store.query("SELECT COUNT(*) FROM reviews")[1] == [(12,)]
    assert store.query("SELECT COUNT(*) FROM mentions")[1] == [(12,)]
    store.close()

"""Adding, versioning, tagging and reading reviews (fictional texts; SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from scrthemes.corpus.document import Passage
from scrthemes.corpus.records import ReviewMeta
from scrthemes.corpus.store import ReviewNotFound, Store, StoreError

from tests.test_store_support import THEMES, add, fictional_paragraphs, make_doc, mention, sha

COUNTED = ("reviews", "review_texts", "pages", "passages", "mentions")


def counts(store: Store) -> dict[str, int]:
    return {t: store.query(f"SELECT COUNT(*) FROM {t}")[1][0][0] for t in COUNTED}


@pytest.fixture
def store(db_url):
    store = Store(db_url)
    store.sync_themes(THEMES)
    yield store
    store.close()


def test_add_stores_text_pages_and_passages(store):
    result, doc = add(store, "a.pdf", fictional_paragraphs("A", 5), title="Child A", area="X",
                      year=2019, child="Child A")
    assert result.status == "added" and result.previous_id is None
    assert store.review_text(result.review_id) == doc.text
    assert counts(store) == {"reviews": 1, "review_texts": 1, "pages": 3, "passages": 5,
                             "mentions": 0}
    info = store.get_review(result.review_id)
    assert (info.title, info.area, info.year, info.child) == ("Child A", "X", 2019, "Child A")
    assert (info.file_name, info.version, info.is_latest, info.page_count) == ("a.pdf", 1, True, 3)
    assert info.sha256 == sha(doc) and info.ingested_at.tzinfo is not None
    _, rows = store.query("SELECT idx, text FROM passages ORDER BY idx")
    assert [r[1] for r in rows] == [p.text for p in doc.passages]


def test_same_content_again_is_unchanged_and_writes_nothing(store):
    first, doc = add(store, "a.pdf", fictional_paragraphs("A"))
    before = counts(store)
    again, _ = add(store, "renamed-copy.pdf", fictional_paragraphs("A"))
    assert (again.status, again.review_id) == ("unchanged", first.review_id)
    assert counts(store) == before


def test_changed_file_becomes_a_new_version(store):
    old, _ = add(store, "a.pdf", fictional_paragraphs("A"), area="X")
    new, _ = add(store, "a.pdf", fictional_paragraphs("A2"), area="X")
    assert (new.status, new.previous_id) == ("new_version", old.review_id)
    assert store.get_review(old.review_id).is_latest is False
    latest = store.get_review(new.review_id)
    assert (latest.version, latest.previous_id, latest.is_latest) == (2, old.review_id, True)
    assert [r.id for r in store.list_reviews()] == [new.review_id]
    assert [r.id for r in store.list_reviews(latest_only=False)] == [old.review_id, new.review_id]
    third, _ = add(store, "a.pdf", fictional_paragraphs("A3"), area="X")
    assert store.get_review(third.review_id).version == 3


def test_same_title_and_area_under_another_name_is_a_new_version(store):
    old, _ = add(store, "a.pdf", fictional_paragraphs("A"), title="Child A", area="X")
    new, _ = add(store, "a-final.pdf", fictional_paragraphs("A2"), title="Child A", area="X")
    other, _ = add(store, "b.pdf", fictional_paragraphs("B"), title="Child A", area="Y")
    assert (new.status, new.previous_id) == ("new_version", old.review_id)
    assert other.status == "added"


def test_same_file_name_in_another_area_is_another_review(store):
    add(store, "report.pdf", fictional_paragraphs("A"), area="X")
    other, _ = add(store, "report.pdf", fictional_paragraphs("B"), area="Y")
    assert other.status == "added"
    assert len(store.list_reviews()) == 2


def test_failure_mid_add_leaves_nothing_behind(store):
    """A passage that breaks a constraint after the review row was written rolls all back."""
    kept, _ = add(store, "a.pdf", fictional_paragraphs("A"), area="X")
    before = counts(store)
    doc = make_doc(fictional_paragraphs("A2"))
    broken = replace(doc, passages=[*doc.passages, Passage(index=0, page=1, start=0, end=5,
                                                           text=doc.text[:5])])
    with pytest.raises(Exception, match="(?i)unique"):
        store.add_review(sha256=sha(broken), source_path="/fictional/a.pdf",
                         meta=ReviewMeta(area="X"), doc=broken)
    assert counts(store) == before
    assert store.get_review(kept.review_id).is_latest is True  # old version not superseded
    assert store.list_reviews()[0].id == kept.review_id
    retry = store.add_review(sha256=sha(doc), source_path="/fictional/a.pdf",
                             meta=ReviewMeta(area="X"), doc=doc)
    assert retry.status == "new_version"


def test_set_mentions_links_passage_and_page_and_replaces(store):
    paragraphs = fictional_paragraphs("A", 3) + ["Mother fled to a refuge after domestic abuse."]
    result, doc = add(store, "a.pdf", paragraphs)
    first = [mention(doc, "domestic_abuse", "domestic abuse"),
             mention(doc, "housing", "moved house", negated=True)]
    store.set_mentions(result.review_id, first, pipeline_version="v1")
    _, rows = store.query(
        "SELECT m.theme, m.page, p.idx, m.negated FROM mentions m "
        "JOIN passages p ON p.id = m.passage_id ORDER BY m.start_char")
    assert [(t, pg, i, bool(n)) for t, pg, i, n in rows] == [
        ("housing", 1, 0, True), ("domestic_abuse", 2, 3, False)]
    info = store.get_review(result.review_id)
    assert info.pipeline_version == "v1" and info.tagged_at is not None
    assert info.themes["domestic_abuse"].present and info.themes["domestic_abuse"].affirmed == 1
    assert not info.themes["housing"].present and info.themes["housing"].negated == 1
    assert list(info.themes) == [t[0] for t in THEMES]
    assert [(e.theme, e.page, e.negated, e.passage_number) for e in info.evidence] == [
        ("housing", 1, True, "1.1"), ("domestic_abuse", 2, False, "1.4")]
    presence = store.theme_presence(result.review_id)
    assert presence["domestic_abuse"] is True and presence["housing"] is False
    store.set_mentions(result.review_id, first[:1], pipeline_version="v2")
    assert counts(store)["mentions"] == 1
    store.set_mentions(result.review_id, [], pipeline_version="v3")
    assert counts(store)["mentions"] == 0


def test_set_mentions_refuses_unknown_theme_and_bad_offsets(store):
    result, doc = add(store, "a.pdf", fictional_paragraphs("A"))
    good = mention(doc, "housing", "moved house")
    store.set_mentions(result.review_id, [good], pipeline_version="v1")
    with pytest.raises(StoreError, match="unknown theme 'HOUSING'.*sync_themes"):
        store.set_mentions(result.review_id, [replace(good, theme="HOUSING")],
                           pipeline_version="v2")
    with pytest.raises(StoreError, match="outside review"):
        store.set_mentions(result.review_id, [replace(good, start=10**6, end=10**6 + 3)],
                           pipeline_version="v2")
    assert counts(store)["mentions"] == 1  # the refused calls changed nothing
    assert store.get_review(result.review_id).pipeline_version == "v1"


def test_edit_review_and_missing_ids(store):
    result, _ = add(store, "a.pdf", fictional_paragraphs("A"), title="Old", year=2018)
    info = store.edit_review(result.review_id, title="New title", area="Y")
    assert (info.title, info.year, info.area) == ("New title", 2018, "Y")
    for call in (store.get_review, store.review_text, store.theme_presence):
        with pytest.raises(ReviewNotFound, match="no review with id 999"):
            call(999)
    with pytest.raises(ReviewNotFound):
        store.edit_review(999, title="x")
    with pytest.raises(ReviewNotFound):
        store.set_mentions(999, [], pipeline_version="v1")


def test_reviews_to_retag(store):
    a, doc_a = add(store, "a.pdf", fictional_paragraphs("A"))
    b, _ = add(store, "b.pdf", fictional_paragraphs("B"))
    c_old, _ = add(store, "c.pdf", fictional_paragraphs("C"))
    store.set_mentions(a.review_id, [mention(doc_a, "housing", "moved house")],
                       pipeline_version="v2")
    store.set_mentions(b.review_id, [], pipeline_version="v1")
    c_new, _ = add(store, "c.pdf", fictional_paragraphs("C2"))
    assert store.reviews_to_retag("v2") == [b.review_id, c_new.review_id]
    assert c_old.review_id not in store.reviews_to_retag("v3")


def test_review_with_hash_finds_stored_bytes_and_nothing_else(store):
    assert store.review_with_hash("0" * 64) is None  # nothing stored yet
    result, doc = add(store, "a.pdf", fictional_paragraphs("A"), title="Child A", area="X")
    store.set_mentions(result.review_id, [mention(doc, "housing", "moved house")],
                       pipeline_version="v1")
    found = store.review_with_hash(sha(doc))
    assert found is not None
    assert (found.id, found.title, found.page_count, found.is_latest) == (
        result.review_id, "Child A", doc.page_count, True)
    assert list(found.themes) == [t[0] for t in THEMES] and found.themes["housing"].present
    assert found.evidence == []  # as list_reviews; get_review gives evidence
    assert store.review_with_hash("f" * 64) is None
    assert store.review_with_hash(sha(doc).upper()) is None  # hashes are stored lowercase


def test_review_with_hash_of_a_changed_file_is_the_newest_version(store):
    old, old_doc = add(store, "a.pdf", fictional_paragraphs("A"), area="X")
    new, new_doc = add(store, "a.pdf", fictional_paragraphs("A2"), area="X")
    newest = store.review_with_hash(sha(new_doc))
    assert newest is not None
    assert (newest.id, newest.version, newest.previous_id, newest.is_latest) == (
        new.review_id, 2, old.review_id, True)
    superseded = store.review_with_hash(sha(old_doc))  # the old bytes still name the old row
    assert superseded is not None
    assert (superseded.id, superseded.version, superseded.is_latest) == (old.review_id, 1, False)


def test_needs_retag_agrees_with_reviews_to_retag(store):
    a, doc_a = add(store, "a.pdf", fictional_paragraphs("A"))
    b, _ = add(store, "b.pdf", fictional_paragraphs("B"))
    assert store.needs_retag(a.review_id, "v1") is True  # never tagged
    store.set_mentions(a.review_id, [mention(doc_a, "housing", "moved house")],
                       pipeline_version="v1")
    store.set_mentions(b.review_id, [], pipeline_version="v0")
    assert store.needs_retag(a.review_id, "v1") is False  # tagged by the current version
    assert store.needs_retag(b.review_id, "v1") is True  # tagged by another version
    assert store.needs_retag(a.review_id, "v2") is True
    c_old, _ = add(store, "c.pdf", fictional_paragraphs("C"))
    c_new, _ = add(store, "c.pdf", fictional_paragraphs("C2"))
    assert store.needs_retag(c_old.review_id, "v1") is False  # superseded: re-runs skip it
    assert store.needs_retag(c_new.review_id, "v1") is True
    for version in ("v0", "v1", "v2"):
        expected = store.reviews_to_retag(version)
        ids = [a.review_id, b.review_id, c_old.review_id, c_new.review_id]
        assert [i for i in ids if store.needs_retag(i, version)] == expected
    with pytest.raises(ReviewNotFound, match="no review with id 999"):
        store.needs_retag(999, "v1")


def test_runs_are_recorded(store, tmp_path):
    run_id = store.start_run("ingest", pipeline_version="v1", params={"folder": tmp_path})
    run = store.get_run(run_id)
    assert (run["status"], run["params"], run["finished_at"]) == (
        "running", {"folder": str(tmp_path)}, None)
    store.finish_run(run_id, status="completed", counts={"added": 2, "unchanged": 1},
                     changes={"added": [1, 2]})
    second = store.start_run("tag", pipeline_version="v1", params={})
    store.finish_run(second, status="failed", counts={}, error="fictional failure")
    runs = store.list_runs()
    assert [r["id"] for r in runs] == [second, run_id]
    done = store.get_run(run_id)
    assert done["counts"] == {"added": 2, "unchanged": 1} and done["changes"] == {"added": [1, 2]}
    assert done["finished_at"] >= done["started_at"]
    assert runs[0]["error"] == "fictional failure"
    with pytest.raises(StoreError, match="no run with id 999"):
        store.get_run(999)

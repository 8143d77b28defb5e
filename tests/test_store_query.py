"""Read-only SQL: anything that would write is refused and changes nothing."""

from __future__ import annotations

import pytest
from scrthemes.corpus.engine import single_statement
from scrthemes.corpus.store import QueryError, ReadOnlyQueryError, Store

from tests.test_store_support import THEMES, add, fictional_paragraphs

WRITES = [
    "INSERT INTO themes (id, name, definition, position) VALUES ('x', 'x', 'x', 99)",
    "UPDATE reviews SET title = 'changed'",
    "DELETE FROM passages",
    "DROP TABLE mentions",
    "DROP VIEW theme_frequencies",
    "CREATE TABLE intruder (id INTEGER)",
    "ALTER TABLE reviews ADD COLUMN intruder INTEGER",
    "  /* a comment first */ delete from reviews",
    # keyword check passes (WITH / SELECT / EXPLAIN); the database itself must refuse:
    "WITH doomed AS (SELECT id FROM reviews) DELETE FROM reviews WHERE id IN (SELECT id FROM doomed)",
]
SQLITE_ONLY = [
    "ATTACH DATABASE 'elsewhere.db' AS elsewhere",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA user_version = 7",
    "PRAGMA query_only = 0",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA wal_checkpoint(TRUNCATE)",
    "VACUUM",
    "VACUUM INTO 'copy.db'",
]
POSTGRES_ONLY = [
    "WITH gone AS (DELETE FROM reviews RETURNING id) SELECT * FROM gone",
    "SELECT nextval('reviews_id_seq')",
    "EXPLAIN ANALYZE DELETE FROM reviews",
    "SELECT * INTO intruder FROM reviews",
]
MULTI = [
    "SELECT 1; DELETE FROM reviews",
    "SELECT 1;DROP TABLE reviews;",
    "SELECT ';' AS a; UPDATE reviews SET title = 'x'",
]


@pytest.fixture
def store(db_url):
    store = Store(db_url)
    store.sync_themes(THEMES)
    add(store, "a.pdf", fictional_paragraphs("A"), title="Child A", area="X", year=2020)
    add(store, "b.pdf", fictional_paragraphs("B"), title="Child B", area="Y", year=2021)
    yield store
    store.close()


def snapshot(store: Store):
    tables = ["reviews", "passages", "pages", "themes", "mentions", "review_texts"]
    state = {t: store.query(f"SELECT * FROM {t} ORDER BY 1")[1] for t in tables}
    state["views"] = store.query("SELECT * FROM theme_frequencies ORDER BY theme")[1]
    return state


def test_select_returns_columns_and_rows(store):
    columns, rows = store.query(
        "SELECT title, year FROM reviews WHERE title LIKE 'Child%' ORDER BY year")
    assert columns == ["title", "year"]
    assert rows == [("Child A", 2020), ("Child B", 2021)]
    assert store.query("SELECT title FROM reviews WHERE year = :y", {"y": 2021})[1] == [("Child B",)]
    assert store.query("select 'a;b' as s; -- trailing comment")[1] == [("a;b",)]


def test_writes_are_refused_and_change_nothing(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    extra = SQLITE_ONLY if store.engine.dialect.name == "sqlite" else POSTGRES_ONLY
    before = snapshot(store)
    for sql in WRITES + extra:
        with pytest.raises(ReadOnlyQueryError) as err:
            store.query(sql)
        assert "\n" not in str(err.value), sql
    assert snapshot(store) == before
    assert not (tmp_path / "elsewhere.db").exists() and not (tmp_path / "copy.db").exists()
    # The store still writes normally afterwards (no read-only state leaked into the pool).
    add(store, "c.pdf", fictional_paragraphs("C"))
    assert store.query("SELECT COUNT(*) FROM reviews")[1] == [(3,)]


def test_multiple_statements_are_refused(store):
    before = snapshot(store)
    for sql in MULTI:
        with pytest.raises(ReadOnlyQueryError, match="one SQL statement"):
            store.query(sql)
    assert snapshot(store) == before


def test_errors_are_one_line(store):
    with pytest.raises(QueryError) as err:
        store.query("SELECT * FROM no_such_table")
    assert "no_such_table" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ReadOnlyQueryError, match="empty"):
        store.query("  -- nothing\n ;")


def test_reporting_pragmas_allowed_on_sqlite(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    columns, rows = store.query("PRAGMA table_info(themes)")
    assert "name" in columns and {r[1] for r in rows} >= {"id", "name", "definition"}
    assert store.query("PRAGMA journal_mode")[1] == [("wal",)]
    store.close()


def test_in_memory_sqlite_is_read_only_too():
    store = Store("sqlite://")
    store.sync_themes(THEMES)
    with pytest.raises(ReadOnlyQueryError):
        store.query("WITH t AS (SELECT 1) DELETE FROM themes")
    assert store.query("SELECT COUNT(*) FROM themes")[1] == [(9,)]
    store.sync_themes(THEMES[:1])  # still writable through the store
    store.close()


@pytest.mark.parametrize(
    ("sql", "kept"),
    [
        ("SELECT 1;", "SELECT 1"),
        ("SELECT 'it''s; fine'", "SELECT 'it''s; fine'"),
        ('SELECT "odd;name" FROM t', 'SELECT "odd;name" FROM t'),
        ("SELECT $$a;b$$", "SELECT $$a;b$$"),
        ("SELECT 1 /* ; */", "SELECT 1 /* ; */"),
    ],
)
def test_single_statement_skips_quotes_and_comments(sql, kept):
    assert single_statement(sql) == kept


def test_database_refuses_writes_even_without_the_keyword_check(store, monkeypatch, tmp_path):
    """Defence in depth: with the statement check switched off, the connection still refuses."""
    import scrthemes.corpus.engine as engine_module

    monkeypatch.setattr(engine_module, "single_statement", lambda sql: sql)
    monkeypatch.chdir(tmp_path)
    extra = SQLITE_ONLY if store.engine.dialect.name == "sqlite" else POSTGRES_ONLY
    before = snapshot(store)
    for sql in WRITES + extra:
        with pytest.raises(ReadOnlyQueryError):
            store.query(sql)
    assert snapshot(store) == before
    assert not (tmp_path / "elsewhere.db").exists() and not (tmp_path / "copy.db").exists()

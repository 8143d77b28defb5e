"""The store's schema: migrations, views, URL errors (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from scrthemes.corpus.db import Base
from scrthemes.corpus.migrations import current_revisions, head_revisions
from scrthemes.corpus.store import DatabaseURLError, Store
from sqlalchemy import create_engine, inspect

TABLES = {"reviews", "review_texts", "pages", "passages", "themes", "mentions", "runs",
          "national_figures"}
VIEWS = {"latest_reviews", "theme_frequencies", "theme_frequencies_by_year",
         "theme_frequencies_by_area", "theme_evidence"}


def test_first_use_creates_tables_and_views(db_url):
    store = Store(db_url)
    inspector = inspect(store.engine)
    assert set(inspector.get_table_names()) >= TABLES
    assert set(inspector.get_view_names()) >= VIEWS
    assert "0001_initial" in {r for r in _ancestry(current_revisions(store.engine))}
    assert current_revisions(store.engine) == head_revisions()
    store.close()


def _ancestry(revisions):
    from alembic.script import ScriptDirectory
    from scrthemes.corpus.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    for rev in script.iterate_revisions(tuple(revisions), "base"):
        yield rev.revision


def test_migrated_schema_matches_models(db_url):
    """The hand-written migration and the ORM models describe the same tables."""
    store = Store(db_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Views and tables added by later revisions of other parts are not in these models.
    ours = [d for d in diff if not (d[0] == "remove_table" and d[1].name not in TABLES)]
    assert ours == []
    store.close()


def test_second_store_on_same_database_is_a_no_op(db_url):
    Store(db_url).sync_themes([("housing", "Housing problems", "Fictional.")])
    again = Store(db_url)
    assert again.query("SELECT id, name FROM themes")[1] == [("housing", "Housing problems")]
    again.close()


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    store.close()


def test_in_memory_sqlite_works(tmp_path):
    store = Store("sqlite://")
    store.sync_themes([("housing", "Housing problems", "Fictional.")])
    assert store.frequencies()[0]["theme"] == "housing"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://someone@localhost/db", "unsupported database 'mysql'"),
        ("sqlite:////no/such/folder/x.db", "folder /no/such/folder does not exist"),
    ],
)
def test_bad_url_is_one_clear_line(url, expected):
    with pytest.raises(DatabaseURLError) as err:
        Store(url)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_unreachable_server_is_one_clear_line_without_password():
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = Store(f"postgresql+psycopg://someone:s3cret@127.0.0.1:{port}/nothing")
    with pytest.raises(DatabaseURLError) as err:
        store.list_reviews()
    message = str(err.value)
    assert message.startswith("cannot use database postgresql+psycopg://someone:***@127.0.0.1")
    assert "s3cret" not in message and "\n" not in message


def test_postgres_fixture_is_a_real_server(postgres_url):
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW server_version").scalar()
        assert conn.exec_driver_sql("SELECT current_setting('listen_addresses')").scalar() == "127.0.0.1"
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(db_url):
    """Every revision's downgrade undoes its upgrade (views and tables), on both databases."""
    from alembic import command
    from scrthemes.corpus.migrations import alembic_config, upgrade

    store = Store(db_url)
    engine = store.engine
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    inspector = inspect(engine)
    assert not (TABLES | VIEWS) & (set(inspector.get_table_names()) | set(inspector.get_view_names()))
    upgrade(engine)
    inspector = inspect(engine)
    assert set(inspector.get_table_names()) >= TABLES
    assert set(inspector.get_view_names()) >= VIEWS
    store.close()


def test_file_that_is_not_a_database_is_one_clear_line(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("Fictional notes, not a database. " * 40)
    with pytest.raises(DatabaseURLError, match="file is not a database") as err:
        Store(f"sqlite:///{path}").list_reviews()
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_database_from_a_newer_version_is_refused(db_url):
    from scrthemes.corpus.store import StoreError

    store = Store(db_url)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_future'")
    store.close()
    with pytest.raises(StoreError, match="revision 0099_future.*upgrade scrthemes"):
        Store(db_url).list_reviews()


def test_views_of_revision_0001_are_frozen():
    """Migration 0001 builds its views from views.VIEWS_0001; editing that SQL would make old
    and new databases disagree. Change a view with a new migration instead."""
    import hashlib
    import json

    from scrthemes.corpus.views import VIEWS_0001

    digest = hashlib.sha256(json.dumps(VIEWS_0001, sort_keys=True).encode()).hexdigest()
    assert digest == "4e2d8e0fe322bc9f722a772c37a28c75665de5a84368dbe9d1f5997cd3605c35", (
        "the SQL of the 0001 views changed: restore it and add a migration that recreates them"
    )

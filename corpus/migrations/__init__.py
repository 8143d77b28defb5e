"""Alembic migrations for the store, and running them safely from code.

``upgrade(engine)`` is what ``Store`` calls on first use. It holds the database's
write lock (SQLite ``BEGIN IMMEDIATE``) or a PostgreSQL advisory lock for the
whole upgrade, so two processes starting at once on a new database do not race:
the second waits, then finds the schema already current.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from scrthemes.corpus.engine import READ_OPTION, StoreError, safe_url
from sqlalchemy import Connection, Engine

HERE = Path(__file__).resolve().parent
_PG_LOCK_KEY = 7_294_113_001  # arbitrary, fixed: "scrthemes schema upgrade"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at these migrations (and at ``connection``, if given)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    """The revisions a current database is at."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revisions ``engine``'s database is at (empty for a new database)."""
    with engine.execution_options(**{READ_OPTION: True}).connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; a no-op when it is current."""
    heads = head_revisions()
    current = current_revisions(engine)
    if current == heads:
        return
    known = {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    unknown = sorted(current - known)
    if unknown:
        raise StoreError(
            f"database {safe_url(engine.url)} is at schema revision {', '.join(unknown)}, "
            "which this scrthemes does not know; it was made by a newer version, so upgrade scrthemes"
        )
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
        command.upgrade(alembic_config(conn), "heads")

"""Alembic environment: run from ``Store`` (a connection is passed in) or the alembic CLI."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from scrthemes.corpus.db import Base
from scrthemes.corpus.engine import DEFAULT_URL, make_engine
from sqlalchemy import Connection

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    # From the alembic CLI: -x url=..., else sqlalchemy.url, else the project default.
    if config.config_file_name:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("SCRTHEMES_DB_URL", DEFAULT_URL)
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        _configure(conn)
        context.run_migrations()
    engine.dispose()


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    ) or DEFAULT_URL
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Environment defaults for Prefect and the database, applied before Prefect is imported.

Prefect reads its settings from the environment when it is first imported, so
every module in ``scrthemes.flows`` that uses Prefect imports this one first.
Values a user has set in the environment always win (``setdefault``).
"""

from __future__ import annotations

import logging
import os

DEFAULT_DB_URL = "sqlite:///scrthemes.db"
DB_URL_ENV = "SCRTHEMES_DB_URL"

_PREFECT_DEFAULTS = {
    # Offline and private: no telemetry, nothing about reviews persisted by Prefect.
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    # Local mode: an ephemeral API started on demand. Its first start on a fresh
    # machine (database migrations) can take well over the default 20 seconds.
    "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    # Quiet by default; `scrthemes --verbose` turns Prefect's own log lines back on.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def apply_defaults() -> None:
    """Set the Prefect environment defaults that the user has not set."""
    for key, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)


def set_verbose(verbose: bool) -> None:
    """Show Prefect's (and Dask's) log lines from INFO up, or none (the CLI reports failures itself)."""
    level = "INFO" if verbose else "CRITICAL"
    os.environ["PREFECT_LOGGING_LEVEL"] = level
    logging.getLogger("prefect").setLevel(level)
    # Dask reads its logging levels from the environment when it is first imported.
    os.environ["DASK_LOGGING__DISTRIBUTED"] = "info" if verbose else "error"
    logging.getLogger("distributed").setLevel("INFO" if verbose else "ERROR")


def resolve_db_url(db: str | None) -> str:
    """The database URL: ``--db``, else ``$SCRTHEMES_DB_URL``, else ``sqlite:///scrthemes.db``."""
    return db or os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL


apply_defaults()

"""The read-only path for analysts' own SQL (``Store.query``, ``scrthemes sql``).

Each statement goes through :func:`scrthemes.corpus.engine.run_readonly`, which
refuses writes and runs it in a transaction the database keeps read-only. A
SQLite file is, besides, queried through a second engine that opens the file
read-only, so that even a statement the checks miss cannot change it. Flows ask
the store's typed methods instead; this path is for questions nobody wrote a
method for.
"""

from __future__ import annotations

import threading

from scrthemes.corpus.engine import is_memory, make_readonly_sqlite_engine, run_readonly
from sqlalchemy import Engine


class ReadOnlySQL:
    """Runs one user statement at a time against a store's database without changing it.

    One instance belongs to one ``Store`` and may be shared by its threads; the
    read-only SQLite engine is opened on first use.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sqlite_file: Engine | None = None

    def run(
        self, engine: Engine, sql: str, params: dict | None = None
    ) -> tuple[list[str], list[tuple]]:
        """Run ``sql`` on the database of ``engine`` (the store's read-write engine).

        Parameters
        ----------
        engine
            The store's engine, with the schema migrated.
        sql
            One SQL statement; ``:name`` placeholders take their values from ``params``.
        params
            Values for the placeholders.

        Returns
        -------
        tuple[list[str], list[tuple]]
            The column names and the rows.

        Raises
        ------
        ReadOnlyQueryError
            The statement would write, or there is more than one; nothing is changed.
        QueryError
            The database rejected the SQL (syntax, unknown table, ...).
        """
        if engine.dialect.name == "sqlite" and not is_memory(engine.url):
            with self._lock:
                if self._sqlite_file is None:
                    self._sqlite_file = make_readonly_sqlite_engine(engine.url)
            engine = self._sqlite_file
        return run_readonly(engine, sql, params)

    def close(self) -> None:
        """Release the read-only engine's pooled connections, if it was opened."""
        if self._sqlite_file is not None:
            self._sqlite_file.dispose()

"""Database engines for the store: URL checks, SQLite settings, and the read-only path.

SQLite gets WAL mode, a 30 s busy timeout and foreign keys on every connection.
Write transactions start with ``BEGIN IMMEDIATE`` so that two processes never
both read, then both try to upgrade to a write lock (which SQLite answers with an
immediate "database is locked" that no timeout helps); readers use a plain
deferred ``BEGIN`` so they never wait for writers.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, StatementError
from sqlalchemy.pool import QueuePool, StaticPool

DEFAULT_URL = "sqlite:///scrthemes.db"
BUSY_TIMEOUT_MS = 30_000
READ_OPTION = "scrthemes_read"  # execution option: a transaction that only reads


class StoreError(Exception):
    """A store problem a user can act on; ``str(err)`` is one line."""


class DatabaseURLError(StoreError):
    """The database URL is malformed, unsupported or unreachable."""


class ReviewNotFound(StoreError, LookupError):
    """No review with the given id."""


class QueryError(StoreError):
    """A user's SQL failed (syntax, unknown table, ...)."""


class ReadOnlyQueryError(QueryError):
    """A user's SQL would change the database, or holds more than one statement."""


def safe_url(url: URL | str) -> str:
    """The URL as text with any password masked."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except ArgumentError:
            return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)
    return url.render_as_string(hide_password=True)


def parse_url(url: str) -> URL:
    """Check a database URL and normalise it (``postgresql://`` uses psycopg 3).

    Raises
    ------
    DatabaseURLError
        The URL is malformed, names an unsupported database, or a SQLite file
        in a folder that does not exist.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseURLError(
            f"{safe_url(url)!r} is not a database URL; use e.g. {DEFAULT_URL} "
            "or postgresql+psycopg://user@host/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if parsed.get_driver_name() != "pysqlite":
            raise DatabaseURLError(
                f"{safe_url(parsed)}: only the standard sqlite:/// driver is supported"
            )
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).resolve().parent
            if not folder.is_dir():
                raise DatabaseURLError(
                    f"{safe_url(parsed)}: folder {folder} does not exist; create it first"
                )
    else:
        raise DatabaseURLError(
            f"{safe_url(parsed)}: unsupported database {backend!r}; use sqlite or postgresql"
        )
    return parsed


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engine(url: str) -> Engine:
    """The read-write engine for ``url`` with the store's connection settings.

    Parameters
    ----------
    url
        A SQLAlchemy URL, ``sqlite:///path.db`` or ``postgresql+psycopg://...``.

    Raises
    ------
    DatabaseURLError
        The URL cannot be used (see :func:`parse_url`).
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "postgresql":
        try:
            return create_engine(
                parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10}
            )
        except (ArgumentError, NoSuchModuleError) as err:
            raise DatabaseURLError(f"{safe_url(parsed)}: {err}") from None
    memory = is_memory(parsed)
    kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}} if memory else {}
    engine = create_engine(parsed, **kwargs)
    _configure_sqlite(engine, wal=not memory, read_only=False)
    return engine


def make_readonly_sqlite_engine(url: URL) -> Engine:
    """A second SQLite engine that opens the file read-only (``mode=ro``, ``query_only``)."""
    path = Path(url.database or "").resolve()
    uri = f"file:{quote(str(path))}?mode=ro"
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=QueuePool,  # "sqlite://" alone would get the in-memory, per-thread pool
    )
    _configure_sqlite(engine, wal=False, read_only=True)
    return engine


def _configure_sqlite(engine: Engine, *, wal: bool, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # We emit BEGIN ourselves (see _on_begin); pysqlite's own is deferred-only.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if wal:
            cur.execute("PRAGMA journal_mode = WAL")
            # Safe from corruption in WAL mode; a power cut may drop the last commits,
            # which a re-run of the (idempotent) ingest puts back.
            cur.execute("PRAGMA synchronous = NORMAL")
        if read_only:
            cur.execute("PRAGMA query_only = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        reads = read_only or conn.get_execution_options().get(READ_OPTION, False)
        conn.exec_driver_sql("BEGIN" if reads else "BEGIN IMMEDIATE")


# --- checking a user's SQL -------------------------------------------------------

_READ_KEYWORDS = {"select", "with", "values", "explain", "table", "show", "pragma"}

# PRAGMAs that only report, whatever their argument (a table or index name) ...
_INFO_PRAGMAS = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "database_list", "collation_list", "function_list", "compile_options",
}
# ... and settings that may be read (no value given) but not set. Anything else is refused.
_SETTING_PRAGMAS = {
    "user_version", "schema_version", "page_count", "page_size", "journal_mode",
    "foreign_keys", "encoding", "query_only",
}


def single_statement(sql: str) -> str:
    """The one statement in ``sql`` (trailing ``;`` and comments dropped).

    Quotes, comments and PostgreSQL dollar quotes are skipped, so a ``;`` inside
    a string literal does not count as a separator.

    Raises
    ------
    ReadOnlyQueryError
        ``sql`` is empty, holds more than one statement, or does not start with a
        reading keyword (SELECT, WITH, VALUES, EXPLAIN, TABLE, SHOW, PRAGMA).
    """
    end = _statement_end(sql)
    statement, rest = sql[:end], sql[end + 1 :] if end < len(sql) else ""
    if _strip_comments(rest).strip(" \t\r\n;"):
        raise ReadOnlyQueryError(
            "only one SQL statement at a time is allowed; remove everything after the first ';'"
        )
    words = re.findall(r"[A-Za-z_]+", _strip_comments(statement))
    if not words:
        raise ReadOnlyQueryError("the SQL is empty")
    if words[0].lower() not in _READ_KEYWORDS:
        raise ReadOnlyQueryError(
            f"{words[0].upper()} is refused: queries are read-only "
            "(SELECT, WITH ... SELECT, VALUES, EXPLAIN or a reporting PRAGMA)"
        )
    return statement


def _statement_end(sql: str) -> int:
    """Index of the first top-level ``;`` in ``sql``, or ``len(sql)``."""
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            i = _skip_quoted(sql, i, ch)
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif ch == "$" and (m := re.match(r"\$([A-Za-z_]\w*)?\$", sql[i:])):
            j = sql.find(m.group(0), i + len(m.group(0)))
            i = n if j < 0 else j + len(m.group(0))
        elif ch == ";":
            return i
        else:
            i += 1
    return n


def _skip_quoted(sql: str, i: int, quote_char: str) -> int:
    j = i + 1
    while j < len(sql):
        if sql[j] == quote_char:
            if sql[j + 1 : j + 2] == quote_char:  # doubled quote = escaped
                j += 2
                continue
            return j + 1
        j += 1
    return len(sql)


def _strip_comments(sql: str) -> str:
    sql = re.sub(r"/\*.*?(\*/|$)", " ", sql, flags=re.S)
    return re.sub(r"--[^\n]*", " ", sql)


def sqlite_authorizer(action: int, arg1, arg2, _db, _trigger) -> int:
    """sqlite3 authorizer for user queries: reading is allowed, anything else denied."""
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                  sqlite3.SQLITE_RECURSIVE):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _INFO_PRAGMAS or (name in _SETTING_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def run_readonly(
    engine: Engine, sql: str, params: dict | None = None
) -> tuple[list[str], list[tuple]]:
    """Run one user statement so that it cannot change anything; returns (columns, rows).

    SQLite: the connection is ``query_only`` and an authorizer denies every action
    but reading (so ATTACH, PRAGMA writes and DDL fail too). PostgreSQL: the
    transaction is ``READ ONLY``. Either way the transaction is rolled back.

    Raises
    ------
    ReadOnlyQueryError
        The statement would write, or ``sql`` holds more than one statement.
    QueryError
        The database rejected the statement for another reason.
    """
    statement = single_statement(sql)
    with engine.connect().execution_options(**{READ_OPTION: True}) as conn:
        conn.begin()
        raw = conn.connection.driver_connection
        on_sqlite = conn.dialect.name == "sqlite"
        was_query_only = False
        try:
            if on_sqlite:
                was_query_only = bool(raw.execute("PRAGMA query_only").fetchone()[0])
                raw.execute("PRAGMA query_only = ON")
                raw.set_authorizer(sqlite_authorizer)
            else:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            return _execute(conn, raw, statement, params)
        except Exception as err:
            raise _translate(err) from None
        finally:
            if on_sqlite:
                raw.set_authorizer(None)
            conn.rollback()
            if on_sqlite and not was_query_only:
                raw.execute("PRAGMA query_only = OFF")


def _execute(conn, raw, statement: str, params: dict | None) -> tuple[list[str], list[tuple]]:
    if params:
        result = conn.execute(text(statement), params)
        if not result.returns_rows:
            return [], []
        return list(result.keys()), [tuple(row) for row in result]
    # Without parameters the driver gets the SQL untouched (no ':name' or '%' parsing).
    cur = raw.cursor()
    try:
        cur.execute(statement)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], [tuple(row) for row in cur.fetchall()]
    finally:
        cur.close()


def _translate(err: Exception) -> Exception:
    if isinstance(err, StoreError):
        return err
    orig = getattr(err, "orig", None) or err
    message = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    is_db_error = isinstance(err, (sqlite3.Error, StatementError)) or hasattr(orig, "sqlstate")
    if not is_db_error:
        return err
    refused = (
        "not authorized" in message
        or "readonly database" in message
        or "cannot VACUUM" in message  # VACUUM is not an authorizer action; our BEGIN stops it
        or getattr(orig, "sqlstate", None) == "25006"  # read_only_sql_transaction
    )
    if refused:
        return ReadOnlyQueryError(f"refused, queries are read-only: {message}")
    if "one statement at a time" in message:
        return ReadOnlyQueryError("only one SQL statement at a time is allowed")
    return QueryError(f"SQL error: {message}")

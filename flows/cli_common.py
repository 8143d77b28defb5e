"""What every ``scrthemes`` command shares: the global options and error handling."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import typer
from scrthemes.flows import settings
from scrthemes.flows.output import fail

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CliState:
    """Global options, stored on the typer context by the app callback."""

    db_url: str = settings.DEFAULT_DB_URL
    verbose: bool = False


def state(ctx: typer.Context) -> CliState:
    """The global options of this invocation."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, CliState) else CliState(settings.resolve_db_url(None))


def open_store(ctx: typer.Context) -> Any:
    """The store at ``--db`` (migrated on first use, codebook themes in place)."""
    from scrthemes.flows.resources import open_store as open_at

    return open_at(state(ctx).db_url)


def user_errors(fn: F) -> F:
    """Turn an exception into one ``Error:`` line on stderr and exit code 1 (traceback with --verbose)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (`scrthemes show 1 | head`): stop quietly.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (Python's own recipe)
            raise typer.Exit(0) from None
        except Exception as exc:  # noqa: BLE001  (the one place errors reach the user)
            ctx = next((a for a in args if isinstance(a, typer.Context)), None)
            ctx = ctx or kwargs.get("ctx")
            if ctx is not None and state(ctx).verbose:
                raise
            fail(describe(exc))

    return wrapper  # type: ignore[return-value]


def describe(exc: BaseException) -> str:
    """One line for an exception: its own message when it is a user-facing one."""
    from scrthemes.corpus.engine import StoreError
    from scrthemes.corpus.errors import ReviewFileError

    message = " ".join(str(exc).split())
    if len(message) > 300:  # some library errors carry whole configurations
        message = message[:300] + "..."
    if isinstance(exc, ReviewFileError | StoreError) and message:
        return message
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{exc.filename}: file not found"
    if isinstance(exc, KeyError | LookupError | ValueError | PermissionError) and message:
        return message.strip("'\"")
    return f"{type(exc).__name__}: {message or 'unexpected error'} (run with --verbose for details)"

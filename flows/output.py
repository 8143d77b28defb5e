"""How the command line prints: tables, CSV and JSON on stdout; errors as one line on stderr."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

# Created once; rich resolves sys.stdout/sys.stderr at write time, so test
# runners that swap the streams still capture the output.
console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    """Output format of commands that print rows."""

    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``Error: message`` on stderr as one line and exit with ``code``."""
    error(message)
    raise typer.Exit(code)


def error(message: str) -> None:
    """Print ``Error: message`` on stderr (one line; markup is not interpreted)."""
    err_console.print(f"Error: {message}", markup=False)


def plain(value: Any) -> Any:
    """A JSON-friendly version of ``value`` (dataclasses, dates, sets, tuples)."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def as_rows(data: Any) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows from a list of mappings/dataclasses/tuples, or a result with ``keys()``."""
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], list):
        columns, rows = data  # Store.query's (columns, rows)
        return [str(c) for c in columns], [list(r) for r in rows]
    if hasattr(data, "keys") and hasattr(data, "__iter__") and not isinstance(data, Mapping):
        columns = list(data.keys())  # a SQLAlchemy Result
        return [str(c) for c in columns], [list(r) for r in data]
    if hasattr(data, "columns") and hasattr(data, "rows"):
        return [str(c) for c in data.columns], [list(r) for r in data.rows]
    items = [asdict(i) if is_dataclass(i) and not isinstance(i, type) else i for i in data]
    if not items:
        return [], []
    if isinstance(items[0], Mapping):
        columns = [str(c) for c in items[0]]
        return columns, [[item.get(c) for c in columns] for item in items]
    if hasattr(items[0], "_fields"):
        columns = list(items[0]._fields)
        return columns, [list(item) for item in items]
    return ["value"], [[item] for item in items]


def print_rows(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: Format, title: str | None = None
) -> None:
    """Print rows as a rich table, CSV or a JSON list of objects."""
    rows = [list(r) for r in rows]
    if fmt is Format.json:
        typer.echo(json.dumps([dict(zip(columns, plain(r), strict=True)) for r in rows], indent=2))
    elif fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(v, compact=False) for v in row] for row in rows])
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(title=title, show_lines=False)
        for i, column in enumerate(columns):
            # The first column (an id or a theme) stays whole so that it can be read.
            table.add_column(str(column), overflow="fold", no_wrap=i == 0)
        for row in rows:
            table.add_row(*(cell(v) for v in row))
        console.print(table)


def cell(value: Any, compact: bool = True) -> str:
    """One value as table (``compact``) or CSV text: dates to the second, dicts as JSON."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if compact else value.isoformat(timespec="seconds")
    if isinstance(value, Mapping) and compact:
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(plain(value))
    if isinstance(value, float) and compact:
        return f"{value:.3g}"
    return str(value)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    typer.echo(json.dumps(plain(data), indent=2, ensure_ascii=False))

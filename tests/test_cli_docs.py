"""Docs test: every registered ``scrthemes`` command documents itself with an example."""

from __future__ import annotations

import pytest
import typer.main
from scrthemes.flows.cli import app
from typer.testing import CliRunner

runner = CliRunner()

EXPECTED = {
    "add", "ingest", "tag", "frequencies", "show", "sql", "edit", "samples", "train",
    "evaluate", "rerun", "runs", "runs show", "compare", "report", "baseline",
}


def command_paths(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under ``group``, sub-groups included (``("runs", "show")``)."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if hasattr(command, "commands"):  # a sub-group (typer vendors its own click)
            paths += command_paths(command, (*prefix, name))
    return paths


ALL = command_paths(typer.main.get_command(app))


def test_every_expected_command_is_registered() -> None:
    assert {" ".join(p) for p in ALL} >= EXPECTED


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) for p in ALL])
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    example = result.output.split("Example:", 1)[1].split()
    # The example runs this very command.
    assert example[: 1 + len(path)] == ["scrthemes", *path]


def test_top_level_help_lists_commands_and_global_options() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("--db", "--verbose", "ingest", "sql", "rerun"):
        assert word in result.output

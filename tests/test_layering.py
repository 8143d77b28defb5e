"""The import graph keeps its one-way layering (read from the source, not by importing it).

nlp/ never imports scrthemes.corpus; corpus/ never imports scrthemes.nlp;
analysis/ never imports scrthemes.nlp. Relative imports are resolved to the
package they name, so ``from ..nlp import x`` is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "nlp": ("scrthemes.corpus",),
    "corpus": ("scrthemes.nlp",),
    "analysis": ("scrthemes.nlp",),
}


def imported_modules(path: Path, root: Path, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel_parts = path.relative_to(root / package).with_suffix("").parts
    # The module's own package, e.g. scrthemes.corpus.migrations for corpus/migrations/env.py.
    here = ["scrthemes", package, *rel_parts[:-1]]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def violations(package: str, root: Path = REPO) -> list[str]:
    bad = []
    for path in sorted((root / package).rglob("*.py")):
        for line, module in imported_modules(path, root, package):
            for prefix in FORBIDDEN[package]:
                if module == prefix or module.startswith(prefix + "."):
                    bad.append(f"{path.relative_to(root)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_layering(package: str) -> None:
    assert (REPO / package).is_dir()
    assert violations(package) == []


def test_checker_catches_absolute_and_relative_imports(tmp_path: Path) -> None:
    """The check itself can fail: a planted file with both kinds of import is flagged."""
    fake = tmp_path / "nlp"
    fake.mkdir()
    (fake / "bad.py").write_text(
        "import scrthemes.corpus.store\nfrom ..corpus import reader\nfrom scrthemes.nlp import x\n",
        encoding="utf-8",
    )
    assert violations("nlp", root=tmp_path) == [
        "nlp/bad.py:1 imports scrthemes.corpus.store",
        "nlp/bad.py:2 imports scrthemes.corpus",
        "nlp/bad.py:2 imports scrthemes.corpus.reader",
    ]

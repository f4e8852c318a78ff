"""The code base's own rules that no linter knows: a module's docstring says what it imports
(where it says so), and says it truly."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "gridbase"


def imports_line(path: Path) -> str | None:
    said = re.search(r"Imports:(.*)", ast.get_docstring(ast.parse(path.read_text())) or "", re.S)
    return said.group(1) if said else None


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts and imports_line(p)
)
TOP = {p.stem for p in PACKAGE.glob("*.py")} | {
    p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()
}


def imported_packages(tree: ast.Module) -> set[str]:
    """The top-level parts of gridbase (packages and leaf modules) a module imports."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gridbase"):
            parts = str(node.module).split(".")
            found |= {a.name for a in node.names} if len(parts) == 1 else {parts[1]}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("gridbase.")}
    return found & TOP


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_an_imports_line_names_what_the_module_imports(path: Path) -> None:
    said = str(imports_line(path))
    named = set(re.findall(r"\b([a-z_]+(?:\.[a-z_]+)*)", said))
    for name in named:
        if name.split(".")[0] in TOP:
            target = PACKAGE.joinpath(*name.split("."))
            assert target.with_suffix(".py").exists() or (target / "__init__.py").exists(), name
    own = path.relative_to(PACKAGE).parts[0]
    mentioned = {n.split(".")[0] for n in named} | {own}
    assert imported_packages(ast.parse(path.read_text())) <= mentioned, said

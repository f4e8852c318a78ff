"""The explicit registry of every formula function, keyed by lower-case name."""

from __future__ import annotations

from . import aggregates, arrays, dates, formats, links, logic, number, text
from .base import FunctionDef

FUNCTIONS: tuple[FunctionDef, ...] = (
    *text.DEFINITIONS,
    *number.DEFINITIONS,
    *logic.DEFINITIONS,
    *dates.DEFINITIONS,
    *aggregates.DEFINITIONS,
    *formats.DEFINITIONS,
    *links.DEFINITIONS,
    *arrays.DEFINITIONS,
)

_BY_NAME: dict[str, FunctionDef] = {definition.name: definition for definition in FUNCTIONS}
if len(_BY_NAME) != len(FUNCTIONS):  # pragma: no cover - guards editing mistakes
    raise RuntimeError("duplicate formula function names")


def get_function(name: str) -> FunctionDef | None:
    """The definition of ``name`` (case-insensitive) or None."""
    return _BY_NAME.get(name.lower())


def function_names() -> list[str]:
    """Sorted names of every registered function."""
    return sorted(_BY_NAME)

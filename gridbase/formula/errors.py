"""Typed exceptions raised by the formula package.

Every error carries the bare Baserow-style ``message``; ``api_detail`` is the
string Baserow puts in the ``detail`` of an ``ERROR_WITH_FORMULA`` response.
"""

from __future__ import annotations


class FormulaError(Exception):
    """Base class of every formula error (maps to ``ERROR_WITH_FORMULA``)."""

    error_code = "ERROR_WITH_FORMULA"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def api_detail(self) -> str:
        """The ``detail`` string Baserow returns for this error."""
        return f"Error with formula: {self.message}."


class FormulaSyntaxError(FormulaError):
    """The formula text is not valid Baserow formula syntax.

    ``position`` is the 0-based character offset of the offending token.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


class FormulaTypeError(FormulaError):
    """The formula is syntactically valid but its types do not check."""


class FormulaCompileError(FormulaError):
    """The typed formula cannot be turned into a SQL expression."""


class FormulaSelfReferenceError(FormulaTypeError):
    """The formula references the field it defines."""

    error_code = "ERROR_FIELD_SELF_REFERENCE"

    def __init__(self) -> None:
        super().__init__("the formula references itself")

"""Untyped abstract syntax tree produced by :func:`gridbase.formula.parse`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class StringLiteral:
    """A ``'single'`` or ``"double"`` quoted string literal."""

    value: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class NumberLiteral:
    """An integer or decimal literal; ``is_integer`` is false for ``1.50``."""

    value: Decimal
    is_integer: bool
    position: int = 0

    @property
    def decimal_places(self) -> int:
        """Number of decimals as written (``1.50`` has 2)."""
        exponent = self.value.as_tuple().exponent
        return 0 if self.is_integer or not isinstance(exponent, int) else -exponent


@dataclass(frozen=True, slots=True)
class BooleanLiteral:
    """``true`` or ``false``."""

    value: bool
    position: int = 0


@dataclass(frozen=True, slots=True)
class FieldReference:
    """``field('Name')``: a field of the same table."""

    name: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class LookupReference:
    """``lookup('Link field', 'Target field')``: values from linked rows."""

    link_name: str
    target_name: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """A call of a registered function; operators become calls too.

    ``name`` is the lower-cased function name (``add`` for ``+``) and
    ``operator`` the operator text when the call came from an operator.
    """

    name: str
    args: tuple[Node, ...]
    position: int = 0
    operator: str | None = None


Node = (
    StringLiteral | NumberLiteral | BooleanLiteral | FieldReference | LookupReference | FunctionCall
)

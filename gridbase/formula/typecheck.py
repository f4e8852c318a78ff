"""Type inference: untyped nodes + referenced field infos -> ``TypedFormula``.

Follows Baserow's ``FormulaTypingVisitor``: user-written calls coerce
nullable arguments to empty values, invalid types propagate and combine
their messages, and a formula whose value has many rows (a lookup that is
not aggregated) becomes an ``array`` formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import FormulaSelfReferenceError, FormulaTypeError
from .ftypes import FieldInfo, FType, invalid_type, text_type
from .functions.base import TypedExpr, call_function
from .nodes import (
    BooleanLiteral,
    FieldReference,
    FunctionCall,
    LookupReference,
    Node,
    NumberLiteral,
    StringLiteral,
)


@dataclass(frozen=True, slots=True)
class TypedFormula:
    """A type-checked formula plus the type props Baserow reports for it."""

    expr: TypedExpr
    formula_type: str
    array_formula_type: str | None = None
    nullable: bool = False
    number_decimal_places: int | None = None
    date_include_time: bool | None = None
    date_format: str | None = None
    date_time_format: str | None = None
    date_show_tzinfo: bool | None = None
    date_force_timezone: str | None = None
    duration_format: str | None = None

    @property
    def value_type(self) -> FType:
        """Type of one value (the element type for array formulas)."""
        return self.expr.ftype

    def field_props(self) -> dict[str, Any]:
        """The type-dependent keys of a formula field's JSON."""
        return {
            "formula_type": self.formula_type,
            "array_formula_type": self.array_formula_type,
            "nullable": self.nullable,
            "number_decimal_places": self.number_decimal_places,
            "date_include_time": self.date_include_time,
            "date_format": self.date_format,
            "date_time_format": self.date_time_format,
            "date_show_tzinfo": self.date_show_tzinfo,
            "date_force_timezone": self.date_force_timezone,
            "duration_format": self.duration_format,
            "error": None,
        }


def _unknown_field(name: str) -> TypedExpr:
    return TypedExpr(
        "field", invalid_type(f"references the deleted or unknown field {name}"), name=name
    )


class _Typer:
    """Types one formula against the referenceable fields."""

    def __init__(self, fields: Mapping[str, FieldInfo], field_name: str | None) -> None:
        self.fields = fields
        self.field_name = field_name

    def type_node(self, node: Node) -> TypedExpr:
        if isinstance(node, StringLiteral):
            return TypedExpr("literal", text_type(), value=node.value)
        if isinstance(node, NumberLiteral):
            number = FType("number", number_decimal_places=node.decimal_places)
            return TypedExpr("literal", number, value=node.value)
        if isinstance(node, BooleanLiteral):
            return TypedExpr("literal", FType("boolean"), value=node.value)
        if isinstance(node, FieldReference):
            return self.type_field(node.name)
        if isinstance(node, LookupReference):
            return self.type_lookup(node.link_name, node.target_name)
        if isinstance(node, FunctionCall):
            args = [self.type_node(arg) for arg in node.args]
            return call_function(node.name, args, coerce=True)
        raise TypeError(f"not a formula node: {node!r}")  # pragma: no cover

    def type_field(self, name: str) -> TypedExpr:
        if self.field_name is not None and name == self.field_name:
            raise FormulaSelfReferenceError()
        info = self.fields.get(name)
        if info is None:
            return _unknown_field(name)
        if info.is_link:
            if info.link_primary is None:
                return TypedExpr(
                    "field", invalid_type("references a deleted or unknown table"), name=name
                )
            return self.type_lookup(name, info.link_primary)
        if info.lookup_through and info.lookup_target:
            looked_up = self.type_lookup(info.lookup_through, info.lookup_target)
            if looked_up.ftype.is_valid:
                return looked_up
            sub = info.to_ftype().sub or text_type()
            return TypedExpr(
                "lookup", sub, True, name=info.lookup_through, target=info.lookup_target
            )
        ftype = info.to_ftype()
        if ftype.kind == "array" and ftype.sub is not None:
            return TypedExpr("field", ftype.sub, True, name=name)
        return TypedExpr("field", ftype, name=name)

    def type_lookup(self, link_name: str, target_name: str) -> TypedExpr:
        info = self.fields.get(link_name)
        if info is None:
            return _unknown_field(link_name)
        if not info.is_link or info.link_fields is None:
            return TypedExpr(
                "lookup",
                invalid_type("first lookup function argument must be a link row field"),
                name=link_name,
                target=target_name,
            )
        target = info.link_fields.get(target_name)
        if target is None:
            message = (
                f"references the deleted or unknown field {target_name} in table "
                f"{info.link_table_name}"
            )
            return TypedExpr("lookup", invalid_type(message), name=link_name, target=target_name)
        return TypedExpr("lookup", target.to_ftype(), True, name=link_name, target=target_name)


def _formula_from(expr: TypedExpr) -> TypedFormula:
    ftype = expr.ftype
    if not ftype.is_valid:
        raise FormulaTypeError(ftype.error or "invalid formula")
    is_array = expr.many or ftype.kind == "array"
    props = ftype.sub if ftype.kind == "array" and ftype.sub is not None else ftype
    return TypedFormula(
        expr=expr,
        formula_type="array" if is_array else ftype.kind,
        array_formula_type=props.kind if is_array else None,
        nullable=props.nullable if is_array else ftype.nullable,  # an array: as its items
        number_decimal_places=props.number_decimal_places,
        date_include_time=props.date_include_time,
        date_format=props.date_format,
        date_time_format=props.date_time_format,
        date_show_tzinfo=props.date_show_tzinfo,
        date_force_timezone=props.date_force_timezone,
        duration_format=props.duration_format,
    )


def typecheck(
    node: Node, fields: Mapping[str, FieldInfo], *, field_name: str | None = None
) -> TypedFormula:
    """Infer the type of ``node`` given the fields it may reference.

    ``field_name`` is the name of the formula field itself; referencing it
    raises :class:`FormulaSelfReferenceError`. Type errors raise
    :class:`FormulaTypeError` with Baserow's message.
    """
    return _formula_from(_Typer(fields, field_name).type_node(node))

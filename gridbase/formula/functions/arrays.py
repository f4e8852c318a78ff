"""Functions over many values: filter (the rows an aggregate reads), has_option and
multiple_select_count (multiple selects, and lookups of selects)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from .. import sqlbuild
from ..errors import FormulaCompileError
from ..ftypes import boolean_type, invalid_type, number_type
from .base import (
    ANY,
    BOOLEAN,
    NUMBER,
    TEXT,
    Arity,
    CompileContext,
    FunctionDef,
    Many,
    TypedExpr,
    fixed_specs,
    fixed_type_rule,
    make_call,
)

Expr = sa.ColumnElement[Any]
INDEX_FILES_ONLY = "index only currently supports indexing file fields."
NOT_MANY = (
    "first input to filter must be an expression of many values (a lookup function call or "
    "a field reference to a lookup/link field)"
)


def _type_filter(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    if not args[0].many:
        return make_call("filter", args, invalid_type(NOT_MANY))
    return make_call("filter", args, args[0].ftype)


def _type_index(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    """Baserow indexes arrays of files only; gridbase's formulas read no files (yet), so every
    array reaching here is refused with Baserow's words."""
    return make_call("index", args, invalid_type(INDEX_FILES_ONLY))


def _compile_index(ctx: CompileContext, node: TypedExpr) -> Expr:
    raise FormulaCompileError("index of a file array cannot be compiled")  # typed invalid


def options_count(ctx: CompileContext, arg: TypedExpr) -> Expr:
    """How many options a multiple select holds; over a lookup, in all linked rows."""
    if not arg.many:
        return sqlbuild.json_array_length(ctx.compile_object(arg), ctx.dialect)

    def build(whole: Expr, _order: Sequence[Any]) -> Expr:
        return sa.func.sum(sqlbuild.json_array_length(whole, ctx.dialect))

    return sa.func.coalesce(ctx.aggregate(arg, build, whole=True), 0)


def _compile_has_option(ctx: CompileContext, node: TypedExpr) -> Expr:
    arg, needle_arg = node.args
    needle = ctx.compile(needle_arg)
    if not arg.many:
        return sqlbuild.json_any_value(ctx.compile_object(arg), needle, ctx.dialect)
    if arg.ftype.kind == "multiple_select":  # a lookup of multiple selects: any row's options

        def any_row(whole: Expr, _order: Sequence[Any]) -> Expr:
            found = sqlbuild.json_any_value(whole, needle, ctx.dialect)
            return sa.func.max(sa.case((found, 1), else_=0))

        return sa.func.coalesce(ctx.aggregate(arg, any_row, whole=True), 0) == 1

    def matching(value: Expr, _order: Sequence[Any]) -> Expr:  # single selects: their values
        return sa.func.max(sa.case((value == needle, 1), else_=0))

    return sa.func.coalesce(ctx.aggregate(arg, matching), 0) == 1


DEFINITIONS: tuple[FunctionDef, ...] = (
    FunctionDef(
        "filter",
        Arity(2, 2),
        fixed_specs(ANY, BOOLEAN),
        _type_filter,
        lambda ctx, node: ctx.compile(node.args[0]),
    ),
    FunctionDef("index", Arity(2, 2), fixed_specs(("array",), NUMBER), _type_index, _compile_index),
    FunctionDef(
        "has_option",
        Arity(2, 2),
        fixed_specs(("multiple_select", "array", Many(("single_select",))), TEXT),
        fixed_type_rule(lambda args: boolean_type()),
        _compile_has_option,
        aggregate=True,
    ),
    FunctionDef(
        "multiple_select_count",
        Arity(1, 1),
        fixed_specs(("multiple_select",)),
        fixed_type_rule(lambda args: number_type(0)),
        lambda ctx, node: options_count(ctx, node.args[0]),
        aggregate=True,
    ),
)

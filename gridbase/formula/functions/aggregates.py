"""Aggregate functions over lookups: sum, avg, min, max, count, join, ..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from .. import sqlbuild
from ..errors import FormulaCompileError
from ..ftypes import boolean_type, number_type, text_type
from .arrays import options_count
from .base import (
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
ORDERABLE = ("text", "number", "char", "date", "duration")


def _require_many(node: TypedExpr) -> TypedExpr:
    arg = node.args[0]
    if not arg.many:
        raise FormulaCompileError(f"{node.name} of a non-lookup value cannot be compiled to SQL")
    return arg


def _simple(sql_function: str, default: Any = None) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        arg = _require_many(node)

        def build(value: Expr, _order: Sequence[Any]) -> Expr:
            aggregated: Expr = getattr(sa.func, sql_function)(value)
            return aggregated

        result = ctx.aggregate(arg, build)
        return result if default is None else sa.func.coalesce(result, default)

    return compile_


def _dialect_aggregate(pg_name: str, sqlite_name: str) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        arg = _require_many(node)
        name = pg_name if ctx.dialect == sqlbuild.POSTGRES else sqlite_name

        def build(value: Expr, _order: Sequence[Any]) -> Expr:
            aggregated: Expr = getattr(sa.func, name)(value)
            return aggregated

        return ctx.aggregate(arg, build)

    return compile_


def _compile_count(ctx: CompileContext, node: TypedExpr) -> Expr:
    if node.args[0].ftype.kind == "multiple_select":  # Baserow: multiple_select_count
        return options_count(ctx, node.args[0])
    arg = _require_many(node)
    return sa.func.coalesce(ctx.aggregate(arg, lambda value, order: sa.func.count()), 0)


def _compile_join(ctx: CompileContext, node: TypedExpr) -> Expr:
    arg = _require_many(node)
    separator = ctx.compile(node.args[1])

    def build(value: Expr, order: Sequence[Any]) -> Expr:
        if ctx.dialect == sqlbuild.POSTGRES:
            text = sa.cast(value, sa.Text())
            if order:
                return sa.func.string_agg(text, aggregate_order_by(separator, *order))
            return sa.func.string_agg(text, separator)
        return sa.func.group_concat(value, separator)

    return ctx.aggregate(arg, build)  # no linked rows: NULL, as in Baserow


def _type_count(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    return make_call("count", args, number_type(0))


def _type_join(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    return make_call("join", args, text_type())


def _type_same_not_null(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    return make_call(definition.name, args, args[0].ftype.with_nullable(False))


def _type_same(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    return make_call(definition.name, args, args[0].ftype.with_nullable(True))


def _aggregate(
    name: str, entries: tuple[Any, ...], type_rule: Any, compile_: Any, coerce: bool = True
) -> FunctionDef:
    return FunctionDef(
        name,
        Arity(1, 1),
        fixed_specs(entries),
        type_rule,
        compile_,
        aggregate=True,
        coerce_nullable=coerce,
    )


DEFINITIONS: tuple[FunctionDef, ...] = (
    _aggregate("sum", (Many(("number", "duration")),), _type_same_not_null, _simple("sum", 0)),
    _aggregate("avg", (Many(("number", "duration")),), _type_same, _simple("avg"), coerce=False),
    _aggregate("min", (Many(ORDERABLE),), _type_same, _simple("min"), coerce=False),
    _aggregate("max", (Many(ORDERABLE),), _type_same, _simple("max"), coerce=False),
    _aggregate(
        "count",
        (Many(), "multiple_select", "multiple_collaborators", "array"),
        _type_count,
        _compile_count,
        coerce=False,
    ),
    _aggregate(
        "any",
        (Many(("boolean",)),),
        fixed_type_rule(lambda args: boolean_type()),
        _dialect_aggregate("bool_or", "max"),
    ),
    _aggregate(
        "every",
        (Many(("boolean",)),),
        fixed_type_rule(lambda args: boolean_type()),
        _dialect_aggregate("bool_and", "min"),
    ),
    *(
        _aggregate(
            name,
            (Many(("number",)),),
            _type_same,
            _dialect_aggregate(pg_name, f"gb_{pg_name}"),
            coerce=False,
        )
        for name, pg_name in (
            ("stddev_pop", "stddev_pop"),
            ("stddev_sample", "stddev_samp"),
            ("variance_pop", "var_pop"),
            ("variance_sample", "var_samp"),
        )
    ),
    FunctionDef(
        "join",
        Arity(2, 2),
        fixed_specs((Many(("text",)), "array"), TEXT),
        _type_join,
        _compile_join,
        aggregate=True,
    ),
)

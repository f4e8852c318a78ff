"""Boolean logic and comparisons: if, and, or, not, =, !=, <, isblank, ..."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from ..ftypes import (
    TEXT_KINDS,
    FType,
    boolean_type,
    calculate_number_type,
    invalid_type,
    number_type,
)
from .base import (
    ANY,
    BOOLEAN,
    ArgEntry,
    Arity,
    CompileContext,
    FunctionDef,
    TypedExpr,
    call_function,
    fixed_specs,
    fixed_type_rule,
    make_call,
)

Expr = sa.ColumnElement[Any]

COMPARABLE = {
    "text": ("text", "date", "number", "boolean", "char", "link"),
    "char": ("text", "date", "number", "boolean", "char", "link"),
    "url": ("text", "date", "number", "boolean", "char", "link"),
    "link": ("link",),
    "button": ("button",),
    "number": ("number", "text"),
    "boolean": ("boolean", "text"),
    "date": ("date", "text"),
    "duration": ("duration",),
    "date_interval": ("date_interval",),
    "single_select": ("single_select",),
}
LIMIT_COMPARABLE = {
    "text": ("text", "char", "link"),
    "char": ("text", "char", "link"),
    "url": ("text", "char", "link"),
    "number": ("number",),
    "date": ("date",),
    "duration": ("duration",),
    "date_interval": ("date_interval",),
}
EMPTY_TEXT_KINDS = TEXT_KINDS | {"single_select"}


def _second_arg_specs(table: Mapping[str, tuple[str, ...]]) -> Any:
    def specs(index: int, types: Sequence[FType]) -> tuple[ArgEntry, ...]:
        if index == 1:
            return table.get(types[0].kind, ())
        return ANY

    return specs


def _type_equal(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    first, second = args
    if first.ftype.kind != second.ftype.kind:
        texts = [call_function("totext", [arg]) for arg in args]
        return call_function(definition.name, texts)
    return make_call(definition.name, args, boolean_type())


def _compile_equal(ctx: CompileContext, node: TypedExpr) -> Expr:
    left, right = (ctx.compile(arg) for arg in node.args)
    return sa.case((left.is_(None), right.is_(None)), else_=left == right)


def _compile_not_equal(ctx: CompileContext, node: TypedExpr) -> Expr:
    return sa.not_(_compile_equal(ctx, node))


def _comparison(operator: str) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        left, right = (ctx.compile(arg) for arg in node.args)
        return left.op(operator, is_comparison=True)(right)

    return compile_


def _type_if(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    condition, then, otherwise = args
    if then.ftype.kind != otherwise.ftype.kind:
        texts = [call_function("totext", [then]), call_function("totext", [otherwise])]
        return call_function("if", [condition, *texts])
    result = then.ftype
    if result.kind == "number":
        result = calculate_number_type([then.ftype, otherwise.ftype])
    nullable = then.ftype.nullable or otherwise.ftype.nullable
    return make_call("if", args, result.with_nullable(nullable))


def _compile_if(ctx: CompileContext, node: TypedExpr) -> Expr:
    condition, then, otherwise = (ctx.compile(arg) for arg in node.args)
    return sa.case((condition, then), else_=otherwise)


def _compile_isblank(ctx: CompileContext, node: TypedExpr) -> Expr:
    arg = node.args[0]
    value = ctx.compile(arg)
    kind = arg.ftype.kind
    if kind in EMPTY_TEXT_KINDS:
        return sa.func.coalesce(value, "") == ""
    if kind in ("number", "duration", "date_interval"):
        return sa.func.coalesce(value, 0) == 0
    if kind == "boolean":
        return sa.not_(sa.func.coalesce(value, sa.false()))
    return value.is_(None)


def _type_when_empty(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    first, second = args
    if first.ftype.kind != second.ftype.kind:
        return make_call(
            definition.name, args, invalid_type("both inputs for when_empty must be the same type")
        )
    return make_call(definition.name, args, first.ftype.with_nullable(second.ftype.nullable))


def _compile_when_empty(ctx: CompileContext, node: TypedExpr) -> Expr:
    first, second = node.args
    value, fallback = ctx.compile(first), ctx.compile(second)
    if first.ftype.kind in EMPTY_TEXT_KINDS:
        return sa.func.coalesce(sa.func.nullif(value, ""), fallback)
    return sa.func.coalesce(value, fallback)


def _compiled(build: Any) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        result: Expr = build(*[ctx.compile(arg) for arg in node.args])
        return result

    return compile_


_BOOL = fixed_type_rule(lambda args: boolean_type())


def _limit_comparison(name: str, operator: str) -> FunctionDef:
    return FunctionDef(
        name,
        Arity(2, 2),
        _second_arg_specs(LIMIT_COMPARABLE),
        _BOOL,
        _comparison(operator),
        operator,
    )


DEFINITIONS: tuple[FunctionDef, ...] = (
    FunctionDef(
        "equal",
        Arity(2, 2),
        _second_arg_specs(COMPARABLE),
        _type_equal,
        _compile_equal,
        "=",
        coerce_nullable=False,
    ),
    FunctionDef(
        "not_equal",
        Arity(2, 2),
        _second_arg_specs(COMPARABLE),
        _type_equal,
        _compile_not_equal,
        "!=",
        coerce_nullable=False,
    ),
    _limit_comparison("greater_than", ">"),
    _limit_comparison("greater_than_or_equal", ">="),
    _limit_comparison("less_than", "<"),
    _limit_comparison("less_than_or_equal", "<="),
    FunctionDef(
        "and",
        Arity(2, 2),
        fixed_specs(BOOLEAN, BOOLEAN),
        _BOOL,
        _compiled(sa.and_),
        "&&",
    ),
    FunctionDef("or", Arity(2, 2), fixed_specs(BOOLEAN, BOOLEAN), _BOOL, _compiled(sa.or_)),
    FunctionDef("not", Arity(1, 1), fixed_specs(BOOLEAN), _BOOL, _compiled(sa.not_)),
    FunctionDef(
        "if",
        Arity(3, 3),
        fixed_specs(BOOLEAN, ANY, ANY),
        _type_if,
        _compile_if,
        coerce_nullable=False,
    ),
    FunctionDef("isblank", Arity(1, 1), fixed_specs(ANY), _BOOL, _compile_isblank),
    FunctionDef(
        "is_null",
        Arity(1, 1),
        fixed_specs(ANY),
        _BOOL,
        _compiled(lambda value: value.is_(None)),
        coerce_nullable=False,
    ),
    FunctionDef(
        "row_id",
        Arity(0, 0),
        fixed_specs(()),
        fixed_type_rule(lambda args: number_type(0)),
        lambda ctx, node: ctx.row_id(),
    ),
    FunctionDef(
        "when_empty",
        Arity(2, 2),
        fixed_specs(ANY, ANY),
        _type_when_empty,
        _compile_when_empty,
        coerce_nullable=False,
    ),
)

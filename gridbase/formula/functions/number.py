"""Arithmetic operators and number functions (round, abs, floor, ...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from .. import sqlbuild
from ..ftypes import (
    DEFAULT_DURATION_FORMAT,
    NUMBER_MAX_DECIMAL_PLACES,
    FType,
    boolean_type,
    calculate_number_type,
    duration_type,
    number_type,
)
from .base import (
    ANY,
    NUMBER,
    TEXT,
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
INTERVAL_KINDS = ("duration", "date_interval")

ADDABLE = {
    "number": ("number",),
    "text": ("text", "char", "link"),
    "char": ("text", "char", "link"),
    "date": ("date_interval", "duration"),
    "duration": ("duration", "date"),
    "date_interval": ("date_interval", "date"),
}
SUBTRACTABLE = {
    "number": ("number",),
    "date": ("date", "date_interval", "duration"),
    "duration": ("duration",),
    "date_interval": ("date_interval",),
}
MULTIPLIABLE = {"number": ("number", "duration"), "duration": ("number",)}
DIVIDABLE = {"number": ("number",), "duration": ("number",)}


def _second_arg_specs(table: Mapping[str, tuple[str, ...]]) -> Any:
    def specs(index: int, types: Sequence[FType]) -> tuple[ArgEntry, ...]:
        if index == 1:
            return table.get(types[0].kind, ())
        return ANY

    return specs


def _nullable(*args: TypedExpr) -> bool:
    return any(arg.ftype.nullable for arg in args)


def _type_add(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    first, second = args
    kind1, kind2 = first.ftype.kind, second.ftype.kind
    if kind1 == "number":
        return make_call("add", args, calculate_number_type([first.ftype, second.ftype]))
    if kind1 in ("text", "char"):
        return call_function("concat", args)
    if kind1 in INTERVAL_KINDS and kind2 == "date":
        result = second.ftype
    else:
        result = first.ftype
    return make_call("add", args, result.with_nullable(_nullable(first, second)))


def _type_minus(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    first, second = args
    if first.ftype.kind == "number":
        return make_call("minus", args, calculate_number_type([first.ftype, second.ftype]))
    if first.ftype.kind == "date" and second.ftype.kind == "date":
        return make_call("minus", args, duration_type(nullable=_nullable(first, second)))
    if first.ftype.kind in INTERVAL_KINDS:
        fmt = first.ftype.duration_format or DEFAULT_DURATION_FORMAT
        return make_call("minus", args, duration_type(fmt, _nullable(first, second)))
    return make_call("minus", args, first.ftype)


def _type_multiply(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    first, second = args
    if second.ftype.kind in INTERVAL_KINDS:
        return make_call("multiply", args, second.ftype)
    if first.ftype.kind in INTERVAL_KINDS:
        fmt = first.ftype.duration_format or DEFAULT_DURATION_FORMAT
        return make_call("multiply", args, duration_type(fmt, _nullable(first, second)))
    return make_call("multiply", args, calculate_number_type([first.ftype, second.ftype]))


def _type_divide(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    first, second = args
    if first.ftype.kind in INTERVAL_KINDS:
        fmt = first.ftype.duration_format or DEFAULT_DURATION_FORMAT
        return make_call("divide", args, duration_type(fmt, _nullable(first, second)))
    return make_call("divide", args, number_type(NUMBER_MAX_DECIMAL_PLACES))


def _compile_add(ctx: CompileContext, node: TypedExpr) -> Expr:
    first, second = node.args
    left, right = ctx.compile(first), ctx.compile(second)
    if first.ftype.kind == "date":
        return sqlbuild.add_seconds(left, first.ftype, right, ctx.dialect)
    if second.ftype.kind == "date":
        return sqlbuild.add_seconds(right, second.ftype, left, ctx.dialect)
    return left + right


def _compile_minus(ctx: CompileContext, node: TypedExpr) -> Expr:
    first, second = node.args
    left, right = ctx.compile(first), ctx.compile(second)
    if first.ftype.kind == "date" and second.ftype.kind == "date":
        return sqlbuild.epoch_seconds(left, first.ftype, ctx.dialect) - sqlbuild.epoch_seconds(
            right, second.ftype, ctx.dialect
        )
    if first.ftype.kind == "date":
        return sqlbuild.add_seconds(left, first.ftype, -right, ctx.dialect)
    return left - right


def _binary(build: Any) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        result: Expr = build(ctx, *[ctx.compile(arg) for arg in node.args])
        return result

    return compile_


def _type_round(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    places = args[1]
    if places.op == "literal":
        guessed = int(places.value)
    else:
        guessed = NUMBER_MAX_DECIMAL_PLACES
    guessed = min(max(guessed, 0), NUMBER_MAX_DECIMAL_PLACES)
    return make_call("round", args, number_type(guessed))


def _greatest_least(pick_first_when: str) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        a, b = (ctx.compile(arg) for arg in node.args)
        first_wins = a >= b if pick_first_when == ">=" else a <= b
        return sa.case((a.is_(None), b), (b.is_(None), a), (first_wins, a), else_=b)

    return compile_


def _type_greatest_least(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    result = calculate_number_type([arg.ftype for arg in args])
    nullable = all(arg.ftype.nullable for arg in args)
    return make_call(definition.name, args, result.with_nullable(nullable))


def _tonumber(ctx: CompileContext, value: Expr) -> Expr:
    if ctx.dialect == sqlbuild.POSTGRES:
        pattern = r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"
        return sa.case(
            (value.op("~")(pattern), sa.cast(sa.func.trim(value), sa.Numeric())),
            else_=sa.null(),
        )
    trimmed = sa.func.trim(value)
    return sa.case(
        (trimmed.op("GLOB")("*[^0-9.eE+-]*"), sa.null()),
        (sa.not_(trimmed.op("GLOB")("*[0-9]*")), sa.null()),
        else_=sa.cast(trimmed, sa.Float()),
    )


def _mod(ctx: CompileContext, a: Expr, b: Expr) -> Expr:
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.func.mod(sa.cast(a, sa.Numeric()), sa.func.nullif(sa.cast(b, sa.Numeric()), 0))
    return sa.func.mod(a, sa.func.nullif(b, 0))


def _power(ctx: CompileContext, a: Expr, b: Expr) -> Expr:
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.func.power(sa.cast(a, sa.Numeric()), sa.cast(b, sa.Numeric()))
    return sa.func.power(a, b)


def _sqrt(ctx: CompileContext, a: Expr) -> Expr:
    return sa.case((a < 0, sa.null()), else_=sa.func.sqrt(sqlbuild.as_numeric(a, ctx.dialect)))


# Beyond this e**x overflows a double (SQLite) and any number field; NULL like other invalid input.
EXP_LIMIT = 700


def _ln(ctx: CompileContext, a: Expr) -> Expr:
    return sa.case((a <= 0, sa.null()), else_=sa.func.ln(sqlbuild.as_numeric(a, ctx.dialect)))


def _exp(ctx: CompileContext, a: Expr) -> Expr:
    return sa.case(
        (a > EXP_LIMIT, sa.null()), else_=sa.func.exp(sqlbuild.as_numeric(a, ctx.dialect))
    )


def _log(ctx: CompileContext, base: Expr, a: Expr) -> Expr:
    """log(base, number), NULL where the logarithm is undefined (as Baserow's NaN)."""
    invalid = sa.or_(base <= 0, base == 1, a <= 0)
    value = sa.func.log(sqlbuild.as_numeric(base, ctx.dialect), sqlbuild.as_numeric(a, ctx.dialect))
    return sa.case((invalid, sa.null()), else_=value)


def _trunc(ctx: CompileContext, a: Expr) -> Expr:
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.func.trunc(sa.cast(a, sa.Numeric()))
    return sa.cast(a, sa.Integer())


def _number_fn(name: str, build: Any, type_rule: Any, *specs: tuple[ArgEntry, ...]) -> FunctionDef:
    return FunctionDef(
        name, Arity(len(specs), len(specs)), fixed_specs(*specs), type_rule, _binary(build)
    )


_SAME = fixed_type_rule(lambda args: args[0].ftype)
_INT = fixed_type_rule(lambda args: number_type(0))
_INT_NULLABLE = fixed_type_rule(lambda args: number_type(0, args[0].ftype.nullable))
_CALC = fixed_type_rule(lambda args: calculate_number_type([a.ftype for a in args]))
_BOOL = fixed_type_rule(lambda args: boolean_type())

DEFINITIONS: tuple[FunctionDef, ...] = (
    FunctionDef("add", Arity(2, 2), _second_arg_specs(ADDABLE), _type_add, _compile_add, "+"),
    FunctionDef(
        "minus", Arity(2, 2), _second_arg_specs(SUBTRACTABLE), _type_minus, _compile_minus, "-"
    ),
    FunctionDef(
        "multiply",
        Arity(2, 2),
        _second_arg_specs(MULTIPLIABLE),
        _type_multiply,
        _binary(lambda ctx, a, b: a * b),
        "*",
    ),
    FunctionDef(
        "divide",
        Arity(2, 2),
        _second_arg_specs(DIVIDABLE),
        _type_divide,
        _binary(lambda ctx, a, b: sqlbuild.divide(a, b, ctx.dialect)),
        "/",
    ),
    FunctionDef(
        "tonumber",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(lambda args: number_type(NUMBER_MAX_DECIMAL_PLACES)),
        _binary(_tonumber),
    ),
    FunctionDef(
        "round",
        Arity(2, 2),
        fixed_specs(NUMBER, NUMBER),
        _type_round,
        _binary(lambda ctx, a, b: sqlbuild.round_number(a, b, ctx.dialect)),
    ),
    FunctionDef(
        "greatest",
        Arity(2, 2),
        fixed_specs(NUMBER, NUMBER),
        _type_greatest_least,
        _greatest_least(">="),
        coerce_nullable=False,
    ),
    FunctionDef(
        "least",
        Arity(2, 2),
        fixed_specs(NUMBER, NUMBER),
        _type_greatest_least,
        _greatest_least("<="),
        coerce_nullable=False,
    ),
    _number_fn("abs", lambda ctx, a: sa.func.abs(a), _SAME, NUMBER),
    _number_fn("floor", lambda ctx, a: sqlbuild.floor(a, ctx.dialect), _INT, NUMBER),
    _number_fn("ceil", lambda ctx, a: sqlbuild.ceil(a, ctx.dialect), _INT, NUMBER),
    _number_fn("trunc", _trunc, _INT_NULLABLE, NUMBER),
    _number_fn("int", _trunc, _INT_NULLABLE, NUMBER),
    _number_fn("sign", lambda ctx, a: sa.func.sign(a), _INT, NUMBER),
    _number_fn("sqrt", _sqrt, _SAME, NUMBER),
    _number_fn("ln", _ln, _SAME, NUMBER),
    _number_fn("exp", _exp, _SAME, NUMBER),
    _number_fn("log", _log, _CALC, NUMBER, NUMBER),
    _number_fn("mod", _mod, _CALC, NUMBER, NUMBER),
    _number_fn("power", _power, _CALC, NUMBER, NUMBER),
    _number_fn("even", lambda ctx, a: _mod(ctx, a, sa.literal(2)) == 0, _BOOL, NUMBER),
    _number_fn("odd", lambda ctx, a: _mod(ctx, a, sa.literal(2)) == 1, _BOOL, NUMBER),
    # Baserow's NaN (a division by zero, an undefined logarithm) is NULL here; nulls of the
    # arguments themselves were coalesced to 0 before (try_coerce_to_not_null)
    _number_fn("is_nan", lambda ctx, a: a.is_(None), _BOOL, NUMBER),
    _number_fn("when_nan", lambda ctx, a, b: sa.func.coalesce(a, b), _CALC, NUMBER, NUMBER),
)

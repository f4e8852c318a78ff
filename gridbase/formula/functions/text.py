"""Text functions: concat, totext, upper, lower, trim, length, left, ..."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .. import sqlbuild
from ..errors import FormulaCompileError
from ..ftypes import TEXT_KINDS, boolean_type, number_type, text_type
from .base import (
    ANY,
    NUMBER,
    TEXT,
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
REGEX_ERROR = "#ERROR!"


def _text_like_arg(args: list[TypedExpr]) -> Any:
    return text_type(nullable=args[0].ftype.nullable)


def to_text_sql(ctx: CompileContext, arg: TypedExpr) -> Expr:
    """SQL text of ``arg`` as Baserow's ``totext`` renders it ('' for NULL)."""
    value = ctx.compile(arg)
    ftype = arg.ftype
    kind = ftype.kind
    if kind in TEXT_KINDS or kind == "single_select":
        text = value
    elif kind == "number":
        text = sqlbuild.number_to_text(value, ftype.number_decimal_places or 0, ctx.dialect)
    elif kind == "boolean":
        text = sa.case((value.is_(None), sa.null()), (value, "true"), else_="false")
    elif kind == "date":
        text = sqlbuild.format_date(value, ftype, ctx.dialect)
    elif kind in ("duration", "date_interval"):
        text = sa.cast(value, sa.String())
    else:
        raise FormulaCompileError(f"cannot convert a {kind} value to text in SQL")
    return sa.func.coalesce(text, "")


def _type_totext(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    arg = args[0]
    if arg.ftype.kind in TEXT_KINDS:
        return TypedExpr(arg.op, text_type(), arg.many, arg.value, arg.name, arg.target, arg.args)
    if arg.ftype.kind in ("link", "button"):  # Baserow: a link's text is its label
        return call_function("get_link_label", args)
    return make_call(definition.name, args, text_type())


def _type_concat(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    texts = [call_function("totext", [arg]) for arg in args]
    return make_call(definition.name, texts, text_type())


def _compile_concat(ctx: CompileContext, node: TypedExpr) -> Expr:
    return sqlbuild.concat([sa.func.coalesce(ctx.compile(arg), "") for arg in node.args])


def _unary(build: Any) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        result: Expr = build(ctx, *[ctx.compile(arg) for arg in node.args])
        return result

    return compile_


def _trim(ctx: CompileContext, value: Expr) -> Expr:
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.func.regexp_replace(value, r"(^\s+|\s+$)", "", "g")
    return sa.func.trim(value, " \t\r\n\f\v")


def _reverse(ctx: CompileContext, value: Expr) -> Expr:
    return sa.func.reverse(value) if ctx.dialect == sqlbuild.POSTGRES else sa.func.gb_reverse(value)


def _split_part(ctx: CompileContext, text: Expr, delimiter: Expr, position: Expr) -> Expr:
    """The position-th part of text split by delimiter ('' for positions below 1, as Baserow)."""
    index = sqlbuild.to_integer(position, ctx.dialect, sqlbuild.INT32)
    split = sa.func.split_part if ctx.dialect == sqlbuild.POSTGRES else sa.func.gb_split_part
    return sa.case((position < 1, ""), else_=split(text, delimiter, index))


def _regex_replace(ctx: CompileContext, text: Expr, pattern: Expr, replacement: Expr) -> Expr:
    """Baserow's try_regexp_replace(..., 'g', '#ERROR!'): PostgreSQL's regular expressions
    (SQLite: storage/pg_regex.py), '#ERROR!' for a pattern PostgreSQL refuses."""
    error = sa.literal(REGEX_ERROR, sa.String())
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.func.gb_try_regexp_replace(text, pattern, replacement, error)
    return sa.func.gb_regexp_replace(text, pattern, replacement, error)


def _type_left_right(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    return make_call(definition.name, args, args[0].ftype.with_nullable(True))


DEFINITIONS: tuple[FunctionDef, ...] = (
    FunctionDef(
        "totext",
        Arity(1, 1),
        fixed_specs(ANY),
        _type_totext,
        lambda ctx, node: to_text_sql(ctx, node.args[0]),
        coerce_nullable=False,
    ),
    FunctionDef(
        "concat",
        Arity(2, None),
        fixed_specs(ANY),
        _type_concat,
        _compile_concat,
        coerce_nullable=False,
    ),
    FunctionDef(
        "upper",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(_text_like_arg),
        _unary(lambda ctx, value: sa.func.upper(value)),
    ),
    FunctionDef(
        "lower",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(_text_like_arg),
        _unary(lambda ctx, value: sa.func.lower(value)),
    ),
    FunctionDef(
        "trim",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(lambda args: args[0].ftype),
        _unary(_trim),
    ),
    FunctionDef(
        "length",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(lambda args: number_type(0)),
        _unary(lambda ctx, value: sa.func.length(value)),
    ),
    FunctionDef(
        "search",
        Arity(2, 2),
        fixed_specs(TEXT, TEXT),
        fixed_type_rule(lambda args: number_type(0)),
        _unary(lambda ctx, a, b: sqlbuild.string_position(a, b, ctx.dialect)),
    ),
    FunctionDef(
        "contains",
        Arity(2, 2),
        fixed_specs(TEXT, TEXT),
        fixed_type_rule(lambda args: boolean_type()),
        _unary(lambda ctx, a, b: sqlbuild.string_position(a, b, ctx.dialect) != 0),
    ),
    FunctionDef(
        "replace",
        Arity(3, 3),
        fixed_specs(TEXT, TEXT, TEXT),
        fixed_type_rule(lambda args: text_type()),
        _unary(lambda ctx, a, b, c: sa.func.replace(a, b, c)),
    ),
    FunctionDef(
        "regex_replace",
        Arity(3, 3),
        fixed_specs(TEXT, TEXT, TEXT),
        fixed_type_rule(lambda args: args[0].ftype),
        _unary(_regex_replace),
    ),
    FunctionDef(
        "reverse",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(_text_like_arg),
        _unary(_reverse),
    ),
    FunctionDef(
        "split_part",
        Arity(3, 3),
        fixed_specs(TEXT, TEXT, NUMBER),
        fixed_type_rule(lambda args: text_type(nullable=any(a.ftype.nullable for a in args))),
        _unary(_split_part),
    ),
    FunctionDef(
        "left",
        Arity(2, 2),
        fixed_specs(TEXT, NUMBER),
        _type_left_right,
        _unary(lambda ctx, a, b: sqlbuild.left(a, b, ctx.dialect)),
    ),
    FunctionDef(
        "right",
        Arity(2, 2),
        fixed_specs(TEXT, NUMBER),
        _type_left_right,
        _unary(lambda ctx, a, b: sqlbuild.right(a, b, ctx.dialect)),
    ),
    FunctionDef(
        "t",
        Arity(1, 1),
        fixed_specs(ANY),
        lambda definition, args: (
            args[0]
            if args[0].ftype.kind == "text"
            else make_call("t", args, text_type(nullable=args[0].ftype.nullable))
        ),
        lambda ctx, node: sa.literal("", sa.String()),
    ),
    FunctionDef(
        "get_single_select_value",
        Arity(1, 1),
        fixed_specs(("single_select",)),
        fixed_type_rule(_text_like_arg),
        lambda ctx, node: ctx.compile(node.args[0]),
    ),
)

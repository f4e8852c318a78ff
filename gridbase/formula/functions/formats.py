"""Dates as text and text as dates, with a template and a time zone: datetime_format,
datetime_format_tz and todate_tz (PostgreSQL's to_char and to_timestamp; SQLite's gb_
emulations of them, storage/pg_datetime.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .. import sqlbuild
from ..ftypes import date_type, text_type
from .base import (
    DATE,
    TEXT,
    Arity,
    CompileContext,
    FunctionDef,
    TypedExpr,
    fixed_specs,
    fixed_type_rule,
)

Expr = sa.ColumnElement[Any]


def _stamp(ctx: CompileContext, arg: TypedExpr) -> Expr:
    return sqlbuild.as_timestamptz(ctx.compile(arg), arg.ftype, ctx.dialect)


def _compile_datetime_format(ctx: CompileContext, node: TypedExpr) -> Expr:
    """to_char in UTC (Baserow's session time zone), whatever the field's own time zone."""
    stamp, template = _stamp(ctx, node.args[0]), ctx.compile(node.args[1])
    return sa.func.coalesce(sa.func.trim(sa.func.gb_datetime_format(stamp, template)), "")


def _compile_datetime_format_tz(ctx: CompileContext, node: TypedExpr) -> Expr:
    stamp = _stamp(ctx, node.args[0])
    template, zone = ctx.compile(node.args[1]), ctx.compile(node.args[2])
    if ctx.dialect == sqlbuild.POSTGRES:
        text = sa.func.gb_try_datetime_format_tz(stamp, template, zone)
    else:
        text = sa.func.gb_datetime_format_tz(stamp, template, zone)
    return sa.func.trim(sa.func.coalesce(text, ""))


def _compile_todate_tz(ctx: CompileContext, node: TypedExpr) -> Expr:
    text, template, zone = (ctx.compile(arg) for arg in node.args)
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.func.gb_try_cast_to_date_tz(text, template, zone)
    return sa.func.gb_cast_to_date_tz(text, template, zone)


def _todate_tz_type(args: list[TypedExpr]) -> Any:
    """A datetime shown with its zone; a zone written in the formula becomes the field's."""
    zone = args[2]
    return date_type(
        True,
        nullable=True,
        show_tzinfo=True,
        force_timezone=str(zone.value) if zone.op == "literal" else None,
    )


DEFINITIONS: tuple[FunctionDef, ...] = (
    FunctionDef(
        "datetime_format",
        Arity(2, 2),
        fixed_specs(DATE, TEXT),
        fixed_type_rule(lambda args: text_type(nullable=args[0].ftype.nullable)),
        _compile_datetime_format,
    ),
    FunctionDef(
        "datetime_format_tz",
        Arity(3, 3),
        fixed_specs(DATE, TEXT, TEXT),
        fixed_type_rule(lambda args: text_type(nullable=True)),
        _compile_datetime_format_tz,
    ),
    FunctionDef(
        "todate_tz",
        Arity(3, 3),
        fixed_specs(TEXT, TEXT, TEXT),
        fixed_type_rule(_todate_tz_type),
        _compile_todate_tz,
    ),
)

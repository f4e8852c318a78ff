"""Date functions: now, today, year, month, day, todate, date_diff, ..."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from .. import sqlbuild
from ..errors import FormulaCompileError
from ..ftypes import date_type, duration_type, invalid_type, number_type
from ..intervals import interval_seconds
from .base import (
    DATE,
    NUMBER,
    TEXT,
    Arity,
    CompileContext,
    FunctionDef,
    TypedExpr,
    fixed_specs,
    fixed_type_rule,
    make_call,
)

Expr = sa.ColumnElement[Any]

DATE_DIFF_UNITS = {
    "year": ("yy", "yyyy", "year", "years"),
    "month": ("mm", "m", "month", "months"),
    "week": ("wk", "ww", "week", "weeks"),
    "day": ("dd", "d", "day", "days"),
    "hour": ("hh", "hour", "hours"),
    "minute": ("mi", "n", "minute", "minutes"),
    "second": ("ss", "s", "second", "seconds"),
}
_SECONDS_PER_UNIT = {"week": 604800, "day": 86400, "hour": 3600, "minute": 60, "second": 1}
# PostgreSQL to_date tokens -> (regex, SQLite GLOB, SQLite width)
_FORMAT_TOKENS = (
    ("YYYY", r"\d{4}", "[0-9][0-9][0-9][0-9]"),
    ("HH24", r"\d{1,2}", "[0-9][0-9]"),
    ("MM", r"\d{1,2}", "[0-9][0-9]"),
    ("DD", r"\d{1,2}", "[0-9][0-9]"),
)


def _part(name: str) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        arg = node.args[0]
        return sqlbuild.date_part(ctx.compile(arg), arg.ftype, name, ctx.dialect)

    return compile_


def _date_diff_for_unit(ctx: CompileContext, unit: str, start: TypedExpr, end: TypedExpr) -> Expr:
    start_sql, end_sql = ctx.compile(start), ctx.compile(end)
    dialect = ctx.dialect
    if unit in ("year", "month"):
        years = sqlbuild.date_part(end_sql, end.ftype, "year", dialect) - sqlbuild.date_part(
            start_sql, start.ftype, "year", dialect
        )
        if unit == "year":
            return years
        months = sqlbuild.date_part(end_sql, end.ftype, "month", dialect) - sqlbuild.date_part(
            start_sql, start.ftype, "month", dialect
        )
        return years * 12 + months
    seconds = sqlbuild.epoch_seconds(end_sql, end.ftype, dialect) - sqlbuild.epoch_seconds(
        start_sql, start.ftype, dialect
    )
    divided = sqlbuild.divide(seconds, sa.literal(_SECONDS_PER_UNIT[unit]), dialect)
    return sqlbuild.to_integer(divided, dialect)


def _compile_date_diff(ctx: CompileContext, node: TypedExpr) -> Expr:
    unit_arg, start, end = node.args
    if unit_arg.op == "literal":
        wanted = str(unit_arg.value).strip().lower()
        for unit, aliases in DATE_DIFF_UNITS.items():
            if wanted in aliases:
                return _date_diff_for_unit(ctx, unit, start, end)
        return sa.null()
    unit_sql = sa.func.lower(sa.func.trim(ctx.compile(unit_arg)))
    whens = [
        (unit_sql.in_(aliases), _date_diff_for_unit(ctx, unit, start, end))
        for unit, aliases in DATE_DIFF_UNITS.items()
    ]
    return sa.case(*whens, else_=sa.null())


def _format_patterns(fmt: str) -> tuple[str, str, dict[str, int]]:
    """Regex, GLOB pattern and 1-based positions of the parts of ``fmt``."""
    regex, glob, positions = "^", "", {}
    index, width = 0, 0
    while index < len(fmt):
        for token, token_regex, token_glob in _FORMAT_TOKENS:
            if fmt.upper().startswith(token, index):
                positions[token] = width + 1
                regex += token_regex
                glob += token_glob
                width += 4 if token == "YYYY" else 2
                index += len(token)
                break
        else:
            char = fmt[index]
            regex += re.escape(char)
            glob += f"[{char}]" if char in "*?[]" else char
            width += 1
            index += 1
    return regex + "$", glob, positions


def _compile_todate(ctx: CompileContext, node: TypedExpr) -> Expr:
    text_arg, format_arg = node.args
    text = ctx.compile(text_arg)
    if format_arg.op != "literal":
        if ctx.dialect == sqlbuild.POSTGRES:
            fmt = ctx.compile(format_arg)
            return sa.case(
                (sa.func.coalesce(text, "") == "", sa.null()), else_=sa.func.to_date(text, fmt)
            )
        raise FormulaCompileError("todate needs a literal format on SQLite")
    regex, glob, positions = _format_patterns(str(format_arg.value))
    trimmed = sa.func.trim(text)
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.case(
            (trimmed.op("~")(regex), sa.func.to_date(trimmed, str(format_arg.value))),
            else_=sa.null(),
        )
    if not {"YYYY", "MM", "DD"} <= set(positions):
        raise FormulaCompileError("todate on SQLite needs YYYY, MM and DD in the format")

    def piece(token: str) -> Expr:
        return sa.func.substr(trimmed, positions[token], 4 if token == "YYYY" else 2)

    iso = sqlbuild.concat(
        [piece("YYYY"), sa.literal("-"), piece("MM"), sa.literal("-"), piece("DD")]
    )
    return sa.case((trimmed.op("GLOB")(glob), sa.func.date(iso)), else_=sa.null())


def _compile_date_interval(ctx: CompileContext, node: TypedExpr) -> Expr:
    arg = node.args[0]
    if arg.op == "literal":
        seconds = interval_seconds(str(arg.value))
        if seconds is None:
            return sa.cast(sa.null(), sa.Float())
        return sqlbuild.number_literal(seconds, ctx.dialect)
    if ctx.dialect == sqlbuild.POSTGRES:
        return sa.extract("epoch", sa.cast(sa.func.nullif(ctx.compile(arg), ""), sa.Interval()))
    raise FormulaCompileError("date_interval needs a literal text on SQLite")


def _type_second(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    arg = args[0]
    if not arg.ftype.date_include_time:
        return make_call(
            "second", args, invalid_type("cannot extract seconds from a date without time")
        )
    return make_call("second", args, number_type(0, arg.ftype.nullable))


_PART_TYPE = fixed_type_rule(lambda args: number_type(0, args[0].ftype.nullable))

DEFINITIONS: tuple[FunctionDef, ...] = (
    FunctionDef(
        "now",
        Arity(0, 0),
        fixed_specs(()),
        fixed_type_rule(lambda args: date_type(True)),
        lambda ctx, node: sqlbuild.now(ctx.dialect, True),
    ),
    FunctionDef(
        "today",
        Arity(0, 0),
        fixed_specs(()),
        fixed_type_rule(lambda args: date_type(False, force_timezone="UTC")),
        lambda ctx, node: sqlbuild.now(ctx.dialect, False),
    ),
    FunctionDef("year", Arity(1, 1), fixed_specs(DATE), _PART_TYPE, _part("year")),
    FunctionDef("month", Arity(1, 1), fixed_specs(DATE), _PART_TYPE, _part("month")),
    FunctionDef("day", Arity(1, 1), fixed_specs(DATE), _PART_TYPE, _part("day")),
    FunctionDef("second", Arity(1, 1), fixed_specs(DATE), _type_second, _part("second")),
    FunctionDef(
        "todate",
        Arity(2, 2),
        fixed_specs(TEXT, TEXT),
        fixed_type_rule(lambda args: date_type(False, nullable=True)),
        _compile_todate,
    ),
    FunctionDef(
        "date_diff",
        Arity(3, 3),
        fixed_specs(TEXT, DATE, DATE),
        fixed_type_rule(
            lambda args: number_type(0, args[1].ftype.nullable or args[2].ftype.nullable)
        ),
        _compile_date_diff,
    ),
    FunctionDef(
        "date_interval",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(lambda args: duration_type(nullable=True)),
        _compile_date_interval,
    ),
    FunctionDef(
        "toseconds",
        Arity(1, 1),
        fixed_specs(("duration",)),
        fixed_type_rule(lambda args: number_type(0)),
        lambda ctx, node: ctx.compile(node.args[0]),
    ),
    FunctionDef(
        "toduration",
        Arity(1, 1),
        fixed_specs(NUMBER),
        fixed_type_rule(lambda args: duration_type(nullable=True)),
        lambda ctx, node: ctx.compile(node.args[0]),
    ),
)

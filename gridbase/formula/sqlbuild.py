"""Dialect-aware SQL building blocks (SQLite and PostgreSQL).

Conventions: numbers are numeric (PostgreSQL) or INTEGER/REAL (SQLite);
durations are seconds; on SQLite dates are normalised ISO strings
(``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM:SS``, UTC).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSON, JSONB

from .errors import FormulaCompileError
from .ftypes import FType

POSTGRES = "postgresql"
SQLITE = "sqlite"
SUPPORTED_DIALECTS = (POSTGRES, SQLITE)

Expr = sa.ColumnElement[Any]

_SQLITE_DATE_FORMATS = {"EU": "%d/%m/%Y", "US": "%m/%d/%Y", "ISO": "%Y-%m-%d"}
_PG_DATE_FORMATS = {"EU": "DD/MM/YYYY", "US": "MM/DD/YYYY", "ISO": "YYYY-MM-DD"}
_SQLITE_PARTS = {
    "year": "%Y",
    "month": "%m",
    "day": "%d",
    "hour": "%H",
    "minute": "%M",
    "second": "%S",
}


def check_dialect(dialect: str) -> str:
    """Validate and return ``dialect``."""
    if dialect not in SUPPORTED_DIALECTS:
        raise FormulaCompileError(f"unsupported SQL dialect {dialect}")
    return dialect


def text_literal(value: str) -> Expr:
    """A bound text value."""
    return sa.literal(value, sa.String())


INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def number_literal(value: Decimal | int, dialect: str) -> Expr:
    """A bound number with the dialect's natural numeric type (integers beyond 64 bits are
    decimals: PostgreSQL would refuse them as BIGINT, SQLite cannot bind them)."""
    decimal = Decimal(value)
    integral = decimal == decimal.to_integral_value() and INT64[0] <= decimal <= INT64[1]
    if integral and isinstance(value, int):
        return sa.literal(int(decimal), sa.BigInteger())
    if dialect == POSTGRES:
        return sa.literal(decimal, sa.Numeric())
    if integral:
        return sa.literal(int(decimal), sa.BigInteger())
    return sa.literal(float(decimal), sa.Float())


def boolean_literal(value: bool) -> Expr:
    """``true``/``false`` (``1``/``0`` on SQLite)."""
    return sa.true() if value else sa.false()


def to_integer(expr: Expr, dialect: str, bounds: tuple[int, int] = INT64) -> Expr:
    """Truncate a number to an integer, clamped to ``bounds`` (PostgreSQL raises on an
    overflowing cast; SQLite clamps to 64 bits itself). INT32 suits positions and counts,
    which PostgreSQL's text functions take as ``integer``."""
    if dialect == POSTGRES:
        low, high = (sa.literal(b, sa.Numeric()) for b in bounds)
        whole = sa.func.trunc(sa.cast(expr, sa.Numeric()))
        clamped = sa.case((whole < low, low), (whole > high, high), else_=whole)  # NULL stays NULL
        return sa.cast(clamped, sa.Integer() if bounds == INT32 else sa.BigInteger())
    return sa.cast(expr, sa.Integer())


def as_numeric(expr: Expr, dialect: str) -> Expr:
    """Make sure arithmetic on ``expr`` is not integer arithmetic."""
    if dialect == POSTGRES:
        return sa.cast(expr, sa.Numeric())
    return sa.cast(expr, sa.Float())


def divide(left: Expr, right: Expr, dialect: str) -> Expr:
    """``left / right`` as decimal division; NULL when ``right`` is 0."""
    return as_numeric(left, dialect) / sa.func.nullif(as_numeric(right, dialect), 0)


def round_number(expr: Expr, places: Expr | int, dialect: str) -> Expr:
    """Round half away from zero to ``places`` decimals."""
    if dialect == POSTGRES:
        if not isinstance(places, int):
            places = to_integer(places, dialect, INT32)
        return sa.func.round(sa.cast(expr, sa.Numeric()), places)
    if not isinstance(places, int):
        places = to_integer(places, dialect)
    return sa.func.round(expr, places)


def floor(expr: Expr, dialect: str) -> Expr:
    """Largest integer not above ``expr``."""
    if dialect == POSTGRES:
        return sa.func.floor(sa.cast(expr, sa.Numeric()))
    truncated = sa.cast(expr, sa.Integer())
    return truncated - sa.case((expr < truncated, 1), else_=0)


def ceil(expr: Expr, dialect: str) -> Expr:
    """Smallest integer not below ``expr``."""
    if dialect == POSTGRES:
        return sa.func.ceil(sa.cast(expr, sa.Numeric()))
    truncated = sa.cast(expr, sa.Integer())
    return truncated + sa.case((expr > truncated, 1), else_=0)


def concat(parts: list[Expr]) -> Expr:
    """``a || b || ...`` (callers make sure no part is NULL)."""
    result = parts[0]
    for part in parts[1:]:
        result = result.op("||")(part)
    return sa.type_coerce(result, sa.String())


def number_to_text(expr: Expr, places: int, dialect: str) -> Expr:
    """Text of a number with exactly ``places`` decimals; NULL stays NULL."""
    if dialect == POSTGRES:
        return sa.cast(sa.func.round(sa.cast(expr, sa.Numeric()), places), sa.Text())
    formatted = sa.func.printf(f"%.{places}f", expr)
    return sa.case((expr.is_(None), sa.null()), else_=formatted)


def string_position(haystack: Expr, needle: Expr, dialect: str) -> Expr:
    """1-based index of ``needle`` in ``haystack`` (0 when absent)."""
    if dialect == POSTGRES:
        return sa.func.strpos(haystack, needle)
    return sa.func.instr(haystack, needle)


def left(text: Expr, count: Expr, dialect: str) -> Expr:
    """First ``count`` characters."""
    if dialect == POSTGRES:
        return sa.func.left(text, to_integer(count, dialect, INT32))
    return sa.func.substr(text, 1, to_integer(count, dialect))


def right(text: Expr, count: Expr, dialect: str) -> Expr:
    """Last ``count`` characters."""
    if dialect == POSTGRES:
        return sa.func.right(text, to_integer(count, dialect, INT32))
    amount = to_integer(count, dialect)
    # start where the last `amount` characters begin (substr with a start before 1 loses them)
    start = sa.func.max(1, sa.func.length(text) - amount + 1)
    return sa.case((amount <= 0, ""), else_=sa.func.substr(text, start))


def normalise_date(expr: Expr, ftype: FType, dialect: str) -> Expr:
    """Bring a stored date value into this module's date convention."""
    if dialect == POSTGRES:
        return expr
    if ftype.date_include_time:
        return sa.func.datetime(expr)
    return sa.func.date(expr)


def _utc(expr: Expr, ftype: FType, dialect: str) -> Expr:
    if dialect == POSTGRES and ftype.date_include_time:
        return sa.func.timezone(ftype.date_force_timezone or "UTC", expr)
    return expr


def date_part(expr: Expr, ftype: FType, part: str, dialect: str) -> Expr:
    """Integer ``year``/``month``/``day``/``hour``/``minute``/``second``."""
    if dialect == POSTGRES:
        return sa.cast(sa.func.floor(sa.extract(part, _utc(expr, ftype, dialect))), sa.Integer())
    return sa.cast(sa.func.strftime(_SQLITE_PARTS[part], expr), sa.Integer())


def epoch_seconds(expr: Expr, ftype: FType, dialect: str) -> Expr:
    """Seconds since 1970-01-01 UTC (dates count as midnight UTC)."""
    if dialect == POSTGRES:
        if ftype.date_include_time:
            return sa.extract("epoch", expr)
        return sa.extract("epoch", sa.cast(expr, sa.DateTime()))
    return sa.cast(sa.func.strftime("%s", expr), sa.Integer())


def add_seconds(expr: Expr, ftype: FType, seconds: Expr, dialect: str) -> Expr:
    """A date shifted by ``seconds``; keeps being a date when it was one."""
    if dialect == POSTGRES:
        shifted = expr + sa.literal_column("INTERVAL '1 second'") * sa.cast(seconds, sa.Float())
        if not ftype.date_include_time:
            return sa.cast(shifted, sa.Date())
        return shifted
    modifier = sa.cast(seconds, sa.String()).op("||")(" seconds")
    if ftype.date_include_time:
        return sa.func.datetime(expr, modifier)
    return sa.func.date(expr, modifier)


def format_date(expr: Expr, ftype: FType, dialect: str) -> Expr:
    """Text of a date using the type's ``date_format``/``date_time_format``."""
    date_format = ftype.date_format or "ISO"
    if dialect == POSTGRES:
        pattern = _PG_DATE_FORMATS.get(date_format, "YYYY-MM-DD")
        if ftype.date_include_time:
            pattern += " HH12:MIAM" if ftype.date_time_format == "12" else " HH24:MI"
        return sa.func.to_char(_utc(expr, ftype, dialect), pattern)
    pattern = _SQLITE_DATE_FORMATS.get(date_format, "%Y-%m-%d")
    if ftype.date_include_time:
        pattern += " %H:%M"
    return sa.func.strftime(pattern, expr)


def now(dialect: str, include_time: bool) -> Expr:
    """The current UTC date or datetime."""
    if dialect == POSTGRES:
        if include_time:
            return sa.func.now()
        return sa.cast(sa.func.timezone("UTC", sa.func.now()), sa.Date())
    return sa.func.datetime("now") if include_time else sa.func.date("now")


def json_object(pairs: list[tuple[str, Expr]], dialect: str) -> Expr:
    """A JSON object of the given keys and values (jsonb on PostgreSQL, so two compare)."""
    args: list[Any] = []
    for key, value in pairs:
        args += [sa.literal(key, sa.String()), value]
    if dialect == POSTGRES:
        return sa.func.jsonb_build_object(*args)
    return sa.func.json_object(*args)


def json_text(obj: Expr, key: str, dialect: str) -> Expr:
    """obj[key] as text (NULL when absent)."""
    if dialect == POSTGRES:
        return sa.func.jsonb_extract_path_text(sa.cast(obj, JSONB), sa.literal(key, sa.String()))
    return sa.func.json_extract(obj, sa.literal(f"$.{key}", sa.String()))


def as_timestamptz(expr: Expr, ftype: FType, dialect: str) -> Expr:
    """A date or datetime as a timestamp with time zone (a date: its midnight UTC); SQLite's
    convention already is one."""
    if dialect == POSTGRES and not ftype.date_include_time:
        return sa.func.timezone("UTC", sa.cast(expr, sa.DateTime()))
    return expr


def json_elements(array: Expr, dialect: str) -> sa.TableValuedAlias:
    """The elements of a JSON array as rows (column `value`)."""
    if dialect == POSTGRES:
        return sa.func.json_array_elements(sa.cast(array, JSON)).table_valued("value")
    return sa.func.json_each(array).table_valued("value")


def json_array_length(array: Expr, dialect: str) -> Expr:
    """How many elements a JSON array has (0 for NULL)."""
    if dialect == POSTGRES:
        return sa.func.coalesce(sa.func.json_array_length(sa.cast(array, JSON)), 0)
    return sa.func.coalesce(sa.func.json_array_length(array), 0)


def json_any_value(array: Expr, needle: Expr, dialect: str) -> Expr:
    """Whether an element of a JSON array of objects has `needle` as its "value"."""
    elements = json_elements(array, dialect)
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(elements)
        .where(json_text(elements.c.value, "value", dialect) == needle)
    )

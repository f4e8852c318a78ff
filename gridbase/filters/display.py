"""The displayed text of a field as a SQL expression: what `contains` and search compare with.

Numbers keep their decimal places, dates use the field's date format, single selects give
their option text. A field type may supply its own `display_text(field, expr, dialect)`;
these are the defaults for the built-in types. Junction-table types (multiple select, link
row) have no single text: their filters use EXISTS over the junction (see filters.select).
Imports: filters.base, sqlalchemy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.filters.base import Target

TEXT_TYPES = frozenset({"text", "long_text", "url", "email", "phone_number", "uuid"})
DATE_FORMATS = {  # Baserow date_format -> (SQLite strftime, PostgreSQL to_char)
    "EU": ("%d/%m/%Y", "DD/MM/YYYY"),
    "US": ("%m/%d/%Y", "MM/DD/YYYY"),
    "ISO": ("%Y-%m-%d", "YYYY-MM-DD"),
}


def format_decimal(expr: sa.ColumnElement[Any], places: int, dialect: str) -> sa.ColumnElement[str]:
    places = max(0, min(int(places), 10))
    if dialect == "sqlite":
        # printf turns NULL into "0.00": keep NULL NULL
        return sa.case((expr.is_(None), sa.null()), else_=sa.func.printf(f"%.{places}f", expr))
    return sa.cast(sa.func.round(sa.cast(expr, sa.Numeric), places), sa.Text)


def format_date(
    target: Target, expr: sa.ColumnElement[Any], with_time: bool
) -> sa.ColumnElement[str]:
    props = target.field.props
    lite, pg = DATE_FORMATS.get(str(props.get("date_format") or "EU"), DATE_FORMATS["EU"])
    twelve = str(props.get("date_time_format")) == "12"
    if with_time:
        lite += " %I:%M %p" if twelve else " %H:%M"
        pg += " HH12:MI AM" if twelve else " HH24:MI"
    if target.dialect == "sqlite":
        return sa.func.strftime(lite, expr)
    tz = props.get("date_force_timezone") or "UTC"
    local = sa.func.timezone(tz, expr) if with_time else expr
    return sa.func.to_char(local, pg)


def text_expression(target: Target) -> sa.ColumnElement[str] | None:
    """The field's displayed text, or None when it has no single text (junction types, booleans)."""
    custom = getattr(target.field_type, "display_text", None)
    if custom is not None:
        result: sa.ColumnElement[str] | None = custom(target.field, target.expr, target.dialect)
        return result
    expr, field = target.expr, target.field
    if expr is None:
        return None
    kind = target.kind
    if field.type in TEXT_TYPES or (
        kind == "text" and field.type in ("formula", "lookup", "rollup", "count")
    ):
        return expr
    if field.type == "single_select":
        if not field.select_options:
            return sa.cast(sa.null(), sa.Text)
        return sa.case({o.id: o.value for o in field.select_options}, value=expr, else_=sa.null())
    if kind == "decimal":
        places = int(field.props.get("number_decimal_places") or 0)
        return format_decimal(expr, places, target.dialect)
    if kind == "int":
        return sa.cast(expr, sa.Text)
    if kind in ("date", "datetime"):
        return format_date(target, expr, kind == "datetime")
    if field.type in TEXT_TYPES or kind == "text":
        return sa.cast(expr, sa.Text)
    return None

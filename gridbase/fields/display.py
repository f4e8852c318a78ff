"""How a field's value reads as text: as a SQL expression (what `contains` and compat search
compare with) and in Python (what a linked row's name and a search document hold).

Numbers keep their decimal places, dates use the field's date format (EU, US or ISO, 12 or
24 hours, in its forced timezone). Field types call these from `display_text` and
`search_text`. Imports: models, sqlalchemy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gridbase.models import Field

DATE_FORMATS = {  # Baserow date_format -> (Python/SQLite strftime, PostgreSQL to_char)
    "EU": ("%d/%m/%Y", "DD/MM/YYYY"),
    "US": ("%m/%d/%Y", "MM/DD/YYYY"),
    "ISO": ("%Y-%m-%d", "YYYY-MM-DD"),
}


def _formats(field: Field) -> tuple[str, str]:
    return DATE_FORMATS.get(str(field.props.get("date_format") or "EU"), DATE_FORMATS["EU"])


def decimal_sql(expr: sa.ColumnElement[Any], places: int, dialect: str) -> sa.ColumnElement[str]:
    """A number as text with exactly `places` decimals (NULL stays NULL)."""
    places = max(0, min(int(places), 10))
    if dialect == "sqlite":
        # printf turns NULL into "0.00": keep NULL NULL
        return sa.case((expr.is_(None), sa.null()), else_=sa.func.printf(f"%.{places}f", expr))
    return sa.cast(sa.func.round(sa.cast(expr, sa.Numeric), places), sa.Text)


def date_sql(
    field: Field, expr: sa.ColumnElement[Any], timestamp: bool, dialect: str
) -> sa.ColumnElement[str]:
    """A date or a timestamp as the field displays it: a timestamp with its time only when
    the field shows the time (a created on or last modified field may not), its day in the
    field's time zone (Baserow's to_char(timezone(tz, value), the field's format))."""
    lite, pg = _formats(field)
    twelve = str(field.props.get("date_time_format")) == "12"
    if timestamp and field.props.get("date_include_time"):
        lite += " %I:%M %p" if twelve else " %H:%M"
        pg += " HH12:MI AM" if twelve else " HH24:MI"
    tz = field.props.get("date_force_timezone") or "UTC"
    if dialect == "sqlite":
        # a timestamp through PostgreSQL's to_char, in the field's time zone (a function of
        # storage.sqlite_functions); a date as it is
        return (
            sa.func.gb_datetime_format_tz(expr, pg, tz)
            if timestamp
            else sa.func.strftime(lite, expr)
        )
    local = sa.func.timezone(tz, expr) if timestamp else expr
    return sa.func.to_char(local, pg)


def value_text(value: Any) -> str:
    """A serialized cell value as plain text (how a primary value names its row)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return value_text(value.get("value"))
    if isinstance(value, list):
        return ", ".join(t for t in (value_text(v) for v in value) if t)
    return str(value)


def date_text(field: Field, value: str) -> str:
    """A serialized date (YYYY-MM-DD or an ISO datetime in UTC) as the field displays it."""
    pattern = _formats(field)[0]
    if len(value) <= 10:
        try:
            day = date.fromisoformat(value)  # what the serializer writes; 20x cheaper than strptime
        except ValueError:
            day = datetime.strptime(value[:10], "%Y-%m-%d").date()
        return day.strftime(pattern)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    tz = field.props.get("date_force_timezone")
    try:
        moment = moment.astimezone(ZoneInfo(str(tz)) if tz else UTC)
    except (ValueError, KeyError):  # an unknown zone name displays in UTC
        moment = moment.astimezone(UTC)
    clock = " %I:%M %p" if str(field.props.get("date_time_format")) == "12" else " %H:%M"
    return moment.strftime(pattern + clock)


def date_value_text(field: Field, value: Any) -> str:
    """A serialized date-like value as the field displays it (other values as value_text)."""
    if isinstance(value, str) and value:
        try:
            return date_text(field, value)
        except ValueError:
            return value
    return value_text(value)

"""Date field types: date (with or without time), created_on and last_modified.

A date-only field stores a SQL DATE; with time it stores a UTC timestamp. created_on and
last_modified own no column: they read the row's `created_on` / `updated_on`.
Imports: fields (base, display, props), models, storage (ddl, kept.zones, types).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil import parser as dateutil_parser

from gridbase.fields import display
from gridbase.fields.base import (
    SORTABLE,
    FieldContext,
    FieldType,
    FieldValueError,
    JsonSql,
    SortKey,
    ValueContext,
    ValueKind,
)
from gridbase.fields.props import Prop, PropError, check_bool, check_choice
from gridbase.models import Field
from gridbase.storage import ddl
from gridbase.storage.kept.zones import time_zones
from gridbase.storage.types import UtcDateTime

# Django's parse_date / parse_datetime (DRF's ISO 8601 input), after Python's fromisoformat
DATE_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
DATETIME_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
DATE_ERROR = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
DATETIME_ERROR = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)


def check_timezone(name: str) -> Any:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in time_zones():
            raise PropError(name, f'"{value}" is not a valid choice.', "invalid_choice")
        return value

    return check


def check_offset(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise PropError("date_force_timezone_offset", "A valid integer is required.")
    try:
        return int(value)
    except ValueError:
        raise PropError("date_force_timezone_offset", "A valid integer is required.") from None


DATE_PROPS = (
    Prop("date_format", "EU", check_choice("date_format", ("EU", "US", "ISO"))),
    Prop("date_include_time", False, check_bool("date_include_time")),
    Prop("date_time_format", "24", check_choice("date_time_format", ("24", "12"))),
    Prop("date_show_tzinfo", False, check_bool("date_show_tzinfo")),
    Prop("date_force_timezone", None, check_timezone("date_force_timezone")),
)


def _django_datetime(text: str) -> datetime | None:
    """django.utils.dateparse.parse_datetime (Django 5.0): fromisoformat, else its pattern
    (fractions past 6 digits dropped); ValueError for a day or an hour that does not exist."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        found = DATETIME_RE.match(text)
        if found is None:
            return None
        kw = found.groupdict()
        fraction, zone = kw.pop("microsecond"), kw.pop("tzinfo")
        tz: tzinfo | None = None
        if zone == "Z":
            tz = UTC
        elif zone is not None:
            minutes = 60 * int(zone[1:3]) + (int(zone[-2:]) if len(zone) > 3 else 0)
            tz = timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))
        parts = {k: int(v) for k, v in kw.items() if v is not None}
        if fraction:
            parts["microsecond"] = int(fraction.ljust(6, "0"))
        return datetime(**parts, tzinfo=tz)


def parse_datetime(raw: Any) -> datetime:
    """A value as DRF's DateTimeField reads it (ISO 8601 through Django's parse_datetime:
    no surrounding spaces, a date alone is midnight); an offset converts to UTC, a naive
    value is UTC."""
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            found = _django_datetime(raw) if isinstance(raw, str) else None
        except (ValueError, OverflowError):
            found = None
        if found is None:
            raise FieldValueError(DATETIME_ERROR)
        value = found
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise FieldValueError(DATETIME_ERROR) from None


def parse_date(raw: Any) -> date:
    """A value as DRF's DateField reads it (Django's parse_date: fromisoformat, which
    reads 20240131 too, else YYYY-M-D)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            found = DATE_RE.match(raw)
            if found is not None:
                try:
                    return date(**{k: int(v) for k, v in found.groupdict().items()})
                except ValueError:
                    pass
    raise FieldValueError(DATE_ERROR)


def iso_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local_date(field: Field, value: datetime) -> date:
    """The calendar day of a timestamp in the field's forced timezone (UTC by default)."""
    tz = field.props.get("date_force_timezone")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(tz) if tz else UTC).date()


class DateFieldType(FieldType):
    can_upsert = True
    type = "date"
    history_props = (
        "date_format",
        "date_include_time",
        "date_time_format",
        "date_show_tzinfo",
        "date_force_timezone",
    )
    unique_empty = ()  # unique_with_empty: only null may repeat
    kind = None  # a date, or a datetime with date_include_time
    formula_kind = "date"
    sort_types = SORTABLE
    can_have_db_index = True
    props = (*DATE_PROPS, Prop("date_force_timezone_offset", None, check_offset, write_only=True))

    def value_kind(self, field: Field) -> ValueKind:
        return "datetime" if field.props.get("date_include_time") else "date"

    def conversion_source(self, field: Field, value: Any) -> Any:
        """Its text in its own format and zone, as Baserow's TO_CHAR gives it to any other
        type."""
        return display.date_text(field, value) if isinstance(value, str) and value else value

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return UtcDateTime() if field.props.get("date_include_time") else sa.Date()

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None or raw == "":
            return None
        if field.props.get("date_include_time"):
            return parse_datetime(raw)
        return parse_date(raw)

    def upsert_value(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """Baserow's prepare_value_for_db: ISO 8601, else any date dateutil reads (day first
        for the EU format, year first for ISO)."""
        if not raw or not isinstance(raw, str):
            return self.validate(field, raw or None, vc)
        try:
            parsed = dateutil_parser.isoparse(raw)
        except ValueError:
            fmt = field.props.get("date_format")
            try:
                parsed = dateutil_parser.parse(raw, dayfirst=fmt == "EU", yearfirst=fmt == "ISO")
            except (ValueError, OverflowError):
                raise FieldValueError(
                    "The provided string could not converted to a date."
                ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        text = (
            parsed.isoformat()
            if field.props.get("date_include_time")
            else parsed.date().isoformat()
        )
        return self.validate(field, text, vc)

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        serialize = self.serialize
        day = date

        def render(stored: Any) -> Any:
            if type(stored) is day:  # what a date column reads (not a datetime, a subclass)
                return stored.isoformat()
            return serialize(field, stored)

        return render

    def json_sql(self, field: Field, expr: sa.ColumnElement[Any]) -> JsonSql | None:
        if field.props.get("date_include_time"):
            return None
        # a date column holds the day's ISO text, which is its JSON
        return expr, sa.func.coalesce(sa.func.length(expr), 10) == 10

    def serialize(self, field: Field, stored: Any) -> Any:
        if stored is None:
            return None
        if isinstance(stored, datetime):
            return (
                iso_datetime(stored)
                if field.props.get("date_include_time")
                else local_date(field, stored).isoformat()
            )
        if isinstance(stored, str):  # a dialect that hands back text
            stored = date.fromisoformat(stored[:10])
        return stored.isoformat()

    def convert_value(self, field: Field, value: Any, vc: ValueContext) -> Any:
        """Best effort from another type's JSON value: keep the day of a datetime."""
        if isinstance(value, str) and not field.props.get("date_include_time"):
            try:
                return parse_datetime(value).date()
            except FieldValueError:
                return None
        return self.validate(field, value, vc)

    def clean_props(self, raw: Any, current: Any) -> dict[str, Any]:
        out = super().clean_props(raw, current)
        out.pop("date_force_timezone_offset", None)  # applied once by after_update, never stored
        return out

    def json_schema(self, field: Field) -> dict[str, Any]:
        return date_schema(field)

    def write_schema(self, field: Field) -> dict[str, Any]:
        if field.props.get("date_include_time"):
            return {
                "anyOf": [
                    {"type": "string", "format": "date-time"},
                    {"type": "string", "format": "date"},
                    {"type": "null"},
                ],
                "example": "2024-03-01T12:30:00Z",
                "description": "An ISO 8601 datetime; an offset is converted to UTC, "
                "a value without one is UTC.",
            }
        return {
            "type": ["string", "null"],
            "format": "date",
            "example": "2024-03-01",
            "description": "An ISO 8601 date, YYYY-MM-DD.",
        }

    def after_update(
        self, ctx: FieldContext, conn: sa.Connection, old: Field, field: Field, raw: Any
    ) -> list[Field]:
        offset = check_offset(raw.get("date_force_timezone_offset"))
        if offset and field.props.get("date_include_time") and old.props.get("date_include_time"):
            t = sa.table(
                ddl.table_name(field.table_id),
                sa.column("id", sa.Integer),
                sa.column(field.column_name, UtcDateTime()),
            )
            rows = list(
                conn.execute(
                    sa.select(t.c.id, t.c[field.column_name]).where(
                        t.c[field.column_name].is_not(None)
                    )
                )
            )
            for row_id, value in rows:
                conn.execute(
                    t.update()
                    .where(t.c.id == row_id)
                    .values({field.column_name: value + timedelta(minutes=offset)})
                )
        return []


def date_schema(field: Field) -> dict[str, Any]:
    """Read format of date-like fields: a UTC datetime, or a date without time."""
    if field.props.get("date_include_time"):
        return {
            "type": ["string", "null"],
            "format": "date-time",
            "example": "2024-03-01T12:30:00Z",
            "description": "An ISO 8601 datetime in UTC.",
        }
    return {
        "type": ["string", "null"],
        "format": "date",
        "example": "2024-03-01",
        "description": "YYYY-MM-DD.",
    }


class RowStampFieldType(FieldType):
    """A read-only date read from one of the row's own timestamps."""

    kind = "datetime"  # a timestamp, whether or not the field shows the time
    formula_kind = "date"
    sort_types = SORTABLE
    read_only = True
    can_have_db_index = True  # as in Baserow 1.35.3; the flag only (no column of its own)
    props = DATE_PROPS
    source: str

    conversion_source = DateFieldType.conversion_source  # a date, as far as text goes

    def column_type(self, field: Field) -> None:
        return None

    def sort_keys(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        column: sa.ColumnElement[Any],
        sql: sa.Table,
        sort_type: str,
    ) -> list[SortKey]:
        # Baserow stamps each row of a batch a moment after the one before; gridbase stamps
        # a request's rows alike, and the later row has the greater id
        return [SortKey(column), SortKey(sql.c.id)]

    def select_expression(self, field: Field, table: sa.Table) -> sa.ColumnElement[Any]:
        return table.c[self.source]

    def serialize(self, field: Field, stored: Any) -> Any:
        if stored is None:
            return None
        if field.props.get("date_include_time"):
            return iso_datetime(stored)
        return local_date(field, stored).isoformat()

    def json_schema(self, field: Field) -> dict[str, Any]:
        return date_schema(field)


class CreatedOnFieldType(RowStampFieldType):
    type = "created_on"
    source = "created_on"


class LastModifiedFieldType(RowStampFieldType):
    type = "last_modified"
    source = "updated_on"

"""The duration field type: seconds as a float, written as a number or per `duration_format`."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from gridbase.fields.base import SORTABLE, FieldType, FieldValueError, ValueContext
from gridbase.fields.props import Prop, check_choice
from gridbase.models import Field

# format -> the unit values are rounded to, in seconds
FORMATS: dict[str, float] = {
    "h:mm": 60,
    "h:mm:ss": 1,
    "h:mm:ss.s": 0.1,
    "h:mm:ss.ss": 0.01,
    "h:mm:ss.sss": 0.001,
    "d h": 3600,
    "d h:mm": 60,
    "d h:mm:ss": 1,
    "d h mm": 60,
    "d h mm ss": 1,
}
CLOCK = re.compile(
    r"^(?:(?P<d>\d+)\s*d\s*)?(?P<h>\d+):(?P<m>\d{1,2})(?::(?P<s>\d{1,2}(?:\.\d+)?))?$"
)
UNITS = re.compile(
    r"^(?:(?P<d>\d+(?:\.\d+)?)\s*d)?\s*(?:(?P<h>\d+(?:\.\d+)?)\s*h)?\s*(?:(?P<m>\d+(?:\.\d+)?)\s*m)?\s*(?:(?P<s>\d+(?:\.\d+)?)\s*s)?$"
)
INVALID = "Invalid duration format."
# Baserow's DURATION_FORMATS format_func: (days, hours, minutes, seconds) -> text
TEXTS: dict[str, Any] = {
    "h:mm": lambda d, h, m, s: f"{d * 24 + h}:{m:02d}",
    "h:mm:ss": lambda d, h, m, s: f"{d * 24 + h}:{m:02d}:{int(s):02d}",
    "h:mm:ss.s": lambda d, h, m, s: f"{d * 24 + h}:{m:02d}:{s:04.1f}",
    "h:mm:ss.ss": lambda d, h, m, s: f"{d * 24 + h}:{m:02d}:{s:05.2f}",
    "h:mm:ss.sss": lambda d, h, m, s: f"{d * 24 + h}:{m:02d}:{s:06.3f}",
    "d h": lambda d, h, m, s: f"{d}d {h}h",
    "d h:mm": lambda d, h, m, s: f"{d}d {h}:{m:02d}",
    "d h:mm:ss": lambda d, h, m, s: f"{d}d {h}:{m:02d}:{int(s):02d}",
    "d h mm": lambda d, h, m, s: f"{d}d {h}h {m:02d}m",
    "d h mm ss": lambda d, h, m, s: f"{d}d {h}h {m:02d}m {int(s):02d}s",
}


def duration_text(seconds: Any, fmt: str) -> str | None:
    """A duration as Baserow's format_duration_value writes it (an export's cell)."""
    if seconds is None:
        return None
    value = timedelta(seconds=float(seconds))
    sign = ""
    if value < timedelta(0):
        value, sign = -value, "-"
    days, hours = value.days, value.seconds // 3600
    minutes = value.seconds % 3600 // 60
    secs = value.seconds % 60 + value.microseconds / 10**6
    text: str = TEXTS.get(fmt, TEXTS["h:mm"])(days, hours, minutes, secs)
    return sign + text


def parse_duration(raw: Any, fmt: str) -> float:
    """Seconds from a number (seconds) or a text like `1:30`, `1d 2:03:04`, `1d 2h 3m`."""
    if isinstance(raw, bool):
        raise FieldValueError(INVALID)
    if isinstance(raw, (int, float, Decimal)):
        return float(raw)
    if not isinstance(raw, str):
        raise FieldValueError(INVALID)
    text = raw.strip().lower()
    negative = text.startswith("-")
    text = text.lstrip("-").strip()
    try:
        return (-1 if negative else 1) * float(Decimal(text))
    except InvalidOperation:
        pass
    match = CLOCK.match(text)
    if match:
        parts = match.groupdict()
        seconds = (
            int(parts["d"] or 0) * 86400
            + int(parts["h"]) * 3600
            + int(parts["m"]) * 60
            + float(parts["s"] or 0)
        )
        return -seconds if negative else seconds
    match = UNITS.match(text)
    if match and text and any(match.groupdict().values()):
        p = {k: float(v or 0) for k, v in match.groupdict().items()}
        seconds = p["d"] * 86400 + p["h"] * 3600 + p["m"] * 60 + p["s"]
        return -seconds if negative else seconds
    raise FieldValueError(INVALID)


MAX_SECONDS = timedelta.max.total_seconds()


def duration_filter_value(value: str, fmt: str) -> float | None:
    """A filter value as a duration: read as written to a field of this format, rounded to
    its unit (Baserow's DurationField.get_prep_value); ValueError when it is none."""
    if value == "":
        return None
    try:
        seconds = round_to(parse_duration(value, fmt), fmt)
    except (FieldValueError, ArithmeticError):  # ArithmeticError: past any Decimal or float
        raise ValueError(value) from None
    if not -MAX_SECONDS <= seconds <= MAX_SECONDS:  # no duration field holds it
        raise ValueError(value)
    return seconds


def round_to(seconds: float, fmt: str) -> float:
    unit = Decimal(str(FORMATS.get(fmt, 1)))
    value = (Decimal(str(seconds)) / unit).quantize(Decimal(1), rounding="ROUND_HALF_UP") * unit
    return float(value)


class DurationFieldType(FieldType):
    can_upsert = True
    type = "duration"
    history_props = ("duration_format",)
    unique_empty = ()  # unique_with_empty: only null may repeat
    kind = "duration"
    formula_kind = "duration"
    sort_types = SORTABLE
    can_have_db_index = True
    props = (Prop("duration_format", "h:mm", check_choice("duration_format", tuple(FORMATS))),)

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.Float()

    def parse_filter_value(self, field: Field, value: str) -> Any:
        return duration_filter_value(value, str(field.props.get("duration_format", "h:mm")))

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None or raw == "":
            return None
        fmt = str(field.props.get("duration_format", "h:mm"))
        seconds = parse_duration(raw, fmt)
        # A duration must fit a timedelta, as in Baserow (about 2.7 million years).
        if not math.isfinite(seconds) or abs(seconds) > MAX_SECONDS:
            raise FieldValueError("The provided duration is too large.")
        return round_to(seconds, fmt)

    def serialize(self, field: Field, stored: Any) -> Any:
        return None if stored is None else float(stored)

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {"type": ["number", "null"], "example": 5400.0, "description": "Seconds."}

    def write_schema(self, field: Field) -> dict[str, Any]:
        return {
            "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}],
            "example": "1:30",
            "description": "Seconds as a number, or a text such as `1:30`, `1d 2:03:04` or "
            "`1d 2h 3m`; rounded to the field's format "
            f"({field.props.get('duration_format', 'h:mm')}).",
        }

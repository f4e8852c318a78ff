"""The duration field type: seconds as a float, written as a number or per `duration_format`."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from datetime import timedelta
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


def _secs(days: Any = None, hours: Any = None, mins: Any = None, secs: Any = None) -> float:
    return int(days or 0) * 86400 + int(hours or 0) * 3600 + int(mins or 0) * 60 + float(secs or 0)


_DAY, _HOUR, _MIN = (r"(\d+)(?:d\s*|\s+)", r"(\d+)", r"(\d+)")
# Baserow 1.35.3's DURATION_REGEXPS (utils/duration.py), in its order: a text is read by the
# first that matches, with its format's reading of the groups or the default one (`.` is any
# character there too)
_READINGS: list[tuple[re.Pattern[str], dict[str, Callable[..., float]]]] = [
    (re.compile(r"^((?P<days>\d+)(?:d\s*))?((?P<hours>\d+)(?:h\s*))?"
                r"((?P<mins>\d+)(?:m\s*|\s+))?((?P<secs>\d+|\d+.\d+)?(?:s\s*))?$"),
     {"default": lambda days, hours, mins, secs: _secs(days, hours, mins, secs)}),
    (re.compile(r"^(\d+)(?:d\s*|\s+)(\d+):(\d+):(\d+|\d+.\d+)$"),
     {"default": lambda d, h, m, s: _secs(d, h, m, s)}),
    (re.compile(r"^(\d+):(\d+):(\d+|\d+.\d+)$"), {"default": lambda h, m, s: _secs(0, h, m, s)}),
    (re.compile(r"^(\d+)(?:d\s*|\s+)(\d+)h$"), {"default": lambda d, h: _secs(d, h)}),
    (re.compile(r"^(\d+)h$"), {"default": lambda h: _secs(0, h)}),
    (re.compile(r"^(\d+)d$"), {"default": lambda d: _secs(d)}),
    (re.compile(r"^(\d+)(?:d\s*|\s+)(\d+):(\d+)$"), {
        **dict.fromkeys(("h:mm", "d h", "d h:mm", "d h mm"), lambda d, h, m: _secs(d, h, m)),
        "default": lambda d, m, s: _secs(d, 0, m, s)}),
    (re.compile(r"^(\d+)(?:d\s*|\s+)(\d+):(\d+.\d+)$"),
     {"default": lambda d, m, s: _secs(d, 0, m, s)}),
    (re.compile(r"^(\d+):(\d+)$"), {
        **dict.fromkeys(("h:mm", "d h", "d h:mm"), lambda h, m: _secs(0, h, m)),
        "default": lambda m, s: _secs(0, 0, m, s)}),
    (re.compile(r"^(\d+):(\d+.\d+)$"), {"default": lambda m, s: _secs(0, 0, m, s)}),
    (re.compile(r"^(\d+)(?:d\s*|\s+)(\d+)$"), {
        "h:mm": lambda d, m: _secs(d, 0, m), "d h": lambda d, h: _secs(d, h),
        "d h:mm": lambda d, m: _secs(d, 0, m), "d h mm": lambda d, m: _secs(d, 0, m),
        "default": lambda d, s: _secs(d, 0, 0, s)}),
    (re.compile(r"^(\d+)(?:d\s*|\s+)(\d+.\d+)$"), {"default": lambda d, s: _secs(d, 0, 0, s)}),
    (re.compile(r"^(\d+)$"), {
        "h:mm": lambda m: _secs(0, 0, float(m)), "d h": lambda h: _secs(0, float(h)),
        "d h:mm": lambda m: _secs(0, 0, float(m)), "d h mm": lambda m: _secs(0, 0, m),
        "default": lambda s: _secs(0, 0, 0, s)}),
    (re.compile(r"^(\d+.\d+)$"), {"default": lambda s: _secs(0, 0, 0, s)}),
]  # fmt: skip
# PostgreSQL's interval text (what lookups of durations hold), Baserow's last resort
_INTERVAL = re.compile(
    r"(?P<years>-?\d+)\s+years?\s*|(?P<months>-?\d+)\s+mons?\s*|(?P<days>-?\d+)\s+days?\s*"
    r"|(?P<time>(-?\d{1,2}):(\d{2}):(\d{2}))?"
)


def _interval_seconds(text: str) -> float | None:
    days = seconds = 0
    valid = False
    for found in _INTERVAL.finditer(text):
        if found.group("years"):
            days, valid = days + int(found.group("years")) * 365, True
        if found.group("months"):
            days, valid = days + int(found.group("months")) * 30, True
        if found.group("days"):
            days, valid = days + int(found.group("days")), True
        if found.group("time"):
            h, m, sec = found.group("time").split(":")
            seconds, valid = seconds + int(h) * 3600 + int(m) * 60 + int(sec), True
    return timedelta(days=days, seconds=seconds).total_seconds() if valid else None


def _text_seconds(text: str, fmt: str) -> float:
    """Baserow's parse_duration_value: ValueError when nothing reads the text."""
    sign = 1
    if text.startswith("-"):
        text, sign = text[1:], -1
    for pattern, readings in _READINGS:
        found = pattern.match(text)
        if found is None:
            continue
        read: Callable[..., float] = readings.get(fmt, readings["default"])
        named = found.groupdict()
        if any(named.values()):
            return read(**named) * sign
        try:
            return read(*found.groups()) * sign
        except TypeError:  # this reading takes another number of parts
            continue
    seconds = _interval_seconds(text)
    if seconds is None:
        raise ValueError(text)
    return seconds


def _rround(value: float, digits: int = 0) -> float:
    """Baserow's rround: half away from zero, in floats."""
    scale: int = 10**digits
    return int(value * scale + (0.5 if value >= 0 else -0.5)) / scale


def round_to(seconds: float, fmt: str) -> float:
    """Baserow's round_func of the format (ValueError for NaN, OverflowError past floats)."""
    unit = FORMATS.get(fmt, 1)
    if unit >= 1:
        return _rround(seconds / unit) * unit
    return _rround(seconds, round(-math.log10(unit)))


def parse_duration(raw: Any, fmt: str) -> float:
    """Seconds, as Baserow's duration_value_to_timedelta reads a value: a number (a
    boolean too, as float() reads it, and a text float() reads) is seconds; another text
    is read by Baserow's patterns for the format; rounded to the format, as a timedelta
    holds it."""
    value = raw
    with contextlib.suppress(TypeError, ValueError):
        value = float(raw)
    try:
        if isinstance(value, float):
            seconds = value
        elif isinstance(value, str):
            seconds = _text_seconds(value, fmt)
        else:
            raise FieldValueError(
                "The provided value should be a valid integer or string according to the "
                f"{fmt} format."
            )
        return timedelta(seconds=round_to(seconds, fmt)).total_seconds()
    except ValueError:
        raise FieldValueError(f"The value {raw} is not a valid duration.") from None
    except OverflowError:
        raise FieldValueError(
            f"Value {raw} is too large. The maximum is {timedelta.max}."
        ) from None


MAX_SECONDS = timedelta.max.total_seconds()


def duration_filter_value(value: str, fmt: str) -> float | None:
    """A filter value as a duration: read as written to a field of this format, rounded to
    its unit (Baserow's DurationField.get_prep_value); ValueError when it is none."""
    if value == "":
        return None
    try:
        seconds = parse_duration(value, fmt)
    except FieldValueError:
        raise ValueError(value) from None
    if not -MAX_SECONDS <= seconds <= MAX_SECONDS:  # no duration field holds it
        raise ValueError(value)
    return seconds


class DurationFieldType(FieldType):
    can_upsert = True
    type = "duration"
    history_props = ("duration_format",)
    unique_empty = ()  # unique_with_empty: only null may repeat
    kind = "duration"
    formula_kind = "duration"
    sort_types = SORTABLE
    props = (Prop("duration_format", "h:mm", check_choice("duration_format", tuple(FORMATS))),)

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.Float()

    def parse_filter_value(self, field: Field, value: str) -> Any:
        return duration_filter_value(value, str(field.props.get("duration_format", "h:mm")))

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None or raw == "":
            return None
        return parse_duration(raw, str(field.props.get("duration_format", "h:mm")))

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

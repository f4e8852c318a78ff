"""Date filters: the multi-step `date_is*` family and Baserow's legacy date filters.

Every filter becomes a half-open day range [lower, upper) in a timezone. For timestamp
fields the range bounds are converted to UTC instants, so the comparison uses the column
as stored (and its index); date-only fields compare days directly.
Multi-step value: "<tz>?<value>?<operator>" (e.g. "Europe/Berlin?2024-01-31?exact_date").
Legacy value: "[<tz>?]<ISO date or datetime>" or "[<tz>?]<number>".
Imports: filters.base, sqlalchemy.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from gridbase.filters.base import NOTHING, Clause, FilterType, Negated, Target

Range = tuple[date | None, date | None]


def zone(target: Target, name: str) -> ZoneInfo | timezone | None:
    name = name.strip() or str(target.field.props.get("date_force_timezone") or "UTC")
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def today_in(target: Target, tz: Any) -> date:
    now = target.clock()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(tz).date()


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def week_of(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())  # weeks start on Monday
    return start, start + timedelta(days=7)


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, add_months(start, 1)


def year_of(day: date) -> tuple[date, date]:
    return date(day.year, 1, 1), date(day.year + 1, 1, 1)


def in_range(target: Target, tz: Any, lower: date | None, upper: date | None) -> Clause:
    """lower <= the field's day (in tz) < upper; either bound may be open."""
    expr = target.expr
    if expr is None:
        return NOTHING
    parts = []
    if target.kind == "datetime":

        def instant(day: date) -> datetime:
            return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)

        if lower is not None:
            parts.append(expr >= instant(lower))
        if upper is not None:
            parts.append(expr < instant(upper))
    else:
        if lower is not None:
            parts.append(expr >= lower)
        if upper is not None:
            parts.append(expr < upper)
    return sa.and_(*parts) if parts else expr.is_not(None)


# --- multi-step -------------------------------------------------------------------------

DAY = timedelta(days=1)


def operator_range(operator: str, today: date, value: str) -> Range | str | None:
    """The [lower, upper) days an operator names; "off" disables the filter, None = unusable."""
    relative = {
        "today": (today, today + DAY),
        "yesterday": (today - DAY, today),
        "tomorrow": (today + DAY, today + 2 * DAY),
        "one_week_ago": week_of(today - 7 * DAY),
        "this_week": week_of(today),
        "next_week": week_of(today + 7 * DAY),
        "one_month_ago": month_of(add_months(today, -1)),
        "this_month": month_of(today),
        "next_month": month_of(add_months(today, 1)),
        "one_year_ago": year_of(date(today.year - 1, 1, 1)),
        "this_year": year_of(today),
        "next_year": year_of(date(today.year + 1, 1, 1)),
    }
    if operator in relative:
        return relative[operator]
    value = value.strip()
    if operator == "exact_date":
        if value == "":
            return "off"
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return None
        return day, day + DAY
    numbered = {
        "nr_days_ago",
        "nr_weeks_ago",
        "nr_months_ago",
        "nr_years_ago",
        "nr_days_from_now",
        "nr_weeks_from_now",
        "nr_months_from_now",
        "nr_years_from_now",
    }
    if operator not in numbered:
        return None
    if value == "":
        return "off"
    try:
        n = int(value)
    except ValueError:
        return None
    sign = -1 if operator.endswith("_ago") else 1
    if "_days_" in operator:
        day = today + sign * n * DAY
        return day, day + DAY
    if "_weeks_" in operator:
        return week_of(today + sign * n * 7 * DAY)
    if "_months_" in operator:
        return month_of(add_months(today, sign * n))
    return year_of(date(today.year + sign * n, 1, 1))


class MultiStep(FilterType):
    """date_is & co: `how` picks the part of the range the value must fall in."""

    def __init__(self, type_: str, how: str) -> None:
        self.type = type_
        self.how = how

    def clause(self, target: Target, value: str) -> Clause | None:
        parts = value.split("?")
        if len(parts) != 3:
            return NOTHING if value.strip() else None
        tz_name, raw, operator = parts
        tz = zone(target, tz_name)
        if tz is None:
            return NOTHING
        today = today_in(target, tz)
        found = operator_range(operator.strip(), today, raw)
        if found == "off":
            return None
        if found is None or isinstance(found, str):
            return NOTHING
        lower, upper = found
        assert lower is not None and upper is not None
        bounds: Range = {
            "is": (lower, upper),
            "before": (None, lower),
            "on_or_before": (None, upper),
            "after": (upper, None),
            "on_or_after": (lower, None),
            "within": (min(lower, today), max(upper, today + DAY)),
        }[self.how]
        return in_range(target, tz, *bounds)


# --- legacy -------------------------------------------------------------------------------


def split_tz(value: str) -> tuple[str, str]:
    if "?" in value:
        tz_name, rest = value.split("?", 1)
        return tz_name, rest
    return "", value


class LegacyDate(FilterType):
    """date_equal, date_before, ...: "[tz?]date"; an unparsable value switches the filter off."""

    def __init__(self, type_: str, how: str) -> None:
        self.type = type_
        self.how = how

    def clause(self, target: Target, value: str) -> Clause | None:
        tz_name, raw = split_tz(value.strip())
        raw = raw.strip()
        if raw == "":
            return None
        tz = zone(target, tz_name)
        if tz is None:
            return None
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
        if len(raw) > 10 and self.how == "equal" and target.kind == "datetime":
            instant = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            return target.expr == instant.astimezone(UTC) if target.expr is not None else NOTHING
        day = parsed.date()
        bounds: Range = {
            "equal": (day, day + DAY),
            "before": (None, day),
            "before_or_equal": (None, day + DAY),
            "after": (day + DAY, None),
            "after_or_equal": (day, None),
        }[self.how]
        return in_range(target, tz, *bounds)


class LegacyRelative(FilterType):
    """date_equals_today, date_within_days, ...: "[tz]" or "[tz?]N"."""

    def __init__(self, type_: str, numbered: bool, bounds: Any) -> None:
        self.type = type_
        self.numbered = numbered
        self.bounds = bounds

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if self.numbered:
            tz_name, raw = split_tz(value)
            if raw.strip() == "":
                return None
            try:
                n = int(raw.strip())
            except ValueError:
                return NOTHING
        else:
            tz_name, n = value.split("?", 1)[0], 0
        tz = zone(target, tz_name)
        if tz is None:
            tz = UTC
        today = today_in(target, tz)
        if self.type == "date_equals_day_of_month":
            if target.expr is None or not 1 <= n <= 31:
                return NOTHING
            return sa.extract("day", target.expr) == n
        lower, upper = self.bounds(today, n)
        return in_range(target, tz, lower, upper)


def legacy_relative() -> list[FilterType]:
    plain = {
        "date_equals_today": lambda d, n: (d, d + DAY),
        "date_before_today": lambda d, n: (None, d),
        "date_after_today": lambda d, n: (d + DAY, None),
        "date_equals_week": lambda d, n: week_of(d),
        "date_equals_month": lambda d, n: month_of(d),
        "date_equals_year": lambda d, n: year_of(d),
    }
    numbered = {
        "date_within_days": lambda d, n: (d, d + (n + 1) * DAY),
        "date_within_weeks": lambda d, n: (d, d + 7 * n * DAY + DAY),
        "date_within_months": lambda d, n: (d, add_months(d, n) + DAY),
        "date_equals_days_ago": lambda d, n: (d - n * DAY, d - n * DAY + DAY),
        "date_equals_months_ago": lambda d, n: month_of(add_months(d, -n)),
        "date_equals_years_ago": lambda d, n: year_of(date(d.year - n, 1, 1)),
        "date_after_days_ago": lambda d, n: (d - n * DAY, None),
        "date_equals_day_of_month": lambda d, n: (None, None),
    }
    return [
        *(LegacyRelative(name, False, fn) for name, fn in plain.items()),
        *(LegacyRelative(name, True, fn) for name, fn in numbered.items()),
    ]


def filter_types() -> list[FilterType]:
    date_is = MultiStep("date_is", "is")
    date_equal = LegacyDate("date_equal", "equal")
    return [
        date_is,
        Negated("date_is_not", date_is),
        MultiStep("date_is_before", "before"),
        MultiStep("date_is_on_or_before", "on_or_before"),
        MultiStep("date_is_after", "after"),
        MultiStep("date_is_on_or_after", "on_or_after"),
        MultiStep("date_is_within", "within"),
        date_equal,
        Negated("date_not_equal", date_equal),
        LegacyDate("date_before", "before"),
        LegacyDate("date_before_or_equal", "before_or_equal"),
        LegacyDate("date_after", "after"),
        LegacyDate("date_after_or_equal", "after_or_equal"),
        *legacy_relative(),
    ]

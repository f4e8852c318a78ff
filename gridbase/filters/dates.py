"""Date filters: the multi-step `date_is*` family and Baserow's legacy date filters, with
Baserow 1.35.3's rules (views/view_filters.py) down to its edge cases.

A timestamp field (a date with time, created_on, last_modified) compares by its local day in
the filter's time zone, as half-open ranges of instants (the column as stored, and its
index); a date field compares days. A legacy value with a time compares instants.
Multi-step value: "<tz>?<value>?<operator>" (e.g. "Europe/Berlin?2024-01-31?exact_date").
Legacy value: "[<tz>?]<ISO date or datetime>", "[<tz>?]<number>" or "<tz>".
A value that cannot be read matches no row; a blank one switches the filter off.
Imports: filters.base, sqlalchemy, dateutil.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from dateutil import parser
from dateutil.relativedelta import MO, relativedelta

from gridbase.filters.base import NOTHING, Clause, FilterType, Negated, Target

DAY = timedelta(days=1)
Day = date | datetime  # a datetime only where a value with a time meets a timestamp field
# what makes a value unusable (Baserow catches exactly these: no row matches)
UNUSABLE = (OverflowError, ValueError, parser.ParserError, zoneinfo.ZoneInfoNotFoundError)


class Off(Exception):
    """The value switches the filter off (every row matches)."""


@functools.cache
def timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone(name: str) -> tzinfo:
    return UTC if name == "UTC" else zoneinfo.ZoneInfo(name)


def now_in(target: Target, tz: tzinfo) -> datetime:
    now = target.clock()
    return (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(tz)


def read_date(text: str, tz: tzinfo) -> Day:
    """An ISO date, or an ISO datetime in `tz` (naive: read as local to it)."""
    try:
        day: date = parser.isoparser().parse_isodate(text)
        return day
    except ValueError:
        moment = parser.isoparse(text)
        return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def as_day(target: Target, value: Day) -> Day:
    """A date field compares days: a datetime value becomes its day."""
    if target.kind != "datetime" and isinstance(value, datetime):
        return value.date()
    return value


def instant(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def in_days(target: Target, tz: tzinfo, lower: date | None, upper: date | None) -> Clause:
    """lower <= the field's day (in tz) < upper; either bound may be open; never NULL."""
    expr = target.expr
    if expr is None:
        return NOTHING
    parts: list[Clause] = [expr.is_not(None)]
    timestamp = target.kind == "datetime"
    if lower is not None:
        parts.append(expr >= (instant(lower, tz) if timestamp else lower))
    if upper is not None:
        parts.append(expr < (instant(upper, tz) if timestamp else upper))
    return sa.and_(*parts)


def compare(target: Target, tz: tzinfo, op: str, value: Day) -> Clause:
    """The field `op` value: by instants when both have a time, else by the field's day."""
    expr = target.expr
    if expr is None:
        return NOTHING
    if isinstance(value, datetime):
        moment = value.astimezone(UTC)
        clause = {"eq": expr == moment, "lt": expr < moment, "le": expr <= moment,
                  "gt": expr > moment, "ge": expr >= moment}[op]  # fmt: skip
        return sa.and_(expr.is_not(None), clause)
    ranges = {
        "eq": (value, value + DAY),
        "lt": (None, value),
        "le": (None, value + DAY),
        "gt": (value + DAY, None),
        "ge": (value, None),
    }
    return in_days(target, tz, *ranges[op])


def any_range(target: Target, tz: tzinfo, ranges: list[tuple[date, date]]) -> Clause:
    return sa.or_(*(in_days(target, tz, lo, up) for lo, up in ranges)) if ranges else NOTHING


def week_in_year(week: int, year: int) -> list[tuple[date, date]]:
    """The days of calendar year `year` in ISO week number `week`, as ranges (Django's
    __week and __year lookups together: both ends of a year can hold such days)."""
    ranges: list[tuple[date, date]] = []
    day = date(year, 1, 1)
    while day.year == year:
        if day.isocalendar().week == week:
            if ranges and ranges[-1][1] == day:
                ranges[-1] = (ranges[-1][0], day + DAY)
            else:
                ranges.append((day, day + DAY))
        day += DAY
    return ranges


def month_range(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, start + relativedelta(months=1)


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


# --- legacy -----------------------------------------------------------------------------


def legacy_split(target: Target, value: str) -> tuple[tzinfo, str]:
    """(time zone, value) of "[tz?]value" or "tz"; the field's forced zone, else UTC."""
    if "?" in value:
        parts = value.split("?")
        name, rest = (parts[0], parts[1]) if len(parts) == 2 else (None, None)
    elif value in timezones():
        name, rest = value, None
    else:
        name, rest = target.field.props.get("date_force_timezone"), value
    return (zone(name) if name is not None else UTC), rest or ""


class LegacyDate(FilterType):
    """date_equal, date_before, ...: the field compared with one date or datetime."""

    def __init__(self, type_: str, op: str) -> None:
        self.type = type_
        self.op = op

    def clause(self, target: Target, value: str) -> Clause | None:
        try:
            tz, raw = legacy_split(target, value.strip())
            if raw == "":
                return None
            day = read_date(raw, tz)
        except UNUSABLE:
            return NOTHING
        return compare(target, tz, self.op, as_day(target, day))


class LegacyRelative(FilterType):
    """date_equals_today, date_within_days, ...: days around today in the value's zone.
    `days(today, n, now)` -> the ranges of days that match."""

    def __init__(
        self,
        type_: str,
        days: Callable[[date, int, datetime], list[tuple[date | None, date | None]]],
        numbered: bool = True,
        blank: tuple[str, ...] = ("",),
    ) -> None:
        self.type = type_
        self.days = days
        self.numbered = numbered
        self.blank = blank  # values that switch it off

    def clause(self, target: Target, value: str) -> Clause | None:
        try:
            tz, raw = legacy_split(target, value.strip())
            if self.numbered and raw in self.blank:
                return None
            n = int(raw) if self.numbered else 0
            now = now_in(target, tz)
            found = self.days(now.date(), n, now)
        except UNUSABLE:
            return NOTHING
        return sa.or_(*(in_days(target, tz, lo, up) for lo, up in found)) if found else NOTHING


def within(today: date, end: date) -> list[tuple[date | None, date | None]]:
    """Between today and `end`, both included, whichever comes first."""
    return [(min(today, end), max(today, end) + DAY)]


def ahead(now: datetime, n: int, unit: str) -> date:
    """The day `n` days, weeks or months from now (zero weeks or months: unusable)."""
    if n == 0 and unit != "days":
        raise ValueError("zero weeks or months")
    step = {"days": relativedelta(days=n), "weeks": relativedelta(weeks=n)}.get(unit)
    shifted: datetime = now + (step or relativedelta(months=n))
    return shifted.date()


class DayOfMonth(FilterType):
    type = "date_equals_day_of_month"

    def clause(self, target: Target, value: str) -> Clause | None:
        try:
            tz, raw = legacy_split(target, value.strip())
            if raw == "":
                return None
            day = int(raw)
            if not 1 <= day <= 31:
                raise ValueError(raw)
        except UNUSABLE:
            return NOTHING
        if target.expr is None:
            return NOTHING
        if target.kind != "datetime":
            return sa.extract("day", target.expr) == day
        # a field showing its time reads its day in the filter's zone, else in UTC
        local_zone = tz if target.field.props.get("date_include_time") else UTC
        if target.dialect == "sqlite":
            return sa.func.gb_local_day(target.expr, str(local_zone)) == day
        return sa.extract("day", sa.func.timezone(str(local_zone), target.expr)) == day


def legacy_relative() -> list[FilterType]:
    def today(d: date, n: int, now: datetime) -> list[tuple[date | None, date | None]]:
        return [(d, d + DAY)]

    def days_ago(d: date, n: int, now: datetime) -> list[tuple[date | None, date | None]]:
        day = (now - timedelta(days=n)).date()
        return [(day, day + DAY)]

    def week(d: date, n: int, now: datetime) -> list[tuple[date | None, date | None]]:
        return list(week_in_year(d.isocalendar().week, d.year))

    return [
        LegacyRelative("date_equals_today", today, numbered=False),
        LegacyRelative("date_before_today", lambda d, n, now: [(None, d)], numbered=False),
        LegacyRelative("date_after_today", lambda d, n, now: [(d + DAY, None)], numbered=False),
        LegacyRelative("date_equals_week", week, numbered=False),
        LegacyRelative("date_equals_month", lambda d, n, now: [month_range(d)], numbered=False),
        LegacyRelative("date_equals_year", lambda d, n, now: [year_range(d.year)], numbered=False),
        LegacyRelative("date_within_days", lambda d, n, now: within(d, ahead(now, n, "days"))),
        LegacyRelative("date_within_weeks", lambda d, n, now: within(d, ahead(now, n, "weeks"))),
        LegacyRelative("date_within_months", lambda d, n, now: within(d, ahead(now, n, "months"))),
        LegacyRelative("date_equals_days_ago", days_ago),
        LegacyRelative(
            "date_equals_months_ago",
            lambda d, n, now: [month_range((now + relativedelta(months=-n)).date())],
        ),
        LegacyRelative(
            "date_equals_years_ago",
            lambda d, n, now: [year_range((now + relativedelta(years=-n)).year)],
        ),
        LegacyRelative(
            "date_after_days_ago",
            lambda d, n, now: [((now - timedelta(days=n)).date(), None)],
            blank=("", "0"),
        ),
    ]


# --- multi-step -------------------------------------------------------------------------

# operator -> (lower, upper) around the day it names (DATE_FILTER_OPERATOR_BOUNDS)
BOUNDS: dict[str, Callable[[Any], tuple[Any, Any]]] = {
    "today": lambda d: (d, d + DAY),
    "yesterday": lambda d: (d - DAY, d),
    "tomorrow": lambda d: (d + DAY, d + 2 * DAY),
    "one_week_ago": lambda d: (
        d + relativedelta(weekday=MO(-2)),
        d + relativedelta(weekday=MO(-1)),
    ),
    "one_month_ago": lambda d: (d.replace(day=1) - relativedelta(months=1), d.replace(day=1)),
    "one_year_ago": lambda d: (
        d.replace(day=1, month=1) - relativedelta(years=1),
        d.replace(day=1, month=1),
    ),
    "this_week": lambda d: (
        d + relativedelta(weekday=MO(-1)),
        d + relativedelta(days=1, weekday=MO(+1)),
    ),
    "this_month": lambda d: (d.replace(day=1), d.replace(day=1) + relativedelta(months=1)),
    "this_year": lambda d: (
        d.replace(day=1, month=1),
        d.replace(day=1, month=1) + relativedelta(years=1),
    ),
    "next_week": lambda d: (
        d + relativedelta(days=1, weekday=MO(+1)),
        d + relativedelta(days=1, weekday=MO(+2)),
    ),
    "next_month": lambda d: (
        d.replace(day=1) + relativedelta(months=1),
        d.replace(day=1) + relativedelta(months=2),
    ),
    "next_year": lambda d: (
        d.replace(day=1, month=1) + relativedelta(years=1),
        d.replace(day=1, month=1) + relativedelta(years=2),
    ),
    "exact_date": lambda d: (d, d + DAY),
}
BOUNDS["nr_days_ago"] = BOUNDS["nr_days_from_now"] = BOUNDS["today"]
BOUNDS["nr_weeks_ago"] = BOUNDS["nr_weeks_from_now"] = BOUNDS["this_week"]
BOUNDS["nr_months_ago"] = BOUNDS["nr_months_from_now"] = BOUNDS["this_month"]
BOUNDS["nr_years_ago"] = BOUNDS["nr_years_from_now"] = BOUNDS["this_year"]
SHIFT: dict[str, Callable[[int], Any]] = {
    "nr_days_ago": lambda n: -timedelta(days=n),
    "nr_days_from_now": lambda n: timedelta(days=n),
    "nr_weeks_ago": lambda n: relativedelta(weeks=-n),
    "nr_weeks_from_now": lambda n: relativedelta(weeks=n),
    "nr_months_ago": lambda n: relativedelta(months=-n),
    "nr_months_from_now": lambda n: relativedelta(months=n),
    "nr_years_ago": lambda n: relativedelta(years=-n),
    "nr_years_from_now": lambda n: relativedelta(years=n),
}
# a blank value switches these operators off; the others ignore it (or read it as 0)
BLANK_OFF = frozenset({"exact_date", "nr_days_ago", "nr_days_from_now"})


def multi_step_split(value: str, operators: frozenset[str]) -> tuple[tzinfo, str, str]:
    """(zone, value, operator) of "tz?value?operator" (an empty zone is UTC); anything else
    is unusable (in Baserow too, also "tz?value" and a value without "?")."""
    parts = value.split("?")
    if len(parts) != 3 or parts[2] not in operators:
        raise ValueError(value)
    name, raw, operator = parts
    return zone(name or "UTC"), raw, operator


def day_of_bound(bound: Day) -> date:
    """A bound of a value with a time, as Django compares it to a day: its day in UTC."""
    return bound.astimezone(UTC).date() if isinstance(bound, datetime) else bound


def day_range(
    target: Target,
    value: str,
    how: str,
    as_bound: Callable[[Day], date],
    operators: frozenset[str] = frozenset(BOUNDS),
) -> tuple[tzinfo, date | None, date | None] | None:
    """(zone, lower, upper) of the days a multi-step value selects for `how` ("is",
    "before", ...); None switches the filter off; raises UNUSABLE. `as_bound` turns the
    operator's bounds into days (they are datetimes for an exact date with a time)."""
    tz, raw, operator = multi_step_split(value.strip(), operators)
    if operator in BLANK_OFF and raw == "":
        return None
    if operator == "exact_date":
        day = read_date(raw, tz)
    else:
        day = now_in(target, tz).date()
        if operator in SHIFT:
            day += SHIFT[operator](int(raw or 0))
    lower, upper = (as_bound(b) for b in BOUNDS[operator](as_day(target, day)))
    if how == "within":
        today = now_in(target, tz).date()
        lower, upper = (today, upper) if today < upper else (lower, today + DAY)
    bounds: dict[str, tuple[date | None, date | None]] = {
        "is": (lower, upper),
        "before": (None, lower),
        "on_or_before": (None, upper),
        "after": (upper, None),
        "on_or_after": (lower, None),
        "within": (lower, upper),
    }
    return (tz, *bounds[how])


class MultiStep(FilterType):
    """date_is & co: `how` picks the part of the operator's range the field must fall in."""

    def __init__(self, type_: str, how: str) -> None:
        self.type = type_
        self.how = how
        # date_is_within takes every operator but today (has_date_within takes them all)
        self.operators = frozenset(BOUNDS) - ({"today"} if how == "within" else set())

    def clause(self, target: Target, value: str) -> Clause | None:
        try:
            found = day_range(target, value, self.how, day_of_bound, self.operators)
        except UNUSABLE:
            return NOTHING
        return None if found is None else in_days(target, *found)


def filter_types() -> list[FilterType]:
    date_is = MultiStep("date_is", "is")
    date_equal = LegacyDate("date_equal", "eq")
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
        LegacyDate("date_before", "lt"),
        LegacyDate("date_before_or_equal", "le"),
        LegacyDate("date_after", "gt"),
        LegacyDate("date_after_or_equal", "ge"),
        DayOfMonth(),
        *legacy_relative(),
    ]

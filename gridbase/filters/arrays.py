"""Filters on array fields (lookups and array formulas): "an item ..." as EXISTS subqueries
over the field's items (`Target.items`, fields.base.Items), with Baserow 1.35.3's rules
(views/array_view_filters.py and the formula types' filter supports).

Baserow keeps an array as JSON and matches text against each item's JSON text (`"a"`, with
its quotes; a number as written; `null`), so contains-like filters here compare that text,
LIKE wildcards in the value included. Imports: fields (base, display, jsonsql), filters
(base, dates, junction).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from gridbase.fields import display, jsonsql
from gridbase.fields.base import FILTER_FALSE, FILTER_TRUE, Items, bounded_decimal, bounded_int
from gridbase.filters import dates
from gridbase.filters.base import NOTHING, Clause, FilterType, Negated, Target, has_word
from gridbase.filters.junction import parse_ids

Expr = sa.ColumnElement[Any]
ItemTest = Callable[[Items], Clause]
TEXTS = ("text", "char", "url")
SELECTS = ("single_select", "multiple_select")


def sub_type(target: Target) -> str:
    """The formula type of the items ("text", "number", "single_select", ...)."""
    return str(target.field.props.get("array_formula_type") or "text")


def some_item(target: Target, test: ItemTest | None = None) -> Clause:
    """EXISTS an item of this row (that passes `test`)."""
    items = target.items
    if items is None:
        return NOTHING
    stmt = sa.select(sa.literal(1)).select_from(items.joined).where(items.correlate)
    if test is not None:
        stmt = stmt.where(test(items))
    return stmt.exists()


def some_option(target: Target, items: Items, test: Callable[[Expr], Clause]) -> Clause:
    """A multiple-select item holds an option (its JSON object) that passes `test`."""
    if items.whole is None:
        return NOTHING
    option = jsonsql.elements(target.dialect, items.whole)
    return sa.select(sa.literal(1)).select_from(option).where(test(option.c.value)).exists()


def quoted(text: Expr) -> Expr:
    """A text as a JSON string (quotes, and backslashes and quotes escaped)."""
    escaped = sa.func.replace(sa.func.replace(text, "\\", "\\\\"), '"', '\\"')
    return sa.literal('"') + escaped + sa.literal('"')


def json_text(target: Target, items: Items) -> Expr:
    """An item's value as Baserow's JSON text of it (jsonb `::text`)."""
    kind, value, dialect = sub_type(target), items.value, target.dialect
    if kind == "single_select":  # its option's value; a missing option has none
        if items.whole is None:
            return sa.null()
        return quoted(jsonsql.get_text(dialect, items.whole, "value"))
    if kind == "number":  # written with the number's decimal places, unquoted
        places = int(target.field.props.get("number_decimal_places") or 0)
        text: Expr = display.decimal_sql(value, places, dialect)
    elif kind == "date":
        text = quoted(iso_text(target, value))
    else:
        text = quoted(sa.cast(value, sa.Text))
    return sa.func.coalesce(text, "null")


def iso_text(target: Target, value: Expr) -> Expr:
    """A date item as Baserow writes it in JSON: YYYY-MM-DD, or an ISO datetime in UTC."""
    with_time = bool(target.field.props.get("date_include_time"))
    if target.dialect == "postgresql":
        if not with_time:
            return sa.func.to_char(value, "YYYY-MM-DD")
        utc = sa.func.timezone("UTC", value)
        return sa.func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS') + sa.literal("+00:00")
    if not with_time:
        return sa.func.strftime("%Y-%m-%d", value)
    return sa.func.strftime("%Y-%m-%dT%H:%M:%S", value) + sa.literal("+00:00")


def value_is_empty(target: Target, items: Items) -> Clause:
    """An item whose value Baserow counts as empty: null, "" for texts, no option."""
    kind = sub_type(target)
    if kind == "multiple_select":
        if items.whole is None:
            return NOTHING
        return sa.not_(some_option(target, items, lambda option: sa.true()))
    if kind == "single_select":
        return items.whole.is_(None) if items.whole is not None else sa.true()
    if kind in TEXTS:
        return sa.or_(items.value.is_(None), sa.cast(items.value, sa.Text) == "")
    return items.value.is_(None)


def array_empty(target: Target) -> Clause:
    """`empty` on an array: no item has a non-empty value (no items at all included)."""
    return sa.not_(some_item(target, lambda items: sa.not_(value_is_empty(target, items))))


# --- the filter types ----------------------------------------------------------------


class HasEmptyValue(FilterType):
    type = "has_empty_value"

    def clause(self, target: Target, value: str) -> Clause | None:
        return some_item(target, lambda items: value_is_empty(target, items))


class HasValueContains(FilterType):
    """The value as given (not trimmed) inside an item's JSON text, as LIKE reads it."""

    type = "has_value_contains"

    def clause(self, target: Target, value: str) -> Clause | None:
        if value == "":
            return None
        pattern = sa.func.upper(sa.literal(f"%{value}%"))
        if sub_type(target) == "multiple_select":

            def option_matches(option: Expr) -> Clause:
                text = jsonsql.get_json(target.dialect, option, "value")
                return sa.func.upper(text).like(pattern)

            return some_item(target, lambda items: some_option(target, items, option_matches))
        return some_item(
            target, lambda items: sa.func.upper(json_text(target, items)).like(pattern)
        )


class HasValueContainsWord(FilterType):
    type = "has_value_contains_word"

    def clause(self, target: Target, value: str) -> Clause | None:
        word = value.strip().lower()
        if word == "":
            return None
        if sub_type(target) == "multiple_select":

            def option_matches(option: Expr) -> Clause:
                text = jsonsql.get_json(target.dialect, option, "value")
                return has_word(text, word, target.dialect)

            return some_item(target, lambda items: some_option(target, items, option_matches))
        return some_item(
            target, lambda items: has_word(json_text(target, items), word, target.dialect)
        )


class HasValueLengthIsLowerThan(FilterType):
    type = "has_value_length_is_lower_than"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        try:
            limit = bounded_int(int(value))
        except ValueError:
            return NOTHING
        return some_item(target, lambda items: sa.func.length(items.value) < limit)


class Comparison(FilterType):
    """has_value_equal & co: the value read as the items' type (Baserow's
    ComparisonHasValueFilter): blank switches it off, an unreadable one matches nothing."""

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        try:
            typed = self.read(sub_type(target), value)
        except ValueError:
            return NOTHING
        return self.compare(target, typed)

    def read(self, kind: str, value: str) -> Any:
        if kind in SELECTS:
            ids = parse_ids(value)
            if not ids:
                raise ValueError(value)
            return ids
        if kind == "number":
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise ValueError(value) from None
            if not number.is_finite():
                raise ValueError(value)
            return bounded_decimal(number)
        if kind == "boolean":
            if value in FILTER_TRUE:
                return True
            if value in FILTER_FALSE:
                return False
            raise ValueError(value)
        return value

    def compare(self, target: Target, typed: Any) -> Clause:
        raise NotImplementedError


class HasValueEqual(Comparison):
    type = "has_value_equal"

    def compare(self, target: Target, typed: Any) -> Clause:
        kind = sub_type(target)
        if kind == "single_select":
            return some_item(target, lambda items: option_id(target, items.whole).in_(typed))
        if kind == "multiple_select":
            wanted = sorted(set(typed))

            def same_options(items: Items) -> Clause:
                """The item holds exactly these options (Baserow compares the sorted ids)."""
                held = lambda option: option_id(target, option).in_(wanted)  # noqa: E731
                count = self.option_count(target, items)
                return sa.and_(count == len(wanted), self.all_options(target, items, held))

            return some_item(target, same_options)
        if kind == "boolean":
            return some_item(
                target, lambda items: sa.func.coalesce(items.value, sa.false()) == typed
            )
        return some_item(target, lambda items: items.value == typed)

    @staticmethod
    def option_count(target: Target, items: Items) -> Expr:
        if items.whole is None:
            return sa.literal(-1)
        option = jsonsql.elements(target.dialect, items.whole)
        return sa.select(sa.func.count()).select_from(option).scalar_subquery()

    @staticmethod
    def all_options(target: Target, items: Items, held: Callable[[Expr], Clause]) -> Clause:
        return sa.not_(some_option(target, items, lambda option: sa.not_(held(option))))


def option_id(target: Target, obj: Expr | None) -> Expr:
    if obj is None:
        return sa.null()
    return sa.cast(jsonsql.get_text(target.dialect, obj, "id"), sa.Integer)


class HasAllValuesEqual(Comparison):
    """Every item (and at least one) holds the boolean."""

    type = "has_all_values_equal"

    def compare(self, target: Target, typed: Any) -> Clause:
        other = some_item(
            target, lambda items: sa.or_(items.value.is_(None), items.value != sa.literal(typed))
        )
        return sa.and_(some_item(target), sa.not_(other))


class HasNumber(Comparison):
    """has_value_higher & co: an item's number compares with the value."""

    def __init__(self, type_: str, op: Callable[[Expr, Any], Clause]) -> None:
        self.type = type_
        self.op = op

    def read(self, kind: str, value: str) -> Any:
        return super().read("number", value)

    def compare(self, target: Target, typed: Any) -> Clause:
        return some_item(target, lambda items: self.op(items.value, typed))


class HasDate(FilterType):
    """has_date_equal & co: an item's day (in the value's zone) falls in the operator's
    range. A date item counts as midnight UTC (Baserow casts it to a timestamp)."""

    def __init__(self, type_: str, how: str) -> None:
        self.type = type_
        self.how = how

    def clause(self, target: Target, value: str) -> Clause | None:
        try:
            found = dates.day_range(target, value, self.how, local_day)
        except dates.UNUSABLE:
            return NOTHING
        if found is None:
            return None
        tz, lower, upper = found
        with_time = bool(target.field.props.get("date_include_time"))

        def within(items: Items) -> Clause:
            parts: list[Clause] = [items.value.is_not(None)]
            for bound, op in ((lower, "ge"), (upper, "lt")):
                if bound is None:
                    continue
                moment = dates.instant(bound, tz)
                edge: Any = moment if with_time else first_day_at_or_after(moment)
                parts.append(items.value >= edge if op == "ge" else items.value < edge)
            return sa.and_(*parts)

        return some_item(target, within)


def local_day(bound: date | datetime) -> date:
    """A bound of an exact date with a time: its day where it was written (Baserow casts
    the ISO text to a date)."""
    return bound.date() if isinstance(bound, datetime) else bound


def first_day_at_or_after(moment: datetime) -> date:
    """The first day whose midnight (UTC) is at or after `moment`."""
    day = moment.astimezone(UTC).date()
    return day if datetime.combine(day, time(0), tzinfo=UTC) >= moment else day + timedelta(1)


def filter_types() -> list[FilterType]:
    equal, contains, word, empty = (
        HasValueEqual(),
        HasValueContains(),
        HasValueContainsWord(),
        HasEmptyValue(),
    )
    select_equal = HasValueEqual()
    select_equal.type = "has_any_select_option_equal"
    numbers = [
        HasNumber("has_value_higher", lambda a, b: a > b),
        HasNumber("has_value_higher_or_equal", lambda a, b: a >= b),
        HasNumber("has_value_lower", lambda a, b: a < b),
        HasNumber("has_value_lower_or_equal", lambda a, b: a <= b),
    ]
    date_types: list[FilterType] = []
    for how, name in (("is", "equal"), ("before", "before"), ("on_or_before", "on_or_before"),
                      ("after", "after"), ("on_or_after", "on_or_after"),
                      ("within", "within")):  # fmt: skip
        positive = HasDate(f"has_date_{name}", how)
        date_types += [positive, Negated(f"has_not_date_{name}", positive)]
    return [
        equal,
        Negated("has_not_value_equal", equal),
        contains,
        Negated("has_not_value_contains", contains),
        word,
        Negated("has_not_value_contains_word", word),
        HasValueLengthIsLowerThan(),
        empty,
        Negated("has_not_empty_value", empty),
        HasAllValuesEqual(),
        select_equal,
        Negated("has_none_select_option_equal", select_equal),
        *numbers,
        *(Negated(n.type.replace("has_", "has_not_", 1), n) for n in numbers),
        *date_types,
    ]

"""Value filters: equal, contains, contains_word, length, empty, numeric comparisons, boolean.

Baserow's rules: values are trimmed; an empty value switches the filter off; a value the
field cannot hold matches no row (its negation: every row).
Imports: fields (base, jsonsql), filters (arrays, base, junction).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields import jsonsql
from gridbase.fields.base import bounded_int
from gridbase.filters.arrays import array_empty
from gridbase.filters.base import (
    NOTHING,
    Clause,
    FilterType,
    Negated,
    Target,
    has_word,
    icontains,
)
from gridbase.filters.junction import has_any_item, some_element


def parsed(target: Target, value: str) -> tuple[bool, Any]:
    """(ok, the value as the field compares it) by FieldType.parse_filter_value: ok False
    when the field cannot hold it (no row matches), the value None when it is blank."""
    try:
        return True, target.field_type.parse_filter_value(target.field, value)
    except ValueError:
        return False, None


class Equal(FilterType):
    type = "equal"

    def clause(self, target: Target, value: str) -> Clause | None:
        ok, typed = parsed(target, value.strip())
        if not ok or target.expr is None:
            return NOTHING
        if typed is None:
            return None
        clause: Clause = target.expr == typed
        return clause


def json_values(target: Target, test: Callable[[Any], Clause]) -> Clause:
    """Some element of a formula's JSON array of objects (a multiple select formula) whose
    `value`, written as JSON (quotes and all), passes `test`: Baserow 1.35.3 matches the
    elements' text so, with the value as given (not trimmed)."""
    return some_element(target, lambda el: test(jsonsql.get_json(target.dialect, el, "value")))


class Contains(FilterType):
    type = "contains"

    def clause(self, target: Target, value: str) -> Clause | None:
        if target.kind == "array" and target.junction is None and value != "":
            # LIKE as Baserow writes it: % and _ in the value are wildcards there too
            pattern = sa.func.upper(sa.literal(f"%{value}%"))
            return json_values(target, lambda text: sa.func.upper(text).like(pattern))
        value = value.strip()
        if value == "":
            return None
        if target.junction is not None:
            return has_any_item(target, lambda text: icontains(text, value, target.dialect))
        text = target.text()
        if text is None:
            return NOTHING
        return icontains(text, value, target.dialect)


class ContainsWord(FilterType):
    type = "contains_word"

    def clause(self, target: Target, value: str) -> Clause | None:
        if target.kind == "array" and target.junction is None and value != "":
            return json_values(target, lambda text: has_word(text, value.lower(), target.dialect))
        value = value.strip()
        if value == "":
            return None
        word = value.lower()

        def matches(text: sa.ColumnElement[Any]) -> Clause:
            return has_word(text, word, target.dialect)

        if target.junction is not None:
            return has_any_item(target, matches)
        text = target.text()
        return NOTHING if text is None else matches(text)


class LengthIsLowerThan(FilterType):
    type = "length_is_lower_than"

    def clause(self, target: Target, value: str) -> Clause | None:
        try:  # blank too: no row matches
            limit = bounded_int(int(value))
        except ValueError:
            return NOTHING
        if target.expr is None:
            return NOTHING
        return sa.func.length(target.expr) < limit


class Empty(FilterType):
    type = "empty"

    def clause(self, target: Target, value: str) -> Clause | None:
        if target.junction is not None:
            return sa.not_(has_any_item(target, None))
        if target.items is not None:  # an array: no item with a value
            return array_empty(target)
        expr = target.expr
        if expr is None:
            return NOTHING
        kind = target.kind
        if kind == "array":  # a formula's JSON array
            return sa.or_(expr.is_(None), sa.not_(some_element(target, lambda el: sa.true())))
        if kind == "bool":
            return sa.func.coalesce(expr, sa.false()) == sa.false()
        if kind == "text":
            return sa.or_(expr.is_(None), sa.cast(expr, sa.Text) == "")
        return expr.is_(None)


COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


class Compare(FilterType):
    """higher_than & co: the value as the field holds it (an integer field takes integers)."""

    op: ClassVar[str]

    def clause(self, target: Target, value: str) -> Clause | None:
        ok, typed = parsed(target, value.strip())
        if not ok or target.expr is None:
            return NOTHING
        if typed is None:
            return None
        clause: Clause = COMPARISONS[self.op](target.expr, typed)
        return clause


class HigherThan(Compare):
    type = "higher_than"
    op = "gt"


class HigherThanOrEqual(Compare):
    type = "higher_than_or_equal"
    op = "ge"


class LowerThan(Compare):
    type = "lower_than"
    op = "lt"


class LowerThanOrEqual(Compare):
    type = "lower_than_or_equal"
    op = "le"


class IsEvenAndWhole(FilterType):
    type = "is_even_and_whole"

    def clause(self, target: Target, value: str) -> Clause | None:
        if target.expr is None:
            return NOTHING
        expr = target.expr
        if target.dialect == "sqlite":  # SQLite's % truncates decimals: check wholeness first
            whole = sa.cast(expr, sa.Integer)
            return sa.and_(whole == expr, whole % 2 == 0)
        return sa.func.mod(expr, 2) == 0


class Boolean(FilterType):
    type = "boolean"

    def clause(self, target: Target, value: str) -> Clause | None:
        """Baserow reads the value unstripped; blank means false."""
        ok, wanted = parsed(target, value) if value != "" else (True, False)
        if not ok or target.expr is None:
            return NOTHING
        return sa.func.coalesce(target.expr, sa.false()) == sa.literal(bool(wanted))


def filter_types() -> list[FilterType]:
    equal, contains, word, empty = Equal(), Contains(), ContainsWord(), Empty()
    return [
        equal,
        Negated("not_equal", equal),
        contains,
        Negated("contains_not", contains),
        word,
        Negated("doesnt_contain_word", word),
        LengthIsLowerThan(),
        empty,
        Negated("not_empty", empty),
        HigherThan(),
        HigherThanOrEqual(),
        LowerThan(),
        LowerThanOrEqual(),
        IsEvenAndWhole(),
        Boolean(),
    ]

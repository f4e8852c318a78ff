"""Filters on array fields (lookups): "some linked value ..." as EXISTS subqueries over the
link's rows. `Target.items` carries (linked rows joined to the junction, the target value,
the condition tying them to the filtered row). Imports: filters.base, sqlalchemy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.filters.base import NOTHING, Clause, FilterType, Negated, Target


def some_item(target: Target, test: Any = None) -> Clause:
    """EXISTS a linked value of this row (whose value passes `test`)."""
    if target.items is None:
        return NOTHING
    joined, value, correlate = target.items
    stmt = sa.select(sa.literal(1)).select_from(joined).where(correlate)
    if test is not None:
        stmt = stmt.where(test(sa.cast(value, sa.Text)))
    return stmt.exists()


class HasValueEqual(FilterType):
    type = "has_value_equal"

    def clause(self, target: Target, value: str) -> Clause | None:
        if value == "":
            return None
        return some_item(target, lambda text: text == value)


class HasValueContains(FilterType):
    type = "has_value_contains"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        return some_item(
            target, lambda text: sa.func.lower(text).contains(value.lower(), autoescape=True)
        )


class HasValueLengthIsLowerThan(FilterType):
    type = "has_value_length_is_lower_than"

    def clause(self, target: Target, value: str) -> Clause | None:
        try:
            limit = int(value.strip())
        except ValueError:
            return None if value.strip() == "" else NOTHING
        return some_item(target, lambda text: sa.func.length(sa.func.coalesce(text, "")) < limit)


class HasEmptyValue(FilterType):
    type = "has_empty_value"

    def clause(self, target: Target, value: str) -> Clause | None:
        return some_item(target, lambda text: sa.or_(text.is_(None), text == ""))


def filter_types() -> list[FilterType]:
    equal, contains, empty = HasValueEqual(), HasValueContains(), HasEmptyValue()
    return [
        equal,
        Negated("has_not_value_equal", equal),
        contains,
        Negated("has_not_value_contains", contains),
        HasValueLengthIsLowerThan(),
        empty,
        Negated("has_not_empty_value", empty),
    ]

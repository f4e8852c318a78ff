"""Filters on junction-table fields (multiple select, link row) and single selects.

A junction field has no column; its filters are EXISTS subqueries over
`database_multipleselect_<id>(row_id, option_id)` or `database_relation_<id>(row_id,
target_id)`, both indexed on the row side.
Imports: fields (base, jsonsql), filters.base, sqlalchemy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from gridbase.fields import jsonsql
from gridbase.fields.base import bounded_int
from gridbase.filters.base import NOTHING, Clause, FilterType, Negated, Target, icontains

ItemTest = Callable[[sa.ColumnElement[Any]], Clause] | None


def has_any_item(target: Target, test: ItemTest, item_ids: list[int] | None = None) -> Clause:
    """EXISTS an item of this row (optionally among `item_ids`, optionally whose text passes
    `test`)."""
    junction = target.junction
    if junction is None:
        return NOTHING
    mine, item = (junction.c[name] for name in target.field_type.junction_sides(target.field))
    stmt = sa.select(sa.literal(1)).select_from(junction).where(mine == target.row_id)
    if item_ids is not None:
        stmt = stmt.where(item.in_(item_ids))
    if test is not None:
        text = target.field_type.item_text(target.field, item)
        if text is not None:
            stmt = stmt.where(test(text))
        elif target.link_text is not None:
            related, text = target.link_text
            stmt = stmt.join(related, related.c.id == item).where(test(text))
        else:
            return NOTHING
    return stmt.exists()


def option_of(target: Target) -> sa.ColumnElement[Any]:
    """The option id a single-select value holds (a formula's option object: its id)."""
    assert target.expr is not None
    return target.field_type.option_id(target.field, target.expr, target.dialect)


def some_element(target: Target, test: ItemTest) -> Clause:
    """EXISTS an element of the row's JSON array value that passes `test`."""
    if target.expr is None or test is None:
        return NOTHING
    element = jsonsql.elements(target.dialect, target.expr)
    return sa.select(sa.literal(1)).select_from(element).where(test(element.c.value)).exists()


def option_of_element(target: Target, element: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.cast(jsonsql.get_text(target.dialect, element, "id"), sa.Integer)


def parse_ids(value: str) -> list[int]:
    """The integer ids among comma-separated parts; the others are ignored (Baserow's
    parse_ids_from_csv_string)."""
    try:
        return [bounded_int(int(p)) for p in value.split(",") if p.strip().isdigit()]
    except ValueError:  # a non-ASCII digit
        return []


class SingleSelectEqual(FilterType):
    type = "single_select_equal"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        try:
            option_id = bounded_int(int(value))
        except ValueError:
            return None  # Baserow: a non-integer switches this filter off
        return NOTHING if target.expr is None else option_of(target) == option_id


class SingleSelectIsAnyOf(FilterType):
    type = "single_select_is_any_of"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        ids = parse_ids(value)
        if not ids or target.expr is None:
            return NOTHING
        return option_of(target).in_(ids)


class MultipleSelectHas(FilterType):
    type = "multiple_select_has"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        ids = parse_ids(value)
        if not ids:
            return NOTHING
        if target.junction is None:  # a formula's options, as JSON
            return some_element(target, lambda el: option_of_element(target, el).in_(ids))
        return has_any_item(target, None, ids)


class LinkRowHas(FilterType):
    type = "link_row_has"

    def clause(self, target: Target, value: str) -> Clause | None:
        ids = parse_ids(value)
        if not ids:
            return None  # Baserow: no integer switches this filter off
        return has_any_item(target, None, ids)


class LinkRowHasNot(FilterType):
    type = "link_row_has_not"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        try:
            row_id = bounded_int(int(value))
        except ValueError:
            return None
        return sa.not_(has_any_item(target, None, [row_id]))


class LinkRowContains(FilterType):
    type = "link_row_contains"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        return has_any_item(target, lambda text: icontains(text, value, target.dialect))


def filter_types() -> list[FilterType]:
    ss_equal, ss_any, ms_has, lr_contains = (
        SingleSelectEqual(),
        SingleSelectIsAnyOf(),
        MultipleSelectHas(),
        LinkRowContains(),
    )
    return [
        ss_equal,
        Negated("single_select_not_equal", ss_equal),
        ss_any,
        Negated("single_select_is_none_of", ss_any),
        ms_has,
        Negated("multiple_select_has_not", ms_has),
        LinkRowHas(),
        LinkRowHasNot(),
        lr_contains,
        Negated("link_row_not_contains", lr_contains),
    ]

"""Filter types: one small class each, collected in one explicit registry."""

from __future__ import annotations

from gridbase.filters import arrays, compare, dates, files, junction, users
from gridbase.filters.base import NOTHING, Clause, FilterType, Target
from gridbase.registry import Registry

FilterTypes = Registry[FilterType]


# Baserow filter types for field types gridbase does not have yet (lookups):
# registered so that using one answers "not compatible", as Baserow does.
NOT_YET = (
    "has_value_contains_word",
    "has_not_value_contains_word",
    "has_all_values_equal",
    "has_any_select_option_equal",
    "has_none_select_option_equal",
    "has_value_higher",
    "has_value_higher_or_equal",
    "has_value_lower",
    "has_value_lower_or_equal",
    "has_not_value_higher",
    "has_not_value_higher_or_equal",
    "has_not_value_lower",
    "has_not_value_lower_or_equal",
    "has_date_equal",
    "has_not_date_equal",
    "has_date_before",
    "has_not_date_before",
    "has_date_on_or_before",
    "has_not_date_on_or_before",
    "has_date_after",
    "has_not_date_after",
    "has_date_on_or_after",
    "has_not_date_on_or_after",
    "has_date_within",
    "has_not_date_within",
)


class NotYet(FilterType):
    """A known Baserow filter no gridbase field type offers yet; never compiled."""

    def __init__(self, type_: str) -> None:
        self.type = type_

    def clause(self, target: Target, value: str) -> Clause | None:
        return NOTHING


def default_filter_types() -> FilterTypes:
    items: list[FilterType] = [
        *compare.filter_types(),
        *junction.filter_types(),
        *dates.filter_types(),
        *arrays.filter_types(),
        *files.filter_types(),
        *users.filter_types(),
    ]
    items += [NotYet(name) for name in NOT_YET]
    return Registry("filter", items)

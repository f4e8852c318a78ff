"""Filter types: one small class each, collected in one explicit registry."""

from __future__ import annotations

from gridbase.filters import arrays, compare, dates, junction
from gridbase.filters.base import NOTHING, Clause, FilterType, Target
from gridbase.registry import Registry

FilterTypes = Registry[FilterType]


# Baserow filter types for field types gridbase does not have yet (files, collaborators):
# registered so that using one answers "not compatible", as Baserow does.
NOT_YET = (
    "filename_contains",
    "has_file_type",
    "files_lower_than",
    "multiple_collaborators_has",
    "multiple_collaborators_has_not",
    "user_is",
    "user_is_not",
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
    ]
    items += [NotYet(name) for name in NOT_YET]
    return Registry("filter", items)

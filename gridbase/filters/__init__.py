"""Filter types: one small class each, collected in one explicit registry."""

from __future__ import annotations

from gridbase.filters import arrays, compare, dates, files, junction, users
from gridbase.filters.base import FilterType
from gridbase.registry import Registry

FilterTypes = Registry[FilterType]


def default_filter_types() -> FilterTypes:
    items: list[FilterType] = [
        *compare.filter_types(),
        *junction.filter_types(),
        *dates.filter_types(),
        *arrays.filter_types(),
        *files.filter_types(),
        *users.filter_types(),
    ]
    return Registry("filter", items)

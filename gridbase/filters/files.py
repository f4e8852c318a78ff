"""Filters on file fields, with Baserow 1.35.3's semantics (views/view_filters.py):
filename_contains (a visible name contains the value, case-insensitively; like Baserow, `%`
and `_` in the value are LIKE wildcards), has_file_type (`image` / `document`: some file is
/ is not an image; any other value filters nothing), files_lower_than (fewer files than the
value; a value that is not an integer filters nothing). A blank value filters nothing.
`empty` / `not_empty` read the items too (compare.Empty).
Imports: fields (base, file), filters.base.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.fields import file as file_sql
from gridbase.fields.base import INT_BOUND, bounded_int
from gridbase.filters.base import NOTHING, Clause, FilterType, Target


def some_file(target: Target, test: Any) -> Clause:
    """EXISTS a file of the row's cell that passes `test(value)`."""
    if target.expr is None:
        return NOTHING
    each, value = file_sql.items(target.expr, target.dialect)
    return sa.select(sa.literal(1)).select_from(each).where(test(value)).exists()


class FilenameContains(FilterType):
    type = "filename_contains"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value == "":
            return None
        pattern = f"%{value}%"
        return some_file(
            target,
            lambda item: sa.func.upper(
                file_sql.item_text(item, "visible_name", target.dialect)
            ).like(sa.func.upper(sa.literal(pattern))),
        )


class HasFileType(FilterType):
    type = "has_file_type"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if value not in ("image", "document"):
            return None
        wanted = value == "image"
        return some_file(
            target, lambda item: file_sql.item_flag(item, "is_image", wanted, target.dialect)
        )


class FilesLowerThan(FilterType):
    type = "files_lower_than"

    def clause(self, target: Target, value: str) -> Clause | None:
        value = value.strip()
        if not value.lstrip("-").isdigit():
            return None
        if target.expr is None:
            return NOTHING
        try:
            limit = bounded_int(int(value))
        except ValueError:  # past Python's 4,300 digits: more files than any row holds
            limit = INT_BOUND
        return file_sql.array_length(target.expr, target.dialect) < limit


def filter_types() -> list[FilterType]:
    return [FilenameContains(), HasFileType(), FilesLowerThan()]

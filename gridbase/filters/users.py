"""Filters on users: user_is / user_is_not (created_by, last_modified_by) and
multiple_collaborators_has / _has_not.

The value is one user id; Baserow reads it with int() after trimming, and a value that is
not one switches the filter off (every row matches, negated or not).
Imports: fields.base, filters (base, junction), storage, sqlalchemy.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.fields.base import bounded_int
from gridbase.filters.base import NOTHING, Clause, FilterType, Negated, Target
from gridbase.filters.junction import has_any_item
from gridbase.storage import schema as s


def user_id(value: str) -> int | None:
    try:
        return bounded_int(int(value.strip()))
    except ValueError:
        return None


class UserIs(FilterType):
    type = "user_is"

    def clause(self, target: Target, value: str) -> Clause | None:
        wanted = user_id(value)
        if wanted is None:
            return None
        if target.expr is None:
            return NOTHING
        clause: Clause = target.expr == wanted
        return clause


class CollaboratorsHas(FilterType):
    type = "multiple_collaborators_has"

    def clause(self, target: Target, value: str) -> Clause | None:
        wanted = user_id(value)
        if wanted is None:
            return None
        return has_any_item(target, None, [wanted])


class CollaboratorsHasNot(FilterType):
    """Not the complement of _has, exactly as Baserow: its `id NOT IN (the rows of the user,
    read from the users LEFT JOIN the cells)` holds a NULL when the user exists but no cell
    holds them, so then no row matches; a user id nobody has matches every row."""

    type = "multiple_collaborators_has_not"

    def clause(self, target: Target, value: str) -> Clause | None:
        wanted = user_id(value)
        if wanted is None:
            return None
        junction = target.junction
        if junction is None:
            return NOTHING
        mine, item = (junction.c[name] for name in target.field_type.junction_sides(target.field))
        u = s.users
        rows_of_user = (
            sa.select(mine)
            .select_from(u.outerjoin(junction, item == u.c.id))
            .where(u.c.id == wanted)
        )
        return sa.not_(target.row_id.in_(rows_of_user))


def filter_types() -> list[FilterType]:
    user_is = UserIs()
    return [
        user_is,
        Negated("user_is_not", user_is),
        CollaboratorsHas(),
        CollaboratorsHasNot(),
    ]

"""Ordering a set of siblings (views of a table, tables of a database, databases of a
workspace) by a possibly partial list of ids, as Baserow's OrderableMixin.order_objects does.
Imports: sqlalchemy only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def full_order(previous: list[int], new: list[int]) -> list[int]:
    """Every id of `previous` (the current order): the ids of `new` in its order, the others
    kept as close to where they were as the walk allows (Baserow's algorithm, step by step:
    an id not asked for is taken as soon as it comes up, an asked-for id only when it is the
    next one asked for)."""
    remaining, wanted, out = list(previous), list(new), []
    current = 0
    while remaining:
        item = remaining[current]
        if item not in wanted:
            out.append(remaining.pop(current))
            current = 0
        elif item == wanted[0]:
            out.append(remaining.pop(current))
            wanted.pop(0)
            current = 0
        else:
            current += 1
    return out


def reorder(conn: sa.Connection, t: sa.Table, scope: Any, new: list[int]) -> None:
    """Number the rows of `t` within `scope` 1, 2, ... in full_order(current, new); every id
    of `new` must be in the scope (the caller checks)."""
    previous = list(
        conn.execute(sa.select(t.c.id).where(scope).order_by(t.c.order, t.c.id)).scalars()
    )
    for position, item in enumerate(full_order(previous, new), start=1):
        conn.execute(t.update().where(t.c.id == item).values(order=position))

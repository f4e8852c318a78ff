"""A free field name in a table (Baserow's find_next_unused_field_name).

Imports: storage.schema.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.storage import schema as s

MAX_LENGTH = 255
RESERVED = frozenset({"id", "order"})


def unused_name(conn: sa.Connection, table_id: int, variants: list[str]) -> str:
    """The first variant no field of the table has, else the last one with " 2", " 3", ...
    appended (the name cut so that name and number fit the length limit)."""
    f = s.fields
    taken = set(conn.execute(sa.select(f.c.name).where(f.c.table_id == table_id)).scalars())
    return first_free(taken, variants, RESERVED)


def first_free(
    taken: set[str],
    variants: list[str],
    reserved: frozenset[str] = frozenset(),
    max_length: int = MAX_LENGTH,
) -> str:
    """Baserow's find_unused_name: the first variant not taken, else the last one with
    " 2", " 3", ... appended (cut so that name and number fit `max_length`)."""
    variants = [v[:max_length] for v in variants]
    for name in variants:
        if name not in taken and name not in reserved:
            return name
    base, number = variants[-1], 2
    while True:
        suffix = f" {number}"
        cut = base[: max_length - len(suffix)] if len(base) + len(suffix) > max_length else base
        if cut + suffix not in taken and cut + suffix not in reserved:
            return cut + suffix
        number += 1

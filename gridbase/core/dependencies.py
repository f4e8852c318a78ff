"""Keep computed fields correct when the fields they use change: a rename rewrites a
formula's text, a type change re-types it, a deletion puts it in Baserow's error state.

Which fields are computed from others, and how each is re-derived, is its type's answer
(FieldType.refresh_pass, refresh_props). A change that would make a field read itself is
refused (refuse_cycles). Imports: core.context, errors, fields.base, models, storage,
usertable.
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.errors import FieldCircularReference, FieldSelfReference
from gridbase.fields.base import REFRESH_LINKED, REFRESH_OWN, names_itself, reads_itself
from gridbase.models import Field
from gridbase.storage import schema as s
from gridbase.storage.kept.versions import bump_version
from gridbase.usertable import load


def refresh(
    ctx: Ctx, conn: sa.Connection, table_id: int, rename: tuple[str, str] | None = None
) -> list[Field]:
    """After a field of `table_id` was created, changed or deleted (`rename`: its old and new
    name): re-derive the table's fields computed from its own fields, then, in every table of
    its database that has computed fields, those and the fields read through links. The
    fields that changed, as they are now, by id (an answer's `related_fields`)."""
    changed = _refresh(ctx, conn, table_id, REFRESH_OWN, rename)
    if changed:
        bump_version(conn, table_id)
    owners = _owners(ctx, conn, table_id)
    # a field may read one refreshed after it in the same round (a lookup of a lookup in a
    # table with a higher id): rounds repeat until one changes nothing; each round settles
    # at least one more field of such a chain, so there are at most as many as fields
    for round_ in range(1 + _computed_count(ctx, conn, owners)):
        settled = True
        for owner in owners:
            own = []
            if owner != table_id or round_ > 0:
                own = _refresh(ctx, conn, owner, REFRESH_OWN, None)
            linked = _refresh(ctx, conn, owner, REFRESH_LINKED, None)
            changed += own + linked
            settled = settled and not own and not linked
            if own or linked or (round_ == 0 and owner != table_id):
                bump_version(conn, owner)  # their SQL reads the changed table's fields
        if settled:
            break
    ids = sorted(set(changed))
    tables = {
        t for (t,) in conn.execute(sa.select(s.fields.c.table_id).where(s.fields.c.id.in_(ids)))
    }
    fields = load.load_fields(conn, sorted(tables))
    found = {f.id: f for table_fields in fields.values() for f in table_fields}
    return [found[i] for i in ids if i in found]


def refuse_cycles(ctx: Ctx, conn: sa.Connection, fields: list[Field]) -> None:
    """After a change, before it commits: `fields` are the changed field, then those the
    change re-derived, so every new edge of the dependency graph starts or ends at one of
    them and any new cycle passes through one. Baserow's errors: the changed field naming
    itself through a link (a primary counting a link to its own table), else any cycle
    (asked of Baserow 1.35.3: a field the primary reads turned into a link to its table)."""
    if fields and names_itself(ctx, conn, fields[0]):
        raise FieldSelfReference()
    memo: dict[int, list[Field]] = {}
    if any(reads_itself(ctx, conn, field, memo) for field in fields):
        raise FieldCircularReference()


def _owners(ctx: Ctx, conn: sa.Connection, table_id: int) -> list[int]:
    """The tables of `table_id`'s database that have computed fields."""
    t, f = s.database_tables, s.fields
    computed = [ft.type for ft in ctx.field_types if ft.refresh_pass is not None]
    database_id = conn.execute(sa.select(t.c.database_id).where(t.c.id == table_id)).scalar()
    tables = sa.select(t.c.id).where(t.c.database_id == database_id, t.c.trashed.is_(False))
    stmt = sa.select(f.c.table_id).where(f.c.table_id.in_(tables), f.c.type.in_(computed))
    return list(conn.execute(stmt.distinct()).scalars())


def _computed_count(ctx: Ctx, conn: sa.Connection, tables: list[int]) -> int:
    f = s.fields
    computed = [ft.type for ft in ctx.field_types if ft.refresh_pass is not None]
    stmt = sa.select(sa.func.count()).where(f.c.table_id.in_(tables), f.c.type.in_(computed))
    return int(conn.execute(stmt).scalar() or 0)


def _refresh(
    ctx: Ctx, conn: sa.Connection, table_id: int, pass_: int, rename: tuple[str, str] | None
) -> list[int]:
    """Re-derive the table's fields of this refresh pass; the ids of those that changed.
    A field reads the others as re-derived so far, and the pass repeats while one changed:
    a formula reading one that just broke (in any order) breaks too."""
    fields = load.load_fields(conn, [table_id]).get(table_id, [])
    by_name = {f.name: f for f in fields}
    changed: list[int] = []
    for _ in range(len(fields)):
        again = False
        for field in list(by_name.values()):
            ft = ctx.field_types.get(field.type)
            if ft.refresh_pass != pass_:
                continue
            props = ft.refresh_props(ctx, conn, field, by_name, rename)
            if props != field.props:
                conn.execute(s.fields.update().where(s.fields.c.id == field.id).values(props=props))
                by_name[field.name] = dataclasses.replace(field, props=props)
                changed.append(field.id)
                again = True
        if not again:
            break
        rename = None  # the texts are rewritten already
    return list(dict.fromkeys(changed))

"""Keep computed fields correct when the fields they use change: a rename rewrites the
formula text, a type change re-types it, a deletion puts it in Baserow's error state."""

from __future__ import annotations

import contextlib
import dataclasses

import sqlalchemy as sa

from gridbase import formula as fl
from gridbase.core.context import Ctx
from gridbase.errors import GridbaseError
from gridbase.fields.formula import typed_props
from gridbase.storage import schema as s
from gridbase.storage.kept.versions import bump_version
from gridbase.usertable import load


def refresh(
    ctx: Ctx, conn: sa.Connection, table_id: int, rename: tuple[str, str] | None = None
) -> None:
    """After a field of `table_id` was created, changed or deleted: re-type its formulas, and
    re-check the count/rollup/lookup fields of its database (they read through links)."""
    _refresh_formulas(ctx, conn, table_id, rename)
    _refresh_through_fields(ctx, conn, table_id)


THROUGH_TYPES = ("count", "rollup", "lookup")


def _refresh_through_fields(ctx: Ctx, conn: sa.Connection, table_id: int) -> None:
    """Computed fields of other tables may read this one through links: re-check them, and
    re-type the formulas there (lookup() and aggregates read linked fields too)."""
    t, f = s.database_tables, s.fields
    database_id = conn.execute(sa.select(t.c.database_id).where(t.c.id == table_id)).scalar()
    tables = sa.select(t.c.id).where(t.c.database_id == database_id)
    computed = (*THROUGH_TYPES, "formula")
    owners = list(
        conn.execute(
            sa.select(f.c.table_id)
            .where(f.c.table_id.in_(tables), f.c.type.in_(computed))
            .distinct()
        ).scalars()
    )
    for owner in owners:
        if owner != table_id:
            _refresh_formulas(ctx, conn, owner, None)
        changed = False
        for field in load.load_fields(conn, [owner])[owner]:
            if field.type not in THROUGH_TYPES:
                continue
            ft = ctx.field_types.get(field.type)
            try:
                link, target = ft.check(ctx, conn, field)
                props = dict(field.props, **ft.display(ctx, link, target))
            except GridbaseError as exc:
                props = dict(field.props, formula_type="invalid", error=str(exc.detail))
            if props != field.props:
                conn.execute(f.update().where(f.c.id == field.id).values(props=props))
                changed = True
        if changed or owner != table_id:
            bump_version(conn, owner)  # their SQL reads the changed table's fields


def _refresh_formulas(
    ctx: Ctx, conn: sa.Connection, table_id: int, rename: tuple[str, str] | None
) -> None:
    fields = load.load_fields(conn, [table_id]).get(table_id, [])
    formulas = [f for f in fields if f.type == "formula"]
    if not formulas:
        return
    by_name = {f.name: f for f in fields}
    changed = False
    for field in formulas:
        text = str(field.props.get("formula", ""))
        if rename is not None and rename[0] != rename[1]:
            with contextlib.suppress(fl.FormulaError):
                text = fl.rename_field_references(text, rename[0], rename[1])
        current = dataclasses.replace(field, props=dict(field.props, formula=text))
        props = typed_props(ctx, current, by_name, conn)
        if props != field.props:
            conn.execute(s.fields.update().where(s.fields.c.id == field.id).values(props=props))
            changed = True
    if changed:
        bump_version(conn, table_id)

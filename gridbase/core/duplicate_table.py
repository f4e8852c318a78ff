"""Table duplication (Baserow's duplicate_table job): a copy named "<name> 2" (the first
free "<name> <n>"), last in its database, with every field (same names, order and
properties), every row (same ids), every link and its views (filters, filter groups,
sorts, field options).

Baserow's rules for links: a link to another table links that table from the copy too,
with a new related field there (named after the copy) when the original has one; a self
link of the original links the copy to itself. Computed fields are created after the
fields they read. The whole copy is one transaction: nobody sees half a table.
Imports: core (context, dependencies, duplicate_field, fields, jobs, job_types,
workspaces), errors, fields, models, storage, usertable.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from gridbase.core import dependencies, fields, jobs, workspaces
from gridbase.core.context import Ctx
from gridbase.core.duplicate_field import copy_options_map, field_raw, mapped
from gridbase.core.job_types import JobCancelled, ProgressFn
from gridbase.models import Field, Table, User
from gridbase.storage import ddl
from gridbase.storage import schema as s
from gridbase.storage.kept.versions import bump_version, new_version
from gridbase.usertable import load

TYPE = "duplicate_table"


def table_json(table: Table) -> dict[str, Any]:
    """Baserow's TableSerializer."""
    return {
        "id": table.id,
        "name": table.name,
        "order": table.order,
        "database_id": table.database_id,
        "data_sync": None,
    }


def start(ctx: Ctx, user: User, table_id: int) -> jobs.Job:
    with ctx.db.write() as conn:
        table = load.load_table(conn, table_id)
        workspaces.require_member(conn, user.id, table.workspace_id)
        params = {"table_id": table_id, "original_table": table_json(table)}
        result = {"duplicated_table": None}
        return jobs.insert(ctx, conn, user, TYPE, params, max_count=1, result=result)


def unused_table_name(conn: sa.Connection, database_id: int, name: str) -> str:
    """Baserow's find_unused_table_name: "<name> 2", "<name> 3", ..."""
    t = s.database_tables
    taken = set(conn.execute(sa.select(t.c.name).where(t.c.database_id == database_id)).scalars())
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def _computed_last(ctx: Ctx, field: Field) -> tuple[int, int]:
    ft = ctx.field_types.get(field.type)
    return (1 if ft.read_only else 0, field.order)


def _new_fields(
    ctx: Ctx, conn: sa.Connection, old: Table, new: Table, originals: list[Field]
) -> dict[int, Field]:
    """The copy's fields, by the original's id."""
    copies: dict[int, Field] = {}
    ids: dict[int, int] = {}
    for field in sorted(originals, key=lambda f: (not f.primary, *_computed_last(ctx, f))):
        ft = ctx.field_types.get(field.type)
        raw = field_raw(ft, field)
        if field.type == "link_row" and raw.get("link_row_table_id") == old.id:
            raw["link_row_table_id"] = new.id  # a self link stays a self link
        for key, value in list(raw.items()):  # lookups name fields of this table by id
            if key.endswith("field_id") and isinstance(value, int) and value in ids:
                raw[key] = ids[value]
        copy, _ = fields.insert_field(
            ctx, conn, new, field.name, field.type, raw, primary=field.primary
        )
        copies[field.id], ids[field.id] = fields.load_field(conn, copy.id), copy.id
    return copies


def _copy_rows(
    ctx: Ctx,
    conn: sa.Connection,
    old: Table,
    new: Table,
    copies: dict[int, Field],
    originals: list[Field],
) -> None:
    """Every row, with the same id, and every cell: one INSERT ... SELECT for the columns,
    one per junction (links, multiple selects)."""
    base = [c.name for c in ddl.base_columns()]
    columns = [f for f in originals if ctx.field_types.get(f.type).column_type(f) is not None]
    src = sa.table(ddl.table_name(old.id), *(sa.column(n) for n in base))
    for field in columns:
        src.append_column(sa.column(field.column_name))
    values: list[sa.ColumnElement[Any]] = [src.c[n] for n in base]
    for field in columns:
        value: sa.ColumnElement[Any] = src.c[field.column_name]
        if field.select_options:
            value = mapped(value, copy_options_map(field, copies[field.id]))
        values.append(value)
    targets = base + [copies[f.id].column_name for f in columns]
    dst = sa.table(ddl.table_name(new.id), *(sa.column(n) for n in targets))
    conn.execute(dst.insert().from_select(targets, sa.select(*values)))
    ddl.reset_id_sequence(conn, new.id)
    for field in originals:
        ft, copy = ctx.field_types.get(field.type), copies[field.id]
        old_j = ft.relation_table(field, sa.MetaData())
        new_j = ft.relation_table(copy, sa.MetaData())
        if old_j is None or new_j is None:
            continue
        mine_old, theirs_old = ft.junction_sides(field)
        mine_new, theirs_new = ft.junction_sides(copy)
        theirs: sa.ColumnElement[Any] = old_j.c[theirs_old]
        if field.select_options:
            theirs = mapped(theirs, copy_options_map(field, copy))
        rows = sa.select(old_j.c[mine_old], theirs).where(theirs.is_not(None)).order_by(old_j.c.id)
        conn.execute(new_j.insert().from_select([mine_new, theirs_new], rows))


def _copy_views(conn: sa.Connection, old: Table, new: Table, ids: dict[int, int]) -> None:
    """Every view with its filter groups, filters, sorts and field options, pointing at
    the copy's fields (and a new slug)."""
    v, g, f = s.views, s.view_filter_groups, s.view_filters
    so, fo = s.view_sorts, s.view_field_options
    kept = ("name", "order", "type", "filter_type", "filters_disabled", "created_on")
    live = sa.and_(v.c.table_id == old.id, v.c.trashed.is_(False))  # not those in the trash
    for view in conn.execute(sa.select(v).where(live).order_by(v.c.id)):
        props = dict(view.props or {})
        if "slug" in props:
            props["slug"] = secrets.token_urlsafe(32)
        values = {c: getattr(view, c) for c in kept}
        view_id = s.new_id(conn.execute(v.insert().values(table_id=new.id, props=props, **values)))
        groups: dict[int, int] = {}
        for group in conn.execute(sa.select(g).where(g.c.view_id == view.id).order_by(g.c.id)):
            parent = groups.get(group.parent_group_id) if group.parent_group_id else None
            inserted = g.insert().values(
                view_id=view_id, filter_type=group.filter_type, parent_group_id=parent
            )
            groups[group.id] = s.new_id(conn.execute(inserted))
        for item in conn.execute(sa.select(f).where(f.c.view_id == view.id).order_by(f.c.id)):
            conn.execute(
                f.insert().values(
                    view_id=view_id,
                    field_id=ids.get(item.field_id, item.field_id),
                    type=item.type,
                    value=item.value,
                    group_id=groups.get(item.group_id) if item.group_id else None,
                )
            )
        for item in conn.execute(sa.select(so).where(so.c.view_id == view.id).order_by(so.c.id)):
            conn.execute(
                so.insert().values(
                    view_id=view_id,
                    field_id=ids.get(item.field_id, item.field_id),
                    order=item.order,
                    type=item.type,
                )
            )
        for item in conn.execute(sa.select(fo).where(fo.c.view_id == view.id).order_by(fo.c.id)):
            if item.field_id in ids:
                option = fo.insert().values(
                    view_id=view_id, field_id=ids[item.field_id], options=item.options
                )
                conn.execute(option)


def duplicate(
    ctx: Ctx, conn: sa.Connection, user: User, table: Table, progress: ProgressFn
) -> Table:
    """The copy of `table`, inside the caller's transaction."""
    t = s.database_tables
    table = load.lock_table(conn, table, schema=True)
    originals = load.load_fields(conn, [table.id])[table.id]
    name = unused_table_name(conn, table.database_id, table.name)
    order = s.next_order(conn, t.c.order, t.c.database_id == table.database_id)
    inserted = t.insert().values(
        database_id=table.database_id,
        name=name,
        order=order,
        schema_version=new_version(),
        created_on=ctx.clock(),
    )
    new_id = s.new_id(conn.execute(inserted))
    ddl.create_user_table(conn, new_id)
    new = load.load_table(conn, new_id)
    progress(10.0)
    copies = _new_fields(ctx, conn, table, new, originals)
    progress(40.0)
    _copy_rows(ctx, conn, table, new, copies, originals)
    progress(80.0)
    _copy_views(conn, table, new, {old: c.id for old, c in copies.items()})
    dependencies.refresh(ctx, conn, new_id)
    for field in originals:  # the original's order (computed fields were created last)
        f = s.fields
        conn.execute(f.update().where(f.c.id == copies[field.id].id).values(order=field.order))
    bump_version(conn, new_id)  # cached models of the copy read its fields again
    return load.load_table(conn, new_id)


class DuplicateTableJobType:
    type = TYPE
    max_count: int | None = 1
    listed = True
    writes_progress = False  # one transaction

    def run(self, ctx: Ctx, job: jobs.Job, progress: ProgressFn) -> None:
        with ctx.db.write() as conn:
            user = jobs.owner(conn, job)
            table = load.load_table(conn, int(job.params["table_id"]))
            workspaces.require_member(conn, user.id, table.workspace_id)
            copy = duplicate(ctx, conn, user, table, progress)
            fields.watch(ctx, conn, copy)([])  # search documents of the copy, and its links
            result = {"duplicated_table": table_json(copy)}
            if not jobs.finish(ctx, conn, job.id, result):
                raise JobCancelled()  # rolls the copy back

    def periodic(self, ctx: Ctx) -> None:
        pass

    def json(self, job: jobs.Job) -> dict[str, Any]:
        return {
            "original_table": job.params.get("original_table"),
            "duplicated_table": job.result.get("duplicated_table"),
        }

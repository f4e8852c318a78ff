"""Table duplication (Baserow's duplicate_table job): a copy named "<name> 2" (the first
free "<name> <n>"), last in its database, with every field (same names, order and
properties), every row (same ids), every link and its views (filters, filter groups,
sorts, field options).

Baserow's rules for links: a link to another table links that table from the copy too,
with a new related field there (named after the copy) when the original has one; a self
link of the original links the copy to itself. Computed fields are created after the
fields they read. The whole copy is one transaction: nobody sees half a table.
copy_tables (fields, rows, views of several tables at once, links between them linking the
copies) is also how core.duplicate_application copies a database.
Imports: core (context, dependencies, duplicate_field, duplicate_job, fields, jobs,
job_types, workspaces), errors, fields, models, storage, usertable.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from gridbase.core import dependencies, duplicate_job, fields, jobs, workspaces
from gridbase.core.context import Ctx
from gridbase.core.duplicate_field import copy_options_map, field_raw, mapped
from gridbase.core.job_types import ProgressFn
from gridbase.models import Field, Table, User
from gridbase.storage import ddl
from gridbase.storage import schema as s
from gridbase.storage.kept.versions import bump_version, new_version
from gridbase.usertable import load

TYPE = "duplicate_table"
Pair = tuple[Table, Table, list[Field]]  # an original table, its copy, the original's fields


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
    def params(conn: sa.Connection) -> dict[str, Any]:
        table = load.load_table(conn, table_id)
        workspaces.require_member(conn, user.id, table.workspace_id)
        return {"table_id": table_id, "original_table": table_json(table)}

    return duplicate_job.start(ctx, user, DuplicateTableJobType, params)


def unused_table_name(conn: sa.Connection, database_id: int, name: str) -> str:
    """Baserow's find_unused_table_name: "<name> 2", "<name> 3", ..."""
    t = s.database_tables
    taken = set(conn.execute(sa.select(t.c.name).where(t.c.database_id == database_id)).scalars())
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def _refs(field: Field) -> list[int]:
    """The fields a computed field reads by id (a lookup's link and target)."""
    return [v for k, v in field.props.items() if k.endswith("field_id") and isinstance(v, int)]


def _creation_order(ctx: Ctx, pairs: list[Pair]) -> list[tuple[Table, Table, Field]]:
    """Primary fields first, then the other stored fields, table by table in field order,
    then the computed ones, each after the fields it reads by id when they are copied too."""
    planned = [(old, new, f) for old, new, originals in pairs for f in originals]
    position = {old.id: i for i, (old, _, _) in enumerate(pairs)}

    def key(item: tuple[Table, Table, Field]) -> tuple[bool, bool, int, int]:
        old, _, f = item
        return (not f.primary, ctx.field_types.get(f.type).read_only, position[old.id], f.order)

    planned.sort(key=key)
    stored = [p for p in planned if not ctx.field_types.get(p[2].type).read_only]
    computed = [p for p in planned if ctx.field_types.get(p[2].type).read_only]
    copied = {f.id for _, _, f in stored}
    waiting = {f.id for _, _, f in computed}
    ordered = list(stored)
    while computed:
        ready = next(
            (p for p in computed if not (set(_refs(p[2])) & (waiting - copied))), computed[0]
        )
        computed.remove(ready)
        ordered.append(ready)
        copied.add(ready[2].id)
    return ordered


def _adopt_related(conn: sa.Connection, copy: Field, original_related: Field) -> Field:
    """The related field the copy of a link created in the copied linked table becomes the
    copy of the original's related field: its name, description and properties."""
    f = s.fields
    related_id = int(copy.props["link_row_related_field_id"])
    props = dict(fields.load_field(conn, related_id).props)
    for key in ("link_row_multiple_relationships", "link_row_limit_selection_view_id"):
        if key in original_related.props:
            props[key] = original_related.props[key]
    conn.execute(
        f.update()
        .where(f.c.id == related_id)
        .values(name=original_related.name, description=original_related.description, props=props)
    )
    return fields.load_field(conn, related_id)


def copy_fields(ctx: Ctx, conn: sa.Connection, pairs: list[Pair]) -> dict[int, Field]:
    """The copies' fields, by the original's id. `pairs`: (original table, its copy, the
    original's fields). A link to a table copied too links its copy, and the two sides of a
    link between copied tables become one link again (its junction created once)."""
    tables = {old.id: new.id for old, new, _ in pairs}
    originals = {f.id: f for _, _, fs in pairs for f in fs}
    copies: dict[int, Field] = {}
    ids: dict[int, int] = {}
    for old, new, field in _creation_order(ctx, pairs):
        if field.id in copies:
            continue  # the related side of a link copied before
        ft = ctx.field_types.get(field.type)
        raw = field_raw(ft, field)
        partner: Field | None = None
        if field.type == "link_row" and raw.get("link_row_table_id") in tables:
            target = raw["link_row_table_id"]
            raw["link_row_table_id"] = tables[target]  # a self link stays a self link
            partner = originals.get(field.props.get("link_row_related_field_id") or 0)
            raw["has_related_field"] = partner is not None and target != old.id
        for key, value in list(raw.items()):  # lookups name fields by id
            if key.endswith("field_id") and isinstance(value, int) and value in ids:
                raw[key] = ids[value]
        copy, _ = fields.insert_field(
            ctx, conn, new, field.name, field.type, raw, primary=field.primary
        )
        copies[field.id], ids[field.id] = fields.load_field(conn, copy.id), copy.id
        if partner is not None and raw["has_related_field"]:
            copies[partner.id] = _adopt_related(conn, copies[field.id], partner)
            ids[partner.id] = copies[partner.id].id
    return copies


def copy_rows(
    ctx: Ctx,
    conn: sa.Connection,
    old: Table,
    new: Table,
    copies: dict[int, Field],
    originals: list[Field],
    junctions: set[str],
) -> None:
    """Every row, with the same id, and every cell: one INSERT ... SELECT for the columns,
    one per junction (links, multiple selects). `junctions`: the original junctions copied
    already (the two sides of a link share one), added to."""
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
        if old_j is None or new_j is None or old_j.name in junctions:
            continue
        junctions.add(old_j.name)
        mine_old, theirs_old = ft.junction_sides(field)
        mine_new, theirs_new = ft.junction_sides(copy)
        theirs: sa.ColumnElement[Any] = old_j.c[theirs_old]
        if field.select_options:
            theirs = mapped(theirs, copy_options_map(field, copy))
        rows = sa.select(old_j.c[mine_old], theirs).where(theirs.is_not(None)).order_by(old_j.c.id)
        conn.execute(new_j.insert().from_select([mine_new, theirs_new], rows))


def copy_views(
    conn: sa.Connection, old: Table, new: Table, ids: dict[int, int], views: dict[int, int]
) -> None:
    """Every view with its filter groups, filters, sorts and field options, pointing at
    the copy's fields (and a new slug). `views`: original view id -> its copy's, added to."""
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
        views[view.id] = view_id
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


def new_table(ctx: Ctx, conn: sa.Connection, database_id: int, name: str, order: int) -> Table:
    """An empty user table (no fields yet) in `database_id`."""
    t = s.database_tables
    inserted = t.insert().values(
        database_id=database_id,
        name=name,
        order=order,
        schema_version=new_version(),
        created_on=ctx.clock(),
    )
    new_id = s.new_id(conn.execute(inserted))
    ddl.create_user_table(conn, new_id)
    return load.load_table(conn, new_id)


def copy_tables(ctx: Ctx, conn: sa.Connection, pairs: list[Pair], progress: ProgressFn) -> None:
    """Fill the copies of `pairs` (original table, its empty copy, the original's fields):
    fields, rows, views; links between tables of `pairs` link their copies."""
    copies = copy_fields(ctx, conn, pairs)
    progress(40.0)
    junctions: set[str] = set()
    for old, new, originals in pairs:
        copy_rows(ctx, conn, old, new, copies, originals, junctions)
    progress(80.0)
    ids = {old: c.id for old, c in copies.items()}
    views: dict[int, int] = {}
    for old, new, _ in pairs:
        copy_views(conn, old, new, ids, views)
    f = s.fields
    for _, new, originals in pairs:
        dependencies.refresh(ctx, conn, new.id)
        for field in originals:  # the original's order (computed fields were created last)
            copy = fields.load_field(conn, copies[field.id].id)
            values: dict[str, Any] = {"order": field.order}
            limit = copy.props.get("link_row_limit_selection_view_id")
            if limit in views:  # a view copied too: the copy's
                values["props"] = dict(copy.props, link_row_limit_selection_view_id=views[limit])
            conn.execute(f.update().where(f.c.id == copy.id).values(**values))
    for _, new, _ in pairs:
        bump_version(conn, new.id)  # cached models of the copy read its fields again


def duplicate(
    ctx: Ctx, conn: sa.Connection, user: User, table: Table, progress: ProgressFn
) -> Table:
    """The copy of `table`, inside the caller's transaction."""
    t = s.database_tables
    table = load.lock_table(conn, table, schema=True)
    originals = load.load_fields(conn, [table.id])[table.id]
    name = unused_table_name(conn, table.database_id, table.name)
    order = s.next_order(conn, t.c.order, t.c.database_id == table.database_id)
    new = new_table(ctx, conn, table.database_id, name, order)
    progress(10.0)
    copy_tables(ctx, conn, [(table, new, originals)], progress)
    return load.load_table(conn, new.id)


class DuplicateTableJobType(duplicate_job.DuplicateJobType):
    type = TYPE
    original_key = "original_table"
    result_key = "duplicated_table"

    def copy(
        self, ctx: Ctx, conn: sa.Connection, job: jobs.Job, progress: ProgressFn
    ) -> dict[str, Any]:
        user = jobs.owner(conn, job)
        table = load.load_table(conn, int(job.params["table_id"]))
        workspaces.require_member(conn, user.id, table.workspace_id)
        copy = duplicate(ctx, conn, user, table, progress)
        fields.watch(ctx, conn, copy)([])  # search documents of the copy, and its links
        return table_json(copy)

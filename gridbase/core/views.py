"""Grid views: views CRUD and field options, and the row query a view stands for (its
filters and sorts: core.view_filters). JWT only (workspace members). Where Baserow reads a
request only once the view is found (updates), the API hands its reading in as a callable.

Imports: core, errors, filters, models, passwords, storage, usertable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core import events, workspaces
from gridbase.core.context import Ctx
from gridbase.core.ordering import reorder
from gridbase.errors import PermissionDenied, UnrelatedField, ViewDoesNotExist, ViewNotInTable
from gridbase.filters import tree
from gridbase.models import Table, User
from gridbase.passwords import hash_password
from gridbase.storage import schema as s
from gridbase.usertable import load
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import Sort

GRID_DEFAULTS: dict[str, Any] = {
    "row_identifier_type": "id",
    "row_height_size": "small",
    "public": False,
}
FIELD_OPTION_DEFAULTS: dict[str, Any] = {
    "width": 200,
    "hidden": False,
    "order": 32767,
    "aggregation_type": "",
    "aggregation_raw_type": "",
}


@dataclass(frozen=True)
class View:
    id: int
    table_id: int
    name: str
    order: int
    type: str
    filter_type: str
    filters_disabled: bool
    props: dict[str, Any]


def _view(row: Any) -> View:
    return View(
        row.id,
        row.table_id,
        row.name,
        row.order,
        row.type,
        row.filter_type,
        bool(row.filters_disabled),
        dict(row.props or {}),
    )


def _table(conn: sa.Connection, user: User | None, table_id: int) -> Table:
    """The table, for a member; None is an anonymous request (public views are not served:
    PERMISSION_DENIED once the table is found)."""
    table = load.load_table(conn, table_id)
    if user is None:
        raise PermissionDenied()
    workspaces.require_member(conn, user.id, table.workspace_id)
    return table


def load_view(
    conn: sa.Connection, view_id: int, missing: type[Exception] = ViewDoesNotExist
) -> View:
    v, t = s.views, s.database_tables
    row = conn.execute(  # a view of a trashed table (core.trash_tables) is missing too
        sa.select(v)
        .join(t, t.c.id == v.c.table_id)
        .where(v.c.id == view_id, v.c.trashed.is_(False), s.live_table(t))
    ).first()
    if row is None:  # a trashed view (core.trash_views) too
        raise missing()
    return _view(row)


def open_view(
    conn: sa.Connection,
    user: User | None,
    view_id: int,
    missing: type[Exception] = ViewDoesNotExist,
) -> tuple[View, Table]:
    view = load_view(conn, view_id, missing)
    return view, _table(conn, user, view.table_id)


def exists(ctx: Ctx, table: sa.Table, item_id: int) -> bool:
    """Whether a row with this id is in a metadata table (fields, filter groups): DRF checks
    a primary key against every object, before any permission."""
    if not -(2**63) <= item_id < 2**63:  # no id is that large (and no database reads it)
        return False
    stmt = sa.select(table.c.id).where(table.c.id == item_id)
    if table is s.fields:  # Baserow's Field manager leaves out fields of trashed tables
        t = s.database_tables
        stmt = stmt.join(t, t.c.id == table.c.table_id).where(s.live_table(t))
    with ctx.db.read() as conn:
        return conn.execute(stmt).first() is not None


# --- views ----------------------------------------------------------------------------------


def list_views(
    ctx: Ctx, user: User | None, table_id: int, type_: str | None = None, limit: int | None = None
) -> tuple[Table, list[View]]:
    with ctx.db.read() as conn:
        table = _table(conn, user, table_id)
        v = s.views
        stmt = (
            sa.select(v)
            .where(v.c.table_id == table_id, v.c.trashed.is_(False))
            .order_by(v.c.order, v.c.id)
        )
        if type_:
            stmt = stmt.where(v.c.type == type_)
        if limit is not None:
            stmt = stmt.limit(limit)
        return table, [_view(r) for r in conn.execute(stmt)]


def insert_view(
    ctx: Ctx, conn: sa.Connection, table: Table, user: User, values: Mapping[str, Any]
) -> View:
    """A new view of `table`, last in order. Collaborative views name their creator in
    `owned_by_id`, as Baserow's do."""
    v = s.views
    order = s.next_order(conn, v.c.order, v.c.table_id == table.id)
    props = dict(
        GRID_DEFAULTS,
        slug=secrets.token_urlsafe(32),
        ownership_type="collaborative",
        owned_by_id=user.id,
    )
    props.update({k: values[k] for k in GRID_DEFAULTS if k in values})
    view_id = s.new_id(
        conn.execute(
            v.insert().values(
                table_id=table.id,
                name=values["name"],
                order=order,
                type=values.get("type", "grid"),
                filter_type=values.get("filter_type", "AND"),
                filters_disabled=bool(values.get("filters_disabled", False)),
                props=props,
                created_on=ctx.clock(),
            )
        )
    )
    return load_view(conn, view_id)


def insert_field_options(
    conn: sa.Connection, view: View, options: Mapping[int, Mapping[str, Any]]
) -> None:
    """Stored options of some fields of a new view (the others read the defaults)."""
    o = s.view_field_options
    for field_id, values in options.items():
        merged = dict(FIELD_OPTION_DEFAULTS, **values)
        conn.execute(o.insert().values(view_id=view.id, field_id=field_id, options=merged))


def create_view(
    ctx: Ctx, user: User, table_id: int, values: Mapping[str, Any]
) -> tuple[View, Table]:
    with ctx.db.write() as conn:
        table = _table(conn, user, table_id)
        view = insert_view(ctx, conn, table, user, values)
        events.emit(ctx, conn, "view.created", table, view=view)
        return view, table


def get_view(ctx: Ctx, user: User, view_id: int) -> tuple[View, Table]:
    with ctx.db.read() as conn:
        return open_view(conn, user, view_id)


def update_view(
    ctx: Ctx, user: User, view_id: int, read: Callable[[], Mapping[str, Any]]
) -> tuple[View, Table]:
    """`read()`: the changes, read once the view is found and the user is a member
    (Baserow's order). A `public_view_password` ("" for none) is kept hashed; setting
    `public` without one removes it, as Baserow's serializer does."""
    with ctx.db.write() as conn:
        view, table = open_view(conn, user, view_id)
        values = read()
        columns = {k: values[k] for k in ("name", "filter_type", "filters_disabled") if k in values}
        props = dict(view.props, **{k: values[k] for k in GRID_DEFAULTS if k in values})
        if "public_view_password" in values or "public" in values:
            password = values.get("public_view_password") or ""
            props["public_view_password"] = hash_password(password) if password else ""
        conn.execute(s.views.update().where(s.views.c.id == view_id).values(props=props, **columns))
        view = load_view(conn, view_id)
        events.emit(ctx, conn, "view.updated", table, view=view)
        return view, table


def drop_view(conn: sa.Connection, view_id: int) -> None:
    """Deletes the view for good, with its filters, sorts and field options (a delete puts
    it in the trash first: core.trash_views)."""
    for t in (s.view_filters, s.view_sorts, s.view_field_options):
        conn.execute(t.delete().where(t.c.view_id == view_id))
    g = s.view_filter_groups
    conn.execute(g.update().where(g.c.view_id == view_id).values(parent_group_id=None))
    conn.execute(g.delete().where(g.c.view_id == view_id))
    conn.execute(s.views.delete().where(s.views.c.id == view_id))


def order_views(ctx: Ctx, user: User, table_id: int, view_ids: list[int]) -> None:
    """Baserow's order_views: the first id must be a view (of any table), then every id a
    view of this table."""
    with ctx.db.write() as conn:
        _table(conn, user, table_id)
        v = s.views
        first = view_ids[0] if view_ids and -(2**63) <= view_ids[0] < 2**63 else None
        live = v.c.trashed.is_(False)  # a trashed view is none (core.trash_views)
        found = sa.select(v.c.id).where(v.c.id == first, live)
        if first is None or conn.execute(found).first() is None:
            raise ViewNotInTable(None)
        mine = sa.and_(v.c.table_id == table_id, live)
        known = set(conn.execute(sa.select(v.c.id).where(mine)).scalars())
        for view_id in view_ids:
            if view_id not in known:
                raise ViewNotInTable(view_id)
        reorder(conn, v, mine, view_ids)


# --- filters, filter groups and sorts ---------------------------------------------------------


def rows_of(conn: sa.Connection, table: sa.Table, view_id: int) -> list[Any]:
    return list(
        conn.execute(sa.select(table).where(table.c.view_id == view_id).order_by(table.c.id))
    )


def view_items(ctx: Ctx, user: User, view_id: int, t: sa.Table) -> list[Any]:
    with ctx.db.read() as conn:
        open_view(conn, user, view_id)
        return rows_of(conn, t, view_id)


# --- field options ------------------------------------------------------------------------------


def field_options(
    conn: sa.Connection, ctx: Ctx, view: View, table: Table
) -> dict[str, dict[str, Any]]:
    model = load.model_for(ctx, conn, table)
    o = s.view_field_options
    stored = {
        r.field_id: dict(r.options or {})
        for r in conn.execute(sa.select(o).where(o.c.view_id == view.id))
    }
    return {str(f.id): dict(FIELD_OPTION_DEFAULTS, **stored.get(f.id, {})) for f in model.fields}


def get_field_options(ctx: Ctx, user: User | None, view_id: int) -> dict[str, dict[str, Any]]:
    with ctx.db.read() as conn:
        view, table = open_view(conn, user, view_id)
        return field_options(conn, ctx, view, table)


def update_field_options(
    ctx: Ctx, user: User, view_id: int, read: Callable[[], Mapping[int, Mapping[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """`read()`: the options by field id, read once the view is found (Baserow's order)."""
    with ctx.db.write() as conn:
        view = load_view(conn, view_id)
        changes = read()
        table = _table(conn, user, view.table_id)
        current = field_options(conn, ctx, view, table)
        o = s.view_field_options
        for field_id, values in changes.items():
            if str(field_id) not in current:
                raise UnrelatedField()
            merged = {
                k: v
                for k, v in dict(current[str(field_id)], **values).items()
                if k in FIELD_OPTION_DEFAULTS
            }
            conn.execute(o.delete().where(o.c.view_id == view.id, o.c.field_id == field_id))
            conn.execute(o.insert().values(view_id=view.id, field_id=field_id, options=merged))
        return field_options(conn, ctx, view, table)


# --- the rows a view shows ------------------------------------------------------------------------


def view_tree(conn: sa.Connection, view: View, model: TableModel) -> tree.Group:
    """The view's saved filters as a filter tree (empty when filters are disabled)."""
    if view.filters_disabled:
        return tree.Group()
    by_id = model.by_id
    groups = rows_of(conn, s.view_filter_groups, view.id)
    filters = rows_of(conn, s.view_filters, view.id)

    def build(parent: int | None, op: str) -> tree.Group:
        conditions = tuple(
            tree.Condition(by_id[f.field_id], f.type, f.value or "")
            for f in filters
            if f.group_id == parent and f.field_id in by_id
        )
        children = tuple(build(g.id, g.filter_type) for g in groups if g.parent_group_id == parent)
        return tree.Group(op, conditions, children)

    return build(None, view.filter_type)


def view_sorts(conn: sa.Connection, view: View, model: TableModel) -> tuple[Sort, ...]:
    by_id = model.by_id
    return tuple(
        Sort(r.field_id, r.order == "DESC", r.type or "default")
        for r in rows_of(conn, s.view_sorts, view.id)
        if r.field_id in by_id
    )

"""Grid views: views CRUD, their filters, filter groups, sorts and field options, and the
row query a view stands for. JWT only (workspace members). Imports: core, errors, filters, models,
storage, usertable.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core import events, workspaces
from gridbase.core.context import Ctx
from gridbase.errors import (
    FieldNotInTable,
    ViewDoesNotExist,
    ViewFilterDoesNotExist,
    ViewFilterGroupDoesNotExist,
    ViewNotInTable,
    ViewSortDoesNotExist,
    ViewSortFieldAlreadyExists,
    ViewSortFieldNotSupported,
)
from gridbase.filters import tree
from gridbase.models import Field, Table, User
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


def _table(conn: sa.Connection, user: User, table_id: int) -> Table:
    table = load.load_table(conn, table_id)
    workspaces.require_member(conn, user.id, table.workspace_id)
    return table


def load_view(
    conn: sa.Connection, view_id: int, missing: type[Exception] = ViewDoesNotExist
) -> View:
    row = conn.execute(sa.select(s.views).where(s.views.c.id == view_id)).first()
    if row is None:
        raise missing()
    return _view(row)


def open_view(
    conn: sa.Connection, user: User, view_id: int, missing: type[Exception] = ViewDoesNotExist
) -> tuple[View, Table]:
    view = load_view(conn, view_id, missing)
    return view, _table(conn, user, view.table_id)


# --- views ----------------------------------------------------------------------------------


def list_views(
    ctx: Ctx, user: User, table_id: int, type_: str | None = None, limit: int | None = None
) -> tuple[Table, list[View]]:
    with ctx.db.read() as conn:
        table = _table(conn, user, table_id)
        v = s.views
        stmt = sa.select(v).where(v.c.table_id == table_id).order_by(v.c.order, v.c.id)
        if type_:
            stmt = stmt.where(v.c.type == type_)
        if limit is not None:
            stmt = stmt.limit(limit)
        return table, [_view(r) for r in conn.execute(stmt)]


def create_view(
    ctx: Ctx, user: User, table_id: int, values: Mapping[str, Any]
) -> tuple[View, Table]:
    with ctx.db.write() as conn:
        table = _table(conn, user, table_id)
        v = s.views
        order = s.next_order(conn, v.c.order, v.c.table_id == table_id)
        props = dict(
            GRID_DEFAULTS,
            slug=secrets.token_urlsafe(32),
            ownership_type="collaborative",
            owned_by_id=None,
        )
        props.update({k: values[k] for k in GRID_DEFAULTS if k in values})
        view_id = s.new_id(
            conn.execute(
                v.insert().values(
                    table_id=table_id,
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
        view = load_view(conn, view_id)
        events.emit(ctx, conn, "view.created", table, view=view)
        return view, table


def get_view(ctx: Ctx, user: User, view_id: int) -> tuple[View, Table]:
    with ctx.db.read() as conn:
        return open_view(conn, user, view_id)


def update_view(
    ctx: Ctx, user: User, view_id: int, values: Mapping[str, Any]
) -> tuple[View, Table]:
    with ctx.db.write() as conn:
        view, table = open_view(conn, user, view_id)
        columns = {k: values[k] for k in ("name", "filter_type", "filters_disabled") if k in values}
        props = dict(view.props, **{k: values[k] for k in GRID_DEFAULTS if k in values})
        conn.execute(s.views.update().where(s.views.c.id == view_id).values(props=props, **columns))
        view = load_view(conn, view_id)
        events.emit(ctx, conn, "view.updated", table, view=view)
        return view, table


def delete_view(ctx: Ctx, user: User, view_id: int) -> None:
    with ctx.db.write() as conn:
        _, table = open_view(conn, user, view_id)
        events.emit(ctx, conn, "view.deleted", table, view_id=view_id)
        for t in (s.view_filters, s.view_sorts, s.view_field_options):
            conn.execute(t.delete().where(t.c.view_id == view_id))
        g = s.view_filter_groups
        conn.execute(g.update().where(g.c.view_id == view_id).values(parent_group_id=None))
        conn.execute(g.delete().where(g.c.view_id == view_id))
        conn.execute(s.views.delete().where(s.views.c.id == view_id))


def order_views(ctx: Ctx, user: User, table_id: int, view_ids: list[int]) -> None:
    with ctx.db.write() as conn:
        _table(conn, user, table_id)
        v = s.views
        known = set(conn.execute(sa.select(v.c.id).where(v.c.table_id == table_id)).scalars())
        for view_id in view_ids:
            if view_id not in known:
                raise ViewNotInTable(f"The view {view_id} does not belong to the table.")
        for index, view_id in enumerate(view_ids, start=1):
            conn.execute(v.update().where(v.c.id == view_id).values(order=index))


# --- filters, filter groups and sorts ---------------------------------------------------------


def rows_of(conn: sa.Connection, table: sa.Table, view_id: int) -> list[Any]:
    return list(
        conn.execute(sa.select(table).where(table.c.view_id == view_id).order_by(table.c.id))
    )


def _field_in(ctx: Ctx, conn: sa.Connection, table: Table, field_id: Any) -> Field:
    model = load.model_for(ctx, conn, table)
    field = model.by_id.get(field_id) if isinstance(field_id, int) else None
    if field is None:
        raise FieldNotInTable()
    return field


def _group_in(conn: sa.Connection, view_id: int, group_id: Any) -> int | None:
    if group_id is None:
        return None
    g = s.view_filter_groups
    row = conn.execute(sa.select(g.c.id).where(g.c.id == group_id, g.c.view_id == view_id)).first()
    if row is None:
        raise ViewFilterGroupDoesNotExist()
    return int(row.id)


def _load(conn: sa.Connection, t: sa.Table, item_id: int, missing: type[Exception]) -> Any:
    row = conn.execute(sa.select(t).where(t.c.id == item_id)).first()
    if row is None:
        raise missing()
    return row


def create_filter(
    ctx: Ctx, user: User, view_id: int, field_id: int, type_: str, value: str, group: Any
) -> Any:
    with ctx.db.write() as conn:
        view, table = open_view(conn, user, view_id)
        field = _field_in(ctx, conn, table, field_id)
        tree.check_condition(ctx.field_types, ctx.filter_types, field, type_)
        f = s.view_filters
        new_id = s.new_id(
            conn.execute(
                f.insert().values(
                    view_id=view.id,
                    field_id=field.id,
                    type=type_,
                    value=value,
                    group_id=_group_in(conn, view.id, group),
                )
            )
        )
        return _load(conn, f, new_id, ViewFilterDoesNotExist)


def open_item(
    conn: sa.Connection, user: User, t: sa.Table, item_id: int, missing: type[Exception]
) -> tuple[Any, View, Table]:
    row = _load(conn, t, item_id, missing)
    view, table = open_view(conn, user, row.view_id, missing)
    return row, view, table


def get_item(ctx: Ctx, user: User, t: sa.Table, item_id: int, missing: type[Exception]) -> Any:
    with ctx.db.read() as conn:
        return open_item(conn, user, t, item_id, missing)[0]


def update_filter(ctx: Ctx, user: User, filter_id: int, values: Mapping[str, Any]) -> Any:
    with ctx.db.write() as conn:
        row, view, table = open_item(conn, user, s.view_filters, filter_id, ViewFilterDoesNotExist)
        field = (
            _field_in(ctx, conn, table, values["field"])
            if "field" in values
            else _field_in(ctx, conn, table, row.field_id)
        )
        type_ = values.get("type", row.type)
        tree.check_condition(ctx.field_types, ctx.filter_types, field, type_)
        changes: dict[str, Any] = {"field_id": field.id, "type": type_}
        if "value" in values:
            changes["value"] = values["value"]
        if "group" in values:
            changes["group_id"] = _group_in(conn, view.id, values["group"])
        conn.execute(
            s.view_filters.update().where(s.view_filters.c.id == filter_id).values(changes)
        )
        return _load(conn, s.view_filters, filter_id, ViewFilterDoesNotExist)


def delete_item(ctx: Ctx, user: User, t: sa.Table, item_id: int, missing: type[Exception]) -> None:
    with ctx.db.write() as conn:
        open_item(conn, user, t, item_id, missing)
        if t is s.view_filter_groups:
            delete_group(conn, item_id)
        else:
            conn.execute(t.delete().where(t.c.id == item_id))


def delete_group(conn: sa.Connection, group_id: int) -> None:
    g = s.view_filter_groups
    for child in (
        conn.execute(sa.select(g.c.id).where(g.c.parent_group_id == group_id)).scalars().all()
    ):
        delete_group(conn, child)
    conn.execute(s.view_filters.delete().where(s.view_filters.c.group_id == group_id))
    conn.execute(g.delete().where(g.c.id == group_id))


def create_group(ctx: Ctx, user: User, view_id: int, filter_type: str, parent: Any) -> Any:
    with ctx.db.write() as conn:
        view, _ = open_view(conn, user, view_id)
        g = s.view_filter_groups
        new_id = s.new_id(
            conn.execute(
                g.insert().values(
                    view_id=view.id,
                    filter_type=filter_type,
                    parent_group_id=_group_in(conn, view.id, parent),
                )
            )
        )
        return _load(conn, g, new_id, ViewFilterGroupDoesNotExist)


def update_group(ctx: Ctx, user: User, group_id: int, filter_type: str | None) -> Any:
    with ctx.db.write() as conn:
        open_item(conn, user, s.view_filter_groups, group_id, ViewFilterGroupDoesNotExist)
        if filter_type is not None:
            g = s.view_filter_groups
            conn.execute(g.update().where(g.c.id == group_id).values(filter_type=filter_type))
        return _load(conn, s.view_filter_groups, group_id, ViewFilterGroupDoesNotExist)


def _check_sort(
    ctx: Ctx, conn: sa.Connection, view: View, field: Field, exclude: int | None = None
) -> None:
    if not ctx.field_types.get(field.type).sortable(field, "default"):
        raise ViewSortFieldNotSupported()
    t = s.view_sorts
    stmt = sa.select(t.c.id).where(t.c.view_id == view.id, t.c.field_id == field.id)
    if exclude is not None:
        stmt = stmt.where(t.c.id != exclude)
    if conn.execute(stmt).first():
        raise ViewSortFieldAlreadyExists()


def create_sort(ctx: Ctx, user: User, view_id: int, field_id: int, order: str, type_: str) -> Any:
    with ctx.db.write() as conn:
        view, table = open_view(conn, user, view_id)
        field = _field_in(ctx, conn, table, field_id)
        _check_sort(ctx, conn, view, field)
        t = s.view_sorts
        new_id = s.new_id(
            conn.execute(
                t.insert().values(view_id=view.id, field_id=field.id, order=order, type=type_)
            )
        )
        return _load(conn, t, new_id, ViewSortDoesNotExist)


def update_sort(ctx: Ctx, user: User, sort_id: int, values: Mapping[str, Any]) -> Any:
    with ctx.db.write() as conn:
        _row, view, table = open_item(conn, user, s.view_sorts, sort_id, ViewSortDoesNotExist)
        changes: dict[str, Any] = {k: values[k] for k in ("order", "type") if k in values}
        if "field" in values:
            field = _field_in(ctx, conn, table, values["field"])
            _check_sort(ctx, conn, view, field, exclude=sort_id)
            changes["field_id"] = field.id
        if changes:
            conn.execute(s.view_sorts.update().where(s.view_sorts.c.id == sort_id).values(changes))
        return _load(conn, s.view_sorts, sort_id, ViewSortDoesNotExist)


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


def get_field_options(ctx: Ctx, user: User, view_id: int) -> dict[str, dict[str, Any]]:
    with ctx.db.read() as conn:
        view, table = open_view(conn, user, view_id)
        return field_options(conn, ctx, view, table)


def update_field_options(
    ctx: Ctx, user: User, view_id: int, changes: Mapping[int, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    with ctx.db.write() as conn:
        view, table = open_view(conn, user, view_id)
        current = field_options(conn, ctx, view, table)
        o = s.view_field_options
        for field_id, values in changes.items():
            if str(field_id) not in current:
                raise FieldNotInTable()
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

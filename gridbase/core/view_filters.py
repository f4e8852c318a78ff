"""A view's filters, filter groups and sorts, checked in Baserow 1.35.3's order: the item or
view is found, the user must be a member, then the filter or sort type must suit the field
(a field of any table: the type is checked first), then the field must be the view's
table's, then the rest. The API checks the body's shape before (DRF's serializers).

Imports: core (context, fields, views, workspaces), errors, filters, models, storage,
usertable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core import fields, views
from gridbase.core.context import Ctx
from gridbase.errors import (
    FieldNotInTable,
    ViewFilterDoesNotExist,
    ViewFilterGroupDoesNotExist,
    ViewSortDoesNotExist,
    ViewSortFieldAlreadyExists,
    ViewSortFieldNotSupported,
)
from gridbase.filters import tree
from gridbase.models import Field, Table, User
from gridbase.storage import schema as s
from gridbase.usertable import load
from gridbase.usertable.read import primary_texts

# filter types whose value is a row id of the linked table: Baserow sends that row's name
ROW_ID_FILTERS = ("link_row_has", "link_row_has_not")


@dataclass(frozen=True)
class ViewFilter:
    id: int
    view_id: int
    field_id: int
    type: str
    value: str
    group_id: int | None
    preload_values: dict[str, Any]


def _load(conn: sa.Connection, t: sa.Table, item_id: int, missing: type[Exception]) -> Any:
    row = conn.execute(sa.select(t).where(t.c.id == item_id)).first()
    if row is None:
        raise missing()
    return row


def open_item(
    conn: sa.Connection, user: User, t: sa.Table, item_id: int, missing: type[Exception]
) -> tuple[Any, views.View, Table]:
    """A filter, group or sort with its view and table; `missing` when any is gone."""
    row = _load(conn, t, item_id, missing)
    view, table = views.open_view(conn, user, row.view_id, missing)
    return row, view, table


def _any_field(conn: sa.Connection, field_id: int) -> Field:
    """A field of any table (the API has checked that it exists)."""
    return fields.load_field(conn, field_id)


def _in_table(field: Field, table: Table) -> Field:
    if field.table_id != table.id:
        raise FieldNotInTable()
    return field


# --- filters -----------------------------------------------------------------------------


def _preload(ctx: Ctx, conn: sa.Connection, row: Any) -> dict[str, Any]:
    """Baserow's get_preload_values: a row-id filter names its row (None when the value is
    not a row id, or no such row exists)."""
    if row.type not in ROW_ID_FILTERS:
        return {}
    try:
        row_id = int(row.value or "")
    except ValueError:
        row_id = 0
    name = None
    link = fields.load_field(conn, row.field_id)
    linked = ctx.field_types.get(link.type).links_to(link)
    if row_id and linked is not None and -(2**63) <= row_id < 2**63:
        model = load.model_of(ctx, conn, linked)
        found = primary_texts(ctx, conn, model, [row_id])
        name = found[row_id][1] if row_id in found else None
    return {"display_name": name}


def _filter(ctx: Ctx, conn: sa.Connection, row: Any) -> ViewFilter:
    return ViewFilter(
        row.id,
        row.view_id,
        row.field_id,
        row.type,
        row.value or "",
        row.group_id,
        _preload(ctx, conn, row),
    )


def list_filters(ctx: Ctx, user: User, view_id: int) -> list[ViewFilter]:
    with ctx.db.read() as conn:
        views.open_view(conn, user, view_id)
        return [_filter(ctx, conn, r) for r in views.rows_of(conn, s.view_filters, view_id)]


def get_filter(ctx: Ctx, user: User, filter_id: int) -> ViewFilter:
    with ctx.db.read() as conn:
        row = open_item(conn, user, s.view_filters, filter_id, ViewFilterDoesNotExist)[0]
        return _filter(ctx, conn, row)


def _group_in(conn: sa.Connection, view_id: int, group_id: int | None) -> int | None:
    if group_id is None:
        return None
    g = s.view_filter_groups
    found = conn.execute(sa.select(g.c.id).where(g.c.id == group_id, g.c.view_id == view_id))
    if found.first() is None:
        raise ViewFilterGroupDoesNotExist()
    return group_id


def create_filter(
    ctx: Ctx,
    user: User,
    view_id: int,
    field_id: int,
    type_: str,
    value: str,
    group: int | None,
) -> ViewFilter:
    with ctx.db.write() as conn:
        view, table = views.open_view(conn, user, view_id)
        field = _any_field(conn, field_id)
        tree.check_condition(ctx.field_types, ctx.filter_types, field, type_)
        _in_table(field, table)
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
        return _filter(ctx, conn, _load(conn, f, new_id, ViewFilterDoesNotExist))


def update_filter(ctx: Ctx, user: User, filter_id: int, values: Mapping[str, Any]) -> ViewFilter:
    """`values`: field, type and value, each optional (a filter keeps its group)."""
    f = s.view_filters
    with ctx.db.write() as conn:
        row, _view, table = open_item(conn, user, f, filter_id, ViewFilterDoesNotExist)
        field = _any_field(conn, values.get("field", row.field_id))
        type_ = values.get("type", row.type)
        tree.check_condition(ctx.field_types, ctx.filter_types, field, type_)
        _in_table(field, table)
        changes: dict[str, Any] = {"field_id": field.id, "type": type_}
        if "value" in values:
            changes["value"] = values["value"]
        conn.execute(f.update().where(f.c.id == filter_id).values(changes))
        return _filter(ctx, conn, _load(conn, f, filter_id, ViewFilterDoesNotExist))


def delete_filter(ctx: Ctx, user: User, filter_id: int) -> None:
    with ctx.db.write() as conn:
        open_item(conn, user, s.view_filters, filter_id, ViewFilterDoesNotExist)
        conn.execute(s.view_filters.delete().where(s.view_filters.c.id == filter_id))


# --- filter groups -----------------------------------------------------------------------


def get_group(ctx: Ctx, user: User, group_id: int) -> Any:
    with ctx.db.read() as conn:
        g = s.view_filter_groups
        return open_item(conn, user, g, group_id, ViewFilterGroupDoesNotExist)[0]


def create_group(ctx: Ctx, user: User, view_id: int, filter_type: str, parent: int | None) -> Any:
    with ctx.db.write() as conn:
        view, _ = views.open_view(conn, user, view_id)
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
    g = s.view_filter_groups
    with ctx.db.write() as conn:
        open_item(conn, user, g, group_id, ViewFilterGroupDoesNotExist)
        if filter_type is not None:
            conn.execute(g.update().where(g.c.id == group_id).values(filter_type=filter_type))
        return _load(conn, g, group_id, ViewFilterGroupDoesNotExist)


def _drop_group(conn: sa.Connection, group_id: int) -> None:
    g = s.view_filter_groups
    for child in conn.execute(sa.select(g.c.id).where(g.c.parent_group_id == group_id)).scalars():
        _drop_group(conn, child)
    conn.execute(s.view_filters.delete().where(s.view_filters.c.group_id == group_id))
    conn.execute(g.delete().where(g.c.id == group_id))


def delete_group(ctx: Ctx, user: User, group_id: int) -> None:
    with ctx.db.write() as conn:
        open_item(conn, user, s.view_filter_groups, group_id, ViewFilterGroupDoesNotExist)
        _drop_group(conn, group_id)


# --- sorts -------------------------------------------------------------------------------


def _check_sort(
    ctx: Ctx,
    conn: sa.Connection,
    view: views.View,
    table: Table,
    field: Field,
    sort_type: str,
    exclude: int | None = None,
) -> None:
    """Baserow's order: the field can sort so, it is the table's, no other sort has it."""
    if not ctx.field_types.get(field.type).sortable(field, sort_type):
        raise ViewSortFieldNotSupported()
    _in_table(field, table)
    t = s.view_sorts
    stmt = sa.select(t.c.id).where(t.c.view_id == view.id, t.c.field_id == field.id)
    if exclude is not None:
        stmt = stmt.where(t.c.id != exclude)
    if conn.execute(stmt).first():
        raise ViewSortFieldAlreadyExists()


def get_sort(ctx: Ctx, user: User, sort_id: int) -> Any:
    with ctx.db.read() as conn:
        return open_item(conn, user, s.view_sorts, sort_id, ViewSortDoesNotExist)[0]


def create_sort(
    ctx: Ctx, user: User, view_id: int, field_id: int, order: str, sort_type: str
) -> Any:
    with ctx.db.write() as conn:
        view, table = views.open_view(conn, user, view_id)
        field = _any_field(conn, field_id)
        _check_sort(ctx, conn, view, table, field, sort_type)
        t = s.view_sorts
        new_id = s.new_id(
            conn.execute(
                t.insert().values(view_id=view.id, field_id=field.id, order=order, type=sort_type)
            )
        )
        return _load(conn, t, new_id, ViewSortDoesNotExist)


def update_sort(ctx: Ctx, user: User, sort_id: int, values: Mapping[str, Any]) -> Any:
    """`values`: field, order and type, each optional."""
    t = s.view_sorts
    with ctx.db.write() as conn:
        row, view, table = open_item(conn, user, t, sort_id, ViewSortDoesNotExist)
        field = _any_field(conn, values.get("field", row.field_id))
        sort_type = values.get("type", row.type or "default")
        _check_sort(ctx, conn, view, table, field, sort_type, exclude=sort_id)
        changes = {"field_id": field.id, "type": sort_type, "order": values.get("order", row.order)}
        conn.execute(t.update().where(t.c.id == sort_id).values(changes))
        return _load(conn, t, sort_id, ViewSortDoesNotExist)


def delete_sort(ctx: Ctx, user: User, sort_id: int) -> None:
    with ctx.db.write() as conn:
        open_item(conn, user, s.view_sorts, sort_id, ViewSortDoesNotExist)
        conn.execute(s.view_sorts.delete().where(s.view_sorts.c.id == sort_id))

"""Field services: create, update (rename, retype with conversion), delete, list.

Each call is one transaction: metadata row, DDL and data conversion commit together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from gridbase.core import dependencies, events, trash_fields, workspaces
from gridbase.core import field_constraints as constraints
from gridbase.core.context import Ctx
from gridbase.core.row_values import value_context
from gridbase.errors import (
    CannotDeletePrimaryField,
    DbIndexNotSupported,
    FieldDoesNotExist,
    FieldWithSameNameExists,
    GridbaseError,
    IncompatiblePrimaryFieldType,
    InvalidFieldName,
    MaxFieldCountExceeded,
    MaxFieldNameLengthExceeded,
    RequestBodyValidation,
    ReservedFieldName,
    field_error,
)
from gridbase.fields.base import FieldType, FieldValueError, ValueContext
from gridbase.fields.display import value_text
from gridbase.fields.props import PropError
from gridbase.models import Field, Table, User
from gridbase.storage import ddl, trash_store
from gridbase.storage import schema as s
from gridbase.storage.kept.versions import bump_version
from gridbase.usertable import load
from gridbase.usertable.model import build as build_model
from gridbase.usertable.read import serialize_rows

RESERVED_NAMES = frozenset({"id", "order"})
MAX_FIELD_NAME_LENGTH = 255
CONVERT_CHUNK = 1000


def watch(ctx: Ctx, conn: sa.Connection, table: Table) -> Callable[[list[Field]], None]:
    """Let the search index see a table before its fields change; call the result with the
    changed related fields after the change."""
    return ctx.ext.search.fields_changing(ctx, conn, table.id)


def field_type(ctx: Ctx, name: str) -> FieldType:
    if name not in ctx.field_types:
        raise RequestBodyValidation(
            {"type": field_error(f'"{name}" is not a valid choice.', "invalid_choice")}
        )
    return ctx.field_types.get(name)


def check_name(
    conn: sa.Connection, table_id: int, name: str, exclude_id: int | None = None
) -> None:
    if not name.strip():
        raise InvalidFieldName()
    if len(name) > MAX_FIELD_NAME_LENGTH:
        raise MaxFieldNameLengthExceeded()
    if name in RESERVED_NAMES:
        raise ReservedFieldName()
    f = s.fields
    stmt = sa.select(f.c.id).where(f.c.table_id == table_id, f.c.name == name)
    if exclude_id is not None:
        stmt = stmt.where(f.c.id != exclude_id)
    if conn.execute(stmt).first():
        raise FieldWithSameNameExists()


def clean_props(
    ft: FieldType, raw: Mapping[str, Any], current: Mapping[str, Any] | None
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    try:
        return ft.clean_props(raw, current)
    except PropError as exc:
        errors[exc.name] = field_error(exc.message, exc.code)
        raise RequestBodyValidation(errors) from None


def load_field(conn: sa.Connection, field_id: int) -> Field:
    f, t = s.fields, s.database_tables
    row = conn.execute(  # a field of a trashed table (core.trash_tables) is missing too
        sa.select(f.c.table_id)
        .join(t, t.c.id == f.c.table_id)
        .where(f.c.id == field_id, s.live_table(t))
    ).first()
    if row is None:
        raise FieldDoesNotExist()
    fields = load.load_fields(conn, [row.table_id])[row.table_id]
    return next(f for f in fields if f.id == field_id)


def load_for(conn: sa.Connection, user: User, field_id: int) -> tuple[Field, Table]:
    """The field and its table, for a schema change: the table is locked (load.lock_table)
    and the field read again under the lock."""
    field = load_field(conn, field_id)
    table = load.load_table(conn, field.table_id)
    workspaces.require_member(conn, user.id, table.workspace_id)
    table = load.lock_table(conn, table, schema=True)
    return load_field(conn, field_id), table


def list_fields(ctx: Ctx, conn: sa.Connection, table: Table) -> list[Field]:
    return list(load.model_for(ctx, conn, table).fields)


def insert_field(
    ctx: Ctx,
    conn: sa.Connection,
    table: Table,
    name: str,
    type_: str,
    raw: Mapping[str, Any],
    *,
    primary: bool = False,
) -> tuple[Field, list[Field]]:
    """Create one field inside the caller's transaction: metadata, column, its type's own
    setup (after_create)."""
    ft = field_type(ctx, type_)
    check_name(conn, table.id, name)
    if primary and not ft.can_be_primary:
        raise IncompatiblePrimaryFieldType()
    f = s.fields
    count = s.count_rows(conn, f, f.c.table_id == table.id)
    if count >= ctx.settings.max_field_limit:
        raise MaxFieldCountExceeded()
    props = clean_props(ft, raw, None)
    new = Field(0, table.id, name, 0, type_, primary, props=props)
    wanted = constraints.for_create(ctx, ft, new, raw)
    if raw.get("db_index") and not ft.can_have_db_index:
        raise DbIndexNotSupported(type_)
    order = s.next_order(conn, f.c.order, f.c.table_id == table.id, first=0)
    description = raw.get("description")
    field_id = s.new_id(
        conn.execute(
            f.insert().values(
                **trash_store.new_field_id(conn),
                table_id=table.id,
                name=name,
                order=order,
                type=type_,
                primary=primary,
                description=description if isinstance(description, str) else None,
                db_index=bool(raw.get("db_index", False)),
                props=props,
                constraints=list(wanted),
                created_on=ctx.clock(),
            )
        )
    )
    field = Field(field_id, table.id, name, 0, type_, primary, None, False, props)
    column = ft.column_type(field)
    if column is not None:
        ddl.add_column(conn, table.id, field_id, column)
        if raw.get("db_index"):
            sync_index(conn, table, field_id, column, True)
    field = load_field(conn, field_id)
    related = ft.after_create(ctx, conn, field, raw)
    fill_new_column(ctx, conn, table, load_field(conn, field_id))
    constraints.sync_unique_index(ctx, conn, load_field(conn, field_id), rebuilt=True, before=())
    bump_version(conn, table.id)
    related = with_refreshed(related, dependencies.refresh(ctx, conn, table.id), field_id)
    field = load_field(conn, field_id)
    dependencies.refuse_cycles(ctx, conn, [field, *related])
    return field, related


def with_refreshed(related: list[Field], refreshed: list[Field], field_id: int) -> list[Field]:
    """A change's related fields: its type's own (a link's other side), then the computed
    fields it changed (Baserow answers both)."""
    seen = {f.id for f in related} | {field_id}
    return related + [f for f in refreshed if f.id not in seen]


def sync_index(
    conn: sa.Connection, table: Table, field_id: int, column: Any, indexed: bool
) -> None:
    """Create or drop the field's `db_index` index in the caller's transaction; the names
    come from our ids only."""
    sql = sa.Table(
        ddl.table_name(table.id), sa.MetaData(), sa.Column(ddl.column_name(field_id), column)
    )
    if indexed:
        ddl.add_index(conn, sql, field_id)
    else:
        ddl.drop_index(conn, sql, field_id)


def fill_new_column(ctx: Ctx, conn: sa.Connection, table: Table, field: Field) -> None:
    """Existing rows get the type's default (e.g. rating 0, boolean default, uuid)."""
    ft = ctx.field_types.get(field.type)
    if ft.fill_existing(ctx, conn, table, field):
        return
    value = ft.default(field)
    if value is not None and ft.column_type(field) is not None:
        t = sa.table(ddl.table_name(table.id), sa.column(field.column_name, ft.column_type(field)))
        conn.execute(t.update().values({field.column_name: value}))


def create(
    ctx: Ctx, user: User, table_id: int, name: str, type_: str, raw: Mapping[str, Any]
) -> tuple[Field, list[Field]]:
    with ctx.db.write() as conn:
        table = load.load_table(conn, table_id)
        workspaces.require_member(conn, user.id, table.workspace_id)
        table = load.lock_table(conn, table, schema=True)
        written = watch(ctx, conn, table)
        field, related = insert_field(ctx, conn, table, name, type_, raw)
        ft = ctx.field_types.get(field.type)
        if ft.read_only or ft.default(field) is not None:  # a field born empty shows no new text
            written(related)
        events.emit(ctx, conn, "field.created", table, field=field)
        return field, related


def update(
    ctx: Ctx, user: User, field_id: int, raw: Mapping[str, Any]
) -> tuple[Field, list[Field]]:
    with ctx.db.write() as conn:
        old, table = load_for(conn, user, field_id)
        written = watch(ctx, conn, table)
        new_type = raw.get("type", old.type)
        ft = field_type(ctx, new_type)
        if old.primary and not ft.can_be_primary:
            raise IncompatiblePrimaryFieldType()
        values: dict[str, Any] = {}
        if "name" in raw and raw["name"] != old.name:
            check_name(conn, table.id, raw["name"], exclude_id=old.id)
            values["name"] = raw["name"]
        if "description" in raw:
            values["description"] = raw["description"]
        if "db_index" in raw:
            values["db_index"] = bool(raw["db_index"])
        retyped = new_type != old.type
        props = clean_props(ft, raw, None if retyped else old.props)
        wanted = constraints.for_update(
            ctx, ft, old, dataclasses.replace(old, type=new_type, props=props), raw
        )
        if wanted != old.constraints:
            values["constraints"] = list(wanted)
        indexed = values.get("db_index", old.db_index)
        if indexed and not ft.can_have_db_index:
            raise DbIndexNotSupported(new_type)
        related: list[Field] = []
        rebuilt = retyped  # a new column: any unique index went with the old one
        if retyped:
            related = change_type(ctx, conn, table, old, ft, raw)
        else:
            values["props"] = props
            new = dataclasses.replace(old, props=props)
            if ft.column_type(new) != ft.column_type(old) and repr(ft.column_type(new)) != repr(
                ft.column_type(old)
            ):
                convert_values(ctx, conn, table, old, new)
                rebuilt = True
        if values:
            conn.execute(s.fields.update().where(s.fields.c.id == old.id).values(**values))
        field = load_field(conn, old.id)
        column = ft.column_type(field)
        if column is not None:  # a retyped column lost its index with the old column
            sync_index(conn, table, field.id, column, indexed)
        constraints.sync_unique_index(ctx, conn, field, rebuilt=rebuilt, before=old.constraints)
        if new_type == old.type:
            related += ft.after_update(ctx, conn, old, field, raw)
        bump_version(conn, table.id)
        refreshed = dependencies.refresh(ctx, conn, table.id, rename=(old.name, field.name))
        related = with_refreshed(related, refreshed, old.id)
        field = load_field(conn, old.id)
        dependencies.refuse_cycles(ctx, conn, [field, *related])
        # name, description and db_index do not change what rows show: no re-index
        if (field.type, field.props, field.select_options) != (
            old.type,
            old.props,
            old.select_options,
        ) or related:
            written(related)
        events.emit(ctx, conn, "field.updated", table, field=field)
        return field, related


def change_type(
    ctx: Ctx, conn: sa.Connection, table: Table, old: Field, ft: FieldType, raw: Mapping[str, Any]
) -> list[Field]:
    """Retype a field: read the values, the old type lets go, the new type sets up, values
    convert best-effort (one that does not convert becomes empty)."""
    old_ft = ctx.field_types.get(old.type)
    # Baserow recreates the column when either type says its values do not carry over
    keeps = old_ft.keeps_values and ft.keeps_values
    values = read_values(ctx, conn, table, old) if keeps else []
    related = old_ft.before_delete(ctx, conn, old)
    if old_ft.column_type(old) is not None:
        ddl.drop_column(conn, table.id, old.id)
    props = clean_props(ft, raw, {})  # {}: a conversion (props take their converted defaults)
    conn.execute(s.fields.update().where(s.fields.c.id == old.id).values(type=ft.type, props=props))
    new = load_field(conn, old.id)
    column = ft.column_type(new)
    if column is not None:
        ddl.add_column(conn, table.id, new.id, column)
    related += ft.after_create(ctx, conn, new, raw)
    values = [(row_id, old_ft.conversion_source(old, value)) for row_id, value in values]
    if ft.links_to(new) is not None:
        # values are matched against the target's primary values: a primary computed from
        # this field must first see its new type (or its error state), not the dropped column
        related += dependencies.refresh(ctx, conn, table.id)
    write_converted(ctx, conn, table, load_field(conn, old.id), values)
    return related


def convert_values(ctx: Ctx, conn: sa.Connection, table: Table, old: Field, new: Field) -> None:
    """Same type, new column type (e.g. a date gains a time): rebuild the column from the values."""
    old_ft, new_ft = ctx.field_types.get(old.type), ctx.field_types.get(new.type)
    values = read_values(ctx, conn, table, old)
    if old_ft.column_type(old) is not None:
        ddl.drop_column(conn, table.id, old.id)
    column = new_ft.column_type(new)
    if column is not None:
        ddl.add_column(conn, table.id, new.id, column)
    write_converted(ctx, conn, table, new, values)


def read_values(ctx: Ctx, conn: sa.Connection, table: Table, field: Field) -> list[tuple[int, Any]]:
    """(row id, JSON value) of every row for `field` as it is stored now, read in id chunks."""
    model = build_model(ctx, table, load.load_fields(conn, [table.id]).get(table.id, []), conn)
    current = model.by_id.get(field.id, field)
    t = model.sql
    out: list[tuple[int, Any]] = []
    last = 0
    while True:
        stmt = (
            sa.select(*model.columns([current]))
            .where(t.c.id > last)
            .order_by(t.c.id)
            .limit(CONVERT_CHUNK)
        )
        records = list(conn.execute(stmt))
        if not records:
            return out
        for row in serialize_rows(ctx, conn, model, records, [current]):
            out.append((row["id"], row[current.column_name]))
        last = records[-1].id


def write_converted(
    ctx: Ctx, conn: sa.Connection, table: Table, new: Field, values: list[tuple[int, Any]]
) -> None:
    new_ft = ctx.field_types.get(new.type)
    if new_ft.fill_existing(ctx, conn, table, new) or new_ft.read_only:
        return
    vc = value_context(ctx, conn)
    converted = [(row_id, convert_one(new_ft, new, value, vc)) for row_id, value in values]
    new_type = new_ft.column_type(new)
    if new_type is None:
        junction = new_ft.relation_table(new, sa.MetaData())
        if junction is not None:
            pairs = {row_id: value for row_id, value in converted if value}
            if pairs:
                new_ft.write_relation(conn, new, junction, pairs)
        return
    t_new = sa.table(
        ddl.table_name(table.id), sa.column("id", sa.Integer), sa.column(new.column_name, new_type)
    )
    updates = [{"rid": row_id, "v": value} for row_id, value in converted if value is not None]
    for start in range(0, len(updates), CONVERT_CHUNK):
        conn.execute(
            t_new.update()
            .where(t_new.c.id == sa.bindparam("rid"))
            .values({new.column_name: sa.bindparam("v")}),
            updates[start : start + CONVERT_CHUNK],
        )
    fill_missing = new_ft.default(new)
    if fill_missing is not None:
        conn.execute(
            t_new.update()
            .where(t_new.c[new.column_name].is_(None))
            .values({new.column_name: fill_missing})
        )


def convert_one(new_ft: FieldType, new: Field, value: Any, vc: ValueContext) -> Any:
    """One JSON value of the old type -> a stored value of the new type, or None."""
    if value is None or value == []:
        return None
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, list):
        texts = [value_text(v) for v in value]
        value = texts if new_ft.column_type(new) is None else ", ".join(texts)
    try:
        return new_ft.convert_value(new, value, vc)
    except (FieldValueError, GridbaseError):
        return None


def delete(ctx: Ctx, user: User, field_id: int) -> list[Field]:
    with ctx.db.write() as conn:
        field, table = load_for(conn, user, field_id)
        if field.primary:
            raise CannotDeletePrimaryField()
        written = watch(ctx, conn, table)
        # to the trash: its column stays until the trash is emptied (core.trash_fields)
        related = trash_fields.trash_field(ctx, conn, user, table, field)
        written(related)
        events.emit(ctx, conn, "field.deleted", table, field_id=field.id)
        trash_fields.updated_elsewhere(ctx, conn, table.id, related)
        return related


def drop_field(ctx: Ctx, conn: sa.Connection, table: Table, field: Field) -> list[Field]:
    ft = ctx.field_types.get(field.type)
    related = ft.before_delete(ctx, conn, field)
    if ft.column_type(field) is not None:
        ddl.drop_column(conn, table.id, field.id)
    conn.execute(s.fields.delete().where(s.fields.c.id == field.id))
    bump_version(conn, table.id)
    return with_refreshed(related, dependencies.refresh(ctx, conn, table.id), field.id)

"""Field duplication (Baserow's duplicate_field job): a copy of a field named "<name> 2"
(the first free "<name> <n>"), with its type's properties, optionally with its data.

A link field's copy links the same table and gets a related field there when the original
has one (a self link never has). Select options are copied as new options; copied cells
point at the copies. The whole copy is one transaction: nobody sees half of it.
Imports: core (context, duplicate_job, events, fields, jobs, job_types, workspaces),
errors, fields, models, storage, usertable.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import duplicate_job, events, fields, jobs, workspaces
from gridbase.core.context import Ctx
from gridbase.core.job_types import ProgressFn
from gridbase.fields.base import FieldType
from gridbase.fields.field_json import field_json
from gridbase.fields.names import unused_name
from gridbase.models import Field, Table, User
from gridbase.storage import ddl
from gridbase.usertable import load

TYPE = "duplicate_field"
# Baserow's FieldSerializer: the keys every field has, none of its type's own
BASE_KEYS = (
    "id", "table_id", "name", "order", "type", "primary", "read_only", "immutable_type",
    "immutable_properties", "description", "database_id", "workspace_id", "db_index",
    "field_constraints",
)  # fmt: skip


def base_json(ctx: Ctx, field: Field, table: Table) -> dict[str, Any]:
    full = field_json(ctx, field, table.database_id, table.workspace_id, extra=False)
    return {k: full[k] for k in BASE_KEYS}


def start(ctx: Ctx, user: User, field_id: int, duplicate_data: bool) -> jobs.Job:
    """A pending duplication; ERROR_MAX_JOB_COUNT_EXCEEDED while another one runs (Baserow
    allows one a user)."""

    def params(conn: sa.Connection) -> dict[str, Any]:
        field = fields.load_field(conn, field_id)
        table = load.load_table(conn, field.table_id)
        workspaces.require_member(conn, user.id, table.workspace_id)
        return {"field_id": field_id, "duplicate_data": duplicate_data,
                "original_field": base_json(ctx, field, table)}  # fmt: skip

    return duplicate_job.start(ctx, user, DuplicateFieldJobType, params)


def field_raw(ft: FieldType, field: Field) -> dict[str, Any]:
    """What creating the copy is given: the original's properties as the API shows them."""
    # a null is the property's default (and some properties take no null when written)
    raw = {k: v for k, v in ft.props_json(field).items() if v is not None}
    raw["description"] = field.description
    raw["db_index"] = field.db_index
    if field.type == "link_row":
        raw["has_related_field"] = bool(field.props.get("link_row_related_field_id"))
    return raw


def copy_options_map(old: Field, new: Field) -> dict[int, int]:
    """Old option id -> its copy's (the copies were written in the same order)."""
    return {o.id: n.id for o, n in zip(old.select_options, new.select_options, strict=False)}


def mapped(column: sa.ColumnElement[Any], mapping: dict[int, int]) -> sa.ColumnElement[Any]:
    if not mapping:
        return sa.null()
    return sa.case(mapping, value=column, else_=sa.null())


def copy_data(ctx: Ctx, conn: sa.Connection, table: Table, old: Field, new: Field) -> None:
    """The original's cells into the copy: its column, or its junction rows."""
    ft = ctx.field_types.get(old.type)
    options = copy_options_map(old, new) if old.select_options else None
    if ft.column_type(old) is not None and not ft.read_only:
        t = sa.table(
            ddl.table_name(table.id), sa.column(old.column_name), sa.column(new.column_name)
        )
        value: sa.ColumnElement[Any] = t.c[old.column_name]
        if options is not None:
            value = mapped(value, options)
        conn.execute(t.update().values({new.column_name: value}))
        return
    old_j = ft.relation_table(old, sa.MetaData())
    new_j = ft.relation_table(new, sa.MetaData())
    if old_j is None or new_j is None:
        return  # computed: filled when created
    mine_old, theirs_old = ft.junction_sides(old)
    mine_new, theirs_new = ft.junction_sides(new)
    theirs: sa.ColumnElement[Any] = old_j.c[theirs_old]
    if options is not None:
        theirs = mapped(theirs, options)
    source = sa.select(old_j.c[mine_old], theirs).where(theirs.is_not(None)).order_by(old_j.c.id)
    conn.execute(new_j.insert().from_select([mine_new, theirs_new], source))


class DuplicateFieldJobType(duplicate_job.DuplicateJobType):
    type = TYPE
    original_key = "original_field"
    result_key = "duplicated_field"

    def copy(
        self, ctx: Ctx, conn: sa.Connection, job: jobs.Job, progress: ProgressFn
    ) -> dict[str, Any]:
        user = jobs.owner(conn, job)
        old, table = fields.load_for(conn, user, int(job.params["field_id"]))
        ft = ctx.field_types.get(old.type)
        written = fields.watch(ctx, conn, table)
        name = unused_name(conn, table.id, [old.name])
        new, related = fields.insert_field(ctx, conn, table, name, old.type, field_raw(ft, old))
        progress(50.0)
        if job.params.get("duplicate_data"):
            copy_data(ctx, conn, table, old, new)
        written(related)
        events.emit(ctx, conn, "field.created", table, field=new)
        return dict(base_json(ctx, new, table), related_fields=[])

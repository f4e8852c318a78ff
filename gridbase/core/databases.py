"""Database applications of a workspace: list, create, get, rename, order, delete for good
(core.trash_apps: a delete puts it in the trash first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from gridbase.core import tokens, workspaces
from gridbase.core.context import Ctx
from gridbase.core.ordering import reorder
from gridbase.errors import ApplicationDoesNotExist, ApplicationNotInWorkspace
from gridbase.fields import FieldTypes, default_field_types
from gridbase.models import Database, User
from gridbase.storage import ddl, trash_store
from gridbase.storage import schema as s
from gridbase.usertable.load import load_fields


def _database(row: Any) -> Database:
    return Database(row.id, row.workspace_id, row.name, row.order, row.type, row.created_on)


def load(conn: sa.Connection, database_id: int, *, trashed_too: bool = False) -> Database:
    """The database; one in the trash, or in a trashed workspace (core.trash_apps), is
    missing unless `trashed_too`."""
    a = s.applications
    stmt = sa.select(a).where(a.c.id == database_id)
    if not trashed_too:
        stmt = stmt.where(s.live_application(a))
    row = conn.execute(stmt).first()
    if row is None:
        raise ApplicationDoesNotExist()
    return _database(row)


def load_for(conn: sa.Connection, user: User, database_id: int) -> Database:
    database = load(conn, database_id)
    workspaces.require_member(conn, user.id, database.workspace_id)
    return database


def list_for_user(ctx: Ctx, user: User, workspace_id: int | None = None) -> list[Database]:
    a, wu = s.applications, s.workspace_users
    with ctx.db.read() as conn:
        if workspace_id is not None:
            workspaces.load(conn, workspace_id)
            workspaces.require_member(conn, user.id, workspace_id)
        mine = sa.select(wu.c.workspace_id).where(wu.c.user_id == user.id)
        stmt = sa.select(a).where(a.c.workspace_id.in_(mine), s.live_application(a))
        if workspace_id is not None:
            stmt = stmt.where(a.c.workspace_id == workspace_id)
        return [
            _database(r) for r in conn.execute(stmt.order_by(a.c.workspace_id, a.c.order, a.c.id))
        ]


def create(
    ctx: Ctx,
    user: User,
    workspace_id: int,
    name: str,
    init: Callable[[Ctx, sa.Connection, User, Database], None] | None = None,
) -> Database:
    """A new database; `init` fills it in the same transaction (`init_with_data`)."""
    a = s.applications
    with ctx.db.write() as conn:
        workspaces.load(conn, workspace_id)
        workspaces.require_member(conn, user.id, workspace_id)
        order = s.next_order(conn, a.c.order, a.c.workspace_id == workspace_id)
        new_id = s.new_id(
            conn.execute(
                a.insert().values(
                    workspace_id=workspace_id,
                    name=name,
                    order=order,
                    type="database",
                    created_on=ctx.clock(),
                )
            )
        )
        database = load(conn, new_id)
        if init is not None:
            init(ctx, conn, user, database)
        return database


def get(ctx: Ctx, user: User, database_id: int) -> Database:
    with ctx.db.read() as conn:
        return load_for(conn, user, database_id)


def rename(ctx: Ctx, user: User, database_id: int, new_name: Callable[[], str | None]) -> Database:
    """`new_name()` reads the request once the database is found, before membership is
    checked (Baserow's order); None keeps the name."""
    with ctx.db.write() as conn:
        load(conn, database_id)
        name = new_name()
        workspaces.require_member(conn, user.id, load(conn, database_id).workspace_id)
        if name is not None:
            a = s.applications
            conn.execute(a.update().where(a.c.id == database_id).values(name=name))
        return load(conn, database_id)


def drop_user_tables(
    conn: sa.Connection, database_ids: list[int], field_types: FieldTypes | None = None
) -> None:
    """Drop the SQL tables of these databases before their metadata goes; each field's type
    drops what else it owns (junction tables). Links never leave a database."""
    t = s.database_tables
    types = field_types or default_field_types()
    table_ids = [
        r.id for r in conn.execute(sa.select(t.c.id).where(t.c.database_id.in_(database_ids)))
    ]
    for fields in load_fields(conn, table_ids).values():
        for field in fields:
            ft = types.get(field.type) if field.type in types else None
            if ft is not None and ft.relation_table(field, sa.MetaData()) is not None:
                ft.before_delete(None, conn, field)
    trash_store.purge_fields_of(conn, database_ids)
    for tid in table_ids:
        ddl.drop_user_table(conn, tid)
    tokens.forget_scopes(conn, database_ids=database_ids, table_ids=table_ids)


def drop(ctx: Ctx, conn: sa.Connection, database_id: int) -> None:
    """Deletes the database for good (core.trash_apps, once its trash entry goes)."""
    drop_user_tables(conn, [database_id], ctx.field_types)
    conn.execute(s.applications.delete().where(s.applications.c.id == database_id))


def drop_workspace_tables(conn: sa.Connection, workspace_id: int) -> None:
    a = s.applications
    ids = list(conn.execute(sa.select(a.c.id).where(a.c.workspace_id == workspace_id)).scalars())
    drop_user_tables(conn, ids)


def order(ctx: Ctx, user: User, workspace_id: int, application_ids: list[int]) -> None:
    a = s.applications
    with ctx.db.write() as conn:
        workspaces.load(conn, workspace_id)
        workspaces.require_member(conn, user.id, workspace_id)
        mine = set(
            conn.execute(
                sa.select(a.c.id).where(a.c.workspace_id == workspace_id, a.c.trashed.is_(False))
            ).scalars()
        )
        for app_id in application_ids:
            if app_id not in mine:
                raise ApplicationNotInWorkspace(app_id)
        live = sa.and_(a.c.workspace_id == workspace_id, a.c.trashed.is_(False))
        reorder(conn, a, live, application_ids)

"""Checking a password against a password field's cell (Baserow's
password_field_authentication): lets a table of users with password fields serve as an
authentication backend.

Only fields with `allow_endpoint_authentication` answer (any other id: the field does not
exist). A token needs read access to the table; the caller must be a member of its
workspace. Imports: core (context, permissions, workspaces), errors, fields, models,
storage, usertable, sqlalchemy.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.core import workspaces
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import (
    FieldDoesNotExist,
    InvalidPasswordFieldPassword,
    NoPermissionToTable,
    PermissionDenied,
    RowDoesNotExist,
)
from gridbase.fields.password import PasswordFieldType, matches
from gridbase.models import Field
from gridbase.storage import schema as s
from gridbase.usertable import load


def _enabled_field(conn: sa.Connection, field_id: int) -> Field:
    f = s.fields
    row = conn.execute(sa.select(f).where(f.c.id == field_id)).first()
    if row is None:
        raise FieldDoesNotExist()
    field = s.field_of(row, ())
    if field.type != PasswordFieldType.type or not field.props.get("allow_endpoint_authentication"):
        raise FieldDoesNotExist()
    return field


def authenticate(ctx: Ctx, actor: Actor, field_id: int, row_id: int, password: str) -> None:
    """Return when `password` is the cell's; raise otherwise (Baserow's order of checks: the
    field, the token's grant, the membership, the row, the password)."""
    with ctx.db.read() as conn:
        field = _enabled_field(conn, field_id)
        table = load.load_table(conn, field.table_id)
        if actor.token is not None and not actor.token.allows("read", table):
            raise NoPermissionToTable()
        if not workspaces.is_member(conn, actor.user.id, table.workspace_id):
            raise PermissionDenied()
        t = load.model_for(ctx, conn, table).sql
        found = conn.execute(sa.select(t.c[field.column_name]).where(t.c.id == row_id)).first()
        if found is None:
            raise RowDoesNotExist([row_id])
    # verified outside the transaction: a hash costs ~40 ms, no connection waits on it
    if not matches(found[0], password):
        raise InvalidPasswordFieldPassword()

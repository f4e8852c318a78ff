"""MCP endpoints (Baserow 1.35's /api/mcp/endpoints/): a user's named endpoint on one of
their workspaces, whose secret key lets an MCP client act as that user in that workspace.

Only the owner sees, renames or deletes one (another user gets "does not exist", as in
Baserow). Keys are kept as database token keys are (core.tokens): an HMAC digest for the
look-up and the key encrypted for display. Imports: core (tokens, workspaces), errors,
models, storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from gridbase.core import tokens, users, workspaces
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import McpEndpointDoesNotExist, WorkspaceDoesNotExist
from gridbase.models import User
from gridbase.storage import schema as s


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: int
    user_id: int
    workspace_id: int
    workspace_name: str
    name: str
    key: str
    created_on: datetime


def _select() -> sa.Select[Any]:
    e, w = s.mcp_endpoints, s.workspaces
    return (
        sa.select(e, w.c.name.label("workspace_name"))
        .join(w, w.c.id == e.c.workspace_id)
        .order_by(e.c.id)
    )


def _endpoint(ctx: Ctx, row: Any) -> Endpoint:
    return Endpoint(
        row.id,
        row.user_id,
        row.workspace_id,
        row.workspace_name,
        row.name,
        tokens.decrypt_key(ctx, row.key_encrypted),
        row.created_on,
    )


def _owned(ctx: Ctx, conn: sa.Connection, user: User, endpoint_id: int) -> Endpoint:
    e = s.mcp_endpoints
    row = conn.execute(_select().where(e.c.id == endpoint_id, e.c.user_id == user.id)).first()
    if row is None:
        raise McpEndpointDoesNotExist()
    return _endpoint(ctx, row)


def list_endpoints(ctx: Ctx, user: User) -> list[Endpoint]:
    with ctx.db.read() as conn:
        rows = conn.execute(_select().where(s.mcp_endpoints.c.user_id == user.id)).all()
    return [_endpoint(ctx, r) for r in rows]


def get(ctx: Ctx, user: User, endpoint_id: int) -> Endpoint:
    with ctx.db.read() as conn:
        return _owned(ctx, conn, user, endpoint_id)


def create(ctx: Ctx, user: User, workspace_id: int, name: str) -> Endpoint:
    with ctx.db.write() as conn:
        w = s.workspaces
        if conn.execute(sa.select(w.c.id).where(w.c.id == workspace_id)).first() is None:
            raise WorkspaceDoesNotExist()
        workspaces.require_member(conn, user.id, workspace_id)
        key = tokens.new_key()
        endpoint_id = s.new_id(
            conn.execute(
                s.mcp_endpoints.insert().values(
                    user_id=user.id,
                    workspace_id=workspace_id,
                    name=name,
                    key_digest=tokens.digest(ctx, key),
                    key_encrypted=tokens.encrypt_key(ctx, key),
                    created_on=ctx.clock(),
                )
            )
        )
        return _owned(ctx, conn, user, endpoint_id)


def rename(ctx: Ctx, user: User, endpoint_id: int, name: str) -> Endpoint:
    with ctx.db.write() as conn:
        _owned(ctx, conn, user, endpoint_id)
        e = s.mcp_endpoints
        conn.execute(e.update().where(e.c.id == endpoint_id).values(name=name))
        return _owned(ctx, conn, user, endpoint_id)


def delete(ctx: Ctx, user: User, endpoint_id: int) -> None:
    with ctx.db.write() as conn:
        _owned(ctx, conn, user, endpoint_id)
        conn.execute(s.mcp_endpoints.delete().where(s.mcp_endpoints.c.id == endpoint_id))


def authenticate(ctx: Ctx, key: str) -> tuple[Actor, int] | None:
    """The actor an endpoint key names (its owner, as a user) and the endpoint's workspace;
    None when no endpoint has the key, its owner is inactive or no longer a member
    (Baserow's check, made at every use: membership may have changed)."""
    e, u = s.mcp_endpoints, s.users
    with ctx.db.read() as conn:
        row = conn.execute(
            sa.select(e.c.workspace_id, u)
            .join(u, u.c.id == e.c.user_id)
            .where(e.c.key_digest == tokens.digest(ctx, key))
        ).first()
        if row is None or not row.is_active:
            return None
        if not workspaces.is_member(conn, row.id, row.workspace_id):
            return None
    return Actor(users.from_row(row)), int(row.workspace_id)

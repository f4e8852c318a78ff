"""What an MCP client may reach (gridbase.mcp): the tables of its workspace with their
fields and the row operations allowed on each, and the check that a table it names lies in
that workspace.

A database token reaches what its grants allow (the same TokenGrant.allows the REST API
checks); an MCP endpoint's key acts as its owner, a member of the endpoint's workspace, who
may do every row operation there. Imports: core (permissions, tables, workspaces), models,
errors, storage, usertable.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from gridbase.core import tables, workspaces
from gridbase.core.context import Ctx
from gridbase.core.permissions import OPERATIONS, Actor
from gridbase.errors import TableDoesNotExist
from gridbase.models import Field, Table
from gridbase.storage import schema as s
from gridbase.usertable import load


@dataclass(frozen=True, slots=True)
class ToolTable:
    table: Table
    fields: tuple[Field, ...]
    operations: frozenset[str]  # of OPERATIONS


def reachable_tables(ctx: Ctx, actor: Actor, workspace_id: int) -> list[ToolTable]:
    """The tables of `workspace_id` the actor may do at least one row operation on, in the
    order of their databases and their own order."""
    a = s.applications
    with ctx.db.read() as conn:
        workspaces.require_member(conn, actor.user.id, workspace_id)
        ids = list(
            conn.execute(
                sa.select(a.c.id)
                .where(a.c.workspace_id == workspace_id)
                .order_by(a.c.order, a.c.id)
            ).scalars()
        )
    found = [t for listed in tables.tables_of(ctx, ids).values() for t in listed]
    out = []
    with ctx.db.read() as conn:
        for table in found:
            ops = frozenset(
                op for op in OPERATIONS if actor.token is None or actor.token.allows(op, table)
            )
            if ops:
                model = load.model_for(ctx, conn, table)
                out.append(ToolTable(table, tuple(model.fields), ops))
    return out


def require_in_workspace(ctx: Ctx, table_id: int, workspace_id: int) -> None:
    """An MCP endpoint reaches only its own workspace's tables: any other is 'not found'."""
    with ctx.db.read() as conn:
        if load.load_table(conn, table_id).workspace_id != workspace_id:
            raise TableDoesNotExist()

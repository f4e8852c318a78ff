"""Actor (a user, or a database token acting for its user) and the permission check.

require(conn, actor, op, table) is the one gate every row operation passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from gridbase.core import workspaces
from gridbase.errors import NoPermissionToTable
from gridbase.models import Table, User

OPERATIONS = ("create", "read", "update", "delete")


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """A database token: its workspace and, per operation, True (whole workspace) or a set
    of ("database" | "table", id) scopes."""

    id: int
    workspace_id: int
    grants: dict[str, bool | frozenset[tuple[str, int]]] = field(default_factory=dict)

    def allows(self, op: str, table: Table) -> bool:
        if table.workspace_id != self.workspace_id:
            return False
        grant = self.grants.get(op, False)
        if isinstance(grant, bool):
            return grant
        return ("table", table.id) in grant or ("database", table.database_id) in grant


@dataclass(frozen=True, slots=True)
class Actor:
    user: User
    token: TokenGrant | None = None

    @property
    def is_token(self) -> bool:
        return self.token is not None


def require(conn: sa.Connection, actor: Actor, op: str, table: Table) -> None:
    """Raise unless the actor may do `op` on `table`: token grant first, then membership."""
    if actor.token is not None and not actor.token.allows(op, table):
        raise NoPermissionToTable()
    workspaces.require_member(conn, actor.user.id, table.workspace_id)


def require_grant(actor: Actor, op: str, table: Table) -> None:
    """require() for a token actor whose membership of the token's workspace was just read
    with the token itself (core.tokens.authenticate_for_table)."""
    if actor.token is None or not actor.token.allows(op, table):
        raise NoPermissionToTable()


def require_any(conn: sa.Connection, actor: Actor, ops: tuple[str, ...], table: Table) -> None:
    if actor.token is not None and not any(actor.token.allows(op, table) for op in ops):
        raise NoPermissionToTable()
    workspaces.require_member(conn, actor.user.id, table.workspace_id)

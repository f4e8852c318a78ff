"""Helpers of the user field type tests: a workspace with two members (gridbase has no
invitations yet, so the second joins through the storage layer, as an invitation would
record it), rows read by name, and the stored row users."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage import ddl
from gridbase.storage import schema as s
from tests.asgi_client import TestClient
from tests.conftest import Api


def join(ctx: Ctx, workspace_id: int, user_id: int) -> None:
    with ctx.db.write() as conn:
        conn.execute(
            s.workspace_users.insert().values(
                workspace_id=workspace_id,
                user_id=user_id,
                permissions="MEMBER",
                order=0,
                created_on=ctx.clock(),
            )
        )


class Team:
    """Ada owns a workspace with a database; Bob is a member too; Cy is in none of it."""

    def __init__(self, client: TestClient, ctx: Ctx, ada: Api) -> None:
        self.ctx = ctx
        self.ada = ada
        self.bob = Api(client, "bob@example.com", "Bob")
        self.cy = Api(client, "cy@example.com", "Cy")
        self.workspace = ada.workspace()
        self.database = ada.database(self.workspace)
        join(ctx, self.workspace, self.bob.user["id"])

    @property
    def ada_id(self) -> int:
        return int(self.ada.user["id"])

    @property
    def bob_id(self) -> int:
        return int(self.bob.user["id"])

    @property
    def cy_id(self) -> int:
        return int(self.cy.user["id"])

    def token(self, who: Api) -> dict[str, str]:
        answer = who.ok(
            who.post("/api/database/tokens/", {"name": "t", "workspace": self.workspace})
        )
        return {"Authorization": f"Token {answer['key']}"}


def rows_url(table_id: int, row_id: int | None = None) -> str:
    return f"/api/database/rows/table/{table_id}/" + (f"{row_id}/" if row_id else "")


def names(api: Api, table_id: int, key: str, **params: Any) -> list[Any]:
    """(Name, the cell `key`) of every row, in the listed order."""
    return [(r["Name"], r[key]) for r in api.rows(table_id, **params)]


def stored_users(ctx: Ctx, table_id: int) -> dict[int, tuple[int | None, int | None]]:
    """row id -> (created_by, last_modified_by) as the row table keeps them."""
    t = sa.table(
        ddl.table_name(table_id),
        sa.column("id"),
        sa.column("created_by"),
        sa.column("last_modified_by"),
    )
    with ctx.db.read() as conn:
        return {r.id: (r.created_by, r.last_modified_by) for r in conn.execute(sa.select(t))}

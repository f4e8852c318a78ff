"""Primary values of rows as text, several tables at once (the row names endpoint), with
Baserow's order of checks: each parameter read and its table looked up in turn, so the first
bad one answers. Imports: core (context, permissions, workspaces), errors, usertable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gridbase.core import permissions, workspaces
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import TableDoesNotExist
from gridbase.usertable import load
from gridbase.usertable.read import primary_texts


def row_names(
    ctx: Ctx,
    actor: Actor,
    params: Sequence[tuple[str, str]],
    parse: Callable[[str, str], tuple[int, list[int]]],
) -> dict[str, dict[str, str]]:
    """table id -> row id -> primary value as text, for the rows that exist. Each parameter
    is parsed (`parse`: the API layer's reading of it) and its table looked up in turn, as
    Baserow does, so the first bad one answers; every table after the first must be in the
    first one's database."""
    out: dict[str, dict[str, str]] = {}
    database_id = None
    with ctx.db.read() as conn:
        for key, value in params:
            table_id, ids = parse(key, value)
            table = load.load_table(conn, table_id)
            if database_id is not None and table.database_id != database_id:
                raise TableDoesNotExist()
            database_id = table.database_id
            workspaces.require_member(conn, actor.user.id, table.workspace_id)
            permissions.require(conn, actor, "read", table)
            texts = primary_texts(ctx, conn, load.model_for(ctx, conn, table), ids)
            out[str(table_id)] = {str(i): texts[i][1] for i in dict.fromkeys(ids) if i in texts}
    return out

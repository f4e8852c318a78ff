"""Who a command-line job acts as (`gridbase import`, `gridbase export`): the user named by
e-mail, or else the first admin of the workspace the database or table is in. The rows it
writes and the job it makes are that user's, as if they had used the API.
Imports: core (databases, users), errors, models, storage, usertable.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.core import databases, users
from gridbase.core.context import Ctx
from gridbase.errors import UserNotInWorkspace
from gridbase.models import User
from gridbase.storage import schema as s
from gridbase.usertable import load


def acting_user(
    ctx: Ctx, *, email: str | None, database_id: int | None = None, table_id: int | None = None
) -> User:
    with ctx.db.read() as conn:
        if table_id is not None:
            workspace_id = load.load_table(conn, table_id).workspace_id
        else:
            assert database_id is not None, "a database or a table"
            workspace_id = databases.load(conn, database_id).workspace_id
        wu = s.workspace_users
        stmt = sa.select(wu.c.user_id).where(wu.c.workspace_id == workspace_id)
        if email:
            u = s.users
            stmt = stmt.join(u, u.c.id == wu.c.user_id).where(
                u.c.email == users.normalize_email(email)
            )
        else:
            stmt = stmt.where(wu.c.permissions == "ADMIN")
        user_id = conn.execute(stmt.order_by(wu.c.id).limit(1)).scalar()
        user = users.get_user(conn, user_id) if user_id is not None else None
    if user is None:
        raise UserNotInWorkspace()
    return user

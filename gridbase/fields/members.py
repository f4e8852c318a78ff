"""Users as field types see them: the members of a field's workspace (the field JSON's
`available_collaborators`, the collaborators a cell may hold) and users' names.

Baserow shows a user as {"id", "name"} with `name` its first_name, read when the value is
read (a renamed user reads renamed everywhere). Imports: models, storage, sqlalchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from gridbase.models import Field
from gridbase.storage import schema as s
from gridbase.storage.types import MAX_ID

CHUNK = 500


def _workspace_of(table_id: int) -> sa.ScalarSelect[Any]:
    t, a = s.database_tables, s.applications
    return (
        sa.select(a.c.workspace_id)
        .join(t, t.c.database_id == a.c.id)
        .where(t.c.id == table_id)
        .scalar_subquery()
    )


def workspace_members(conn: sa.Connection, table_id: int) -> list[Any]:
    """(id, name) of the members of the table's workspace, by name (Baserow's order)."""
    wu, u = s.workspace_users, s.users
    return list(
        conn.execute(
            sa.select(u.c.id, u.c.first_name.label("name"))
            .join(wu, wu.c.user_id == u.c.id)
            .where(wu.c.workspace_id == _workspace_of(table_id))
            .order_by(u.c.first_name, u.c.id)
        )
    )


def members_json(conn: sa.Connection, field: Field) -> list[dict[str, Any]]:
    return [{"id": m.id, "name": m.name} for m in workspace_members(conn, field.table_id)]


def member_ids(conn: sa.Connection, table_id: int, ids: Iterable[int]) -> set[int]:
    """Those of `ids` that are members of the table's workspace."""
    wanted = sorted({i for i in ids if -MAX_ID <= i <= MAX_ID})  # others are nobody's id
    wu = s.workspace_users
    found: set[int] = set()
    workspace = _workspace_of(table_id)
    for start in range(0, len(wanted), CHUNK):
        found.update(
            conn.execute(
                sa.select(wu.c.user_id).where(
                    wu.c.workspace_id == workspace,
                    wu.c.user_id.in_(wanted[start : start + CHUNK]),
                )
            ).scalars()
        )
    return found


def user_names(conn: sa.Connection, ids: Iterable[Any]) -> dict[int, str]:
    """user id -> name, for the ids that name a user."""
    wanted = sorted({i for i in ids if isinstance(i, int)})
    u = s.users
    out: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        stmt = sa.select(u.c.id, u.c.first_name).where(u.c.id.in_(chunk))
        out.update((user_id, name) for user_id, name in conn.execute(stmt))
    return out


def name_of(user_id: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """The name of the user an id expression names, as SQL (NULL for none)."""
    u = s.users
    return sa.select(u.c.first_name).where(u.c.id == user_id).scalar_subquery()


class JoinedText(FunctionElement[str]):
    """The texts of a group concatenated with no separator: group_concat on SQLite,
    string_agg on PostgreSQL (in their input order: an ordered subquery's). A construct of
    its own because field types sort without knowing the dialect; its compile rules below
    belong to this class only."""

    type = sa.Text()
    inherit_cache = True
    name = "joined_text"


@compiles(JoinedText, "sqlite")
def _joined_sqlite(element: JoinedText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, '')"


@compiles(JoinedText, "postgresql")
def _joined_postgresql(element: JoinedText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, '')"

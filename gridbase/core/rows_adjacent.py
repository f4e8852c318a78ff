"""The row next to (or before) a row (Baserow's get_adjacent_row): in the table's order, or
through a view's filters and sorts, narrowed by a search. The row itself must be among
the rows so listed (else ERROR_ROW_DOES_NOT_EXIST); past either end there is none.
Imports: core (permissions, rows, row_query, view_rows), errors, models, usertable.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import permissions, rows, view_rows
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.core.row_query import filter_clause
from gridbase.errors import RowDoesNotExist
from gridbase.models import User
from gridbase.usertable import load
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery, order_clauses


def adjacent_row(
    ctx: Ctx,
    user: User,
    table_id: int,
    row_id: int,
    *,
    previous: bool,
    view_id: int | None,
    search: str | None,
    search_mode: str,
) -> tuple[dict[str, Any] | None, TableModel]:
    with ctx.db.read() as conn:
        table = load.load_table(conn, table_id)
        permissions.require(conn, Actor(user), "read", table)
        model = load.model_for(ctx, conn, table)
    view = view_rows.view_query(ctx, model, view_id)
    query = RowQuery(
        where=view.where if view is not None else None,
        search=(search or "").strip(),
        search_mode=search_mode,
    )
    with ctx.db.read() as conn:
        t = model.sql
        order = order_clauses(ctx, conn, model, view.sorts if view is not None else ())
        ranked_select = sa.select(t.c.id, sa.func.row_number().over(order_by=order).label("nr"))
        where = filter_clause(ctx, model, query)
        if where is not None:
            ranked_select = ranked_select.where(where)
        ranked = ranked_select.cte("ranked")
        position = conn.execute(sa.select(ranked.c.nr).where(ranked.c.id == row_id)).scalar()
        if position is None:
            raise RowDoesNotExist([str(row_id)])  # Baserow quotes the id from the URL
        wanted = position - 1 if previous else position + 1
        found = conn.execute(sa.select(ranked.c.id).where(ranked.c.nr == wanted)).scalar()
        if found is None:
            return None, model
        return rows.fetch(ctx, conn, model, [int(found)])[0], model

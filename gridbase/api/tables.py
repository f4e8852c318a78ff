"""Table endpoints (JWT), plus all-tables (database token only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gridbase.api import render
from gridbase.api.body import Validator
from gridbase.api.deps import BodyDep, CtxDep, TokenActorDep, UserDep
from gridbase.core import tables
from gridbase.errors import RequestBodyValidation, field_error

router = APIRouter(prefix="/api/database/tables")


@router.get("/all-tables/")
def all_tables(ctx: CtxDep, actor: TokenActorDep) -> Any:
    return [render.table(t, data_sync=False) for t in tables.tables_for_token(ctx, actor)]


@router.get("/database/{database_id:int}/")
def list_tables(database_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return [render.table(t) for t in tables.list_tables(ctx, user, database_id)]


def initial_rows(data: list[Any]) -> list[list[Any]]:
    """The rows of a new table's `data`, iterated as Baserow iterates them: a list, a text
    (its characters) or an object (its keys). Anything else is refused here (Baserow: 500)."""
    rows, errors = [], {}
    for index, row in enumerate(data):
        if isinstance(row, (list, str, dict)):
            rows.append(list(row))
        else:
            kind = "null" if row is None else type(row).__name__
            message = f'Expected a list of items but got type "{kind}".'
            errors[str(index)] = field_error(message, "not_a_list")
    if errors:
        raise RequestBodyValidation({"data": errors})
    return rows


@router.post("/database/{database_id:int}/")
def create_table(database_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=255)
    data = v.items("data", required=False, default=None, min_length=1)
    first_row_header = v.boolean("first_row_header", default=False)
    v.done()
    rows = initial_rows(data) if isinstance(data, list) else None
    created = tables.create(ctx, user, database_id, name, rows, first_row_header is True)
    return render.table(created)


@router.post("/database/{database_id:int}/order/")
def order_tables(database_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Response:
    v = Validator(body)
    ids = v.int_list("table_ids")
    v.done()
    tables.order(ctx, user, database_id, ids)
    return Response(status_code=204)


@router.get("/{table_id:int}/")
def get_table(table_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return render.table(tables.get(ctx, user, table_id))


@router.patch("/{table_id:int}/")
def update_table(table_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=255)
    v.done()
    return render.table(tables.rename(ctx, user, table_id, name))


@router.delete("/{table_id:int}/")
def delete_table(table_id: int, ctx: CtxDep, user: UserDep) -> Response:
    tables.delete(ctx, user, table_id)
    return Response(status_code=204)

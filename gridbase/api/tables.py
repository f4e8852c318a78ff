"""Table endpoints (JWT), plus all-tables (database token only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gridbase.api import render
from gridbase.api.body import Validator
from gridbase.api.deps import BodyDep, CtxDep, TokenActorDep, UserDep
from gridbase.core import tables
from gridbase.errors import field_error

router = APIRouter(prefix="/api/database/tables")


@router.get("/all-tables/")
def all_tables(ctx: CtxDep, actor: TokenActorDep) -> Any:
    return [render.table(t, data_sync=False) for t in tables.tables_for_token(ctx, actor)]


@router.get("/database/{database_id:int}/")
def list_tables(database_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return [render.table(t) for t in tables.list_tables(ctx, user, database_id)]


@router.post("/database/{database_id:int}/")
def create_table(database_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=255)
    data = v.data.get("data")
    if data is not None and (
        not isinstance(data, list) or not all(isinstance(r, list) for r in data)
    ):
        v.errors["data"] = field_error(
            "The provided data must be a list of rows, each a list of values."
        )
    elif isinstance(data, list) and not data:
        v.errors["data"] = field_error("At least one row must be provided.", "min_length")
    first_row_header = v.boolean("first_row_header", default=False)
    v.done()
    created = tables.create(ctx, user, database_id, name, data, first_row_header is True)
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

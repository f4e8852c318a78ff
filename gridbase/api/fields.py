"""Field endpoints: list (JWT or token), create/get/update/delete (JWT), and checking a
password field's cell (JWT or token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gridbase.api import render
from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import ActorDep, BodyDep, CtxDep, PartialBodyDep, UserDep
from gridbase.core import fields, password_fields, permissions
from gridbase.core.context import Ctx
from gridbase.errors import NoPermissionToTable
from gridbase.models import Field
from gridbase.usertable import load

router = APIRouter(prefix="/api/database/fields")


def _json(ctx: Ctx, field: Field, related: list[Field] | None = None) -> dict[str, Any]:
    with ctx.db.read() as conn:
        table = load.load_table(conn, field.table_id)
        body = render.field(ctx, field, table)
        if related is not None:
            body["related_fields"] = [
                render.field(ctx, r, load.load_table(conn, r.table_id)) for r in related
            ]
    return body


@router.get("/table/{table_id:int}/")
def list_fields(table_id: int, ctx: CtxDep, actor: ActorDep) -> Any:
    with ctx.db.read() as conn:
        table = load.load_table(conn, table_id)
        permissions.require_any(conn, actor, ("read", "create", "update"), table)
        found = fields.list_fields(ctx, conn, table)
    return [render.field(ctx, f, table) for f in found]


def _field_body(body: Any, *, creating: bool) -> tuple[Validator, dict[str, Any]]:
    v = Validator(body)
    # DRF's CharField trims the name and the description; the type is a choice, as given
    name = v.string("name", required=creating, max_length=255)
    description = v.string("description", required=False, allow_blank=True, allow_null=True)
    if isinstance(body, dict) and body.get("type", MISSING) in ("", None):
        v.fail("type", "This field is required.", "required")  # Baserow's answer to both
    else:
        v.string("type", required=creating)
    # [{"type_name": ...}] -> the names (core checks them against the field type)
    constraints = v.object_list(
        "field_constraints", lambda item: item.string("type_name", max_length=255)
    )
    v.done()
    data = dict(v.data)
    for key, value in (("name", name), ("description", description)):
        if isinstance(value, str):
            data[key] = value
    if "field_constraints" in data:
        data["field_constraints"] = constraints
    return v, data


@router.post("/table/{table_id:int}/")
def create_field(
    table_id: int, request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep
) -> Any:
    if actor.is_token:
        raise NoPermissionToTable()
    _, data = _field_body(body, creating=True)
    field, related = fields.create(
        ctx, actor.user, table_id, str(data["name"]), str(data["type"]), data
    )
    return _json(ctx, field, related)


@router.get("/{field_id:int}/")
def get_field(field_id: int, ctx: CtxDep, user: UserDep) -> Any:
    with ctx.db.read() as conn:
        field, _ = fields.load_for(conn, user, field_id)
    return _json(ctx, field)


@router.patch("/{field_id:int}/")
def update_field(field_id: int, ctx: CtxDep, user: UserDep, body: PartialBodyDep) -> Any:
    _, data = _field_body(body, creating=False)
    field, related = fields.update(ctx, user, field_id, data)
    return _json(ctx, field, related)


@router.delete("/{field_id:int}/")
def delete_field(field_id: int, ctx: CtxDep, user: UserDep) -> Any:
    related = fields.delete(ctx, user, field_id)
    with ctx.db.read() as conn:
        return {
            "related_fields": [
                render.field(ctx, r, load.load_table(conn, r.table_id)) for r in related
            ]
        }


@router.post("/password-authentication/")
def password_authentication(ctx: CtxDep, actor: ActorDep, body: BodyDep) -> Any:
    v = Validator(body)
    field_id = v.integer("field_id")
    row_id = v.integer("row_id")
    password = v.string("password")
    v.done()
    password_fields.authenticate(ctx, actor, field_id, row_id, password)
    return {"is_correct": True}  # a wrong password is a 401, as in Baserow

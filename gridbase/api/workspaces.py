"""Workspace and application (database) endpoints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gridbase.api import render
from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.permission_object import permission_object
from gridbase.core import databases, tables, trash_apps, workspaces
from gridbase.errors import ApplicationTypeDoesNotExist, RequestBodyValidation, field_error
from gridbase.models import Database

router = APIRouter(prefix="/api")


@router.get("/workspaces/")
def list_workspaces(ctx: CtxDep, user: UserDep) -> Any:
    return [render.membership(m, unread=True) for m in workspaces.list_for_user(ctx, user)]


@router.post("/workspaces/")
def create_workspace(ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=165)
    v.done()
    return render.membership(workspaces.create(ctx, user, name), unread=False)


@router.patch("/workspaces/{workspace_id:int}/")
def update_workspace(workspace_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=165)
    v.done()
    return render.workspace_short(workspaces.update(ctx, user, workspace_id, name))


@router.delete("/workspaces/{workspace_id:int}/")
def delete_workspace(workspace_id: int, ctx: CtxDep, user: UserDep) -> Response:
    trash_apps.trash_workspace(ctx, user, workspace_id)
    return Response(status_code=204)


@router.post("/workspaces/order/")
def order_workspaces(ctx: CtxDep, user: UserDep, body: BodyDep) -> Response:
    v = Validator(body)
    ids = v.int_list("workspaces")
    v.done()
    workspaces.order(ctx, user, ids)
    return Response(status_code=204)


def _applications(ctx: CtxDep, user: UserDep, found: list[Database]) -> list[dict[str, Any]]:
    by_workspace = {m.workspace.id: m.workspace for m in workspaces.list_for_user(ctx, user)}
    table_lists = tables.tables_of(ctx, [d.id for d in found])
    return [render.application(d, by_workspace[d.workspace_id], table_lists[d.id]) for d in found]


@router.get("/applications/")
def list_applications(ctx: CtxDep, user: UserDep) -> Any:
    return _applications(ctx, user, databases.list_for_user(ctx, user))


@router.get("/applications/workspace/{workspace_id:int}/")
def list_workspace_applications(workspace_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return _applications(ctx, user, databases.list_for_user(ctx, user, workspace_id))


APPLICATION_TYPES = ("database",)
# Baserow validates an application twice, the second time from an empty body: any error
# comes with these two (they replace the first pass's errors of the same keys)
ANEW = {"name": field_error("This field is required.", "required"), "type": field_error(
    "This field is required.", "required"
)}  # fmt: skip


def application_body(body: Any) -> tuple[str, bool]:
    """(name, init_with_data) of a new application, checked as Baserow's polymorphic
    serializer checks it: the type first (an unknown one: ERROR_APPLICATION_TYPE_DOES_NOT_
    EXIST), then every field. (A body without a type is a 500 in Baserow.)"""
    v = Validator(body)
    if "type" not in v.data:
        raise RequestBodyValidation({"type": field_error("This field is required.", "required")})
    if v.data["type"] not in APPLICATION_TYPES:
        raise ApplicationTypeDoesNotExist(v.data["type"])
    name = v.string("name", max_length=160)
    init_with_data = v.boolean("init_with_data", default=False)
    if v.errors:
        raise RequestBodyValidation({**v.errors, **ANEW})
    return name, bool(init_with_data)


@router.post("/applications/workspace/{workspace_id:int}/")
def create_application(workspace_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    name, init_with_data = application_body(body)
    # `init_with_data`: a first table "Table" with Baserow's example fields and rows
    init = tables.insert_example_table if init_with_data else None
    created = databases.create(ctx, user, workspace_id, name, init)
    return _applications(ctx, user, [created])[0]


@router.post("/applications/workspace/{workspace_id:int}/order/")
def order_applications(workspace_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Response:
    v = Validator(body)
    ids = v.int_list("application_ids")
    v.done()
    databases.order(ctx, user, workspace_id, ids)
    return Response(status_code=204)


@router.get("/applications/{application_id:int}/")
def get_application(application_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return _applications(ctx, user, [databases.get(ctx, user, application_id)])[0]


@router.patch("/applications/{application_id:int}/")
def update_application(application_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    def new_name() -> str | None:
        v = Validator(body)
        name = v.string("name", required=False, max_length=160)  # `type` and the rest: ignored
        v.done()
        return None if name is MISSING else str(name)

    updated = databases.rename(ctx, user, application_id, new_name)
    return _applications(ctx, user, [updated])[0]


@router.delete("/applications/{application_id:int}/")
def delete_application(application_id: int, ctx: CtxDep, user: UserDep) -> Response:
    trash_apps.trash_application(ctx, user, application_id)
    return Response(status_code=204)


@router.get("/workspaces/{workspace_id:int}/permissions/")
def workspace_permissions(workspace_id: int, ctx: CtxDep, user: UserDep) -> Any:
    """The permission object Baserow's front end reads for a workspace (any user may ask)."""
    return permission_object(user, workspaces.role_in(ctx, user, workspace_id))

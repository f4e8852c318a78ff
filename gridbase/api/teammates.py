"""Teammate endpoints: a workspace's members (list, change a role, remove, leave) and its
invitations (create, list, read, change, delete, accept, reject, read by the link's token).
Imports: core.members, core.invitations, config, errors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api import render
from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.urls import frontend_hostnames
from gridbase.core import invitations, members
from gridbase.errors import QueryParameterValidation, field_error

router = APIRouter(prefix="/api/workspaces")


def _list_params(request: Request) -> tuple[str | None, str | None]:
    """`search` and `sorts`: optional, but never blank."""
    got = {k: request.query_params.get(k) for k in ("search", "sorts")}
    blank = {k: field_error("This field may not be blank.", "blank") for k, v in got.items()
             if v is not None and not v.strip()}  # fmt: skip
    if blank:
        raise QueryParameterValidation(blank)
    return got["search"], got["sorts"]


def _role(body: Any) -> str:
    """A role: any text of up to 32 characters, as Baserow takes it."""
    v = Validator(body)
    permissions = v.string("permissions", max_length=32)
    v.done()
    return str(permissions)


# --- members ------------------------------------------------------------------------------


@router.get("/users/workspace/{workspace_id:int}/")
def list_members(workspace_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    search, sorts = _list_params(request)
    found = members.list_members(ctx, user, workspace_id, search, sorts)
    return [render.member(m) for m in found]


@router.patch("/users/{workspace_user_id:int}/")
def update_member(workspace_user_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    return render.member(members.update_role(ctx, user, workspace_user_id, _role(body)))


@router.delete("/users/{workspace_user_id:int}/")
def remove_member(workspace_user_id: int, ctx: CtxDep, user: UserDep) -> Response:
    members.remove(ctx, user, workspace_user_id)
    return Response(status_code=204)


@router.post("/{workspace_id:int}/leave/")
def leave_workspace(workspace_id: int, ctx: CtxDep, user: UserDep) -> Response:
    members.leave(ctx, user, workspace_id)
    return Response(status_code=204)


# --- invitations --------------------------------------------------------------------------


@router.get("/invitations/workspace/{workspace_id:int}/")
def list_invitations(workspace_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    search, sorts = _list_params(request)
    found = invitations.list_invitations(ctx, user, workspace_id, search, sorts)
    return [render.invitation(i) for i in found]


@router.post("/invitations/workspace/{workspace_id:int}/")
def create_invitation(
    workspace_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep
) -> Any:
    v = Validator(body)
    email = v.email("email")
    permissions = v.string("permissions", required=False, default="MEMBER", max_length=32)
    message = v.string("message", required=False, default="", max_length=250, allow_blank=True)
    base_url = v.url("base_url")
    v.done()
    created = invitations.create(
        ctx, user, workspace_id, str(email), str(permissions),
        "" if message is MISSING else str(message), str(base_url),
        frontend_hostnames(ctx.settings, request),
    )  # fmt: skip
    return render.invitation(created)


@router.get("/invitations/{invitation_id:int}/")
def get_invitation(invitation_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return render.invitation(invitations.get(ctx, user, invitation_id))


@router.patch("/invitations/{invitation_id:int}/")
def update_invitation(invitation_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    return render.invitation(invitations.update(ctx, user, invitation_id, _role(body)))


@router.delete("/invitations/{invitation_id:int}/")
def delete_invitation(invitation_id: int, ctx: CtxDep, user: UserDep) -> Response:
    invitations.delete(ctx, user, invitation_id)
    return Response(status_code=204)


@router.post("/invitations/{invitation_id:int}/accept/")
def accept_invitation(invitation_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return render.membership(invitations.accept(ctx, user, invitation_id), unread=False)


@router.post("/invitations/{invitation_id:int}/reject/")
def reject_invitation(invitation_id: int, ctx: CtxDep, user: UserDep) -> Response:
    invitations.reject(ctx, user, invitation_id)
    return Response(status_code=204)


@router.get("/invitations/token/{token}/")
def invitation_by_token(token: str, ctx: CtxDep) -> Any:
    """The invitation a link's token names (no session needed)."""
    return render.public_invitation(invitations.by_token(ctx, token))

"""Core values -> Baserow JSON shapes (users, workspaces, applications, tables, fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridbase.api.permission_object import permission_object
from gridbase.core.context import Ctx
from gridbase.core.invitations import Invitation, PublicInvitation
from gridbase.core.workspaces import Member, Membership
from gridbase.fields.field_json import field_json
from gridbase.models import Database, Field, Table, User, Workspace


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text.replace("+00:00", "Z")


def user(u: User) -> dict[str, Any]:
    return {
        "first_name": u.first_name,
        "username": u.email,
        "is_staff": u.is_staff,
        "id": u.id,
        "language": u.language,
        "email_notification_frequency": u.email_notification_frequency,
        "email_verified": False,
        "completed_onboarding": u.completed_onboarding,
        "completed_guided_tours": list(u.completed_guided_tours),
    }


def permissions(u: User) -> list[dict[str, Any]]:
    return permission_object(u, None)


def session(u: User, access: str, refresh: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"user": user(u), "token": access, "access_token": access}
    if refresh is not None:
        body["refresh_token"] = refresh
        body["user_session"] = refresh.rsplit(".", 1)[-1]
    body["permissions"] = permissions(u)
    body["user_notifications"] = {"unread_count": 0}
    return body


def workspace_short(w: Workspace) -> dict[str, Any]:
    return {"id": w.id, "name": w.name, "generative_ai_models_enabled": {}}


def member(u: Member) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "email": u.email,
        "workspace": u.workspace_id,
        "permissions": u.permissions,
        "created_on": iso(u.created_on),
        "user_id": u.user_id,
        "to_be_deleted": False,
    }


def invitation(i: Invitation) -> dict[str, Any]:
    return {
        "id": i.id,
        "workspace": i.workspace_id,
        "email": i.email,
        "permissions": i.permissions,
        "message": i.message,
        "created_on": iso(i.created_on),
    }


def public_invitation(p: PublicInvitation) -> dict[str, Any]:
    """An invitation as its link's holder sees it (GET .../invitations/token/<token>/)."""
    i = p.invitation
    return {
        "id": i.id,
        "invited_by": p.invited_by,
        "workspace": p.workspace,
        "email": i.email,
        "message": i.message,
        "created_on": iso(i.created_on),
        "email_exists": p.email_exists,
    }


def membership(m: Membership, *, unread: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": m.workspace.id,
        "name": m.workspace.name,
        "users": [member(u) for u in m.members],
        "order": m.order,
        "permissions": m.permissions,
        "generative_ai_models_enabled": {},
    }
    if unread:
        body["unread_notifications_count"] = m.unread_notifications
    return body


def table(t: Table, *, data_sync: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": t.id,
        "name": t.name,
        "order": t.order,
        "database_id": t.database_id,
    }
    if data_sync:
        body["data_sync"] = None
    return body


def application(d: Database, workspace: Workspace, tables: list[Table]) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "order": d.order,
        "type": d.type,
        "workspace": workspace_short(workspace),
        "created_on": iso(d.created_on),
        "tables": [table(t) for t in tables],
    }


def field(ctx: Ctx, f: Field, t: Table) -> dict[str, Any]:
    return field_json(ctx, f, t.database_id, t.workspace_id)

"""Invitations to join a workspace: created by an ADMIN (an e-mail goes out with a link),
listed, changed and deleted by ADMINs, accepted or rejected by the invitee (the user whose
e-mail address it names), or accepted while signing up with the link's token.

The link's token is the invitation id signed with the server secret (as Baserow signs it
with its SECRET_KEY), so the table holds nothing secret and a deleted invitation's link
simply finds nothing.
Imports: core.workspaces, core.sorting, core.mail, core.signing, errors, models, storage.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa

from gridbase.core import mail, signing, workspaces
from gridbase.core.context import Ctx
from gridbase.core.sorting import parse_sorts
from gridbase.core.workspaces import Membership
from gridbase.errors import (
    BadTokenSignature,
    HostnameNotAllowed,
    WorkspaceInvitationDoesNotExist,
    WorkspaceInvitationEmailMismatch,
    WorkspaceUserAlreadyExists,
)
from gridbase.models import User
from gridbase.storage import schema as s

SALT = b"workspace-invite"  # tokens of other kinds never verify as invitation tokens
SORTS = {"email": "email", "message": "message"}


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    workspace_id: int
    invited_by_id: int
    email: str
    permissions: str
    message: str
    created_on: datetime


@dataclass(frozen=True, slots=True)
class PublicInvitation:
    """What the holder of a link sees: who invited them to which workspace."""

    invitation: Invitation
    invited_by: str
    workspace: str
    email_exists: bool


# --- the link's token ---------------------------------------------------------------------


def _mac(secret: str, payload: str) -> str:
    return signing.mac(secret, SALT, payload)


def sign(secret: str, invitation_id: int) -> str:
    payload = signing.b64(json.dumps(invitation_id).encode())
    return f"{payload}.{_mac(secret, payload)}"


def verify(secret: str, token: str) -> int:
    """The invitation id a token signs; BAD_TOKEN_SIGNATURE for anything else."""
    payload, _, mac = token.rpartition(".")
    if not payload or not signing.same(mac, _mac(secret, payload)):
        raise BadTokenSignature()
    try:
        value = json.loads(signing.unb64(payload))
    except ValueError:
        raise BadTokenSignature() from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadTokenSignature()
    return value


# --- reading ------------------------------------------------------------------------------


def _invitation(row: Any) -> Invitation:
    return Invitation(
        row.id, row.workspace_id, row.invited_by_id, row.email, row.permissions, row.message,
        row.created_on,
    )  # fmt: skip


def _load(conn: sa.Connection, invitation_id: int) -> Invitation:
    wi = s.workspace_invitations
    row = conn.execute(sa.select(wi).where(wi.c.id == invitation_id)).first()
    if row is None:
        raise WorkspaceInvitationDoesNotExist()
    return _invitation(row)


def list_invitations(
    ctx: Ctx, user: User, workspace_id: int, search: str | None, sorts: str | None
) -> list[Invitation]:
    wi = s.workspace_invitations
    with ctx.db.read() as conn:
        workspaces.load(conn, workspace_id)
        workspaces.require_admin(conn, user.id, workspace_id, "workspace.list_invitations")
        order: list[sa.ColumnElement[Any]] = [wi.c.id]
        if sorts is not None:
            parsed = parse_sorts(sorts, SORTS)
            order = [wi.c[k].desc() if desc else wi.c[k].asc() for k, desc in parsed]
        stmt = sa.select(wi).where(wi.c.workspace_id == workspace_id).order_by(*order, wi.c.id)
        if search:
            stmt = stmt.where(
                sa.or_(
                    wi.c.email.icontains(search, autoescape=True),
                    wi.c.message.icontains(search, autoescape=True),
                )
            )
        return [_invitation(r) for r in conn.execute(stmt)]


def get(ctx: Ctx, user: User, invitation_id: int) -> Invitation:
    with ctx.db.read() as conn:
        found = _load(conn, invitation_id)
        workspaces.require_admin(conn, user.id, found.workspace_id, "invitation.read")
        return found


def _public(conn: sa.Connection, found: Invitation) -> PublicInvitation:
    u = s.users
    inviter = conn.execute(sa.select(u.c.first_name).where(u.c.id == found.invited_by_id))
    name = workspaces.load(conn, found.workspace_id).name
    exists = conn.execute(sa.select(u.c.id).where(u.c.email == found.email)).first()
    return PublicInvitation(found, str(inviter.scalar()), name, exists is not None)


def by_token(ctx: Ctx, token: str) -> PublicInvitation:
    invitation_id = verify(ctx.secret, token)
    with ctx.db.read() as conn:
        return _public(conn, _load(conn, invitation_id))


def addressed_to(ctx: Ctx, user: User) -> list[PublicInvitation]:
    """The pending invitations to the user's e-mail address (their dashboard), by id."""
    wi = s.workspace_invitations
    with ctx.db.read() as conn:
        rows = conn.execute(sa.select(wi).where(wi.c.email == user.email).order_by(wi.c.id))
        return [_public(conn, _invitation(row)) for row in rows]


# --- writing ------------------------------------------------------------------------------


def create(
    ctx: Ctx,
    user: User,
    workspace_id: int,
    email: str,
    permissions: str,
    message: str,
    base_url: str,
    allowed_hostnames: Collection[str],
) -> Invitation:
    """Create (or, for an address already invited, renew) an invitation and send its e-mail.
    The link's hostname must be one of `allowed_hostnames` (the web frontend's)."""
    wi, wu, u = s.workspace_invitations, s.workspace_users, s.users
    email = email.strip().lower()
    with ctx.db.write() as conn:
        workspace = workspaces.load(conn, workspace_id)
        workspaces.require_admin(conn, user.id, workspace_id, "workspace.create_invitation")
        member = sa.select(wu.c.id).join(u, u.c.id == wu.c.user_id)
        if conn.execute(
            member.where(wu.c.workspace_id == workspace_id, u.c.email == email)
        ).first():
            raise WorkspaceUserAlreadyExists()
        if urlparse(base_url).hostname not in allowed_hostnames:
            raise HostnameNotAllowed()
        values = {"message": message, "permissions": permissions, "invited_by_id": user.id}
        where = (wi.c.workspace_id == workspace_id, wi.c.email == email)
        existing = conn.execute(sa.select(wi.c.id).where(*where)).scalar()
        if existing is None:
            conn.execute(
                wi.insert().values(
                    workspace_id=workspace_id, email=email, created_on=ctx.clock(), **values
                )
            )
        else:
            conn.execute(wi.update().where(wi.c.id == existing).values(**values))
        invitation = _invitation(conn.execute(sa.select(wi).where(*where)).one())
    link = base_url + ("" if base_url.endswith("/") else "/") + sign(ctx.secret, invitation.id)
    body = (
        f"{user.first_name} has invited you to collaborate on {workspace.name}.\n\n"
        + (f"{message}\n\n" if message else "")
        + f"Accept the invitation: {link}\n"
    )
    subject = f"{user.first_name} invited you to {workspace.name}"
    # a failure is logged by send_mail; the invitation stands and can be sent again
    with contextlib.suppress(mail.MailNotSent):
        mail.send_mail(ctx.settings, email, subject, body)
    return invitation


def update(ctx: Ctx, user: User, invitation_id: int, permissions: str) -> Invitation:
    wi = s.workspace_invitations
    with ctx.db.write() as conn:
        found = _load(conn, invitation_id)
        workspaces.require_admin(conn, user.id, found.workspace_id, "invitation.update")
        conn.execute(wi.update().where(wi.c.id == found.id).values(permissions=permissions))
        return _load(conn, invitation_id)


def delete(ctx: Ctx, user: User, invitation_id: int) -> None:
    wi = s.workspace_invitations
    with ctx.db.write() as conn:
        found = _load(conn, invitation_id)
        workspaces.require_admin(conn, user.id, found.workspace_id, "invitation.delete")
        conn.execute(wi.delete().where(wi.c.id == found.id))


def _addressed_to(user_email: str, found: Invitation) -> None:
    if user_email != found.email:
        raise WorkspaceInvitationEmailMismatch()


def _notify_inviter(conn: sa.Connection, found: Invitation, kind: str, now: datetime) -> None:
    conn.execute(
        s.notifications.insert().values(
            workspace_id=found.workspace_id, recipient_id=found.invited_by_id, type=kind,
            read=False, created_on=now,
        )
    )  # fmt: skip


def join(conn: sa.Connection, user: User, found: Invitation, now: datetime) -> None:
    """Make the invitee a member with the invitation's role (or give an existing member
    that role), and use the invitation up."""
    wu = s.workspace_users
    where = (wu.c.user_id == user.id, wu.c.workspace_id == found.workspace_id)
    order = s.next_order(conn, wu.c.order, wu.c.user_id == user.id)
    if conn.execute(sa.select(wu.c.id).where(*where)).first() is None:
        conn.execute(
            wu.insert().values(
                workspace_id=found.workspace_id, user_id=user.id, permissions=found.permissions,
                order=order, created_on=now,
            )
        )  # fmt: skip
    else:
        conn.execute(wu.update().where(*where).values(permissions=found.permissions, order=order))
    _notify_inviter(conn, found, "workspace_invitation_accepted", now)
    conn.execute(s.workspace_invitations.delete().where(s.workspace_invitations.c.id == found.id))


def accept(ctx: Ctx, user: User, invitation_id: int) -> Membership:
    with ctx.db.write() as conn:
        found = _load(conn, invitation_id)
        _addressed_to(user.email, found)
        join(conn, user, found, ctx.clock())
        return workspaces.membership(conn, user, found.workspace_id)


def reject(ctx: Ctx, user: User, invitation_id: int) -> None:
    with ctx.db.write() as conn:
        found = _load(conn, invitation_id)
        _addressed_to(user.email, found)
        _notify_inviter(conn, found, "workspace_invitation_rejected", ctx.clock())
        conn.execute(
            s.workspace_invitations.delete().where(s.workspace_invitations.c.id == found.id)
        )


def for_signup(conn: sa.Connection, secret: str, token: str, email: str) -> Invitation:
    """The invitation a sign-up's token names, addressed to the new account's e-mail."""
    found = _load(conn, verify(secret, token))
    _addressed_to(email, found)
    return found

"""A user's own account (Baserow's UserHandler): profile updates, password change and reset,
account deletion scheduling and the deletions that come due.

Changing or resetting the password stamps `password_changed_at`; sessions carry the stamp
they were issued under (core.sessions), so every access and refresh token from before stops
working. A reset token is signed and timestamped (valid RESET_TOKEN_HOURS, as Baserow's
48 h) and never stored: it names the user and a fingerprint of their current password
hash, so it works once - after the password changes it no longer matches.
Imports: core (context, databases, mail, signing, users, workspaces), errors, models, passwords,
storage.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.core import databases, signing, users, workspaces
from gridbase.core.context import Ctx
from gridbase.core.mail import send_mail
from gridbase.errors import (
    BadTokenSignature,
    ExpiredTokenSignature,
    InvalidOldPassword,
    ResetPasswordDisabled,
    UserIsLastAdmin,
    UserNotFound,
)
from gridbase.models import User
from gridbase.passwords import hash_password, verify_password
from gridbase.storage import schema as s

log = logging.getLogger("gridbase.account")

RESET_TOKEN_HOURS = 48
RESET_SALT = b"gridbase.reset-password"
PROFILE_COLUMNS = (
    "first_name",
    "language",
    "email_notification_frequency",
    "completed_onboarding",
    "completed_guided_tours",
)


def _load(conn: sa.Connection, user_id: int) -> Any:
    return conn.execute(sa.select(s.users).where(s.users.c.id == user_id)).first()


def update_account(ctx: Ctx, user: User, changes: Mapping[str, Any]) -> User:
    """PATCH /api/user/account/ (validated changes of PROFILE_COLUMNS)."""
    values = {k: v for k, v in changes.items() if k in PROFILE_COLUMNS}
    with ctx.db.write() as conn:
        if values:
            conn.execute(s.users.update().where(s.users.c.id == user.id).values(**values))
        found = users.get_user(conn, user.id)
    assert found is not None  # the caller's session named it
    return found


def _set_password(conn: sa.Connection, ctx: Ctx, user_id: int, hashed: str) -> None:
    conn.execute(
        s.users.update()
        .where(s.users.c.id == user_id)
        .values(password=hashed, password_changed_at=ctx.clock())
    )


def change_password(ctx: Ctx, user: User, old: str, new: str) -> None:
    with ctx.db.read() as conn:
        row = _load(conn, user.id)
    if row is None or not verify_password(row.password, old):
        raise InvalidOldPassword()
    hashed = hash_password(new)  # before the write: it takes tens of ms
    with ctx.db.write() as conn:
        _set_password(conn, ctx, user.id, hashed)


def schedule_deletion(ctx: Ctx, user: User) -> None:
    """The account is deleted after the grace period unless its owner logs in before."""
    with ctx.db.write() as conn:
        if user.is_staff:
            u = s.users
            other = sa.select(u.c.id).where(u.c.is_staff.is_(True), u.c.id != user.id)
            if conn.execute(other.limit(1)).first() is None:
                raise UserIsLastAdmin()
        conn.execute(
            s.users.update()
            .where(s.users.c.id == user.id)
            .values(deletion_scheduled_at=ctx.clock())
        )


# --- password reset ------------------------------------------------------------------------


def _sign(ctx: Ctx, message: str) -> str:
    return signing.mac(ctx.secret, RESET_SALT, message)


def _fingerprint(ctx: Ctx, password_hash: str) -> str:
    return _sign(ctx, "password:" + password_hash)[:16]


def reset_token(ctx: Ctx, user_id: int, password_hash: str) -> str:
    """`<payload>:<timestamp>:<signature>` (the layout of Django's TimestampSigner)."""
    payload = signing.b64(
        json.dumps({"user_id": user_id, "fp": _fingerprint(ctx, password_hash)}).encode()
    )
    stamp = signing.b64(int(ctx.clock().timestamp()).to_bytes(8, "big"))
    message = f"{payload}:{stamp}"
    return f"{message}:{_sign(ctx, message)}"


def send_reset_email(ctx: Ctx, email: str, base_url: str, check_base_url: Any) -> None:
    """Mail a reset link (`base_url`/<token>) to the active user with this address; nothing
    (and no hint) for an unknown one. `check_base_url` refuses a host that is not ours."""
    with ctx.db.read() as conn:
        row = conn.execute(
            sa.select(s.users).where(s.users.c.email == users.normalize_email(email))
        ).first()
    if row is None or not row.is_active:
        return  # before the setting is looked at, as Baserow's (no hint either way)
    if not ctx.settings.allow_reset_password:
        raise ResetPasswordDisabled()
    check_base_url(base_url)
    link = f"{base_url.rstrip('/')}/{reset_token(ctx, row.id, row.password)}"
    body = (
        f"Hi {row.first_name},\n\nSomeone asked to reset the password of your account. "
        f"Choose a new one here (the link works for {RESET_TOKEN_HOURS} hours, once):\n\n"
        f"{link}\n\nIf that was not you, ignore this message."
    )
    send_mail(ctx.settings, row.email, "Reset your password", body)


def reset_password(ctx: Ctx, token: str, new: str) -> None:
    if not ctx.settings.allow_reset_password:  # before the token is read, as Baserow's
        raise ResetPasswordDisabled()
    parts = token.split(":")
    if len(parts) != 3 or not signing.same(_sign(ctx, f"{parts[0]}:{parts[1]}"), parts[2]):
        raise BadTokenSignature()
    try:
        payload = json.loads(signing.unb64(parts[0]))
        issued = int.from_bytes(signing.unb64(parts[1]), "big")
        user_id, fingerprint = int(payload["user_id"]), str(payload["fp"])
    except (ValueError, KeyError, TypeError):
        raise BadTokenSignature() from None
    if ctx.clock().timestamp() - issued > RESET_TOKEN_HOURS * 3600:
        raise ExpiredTokenSignature()
    hashed = hash_password(new)
    with ctx.db.write() as conn:
        row = _load(conn, user_id)
        if row is None or not row.is_active:
            raise UserNotFound()
        if not signing.same(_fingerprint(ctx, row.password), fingerprint):
            raise BadTokenSignature()  # used already: the password changed since
        _set_password(conn, ctx, user_id, hashed)


# --- deletions that came due (the background clean-up) ----------------------------------


def delete_due_accounts(ctx: Ctx) -> int:
    """Delete the accounts scheduled for deletion longer ago than the grace period, with
    the workspaces they were the last member of; how many accounts went."""
    cutoff = ctx.clock() - timedelta(days=ctx.settings.account_deletion_grace_days)
    u, wu = s.users, s.workspace_users
    with ctx.db.read() as conn:
        due = [
            users.get_user(conn, int(i))
            for i in conn.execute(
                sa.select(u.c.id).where(u.c.deletion_scheduled_at < cutoff)
            ).scalars()
        ]
    deleted = 0
    for user in due:
        if user is None:
            continue
        with ctx.db.read() as conn:
            mine = conn.execute(sa.select(wu.c.workspace_id).where(wu.c.user_id == user.id))
            alone = [w for w in mine.scalars() if not _has_others(conn, w, user.id)]
        for workspace_id in alone:
            workspaces.delete(ctx, user, workspace_id, databases.drop_workspace_tables)
        with ctx.db.write() as conn:
            # logged in meanwhile: the schedule was cleared, the account stays
            result = conn.execute(
                u.delete().where(u.c.id == user.id, u.c.deletion_scheduled_at < cutoff)
            )
            deleted += int(result.rowcount or 0)
        log.info("deleted the account of user %d (scheduled for deletion)", user.id)
    return deleted


def _has_others(conn: sa.Connection, workspace_id: int, user_id: int) -> bool:
    wu = s.workspace_users
    found = conn.execute(
        sa.select(wu.c.id).where(wu.c.workspace_id == workspace_id, wu.c.user_id != user_id)
    ).first()
    return found is not None

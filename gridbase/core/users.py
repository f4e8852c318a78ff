"""User accounts: register, authenticate, load."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import invitations
from gridbase.core.context import Ctx
from gridbase.errors import (
    DeactivatedUser,
    DisabledSignup,
    EmailAlreadyExists,
    GridbaseError,
    InvalidAccessToken,
    InvalidCredentials,
)
from gridbase.models import User
from gridbase.passwords import hash_password, needs_rehash, verify_password
from gridbase.storage import schema as s
from gridbase.storage.prepared import records


def session_stamp(changed_at: Any) -> str:
    """What sessions carry of the last password change ("" before any)."""
    return "" if changed_at is None else f"{changed_at.timestamp():.6f}"


def _user(row: Any) -> User:
    return User(
        row.id,
        row.email,
        row.first_name,
        row.is_staff,
        row.is_active,
        row.language,
        row.email_notification_frequency,
        bool(row.completed_onboarding),
        tuple(row.completed_guided_tours or ()),
        session_stamp(row.password_changed_at),
    )


def normalize_email(email: str) -> str:
    return email.strip().lower()


def register(
    ctx: Ctx,
    name: str,
    email: str,
    password: str,
    language: str = "en",
    *,
    is_staff: bool | None = None,
    invitation_token: str | None = None,
) -> User:
    """A new account; with `invitation_token` (a workspace invitation's link) it joins that
    workspace at once, and may sign up even when open sign-up is off (as Baserow's
    allow_signups_via_workspace_invitations)."""
    email = normalize_email(email)
    if invitation_token:
        invitations.verify(ctx.secret, invitation_token)  # BAD_TOKEN_SIGNATURE first
    elif not ctx.settings.allow_signup and is_staff is None:
        raise DisabledSignup()
    # before the write: it takes tens of ms, and writes are one at a time
    hashed = hash_password(password)
    with ctx.db.write() as conn:
        invitation = None
        if invitation_token:
            invitation = invitations.for_signup(conn, ctx.secret, invitation_token, email)
        if conn.execute(sa.select(s.users.c.id).where(s.users.c.email == email)).first():
            raise EmailAlreadyExists()
        first = conn.execute(sa.select(s.users.c.id).limit(1)).first() is None
        result = conn.execute(
            s.users.insert().values(
                email=email,
                first_name=name,
                password=hashed,
                # The instance's first user is its staff user, as in Baserow.
                is_staff=first if is_staff is None else is_staff,
                is_active=True,
                language=language,
                date_joined=ctx.clock(),
            )
        )
        row = conn.execute(sa.select(s.users).where(s.users.c.id == s.new_id(result))).one()
        if invitation is not None:
            invitations.join(conn, _user(row), invitation, ctx.clock())
    return _user(row)


def authenticate(ctx: Ctx, email: str, password: str) -> User:
    with ctx.db.read() as conn:
        row = conn.execute(
            sa.select(s.users).where(s.users.c.email == normalize_email(email))
        ).first()
    if row is None or not verify_password(row.password, password):
        raise InvalidCredentials()
    if not row.is_active:
        raise DeactivatedUser()
    if needs_rehash(row.password):  # made with older parameters: today's, from now on
        hashed = hash_password(password)
        with ctx.db.write() as conn:
            users = s.users
            conn.execute(
                users.update()
                .where(users.c.id == row.id, users.c.password == row.password)
                .values(password=hashed)
            )
    if row.deletion_scheduled_at is not None:  # logging in cancels it, as in Baserow
        with ctx.db.write() as conn:
            conn.execute(
                s.users.update().where(s.users.c.id == row.id).values(deletion_scheduled_at=None)
            )
    return _user(row)


def _user_statement() -> sa.Select[Any]:
    return sa.select(s.users).where(s.users.c.id == sa.bindparam("user_id"))


def get_user(conn: sa.Connection, user_id: int) -> User | None:
    """(every request of a session asks it: a statement built once, run prepared)"""
    found = records(s.users, conn, "get_user", _user_statement, {"user_id": user_id})
    return _user(found[0]) if found else None


def active_user(
    ctx: Ctx,
    user_id: int,
    stamp: str | None = None,
    stale: type[GridbaseError] = InvalidAccessToken,
) -> User:
    """The user a session token names; an unknown user makes the token invalid, and so does
    a session from before the password last changed (`stamp` differs: `stale`)."""
    with ctx.db.read() as conn:
        user = get_user(conn, user_id)
    if user is None:
        raise InvalidAccessToken()
    if stamp is not None and stamp != user.session_stamp:
        raise stale()
    if not user.is_active:
        raise DeactivatedUser()
    return user


def from_row(row: Any) -> User:
    """A User from a row of `users` another service selected (core.mcp_endpoints)."""
    return _user(row)

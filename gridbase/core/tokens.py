"""Database tokens: create, list, get, rename, set permissions, rotate, delete, and turn a
key into an Actor.

A key is never stored: rows hold HMAC-SHA256(server secret, key) for the lookup and the
key encrypted (Fernet, key derived from the server secret) only because Baserow's token
JSON shows the key again. Imports: core (permissions, workspaces), errors, models, storage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from gridbase.core import workspaces
from gridbase.core.context import Ctx
from gridbase.core.permissions import OPERATIONS, Actor, TokenGrant
from gridbase.errors import (
    DatabaseDoesNotBelongToWorkspace,
    RequestBodyValidation,
    TableDoesNotBelongToWorkspace,
    TableDoesNotExist,
    TokenDoesNotExist,
    TokenDoesNotExistAuth,
    TokenExpired,
    TokenUserNotActive,
    UserNotInWorkspace,
    field_error,
)
from gridbase.models import Table, User
from gridbase.storage import schema as s
from gridbase.storage.kept import meta_clock
from gridbase.storage.prepared import records
from gridbase.storage.types import Id

KEY_ALPHABET = string.ascii_letters + string.digits
KEY_LENGTH = 32
# last_used is written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION = timedelta(seconds=60)

Scope = tuple[str, int]  # ("database" | "table", id)
Grants = dict[str, bool | list[Scope]]  # operation -> True (workspace), False, or scopes


@dataclass(frozen=True, slots=True)
class Token:
    id: int
    user_id: int
    workspace_id: int
    name: str
    key: str
    permissions: Grants
    expires_at: datetime | None
    last_used: datetime | None
    created_on: datetime


# --- keys -------------------------------------------------------------------------------


def new_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def digest(ctx: Ctx, key: str) -> str:
    return hmac.new(
        ctx.secret.encode(), key.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


def _fernet(ctx: Ctx) -> Fernet:
    derived = hmac.new(
        ctx.secret.encode(), b"gridbase database token encryption", hashlib.sha256
    ).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _encrypt(ctx: Ctx, key: str) -> str:
    return _fernet(ctx).encrypt(key.encode()).decode()


encrypt_key = _encrypt  # for other keys kept the same way (core.mcp_endpoints)


def _decrypt(ctx: Ctx, stored: str) -> str:
    try:
        return _fernet(ctx).decrypt(stored.encode()).decode()
    except InvalidToken:
        return ""  # the server secret changed: the key cannot be shown (nor used) any more


decrypt_key = _decrypt


# --- permissions input ------------------------------------------------------------------

INVALID_KEY = "Only create, read, update and delete keys are allowed."
INVALID_VALUE = (
    "The value must either be a bool, or a list containing database or table ids like "
    '[["database", 1], ["table", 1]].'
)
INVALID_TYPE = "The instance type can only be a database or table."


def _permissions_error(message: str, code: str) -> RequestBodyValidation:
    return RequestBodyValidation({"permissions": field_error(message, code)})


def parse_permissions(raw: Any) -> Grants:
    """Baserow's permission object, checked for shape only (ids are checked by `update`)."""
    if not isinstance(raw, dict) or len(raw) != len(OPERATIONS):
        raise _permissions_error(INVALID_KEY, "invalid_key")
    grants: Grants = {}
    for op, value in raw.items():
        if op not in OPERATIONS:
            raise _permissions_error(INVALID_KEY, "invalid_key")
        if isinstance(value, bool):
            grants[op] = value
            continue
        if not isinstance(value, list):
            raise _permissions_error(INVALID_VALUE, "invalid_value")
        scopes: list[Scope] = []
        for item in value:
            if not (
                isinstance(item, list)
                and len(item) == 2
                and isinstance(item[0], str)
                and isinstance(item[1], int)
            ):
                raise _permissions_error(INVALID_VALUE, "invalid_value")
            if item[0] not in ("database", "table"):
                raise _permissions_error(INVALID_TYPE, "invalid_instance_type")
            scopes.append((item[0], int(item[1])))
        grants[op] = scopes
    return {op: grants[op] for op in OPERATIONS}


def _check_scopes(conn: sa.Connection, grants: Grants) -> dict[Scope, int]:
    """Every listed database/table exists; returns each scope's workspace id."""
    wanted = {scope for value in grants.values() if isinstance(value, list) for scope in value}
    a, t = s.applications, s.database_tables
    db_ids = sorted({i for kind, i in wanted if kind == "database"})
    table_ids = sorted({i for kind, i in wanted if kind == "table"})
    found: dict[Scope, int] = {}
    if db_ids:
        for row in conn.execute(
            sa.select(a.c.id, a.c.workspace_id).where(
                a.c.id.in_(db_ids), a.c.type == "database", s.live_application(a)
            )
        ):
            found[("database", row.id)] = row.workspace_id
    if table_ids:
        stmt = (
            sa.select(t.c.id, a.c.workspace_id)
            .join(a, a.c.id == t.c.database_id)
            .where(t.c.id.in_(table_ids), s.live_table(t))
        )
        for row in conn.execute(stmt):
            found[("table", row.id)] = row.workspace_id
    for op in OPERATIONS:
        value = grants[op]
        for kind, i in value if isinstance(value, list) else []:
            if (kind, i) not in found:
                raise _permissions_error(f"The {kind} id {i} is not valid.", f"invalid_{kind}_id")
    return found


# --- loading ----------------------------------------------------------------------------


def _add_grant(grants: Grants, operation: str, scope: str, scope_id: int | None) -> None:
    current = grants.get(operation)
    if current is True or operation not in grants:
        return
    if scope == "workspace":
        grants[operation] = True
    else:
        scopes = current if isinstance(current, list) else []
        scopes.append((scope, int(scope_id or 0)))
        grants[operation] = scopes


def _grants_of(conn: sa.Connection, token_ids: list[int]) -> dict[int, Grants]:
    tp, t, a = s.token_permissions, s.database_tables, s.applications
    out: dict[int, Grants] = {tid: dict.fromkeys(OPERATIONS, False) for tid in token_ids}
    if not token_ids:
        return out
    # Only grants whose database/table still exists (forget_scopes removes the rest on delete)
    # and is not itself in the trash: as Baserow's TokenPermissionManager, only the own flag
    # counts (a grant on a table of a trashed database is still listed).
    rows = conn.execute(
        sa.select(tp)
        .outerjoin(
            t,
            sa.and_(tp.c.scope == "table", t.c.id == tp.c.scope_id, t.c.trashed.is_(False)),
        )
        .outerjoin(
            a, sa.and_(tp.c.scope == "database", a.c.id == tp.c.scope_id, a.c.trashed.is_(False))
        )
        .where(
            tp.c.token_id.in_(token_ids),
            sa.or_(tp.c.scope == "workspace", t.c.id.is_not(None), a.c.id.is_not(None)),
        )
        .order_by(tp.c.id)
    )
    for row in rows:
        _add_grant(out[row.token_id], row.operation, row.scope, row.scope_id)
    return out


def _tokens(ctx: Ctx, conn: sa.Connection, where: Any) -> list[Token]:
    t = s.tokens
    w = s.workspaces
    live = t.c.workspace_id.in_(sa.select(w.c.id).where(w.c.trashed.is_(False)))
    rows = list(conn.execute(sa.select(t).where(where, live).order_by(t.c.id)))
    grants = _grants_of(conn, [r.id for r in rows])
    return [
        Token(
            r.id,
            r.user_id,
            r.workspace_id,
            r.name,
            _decrypt(ctx, r.key_encrypted),
            grants[r.id],
            r.expires_at,
            r.last_used,
            r.created_on,
        )
        for r in rows
    ]


def _owned(ctx: Ctx, conn: sa.Connection, user: User, token_id: int) -> Token:
    found = _tokens(ctx, conn, sa.and_(s.tokens.c.id == token_id, s.tokens.c.user_id == user.id))
    if not found:
        raise TokenDoesNotExist()
    workspaces.require_member(conn, user.id, found[0].workspace_id)
    return found[0]


def list_tokens(ctx: Ctx, user: User) -> list[Token]:
    with ctx.db.read() as conn:
        return _tokens(ctx, conn, s.tokens.c.user_id == user.id)


def get(ctx: Ctx, user: User, token_id: int) -> Token:
    with ctx.db.read() as conn:
        return _owned(ctx, conn, user, token_id)


# --- writing ----------------------------------------------------------------------------


def _unique_key(ctx: Ctx, conn: sa.Connection) -> tuple[str, str]:
    while True:
        key = new_key()
        hashed = digest(ctx, key)
        if (
            conn.execute(sa.select(s.tokens.c.id).where(s.tokens.c.key_digest == hashed)).first()
            is None
        ):
            return key, hashed


def _set_grants(conn: sa.Connection, token_id: int, grants: Grants) -> None:
    """Keep rows that stay, delete the rest, add the new ones (ids keep Baserow's order)."""
    tp = s.token_permissions
    desired: list[tuple[str, str, int | None]] = []
    for op in OPERATIONS:
        value = grants[op]
        if value is True:
            desired.append((op, "workspace", None))
        elif isinstance(value, list):
            desired.extend((op, kind, i) for kind, i in value)
    existing = [
        (r.id, (r.operation, r.scope, r.scope_id))
        for r in conn.execute(sa.select(tp).where(tp.c.token_id == token_id))
    ]
    keep = set(desired)
    stale = [rid for rid, perm in existing if perm not in keep]
    if stale:
        conn.execute(tp.delete().where(tp.c.id.in_(stale)))
    have = {perm for _, perm in existing}
    new = [perm for perm in desired if perm not in have]
    if new:
        conn.execute(
            tp.insert(),
            [
                {"token_id": token_id, "operation": op, "scope": kind, "scope_id": i}
                for op, kind, i in new
            ],
        )


def create(
    ctx: Ctx, user: User, workspace_id: int, name: str, expires_at: datetime | None = None
) -> Token:
    with ctx.db.write() as conn:
        if (
            conn.execute(
                sa.select(s.workspaces.c.id).where(
                    s.workspaces.c.id == workspace_id, s.workspaces.c.trashed.is_(False)
                )
            ).first()
            is None
        ):
            raise RequestBodyValidation(
                {
                    "workspace": field_error(
                        f'Invalid pk "{workspace_id}" - object does not exist.', "does_not_exist"
                    )
                }
            )
        workspaces.require_member(conn, user.id, workspace_id)
        key, hashed = _unique_key(ctx, conn)
        token_id = s.new_id(
            conn.execute(
                s.tokens.insert().values(
                    user_id=user.id,
                    workspace_id=workspace_id,
                    name=name,
                    key_digest=hashed,
                    key_encrypted=_encrypt(ctx, key),
                    expires_at=expires_at,
                    created_on=ctx.clock(),
                )
            )
        )
        _set_grants(conn, token_id, dict.fromkeys(OPERATIONS, True))
        return _owned(ctx, conn, user, token_id)


_UNSET: Any = object()


def update(
    ctx: Ctx,
    user: User,
    token_id: int,
    *,
    name: str | None = None,
    permissions: Grants | None = None,
    rotate_key: bool = False,
    expires_at: Any = _UNSET,
) -> Token:
    """Rename, replace permissions, rotate the key and/or set the expiry, in one transaction."""
    t = s.tokens
    with ctx.db.write() as conn:
        scopes = _check_scopes(conn, permissions) if permissions is not None else {}
        token = _owned(ctx, conn, user, token_id)
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = name
        if expires_at is not _UNSET:
            values["expires_at"] = expires_at
        if permissions is not None:
            for (kind, _), workspace_id in scopes.items():
                if workspace_id != token.workspace_id:
                    raise (
                        DatabaseDoesNotBelongToWorkspace
                        if kind == "database"
                        else TableDoesNotBelongToWorkspace
                    )()
            _set_grants(conn, token_id, permissions)
        if rotate_key:
            key, hashed = _unique_key(ctx, conn)
            values.update(key_digest=hashed, key_encrypted=_encrypt(ctx, key))
        if values:
            conn.execute(t.update().where(t.c.id == token_id).values(**values))
        return _owned(ctx, conn, user, token_id)


def delete(ctx: Ctx, user: User, token_id: int) -> None:
    with ctx.db.write() as conn:
        _owned(ctx, conn, user, token_id)
        conn.execute(s.token_permissions.delete().where(s.token_permissions.c.token_id == token_id))
        conn.execute(s.tokens.delete().where(s.tokens.c.id == token_id))


def forget_scopes(
    conn: sa.Connection, *, database_ids: Sequence[int] = (), table_ids: Sequence[int] = ()
) -> None:
    """Drop grants on databases/tables being deleted: SQLite may hand their ids out again,
    and a grant must never pass to a newer object."""
    tp = s.token_permissions
    for scope, ids in (("database", list(database_ids)), ("table", list(table_ids))):
        if ids:
            conn.execute(tp.delete().where(tp.c.scope == scope, tp.c.scope_id.in_(ids)))


# --- authentication ---------------------------------------------------------------------


def _grant(token_id: int, workspace_id: int, grants: Grants) -> TokenGrant:
    frozen: dict[str, bool | frozenset[tuple[str, int]]] = {}
    for op, value in grants.items():
        frozen[op] = value if isinstance(value, bool) else frozenset(value)
    return TokenGrant(token_id, workspace_id, frozen)


def _auth_statement(with_table: bool = False) -> sa.Select[Any]:
    """One round trip: the token, its user, the membership and the live grants; with_table
    also reads the table the request names (`table_id`), so a row request needs no other
    statement before its own."""
    t, u, wu, tp, dt, ap, tw = (
        s.tokens,
        s.users,
        s.workspace_users,
        s.token_permissions,
        s.database_tables,
        s.applications,
        s.workspaces,
    )
    joined = (
        t.join(u, u.c.id == t.c.user_id)
        .join(tw, tw.c.id == t.c.workspace_id)
        .outerjoin(wu, sa.and_(wu.c.user_id == t.c.user_id, wu.c.workspace_id == t.c.workspace_id))
        .outerjoin(tp, tp.c.token_id == t.c.id)
        .outerjoin(
            dt,
            sa.and_(tp.c.scope == "table", dt.c.id == tp.c.scope_id, dt.c.trashed.is_(False)),
        )
        .outerjoin(
            ap,
            sa.and_(tp.c.scope == "database", ap.c.id == tp.c.scope_id, ap.c.trashed.is_(False)),
        )
    )
    columns: list[Any] = [
        t.c.id,
        t.c.workspace_id,
        t.c.expires_at,
        t.c.last_used,
        u.c.id.label("uid"),
        u.c.email,
        u.c.first_name,
        u.c.is_staff,
        u.c.is_active,
        u.c.language,
        wu.c.id.label("member"),
        tw.c.trashed.label("workspace_trashed"),
        tp.c.operation,
        tp.c.scope,
        tp.c.scope_id,
        dt.c.id.label("live_table"),
        ap.c.id.label("live_db"),
    ]
    if with_table:
        nt, na = dt.alias("named_table"), ap.alias("named_database")
        joined = joined.outerjoin(
            nt, sa.and_(nt.c.id == sa.bindparam("table_id", type_=Id), s.live_table(nt))
        ).outerjoin(na, na.c.id == nt.c.database_id)
        columns += [
            nt.c.id.label("t_id"),
            nt.c.database_id.label("t_database_id"),
            na.c.workspace_id.label("t_workspace_id"),
            nt.c.name.label("t_name"),
            nt.c.order.label("t_order"),
            nt.c.schema_version.label("t_version"),
        ]
    return (
        sa.select(*columns)
        .select_from(joined)
        .where(t.c.key_digest == sa.bindparam("digest"))
        .order_by(tp.c.id)
    )


_AUTH = _auth_statement()  # built once; a read-only statement, not state


@dataclass(frozen=True, slots=True)
class TokenKey:
    """A `Token <key>` header not yet looked up: row services authenticate it together with
    the table they open, in one statement on their own connection."""

    key: str


def authenticate(ctx: Ctx, key: str) -> Actor:
    """The actor a `Token <key>` header names. Revocation and rotation apply at once: a
    look-up is only reused while no metadata has changed (storage.kept.meta_clock), and expiry is
    checked against the clock at every request."""
    found = digest(ctx, key)
    with ctx.db.read() as conn:
        rows = meta_clock.cached(
            conn, "token_auth", (found, None), lambda: list(conn.execute(_AUTH, {"digest": found}))
        )
        actor, touched = _actor(ctx, rows)
        if touched:  # what is kept holds the last use before
            meta_clock.forget(conn, "token_auth", (found, None))
    return actor


def authenticate_for_table(
    ctx: Ctx, conn: sa.Connection, key: str, table_id: int, *, writing: bool = False
) -> tuple[Actor, Table | None]:
    """authenticate() plus the table `table_id` (None when it does not exist), read with one
    precompiled statement on `conn` (reused as authenticate() says); the same checks in the
    same order. `writing`: conn holds the write transaction, so last_used is written on it
    (SQLite's writer lock is already ours)."""
    params = {"digest": digest(ctx, key), "table_id": table_id}
    kept_as = (params["digest"], table_id)
    rows = meta_clock.cached(
        conn,
        "token_auth",
        kept_as,
        lambda: records(
            s.tokens, conn, "auth_table", lambda: _auth_statement(with_table=True), params
        ),
        optimistic=True,  # PostgreSQL: checked by the request's next reading of the clock
    )
    if rows and rows[0].workspace_trashed and rows[0].t_id is None:
        raise TableDoesNotExist()  # Baserow looks the table up first here
    actor, touched = _actor(ctx, rows, conn if writing else None)
    if touched:  # what is kept holds the last use before
        meta_clock.forget(conn, "token_auth", kept_as)
    r = rows[0]
    table = (
        None
        if r.t_id is None
        else Table(r.t_id, r.t_database_id, r.t_workspace_id, r.t_name, r.t_order, r.t_version)
    )
    return actor, table


def _actor(
    ctx: Ctx, rows: Sequence[Any], writer: sa.Connection | None = None
) -> tuple[Actor, bool]:
    """The token's actor, after its checks, and whether its last use was written now (on
    `writer`, else in a write of its own)."""
    if not rows or rows[0].workspace_trashed:  # a trashed workspace's tokens are missing
        raise TokenDoesNotExistAuth()
    row, now = rows[0], ctx.clock()
    if row.expires_at is not None and row.expires_at <= now:
        raise TokenExpired()
    if row.member is None:
        # its user left or was removed from the workspace: Baserow 1.35.3 refuses such a
        # token's every use of the workspace's data as it refuses the user (a 400, not
        # its ERROR_TOKEN_GROUP_MISMATCH, which its authentication no longer raises)
        raise UserNotInWorkspace()
    if not row.is_active:
        raise TokenUserNotActive()
    grants: Grants = dict.fromkeys(OPERATIONS, False)
    for r in rows:
        if r.operation is not None and (
            r.scope == "workspace" or r.live_table is not None or r.live_db is not None
        ):
            _add_grant(grants, r.operation, r.scope, r.scope_id)
    touched = row.last_used is None or now - row.last_used >= LAST_USED_RESOLUTION
    if touched:
        touch = s.tokens.update().where(s.tokens.c.id == row.id).values(last_used=now)
        if writer is not None:
            writer.execute(touch)
        else:
            with ctx.db.write() as conn:
                conn.execute(touch)
    user = User(row.uid, row.email, row.first_name, row.is_staff, row.is_active, row.language)
    return Actor(user, _grant(row.id, row.workspace_id, grants)), touched


def owner_of_key(ctx: Ctx, key: str) -> tuple[int, bool] | None:
    """(user id, is staff) of the key's owner, for per-user request limits; None if unknown."""
    t, u = s.tokens, s.users
    with ctx.db.read() as conn:
        row = conn.execute(
            sa.select(u.c.id, u.c.is_staff)
            .join(t, t.c.user_id == u.c.id)
            .where(t.c.key_digest == digest(ctx, key))
        ).first()
    return (row.id, row.is_staff) if row else None

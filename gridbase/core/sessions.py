"""JWT access/refresh tokens for user sessions (HS256 with the server secret)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.errors import InvalidAccessToken, InvalidRefreshToken, RefreshTokenAlreadyBlacklisted
from gridbase.storage import schema as s


def _encode(ctx: Ctx, user_id: int, kind: str, lifetime: timedelta, stamp: str) -> str:
    now = ctx.clock()
    payload: dict[str, Any] = {
        "token_type": kind,
        "user_id": user_id,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    if stamp:  # the user changed their password: sessions from before carry another
        payload["pwd"] = stamp
    return jwt.encode(payload, ctx.secret, algorithm="HS256")


def access_token(ctx: Ctx, user_id: int, stamp: str = "") -> str:
    """`stamp`: the user's session_stamp (the token stops working when it changes)."""
    lifetime = timedelta(minutes=ctx.settings.access_token_lifetime_minutes)
    return _encode(ctx, user_id, "access", lifetime, stamp)


def refresh_token(ctx: Ctx, user_id: int, stamp: str = "") -> str:
    lifetime = timedelta(hours=ctx.settings.refresh_token_lifetime_hours)
    return _encode(ctx, user_id, "refresh", lifetime, stamp)


def stamp_of(payload: dict[str, Any]) -> str:
    return str(payload.get("pwd") or "")


def _decode(ctx: Ctx, token: str, kind: str) -> dict[str, Any] | None:
    """The payload of a valid, unexpired token; expiry by the server's clock (ctx.clock, which
    also stamped it), not the machine's."""
    # PyJWT's checks cost ~80 µs a request; a verified token's payload is kept (by its
    # text: the secret is the app's) and what can change is checked below at every use
    kept, payload = ctx.kept.jwt_payloads.get(token)
    if not kept or payload is None:
        try:
            payload = jwt.decode(
                token,
                ctx.secret,
                algorithms=["HS256"],
                options={"require": ["exp", "user_id"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError:
            return None
        ctx.kept.jwt_payloads.put(token, payload)
    if payload.get("token_type") != kind or not isinstance(payload.get("user_id"), int):
        return None
    exp = payload["exp"]
    if not isinstance(exp, (int, float)) or exp <= ctx.clock().timestamp():
        return None
    return payload


def user_id_from_access(ctx: Ctx, token: str) -> int:
    return access_claims(ctx, token)[0]


def access_claims(ctx: Ctx, token: str) -> tuple[int, str]:
    """(user id, session stamp) of a valid access token."""
    payload = _decode(ctx, token, "access")
    if payload is None:
        raise InvalidAccessToken()
    return int(payload["user_id"]), stamp_of(payload)


def user_id_from_refresh(ctx: Ctx, token: str) -> int:
    return refresh_claims(ctx, token)[0]


def refresh_claims(ctx: Ctx, token: str) -> tuple[int, str]:
    """(user id, session stamp) of a valid refresh token that is not blacklisted."""
    payload = _decode(ctx, token, "refresh")
    if payload is None:
        raise InvalidRefreshToken()
    with ctx.db.read() as conn:
        black = conn.execute(
            sa.select(s.refresh_token_blacklist.c.jti).where(
                s.refresh_token_blacklist.c.jti == str(payload.get("jti"))
            )
        ).first()
    if black is not None:
        raise InvalidRefreshToken()
    return int(payload["user_id"]), stamp_of(payload)


def blacklist_refresh(ctx: Ctx, token: str) -> None:
    payload = _decode(ctx, token, "refresh")
    if payload is None:
        raise InvalidRefreshToken()
    with ctx.db.write() as conn:
        jti = str(payload.get("jti"))
        exists = conn.execute(
            sa.select(s.refresh_token_blacklist.c.jti).where(s.refresh_token_blacklist.c.jti == jti)
        ).first()
        if exists is not None:
            raise RefreshTokenAlreadyBlacklisted()
        conn.execute(
            s.refresh_token_blacklist.insert().values(
                jti=jti, expires_at=datetime.fromtimestamp(payload["exp"])
            )
        )

"""User endpoints: register, token-auth (login), token-refresh, token-verify, token-blacklist."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gridbase.api import render
from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep
from gridbase.core import sessions, users
from gridbase.errors import ParseError

router = APIRouter(prefix="/api/user")


@router.post("/")
def register(ctx: CtxDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", min_length=2, max_length=150)
    email = v.email("email")
    password = v.string("password", allow_blank=False)
    if isinstance(password, str) and len(password) < 8:
        v.fail(
            "password",
            "This password is too short. It must contain at least 8 characters.",
            "password_validation_failed",
        )
    if isinstance(password, str) and len(password) > 256:
        v.fail(
            "password",
            "Ensure this field has no more than 256 characters.",
            "password_validation_failed",
        )
    language = v.string("language", required=False, default="en", min_length=2, max_length=10)
    authenticate = v.boolean("authenticate", default=False)
    v.done()
    user = users.register(ctx, name, email, password, language if language is not MISSING else "en")
    if authenticate is True:
        return render.session(
            user, sessions.access_token(ctx, user.id), sessions.refresh_token(ctx, user.id)
        )
    return {"user": render.user(user)}


def _required(body: Any, *keys: str) -> dict[str, Any]:
    """simplejwt's views report missing keys in plain DRF shape: {"email": ["..."]}."""
    data = body if isinstance(body, dict) else {}
    missing = {k: ["This field is required."] for k in keys if not data.get(k)}
    if missing:
        raise _PlainFields(missing)
    return data


class _PlainFields(ParseError):
    def body(self) -> Any:
        return self.detail


@router.post("/token-auth/")
def token_auth(ctx: CtxDep, body: BodyDep) -> Any:
    data = body if isinstance(body, dict) else {}
    if "email" not in data and "username" in data:
        data = dict(data, email=data["username"])
    data = _required(data, "email", "password")
    user = users.authenticate(ctx, str(data["email"]), str(data["password"]))
    return render.session(
        user, sessions.access_token(ctx, user.id), sessions.refresh_token(ctx, user.id)
    )


def _refresh_value(body: Any) -> str:
    data = body if isinstance(body, dict) else {}
    if "refresh_token" not in data and "token" in data:
        data = dict(data, refresh_token=data["token"])
    return str(_required(data, "refresh_token")["refresh_token"])


@router.post("/token-refresh/")
def token_refresh(ctx: CtxDep, body: BodyDep) -> Any:
    user = users.active_user(ctx, sessions.user_id_from_refresh(ctx, _refresh_value(body)))
    return render.session(user, sessions.access_token(ctx, user.id), None)


@router.post("/token-verify/")
def token_verify(ctx: CtxDep, body: BodyDep) -> Any:
    user = users.active_user(ctx, sessions.user_id_from_refresh(ctx, _refresh_value(body)))
    return {
        "user": render.user(user),
        "permissions": render.permissions(user),
        "user_notifications": {"unread_count": 0},
    }


@router.post("/token-blacklist/", status_code=204)
def token_blacklist(ctx: CtxDep, body: BodyDep) -> Response:
    sessions.blacklist_refresh(ctx, _refresh_value(body))
    return Response(status_code=204)

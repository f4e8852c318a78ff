"""User endpoints: register, token-auth (login), token-refresh, token-verify, token-blacklist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from gridbase.api import render
from gridbase.api.body import MISSING, Validator, json_body
from gridbase.api.deps import BodyDep, CtxDep
from gridbase.core import sessions, users
from gridbase.core.context import Ctx
from gridbase.errors import InvalidRefreshToken, ParseError, RequestBodyValidation, field_error
from gridbase.models import User

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
    token = v.string("workspace_invitation_token", required=False, allow_null=True)
    v.done()
    user = users.register(
        ctx, name, email, password, language if language is not MISSING else "en",
        invitation_token=token if isinstance(token, str) else None,
    )  # fmt: skip
    if authenticate is True:
        return render.session(user, *tokens_for(ctx, user))
    return {"user": render.user(user)}


def tokens_for(ctx: Ctx, user: User) -> tuple[str, str]:
    """A new session's access and refresh tokens."""
    return (
        sessions.access_token(ctx, user.id, user.session_stamp),
        sessions.refresh_token(ctx, user.id, user.session_stamp),
    )


class _PlainFields(ParseError):
    """simplejwt's serializers answer in DRF's own shape: {"key": ["message"]}."""

    def body(self) -> Any:
        return {key: [e["error"] for e in errors] for key, errors in self.detail.items()}


async def plain_body(request: Request) -> Any:
    """json_body() whose field errors (a NUL, a surrogate, a JSON null) come in simplejwt's
    plain shape, like every other error of these endpoints."""
    try:
        return await json_body(request)
    except RequestBodyValidation as exc:
        raise _PlainFields(exc.detail) from None


PlainBodyDep = Annotated[Any, Depends(plain_body)]


@router.post("/token-auth/")
def token_auth(ctx: CtxDep, body: PlainBodyDep) -> Any:
    """Every field is checked first (`password` is the only required one), then `username`
    (its legacy name), or else `email`, names the account."""
    v = Validator(body, error=_PlainFields)
    username = v.email("username", required=False)
    email = v.email("email", required=False)
    password = v.string("password")
    v.done()
    login = next((x for x in (username, email) if isinstance(x, str) and x), None)
    if login is None:
        raise _PlainFields({"email": field_error("This field is required.", "required")})
    user = users.authenticate(ctx, str(login), str(password))
    return render.session(user, *tokens_for(ctx, user))


def _refresh_value(body: Any, *, legacy_alone: bool) -> str:
    """The refresh token of a body: `refresh_token`, else the legacy `token` (a text);
    `legacy_alone` False: `refresh_token` is required (token-verify), as in Baserow."""
    v = Validator(body, error=_PlainFields)
    given = v.string("refresh_token", required=not legacy_alone)
    legacy = v.string("token", required=False)
    v.done()
    found = given if given is not MISSING else legacy
    if not isinstance(found, str):  # neither key: a token that is not valid
        raise InvalidRefreshToken()
    return found


@router.post("/token-refresh/")
def token_refresh(ctx: CtxDep, body: PlainBodyDep) -> Any:
    token = _refresh_value(body, legacy_alone=True)
    user_id, stamp = sessions.refresh_claims(ctx, token)
    user = users.active_user(ctx, user_id, stamp, InvalidRefreshToken)
    return render.session(user, sessions.access_token(ctx, user.id, user.session_stamp), None)


@router.post("/token-verify/")
def token_verify(ctx: CtxDep, body: PlainBodyDep) -> Any:
    token = _refresh_value(body, legacy_alone=False)
    user_id, stamp = sessions.refresh_claims(ctx, token)
    user = users.active_user(ctx, user_id, stamp, InvalidRefreshToken)
    return {
        "user": render.user(user),
        "permissions": render.permissions(user),
        "user_notifications": {"unread_count": 0},
    }


@router.post("/token-blacklist/", status_code=204)
def token_blacklist(ctx: CtxDep, body: BodyDep) -> Response:
    v = Validator(body)  # a Baserow view: ERROR_REQUEST_BODY_VALIDATION, no legacy `token`
    token = v.string("refresh_token")
    v.done()
    sessions.blacklist_refresh(ctx, token)
    return Response(status_code=204)

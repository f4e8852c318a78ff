"""Dependencies: the service context, the caller (JWT user, database token, or either),
request bodies and flag parameters."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from gridbase.api.body import json_body, json_body_partial
from gridbase.core import sessions, tokens, users
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import (
    AuthError,
    GridbaseError,
    InvalidAuthHeader,
    InvalidTokenHeader,
    NotAuthenticated,
)
from gridbase.models import User

T = TypeVar("T")
TRUTHY = frozenset({"y", "yes", "t", "true", "on", "1"})
WWW_AUTH = {"WWW-Authenticate": 'JWT realm="api"'}


async def get_ctx(request: Request) -> Ctx:
    return request.app.state.ctx  # type: ignore[no-any-return]  # set by create_app


CtxDep = Annotated[Ctx, Depends(get_ctx)]
BodyDep = Annotated[Any, Depends(json_body)]
PartialBodyDep = Annotated[Any, Depends(json_body_partial)]  # a JSON null: NULL_PARTIAL


def _split(request: Request) -> tuple[str, list[str]] | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    parts = header.split()
    if not parts:
        return None
    return parts[0], parts[1:]


async def _jwt_user(ctx: Ctx, rest: list[str]) -> User:
    if len(rest) != 1:
        raise InvalidAuthHeader(headers=WWW_AUTH)
    user_id, stamp = sessions.access_claims(ctx, rest[0])
    return await ctx.call(users.active_user, ctx, user_id, stamp)


def www(exc: GridbaseError) -> GridbaseError:
    """An authentication failure with the WWW-Authenticate header Baserow sends (any other
    error as it is: a token without permission is a 401 without it)."""
    if isinstance(exc, AuthError) and "WWW-Authenticate" not in exc.headers:
        exc.headers.update(WWW_AUTH)
    return exc


async def _token_actor(ctx: Ctx, header: str, rest: list[str]) -> Actor:
    if not rest:
        raise InvalidTokenHeader("Invalid token header. No token provided.")
    if len(rest) > 1:
        raise InvalidTokenHeader("Invalid token header. Token string should not contain spaces.")
    return await ctx.call(tokens.authenticate, ctx, rest[0])


async def jwt_user(request: Request, ctx: CtxDep) -> User:
    """JWT-only endpoints: anything but `JWT <token>` is 'credentials not provided'."""
    found = _split(request)
    if found is None or found[0] != "JWT":
        raise NotAuthenticated(headers=WWW_AUTH)
    try:
        return await _jwt_user(ctx, found[1])
    except GridbaseError as exc:
        raise www(exc) from None


async def jwt_user_or_anonymous(request: Request, ctx: CtxDep) -> User | None:
    """Baserow's GET endpoints that public views may also reach (views of a table, a grid's
    rows, field options): a bad JWT is a 401, but no JWT at all (or another scheme) is an
    anonymous request, refused later with PERMISSION_DENIED once the request is read."""
    found = _split(request)
    if found is None or found[0] != "JWT":
        return None
    return await jwt_user(request, ctx)


async def any_actor(request: Request, ctx: CtxDep) -> Actor:
    """Endpoints that take a JWT or a database token."""
    found = _split(request)
    if found is None:
        raise NotAuthenticated(headers=WWW_AUTH)
    scheme, rest = found
    try:
        if scheme.lower() == "token":
            actor = await _token_actor(ctx, scheme, rest)
            request.state.actor = actor
            return actor
        if scheme == "JWT":
            return Actor(await _jwt_user(ctx, rest))
    except GridbaseError as exc:
        raise www(exc) from None
    raise NotAuthenticated(headers=WWW_AUTH)


async def any_caller(request: Request, ctx: CtxDep) -> Actor | tokens.TokenKey:
    """any_actor() for row endpoints: a well-formed `Token <key>` is handed on unlooked-up,
    and the row service authenticates it with the table in one statement (`with_www` keeps
    its 401s identical to any_actor's)."""
    found = _split(request)
    if found is not None and found[0].lower() == "token":
        _scheme, rest = found
        if not rest:
            raise www(InvalidTokenHeader("Invalid token header. No token provided."))
        if len(rest) > 1:
            raise www(
                InvalidTokenHeader("Invalid token header. Token string should not contain spaces.")
            )
        return tokens.TokenKey(rest[0])
    return await any_actor(request, ctx)


async def with_www(call: Awaitable[T]) -> T:
    """Await a service call that may authenticate a token key: its 401s carry the header."""
    try:
        return await call
    except AuthError as exc:
        raise www(exc) from None


async def token_actor(request: Request, ctx: CtxDep) -> Actor:
    """Token-only endpoints: every authentication failure becomes a 403 (DRF's rule)."""
    found = _split(request)
    try:
        if found is None or found[0].lower() != "token":
            raise NotAuthenticated()
        actor = await _token_actor(ctx, found[0], found[1])
        request.state.actor = actor
        return actor
    except (AuthError, NotAuthenticated) as exc:
        exc.headers.pop("WWW-Authenticate", None)
        forbidden = type("Forbidden", (type(exc),), {"status": 403})(exc.detail)
        raise forbidden from None


UserDep = Annotated[User, Depends(jwt_user)]
MaybeUserDep = Annotated[User | None, Depends(jwt_user_or_anonymous)]
ActorDep = Annotated[Actor, Depends(any_actor)]
CallerDep = Annotated[Actor | tokens.TokenKey, Depends(any_caller)]
TokenActorDep = Annotated[Actor, Depends(token_actor)]


def flag(request: Request, name: str, *, empty_true: bool = True) -> bool:
    """Baserow's query booleans: y/yes/t/true/on/1, and (for some) a bare `?name`."""
    if name not in request.query_params:
        return False
    value = request.query_params[name].strip().lower()
    return (empty_true and value == "") or value in TRUTHY

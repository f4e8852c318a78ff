"""Database token endpoints: list/create/get/update/delete (JWT) and check/ (token only).

Extension (additive): `expires_at` may be sent on create and update; `?include_usage=true`
adds `expires_at` and `last_used` to the token JSON. Imports: core.tokens, errors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api.body import MISSING, Validator, primary_key
from gridbase.api.deps import BodyDep, CtxDep, TokenActorDep, UserDep, flag
from gridbase.api.render import iso
from gridbase.core import tokens
from gridbase.errors import RequestBodyValidation

router = APIRouter(prefix="/api/database/tokens")


def render_token(token: tokens.Token, usage: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": token.id,
        "name": token.name,
        "workspace": token.workspace_id,
        "key": token.key,
        "permissions": {
            op: value if isinstance(value, bool) else [[kind, i] for kind, i in value]
            for op, value in token.permissions.items()
        },
    }
    if usage:
        body.update(expires_at=iso(token.expires_at), last_used=iso(token.last_used))
    return body


def _expires_at(v: Validator) -> Any:
    """Optional ISO 8601 datetime or null (naive values are UTC)."""
    if "expires_at" not in v.data:
        return MISSING
    raw = v.data["expires_at"]
    if raw is None:
        return None
    try:
        if not isinstance(raw, str):
            raise ValueError
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        v.fail("expires_at", "Datetime has wrong format. Use ISO 8601, e.g. 2030-01-31T12:00:00Z.")
        return MISSING
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _workspace_id(v: Validator) -> Any:
    """A primary-key reference, with DRF's PrimaryKeyRelatedField messages."""
    if "workspace" not in v.data:
        v.fail("workspace", "This field is required.", "required")
        return MISSING
    raw = v.data["workspace"]
    if raw is None:
        v.fail("workspace", "This field may not be null.", "null")
        return MISSING
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        found = primary_key(raw.strip())  # None: digits int() cannot read ("²", 5,000 of them)
        return found if found is not None else -1  # an id no workspace has
    kind = {bool: "bool", list: "list", dict: "dict", float: "float"}.get(type(raw), "str")
    v.fail("workspace", f"Incorrect type. Expected pk value, received {kind}.", "incorrect_type")
    return MISSING


@router.get("/")
def list_tokens(request: Request, ctx: CtxDep, user: UserDep) -> Any:
    usage = flag(request, "include_usage")
    return [render_token(t, usage) for t in tokens.list_tokens(ctx, user)]


@router.post("/")
def create_token(request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=100)
    workspace_id = _workspace_id(v)
    expires_at = _expires_at(v)
    v.done()
    token = tokens.create(
        ctx, user, workspace_id, name, None if expires_at is MISSING else expires_at
    )
    return render_token(token, flag(request, "include_usage"))


@router.get("/check/")
def check_token(actor: TokenActorDep) -> Any:
    return {"token": "OK"}


@router.get("/{token_id:int}/")
def get_token(token_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    return render_token(tokens.get(ctx, user, token_id), flag(request, "include_usage"))


@router.patch("/{token_id:int}/")
def update_token(token_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", required=False, max_length=100)
    rotate = v.boolean("rotate_key", default=False)
    expires_at = _expires_at(v)
    permissions = None
    if "permissions" in v.data and v.data["permissions"] is None:
        v.fail("permissions", "This field may not be null.", "null")
    elif "permissions" in v.data:
        try:
            permissions = tokens.parse_permissions(v.data["permissions"])
        except RequestBodyValidation as exc:
            v.errors.update(exc.detail)
    v.done()
    kwargs: dict[str, Any] = {} if expires_at is MISSING else {"expires_at": expires_at}
    token = tokens.update(
        ctx,
        user,
        token_id,
        name=None if name is MISSING else name,
        permissions=permissions,
        rotate_key=rotate is True,
        **kwargs,
    )
    return render_token(token, flag(request, "include_usage"))


@router.delete("/{token_id:int}/")
def delete_token(token_id: int, ctx: CtxDep, user: UserDep) -> Response:
    tokens.delete(ctx, user, token_id)
    return Response(status_code=204)

"""The caller's own account: PATCH account, change-password, the reset-password pair,
schedule-account-deletion and the dashboard. Imports: core.account, errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response

from gridbase.api import render
from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.urls import frontend_hostnames
from gridbase.core import account, invitations
from gridbase.errors import HostnameNotAllowed, RequestBodyValidation, field_error

router = APIRouter(prefix="/api/user")

LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl", "ko")  # Baserow's settings.LANGUAGES
FREQUENCIES = ("instant", "daily", "weekly", "never")


def _language(v: Validator, key: str) -> Any:
    """Baserow's language field: its own check first, then the length checks (DRF runs the
    field's validators in that order and reports every failure)."""
    value = v.string(key, required=False)
    if not isinstance(value, str):
        return value
    if value not in LANGUAGES:
        v.fail(key, f"Only the following language keys are valid: {','.join(LANGUAGES)}",
               "invalid_language")  # fmt: skip
    if len(value) > 10:
        v.fail(key, "Ensure this field has no more than 10 characters.", "max_length")
    if len(value) < 2:
        v.fail(key, "Ensure this field has at least 2 characters.", "min_length")
    return value


def _tours(v: Validator, key: str) -> Any:
    """A list of non-blank texts; a non-list is refused as a ListSerializer does."""
    if key not in v.data:
        return MISSING
    value = v.data[key]
    if value is None:
        v.fail(key, "This field may not be null.", "null")
        return MISSING
    if not isinstance(value, list):
        kind = "dict" if isinstance(value, dict) else type(value).__name__
        message = f'Expected a list of items but got type "{kind}".'
        v.errors[key] = {"non_field_errors": field_error(message, "not_a_list")}
        return MISSING
    items: list[str] = []
    errors: list[Any] = []
    for item in value:
        check = Validator({"item": item})
        text = check.string("item")
        errors.append(check.errors.get("item", {}))
        if isinstance(text, str):
            items.append(text)
    if any(errors):
        v.errors[key] = errors
        return MISSING
    return items


@router.patch("/account/")
def update_account(ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    found = {
        "first_name": v.string("first_name", required=False, min_length=2, max_length=150),
        "language": _language(v, "language"),
        "email_notification_frequency": v.choice(
            "email_notification_frequency", FREQUENCIES, required=False
        ),
        "completed_onboarding": v.boolean("completed_onboarding"),
        "completed_guided_tours": _tours(v, "completed_guided_tours"),
    }
    v.done()
    changes = {k: value for k, value in found.items() if value is not MISSING}
    if not changes:
        fields = ", ".join(account.PROFILE_COLUMNS[1:])
        message = f"At least one of the fields first_name, {fields} must be provided."
        raise RequestBodyValidation({"non_field_errors": field_error(message)})
    updated = account.update_account(ctx, user, changes)
    return {
        "first_name": updated.first_name,
        "language": updated.language,
        "email_notification_frequency": updated.email_notification_frequency,
        "completed_onboarding": updated.completed_onboarding,
        "completed_guided_tours": list(updated.completed_guided_tours),
    }


def _new_password(v: Validator, key: str) -> Any:
    """Baserow's password_validation: 8 to 256 characters."""
    value = v.string(key)
    if isinstance(value, str) and len(value) < 8:
        v.fail(key, "This password is too short. It must contain at least 8 characters.",
               "password_validation_failed")  # fmt: skip
    if isinstance(value, str) and len(value) > 256:
        v.fail(key, "This password is too long. It must not exceed 256 characters.",
               "password_validation_failed")  # fmt: skip
    return value


@router.post("/change-password/", status_code=204)
def change_password(ctx: CtxDep, user: UserDep, body: BodyDep) -> Response:
    v = Validator(body)
    old = v.string("old_password")
    new = _new_password(v, "new_password")
    v.done()
    account.change_password(ctx, user, str(old), str(new))
    return Response(status_code=204)


@router.post("/send-reset-password-email/", status_code=204)
def send_reset_password_email(ctx: CtxDep, request: Request, body: BodyDep) -> Response:
    v = Validator(body)
    email = v.email("email")
    base_url = v.url("base_url")
    v.done()
    allowed = frontend_hostnames(ctx.settings, request)

    def check_base_url(url: str) -> None:
        if urlsplit(url).hostname not in allowed:  # the link must lead to this server's app
            raise HostnameNotAllowed()

    account.send_reset_email(ctx, str(email), str(base_url), check_base_url)
    return Response(status_code=204)


@router.post("/reset-password/", status_code=204)
def reset_password(ctx: CtxDep, body: BodyDep) -> Response:
    v = Validator(body)
    token = v.string("token")
    password = _new_password(v, "password")
    v.done()
    account.reset_password(ctx, str(token), str(password))
    return Response(status_code=204)


@router.post("/schedule-account-deletion/", status_code=204)
def schedule_account_deletion(ctx: CtxDep, user: UserDep) -> Response:
    account.schedule_deletion(ctx, user)
    return Response(status_code=204)


@router.get("/dashboard/")
def dashboard(ctx: CtxDep, user: UserDep) -> Any:
    pending = invitations.addressed_to(ctx, user)
    return {"workspace_invitations": [render.public_invitation(p) for p in pending]}

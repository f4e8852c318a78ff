"""Webhook endpoints (JWT only): CRUD per table, test call, and the signing-secret extension."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Response

from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.render import iso
from gridbase.core import webhooks
from gridbase.errors import field_error

router = APIRouter(prefix="/api/database/webhooks")

HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
HEADER_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\uffff]*$")


def call_json(c: webhooks.WebhookCall) -> dict[str, Any]:
    return {
        "id": c.id,
        "event_id": c.event_id,
        "event_type": c.event_type,
        "called_time": iso(c.called_time),
        "called_url": c.called_url,
        "request": c.request or "",
        "response": c.response or "",
        "response_status": c.response_status,
        "error": c.error,
    }


def webhook_json(w: webhooks.Webhook) -> dict[str, Any]:
    config = []
    for e in w.events:
        item: dict[str, Any] = {"event_type": e.event_type}
        if e.fields:
            item["fields"] = list(e.fields)
        if e.views:
            item["views"] = list(e.views)
        config.append(item)
    return {
        "id": w.id,
        "events": [e.event_type for e in w.events],
        "event_config": config,
        "headers": w.headers,
        "calls": [call_json(c) for c in w.calls],
        "created_on": iso(w.created_on),
        "updated_on": iso(w.updated_on),
        "use_user_field_names": w.use_user_field_names,
        "url": w.url,
        "request_method": w.request_method,
        "name": w.name,
        "include_all_events": w.include_all_events,
        "failed_triggers": w.failed_triggers,
        "active": w.active,
    }


def _headers(v: Validator) -> None:
    if "headers" not in v.data:
        return
    value = v.data["headers"]
    if not isinstance(value, dict):
        v.fail(
            "headers",
            f'Expected a dictionary of items but got type "{type(value).__name__}".',
            "not_a_dict",
        )
        return
    for name, header in value.items():
        if not HEADER_NAME.match(str(name)):
            v.fail(
                "headers",
                f"The provided header name {name} is invalid.",
                "invalid_http_header_name",
            )
            return
        if not isinstance(header, str) or not HEADER_VALUE.match(header):
            v.fail(
                "headers",
                f"The provided header value {header} is invalid.",
                "invalid_http_header_value",
            )
            return


def _events(v: Validator) -> None:
    if "events" not in v.data:
        return
    value = v.data["events"]
    if not isinstance(value, list):
        v.fail(
            "events",
            f'Expected a list of items but got type "{type(value).__name__}".',
            "not_a_list",
        )
        return
    errors = {
        str(i): field_error(f'"{e}" is not a valid choice.', "invalid_choice")
        for i, e in enumerate(value)
        if not isinstance(e, str) or e not in webhooks.EVENT_TYPES
    }
    if errors:
        v.errors["events"] = errors


def _int_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(i, int) and not isinstance(i, bool) for i in value
    )


def _event_config(v: Validator) -> None:
    if "event_config" not in v.data:
        return
    value = v.data["event_config"]
    if not isinstance(value, list):
        v.fail(
            "event_config",
            f'Expected a list of items but got type "{type(value).__name__}".',
            "not_a_list",
        )
        return
    errors: dict[str, Any] = {}
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            errors[str(i)] = {
                "non_field_errors": field_error(
                    f"Invalid data. Expected a dictionary, but got {type(item).__name__}."
                )
            }
        elif item.get("event_type") not in webhooks.EVENT_TYPES:
            errors[str(i)] = {
                "event_type": field_error(
                    f'"{item.get("event_type")}" is not a valid choice.', "invalid_choice"
                )
                if "event_type" in item
                else field_error("This field is required.", "required")
            }
        else:
            bad = {
                k: field_error("A valid integer is required.")
                for k in ("fields", "views")
                if k in item and not _int_list(item[k])
            }
            if bad:
                errors[str(i)] = bad
    if errors:
        v.errors["event_config"] = errors


def _webhook_body(body: Any, *, creating: bool) -> dict[str, Any]:
    v = Validator(body)
    data: dict[str, Any] = {}
    data["url"] = v.string("url", required=creating, max_length=2000)
    data["name"] = v.string("name", required=creating, max_length=255)
    data["request_method"] = v.choice("request_method", webhooks.REQUEST_METHODS, required=False)
    data["include_all_events"] = v.boolean("include_all_events")
    data["use_user_field_names"] = v.boolean("use_user_field_names")
    if not creating:
        data["active"] = v.boolean("active")
    _headers(v)
    _events(v)
    _event_config(v)
    v.done()
    for key in ("headers", "events", "event_config"):
        if key in v.data:
            data[key] = v.data[key]
    return {k: val for k, val in data.items() if val is not MISSING}


@router.get("/table/{table_id:int}/")
def list_webhooks(table_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return [webhook_json(w) for w in webhooks.list_webhooks(ctx, user, table_id)]


@router.post("/table/{table_id:int}/")
def create_webhook(table_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    return webhook_json(
        webhooks.create_webhook(ctx, user, table_id, _webhook_body(body, creating=True))
    )


@router.post("/table/{table_id:int}/test-call/")
def test_call(table_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    data = {
        "url": v.string("url", max_length=2000),
        "event_type": v.choice("event_type", webhooks.EVENT_TYPES),
        "request_method": v.choice("request_method", webhooks.REQUEST_METHODS, required=False),
        "use_user_field_names": v.boolean("use_user_field_names"),
    }
    _headers(v)
    v.done()
    if "headers" in v.data:
        data["headers"] = v.data["headers"]
    result = webhooks.test_call(
        ctx, user, table_id, {k: val for k, val in data.items() if val is not MISSING}
    )
    return {
        "request": result.request,
        "response": result.response,
        "status_code": result.status_code,
        "is_unreachable": result.is_unreachable,
    }


@router.get("/{webhook_id:int}/")
def get_webhook(webhook_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return webhook_json(webhooks.get_webhook(ctx, user, webhook_id))


@router.patch("/{webhook_id:int}/")
def update_webhook(webhook_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    return webhook_json(
        webhooks.update_webhook(ctx, user, webhook_id, _webhook_body(body, creating=False))
    )


@router.delete("/{webhook_id:int}/")
def delete_webhook(webhook_id: int, ctx: CtxDep, user: UserDep) -> Response:
    webhooks.delete_webhook(ctx, user, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id:int}/secret/")
def get_secret(webhook_id: int, ctx: CtxDep, user: UserDep) -> Any:
    """Extension: the Standard Webhooks secret receivers verify `webhook-signature` with."""
    return {"secret": webhooks.get_secret(ctx, user, webhook_id)}


@router.post("/{webhook_id:int}/secret/rotate/")
def rotate_secret(webhook_id: int, ctx: CtxDep, user: UserDep) -> Any:
    """Extension: replace the signing secret; later deliveries are signed with the new one."""
    return {"secret": webhooks.get_secret(ctx, user, webhook_id, rotate=True)}

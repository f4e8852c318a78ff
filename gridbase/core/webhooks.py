"""Webhook services: list, get, create, update, delete, test call, signing secret.

Webhooks are JWT-only and table-scoped; a caller must be a member of the table's
workspace. Events themselves are enqueued by webhooks.outbox inside row/field/view
writes; this module manages the webhooks' configuration.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa

from gridbase import tls
from gridbase.core import workspaces
from gridbase.core.context import Ctx
from gridbase.errors import (
    RequestBodyValidation,
    TableWebhookDoesNotExist,
    TableWebhookEventConfigFieldNotInTable,
    TableWebhookMaxLimitExceeded,
    UserNotInWorkspace,
    field_error,
)
from gridbase.models import Table, User
from gridbase.storage import schema as s
from gridbase.usertable import load
from gridbase.usertable.model import TableModel
from gridbase.usertable.renderers import format_order
from gridbase.webhooks import delivery, payloads, signing, ssrf

EVENT_TYPES = payloads.EVENT_TYPES
REQUEST_METHODS = ("POST", "GET", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class EventConfig:
    event_type: str
    fields: tuple[int, ...] = ()
    views: tuple[int, ...] = ()


@dataclass(frozen=True)
class WebhookCall:
    id: int
    event_id: str
    event_type: str
    called_time: datetime | None
    called_url: str
    request: str | None
    response: str | None
    response_status: int | None
    error: str | None


@dataclass(frozen=True)
class Webhook:
    id: int
    table_id: int
    name: str
    url: str
    request_method: str
    headers: dict[str, str]
    include_all_events: bool
    use_user_field_names: bool
    active: bool
    failed_triggers: int
    created_on: datetime
    updated_on: datetime
    events: tuple[EventConfig, ...]
    calls: tuple[WebhookCall, ...]


@dataclass(frozen=True)
class TestCallResult:
    request: str
    response: str
    status_code: int | None
    is_unreachable: bool


def check_url(ctx: Ctx, url: str) -> None:
    """The URL check done when a webhook is saved or test-called (SSRF guard)."""
    try:
        ssrf.check_url(url, ctx.settings.webhooks_allow_private_addresses)
    except ssrf.UnsafeUrl:
        raise RequestBodyValidation({"url": field_error("Invalid URL", "invalid_url")}) from None


# --- loading --------------------------------------------------------------------------------


def _load(conn: sa.Connection, rows: Sequence[Any]) -> list[Webhook]:
    ids = [r.id for r in rows]
    events: dict[int, list[EventConfig]] = {i: [] for i in ids}
    calls: dict[int, list[WebhookCall]] = {i: [] for i in ids}
    if ids:
        e, c = s.webhook_events, s.webhook_calls
        for ev in conn.execute(sa.select(e).where(e.c.webhook_id.in_(ids)).order_by(e.c.id)):
            config = ev.config or {}
            events[ev.webhook_id].append(
                EventConfig(
                    ev.event_type, tuple(config.get("fields", ())), tuple(config.get("views", ()))
                )
            )
        for call in conn.execute(
            sa.select(c)
            .where(c.c.webhook_id.in_(ids))
            .order_by(c.c.called_time.desc(), c.c.id.desc())
        ):
            calls[call.webhook_id].append(
                WebhookCall(
                    call.id,
                    call.event_id,
                    call.event_type,
                    call.called_time,
                    call.called_url,
                    call.request,
                    call.response,
                    call.response_status,
                    call.error,
                )
            )
    return [
        Webhook(
            r.id,
            r.table_id,
            r.name,
            r.url,
            r.request_method,
            dict(r.headers or {}),
            bool(r.include_all_events),
            bool(r.use_user_field_names),
            bool(r.active),
            r.failed_triggers,
            r.created_on,
            r.updated_on,
            tuple(events[r.id]),
            tuple(calls[r.id]),
        )
        for r in rows
    ]


def _webhook_row(conn: sa.Connection, webhook_id: int) -> Any:
    row = conn.execute(sa.select(s.webhooks).where(s.webhooks.c.id == webhook_id)).first()
    if row is None:
        raise TableWebhookDoesNotExist()
    return row


def _open_table(conn: sa.Connection, user: User, table_id: int) -> Table:
    table = load.load_table(conn, table_id)
    workspaces.require_member(conn, user.id, table.workspace_id)
    return table


def _open_webhook(conn: sa.Connection, user: User, webhook_id: int) -> tuple[Any, Table]:
    row = _webhook_row(conn, webhook_id)
    # Baserow reaches a webhook by its id also while its table is in the trash
    table = load.load_table_in_trash_too(conn, row.table_id)
    w = s.workspaces
    if conn.execute(sa.select(w.c.trashed).where(w.c.id == table.workspace_id)).scalar():
        raise UserNotInWorkspace()  # Baserow: no one is a member of a trashed workspace
    workspaces.require_member(conn, user.id, table.workspace_id)
    return row, table


def list_webhooks(ctx: Ctx, user: User, table_id: int) -> list[Webhook]:
    with ctx.db.read() as conn:
        _open_table(conn, user, table_id)
        w = s.webhooks
        return _load(
            conn, list(conn.execute(sa.select(w).where(w.c.table_id == table_id).order_by(w.c.id)))
        )


def get_webhook(ctx: Ctx, user: User, webhook_id: int) -> Webhook:
    with ctx.db.read() as conn:
        row, _ = _open_webhook(conn, user, webhook_id)
        return _load(conn, [row])[0]


# --- writes ---------------------------------------------------------------------------------


def _event_configs(
    events: Sequence[str] | None, config: Sequence[Mapping[str, Any]] | None
) -> list[EventConfig]:
    """`events` plus `event_config` merged: one entry per event type, in first-seen order."""
    merged: dict[str, EventConfig] = {}
    for name in events or ():
        merged.setdefault(name, EventConfig(name))
    for item in config or ():
        name = item["event_type"]
        merged[name] = EventConfig(
            name, tuple(item.get("fields") or ()), tuple(item.get("views") or ())
        )
    return list(merged.values())


def _check_config_fields(conn: sa.Connection, table: Table, configs: Sequence[EventConfig]) -> None:
    wanted = {f for c in configs for f in c.fields}
    if not wanted:
        return
    f = s.fields
    present = set(
        conn.execute(
            sa.select(f.c.id).where(f.c.table_id == table.id, f.c.id.in_(wanted))
        ).scalars()
    )
    for config in configs:
        for field_id in config.fields:
            if field_id not in present:
                raise TableWebhookEventConfigFieldNotInTable(field_id)


def _write_events(conn: sa.Connection, webhook_id: int, configs: Sequence[EventConfig]) -> None:
    e = s.webhook_events
    existing = {
        r.event_type: r.id
        for r in conn.execute(sa.select(e.c.id, e.c.event_type).where(e.c.webhook_id == webhook_id))
    }
    wanted = {c.event_type for c in configs}
    gone = [i for name, i in existing.items() if name not in wanted]
    if gone:
        conn.execute(e.delete().where(e.c.id.in_(gone)))
    for config in configs:
        values = {
            "config": {
                k: list(v) for k, v in (("fields", config.fields), ("views", config.views)) if v
            }
        }
        if config.event_type in existing:
            conn.execute(e.update().where(e.c.id == existing[config.event_type]).values(**values))
        else:
            conn.execute(
                e.insert().values(webhook_id=webhook_id, event_type=config.event_type, **values)
            )


def create_webhook(ctx: Ctx, user: User, table_id: int, data: Mapping[str, Any]) -> Webhook:
    """data: url, name (required); request_method, headers, include_all_events, events,
    event_config, use_user_field_names (optional, already shape-checked by the api)."""
    check_url(ctx, data["url"])
    with ctx.db.write() as conn:
        table = _open_table(conn, user, table_id)
        w = s.webhooks
        count = s.count_rows(conn, w, w.c.table_id == table.id)
        if count >= ctx.settings.webhooks_max_per_table:
            raise TableWebhookMaxLimitExceeded(ctx.settings.webhooks_max_per_table)
        include_all = bool(data.get("include_all_events", True))
        configs = (
            [] if include_all else _event_configs(data.get("events"), data.get("event_config"))
        )
        _check_config_fields(conn, table, configs)
        now = ctx.clock()
        webhook_id = s.new_id(
            conn.execute(
                w.insert().values(
                    table_id=table.id,
                    name=data["name"],
                    url=data["url"],
                    request_method=data.get("request_method", "POST"),
                    headers=dict(data.get("headers") or {}),
                    include_all_events=include_all,
                    use_user_field_names=bool(data.get("use_user_field_names", True)),
                    active=True,
                    failed_triggers=0,
                    secret_encrypted=signing.encrypt(ctx.secret, signing.new_secret()),
                    created_on=now,
                    updated_on=now,
                )
            )
        )
        _write_events(conn, webhook_id, configs)
        return _load(conn, [_webhook_row(conn, webhook_id)])[0]


def update_webhook(ctx: Ctx, user: User, webhook_id: int, data: Mapping[str, Any]) -> Webhook:
    if "url" in data:
        check_url(ctx, data["url"])
    with ctx.db.write() as conn:
        row, table = _open_webhook(conn, user, webhook_id)
        values: dict[str, Any] = {
            k: data[k]
            for k in (
                "name",
                "url",
                "request_method",
                "include_all_events",
                "active",
                "use_user_field_names",
            )
            if k in data
        }
        if not row.active and data.get("active"):
            values["failed_triggers"] = 0  # re-enabling starts the failure count afresh (Baserow)
        if "headers" in data:
            values["headers"] = dict(data["headers"] or {})
        values["updated_on"] = ctx.clock()
        conn.execute(s.webhooks.update().where(s.webhooks.c.id == row.id).values(**values))
        if data.get("include_all_events") and not row.include_all_events:
            _write_events(conn, row.id, [])
        elif "events" in data or "event_config" in data:
            current = {c.event_type: c for c in _load(conn, [row])[0].events}
            names = data["events"] if data.get("events") is not None else list(current)
            by_type = {n: current.get(n, EventConfig(n)) for n in names}
            by_type.update(
                {c.event_type: c for c in _event_configs(None, data.get("event_config"))}
            )
            configs = list(by_type.values())
            _check_config_fields(conn, table, configs)
            _write_events(conn, row.id, configs)
        return _load(conn, [_webhook_row(conn, row.id)])[0]


def delete_webhook(ctx: Ctx, user: User, webhook_id: int) -> None:
    with ctx.db.write() as conn:
        row, _ = _open_webhook(conn, user, webhook_id)
        conn.execute(s.webhooks.delete().where(s.webhooks.c.id == row.id))


def get_secret(ctx: Ctx, user: User, webhook_id: int, *, rotate: bool = False) -> str:
    """The webhook's Standard Webhooks signing secret (an extension); `rotate` makes a new one."""
    with ctx.db.write() as conn:
        row, _ = _open_webhook(conn, user, webhook_id)
        secret = None if rotate else signing.decrypt(ctx.secret, row.secret_encrypted or "")
        if secret is None:
            secret = signing.new_secret()
            conn.execute(
                s.webhooks.update()
                .where(s.webhooks.c.id == row.id)
                .values(
                    secret_encrypted=signing.encrypt(ctx.secret, secret), updated_on=ctx.clock()
                )
            )
        return secret


# --- test call ------------------------------------------------------------------------------


def sample_row(ctx: Ctx, model: TableModel) -> dict[str, Any]:
    """Baserow's unsaved row: id 0, order 0 and every field at its type's default."""
    row: dict[str, Any] = {"id": 0, "order": format_order(0)}
    for field in model.fields:
        row[field.column_name] = ctx.field_types.get(field.type).sample_value(field)
    return row


def test_call(ctx: Ctx, user: User, table_id: int, data: Mapping[str, Any]) -> TestCallResult:
    """Send a sample payload of `event_type` to `url` now; nothing is logged or retried."""
    check_url(ctx, data["url"])
    with ctx.db.read() as conn:
        table = _open_table(conn, user, table_id)
        model = load.model_for(ctx, conn, table)
    names = (
        {f.column_name: f.name for f in model.fields}
        if data.get("use_user_field_names", True)
        else None
    )
    event_id = str(uuid.uuid4())
    payload = payloads.sample(data["event_type"], table, event_id, sample_row(ctx, model), names)
    call = delivery.build(
        method=data.get("request_method", "POST"),
        url=data["url"],
        headers=dict(data.get("headers") or {}),
        payload=payload,
        event_type=data["event_type"],
        event_id=event_id,
        secret=None,
        timestamp=int(ctx.clock().timestamp()),
    )
    allowed = None if ctx.settings.webhooks_allow_private_addresses else ssrf.is_public
    outcome = asyncio.run(_send_once(call, ctx.settings.webhooks_request_timeout_seconds, allowed))
    return TestCallResult(
        outcome.request or "", outcome.response or "", outcome.status, outcome.response is None
    )


async def _send_once(
    call: delivery.Call, timeout: float, allowed: ssrf.AddressCheck | None
) -> delivery.Outcome:
    async with httpx.AsyncClient(
        trust_env=False, timeout=timeout, verify=tls.client_context()
    ) as http:
        return await delivery.send(http, call, timeout=timeout, allowed=allowed)

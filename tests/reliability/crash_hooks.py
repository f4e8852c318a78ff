"""Crash suite, webhooks: every write that happened is delivered (at least once, across the
kills), and nothing is delivered for a write that did not happen.

A write's event is identified by what it carries: rows.created by (row id, token),
rows.updated by (row id, version), rows.deleted by row id. A batch is one event.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from gridbase.app import build_context
from gridbase.config import Settings
from gridbase.storage import schema as s
from tests.helpers import eventually
from tests.reliability.crash_writers import Op, Writer
from tests.webhooks.receiver import Receiver

Key = tuple[str, int, str]  # (event type, row id, token or version)


@dataclass
class Deliveries:
    expected: int = 0  # events of writes that happened (one per request)
    delivered: int = 0  # of those, delivered
    received: int = 0  # calls the receiver got (retries and re-deliveries included)
    problems: list[str] = field(default_factory=list)


def keys(op: Op) -> set[Key]:
    if op.kind.startswith("create"):
        return {("rows.created", op.ids[t], t) for t in op.tokens}
    if op.kind.startswith("update"):
        return {("rows.updated", op.ids[t], str(op.new[t])) for t in op.tokens}
    return {("rows.deleted", op.ids[t], "") for t in op.tokens}


def received_keys(bodies: list[Any]) -> tuple[set[Key], list[list[str]]]:
    """The keys of every delivered event, and the tokens of each rows.created event."""
    found: set[Key] = set()
    created: list[list[str]] = []
    for body in bodies:
        kind = body.get("event_type")
        if kind == "rows.created":
            found |= {(kind, i["id"], i["Name"]) for i in body["items"]}
            created.append([i["Name"] for i in body["items"]])
        elif kind == "rows.updated":
            found |= {(kind, i["id"], i["Version"]) for i in body["items"]}
        elif kind == "rows.deleted":
            found |= {(kind, i, "") for i in body["row_ids"]}
    return found, created


def check_deliveries(
    receiver: Receiver, writers: list[Writer], settings: Settings, timeout: float
) -> Deliveries:
    happened = [op for w in writers for op in w.ops if op.status in ("acked", "applied")]
    # a delete that did not happen may be made later by another request: only rows still
    # there at the end must have no delete event
    not_happened = [
        Op(op.kind, [t for t in op.tokens if not w.rows[t].deleted], op.old, op.new, op.ids)
        if op.kind.startswith("delete")
        else op
        for w in writers
        for op in w.ops
        if op.status == "not_applied"
    ]
    wanted = set().union(*(keys(op) for op in happened)) if happened else set()
    d = Deliveries(expected=len(happened))
    with contextlib.suppress(AssertionError):  # reported below, key by key
        eventually(lambda: wanted <= received_keys(receiver.bodies())[0] or None, timeout)
    found, created = received_keys(receiver.bodies())
    d.received = len(receiver.calls())
    d.delivered = sum(1 for op in happened if keys(op) <= found)
    for op in happened:
        if not keys(op) <= found:
            d.problems.append(f"LOST EVENT: {op.kind} {sorted(keys(op) - found)} never delivered")
        elif op.kind == "create_batch" and op.tokens not in created:
            d.problems.append(f"batch create {op.tokens} was not delivered as one event")
    for op in not_happened:  # (a create that did not happen has no row id: by token)
        if op.kind.startswith("create"):
            delivered = set(op.tokens) & {k[2] for k in found if k[0] == "rows.created"}
        else:
            delivered = {str(k) for k in keys(op) & found}
        if delivered:
            d.problems.append(f"{op.kind} {op.tokens} did not happen, yet {delivered} delivered")
    ctx = build_context(settings)
    try:

        def drained() -> bool | None:
            with ctx.db.read() as conn:
                left = conn.execute(sa.select(sa.func.count()).select_from(s.outbox)).scalar()
            return True if not left else None

        try:
            eventually(drained, timeout=timeout)
        except AssertionError:
            d.problems.append("the webhook outbox still holds events after every delivery")
    finally:
        ctx.db.dispose()
    return d

"""Idempotency-Key on row writes: the first answer to a write sent with a key is kept with
the key (storage.kept.idempotency) in the write's own transaction, and a repeat of the
request gets that answer again without writing (and so without webhooks).

The key belongs to its sender: a user (JWT) or a database token, never shared between them.
A repeat must be the same request: the same method, path (with its query) and body, else
422 ERROR_IDEMPOTENCY_KEY_REUSED. Client errors are kept too (a retried request must answer
as the first did), except those that say nothing about the request itself (401, 403, 409,
429): those and server errors roll the key back with everything else, so a retry runs anew.
Imports: core.context, core.permissions, errors, storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import GridbaseError, IdempotencyKeyInvalid, IdempotencyKeyReused
from gridbase.storage import group_commit
from gridbase.storage.kept import idempotency as store

MAX_KEY_LENGTH = 255
NOT_KEPT = frozenset({401, 403, 409, 429})


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request sent with an Idempotency-Key."""

    key: str
    method: str
    path: str  # with its query string: it shapes the answer (user_field_names, ...)
    fingerprint: str  # of what else the request said (its body, its If-Match)

    @staticmethod
    def of(key: str, method: str, path: str, *parts: bytes) -> Attempt:
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            raise IdempotencyKeyInvalid()
        digest = hashlib.sha256()
        for part in parts:
            digest.update(len(part).to_bytes(8, "big") + part)
        return Attempt(key, method, path, digest.hexdigest())


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False


def scope(actor: Actor) -> str:
    return f"token:{actor.token.id}" if actor.token is not None else f"user:{actor.user.id}"


def run(
    ctx: Ctx,
    actor: Actor,
    attempt: Attempt,
    write: Callable[[], Answer],
    refused: Callable[[GridbaseError], Answer],
) -> Answer:
    """The stored answer to `attempt`'s key, or `write()`'s (or, when it raised a client
    error, `refused(error)`'s) stored with the key in the write's transaction."""
    with ctx.db.read() as conn:  # a repeat is answered without taking the writer
        kept = store.find(conn, scope(actor), attempt.key)
    if kept is not None:
        return _replay(kept, attempt)
    with ctx.db.write(group=True) as conn:
        held = store.claim(
            conn,
            scope=scope(actor),
            key=attempt.key,
            method=attempt.method,
            path=attempt.path,
            fingerprint=attempt.fingerprint,
            now=ctx.clock(),
            wait_seconds=ctx.settings.idempotency_wait_seconds,
        )
        if isinstance(held, store.Stored):  # it was being written: the first one's answer
            return _replay(held, attempt)
        try:
            # the service's own write joins this transaction; its failure is undone alone
            with group_commit.savepoint(conn), ctx.db.joined(conn):
                answer = write()
        except GridbaseError as exc:
            if exc.status >= 500 or exc.status in NOT_KEPT:
                raise
            answer = refused(exc)
        store.finish(conn, held, answer.status, answer.body, answer.headers)
        return answer


def _replay(kept: store.Stored, attempt: Attempt) -> Answer:
    if (kept.method, kept.path, kept.fingerprint) != (
        attempt.method,
        attempt.path,
        attempt.fingerprint,
    ):
        raise IdempotencyKeyReused()
    return Answer(kept.status, kept.body, kept.headers, replayed=True)


def purge(ctx: Ctx) -> int:
    """Forget the keys older than GRIDBASE_IDEMPOTENCY_RETENTION_HOURS; how many went."""
    cutoff = ctx.clock() - timedelta(hours=ctx.settings.idempotency_retention_hours)
    with ctx.db.write() as conn:
        return store.purge(conn, cutoff)

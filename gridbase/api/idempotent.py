"""The Idempotency-Key header on row writes: a write endpoint hands its work here as one
function from the caller to its response; without the header it simply runs (Baserow's
answer, unchanged), with it core.idempotency keeps or replays the answer.
Imports: api (deps, handlers), core (idempotency, tokens), errors."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, Response

from gridbase.api.deps import with_www
from gridbase.api.handlers import render_error
from gridbase.core import idempotency, tokens
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import GridbaseError

Caller = Actor | tokens.TokenKey
REPLAYED = "Idempotent-Replayed"
KEPT_HEADERS = ("content-type", "etag", "www-authenticate")


def _answer(response: Response) -> idempotency.Answer:
    headers = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
    return idempotency.Answer(response.status_code, bytes(response.body), headers)


def _response(answer: idempotency.Answer) -> Response:
    headers = dict(answer.headers)
    if answer.replayed:
        headers[REPLAYED] = "true"
    return Response(answer.body, status_code=answer.status, headers=headers)


async def respond(
    request: Request,
    ctx: Ctx,
    caller: Caller,
    produce: Callable[[Caller], Response],
) -> Response:
    """`produce(caller)` (blocking: one service call and its rendering), run once per
    Idempotency-Key when the request carries one."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return await with_www(ctx.call(produce, caller))
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = await request.body()
    if_match = request.headers.get("if-match", "").encode()
    attempt = idempotency.Attempt.of(key, request.method, path, body, if_match)
    # the key belongs to the token, not to whoever knows its key: authenticate it first
    actor = (
        caller
        if isinstance(caller, Actor)
        else await with_www(ctx.call(tokens.authenticate, ctx, caller.key))
    )

    def refused(exc: GridbaseError) -> idempotency.Answer:
        return _answer(render_error(exc))

    answer = await with_www(
        ctx.call(idempotency.run, ctx, actor, attempt, lambda: _answer(produce(actor)), refused)
    )
    return _response(answer)

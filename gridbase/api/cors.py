"""CORS as Baserow sends it (django-cors-headers with every origin allowed): any page may
call the API from a browser, without cookies (the API reads its credentials from headers).

Every response says `Vary: origin`; one to a request with an Origin header also says
`Access-Control-Allow-Origin: *`. A preflight (OPTIONS with Origin and
Access-Control-Request-Method) is answered here, 200 and empty, for any path. A front layer
(app.front_layers), so the hot routes get it too. Imports: starlette.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Baserow 1.35.3's CORS_ALLOW_HEADERS: django-cors-headers' defaults and its own
ALLOW_HEADERS = (
    b"accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with, "
    b"WebsocketId, Baserow-View-Authorization, ClientSessionId, ClientUndoRedoActionGroupId, "
    b"UserSourceAuthorization"
)
ALLOW_METHODS = b"DELETE, GET, OPTIONS, PATCH, POST, PUT"
MAX_AGE = b"86400"
VARY = (b"vary", b"origin")
ANY_ORIGIN = (b"access-control-allow-origin", b"*")


class Cors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in scope["headers"]}
        cross_origin = b"origin" in names
        if (
            cross_origin
            and scope["method"] == "OPTIONS"
            and b"access-control-request-method" in names
        ):
            await _preflight(send)
            return
        added = [VARY, ANY_ORIGIN] if cross_origin else [VARY]

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *added]
            await send(message)

        await self.app(scope, receive, with_cors)


async def _preflight(send: Send) -> None:
    headers = [
        (b"content-length", b"0"),
        (b"content-type", b"text/html; charset=utf-8"),
        VARY,
        ANY_ORIGIN,
        (b"access-control-allow-headers", ALLOW_HEADERS),
        (b"access-control-allow-methods", ALLOW_METHODS),
        (b"access-control-max-age", MAX_AGE),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b""})

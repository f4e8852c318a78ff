"""One webhook HTTP call with httpx, and the call-log text Baserow keeps for it.

Request log:  "METHOD url\r\n<headers>\r\n\r\n<JSON body, indent 4>"
Response log: "<headers>\r\n\r\n<JSON body indent 4, or text>"
When the SSRF guard is on, the call connects to the address that was checked (the
URL's host goes in the Host header and TLS SNI) and every redirect hop is checked again.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from gridbase.webhooks import signing, ssrf

MAX_LOG_CHARS = 100_000
MAX_RESPONSE_BYTES = 1_000_000
MAX_REDIRECTS = 10
TRUNCATED = "\n...(truncated)\n"


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    headers: dict[str, str]
    body: str
    event_type: str
    event_id: str


@dataclass(frozen=True)
class Outcome:
    ok: bool
    request: str | None
    response: str | None
    status: int | None
    error: str
    duration_ms: int


def build(
    *,
    method: str,
    url: str,
    headers: dict[str, str],
    payload: Any,
    event_type: str,
    event_id: str,
    secret: str | None,
    timestamp: int,
) -> Call:
    """Configured headers, then Baserow's, then the Standard Webhooks signature."""
    body = json.dumps(payload)
    all_headers = dict(headers)
    all_headers.update(
        {
            "Content-type": "application/json",
            "X-Baserow-Event": event_type,
            "X-Baserow-Delivery": event_id,
        }
    )
    all_headers.update(signing.headers(secret, event_id, timestamp, body))
    return Call(method, url, all_headers, body, event_type, event_id)


def truncate_middle(text: str, limit: int = MAX_LOG_CHARS) -> str:
    if len(text) <= limit:
        return text
    keep = limit - len(TRUNCATED)
    return text[: keep // 2] + TRUNCATED + text[len(text) - (keep - keep // 2) :]


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=4)
    except ValueError:
        return text


def format_request(call: Call, sent: httpx.Request | None) -> str:
    headers = _raw(sent.headers) if sent is not None else list(call.headers.items())
    lines = "\r\n".join(f"{k}: {v}" for k, v in headers if k.lower() != "host")
    return truncate_middle(f"{call.method} {call.url}\r\n{lines}\r\n\r\n{_pretty(call.body)}")


def format_response(response: httpx.Response, body: bytes) -> str:
    lines = "\r\n".join(f"{k}: {v}" for k, v in _raw(response.headers))
    return truncate_middle(
        f"{lines}\r\n\r\n{_pretty(body.decode(response.encoding or 'utf-8', 'replace'))}"
    )


def _raw(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Header names as sent / received (httpx's items() lower-cases them)."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]


def _pinned(url: str, target: ssrf.Target, ip: ssrf.IP) -> str:
    parts = urlsplit(url)
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    return urlunsplit((parts.scheme, f"{host}:{target.port}", parts.path or "/", parts.query, ""))


async def _one_hop(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    headers: dict[str, str],
    body: str | None,
    allowed: ssrf.AddressCheck | None,
) -> tuple[httpx.Request, httpx.Response, bytes]:
    extensions: dict[str, Any] = {}
    send_url, send_headers = url, dict(headers)
    if allowed is not None:
        target, addresses = await ssrf.resolve_async(url, allowed)
        send_url = _pinned(url, target, addresses[0])
        send_headers["Host"] = urlsplit(url).netloc.rpartition("@")[2]
        if target.scheme == "https":
            extensions["sni_hostname"] = target.host
    request = http.build_request(
        method, send_url, headers=send_headers, content=body, extensions=extensions
    )
    response = await http.send(request, stream=True)
    try:
        chunks, size = [], 0
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_RESPONSE_BYTES:
                break
    finally:
        await response.aclose()
    return request, response, b"".join(chunks)


async def _send(
    http: httpx.AsyncClient, call: Call, allowed: ssrf.AddressCheck | None
) -> tuple[httpx.Request, httpx.Response, bytes]:
    method, url = call.method, call.url
    body: str | None = call.body
    headers = dict(call.headers)
    first: httpx.Request | None = None
    for _ in range(MAX_REDIRECTS + 1):
        request, response, content = await _one_hop(http, method, url, headers, body, allowed)
        first = first or request
        location = response.headers.get("location")
        if response.status_code not in (301, 302, 303, 307, 308) or not location:
            return first, response, content
        url = urljoin(url, location)
        if response.status_code in (301, 302, 303) and method != "HEAD":
            method, body = "GET", None
            headers = {
                k: v
                for k, v in headers.items()
                if k.lower() not in ("content-type", "content-length")
            }
    raise httpx.TooManyRedirects(f"Exceeded {MAX_REDIRECTS} redirects.", request=first)


async def send(
    http: httpx.AsyncClient, call: Call, *, timeout: float, allowed: ssrf.AddressCheck | None
) -> Outcome:
    """Deliver `call`; success is a response with status < 400 within `timeout` seconds.
    `allowed` is None when private addresses are allowed (no address check, no pinning)."""
    started = time.monotonic()
    sent: httpx.Request | None = None
    try:
        async with asyncio.timeout(timeout):
            sent, response, content = await _send(http, call, allowed)
    except ssrf.UnsafeUrl as exc:
        return Outcome(False, None, None, None, str(exc), _ms(started))
    except TimeoutError:
        return Outcome(
            False,
            format_request(call, sent),
            None,
            None,
            f"Read timed out. (timeout={timeout:g})",
            _ms(started),
        )
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        request = exc.request if isinstance(exc, httpx.RequestError) and _has_request(exc) else sent
        return Outcome(
            False,
            format_request(call, request),
            None,
            None,
            str(exc) or type(exc).__name__,
            _ms(started),
        )
    return Outcome(
        response.status_code < 400,
        format_request(call, sent),
        format_response(response, content),
        response.status_code,
        "",
        _ms(started),
    )


def _has_request(exc: httpx.RequestError) -> bool:
    try:
        exc.request  # noqa: B018  # the property raises RuntimeError when httpx attached none
    except RuntimeError:
        return False
    return True


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)

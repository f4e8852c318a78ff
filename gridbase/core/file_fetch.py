"""Downloading a file for upload-via-url: http(s) only, at most the upload size limit, within
10 seconds (Baserow's timeout), redirects followed. Unless private addresses are allowed,
every hop's host must resolve to public addresses only (webhooks.ssrf, the webhooks' guard)
and the request goes to the address that was checked, so a DNS answer that changes in
between cannot lead it inside. Imports: errors, webhooks.ssrf, httpx.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO, cast
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from gridbase.errors import FileSizeTooLarge, FileUrlCouldNotBeReached
from gridbase.webhooks import ssrf

TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 30  # requests' default, which Baserow's advocate uses
SPOOL_BYTES = 1024 * 1024


@dataclass
class Fetched:
    body: BinaryIO  # a spooled temporary file, at its start
    content_type: str


def _pinned(url: str, target: ssrf.Target, ip: ssrf.IP) -> str:
    parts = urlsplit(url)
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    return urlunsplit((parts.scheme, f"{host}:{target.port}", parts.path or "/", parts.query, ""))


async def fetch(url: str, limit: int, allow_private: bool) -> Fetched:
    """The body at `url`; FileUrlCouldNotBeReached for anything that goes wrong on the way
    (refused address, no answer, an answer that is not 2xx), FileSizeTooLarge past `limit`."""
    try:
        async with (
            asyncio.timeout(TIMEOUT_SECONDS),
            httpx.AsyncClient(follow_redirects=False, verify=True) as http,
        ):
            return await _follow(http, url, limit, allow_private)
    except (ssrf.UnsafeUrl, httpx.HTTPError, httpx.InvalidURL, TimeoutError, OSError, ValueError):
        raise FileUrlCouldNotBeReached() from None


async def _follow(http: httpx.AsyncClient, url: str, limit: int, allow_private: bool) -> Fetched:
    for _ in range(MAX_REDIRECTS + 1):
        extensions: dict[str, Any] = {}
        send_url, headers = url, {}
        if not allow_private:
            target, addresses = await ssrf.resolve_async(url)
            send_url = _pinned(url, target, addresses[0])
            headers["Host"] = urlsplit(url).netloc.rpartition("@")[2]
            if target.scheme == "https":
                extensions["sni_hostname"] = target.host
        request = http.build_request("GET", send_url, headers=headers, extensions=extensions)
        response = await http.send(request, stream=True)
        try:
            location = response.headers.get("location")
            if response.status_code in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            if not response.is_success:
                raise FileUrlCouldNotBeReached()  # Baserow's one wording for every failure
            return await _read(response, limit)
        finally:
            await response.aclose()
    raise FileUrlCouldNotBeReached()


async def _read(response: httpx.Response, limit: int) -> Fetched:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FileSizeTooLarge(limit)
    # the caller closes it (Fetched.body); closed here when the download fails
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise FileSizeTooLarge(limit)
            body.write(chunk)
    except BaseException:
        body.close()
        raise
    body.seek(0)
    return Fetched(cast(BinaryIO, body), response.headers.get("content-type", ""))

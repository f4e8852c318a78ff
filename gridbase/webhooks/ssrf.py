"""SSRF guard: webhooks may not call private, loopback, link-local or otherwise
non-public addresses unless GRIDBASE_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is set.

The URL is checked when a webhook is saved and again at every delivery, on the
addresses its host resolves to then; the delivery connects to the checked address
(see delivery.py), so a DNS answer that changes in between cannot redirect it inside.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[IP], bool]


class UnsafeUrl(Exception):
    """The URL is malformed, does not resolve, or points at a forbidden address."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int


def is_public(ip: IP) -> bool:
    """True for globally routable unicast addresses only."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def parse(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"Invalid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("Invalid URL: only http and https URLs with a host are allowed")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80))


def _checked(target: Target, infos: list[tuple[object, ...]], allowed: AddressCheck) -> list[IP]:
    addresses: list[IP] = []
    for info in infos:
        sockaddr = info[4]
        assert isinstance(sockaddr, tuple)
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not allowed(ip):
            raise UnsafeUrl(
                f"The address {ip} of {target.host} is not allowed (private or reserved network)"
            )
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnsafeUrl(f"{target.host} does not resolve")
    return addresses


def resolve(url: str, allowed: AddressCheck = is_public) -> tuple[Target, list[IP]]:
    """Blocking: parse, resolve, and refuse when any address is not allowed."""
    target = parse(url)
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"{target.host} does not resolve: {exc}") from None
    return target, _checked(target, list(infos), allowed)


async def resolve_async(url: str, allowed: AddressCheck = is_public) -> tuple[Target, list[IP]]:
    target = parse(url)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"{target.host} does not resolve: {exc}") from None
    return target, _checked(target, list(infos), allowed)


def check_url(url: str, allow_private: bool) -> None:
    """Validation when a webhook is saved (Baserow skips it entirely when private
    addresses are allowed, which the golden transcript shows)."""
    if allow_private:
        return
    resolve(url)

"""SSRF guard: private/loopback/link-local targets are refused when saved and when delivered."""

from __future__ import annotations

import ipaddress

import pytest

from gridbase.config import Settings
from gridbase.core.context import Ctx
from gridbase.webhooks import ssrf
from tests.conftest import Api
from tests.helpers import assert_error
from tests.webhooks.conftest import make_hook, outbox_size, pump
from tests.webhooks.receiver import Receiver


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not ssrf.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert ssrf.is_public(ipaddress.ip_address(address))


def test_saving_a_private_url_is_refused(api: Api, ctx: Ctx, receiver: Receiver) -> None:
    table = api.table(api.database(), data=[["Name"]])
    ctx.settings.webhooks_allow_private_addresses = False
    for url in (
        receiver.url(),
        "http://localhost/x",
        "http://[::1]/x",
        "ftp://example.com/",
        "not a url",
    ):
        body = assert_error(
            api.post(f"/api/database/webhooks/table/{table}/", {"url": url, "name": "n"}),
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        )
        assert body["detail"] == {"url": [{"error": "Invalid URL", "code": "invalid_url"}]}
    body = assert_error(
        api.post(
            f"/api/database/webhooks/table/{table}/test-call/",
            {"url": receiver.url(), "event_type": "rows.created"},
        ),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"] == {"url": [{"error": "Invalid URL", "code": "invalid_url"}]}
    assert receiver.calls() == []


def test_delivery_checks_the_resolved_address(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table = api.table(api.database(), data=[["Name"]])
    hook = make_hook(api, table, receiver.url())  # saved while private addresses were allowed
    strict = manual.model_copy(
        update={"webhooks_allow_private_addresses": False, "webhooks_max_retries_per_call": 0}
    )
    api.ok(api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "a"}))
    pump(ctx, lambda: True if outbox_size(ctx) == 0 else None, settings=strict)
    [logged] = api.ok(api.get(f"/api/database/webhooks/{hook['id']}/"))["calls"]
    assert "127.0.0.1" in logged["error"] and "not allowed" in logged["error"]
    assert (logged["response_status"], logged["request"], logged["response"]) == (None, "", "")
    assert receiver.calls() == []


def test_delivery_connects_to_the_checked_address(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table = api.table(api.database(), data=[["Name"]])
    url = f"http://localhost:{receiver.port}/pinned"
    make_hook(api, table, url)
    api.ok(api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "a"}))
    # the guard path with loopback allowed: resolve, check, connect to that address
    [call] = pump(ctx, lambda: receiver.count(1), address_check=lambda ip: ip.is_loopback)
    assert call.path == "/pinned" and call.headers["Host"] == f"localhost:{receiver.port}"
    assert call.body["items"][0]["Name"] == "a"

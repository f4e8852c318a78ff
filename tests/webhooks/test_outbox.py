"""The outbox commits with the change: a rolled-back write sends nothing."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from gridbase.core.context import Ctx
from tests.conftest import Api
from tests.helpers import eventually
from tests.webhooks.conftest import make_hook, outbox_size
from tests.webhooks.receiver import Receiver


class AfterEnqueue(Exception):
    pass


@pytest.mark.unexpected_errors
def test_rollback_sends_nothing(api: Api, ctx: Ctx, receiver: Receiver) -> None:
    table = api.table(api.database(), data=[["Name"]])
    make_hook(api, table, receiver.url())
    extensions = ctx.ext
    outbox = extensions.events

    class FailingOutbox:
        def listens(self, *args: Any) -> bool:
            return outbox.listens(*args)

        def enqueue(self, *args: Any) -> str | None:
            outbox.enqueue(*args)
            raise AfterEnqueue()  # the transaction that wrote the outbox row rolls back

    ctx.ext = dataclasses.replace(extensions, events=FailingOutbox())
    # the failure is answered as any unexpected error (a logged 500), after the rollback
    failed = api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "ghost"})
    assert (failed.status_code, failed.json()["error"]) == (500, "ERROR_INTERNAL")
    ctx.ext = extensions
    api.ok(api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "real"}))
    [call] = eventually(lambda: receiver.count(1))  # deliveries to one webhook keep their order
    assert [r["Name"] for r in call.body["items"]] == ["real"]
    eventually(lambda: True if outbox_size(ctx) == 0 else None)
    assert len(receiver.calls()) == 1
    assert [r["Name"] for r in api.rows(table)] == ["real"]

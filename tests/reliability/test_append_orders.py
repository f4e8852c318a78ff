"""Row orders of concurrent appends (PostgreSQL): a single-row append picks its order
without waiting for other appends to the same table and settles it once read back (core.rows.
_settle_appended), so orders stay unique and follow the commits, and a create does not wait
for another one's whole transaction (batches take the order lock as they pick)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from gridbase.core import rows
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.models import User
from gridbase.usertable import load
from tests.conftest import Api


def test_an_append_does_not_wait_for_another_and_both_keep_unique_orders(
    api: Api, ctx: Ctx, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite takes one write at a time")
    table = api.table(api.database(api.workspace()), data=[["Name"], ["a"], ["b"]])
    path = f"/api/database/rows/table/{table}/"
    me = api.user
    actor = Actor(User(me["id"], me["username"], me["first_name"], False, True, "en"))
    with ThreadPoolExecutor(1) as pool, ctx.db.write() as conn:  # rolled back first
        model = load.model_for(ctx, conn, load.load_table(conn, table))
        ids = rows.insert_rows(
            ctx, conn, model.table, [{}], by_name=False, user_id=me["id"], index_rows=False
        )
        # another append commits while this one is open: it used to wait for this commit
        other = pool.submit(api.post, path, {"Name": "other"}, params={"user_field_names": 1})
        answer = other.result(timeout=30)
        assert answer.status_code == 200, answer.text
        assert Decimal(answer.json()["order"]) == 3  # as if this one were not there
        created, _ = rows.finish_creates(
            ctx, conn, model, actor, ids, batch=False, send_events=False, before_id=None
        )
        assert [Decimal(r["order"]) for r in created] == [4]  # moved past it
    listed = api.rows(table)
    assert [Decimal(r["order"]) for r in listed] == [1, 2, 3, 4]
    assert [r["id"] for r in listed] == [1, 2, answer.json()["id"], *ids]


def test_concurrent_creates_get_unique_orders_in_listing_order(api: Api) -> None:
    table = api.table(api.database(api.workspace()), data=[["Name"], ["a"]])
    path = f"/api/database/rows/table/{table}/"
    batch = {"items": [{}, {}, {}]}
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda i: api.post(path if i % 2 else f"{path}batch/", {} if i % 2 else batch),
                range(32),
            )
        )
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    listed = api.rows(table)
    orders = [Decimal(r["order"]) for r in listed]
    assert len(listed) == 1 + 16 + 16 * 3
    assert orders == sorted(set(orders))  # unique, and the listing follows them
    assert all(o == o.to_integral_value() for o in orders)  # appends stay whole numbers

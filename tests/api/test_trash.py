"""The trash of rows (gridbase/core/trash.py): what a restore brings back, what emptying and
the retention sweep delete for good, and what reads show meanwhile. Baserow's answers are
checked by tests/compat (scenarios/trash.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.core import cleanup
from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from tests.conftest import Api
from tests.helpers import assert_error

NAMES = "?user_field_names=true"


def _trash(api: Api, workspace: int, **params: Any) -> list[dict[str, Any]]:
    return list(api.ok(api.get(f"/api/trash/workspace/{workspace}/", params=params))["results"])


def _restore(api: Api, kind: str, item: int, parent: int) -> Any:
    body = {"trash_item_type": kind, "trash_item_id": item, "parent_trash_item_id": parent}
    return api.patch("/api/trash/restore/", body)


def _kept(ctx: Ctx) -> tuple[int, int]:
    """(trash entries, trashed rows) in the metadata database."""
    with ctx.db.read() as conn:
        return (
            s.count_rows(conn, s.trash_entries, sa.true()),
            s.count_rows(conn, s.trashed_rows, sa.true()),
        )


def _setup(api: Api) -> tuple[int, int, int]:
    """(workspace, table A with typed fields, table B linking to A), rows filled in."""
    ws = api.workspace()
    db = api.database(ws)
    a = api.table(db, "A", [["Name"], ["a1"], ["a2"], ["a3"]])
    api.field(a, "Qty", "number", number_decimal_places=2)
    api.field(a, "Done", "boolean")
    api.field(a, "When", "date", date_include_time=True)
    tags = api.field(a, "Tags", "multiple_select", select_options=[{"value": "x", "color": "red"}])
    api.field(a, "Meta", "long_text")
    b = api.table(db, "B", [["Name"], ["b1"], ["b2"]])
    link = api.field(b, "ToA", "link_row", link_row_table_id=a)
    api.field(b, "Count", "count", through_field_id=link["id"])
    option = tags["select_options"][0]["id"]
    api.ok(
        api.patch(
            f"/api/database/rows/table/{a}/2/{NAMES}",
            {
                "Qty": "1.25",
                "Done": True,
                "When": "2026-03-04T05:06:07Z",
                "Tags": [option],
                "Meta": "long\ntext",
            },
        )
    )
    api.ok(api.patch(f"/api/database/rows/table/{b}/1/{NAMES}", {"ToA": [1, 2]}))
    api.ok(api.patch(f"/api/database/rows/table/{b}/2/{NAMES}", {"ToA": [2]}))
    return ws, a, b


def test_restore_brings_back_the_row_its_values_and_links(api: Api, ctx: Ctx) -> None:
    ws, a, b = _setup(api)
    before = api.ok(api.get(f"/api/database/rows/table/{a}/2/{NAMES}"))
    b_before = api.rows(b, user_field_names="true")
    r = api.delete(f"/api/database/rows/table/{a}/2/")
    assert (r.status_code, r.content) == (204, b"")
    assert_error(api.get(f"/api/database/rows/table/{a}/2/"), 404, "ERROR_ROW_DOES_NOT_EXIST")
    assert [(r["Name"], [v["id"] for v in r["ToA"]], r["Count"]) for r in api.rows(
        b, user_field_names="true")] == [("b1", [1], "1"), ("b2", [], "0")]  # fmt: skip
    assert [r["id"] for r in api.rows(a)] == [1, 3]
    [entry] = _trash(api, ws)
    assert (entry["trash_item_type"], entry["trash_item_id"], entry["names"]) == ("row", 2, ["a2"])

    assert (_restore(api, "row", 2, a).status_code) == 204
    assert api.ok(api.get(f"/api/database/rows/table/{a}/2/{NAMES}")) == before
    assert api.rows(b, user_field_names="true") == b_before
    assert _trash(api, ws) == []
    assert _kept(ctx) == (0, 0)


def test_a_batch_is_one_entry_restored_at_once(api: Api) -> None:
    ws, a, b = _setup(api)
    api.ok(api.post(f"/api/database/rows/table/{a}/batch-delete/", {"items": [1, 2]}))
    [entry] = _trash(api, ws)
    assert (entry["trash_item_type"], entry["name"], entry["names"]) == ("rows", " ", ["a1", "a2"])
    assert [r["Count"] for r in api.rows(b, user_field_names="true")] == ["0", "0"]
    assert _restore(api, "rows", entry["trash_item_id"], a).status_code == 204
    assert [r["id"] for r in api.rows(a)] == [1, 2, 3]
    assert [r["Count"] for r in api.rows(b, user_field_names="true")] == ["2", "1"]


def test_a_new_row_never_takes_a_trashed_rows_id(api: Api) -> None:
    _ws, a, _b = _setup(api)
    api.ok(api.delete(f"/api/database/rows/table/{a}/3/"))
    created = api.ok(api.post(f"/api/database/rows/table/{a}/{NAMES}", {"Name": "new"}))
    assert created["id"] == 4
    assert _restore(api, "row", 3, a).status_code == 204
    assert [r["id"] for r in api.rows(a)] == [1, 2, 3, 4]


def test_both_ends_of_a_link_trashed_come_back_in_either_order(api: Api) -> None:
    _ws, a, b = _setup(api)
    api.ok(api.delete(f"/api/database/rows/table/{a}/2/"))
    api.ok(api.delete(f"/api/database/rows/table/{b}/2/"))
    assert _restore(api, "row", 2, a).status_code == 204  # its link's other row is trashed
    assert [r["id"] for r in api.rows(b)] == [1]
    assert _restore(api, "row", 2, b).status_code == 204
    assert [[v["id"] for v in r["ToA"]] for r in api.rows(b, user_field_names="true")] == [
        [1, 2],
        [2],
    ]


def test_a_field_changed_while_trashed(api: Api) -> None:
    _ws, a, _b = _setup(api)
    fields = {f["name"]: f for f in api.fields(a)}
    api.ok(api.delete(f"/api/database/rows/table/{a}/2/"))
    api.ok(api.delete(f"/api/database/fields/{fields['Meta']['id']}/"))
    api.ok(api.patch(f"/api/database/fields/{fields['Qty']['id']}/", {"type": "text"}))
    api.field(a, "Later", "boolean")
    api.field(a, "Number", "autonumber")
    api.field(a, "Uuid", "uuid")
    assert _restore(api, "row", 2, a).status_code == 204
    row = api.ok(api.get(f"/api/database/rows/table/{a}/2/{NAMES}"))
    assert (row["Name"], row["Qty"], row["Done"], row["Later"]) == ("a2", None, True, False)
    assert "Meta" not in row
    # server-made values: the next number (rows 1 and 3 had 1 and 2), a uuid of its own
    assert row["Number"] == 3 and len(row["Uuid"]) == 36
    assert row["Uuid"] not in {r["Uuid"] for r in api.rows(a) if r["id"] != 2}


def test_emptying_deletes_for_good(api: Api, ctx: Ctx) -> None:
    ws, a, _b = _setup(api)
    api.ok(api.delete(f"/api/database/rows/table/{a}/1/"))
    api.ok(api.post(f"/api/database/rows/table/{a}/batch-delete/", {"items": [2]}))
    assert _kept(ctx) == (2, 2)
    assert api.delete(f"/api/trash/workspace/{ws}/").status_code == 204
    assert _kept(ctx) == (0, 0)
    assert _trash(api, ws) == []
    assert_error(_restore(api, "row", 1, a), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")
    assert [r["id"] for r in api.rows(a)] == [3]


def test_deleting_the_table_takes_its_trash_along(api: Api, ctx: Ctx) -> None:
    ws, a, _b = _setup(api)
    api.ok(api.delete(f"/api/database/rows/table/{a}/1/"))
    api.ok(api.delete(f"/api/database/tables/{a}/"))  # the table goes to the trash too
    assert [e["trash_item_type"] for e in _trash(api, ws)] == ["table", "row"]
    api.ok(api.delete(f"/api/trash/workspace/{ws}/"))
    assert _trash(api, ws) == []
    assert _kept(ctx) == (0, 0)
    assert not sa.inspect(ctx.db.engine).has_table(f"database_table_{a}")


def test_retention_sweep_deletes_what_is_old_enough(api: Api, ctx: Ctx) -> None:
    ws, a, _b = _setup(api)
    api.ok(api.delete(f"/api/database/rows/table/{a}/1/"))
    now = ctx.clock()
    # 71 hours later: kept (72 by default, as Baserow)
    assert cleanup.run_once(replace(ctx, clock=lambda: now + timedelta(hours=71)))["trash"] == 0
    assert [e["trash_item_id"] for e in _trash(api, ws)] == [1]
    assert cleanup.run_once(replace(ctx, clock=lambda: now + timedelta(hours=72)))["trash"] == 1
    assert _trash(api, ws) == []
    assert _kept(ctx) == (0, 0)
    assert_error(_restore(api, "row", 1, a), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")


def test_retention_of_zero_hours(api: Api, ctx: Ctx) -> None:
    ws, a, _b = _setup(api)
    api.ok(api.delete(f"/api/database/rows/table/{a}/1/"))
    settings = ctx.settings.model_copy(update={"trash_retention_hours": 0})
    assert cleanup.run_once(replace(ctx, settings=settings))["trash"] == 1
    assert _trash(api, ws) == []


def test_full_text_search_sees_live_rows_only(api: Api) -> None:
    _ws, a, _b = _setup(api)

    def found(term: str) -> list[int]:
        rows = api.rows(a, search=term, search_mode="full-text-with-count")
        return [r["id"] for r in rows]

    assert found("a2") == [2]
    api.ok(api.delete(f"/api/database/rows/table/{a}/2/"))
    assert found("a2") == []
    assert _restore(api, "row", 2, a).status_code == 204
    assert found("a2") == [2]


def test_trash_of_another_users_workspace(api: Api) -> None:
    ws, a, _b = _setup(api)
    api.ok(api.delete(f"/api/database/rows/table/{a}/1/"))
    other = Api(api.client, "eve@example.com", "Eve")
    assert_error(other.get(f"/api/trash/workspace/{ws}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    assert_error(other.delete(f"/api/trash/workspace/{ws}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    assert_error(_restore(other, "row", 1, a), 400, "ERROR_USER_NOT_IN_GROUP")
    assert other.ok(other.get("/api/trash/")) == {"workspaces": []}
    assert [e["trash_item_id"] for e in _trash(api, ws)] == [1]


def test_application_id_that_is_not_a_number(api: Api) -> None:
    ws = api.workspace()
    r = api.get(f"/api/trash/workspace/{ws}/", params={"application_id": "x"})
    assert_error(r, 404, "ERROR_APPLICATION_DOES_NOT_EXIST")

"""Row history: what the row writes leave, in their own transaction; paging; retention;
adjacent rows through the real HTTP stack on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from gridbase.core import cleanup
from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from tests.conftest import Api
from tests.helpers import assert_error

NAMES = {"user_field_names": "true"}


def rows_path(table: int, row: int | None = None) -> str:
    return f"/api/database/rows/table/{table}/" + (f"{row}/" if row is not None else "")


def history(api: Api, table: int, row: int, **params: object) -> dict:
    return dict(api.ok(api.get(rows_path(table, row) + "history/", params=params)))


def test_updates_and_creates_leave_entries_with_only_the_changed_fields(api: Api) -> None:
    table = api.table(data=[["Name", "Notes"], ["a", "x"]])
    kind = api.field(
        table, "Kind", "single_select", select_options=[{"value": "r", "color": "red"}]
    )
    option = kind["select_options"][0]
    api.ok(api.patch(rows_path(table, 1), {"Name": "a2", "Notes": "x"}, params=NAMES))
    api.ok(api.patch(rows_path(table, 1), {"Kind": option["id"]}, params=NAMES))
    entries = history(api, table, 1)["results"]
    name = next(f for f in api.fields(table) if f["name"] == "Name")
    assert [e["after"] for e in entries] == [
        {f"field_{kind['id']}": option["id"]},
        {f"field_{name['id']}": "a2"},  # Notes was sent unchanged: not in the entry
    ]
    assert entries[0]["fields_metadata"][f"field_{kind['id']}"]["select_options"] == {
        str(option["id"]): option
    }
    assert entries[1]["user"] == {"id": api.user["id"], "name": "Ada"}
    created = api.ok(api.post(rows_path(table), {"Name": "new"}, params=NAMES))
    (entry,) = history(api, table, created["id"])["results"]
    assert (entry["action_type"], entry["before"], entry["after"]) == (
        "create_row",
        {f"field_{name['id']}": None},
        {f"field_{name['id']}": "new"},
    )


def test_a_refused_batch_leaves_no_entry(api: Api) -> None:
    table = api.table(data=[["Name"], ["a"], ["b"]])
    items = {"items": [{"id": 1, "Name": "changed"}, {"id": 999, "Name": "x"}]}
    assert_error(
        api.patch(rows_path(table) + "batch/", items, params=NAMES), 404, "ERROR_ROW_DOES_NOT_EXIST"
    )
    assert history(api, table, 1)["count"] == 0
    assert api.rows(table)[0]["Name"] == "a"


def test_a_batch_of_200_updates_writes_200_entries_and_pages_through_them(api: Api) -> None:
    table = api.table(data=[["Name"], *[[f"r{i}"] for i in range(200)]])
    items = [{"id": i, "Name": f"s{i}"} for i in range(1, 201)]
    api.ok(api.patch(rows_path(table) + "batch/", {"items": items}, params=NAMES))
    for i in (1, 200):
        assert history(api, table, i)["count"] == 1
    for n in range(3):
        api.ok(api.patch(rows_path(table, 7), {"Name": f"v{n}"}, params=NAMES))
    page = history(api, table, 7, limit=2, offset=1)
    assert page["count"] == 4
    assert [e["after"] for e in page["results"]] == [
        dict.fromkeys(page["results"][0]["after"], "v1"),
        dict.fromkeys(page["results"][0]["after"], "v0"),
    ]
    assert page["next"].endswith("/history/?limit=2&offset=3")
    assert page["previous"].endswith("/history/?limit=2")


def test_deleting_the_field_keeps_the_entries(api: Api) -> None:
    table = api.table(data=[["Name"], ["a"]])
    count = api.field(table, "Count", "number")
    api.ok(api.patch(rows_path(table, 1), {"Count": 3}, params=NAMES))
    api.ok(api.delete(f"/api/database/fields/{count['id']}/"))
    (entry,) = history(api, table, 1)["results"]
    assert entry["after"] == {f"field_{count['id']}": "3"}


def test_history_is_for_members_with_a_jwt(api: Api, client) -> None:
    table = api.table(data=[["Name"], ["a"]])
    other = Api(client, "other@example.com", "Other")
    assert_error(other.get(rows_path(table, 1) + "history/"), 400, "ERROR_USER_NOT_IN_GROUP")
    assert_error(api.get(rows_path(table, 9) + "history/"), 404, "ERROR_ROW_DOES_NOT_EXIST")
    assert client.get(rows_path(table, 1) + "history/").status_code == 401


def test_retention_purges_old_entries_and_zero_days_records_none(api: Api, ctx: Ctx) -> None:
    table = api.table(data=[["Name"], ["a"]])
    api.ok(api.patch(rows_path(table, 1), {"Name": "b"}, params=NAMES))
    real_clock = ctx.clock
    later = dataclasses.replace(ctx, clock=lambda: real_clock() + dt.timedelta(days=181))
    assert cleanup.run_once(ctx)["row_history"] == 0  # not old yet
    assert cleanup.run_once(later)["row_history"] == 1
    assert history(api, table, 1)["count"] == 0
    off = dataclasses.replace(
        ctx, settings=ctx.settings.model_copy(update={"row_history_retention_days": 0})
    )
    api.client.app.state.ctx = off
    try:
        api.ok(api.patch(rows_path(table, 1), {"Name": "c"}, params=NAMES))
    finally:
        api.client.app.state.ctx = ctx
    with ctx.db.read() as conn:
        assert s.count_rows(conn, s.row_history, sa.true()) == 0


def test_adjacent_rows_follow_the_view_sort_and_filter(api: Api) -> None:
    table = api.table(data=[["Name"], ["delta"], ["alpha"], ["charlie"], ["bravo"]])
    name = next(f for f in api.fields(table) if f["name"] == "Name")["id"]
    path = rows_path(table, 2) + "adjacent/"
    assert api.ok(api.get(path, params=NAMES))["Name"] == "charlie"
    assert api.ok(api.get(path, params={**NAMES, "previous": "1"}))["Name"] == "delta"
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"}))
    api.ok(
        api.post(f"/api/database/views/{view['id']}/sortings/", {"field": name, "order": "DESC"})
    )
    by_view = {**NAMES, "view_id": view["id"]}
    assert api.get(path, params=by_view).status_code == 204  # alpha is last: none after
    assert api.ok(api.get(path, params={**by_view, "previous": "1"}))["Name"] == "bravo"
    first = rows_path(table, 1) + "adjacent/"
    assert api.ok(api.get(first, params=by_view))["Name"] == "charlie"
    assert api.get(first, params={**by_view, "previous": "1"}).status_code == 204
    body = {"field": name, "type": "equal", "value": "alpha"}
    api.ok(api.post(f"/api/database/views/{view['id']}/filters/", body))
    assert_error(
        api.get(rows_path(table, 1) + "adjacent/", params=by_view), 404, "ERROR_ROW_DOES_NOT_EXIST"
    )


def test_a_link_change_leaves_entries_on_the_linked_rows(api: Api) -> None:
    """Linking, unlinking and deleting a row of T1 shows in the history of the T2 rows at
    the other side (only the rows added or removed); a link without a related field and
    a write that leaves the links as they were show nothing there."""
    db = api.database()
    t1 = api.table(db, "Orders", data=[["Name"], ["A"], ["A2"]])
    t2 = api.table(db, "Items", data=[["Name"], ["B"], ["C"]])
    items = api.field(t1, "Items", "link_row", link_row_table_id=t2, has_related_field=True)
    api.field(t1, "OneWay", "link_row", link_row_table_id=t2, has_related_field=False)
    related = f"field_{items['link_row_related_field_id']}"

    def sides(row: int) -> list[tuple[list[object], list[object], dict[str, object]]]:
        entries = history(api, t2, row)["results"]
        return [(e["before"][related], e["after"][related],
                 e["fields_metadata"][related]["linked_rows"]) for e in entries]  # fmt: skip

    api.ok(api.patch(rows_path(t1, 1), {"Items": [1, 2], "OneWay": [2]}, params=NAMES))
    api.ok(api.patch(rows_path(t1, 1), {"Items": [2]}, params=NAMES))
    api.ok(api.patch(rows_path(t1, 1), {"Items": [2], "Name": "A!"}, params=NAMES))
    api.ok(api.patch(rows_path(t1, 2), {"Items": [2]}, params=NAMES))
    assert sides(1) == [([1], [], {"1": {"value": "A"}}), ([], [1], {"1": {"value": "A"}})]
    assert sides(2) == [([], [2], {"2": {"value": "A2"}}), ([], [1], {"1": {"value": "A"}})]
    own = history(api, t1, 1)["results"][-1]["fields_metadata"][f"field_{items['id']}"]
    assert (own["primary_value"], own["linked_field_id"]) == (
        "A",
        items["link_row_related_field_id"],
    )
    assert api.delete(rows_path(t1, 1)).status_code == 204
    latest = history(api, t2, 2)["results"][0]
    assert (latest["action_type"], latest["before"], latest["after"]) == (
        "update_rows", {related: ["1"]}, {related: []}  # Baserow names it by its id as text
    )  # fmt: skip


def _restore(api: Api, kind: str, item: int, table: int) -> None:
    body = {"trash_item_type": kind, "trash_item_id": item, "parent_trash_item_id": table}
    assert api.patch("/api/trash/restore/", body).status_code == 204


def test_delete_and_restore_leave_entries_as_baserow(api: Api) -> None:
    """A deleted row's empty entry shows once it is back; a restore of a row deleted alone
    adds one and gives the linked rows theirs back, a batch's restore adds none."""
    db = api.database()
    t1 = api.table(db, "Orders", data=[["Name"], ["A"], ["A2"]])
    t2 = api.table(db, "Items", data=[["Name"], ["B"]])
    items = api.field(t1, "Items", "link_row", link_row_table_id=t2, has_related_field=True)
    related = f"field_{items['link_row_related_field_id']}"
    api.ok(api.patch(rows_path(t1, 1), {"Items": [1]}, params=NAMES))
    assert api.delete(rows_path(t1, 1)).status_code == 204
    _restore(api, "row", 1, t1)
    mine = history(api, t1, 1)["results"]
    assert [
        (e["action_type"], e["before"], e["after"], e["fields_metadata"]) for e in mine[:2]
    ] == [
        ("restore_from_trash", {}, {}, {}),
        ("delete_row", {}, {}, {}),
    ]
    back = history(api, t2, 1)["results"][0]
    assert (back["action_type"], back["before"], back["after"]) == (
        "update_rows", {related: []}, {related: [1]}
    )  # fmt: skip
    assert back["fields_metadata"][related]["linked_rows"] == {"1": {"value": "A"}}
    assert api.post(rows_path(t1) + "batch-delete/", {"items": [1, 2]}).status_code == 204
    ws = api.ok(api.get("/api/trash/"))["workspaces"][0]["id"]
    [entry] = api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"]
    _restore(api, "rows", entry["trash_item_id"], t1)
    assert [e["action_type"] for e in history(api, t1, 2)["results"]] == ["delete_rows"]
    # link, delete, restore, and the batch delete's entry twice: Baserow writes the linked
    # rows' entries after each deleted row
    assert history(api, t2, 1)["count"] == 5

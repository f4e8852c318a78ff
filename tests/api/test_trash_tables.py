"""Tables in the trash (core.trash_tables): hidden from every read with their fields,
views, rows and token grants, links into them from other tables trashed along, restored
whole, and dropped for good by emptying the trash or the retention sweep."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.core import cleanup
from gridbase.core.context import Ctx
from tests.conftest import Api
from tests.helpers import assert_error

MISSING = "ERROR_TABLE_DOES_NOT_EXIST"


def _restore(api: Api, table: int) -> Any:
    return api.patch("/api/trash/restore/", {"trash_item_type": "table", "trash_item_id": table})


def _setup(api: Api) -> tuple[int, int, int, int, dict[str, Any]]:
    ws = api.workspace()
    db = api.database(ws)
    a = api.table(db, "A", [["Name"], ["a1"], ["a2"]])
    b = api.table(db, "B", [["Name"], ["b1"], ["b2"]])
    link = api.field(a, "Link", "link_row", link_row_table_id=b)
    api.ok(api.patch(f"/api/database/rows/table/{a}/1/?user_field_names=true", {"Link": [2]}))
    return ws, db, a, b, link


def test_trash_hides_the_table_and_its_links_and_restore_brings_them_back(api: Api) -> None:
    _ws, db, a, b, link = _setup(api)
    view = api.ok(api.get(f"/api/database/views/table/{b}/"))[0]["id"]
    body = {"url": "https://example.com/h", "request_method": "POST", "name": "H",
            "include_all_events": True, "use_user_field_names": True}  # fmt: skip
    hook = api.ok(api.post(f"/api/database/webhooks/table/{b}/", body))["id"]
    api.ok(api.delete(f"/api/database/tables/{b}/"))
    # Baserow still answers a trashed table's webhook by its own id (recorded:
    # trash_tables_children); no event fires for a table in the trash
    assert api.ok(api.get(f"/api/database/webhooks/{hook}/"))["name"] == "H"
    assert_error(api.get(f"/api/database/tables/{b}/"), 404, MISSING)
    assert_error(api.get(f"/api/database/rows/table/{b}/"), 404, MISSING)
    assert_error(api.get(f"/api/database/views/{view}/"), 404, "ERROR_VIEW_DOES_NOT_EXIST")
    assert_error(api.get(f"/api/database/fields/{link['id']}/"), 404, "ERROR_FIELD_DOES_NOT_EXIST")
    assert [t["id"] for t in api.ok(api.get(f"/api/database/tables/database/{db}/"))] == [a]
    assert [f["name"] for f in api.fields(a)] == ["Name"]
    assert _restore(api, b).status_code == 204
    assert [t["id"] for t in api.ok(api.get(f"/api/database/tables/database/{db}/"))] == [a, b]
    assert [f["name"] for f in api.fields(a)] == ["Name", "Link"]
    assert [r["Link"] for r in api.rows(a, user_field_names="true")] == [
        [{"id": 2, "value": "b2", "order": "2.00000000000000000000"}],
        [],
    ]
    assert [r["Name"] for r in api.rows(b, user_field_names="true")] == ["b1", "b2"]
    assert api.ok(api.get(f"/api/database/webhooks/{hook}/"))["url"] == "https://example.com/h"
    assert_error(_restore(api, b), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")


def test_a_token_grant_on_a_trashed_table_is_hidden_then_back(api: Api) -> None:
    ws, _db, _a, b, _link = _setup(api)
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))
    headers = {"Authorization": f"Token {token['key']}"}
    api.ok(api.delete(f"/api/database/tables/{b}/"))
    answer = api.client.get(f"/api/database/rows/table/{b}/", headers=headers)
    assert answer.status_code == 404 and answer.json()["error"] == MISSING
    assert _restore(api, b).status_code == 204
    answer = api.client.get(f"/api/database/rows/table/{b}/", headers=headers)
    assert answer.status_code == 200 and answer.json()["count"] == 2


def test_a_table_restored_before_the_one_it_links_to_reads_and_writes_its_links(api: Api) -> None:
    # B's one-way link into A stays with B when B is trashed first; A's trash leaves it
    # there, and B comes back with it (as in Baserow 1.35.3, asked: its rows read and write
    # the links into the trashed A, which keep when A comes back)
    db = api.database()
    a = api.table(db, "A", [["Name"], ["a1"], ["a2"]])
    b = api.table(db, "B", [["Name"], ["b1"], ["b2"]])
    api.field(b, "L", "link_row", link_row_table_id=a, has_related_field=False)
    api.ok(api.patch(f"/api/database/rows/table/{b}/1/?user_field_names=true", {"L": [1, 2]}))
    assert api.delete(f"/api/database/tables/{b}/").status_code == 204
    assert api.delete(f"/api/database/tables/{a}/").status_code == 204
    assert _restore(api, b).status_code == 204
    assert [[v["id"] for v in r["L"]] for r in api.rows(b, user_field_names="true")] == [[1, 2], []]
    api.ok(api.patch(f"/api/database/rows/table/{b}/2/?user_field_names=true", {"L": [1]}))
    found = api.rows(b, user_field_names="true", search="b2")
    assert [[v["id"] for v in r["L"]] for r in found] == [[1]]
    assert _restore(api, a).status_code == 204
    assert [[v["value"] for v in r["L"]] for r in api.rows(b, user_field_names="true")] == [
        ["a1", "a2"],
        ["a1"],
    ]


def test_retention_sweep_drops_the_table_for_good(api: Api, ctx: Ctx) -> None:
    ws, _db, a, b, link = _setup(api)
    api.ok(api.delete(f"/api/database/tables/{b}/"))
    now = ctx.clock()
    later = replace(ctx, clock=lambda: now + timedelta(hours=72))
    assert cleanup.run_once(later)["trash"] == 1
    assert api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"] == []
    engine = sa.inspect(ctx.db.engine)
    assert not engine.has_table(f"database_table_{b}")
    assert not engine.has_table(f"database_relation_{link['id']}")
    assert_error(_restore(api, b), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")
    assert [f["name"] for f in api.fields(a)] == ["Name"]
    assert [r["Name"] for r in api.rows(a, user_field_names="true")] == ["a1", "a2"]


def test_children_of_a_trashed_table_are_missing_by_their_own_ids(api: Api) -> None:
    """What the compat scenario trash_tables_children cannot hold (raw ids in messages)."""
    _ws, db, a, b, _link = _setup(api)
    name = next(f for f in api.ok(api.get(f"/api/database/fields/table/{b}/")) if f["primary"])
    view = api.ok(api.get(f"/api/database/views/table/{a}/"))[0]["id"]
    api.ok(api.delete(f"/api/database/tables/{b}/"))
    # a field of a trashed table is no pk DRF accepts (Baserow: 400, not 404)
    body = {"field": name["id"], "type": "contains", "value": "y"}
    answer = assert_error(
        api.post(f"/api/database/views/{view}/filters/", body), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert answer["detail"]["field"][0]["code"] == "does_not_exist"
    answer = assert_error(
        api.post(f"/api/database/views/{view}/sortings/", {"field": name["id"]}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert answer["detail"]["field"][0]["code"] == "does_not_exist"
    assert_error(
        api.post(f"/api/database/tables/database/{db}/order/", {"table_ids": [b, a]}),
        400,
        "ERROR_TABLE_NOT_IN_DATABASE",
    )
    spec = api.ok(api.get(f"/api/database/{db}/openapi.json"))
    assert f"/api/database/rows/table/{a}/" in spec["paths"]
    assert not any(f"/table/{b}/" in path for path in spec["paths"])
    api.ok(_restore(api, b))
    spec = api.ok(api.get(f"/api/database/{db}/openapi.json"))
    assert f"/api/database/rows/table/{b}/" in spec["paths"]

"""Databases and workspaces in the trash (core.trash_apps): hidden with all they hold, their
tokens stop working, restored whole, and dropped for good (SQL tables included) by emptying
the trash or the retention sweep."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.core import cleanup
from gridbase.core.context import Ctx
from tests.conftest import Api
from tests.helpers import assert_error

PARENT_FIRST = "ERROR_CANNOT_RESTORE_PARENT_BEFORE_CHILD"


def _restore(api: Api, kind: str, item: int) -> Any:
    return api.patch("/api/trash/restore/", {"trash_item_type": kind, "trash_item_id": item})


def _token(api: Api, ws: int) -> dict[str, str]:
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))
    return {"Authorization": f"Token {token['key']}"}


def test_a_trashed_database_hides_its_tables_and_comes_back_whole(api: Api) -> None:
    ws = api.workspace()
    db, keep = api.database(ws), api.database(ws)
    a = api.table(db, "A", [["Name"], ["a1"], ["a2"]])
    b = api.table(db, "B", [["Name"], ["b1"]])
    headers = _token(api, ws)
    api.ok(api.delete(f"/api/database/tables/{b}/"))  # trashed on its own first
    assert api.delete(f"/api/applications/{db}/").status_code == 204
    assert_error(api.get(f"/api/applications/{db}/"), 404, "ERROR_APPLICATION_DOES_NOT_EXIST")
    assert [x["id"] for x in api.ok(api.get(f"/api/applications/workspace/{ws}/"))] == [keep]
    assert_error(api.get(f"/api/database/rows/table/{a}/"), 404, "ERROR_TABLE_DOES_NOT_EXIST")
    answer = api.client.get(f"/api/database/rows/table/{a}/", headers=headers)
    assert answer.status_code == 404 and answer.json()["error"] == "ERROR_TABLE_DOES_NOT_EXIST"
    assert_error(
        api.post(f"/api/applications/workspace/{ws}/order/", {"application_ids": [keep, db]}),
        400,
        "ERROR_APPLICATION_NOT_IN_GROUP",
    )
    structure = api.ok(api.get("/api/trash/"))["workspaces"][0]["applications"]
    assert [(x["id"], x["trashed"]) for x in structure] == [(db, True), (keep, False)]
    assert_error(_restore(api, "table", b), 400, PARENT_FIRST)
    assert _restore(api, "application", db).status_code == 204
    # the table trashed before its database stays in the trash
    assert [t["id"] for t in api.ok(api.get(f"/api/database/tables/database/{db}/"))] == [a]
    assert [r["Name"] for r in api.rows(a)] == ["a1", "a2"]
    assert _restore(api, "table", b).status_code == 204
    assert [r["Name"] for r in api.rows(b)] == ["b1"]


def test_a_trashed_workspace_hides_everything_and_its_tokens(api: Api) -> None:
    ws = api.workspace()
    db = api.database(ws)
    table = api.table(db, "A", [["Name"], ["a1"]])
    headers = _token(api, ws)
    assert api.delete(f"/api/workspaces/{ws}/").status_code == 204
    assert api.ok(api.get("/api/workspaces/")) == []
    assert_error(api.get(f"/api/applications/workspace/{ws}/"), 404, "ERROR_GROUP_DOES_NOT_EXIST")
    assert_error(api.get(f"/api/applications/{db}/"), 404, "ERROR_APPLICATION_DOES_NOT_EXIST")
    assert api.ok(api.get("/api/database/tokens/")) == []
    answer = api.client.get("/api/database/tokens/check/", headers=headers)
    assert answer.status_code == 403 and answer.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"
    answer = api.client.get(f"/api/database/rows/table/{table}/", headers=headers)
    assert answer.status_code == 404 and answer.json()["error"] == "ERROR_TABLE_DOES_NOT_EXIST"
    assert api.ok(api.get("/api/trash/"))["workspaces"][0]["trashed"] is True
    assert _restore(api, "workspace", ws).status_code == 204
    answer = api.client.get(f"/api/database/rows/table/{table}/", headers=headers)
    assert answer.status_code == 200 and answer.json()["count"] == 1


def test_only_a_member_restores_and_only_an_admin_deletes(api: Api, client: Any) -> None:
    ws = api.workspace()
    db = api.database(ws)
    other = Api(client, "bob@example.com", "Bob")
    assert_error(other.delete(f"/api/workspaces/{ws}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    api.ok(api.delete(f"/api/applications/{db}/"))
    assert_error(_restore(other, "application", db), 400, "ERROR_USER_NOT_IN_GROUP")
    assert_error(other.get(f"/api/trash/workspace/{ws}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    assert_error(other.delete(f"/api/trash/workspace/{ws}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    assert api.ok(api.get(f"/api/trash/workspace/{ws}/"))["count"] == 1


def test_emptying_drops_a_trashed_workspace_for_good(api: Api, ctx: Ctx) -> None:
    ws = api.workspace()
    table = api.table(api.database(ws), "A", [["Name"], ["a1"]])
    api.ok(api.delete(f"/api/workspaces/{ws}/"))
    assert api.delete(f"/api/trash/workspace/{ws}/").status_code == 204
    assert_error(api.get(f"/api/trash/workspace/{ws}/"), 404, "ERROR_GROUP_DOES_NOT_EXIST")
    assert api.ok(api.get("/api/trash/"))["workspaces"] == []
    assert_error(_restore(api, "workspace", ws), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")
    assert not sa.inspect(ctx.db.engine).has_table(f"database_table_{table}")


def test_retention_sweep_drops_a_trashed_database_for_good(api: Api, ctx: Ctx) -> None:
    ws = api.workspace()
    db = api.database(ws)
    table = api.table(db, "A", [["Name", "Qty"], ["a1", "1"]])
    qty = next(f["id"] for f in api.fields(table) if f["name"] == "Qty")
    api.ok(api.delete(f"/api/database/fields/{qty}/"))
    api.ok(api.delete(f"/api/applications/{db}/"))
    now = ctx.clock()
    later = replace(ctx, clock=lambda: now + timedelta(hours=72))
    assert cleanup.run_once(later)["trash"] >= 1
    assert api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"] == []
    assert not sa.inspect(ctx.db.engine).has_table(f"database_table_{table}")
    assert api.ok(api.get("/api/trash/"))["workspaces"][0]["applications"] == []
    assert_error(_restore(api, "application", db), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")


def test_a_trash_entry_id_never_comes_back(api: Api) -> None:
    """SQLite would hand out the newest entry's id again once it is gone; Baserow never."""
    ws = api.workspace()
    db = api.database(ws)

    def entry_ids() -> list[int]:
        return [e["id"] for e in api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"]]

    api.ok(api.delete(f"/api/applications/{db}/"))
    first = entry_ids()
    assert _restore(api, "application", db).status_code == 204
    api.ok(api.delete(f"/api/applications/{db}/"))
    second = entry_ids()
    assert len(first) == len(second) == 1 and second[0] > first[0]


def test_what_still_names_a_trashed_workspace(api: Api) -> None:
    """Answers Baserow gives (asked of it) that the compat transcripts cannot hold."""
    ws = api.workspace()
    table = api.table(api.database(ws), "A", [["Name"], ["a1"]])
    body = {"url": "https://example.com/h", "name": "H"}
    hook = api.ok(api.post(f"/api/database/webhooks/table/{table}/", body))["id"]
    api.ok(api.delete(f"/api/workspaces/{ws}/"))
    assert_error(api.get(f"/api/database/webhooks/{hook}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    answer = assert_error(
        api.post("/api/database/tokens/", {"name": "t", "workspace": ws}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert answer["detail"]["workspace"][0]["code"] == "does_not_exist"
    missing = "ERROR_GROUP_DOES_NOT_EXIST"
    assert_error(api.post(f"/api/workspaces/{ws}/leave/"), 404, missing)
    body = {"name": "D", "type": "database"}
    assert_error(api.post(f"/api/applications/workspace/{ws}/", body), 404, missing)
    body = {"email": "z@example.com", "permissions": "MEMBER", "message": "",
            "base_url": "http://127.0.0.1:8000/invite"}  # fmt: skip
    assert_error(api.post(f"/api/workspaces/invitations/workspace/{ws}/", body), 404, missing)
    api.ok(_restore(api, "workspace", ws))
    assert api.ok(api.get(f"/api/database/webhooks/{hook}/"))["name"] == "H"


def test_a_trashed_view_is_missing_with_its_filters_and_comes_back(api: Api) -> None:
    ws = api.workspace()
    table = api.table(api.database(ws), "A", [["Name"], ["a1"], ["b1"]])
    name = api.fields(table)[0]["id"]
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"}))
    body = {"field": name, "type": "contains", "value": "a"}
    vf = api.ok(api.post(f"/api/database/views/{view['id']}/filters/", body))
    assert api.delete(f"/api/database/views/{view['id']}/").status_code == 204
    names = [v["name"] for v in api.ok(api.get(f"/api/database/views/table/{table}/"))]
    assert "V" not in names
    assert_error(api.get(f"/api/database/views/{view['id']}/"), 404, "ERROR_VIEW_DOES_NOT_EXIST")
    assert_error(
        api.get(f"/api/database/views/filter/{vf['id']}/"), 404, "ERROR_VIEW_FILTER_DOES_NOT_EXIST"
    )
    entry = api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"][0]
    assert (entry["trash_item_type"], entry["name"], entry["parent_name"]) == ("view", "V", "A")
    api.ok(api.delete(f"/api/database/tables/{table}/"))
    assert_error(_restore(api, "view", view["id"]), 400, PARENT_FIRST)
    api.ok(_restore(api, "table", table))
    assert _restore(api, "view", view["id"]).status_code == 204
    rows = api.ok(api.get(f"/api/database/views/grid/{view['id']}/"))["results"]
    assert [r[f"field_{name}"] for r in rows] == ["a1"]  # its filter came back with it
    api.ok(api.delete(f"/api/database/views/{view['id']}/"))
    api.ok(api.delete(f"/api/trash/workspace/{ws}/"))
    assert_error(_restore(api, "view", view["id"]), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")
    assert_error(api.get(f"/api/database/views/{view['id']}/"), 404, "ERROR_VIEW_DOES_NOT_EXIST")

"""Workspaces and database applications."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error


def test_workspace_crud_and_membership(client, api: Api) -> None:
    created = api.ok(api.post("/api/workspaces/", {"name": "Acme"}))
    assert created["name"] == "Acme" and created["permissions"] == "ADMIN" and created["order"] == 1
    assert created["users"][0]["user_id"] == api.user["id"]
    listed = api.ok(api.get("/api/workspaces/"))
    assert [w["name"] for w in listed] == ["Acme"] and listed[0]["unread_notifications_count"] == 0
    renamed = api.ok(api.patch(f"/api/workspaces/{created['id']}/", {"name": "Acme 2"}))
    assert renamed == {"id": created["id"], "name": "Acme 2", "generative_ai_models_enabled": {}}
    other = Api(client, "bob@example.com")
    assert other.ok(other.get("/api/workspaces/")) == []
    assert_error(
        other.patch(f"/api/workspaces/{created['id']}/", {"name": "x"}),
        400,
        "ERROR_USER_NOT_IN_GROUP",
    )
    assert_error(
        api.patch("/api/workspaces/999999/", {"name": "x"}), 404, "ERROR_GROUP_DOES_NOT_EXIST"
    )
    assert api.delete(f"/api/workspaces/{created['id']}/").status_code == 204
    assert api.ok(api.get("/api/workspaces/")) == []


def test_applications(client, api: Api) -> None:
    wid = api.workspace()
    db = api.ok(
        api.post(f"/api/applications/workspace/{wid}/", {"name": "CRM", "type": "database"})
    )
    assert db["type"] == "database" and db["tables"] == [] and db["workspace"]["id"] == wid
    tid = api.table(db["id"], "Customers")
    got = api.ok(api.get(f"/api/applications/{db['id']}/"))
    assert got["tables"] == [
        {"id": tid, "name": "Customers", "order": 1, "database_id": db["id"], "data_sync": None}
    ]
    assert [a["id"] for a in api.ok(api.get("/api/applications/"))] == [db["id"]]
    assert api.ok(api.patch(f"/api/applications/{db['id']}/", {"name": "CRM2"}))["name"] == "CRM2"
    bad = api.post(f"/api/applications/workspace/{wid}/", {"name": "x", "type": "nope"})
    assert assert_error(bad, 400, "ERROR_APPLICATION_TYPE_DOES_NOT_EXIST") == {
        "error": "ERROR_APPLICATION_TYPE_DOES_NOT_EXIST",
        "detail": "The application type nope does not exist.",
    }
    other = Api(client, "bob@example.com")
    assert_error(other.get(f"/api/applications/workspace/{wid}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    assert_error(api.get("/api/applications/99999/"), 404, "ERROR_APPLICATION_DOES_NOT_EXIST")
    assert api.delete(f"/api/applications/{db['id']}/").status_code == 204
    assert_error(api.get(f"/api/database/tables/{tid}/"), 404, "ERROR_TABLE_DOES_NOT_EXIST")

"""Exports narrowed by `filters` and ordered by `order_by` (Baserow 1.35's export options),
through the HTTP stack: applied as the row list applies them, limited to a view's visible
fields, refused before a job exists."""

from __future__ import annotations

import pytest

from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.api.test_jobs import exported
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.helpers import assert_error


@pytest.fixture
def table(api: Api) -> int:
    table = api.table(data=[["Name"], ["pear"], ["apple"], ["fig"]])
    api.field(table, "Done", "boolean")
    rows = api.rows(table)
    for row in rows[:2]:
        api.ok(api.patch(f"/api/database/rows/table/{table}/{row['id']}/?user_field_names=true",
                         {"Done": True}))  # fmt: skip
    return table


def _ids(api: Api, table: int) -> dict[str, int]:
    fields = api.ok(api.get(f"/api/database/fields/table/{table}/"))
    return {f["name"]: f["id"] for f in fields}


def test_filters_and_order_by_shape_the_file(api: Api, table: int) -> None:
    ids = _ids(api, table)
    done = {"filter_type": "AND", "filters": [{"field": ids["Done"], "type": "boolean",
            "value": "1"}]}  # fmt: skip
    body = {"exporter_type": "csv", "filters": done, "order_by": f"field_{ids['Name']}"}
    content = exported(api, table, body).decode("utf-8-sig")
    assert content.splitlines() == ["id,Name,Done", "2,apple,True", "1,pear,True"]


def test_a_views_hidden_field_cannot_be_named(api: Api, table: int) -> None:
    ids = _ids(api, table)
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"}))
    api.ok(api.patch(f"/api/database/views/{view['id']}/field-options/",
                     {"field_options": {str(ids["Done"]): {"hidden": True}}}))  # fmt: skip
    path = f"/api/database/export/table/{table}/"
    body = {"exporter_type": "csv", "view_id": view["id"], "order_by": str(ids["Done"])}
    assert_error(api.post(path, body), 400, "ERROR_ORDER_BY_FIELD_NOT_FOUND")
    hidden = {"filter_type": "AND", "filters": [{"field": ids["Done"], "type": "boolean",
              "value": "1"}]}  # fmt: skip
    body = {"exporter_type": "csv", "view_id": view["id"], "filters": hidden}
    assert_error(api.post(path, body), 400, "ERROR_FILTER_FIELD_NOT_FOUND")


def test_a_refused_export_leaves_the_unfinished_one(ctx: Ctx, settings: Settings) -> None:
    settings.jobs_runner = False  # nothing runs: the first export stays pending
    with TestClient(create_app(settings, ctx), base_url="http://testserver") as client:
        api = Api(client)
        table = api.table()
        path = f"/api/database/export/table/{table}/"
        first = api.ok(api.post(path, {"exporter_type": "csv"}))
        assert_error(api.post(path, {"exporter_type": "csv", "order_by": "field_999999"}),
                     400, "ERROR_ORDER_BY_FIELD_NOT_FOUND")  # fmt: skip
        assert api.ok(api.get(f"/api/database/export/{first['id']}/"))["state"] == "pending"


def test_bad_filters_are_a_body_error(api: Api, table: int) -> None:
    path = f"/api/database/export/table/{table}/"
    r = api.post(path, {"exporter_type": "csv", "filters": {"filter_type": "XOR"}})
    assert_error(r, 400, "ERROR_REQUEST_BODY_VALIDATION")

"""An import's `configuration` (upsert) through the real HTTP stack and job runner: rows
whose upsert values match update them (repeated keys pair up in id order), skipped fields
keep their values, a bad configuration changes nothing, and an ended job keeps no rows."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from tests.api.test_jobs import wait_job
from tests.conftest import Api
from tests.helpers import assert_error


def upsert_into(api: Api, table: int, data: list[list[Any]], **configuration: Any) -> Any:
    path = f"/api/database/tables/{table}/import/async/"
    job = api.ok(api.post(path, {"data": data, "configuration": configuration}))
    return wait_job(api, job["id"])


def cells(api: Api, table: int) -> list[tuple[Any, ...]]:
    return [(r["id"], r["Name"], r["Notes"], r["Count"]) for r in api.rows(table)]


def test_upsert_updates_matching_rows_in_id_order(ctx: Ctx, api: Api) -> None:
    data = [["Name", "Notes"], ["a", "1"], ["b", "2"], ["b", "3"], ["c", "4"]]
    table = api.table(name="Up", data=data)
    api.field(table, "Count", "number", number_decimal_places=1)
    ids = {f["name"]: f["id"] for f in api.fields(table)}
    done = upsert_into(
        api, table, [["b", "b1", 2], ["b", "b2", 3], ["b", "b3", 4], ["z", "z", "1"]],
        upsert_fields=[ids["Name"]], upsert_values=[["b"], ["b"], ["b"], ["z"]],
    )  # fmt: skip
    assert (done["state"], done["report"]) == ("finished", {"failing_rows": {}})
    assert cells(api, table) == [
        (1, "a", "1", None), (2, "b", "b1", "2.0"), (3, "b", "b2", "3.0"), (4, "c", "4", None),
        (5, "b", "b3", "4.0"), (6, "z", "z", "1.0"),
    ]  # fmt: skip
    # a number key matches as the row API shows it ("2", 2 and "2.00" are all "2.0"); the
    # skipped field keeps its value
    done = upsert_into(
        api, table, [["x", "kept?", 5], ["y", "new", 6]],
        upsert_fields=[ids["Count"]], upsert_values=[["2.00"], [2]],
        skipped_fields=[ids["Notes"]],
    )  # fmt: skip
    assert done["state"] == "finished"
    assert cells(api, table)[1] == (2, "x", "b1", "5.0")
    assert cells(api, table)[-1] == (7, "y", "new", "6.0")
    with ctx.db.read() as conn:  # the ended job keeps neither the rows nor the upsert values
        params, payload = conn.execute(
            sa.select(s.jobs.c.params, s.jobs.c.payload).where(s.jobs.c.id == done["id"])
        ).one()
    assert "data" not in params and "configuration" not in params and payload is None


def test_a_bad_configuration_changes_nothing(api: Api) -> None:
    table = api.table(name="Up", data=[["Name"], ["a"]])
    name = api.fields(table)[0]["id"]
    path = f"/api/database/tables/{table}/import/async/"
    bad = api.post(path, {"data": [["a"]], "configuration": {"upsert_fields": [name]}})
    assert assert_error(bad, 400, "ERROR_REQUEST_BODY_VALIDATION")["detail"] == {
        "configuration": {"upsert_value": [{"code": "invalid", "error":
            "upsert_values must not be empty when upsert_fields are provided."}]}
    }  # fmt: skip
    long = {"upsert_fields": [name], "upsert_values": [["a"], ["b"]]}
    assert_error(api.post(path, {"data": [["a"]], "configuration": long}), 400,
                 "ERROR_REQUEST_BODY_VALIDATION")  # fmt: skip
    failed = upsert_into(api, table, [["b"]], upsert_fields=[name + 1000], upsert_values=[["a"]])
    assert (failed["state"], failed["human_readable_error"]) == (
        "failed", "The provided field does not belong in the related table."
    )  # fmt: skip
    failed = upsert_into(api, table, [["b"]], upsert_fields=[name], upsert_values=[["a", "b"]])
    assert failed["state"] == "failed"
    assert [r["Name"] for r in api.rows(table)] == ["a"]

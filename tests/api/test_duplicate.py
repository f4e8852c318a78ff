"""Duplicate jobs through the HTTP stack, on the real database: a table copied with its
links (to another table, one-way, to itself), rows and views; a field copied with and
without its data; one duplication of a kind at a time; a copy that is rolled back whole."""

from __future__ import annotations

from typing import Any

from gridbase.app import build_runner
from gridbase.core.context import Ctx
from tests.api.test_jobs import idle, wait_job
from tests.conftest import Api
from tests.helpers import assert_error

__all__ = ["idle"]


def run(api: Api, path: str, body: Any = None) -> dict[str, Any]:
    r = api.post(path, body or {})
    assert r.status_code == 202, r.text
    done = wait_job(api, r.json()["id"])
    assert done["state"] == "finished", done
    return done


def values(rows: list[dict[str, Any]], name: str) -> list[Any]:
    return [[i["id"] for i in r[name]] if isinstance(r[name], list) else r[name] for r in rows]


def linked_tables(api: Api) -> tuple[int, int, int]:
    database = api.database()
    other = api.table(database, "Other", [["Title"], ["o1"], ["o2"]])
    table = api.table(database, "Source", [["Name"], ["a"], ["b"], ["c"]])
    api.field(table, "Link", "link_row", link_row_table_id=other)
    api.field(table, "OneWay", "link_row", link_row_table_id=other, has_related_field=False)
    api.field(table, "Self", "link_row", link_row_table_id=table)
    api.field(table, "Amount", "number", number_decimal_places=1, number_negative=True)
    api.field(table, "Twice", "formula", formula="field('Amount') * 2")
    path = f"/api/database/rows/table/{table}/batch/?user_field_names=true"
    api.ok(api.patch(path, {"items": [
        {"id": 1, "Link": [1, 2], "OneWay": [2], "Self": [2, 3], "Amount": "1.5"},
        {"id": 2, "Link": [2], "Self": [1], "Amount": "-2"},
    ]}))  # fmt: skip
    return database, other, table


def test_a_table_copy_has_its_links_rows_and_views(api: Api) -> None:
    database, other, table = linked_tables(api)
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"}))
    amount = next(f["id"] for f in api.fields(table) if f["name"] == "Amount")
    api.ok(api.post(f"/api/database/views/{view['id']}/filters/",
                    {"field": amount, "type": "not_empty", "value": ""}))  # fmt: skip
    api.ok(api.post(f"/api/database/views/{view['id']}/sortings/",
                    {"field": amount, "order": "DESC"}))  # fmt: skip
    done = run(api, f"/api/database/tables/{table}/duplicate/async/")
    copy = done["duplicated_table"]
    assert done["original_table"]["id"] == table
    assert copy["name"] == "Source 2" and copy["database_id"] == database
    rows = api.rows(copy["id"])
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert values(rows, "Link") == [[1, 2], [2], []]
    assert values(rows, "OneWay") == [[2], [], []]
    assert values(rows, "Self") == [[2, 3], [1], []]
    assert [r["Twice"] for r in rows] == ["3.0", "-4.0", "0.0"]
    by_name = {f["name"]: f for f in api.fields(copy["id"])}
    assert by_name["Self"]["link_row_table_id"] == copy["id"]  # a self link stays one
    assert by_name["Link"]["link_row_table_id"] == other
    # the other table got a related field for the copy, holding the copied links
    related = {r["Title"]: [i["id"] for i in r["Source 2"]] for r in api.rows(other)}
    assert related == {"o1": [1], "o2": [1, 2]}
    # the copy's views read the copy's fields
    views = api.ok(api.get(f"/api/database/views/table/{copy['id']}/",
                           params={"include": "filters,sortings"}))  # fmt: skip
    copied = next(v for v in views if v["name"] == "V")
    assert copied["filters"][0]["field"] == by_name["Amount"]["id"]
    assert copied["sortings"][0]["field"] == by_name["Amount"]["id"]
    # the copy is a table of its own: new rows get new ids, changes stay in it
    created = api.ok(api.post(f"/api/database/rows/table/{copy['id']}/?user_field_names=true",
                              {"Name": "d", "Self": [1]}))  # fmt: skip
    assert created["id"] == 4
    assert values(api.rows(table), "Self") == [[2, 3], [1], []]
    again = run(api, f"/api/database/tables/{table}/duplicate/async/")
    assert again["duplicated_table"]["name"] == "Source 3"


def test_a_field_copy_with_and_without_data(api: Api) -> None:
    _, other, table = linked_tables(api)
    by_name = {f["name"]: f for f in api.fields(table)}
    path = "/api/database/fields/{}/duplicate/async/"
    done = run(api, path.format(by_name["Link"]["id"]), {"duplicate_data": True})
    assert done["duplicated_field"]["name"] == "Link 2"
    assert done["original_field"]["id"] == by_name["Link"]["id"]
    run(api, path.format(by_name["Amount"]["id"]))
    run(api, path.format(by_name["Self"]["id"]), {"duplicate_data": True})
    rows = api.rows(table)
    assert values(rows, "Link 2") == [[1, 2], [2], []]
    assert values(rows, "Self 2") == [[2, 3], [1], []]
    assert [r["Amount 2"] for r in rows] == [None, None, None]  # no data asked for
    other_fields = [f["name"] for f in api.fields(other)]
    assert other_fields == ["Title", "Source", "Source - Link 2"]


def test_one_duplication_at_a_time_and_refusals(idle: Any) -> None:
    api: Api = idle
    _, _, table = linked_tables(api)
    path = f"/api/database/tables/{table}/duplicate/async/"
    first = api.post(path)
    assert first.status_code == 202 and first.json()["state"] == "pending"
    assert_error(api.post(path), 400, "ERROR_MAX_JOB_COUNT_EXCEEDED")
    # Baserow counts the user's jobs before it looks for the table
    assert_error(api.post("/api/database/tables/999999/duplicate/async/"), 400,
                 "ERROR_MAX_JOB_COUNT_EXCEEDED")  # fmt: skip
    field = api.fields(table)[0]["id"]
    bad = api.post(f"/api/database/fields/{field}/duplicate/async/", {"duplicate_data": "x"})
    assert_error(bad, 400, "ERROR_REQUEST_BODY_VALIDATION")
    listed = api.ok(api.get("/api/jobs/"))["jobs"]
    assert [j["type"] for j in listed] == ["duplicate_table"]


def test_a_duplication_whose_source_went_fails_and_adds_nothing(ctx: Ctx, idle: Any) -> None:
    api: Api = idle
    _, _, table = linked_tables(api)
    amount = next(f for f in api.fields(table) if f["name"] == "Amount")["id"]
    path = f"/api/database/fields/{amount}/duplicate/async/"
    job = api.post(path, {"duplicate_data": True}).json()
    table_job = api.post(f"/api/database/tables/{table}/duplicate/async/").json()
    api.ok(api.delete(f"/api/database/fields/{amount}/"))
    api.ok(api.delete(f"/api/database/tables/{table}/"))
    runner = build_runner(ctx)
    runner.start()
    try:
        failed = wait_job(api, job["id"])
        failed_table = wait_job(api, table_job["id"])
    finally:
        runner.stop()
    assert failed["state"] == "failed"
    assert failed["human_readable_error"] == "The requested field does not exist."
    assert failed_table["state"] == "failed"
    assert failed_table["human_readable_error"] == "The requested table does not exist."
    assert failed["duplicated_field"] is None and failed_table["duplicated_table"] is None

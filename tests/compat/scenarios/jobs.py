"""Background jobs: table and view exports (CSV with every separator, charset and header
option, the exported file's bytes fetched from its URL), table creation from data and
imports into a table with their failing-rows reports, /api/jobs/ (list with its filters,
get, cancel) and the errors of each.

Jobs run in the background: each is polled (unrecorded) until it ended, then read once
(Session.wait). Only what ends the same however fast the server is gets recorded: a job
cancelled or refused while another one still runs depends on timing (tests/api/test_jobs.py
checks those against gridbase).
"""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.build import NAMES, build
from tests.compat.scenarios.users import other_user
from tests.compat.session import Session

ASYNC = "/api/database/tables/database/{}/async/"
IMPORT = "/api/database/tables/{}/import/async/"
BOGUS = 9_999_999


def export(s: Session, label: str, table: int, body: Any) -> dict[str, Any]:
    """Start an export, wait for its end, fetch its file."""
    job = s.post(f"{label}_start", f"/api/database/export/table/{table}/", body)
    if not isinstance(job, dict) or "id" not in job:
        return {}
    done: dict[str, Any] = s.wait(f"{label}_done", f"/api/database/export/{job['id']}/")
    if done.get("url"):
        s.download(f"{label}_file", done["url"])
    return done


def run_import(s: Session, label: str, path: str, body: Any) -> dict[str, Any]:
    job = s.post(f"{label}_start", path, body)
    if not isinstance(job, dict) or "id" not in job:
        return {}
    done: dict[str, Any] = s.wait(f"{label}_done", f"/api/jobs/{job['id']}/")
    return done


def exports(s: Session, database: int) -> tuple[int, Any]:
    linked = s.table(database, "Linked", [["Name"], ["one, two"], ['say "3"']])
    t = build(
        s,
        database,
        "Export",
        ["alpha", 'b,"quoted"', "=1+2", "ü<&>", None, "-3.5", "line\nbreak"],
        [
            ("Notes", "long_text", {}),
            ("Amount", "number", {"number_decimal_places": 2, "number_negative": True}),
            ("Done", "boolean", {}),
            ("Day", "date", {"date_format": "EU"}),
            (
                "When",
                "date",
                {"date_format": "ISO", "date_include_time": True, "date_time_format": "24"},
            ),
            (
                "Status",
                "single_select",
                {
                    "select_options": [
                        {"value": "open", "color": "blue"},
                        {"value": "shut", "color": "red"},
                    ]
                },
            ),
            (
                "Tags",
                "multiple_select",
                {
                    "select_options": [
                        {"value": "x", "color": "blue"},
                        {"value": "y", "color": "red"},
                        {"value": "a,b", "color": "green"},
                    ]
                },
            ),
            ("Mail", "email", {}),
            ("Stars", "rating", {"max_value": 5}),
            ("Link", "link_row", {"link_row_table_id": linked, "has_related_field": False}),
        ],
        [
            {
                "Notes": "first\nsecond",
                "Amount": "1.50",
                "Done": True,
                "Day": "2020-02-01",
                "When": "2021-03-04T05:06:00Z",
                "Status": "open",
                "Tags": ["x", "y", "a,b"],
                "Mail": "a@example.com",
                "Stars": 3,
                "Link": [1, 2],
            },
            {
                "Notes": "",
                "Amount": "-2",
                "Done": False,
                "Day": None,
                "Status": "shut",
                "Tags": ["y"],
                "Stars": 0,
                "Link": [2],
            },
            {"Amount": "1000000.25", "Done": True, "Day": "1999-12-31", "Tags": []},
            {"Notes": "+cmd|x", "Amount": None},
        ],
    )
    table = t.table
    first = export(s, "csv_default", table, {"exporter_type": "csv"}).get("id")
    export(s, "csv_tab_latin1_no_header", table, {"exporter_type": "csv",
           "csv_column_separator": "tab", "csv_include_header": False,
           "export_charset": "iso-8859-1"})  # fmt: skip
    export(s, "csv_semicolon_1252", table, {"exporter_type": "csv",
           "csv_column_separator": ";", "export_charset": "windows-1252"})  # fmt: skip
    for separator in ("|", "record_separator", "unit_separator"):
        export(s, f"csv_sep_{separator}", table,
               {"exporter_type": "csv", "csv_column_separator": separator})  # fmt: skip
    export(s, "csv_header_false_text", table, {"exporter_type": "csv",
           "csv_include_header": "false", "export_charset": "utf-8"})  # fmt: skip
    export(s, "csv_koi8", table, {"exporter_type": "csv", "export_charset": "koi8-r"})
    fields = [t.fields["Amount"]["id"], t.fields["Done"]["id"]]
    export(s, "csv_some_fields", table, {"exporter_type": "csv", "fields": fields})
    export(s, "csv_view_id_null", table, {"exporter_type": "csv", "view_id": None})

    # a grid view: its filters, sorts and hidden fields shape the export
    view = s.post("view", f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"})
    vid = view["id"]
    amount, notes = t.fields["Amount"]["id"], t.fields["Notes"]["id"]
    s.post("view_filter", f"/api/database/views/{vid}/filters/",
           {"field": amount, "type": "not_empty", "value": ""})  # fmt: skip
    s.post("view_sort", f"/api/database/views/{vid}/sortings/", {"field": amount, "order": "DESC"})
    s.patch("view_hide", f"/api/database/views/{vid}/field-options/",
            {"field_options": {str(notes): {"hidden": True}}})  # fmt: skip
    export(s, "csv_view", table, {"exporter_type": "csv", "view_id": vid})
    export(s, "csv_view_fields", table, {"exporter_type": "csv", "view_id": vid,
           "fields": [amount, t.fields["Done"]["id"]]})  # fmt: skip

    # refusals
    path = f"/api/database/export/table/{table}/"
    s.post("no_exporter_type", path, {})
    s.post("bad_exporter_type", path, {"exporter_type": "bogus"})
    s.post("exporter_type_number", path, {"exporter_type": 1})
    s.post("bad_charset", path, {"exporter_type": "csv", "export_charset": "utf8"})
    s.post("bad_separator", path, {"exporter_type": "csv", "csv_column_separator": "\t"})
    s.post("bad_header_flag", path, {"exporter_type": "csv", "csv_include_header": "maybe"})
    s.post("bad_view_id", path, {"exporter_type": "csv", "view_id": "x"})
    s.post("negative_view_id", path, {"exporter_type": "csv", "view_id": -1})
    s.post("several_bad", path, {"exporter_type": "csv", "export_charset": "x",
           "csv_column_separator": "x", "view_id": "y"})  # fmt: skip
    s.post("missing_view", path, {"exporter_type": "csv", "view_id": BOGUS})
    s.post("missing_table", f"/api/database/export/table/{BOGUS}/", {"exporter_type": "csv"})
    s.post("missing_table_bad_body", f"/api/database/export/table/{BOGUS}/", {})
    s.get("missing_export_job", f"/api/database/export/{BOGUS}/")
    s.post("no_auth", path, {"exporter_type": "csv"}, auth="none")
    s.get("export_job_no_auth", f"/api/database/export/{first}/", auth="none")
    return table, first


def imports(s: Session, database: int) -> None:
    new = run_import(s, "new_table", ASYNC.format(database), {"name": "Imported",
                     "data": [["Name", "Count", "Extra"], ["a", "1"], ["b", "2", "x"],
                              ["c", None, True]], "first_row_header": True})  # fmt: skip
    table = new.get("table_id")
    if table:
        s.get("new_table_fields", f"/api/database/fields/table/{table}/")
        s.rows("new_table_rows", table)
    run_import(s, "no_header", ASYNC.format(database), {"name": "Plain",
               "data": [["x", "y"], ["z"], [1, 2.5, False]]})  # fmt: skip
    run_import(
        s,
        "duplicate_names",
        ASYNC.format(database),
        {"name": "D", "data": [["a", "a"], ["1", "2"]], "first_row_header": True},
    )
    run_import(
        s,
        "reserved_name",
        ASYNC.format(database),
        {"name": "R", "data": [["id", "b"], ["1", "2"]], "first_row_header": True},
    )
    run_import(
        s,
        "blank_name",
        ASYNC.format(database),
        {"name": "B", "data": [["a", " "], ["1", "2"]], "first_row_header": True},
    )
    run_import(
        s,
        "long_name",
        ASYNC.format(database),
        {"name": "L", "data": [["n" * 256], ["1"]], "first_row_header": True},
    )
    run_import(
        s,
        "header_only",
        ASYNC.format(database),
        {"name": "H", "data": [["a", "b"]], "first_row_header": True},
    )

    # into an existing table: each cell to the field at its place; failing rows reported
    t = build(s, database, "Target", ["seed"], [
        ("Count", "number", {"number_decimal_places": 1}),
        ("Done", "boolean", {}),
        ("Day", "date", {"date_format": "ISO"}),
        ("Mail", "email", {}),
        ("Status", "single_select", {"select_options": [{"value": "open", "color": "blue"}]}),
    ])  # fmt: skip
    # (Baserow 1.35.3 fails the whole job, "Something went wrong", when a valid row gives a
    # boolean as the text "true": left out)
    data = [
        ["bad number", "x"],
        ["too precise", "1.25"],
        ["bad bool", "1", "maybe"],
        ["bad date", None, None, "not a date"],
        ["bad mail", None, None, None, "nope"],
        ["too long", "1", "true", "2020-01-02", "a@example.com", 1, "extra"],
        ["short"],
        [],
        ["numbers", 3, 1, None, None],
        ["text values", "2.5", True, "2021-05-06"],
        ["mail", "0.5", "1", None, "b@example.com"],
        ["select", None, False, None, None, "open"],
        ["bad select", None, False, None, None, "nope"],
        ["select id", None, False, None, None, 1],
    ]
    run_import(s, "into_table", IMPORT.format(t.table), {"data": data})
    s.rows("into_table_rows", t.table, **NAMES)
    run_import(s, "into_table_all_good", IMPORT.format(t.table), {"data": [["g", "2", True]]})
    run_import(s, "into_table_null_bool", IMPORT.format(t.table), {"data": [["g", "2"]]})
    s.rows("into_table_rows_after", t.table, **NAMES)

    # refusals
    path = ASYNC.format(database)
    s.post("async_no_data", path, {"name": "x"})
    s.post("async_empty_data", path, {"name": "x", "data": []})
    s.post("async_text_data", path, {"name": "x", "data": "abc"})
    job = s.post("async_row_not_list", path, {"name": "x", "data": [["a"], 5, None]})
    if isinstance(job, dict) and "id" in job:  # accepted, then fails: its end is listed below
        s.wait("async_row_not_list_done", f"/api/jobs/{job['id']}/", record=False)
    s.post("async_no_name", path, {"data": [["a"]]})
    s.post("async_long_name", path, {"name": "n" * 256, "data": [["a"]]})
    s.post("async_bad_header_flag", path, {"name": "x", "data": [["a"]],
           "first_row_header": "maybe"})  # fmt: skip
    s.post("async_not_object", path, [["a"]])
    s.post("async_missing_database", ASYNC.format(BOGUS), {"name": "x", "data": [["a"]]})
    into = IMPORT.format(t.table)
    s.post("import_no_data", into, {})
    s.post("import_empty_data", into, {"data": []})
    s.post("import_text_data", into, {"data": "abc"})
    s.post("import_missing_table", IMPORT.format(BOGUS), {"data": [["a"]]})


def jobs_api(s: Session) -> None:
    listed = s.get("list", "/api/jobs/")
    ids = [j["id"] for j in listed.get("jobs", [])] if isinstance(listed, dict) else []
    s.get("list_finished", "/api/jobs/", query={"states": "finished"})
    s.get("list_failed", "/api/jobs/", query={"states": "failed"})
    s.get("list_not_failed", "/api/jobs/", query={"states": "!failed"})
    s.get("list_pending_or_failed", "/api/jobs/", query={"states": "pending,failed"})
    s.get("list_not_both", "/api/jobs/", query={"states": "!failed,!finished"})
    s.get("list_empty_states", "/api/jobs/", query={"states": ""})
    s.get("list_bad_state", "/api/jobs/", query={"states": "started"})
    s.get("list_bad_negated", "/api/jobs/", query={"states": "finished,!bogus"})
    if len(ids) >= 3:
        s.get("list_ids", "/api/jobs/", query={"job_ids": f"{ids[2]},{ids[0]}"})
        s.get("list_ids_states", "/api/jobs/",
              query={"job_ids": f"{ids[0]},{ids[1]}", "states": "failed"})  # fmt: skip
        s.get("get", f"/api/jobs/{ids[1]}/")
        s.post("cancel_finished", f"/api/jobs/{ids[0]}/cancel/")
    s.get("list_bad_ids", "/api/jobs/", query={"job_ids": "1,x"})
    s.get("list_unknown_ids", "/api/jobs/", query={"job_ids": str(BOGUS)})
    s.get("missing", f"/api/jobs/{BOGUS}/")
    s.post("cancel_missing", f"/api/jobs/{BOGUS}/cancel/")
    s.get("list_no_auth", "/api/jobs/", auth="none")


def others(s: Session, table: int, database: int, export_job: Any) -> None:
    """Another user's table, database and jobs."""
    other_user(s)
    path = f"/api/database/export/table/{table}/"
    s.post("other_export", path, {"exporter_type": "csv"}, auth="other")
    s.post("other_export_bad_body", path, {}, auth="other")
    s.post("other_async", ASYNC.format(database), {"name": "x", "data": [["a"]]}, auth="other")
    s.post("other_import", IMPORT.format(table), {"data": [["a"]]}, auth="other")
    s.get("other_jobs", "/api/jobs/", auth="other")
    s.get("other_export_job", f"/api/database/export/{export_job}/", auth="other")
    mine = s.get("mine", "/api/jobs/", record=False)
    if isinstance(mine, dict) and mine.get("jobs"):
        job = mine["jobs"][0]["id"]
        s.get("other_get", f"/api/jobs/{job}/", auth="other")
        s.post("other_cancel", f"/api/jobs/{job}/cancel/", auth="other")


def jobs(s: Session) -> None:
    s.sign_up()
    database = s.database()
    table, export_job = exports(s, database)
    imports(s, database)
    jobs_api(s)
    others(s, table, database, export_job)


SCENARIOS = {"jobs": jobs}

"""Duplicate jobs (Baserow's duplicate_field): a field copied with or without its data, its
name "X 2" (then "X 3"), a link field getting a new related field in the table it links
to, a self link, and the refusals (a missing field, a bad body, another user's field).

Each job is polled (unrecorded) until it ended, then read once (Session.wait).
"""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.build import NAMES, build
from tests.compat.scenarios.users import other_user
from tests.compat.session import Session

FIELD = "/api/database/fields/{}/duplicate/async/"
BOGUS = 9_999_999


def run(s: Session, label: str, path: str, body: Any) -> dict[str, Any]:
    """Start a job, wait for its end."""
    job = s.post(f"{label}_start", path, body)
    if not isinstance(job, dict) or "id" not in job:
        return {}
    done: dict[str, Any] = s.wait(f"{label}_done", f"/api/jobs/{job['id']}/")
    return done


def duplicate_field(s: Session) -> None:
    s.sign_up()
    database = s.database()
    other = s.table(database, "Other", [["Title"], ["o1"], ["o2"]])
    t = build(
        s,
        database,
        "Source",
        ["alpha", "beta", None],
        [
            ("Notes", "long_text", {}),
            ("Amount", "number", {"number_decimal_places": 2, "number_negative": True}),
            ("Done", "boolean", {}),
            ("Day", "date", {"date_format": "EU"}),
            ("Status", "single_select", {"select_options": [
                {"value": "open", "color": "blue"}, {"value": "shut", "color": "red"}]}),
            ("Tags", "multiple_select", {"select_options": [
                {"value": "x", "color": "blue"}, {"value": "y", "color": "red"}]}),
            ("Stars", "rating", {"max_value": 5}),
            ("Link", "link_row", {"link_row_table_id": other}),
            ("OneWay", "link_row", {"link_row_table_id": other, "has_related_field": False}),
            ("Twice", "formula", {"formula": "field('Amount') * 2"}),
            ("Uuid", "uuid", {}),
        ],
        [
            {"Notes": "n1", "Amount": "1.50", "Done": True, "Day": "2020-02-01",
             "Status": "open", "Tags": ["x", "y"], "Stars": 3, "Link": [1, 2], "OneWay": [2]},
            {"Amount": "-2", "Status": "shut", "Tags": ["y"], "Link": [2]},
            {},
        ],
    )  # fmt: skip
    table = t.table
    self_link = s.field(table, "Self", "link_row", link_row_table_id=table)
    s.patch("self_fill", f"/api/database/rows/table/{table}/1/", {"Self": [2, 3]}, query=NAMES)
    for name in ("Notes", "Amount", "Done", "Day", "Status", "Tags", "Stars", "Twice", "Uuid"):
        fid = t.fields[name]["id"]
        run(s, f"{name.lower()}_data", FIELD.format(fid), {"duplicate_data": True})
    run(s, "notes_no_data", FIELD.format(t.fields["Notes"]["id"]), {"duplicate_data": False})
    run(s, "amount_default", FIELD.format(t.fields["Amount"]["id"]), {})
    primary = s.fields(table)["Name"]["id"]
    run(s, "name_data", FIELD.format(primary), {"duplicate_data": True})
    run(s, "link_data", FIELD.format(t.fields["Link"]["id"]), {"duplicate_data": True})
    run(s, "link_no_data", FIELD.format(t.fields["Link"]["id"]), {"duplicate_data": False})
    run(s, "one_way_data", FIELD.format(t.fields["OneWay"]["id"]), {"duplicate_data": True})
    run(s, "self_data", FIELD.format(self_link["id"]), {"duplicate_data": True})
    s.get("fields", f"/api/database/fields/table/{table}/")
    s.get("other_fields", f"/api/database/fields/table/{other}/")
    s.rows("rows", table, **NAMES)
    s.rows("other_rows", other, **NAMES)

    # refusals
    notes = FIELD.format(t.fields["Notes"]["id"])
    s.post("missing_field", FIELD.format(BOGUS), {"duplicate_data": True})
    s.post("bad_flag", notes, {"duplicate_data": "maybe"})
    run(s, "flag_text", notes, {"duplicate_data": "true"})
    s.post("no_auth", notes, {"duplicate_data": True}, auth="none")
    other_user(s)
    s.post("other_user", notes, {"duplicate_data": True}, auth="other")
    s.get("fields_after", f"/api/database/fields/table/{table}/")


TABLE = "/api/database/tables/{}/duplicate/async/"


def _table_state(s: Session, label: str, table: int) -> None:
    """What a table is: its fields, rows, views (with filters and sorts) and their field
    options."""
    s.get(f"{label}_fields", f"/api/database/fields/table/{table}/")
    s.rows(f"{label}_rows", table, **NAMES)
    views = s.get(f"{label}_views", f"/api/database/views/table/{table}/",
                  query={"include": "filters,sortings"})  # fmt: skip
    for view in views if isinstance(views, list) else []:
        s.get(f"{label}_field_options", f"/api/database/views/{view['id']}/field-options/")


def duplicate_table(s: Session) -> None:
    s.sign_up()
    database = s.database()
    other = s.table(database, "Other", [["Title"], ["o1"], ["o2"]])
    t = build(
        s,
        database,
        "Source",
        ["alpha", "beta", None],
        [
            ("Amount", "number", {"number_decimal_places": 2, "number_negative": True}),
            ("Done", "boolean", {}),
            ("Status", "single_select", {"select_options": [
                {"value": "open", "color": "blue"}, {"value": "shut", "color": "red"}]}),
            ("Tags", "multiple_select", {"select_options": [
                {"value": "x", "color": "blue"}, {"value": "y", "color": "red"}]}),
            ("Link", "link_row", {"link_row_table_id": other}),
            ("OneWay", "link_row", {"link_row_table_id": other, "has_related_field": False}),
            ("Twice", "formula", {"formula": "field('Amount') * 2"}),
        ],
        [
            {"Amount": "1.50", "Done": True, "Status": "open", "Tags": ["x", "y"],
             "Link": [1, 2], "OneWay": [2]},
            {"Amount": "-2", "Status": "shut", "Tags": ["y"], "Link": [2]},
            {},
        ],
    )  # fmt: skip
    table = t.table
    s.field(table, "Self", "link_row", link_row_table_id=table)
    s.patch("self_fill", f"/api/database/rows/table/{table}/1/", {"Self": [2, 3]}, query=NAMES)
    view = s.post("view", f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"})
    vid, amount = view["id"], t.fields["Amount"]["id"]
    s.post("view_filter", f"/api/database/views/{vid}/filters/",
           {"field": amount, "type": "not_empty", "value": ""})  # fmt: skip
    s.post("view_sort", f"/api/database/views/{vid}/sortings/", {"field": amount, "order": "DESC"})
    hide = {str(t.fields["Done"]["id"]): {"hidden": True, "width": 120}}
    s.patch("view_hide", f"/api/database/views/{vid}/field-options/", {"field_options": hide})

    done = run(s, "source", TABLE.format(table), None)
    copy = (done.get("duplicated_table") or {}).get("id")
    s.get("tables", f"/api/database/tables/database/{database}/")
    if copy:
        _table_state(s, "copy", copy)
    _table_state(s, "other", other)
    again = run(s, "source_again", TABLE.format(table), {})
    s.get("tables_again", f"/api/database/tables/database/{database}/")
    third = (again.get("duplicated_table") or {}).get("id")
    if third:
        s.get("third_fields", f"/api/database/fields/table/{third}/")
    linked = run(s, "other", TABLE.format(other), None)
    other_copy = (linked.get("duplicated_table") or {}).get("id")
    if other_copy:
        _table_state(s, "other_copy", other_copy)
    s.get("other_fields_after", f"/api/database/fields/table/{other}/")
    if copy:  # the copy is a table like any other: its link fields change its rows
        s.patch("copy_write", f"/api/database/rows/table/{copy}/2/",
                {"Link": [1], "Self": [1]}, query=NAMES)  # fmt: skip
        s.rows("copy_rows_after", copy, **NAMES)
        s.rows("source_rows_after", table, **NAMES)

    # refusals
    s.post("missing_table", TABLE.format(BOGUS))
    s.post("no_auth", TABLE.format(table), auth="none")
    other_user(s)
    s.post("other_user", TABLE.format(table), auth="other")
    s.get("tables_end", f"/api/database/tables/database/{database}/")


APPLICATION = "/api/applications/{}/duplicate/async/"


def _database_state(s: Session, label: str, database: int) -> None:
    """A database as its tables show it: every table's fields, rows, views and options."""
    tables = s.get(f"{label}_tables", f"/api/database/tables/database/{database}/")
    for table in tables if isinstance(tables, list) else []:
        _table_state(s, f"{label}_{table['name'].lower()}", table["id"])


def duplicate_application(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    database = s.database(ws)
    later = s.post(
        "later", f"/api/applications/workspace/{ws}/", {"name": "Later", "type": "database"}
    )
    authors = build(
        s,
        database,
        "Authors",
        ["Ann", "Bob"],
        [("Born", "number", {}), ("Alive", "boolean", {})],
        [{"Born": "1950", "Alive": True}, {"Born": "1960"}],
    )
    only = s.post("limit_view", f"/api/database/views/table/{authors.table}/",
                  {"name": "Only", "type": "grid"})  # fmt: skip
    books = build(
        s,
        database,
        "Books",
        ["b1", "b2", "b3"],
        [
            ("Pages", "number", {"number_decimal_places": 1}),
            ("Status", "single_select", {"select_options": [
                {"value": "new", "color": "blue"}, {"value": "old", "color": "red"}]}),
            ("Tags", "multiple_select", {"select_options": [
                {"value": "x", "color": "blue"}, {"value": "y", "color": "red"}]}),
            ("Day", "date", {"date_format": "ISO"}),
            ("Author", "link_row", {"link_row_table_id": authors.table,
                                    "link_row_limit_selection_view_id": only["id"]}),
            ("OneWay", "link_row", {"link_row_table_id": authors.table,
                                    "has_related_field": False,
                                    "link_row_multiple_relationships": False}),
        ],
        [
            {"Pages": "10.5", "Status": "new", "Tags": ["x", "y"], "Day": "2020-01-02",
             "Author": [1], "OneWay": [2]},
            {"Pages": "3", "Status": "old", "Tags": ["y"], "Author": [1, 2]},
            {},
        ],
    )  # fmt: skip
    table = books.table
    author = books.fields["Author"]["id"]
    s.field(table, "Self", "link_row", link_row_table_id=table)
    s.patch("self_fill", f"/api/database/rows/table/{table}/1/", {"Self": [2, 3]}, query=NAMES)
    born = s.fields(authors.table)["Born"]["id"]
    s.field(table, "Born", "lookup", through_field_id=author, target_field_id=born)
    s.field(table, "Authors", "count", through_field_id=author)
    s.field(table, "Double", "formula", formula="field('Pages') * 2")
    s.field(
        authors.table,
        "Books count",
        "count",
        through_field_id=s.fields(authors.table)["Books"]["id"],
    )
    view = s.post("view", f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"})
    vid, pages = view["id"], books.fields["Pages"]["id"]
    s.post("view_filter", f"/api/database/views/{vid}/filters/",
           {"field": pages, "type": "higher_than", "value": "1"})  # fmt: skip
    s.post("view_sort", f"/api/database/views/{vid}/sortings/", {"field": pages, "order": "DESC"})
    hide = {str(books.fields["Day"]["id"]): {"hidden": True, "width": 150}}
    s.patch("view_hide", f"/api/database/views/{vid}/field-options/", {"field_options": hide})
    s.patch("move_row", f"/api/database/rows/table/{table}/3/move/", query={"before_id": 1})
    s.post(
        "webhook",
        f"/api/database/webhooks/table/{table}/",
        {"url": "https://example.com/hook", "include_all_events": True, "name": "hook"},
    )
    s.token(ws)

    done = run(s, "app", APPLICATION.format(database), None)
    copy = (done.get("duplicated_application") or {}).get("id")
    s.get("applications", f"/api/applications/workspace/{ws}/")
    s.get("jobs", "/api/jobs/")
    if copy:
        s.get("copy_application", f"/api/applications/{copy}/")
        _database_state(s, "copy", copy)
        tables = s.get("copy_tables_again", f"/api/database/tables/database/{copy}/")
        by_name = {t["name"]: t["id"] for t in tables}
        s.get("copy_webhooks", f"/api/database/webhooks/table/{by_name['Books']}/")
        s.get("tokens", "/api/database/tokens/")
        # the copy's rows are its own: writing them leaves the original as it was
        change = {"Name": "changed", "Author": [2], "Self": [1], "Tags": []}
        s.patch(
            "copy_write", f"/api/database/rows/table/{by_name['Books']}/2/", change, query=NAMES
        )
        s.post("copy_create", f"/api/database/rows/table/{by_name['Authors']}/",
               {"Name": "Cy", "Books": [1]}, query=NAMES)  # fmt: skip
        s.rows("copy_books_after", by_name["Books"], **NAMES)
        s.rows("copy_authors_after", by_name["Authors"], **NAMES)
        _database_state(s, "original", database)
        again = run(s, "copy_of_copy", APPLICATION.format(copy), {})
        if again.get("duplicated_application"):
            s.get("applications_after_copy_of_copy", f"/api/applications/workspace/{ws}/")
    run(s, "app_again", APPLICATION.format(database), {"anything": 1})
    run(s, "empty", APPLICATION.format(later["id"]), None)
    s.get("applications_end", f"/api/applications/workspace/{ws}/")

    # refusals
    s.post("missing_application", APPLICATION.format(BOGUS))
    s.post("no_auth", APPLICATION.format(database), auth="none")
    s.post("token_auth", APPLICATION.format(database), auth="token")
    s.post("bad_id", "/api/applications/abc/duplicate/async/")
    other_user(s)
    s.post("other_user", APPLICATION.format(database), auth="other")
    s.get("applications_final", f"/api/applications/workspace/{ws}/")


SCENARIOS = {
    "duplicate_field": duplicate_field,
    "duplicate_table": duplicate_table,
    "duplicate_application": duplicate_application,
}

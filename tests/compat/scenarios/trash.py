"""The trash: deleted rows listed, restored (with their links) and deleted for good, what
every read shows meanwhile, and the trash endpoints' errors."""

from __future__ import annotations

from typing import Any

from tests.compat.session import Session

NAMES = {"user_field_names": "true"}
BOGUS = 1_999_999


def _restore(s: Session, step: str, kind: str, item: int, parent: int | None) -> Any:
    body: dict[str, Any] = {"trash_item_type": kind, "trash_item_id": item}
    if parent is not None:
        body["parent_trash_item_id"] = parent
    return s.patch(step, "/api/trash/restore/", body)


def _other_user(s: Session) -> None:
    """A second user of our own, signed in as `other`."""
    body = {"name": "Other", "email": f"other-{s.tag}@example.com",
            "password": "password123", "authenticate": True}  # fmt: skip
    answer = s.post("sign_up", "/api/user/", body, auth="none", record=False)
    s.auth["other"] = f"JWT {answer['access_token']}"


def rows(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    table = s.table(db, "Things", [["Name", "Notes"], ["a", "x"], ["b", "y"], ["c", "z"],
                                   ["", "blank"], ["e", "x"]])  # fmt: skip
    s.get("structure", "/api/trash/")
    contents = f"/api/trash/workspace/{ws}/"
    s.get("contents_empty", contents)
    rows_url = f"/api/database/rows/table/{table}/"
    s.delete("delete_row", f"{rows_url}1/")
    s.get("contents", contents)
    s.rows("rows_after_delete", table, **NAMES)
    s.get("get_deleted", f"{rows_url}1/")
    s.patch("update_deleted", f"{rows_url}1/", {"Name": "z"}, query=NAMES)
    s.delete("delete_deleted", f"{rows_url}1/")
    s.post("batch_delete", f"{rows_url}batch-delete/", {"items": [2, 4]})
    listed = s.get("contents", contents)
    s.get("contents_app", contents, query={"application_id": db})
    s.rows("rows_after_batch", table, **NAMES)
    s.rows("search", table, search="x", **NAMES)
    s.rows("filter", table, filter__Notes__contains="y", **NAMES)
    s.rows("count", table, count="true")
    s.post("batch_delete_again", f"{rows_url}batch-delete/", {"items": [3, 4]})
    s.rows("rows_unchanged", table, **NAMES)
    # a new row gets a new id, never a trashed one's
    s.post("create", rows_url, {"Name": "f", "Notes": "new"}, query=NAMES)
    batch_id = next(e["trash_item_id"] for e in listed["results"] if e["trash_item_type"] == "rows")
    _restore(s, "restore_row_no_parent", "row", 1, None)
    _restore(s, "restore_row_wrong_parent", "row", 1, BOGUS)
    _restore(s, "restore_row", "row", 1, table)
    _restore(s, "restore_row_again", "row", 1, table)
    s.rows("rows_after_restore", table, **NAMES)
    s.get("get_restored", f"{rows_url}1/", query=NAMES)
    s.get("contents_after_restore", contents)
    _restore(s, "restore_rows", "rows", batch_id, table)
    s.rows("rows_after_restore_batch", table, **NAMES)
    s.rows("search_restored", table, search="blank", **NAMES)
    s.get("contents_after_restore_batch", contents)
    s.get("structure_after", "/api/trash/")


def pages(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    db2 = s.database(ws)
    table = s.table(db, "Paged", [["Name"], ["r1"], ["r2"], ["r3"], ["r4"], ["r5"]])
    other = s.table(db2, "Other", [["Name"], ["o1"], ["o2"]])
    rows_url = f"/api/database/rows/table/{table}/"
    for row in (1, 2, 3):
        s.delete("delete_row", f"{rows_url}{row}/")
    s.post("batch_delete", f"{rows_url}batch-delete/", {"items": [4, 5]})
    s.delete("delete_other", f"/api/database/rows/table/{other}/1/")
    contents = f"/api/trash/workspace/{ws}/"
    s.get("contents", contents)
    s.get("page_size_1", contents, query={"size": "2"})
    s.get("page_2", contents, query={"size": "2", "page": "2"})
    s.get("page_3", contents, query={"size": "2", "page": "3"})
    s.get("page_past_end", contents, query={"size": "2", "page": "9"})
    s.get("page_not_number", contents, query={"page": "x"})
    s.get("page_zero", contents, query={"page": "0"})
    s.get("size_not_number", contents, query={"size": "x"})
    s.get("size_zero", contents, query={"size": "0"})
    s.get("size_limit", contents, query={"size": "200"})
    s.get("size_too_large", contents, query={"size": "201"})
    s.get("app_page", contents, query={"application_id": db, "size": "200", "page": "1"})
    s.get("app_other", contents, query={"application_id": db2})
    s.get("structure", "/api/trash/")
    s.delete("empty_app", contents, query={"application_id": db2})
    s.get("contents_after_empty_app", contents)
    s.rows("other_rows", other, **NAMES)
    s.delete("empty", contents)
    s.get("contents_after_empty", contents)
    s.rows("rows_after_empty", table, **NAMES)
    s.get("structure_after_empty", "/api/trash/")


def errors(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    table = s.table(db, "Errors", [["Name"], ["a"], ["b"]])
    s.delete("delete_row", f"/api/database/rows/table/{table}/1/")
    restore = "/api/trash/restore/"
    s.patch("empty_body", restore, {})
    s.patch("not_an_object", restore, [1])
    s.patch("bad_type", restore, {"trash_item_type": "bogus", "trash_item_id": 1})
    s.patch("bad_ids", restore, {"trash_item_type": "row", "trash_item_id": -1,
                                 "parent_trash_item_id": "a"})  # fmt: skip
    s.patch("id_text", restore, {"trash_item_type": "row", "trash_item_id": "x"})
    s.patch("null_id", restore, {"trash_item_type": "row", "trash_item_id": None})
    s.patch("null_parent", restore, {"trash_item_type": "row", "trash_item_id": 1,
                                     "parent_trash_item_id": None})  # fmt: skip
    s.patch("unknown_key", restore, {"trash_item_type": "row", "trash_item_id": 1,
                                     "parent_trash_item_id": table, "extra": 1})  # fmt: skip
    s.patch("unknown_and_bad", restore, {"trash_item_type": "x", "trash_item_id": 1,
                                         "extra": 1})  # fmt: skip
    for kind in ("workspace", "application", "table", "field", "view"):
        _restore(s, f"restore_{kind}_missing", kind, BOGUS, None)
        _restore(s, f"restore_{kind}_with_parent", kind, BOGUS, table)
    _restore(s, "restore_rows_no_parent", "rows", 1, None)
    _restore(s, "restore_rows_missing", "rows", BOGUS, table)
    _restore(s, "restore_row_missing", "row", 2, table)
    s.get("contents_no_group", f"/api/trash/workspace/{BOGUS}/")
    s.delete("empty_no_group", f"/api/trash/workspace/{BOGUS}/")
    contents = f"/api/trash/workspace/{ws}/"
    s.get("contents_no_app", contents, query={"application_id": BOGUS})
    s.delete("empty_no_app", contents, query={"application_id": BOGUS})
    ws2 = s.workspace()
    db2 = s.database(ws2)
    s.get("app_not_in_workspace", contents, query={"application_id": db2})
    s.delete("empty_app_not_in_workspace", contents, query={"application_id": db2})
    s.get("no_auth", "/api/trash/", auth="none")
    s.get("no_auth_contents", contents, auth="none")
    s.patch("no_auth_restore", restore, {"trash_item_type": "row", "trash_item_id": 1},
            auth="none")  # fmt: skip
    _other_user(s)
    s.get("other_structure", "/api/trash/", auth="other")
    s.get("other_contents", contents, auth="other")
    s.get("other_contents_app", contents, query={"application_id": db}, auth="other")
    s.delete("other_empty", contents, auth="other")
    s.patch("other_restore", restore, {"trash_item_type": "row", "trash_item_id": 1,
                                       "parent_trash_item_id": table}, auth="other")  # fmt: skip
    s.get("contents_still", contents)
    s.rows("rows", table, **NAMES)


def links(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    a = s.table(db, "A", [["Name", "Points"], ["a1", "1"], ["a2", "2"], ["a3", "3"]])
    b = s.table(db, "B", [["Name"], ["b1"], ["b2"], ["b3"]])
    fa = s.fields(a)
    s.patch("points_number", f"/api/database/fields/{fa['Points']['id']}/",
            {"type": "number", "number_decimal_places": 0})  # fmt: skip
    link = s.field(b, "ToA", "link_row", link_row_table_id=a)
    s.field(b, "ANames", "lookup", through_field_id=link["id"],
            target_field_id=fa["Name"]["id"])  # fmt: skip
    s.field(b, "ACount", "count", through_field_id=link["id"])
    s.field(b, "ASum", "rollup", through_field_id=link["id"],
            target_field_id=fa["Points"]["id"], rollup_function="sum")  # fmt: skip
    s.field(b, "Joined", "formula", formula="join(lookup('ToA', 'Name'), ',')")
    b_rows = f"/api/database/rows/table/{b}/"
    a_rows = f"/api/database/rows/table/{a}/"
    s.patch("link", f"{b_rows}1/", {"ToA": [1, 2]}, query=NAMES)
    s.patch("link", f"{b_rows}2/", {"ToA": [2, 3]}, query=NAMES)
    s.patch("link", f"{b_rows}3/", {"ToA": [3]}, query=NAMES)
    s.rows("b_rows", b, **NAMES)
    s.rows("a_rows", a, **NAMES)
    # a linked row goes to the trash: it leaves every link, lookup, count and filter
    s.delete("delete_a2", f"{a_rows}2/")
    s.rows("b_after_delete", b, **NAMES)
    s.rows("a_after_delete", a, **NAMES)
    s.rows("b_filter_has", b, filter__ToA__link_row_has="2", **NAMES)
    s.rows("b_filter_contains", b, filter__ToA__link_row_contains="a2", **NAMES)
    s.rows("b_filter_empty", b, filter__ToA__empty="", **NAMES)
    s.rows("b_search", b, search="a2", **NAMES)
    s.rows("b_order", b, order_by="-ACount,Name", **NAMES)
    s.get("names", "/api/database/rows/names/", query={f"table__{a}": "1,2,3"})
    _restore(s, "restore_a2", "row", 2, a)
    s.rows("b_after_restore", b, **NAMES)
    s.rows("b_filter_has_restored", b, filter__ToA__link_row_has="2", **NAMES)
    s.rows("b_search_restored", b, search="a2", **NAMES)
    # the linking rows go to the trash and come back with their links
    s.post("delete_b", f"{b_rows}batch-delete/", {"items": [1, 2]})
    s.rows("a_after_b_delete", a, **NAMES)
    s.rows("b_after_b_delete", b, **NAMES)
    s.rows("a_filter_b_links", a, **{"filter__B__empty": ""}, **NAMES)
    contents = s.get("contents", f"/api/trash/workspace/{ws}/")
    batch = next(e["trash_item_id"] for e in contents["results"] if e["trash_item_type"] == "rows")
    _restore(s, "restore_b", "rows", batch, b)
    s.rows("a_after_b_restore", a, **NAMES)
    s.rows("b_after_b_restore", b, **NAMES)
    # both sides trashed, restored in the other order: the link comes back
    s.delete("delete_a1", f"{a_rows}1/")
    s.delete("delete_b1", f"{b_rows}1/")
    _restore(s, "restore_a1", "row", 1, a)
    s.rows("b_with_b1_trashed", b, **NAMES)
    _restore(s, "restore_b1", "row", 1, b)
    s.rows("b_all_restored", b, **NAMES)
    s.rows("a_all_restored", a, **NAMES)
    # a restored row's lookups, counts and rollups are back, and so is its place in a sort
    s.rows("b_sorted", b, order_by="-ASum", **NAMES)
    s.rows("b_filter_count", b, filter__ACount__higher_than="1", **NAMES)
    s.get("contents_final", f"/api/trash/workspace/{ws}/")


def self_links(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    table = s.table(db, "Tree", [["Name"], ["root"], ["kid"], ["leaf"]])
    link = s.field(table, "Parent", "link_row", link_row_table_id=table)
    s.field(table, "ParentName", "lookup", through_field_id=link["id"],
            target_field_id=s.fields(table)["Name"]["id"])  # fmt: skip
    rows_url = f"/api/database/rows/table/{table}/"
    s.patch("link", f"{rows_url}2/", {"Parent": [1]}, query=NAMES)
    s.patch("link", f"{rows_url}3/", {"Parent": [2, 3]}, query=NAMES)
    s.rows("rows", table, **NAMES)
    s.post("delete_two", f"{rows_url}batch-delete/", {"items": [2, 3]})
    s.rows("rows_after_delete", table, **NAMES)
    contents = s.get("contents", f"/api/trash/workspace/{ws}/")
    batch = contents["results"][0]["trash_item_id"]
    _restore(s, "restore", "rows", batch, table)
    s.rows("rows_after_restore", table, **NAMES)
    s.delete("delete_root", f"{rows_url}1/")
    s.rows("rows_without_root", table, **NAMES)
    _restore(s, "restore_root", "row", 1, table)
    s.rows("rows_with_root", table, **NAMES)


SCENARIOS = {
    "trash_rows": rows,
    "trash_pages": pages,
    "trash_errors": errors,
    "trash_links": links,
    "trash_self_links": self_links,
}

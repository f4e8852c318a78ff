"""Trashed databases (applications), workspaces and views: a deleted one leaves every read with
everything inside it (tables, rows, token grants), the trash lists it (`trashed: true` in
the structure), a restore brings it back whole, emptying deletes it for good, and the
errors of restoring an item whose parent is still trashed or of another user."""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.teammates import join, teammate
from tests.compat.session import Session

NAMES = {"user_field_names": "true"}


def _restore(
    s: Session, step: str, kind: str, item: int, parent: int | None = None, auth: str = "jwt"
) -> Any:
    body: dict[str, Any] = {"trash_item_type": kind, "trash_item_id": item}
    if parent is not None:
        body["parent_trash_item_id"] = parent
    return s.patch(step, "/api/trash/restore/", body, auth=auth)


def applications(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    keep = s.database(ws)
    t = s.table(db, "Things", [["Name"], ["a"], ["b"]])
    kept_table = s.table(keep, "Kept", [["Name"], ["k"]])
    token = s.token(ws)
    # one scope per operation: Baserow lists several in no fixed order
    grants = {"create": [["database", db]], "read": [["table", kept_table]],
              "update": [["table", t]], "delete": [["database", keep]]}  # fmt: skip
    s.patch("grant", f"/api/database/tokens/{token}/", {"permissions": grants})
    s.delete("delete_row", f"/api/database/rows/table/{t}/1/")
    s.delete("delete_app", f"/api/applications/{db}/")
    s.get("app_deleted", f"/api/applications/{db}/")
    s.patch("rename_deleted", f"/api/applications/{db}/", {"name": "X"})
    s.delete("delete_deleted", f"/api/applications/{db}/")
    s.get("apps_of_workspace", f"/api/applications/workspace/{ws}/")
    s.get("apps", "/api/applications/")
    s.get("tables_deleted", f"/api/database/tables/database/{db}/")
    s.get("table_deleted", f"/api/database/tables/{t}/")
    s.post("table_create", f"/api/database/tables/database/{db}/", {"name": "New"})
    s.rows("rows_deleted", t, **NAMES)
    s.rows("token_rows", t, auth="token")
    s.rows("token_rows_kept", kept_table, auth="token")
    s.get("token", f"/api/database/tokens/{token}/")
    s.get("check", "/api/database/tokens/check/", auth="token")
    s.get("structure", "/api/trash/")
    s.get("contents", f"/api/trash/workspace/{ws}/")
    s.get("contents_app", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    _restore(s, "restore_row_parent_trashed", "row", 1, parent=t)
    _restore(s, "restore_app_with_parent", "application", db, parent=1_999_998)
    _restore(s, "restore_app", "application", db)
    _restore(s, "restore_app_again", "application", db)
    s.get("app_restored", f"/api/applications/{db}/")
    s.rows("rows_restored", t, **NAMES)
    s.get("token_restored", f"/api/database/tokens/{token}/")
    s.get("contents_restored", f"/api/trash/workspace/{ws}/")
    # a table trashed before its database stays trashed when the database comes back
    s.delete("delete_table", f"/api/database/tables/{t}/")
    s.delete("delete_app_2", f"/api/applications/{db}/")
    s.get("contents_both", f"/api/trash/workspace/{ws}/")
    s.get("contents_app_both", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    _restore(s, "restore_table_app_trashed", "table", t)
    _restore(s, "restore_app_2", "application", db)
    s.get("tables_after", f"/api/database/tables/database/{db}/")
    _restore(s, "restore_table", "table", t)
    s.get("tables_after_table", f"/api/database/tables/database/{db}/")
    # emptying the trash of a trashed database deletes it for good (Baserow marks it and
    # deletes it in the background: only answers that are the same before and after)
    s.delete("delete_app_3", f"/api/applications/{db}/")
    s.delete("empty_app", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    s.get("contents_emptied", f"/api/trash/workspace/{ws}/")
    s.get("workspaces_emptied", "/api/workspaces/")
    s.get("structure_emptied", "/api/trash/")
    s.get("tables_emptied", f"/api/database/tables/{t}/")
    s.get("app_emptied", f"/api/applications/{db}/")
    # another user
    teammate(s, "bob")
    s.delete("delete_keep", f"/api/applications/{keep}/")
    _restore(s, "restore_outsider", "application", keep, auth="bob")
    s.get("contents_outsider", f"/api/trash/workspace/{ws}/", auth="bob")
    s.delete("empty_outsider", f"/api/trash/workspace/{ws}/", auth="bob")
    s.delete("empty_workspace", f"/api/trash/workspace/{ws}/")
    s.get("apps_end", f"/api/applications/workspace/{ws}/")


def workspaces(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    other_ws = s.workspace()
    db = s.database(ws)
    t = s.table(db, "Things", [["Name"], ["a"]])
    token = s.token(ws)
    email = teammate(s, "bob")
    # Bob's own workspace first: his membership of ours is then not of the same order as
    # ours (Baserow lists a workspace's members of the same order in no fixed order)
    s.post("workspace_bob", "/api/workspaces/", {"name": "Bob's"}, auth="bob")
    join(s, ws, "bob", email)
    s.delete("delete_by_member", f"/api/workspaces/{ws}/", auth="bob")
    s.delete("delete_table", f"/api/database/tables/{t}/")
    s.delete("delete_workspace", f"/api/workspaces/{ws}/")
    s.get("workspaces", "/api/workspaces/")
    s.get("workspaces_member", "/api/workspaces/", auth="bob")
    s.patch("rename_deleted", f"/api/workspaces/{ws}/", {"name": "X"})
    s.delete("delete_deleted", f"/api/workspaces/{ws}/")
    s.get("apps_deleted", f"/api/applications/workspace/{ws}/")
    s.get("apps", "/api/applications/")
    s.get("app_deleted", f"/api/applications/{db}/")
    s.get("members_deleted", f"/api/workspaces/users/workspace/{ws}/")
    # the trashed one keeps its place (no two workspaces of the same order: Baserow lists
    # those in no fixed order)
    s.post("order_with_deleted", "/api/workspaces/order/", {"workspaces": [ws, other_ws]})
    s.get("tokens", "/api/database/tokens/")
    s.get("token", f"/api/database/tokens/{token}/")
    s.get("check", "/api/database/tokens/check/", auth="token")
    s.rows("token_rows", t, auth="token")
    s.get("structure", "/api/trash/")
    s.get("structure_member", "/api/trash/", auth="bob")
    s.get("contents", f"/api/trash/workspace/{ws}/")
    s.get("contents_member", f"/api/trash/workspace/{ws}/", auth="bob")
    s.get("contents_app", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    _restore(s, "restore_table_ws_trashed", "table", t)
    _restore(s, "restore_by_member", "workspace", ws, auth="bob")
    _restore(s, "restore", "workspace", ws)
    s.get("workspaces_restored", "/api/workspaces/")
    s.get("apps_restored", f"/api/applications/workspace/{ws}/")
    s.get("check_restored", "/api/database/tokens/check/", auth="token")
    s.get("contents_restored", f"/api/trash/workspace/{ws}/")
    s.delete("delete_again", f"/api/workspaces/{ws}/")
    s.delete("empty", f"/api/trash/workspace/{ws}/")
    s.get("structure_emptied", "/api/trash/")
    s.get("contents_emptied", f"/api/trash/workspace/{ws}/")
    s.get("workspaces_emptied", "/api/workspaces/")


def views(s: Session) -> None:
    """Views go to the trash: a trashed view and its filters, sorts and field options are
    missing, the table's view list leaves it out, a restore brings it back in its place."""
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    t = s.table(db, "Things", [["Name", "Notes"], ["a", "x"], ["b", "y"]])
    notes = s.fields(t)["Notes"]["id"]
    first = s.post("view", f"/api/database/views/table/{t}/", {"name": "G1", "type": "grid"})
    last = s.post("view", f"/api/database/views/table/{t}/", {"name": "G3", "type": "grid"})
    # the trashed one keeps its order, after the others' new ones (Baserow lists views of
    # the same order in no fixed order)
    view = s.post("view", f"/api/database/views/table/{t}/", {"name": "G2", "type": "grid"})
    vid = view["id"]
    vf = s.post("view_filter", f"/api/database/views/{vid}/filters/",
                {"field": notes, "type": "contains", "value": "x"})  # fmt: skip
    sort = s.post("view_sort", f"/api/database/views/{vid}/sortings/", {"field": notes})
    s.delete("delete_view", f"/api/database/views/{vid}/")
    s.get("views", f"/api/database/views/table/{t}/")
    s.get("view_deleted", f"/api/database/views/{vid}/")
    s.patch("rename_deleted", f"/api/database/views/{vid}/", {"name": "X"})
    s.delete("delete_deleted", f"/api/database/views/{vid}/")
    s.get("filters_deleted", f"/api/database/views/{vid}/filters/")
    s.get("filter_deleted", f"/api/database/views/filter/{vf['id']}/")
    s.get("sort_deleted", f"/api/database/views/sort/{sort['id']}/")
    s.get("field_options_deleted", f"/api/database/views/{vid}/field-options/")
    s.get("grid_deleted", f"/api/database/views/grid/{vid}/")
    s.rows("rows_of_deleted_view", t, view_id=vid)
    s.post("order_with_deleted", f"/api/database/views/table/{t}/order/",
           {"view_ids": [last["id"], first["id"]]})  # fmt: skip
    s.get("views_ordered", f"/api/database/views/table/{t}/")
    s.get("contents", f"/api/trash/workspace/{ws}/")
    s.get("contents_app", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    _restore(s, "restore_with_parent", "view", vid, parent=t)
    _restore(s, "restore", "view", vid)
    _restore(s, "restore_again", "view", vid)
    s.get("views_restored", f"/api/database/views/table/{t}/")
    s.get("view_restored", f"/api/database/views/{vid}/", query={"include": "filters,sortings"})
    s.get("grid_restored", f"/api/database/views/grid/{vid}/")
    # a view of a trashed table waits for its table
    s.delete("delete_view_2", f"/api/database/views/{vid}/")
    s.delete("delete_table", f"/api/database/tables/{t}/")
    _restore(s, "restore_table_trashed", "view", vid)
    _restore(s, "restore_table", "table", t)
    s.get("views_table_restored", f"/api/database/views/table/{t}/")
    _restore(s, "restore_2", "view", vid)
    s.delete("delete_view_3", f"/api/database/views/{vid}/")
    s.delete("empty", f"/api/trash/workspace/{ws}/")
    s.get("contents_emptied", f"/api/trash/workspace/{ws}/")
    s.get("view_emptied", f"/api/database/views/{vid}/")
    s.get("views_end", f"/api/database/views/table/{t}/")


SCENARIOS = {
    "trash_applications": applications,
    "trash_workspaces": workspaces,
    "trash_views": views,
}

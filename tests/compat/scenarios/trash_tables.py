"""Trashed tables: a deleted table leaves every read (the database's table list, the
table's own endpoints, its fields, views and rows answer as for a missing table), links
into it from other tables go with it, and a restore brings it back in its order with its
rows, fields, views and links."""

from __future__ import annotations

from typing import Any

from tests.compat.session import Session

NAMES = {"user_field_names": "true"}


def _restore(s: Session, step: str, item: int, **extra: Any) -> Any:
    body = {"trash_item_type": "table", "trash_item_id": item, **extra}
    return s.patch(step, "/api/trash/restore/", body)


def basic(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    first = s.table(db, "First", [["Name"], ["f1"]])
    things = s.table(db, "Things", [["Name", "Notes"], ["a", "x"], ["b", "y"]])
    last = s.table(db, "Last", [["Name"], ["l1"]])
    notes = s.fields(things)["Notes"]["id"]
    view = s.post("view", f"/api/database/views/table/{things}/", {"name": "G", "type": "grid"})
    s.delete("delete_table", f"/api/database/tables/{things}/")
    s.get("get_deleted", f"/api/database/tables/{things}/")
    s.patch("rename_deleted", f"/api/database/tables/{things}/", {"name": "Other"})
    s.delete("delete_deleted", f"/api/database/tables/{things}/")
    s.get("tables", f"/api/database/tables/database/{db}/")
    s.get("application", f"/api/applications/{db}/")
    s.get("fields_deleted", f"/api/database/fields/table/{things}/")
    s.get("field_deleted", f"/api/database/fields/{notes}/")
    s.get("views_deleted", f"/api/database/views/table/{things}/")
    s.get("view_deleted", f"/api/database/views/{view['id']}/")
    s.rows("rows_deleted", things, **NAMES)
    s.get("row_deleted", f"/api/database/rows/table/{things}/1/")
    s.post("create_row_deleted", f"/api/database/rows/table/{things}/", {"Name": "c"},
           query=NAMES)  # fmt: skip
    s.post("order", f"/api/database/tables/database/{db}/order/", {"table_ids": [last, first]})
    s.get("structure", "/api/trash/")
    s.get("contents", f"/api/trash/workspace/{ws}/")
    s.get("contents_app", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    _restore(s, "restore_parent_given", things, parent_trash_item_id=1_999_998)
    _restore(s, "restore_missing", 1_999_999)
    _restore(s, "restore", things)
    _restore(s, "restore_again", things)
    s.get("tables_after_restore", f"/api/database/tables/database/{db}/")
    s.get("get_restored", f"/api/database/tables/{things}/")
    s.get("fields_restored", f"/api/database/fields/table/{things}/")
    s.get("views_restored", f"/api/database/views/table/{things}/")
    s.rows("rows_restored", things, **NAMES)
    s.get("contents_after_restore", f"/api/trash/workspace/{ws}/")
    s.delete("delete_again", f"/api/database/tables/{things}/")
    s.delete("empty", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    s.get("contents_empty", f"/api/trash/workspace/{ws}/")
    s.get("get_emptied", f"/api/database/tables/{things}/")
    s.get("tables_end", f"/api/database/tables/database/{db}/")


def links(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    a = s.table(db, "A", [["Name"], ["a1"], ["a2"]])
    b = s.table(db, "B", [["Name"], ["b1"], ["b2"]])
    link = s.field(a, "Link", "link_row", link_row_table_id=b, has_related_field=True)
    s.field(a, "OneWay", "link_row", link_row_table_id=b, has_related_field=False)
    related = link["link_row_related_field_id"]
    s.patch("link", f"/api/database/rows/table/{a}/1/", {"Link": [1, 2], "OneWay": [2]},
            query=NAMES)  # fmt: skip
    b_name = s.fields(b)["Name"]["id"]
    lookup = s.field(a, "Look", "lookup", through_field_id=link["id"], target_field_id=b_name)
    s.delete("delete_b", f"/api/database/tables/{b}/")
    s.get("fields_a", f"/api/database/fields/table/{a}/")
    s.get("link_gone", f"/api/database/fields/{link['id']}/")
    s.get("related_gone", f"/api/database/fields/{related}/")
    s.get("lookup_broken", f"/api/database/fields/{lookup['id']}/")
    s.rows("rows_a", a, **NAMES)
    s.get("contents", f"/api/trash/workspace/{ws}/")
    _restore(s, "restore_b", b)
    s.get("fields_a_restored", f"/api/database/fields/table/{a}/")
    s.get("fields_b_restored", f"/api/database/fields/table/{b}/")
    s.get("lookup_healed", f"/api/database/fields/{lookup['id']}/")
    s.rows("rows_a_restored", a, **NAMES)
    s.rows("rows_b_restored", b, **NAMES)
    s.get("contents_restored", f"/api/trash/workspace/{ws}/")


def children(s: Session) -> None:
    """Everything of a trashed table that has an id of its own (fields, views and their
    filters, sorts, field options, rows, webhooks, token grants) is missing too."""
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    t = s.table(db, "Things", [["Name", "Notes"], ["a", "x"], ["b", "y"]])
    other = s.table(db, "Other", [["Name"], ["o1"]])
    fields = s.fields(t)
    name, notes = fields["Name"]["id"], fields["Notes"]["id"]
    view = s.post("view", f"/api/database/views/table/{t}/", {"name": "G", "type": "grid"})
    vid = view["id"]
    vf = s.post("view_filter", f"/api/database/views/{vid}/filters/",
                {"field": notes, "type": "contains", "value": "x"})  # fmt: skip
    group = s.post("view_group", f"/api/database/views/{vid}/filter-groups/", {})
    sort = s.post("view_sort", f"/api/database/views/{vid}/sortings/", {"field": name})
    token = s.token(ws)
    grants = {"create": [["table", t]], "read": True, "update": [["table", other]],
              "delete": [["database", db]]}  # fmt: skip
    s.patch("grant", f"/api/database/tokens/{token}/", {"permissions": grants})
    s.get("check_before", "/api/database/tokens/check/", auth="token")
    s.patch("history_edit", f"/api/database/rows/table/{t}/1/", {"Notes": "z"}, query=NAMES)
    hook_body = {"url": "https://example.com/hook", "name": "H", "use_user_field_names": True}
    hook = s.post("webhook", f"/api/database/webhooks/table/{t}/", hook_body)
    s.delete("delete_table", f"/api/database/tables/{t}/")
    # fields
    s.get("field", f"/api/database/fields/{notes}/")
    s.patch("field_update", f"/api/database/fields/{notes}/", {"name": "N2"})
    s.delete("field_delete", f"/api/database/fields/{notes}/")
    s.post("field_duplicate", f"/api/database/fields/{notes}/duplicate/async/", {})
    s.post("field_create", f"/api/database/fields/table/{t}/", {"name": "X", "type": "text"})
    # views and their parts
    s.get("view", f"/api/database/views/{vid}/")
    s.patch("view_update", f"/api/database/views/{vid}/", {"name": "G2"})
    s.get("view_field_options", f"/api/database/views/{vid}/field-options/")
    s.patch("view_field_options_update", f"/api/database/views/{vid}/field-options/",
            {"field_options": {str(notes): {"hidden": True}}})  # fmt: skip
    s.get("view_filters", f"/api/database/views/{vid}/filters/")
    s.get("filter", f"/api/database/views/filter/{vf['id']}/")
    s.patch("filter_update", f"/api/database/views/filter/{vf['id']}/", {"value": "q"})
    s.delete("filter_delete", f"/api/database/views/filter/{vf['id']}/")
    s.get("group", f"/api/database/views/filter-group/{group['id']}/")
    s.patch("group_update", f"/api/database/views/filter-group/{group['id']}/", {"type": "OR"})
    s.delete("group_delete", f"/api/database/views/filter-group/{group['id']}/")
    s.get("view_sortings", f"/api/database/views/{vid}/sortings/")
    s.get("sort", f"/api/database/views/sort/{sort['id']}/")
    s.patch("sort_update", f"/api/database/views/sort/{sort['id']}/", {"order": "DESC"})
    s.delete("sort_delete", f"/api/database/views/sort/{sort['id']}/")
    s.get("grid_rows", f"/api/database/views/grid/{vid}/")
    s.delete("view_delete", f"/api/database/views/{vid}/")
    s.post("view_create", f"/api/database/views/table/{t}/", {"name": "G3", "type": "grid"})
    # rows
    s.patch("row_update", f"/api/database/rows/table/{t}/1/", {"Notes": "w"}, query=NAMES)
    s.delete("row_delete", f"/api/database/rows/table/{t}/1/")
    s.patch("row_move", f"/api/database/rows/table/{t}/1/move/")
    s.get("row_history", f"/api/database/rows/table/{t}/1/history/")
    s.get("row_adjacent", f"/api/database/rows/table/{t}/1/adjacent/")
    s.post("rows_batch", f"/api/database/rows/table/{t}/batch/", {"items": [{}]})
    s.patch("rows_batch_update", f"/api/database/rows/table/{t}/batch/",
            {"items": [{"id": 1}]})  # fmt: skip
    s.post("rows_batch_delete", f"/api/database/rows/table/{t}/batch-delete/", {"items": [1]})
    s.get("row_names", "/api/database/rows/names/", query={f"table__{t}": "1"})
    # jobs on it
    s.post("export", f"/api/database/export/table/{t}/", {"exporter_type": "csv"})
    s.post("import", f"/api/database/tables/{t}/import/async/", {"data": [["c", "d"]]})
    s.post("duplicate", f"/api/database/tables/{t}/duplicate/async/")
    # webhooks
    s.get("webhooks", f"/api/database/webhooks/table/{t}/")
    s.post("webhook_create", f"/api/database/webhooks/table/{t}/",
           {"url": "https://example.com/h2", "name": "H2"})  # fmt: skip
    s.get("webhook", f"/api/database/webhooks/{hook['id']}/")
    s.patch("webhook_update", f"/api/database/webhooks/{hook['id']}/", {"name": "H3"})
    s.delete("webhook_delete", f"/api/database/webhooks/{hook['id']}/")
    s.post("webhook_test", f"/api/database/webhooks/table/{t}/test-call/",
           {"url": "https://example.com/h2"})  # fmt: skip
    # tokens
    s.get("token", f"/api/database/tokens/{token}/")
    s.get("check", "/api/database/tokens/check/", auth="token")
    s.rows("token_rows", t, auth="token")
    s.rows("token_rows_other", other, auth="token")
    s.get("token_fields", f"/api/database/fields/table/{t}/", auth="token")
    # listings
    s.get("applications", "/api/applications/")
    s.get("workspace_applications", f"/api/applications/workspace/{ws}/")
    _restore(s, "restore", t)
    s.get("field_restored", f"/api/database/fields/{notes}/")
    s.get("view_restored", f"/api/database/views/{vid}/", query={"include": "filters,sortings"})
    s.get("filter_restored", f"/api/database/views/filter/{vf['id']}/")
    s.get("webhook_restored", f"/api/database/webhooks/{hook['id']}/")
    s.get("token_restored", f"/api/database/tokens/{token}/")
    s.get("check_restored", "/api/database/tokens/check/", auth="token")
    s.get("history_restored", f"/api/database/rows/table/{t}/1/history/")


SCENARIOS = {
    "trash_tables_basic": basic,
    "trash_tables_links": links,
    "trash_tables_children": children,
}

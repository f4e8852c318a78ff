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


SCENARIOS = {
    "trash_tables_basic": basic,
    "trash_tables_links": links,
}

"""Trashed fields (gridbase/core/trash_fields.py): the column and links are kept while the
field is in the trash, a restore brings back values, links and both sides of a link, and
deleting for good drops the column. Baserow's answers: tests/compat (trash_fields.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage import ddl
from tests.conftest import Api
from tests.helpers import assert_error

NAMES = "?user_field_names=true"


def _restore(api: Api, item: int) -> Any:
    return api.patch("/api/trash/restore/", {"trash_item_type": "field", "trash_item_id": item})


def _columns(ctx: Ctx, table: int) -> set[str]:
    with ctx.db.read() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(ddl.table_name(table))}


def test_restore_brings_back_values_and_both_sides_of_a_link(api: Api, ctx: Ctx) -> None:
    ws = api.workspace()
    db = api.database(ws)
    a = api.table(db, "A", [["Name", "Qty"], ["a1", "1"], ["a2", "2"]])
    b = api.table(db, "B", [["Name"], ["b1"]])
    link = api.field(a, "Link", "link_row", link_row_table_id=b, has_related_field=True)
    api.ok(api.patch(f"/api/database/rows/table/{a}/1/{NAMES}", {"Link": [1]}))
    api.ok(api.delete(f"/api/database/fields/{link['id']}/"))
    assert_error(
        api.get(f"/api/database/fields/{link['link_row_related_field_id']}/"),
        404,
        "ERROR_FIELD_DOES_NOT_EXIST",
    )
    # a new field of the same name meanwhile: the restored one is renamed
    api.field(a, "Link", "text")
    assert _restore(api, link["id"]).status_code == 204
    row = api.ok(api.get(f"/api/database/rows/table/{a}/1/{NAMES}"))
    assert [x["id"] for x in row["Link (Restored)"]] == [1]
    back = api.ok(api.get(f"/api/database/rows/table/{b}/1/{NAMES}"))
    assert [x["id"] for x in back["A"]] == [1]


def test_emptying_drops_the_column_and_ids_are_never_reused(api: Api, ctx: Ctx) -> None:
    ws = api.workspace()
    db = api.database(ws)
    a = api.table(db, "A", [["Name", "Qty"], ["a1", "1"]])
    fields = api.ok(api.get(f"/api/database/fields/table/{a}/"))
    qty = next(f["id"] for f in fields if f["name"] == "Qty")
    api.ok(api.delete(f"/api/database/fields/{qty}/"))
    assert ddl.column_name(qty) in _columns(ctx, a)
    again = api.field(a, "Qty", "number")
    assert again["id"] > qty  # the trashed field's column is still there
    assert api.delete(f"/api/trash/workspace/{ws}/").status_code == 204
    assert ddl.column_name(qty) not in _columns(ctx, a)
    assert_error(_restore(api, qty), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")
    assert api.ok(api.get(f"/api/database/rows/table/{a}/1/{NAMES}"))["Qty"] is None


def test_a_trashed_link_goes_for_good_with_the_table_it_links_to(api: Api, ctx: Ctx) -> None:
    ws = api.workspace()
    db = api.database(ws)
    a = api.table(db, "A", [["Name"], ["a1"]])
    b = api.table(db, "B", [["Name"], ["b1"]])
    link = api.field(a, "Link", "link_row", link_row_table_id=b, has_related_field=True)
    api.ok(api.patch(f"/api/database/rows/table/{a}/1/{NAMES}", {"Link": [1]}))
    api.ok(api.delete(f"/api/database/fields/{link['id']}/"))
    api.ok(api.delete(f"/api/database/tables/{b}/"))
    assert_error(_restore(api, link["id"]), 400, "ERROR_CANT_RESTORE_AS_RELATED_TABLE_TRASHED")
    api.ok(api.delete(f"/api/trash/workspace/{ws}/"))  # the table goes for good
    assert_error(_restore(api, link["id"]), 404, "ERROR_TRASH_ITEM_DOES_NOT_EXIST")
    assert api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"] == []
    assert [r["Name"] for r in api.rows(a)] == ["a1"]
    with ctx.db.read() as conn:
        relation = link.get("link_row_relation_id") or link["id"]
        assert not sa.inspect(conn).has_table(f"database_relation_{relation}")
    # a database deleted with a field in the trash: nothing of it is left
    other = api.table(db, "C", [["Name", "Qty"], ["c", "1"]])
    qty = next(f["id"] for f in api.fields(other) if f["name"] == "Qty")
    api.ok(api.delete(f"/api/database/fields/{qty}/"))
    assert api.delete(f"/api/applications/{db}/").status_code == 204  # to the trash
    assert api.delete(f"/api/trash/workspace/{ws}/").status_code == 204  # and for good
    assert api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"] == []
    with ctx.db.read() as conn:
        assert not sa.inspect(conn).has_table(f"database_table_{other}")

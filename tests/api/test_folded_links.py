"""A row read by id (get one row, a write's answer) on PostgreSQL reads its link fields'
values in its own select (usertable/read.Folded), one round trip instead of two:
- the answers are the plain way's (serialize_rows_general over a separate link read), with
  duplicate junction rows, blank and quoted primary texts, equal and fractional orders, and
  a self link;
- the fold is taken for links to a table with a text primary, and not for one whose primary
  is a number (read the usual way);
- with a kept linked model older than the linked table's schema, after the linked table's
  primary changes type, and after it goes to the trash, the answers are still the plain
  way's (the fold is built anew, or the field is read apart).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.usertable import load
from gridbase.usertable.read import _unfolded, folded_links, serialize_rows_general
from tests.conftest import Api


def plain_row(ctx: Ctx, table: int, row_id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        model = load.model_of(ctx, conn, table)
        fields = list(model.fields)
        records = model.rows_by_id(conn, fields, [row_id])
        return serialize_rows_general(ctx, conn, model, records, fields)[0]


def folded_fields(ctx: Ctx, table: int, row_id: int) -> set[int]:
    """The fields whose values the by-id select read itself."""
    with ctx.db.read() as conn:
        model = load.model_of(ctx, conn, table)
        fields = list(model.fields)
        folded = folded_links(ctx, model, fields, sqlite=ctx.db.is_sqlite)
        records = model.rows_by_id(conn, fields, [row_id], (folded.key, folded.columns))
        return set(_unfolded(records, fields))


def test_rows_by_id_read_link_values_in_one_select(api: Api, ctx: Ctx) -> None:
    database = api.database()
    labels = api.table(database, "Labels", data=[["Label"], ["red"], [""], ['"q"\n'], ["✓"]])
    numbers = api.table(database, "Numbers", data=[["N"]])
    table = api.table(database, "Main", data=[["Name"], ["one"], ["two"], ["three"]])
    api.ok(api.post(f"/api/database/rows/table/{labels}/", {}))  # a blank primary (None)
    # row 4 moved before row 2: order 1.5
    api.ok(api.patch(f"/api/database/rows/table/{labels}/4/move/?before_id=2", {}))
    number_field = api.fields(numbers)[0]["id"]
    api.ok(api.patch(f"/api/database/fields/{number_field}/", {"type": "number"}))
    for value in ("7", "3"):
        api.ok(api.post(f"/api/database/rows/table/{numbers}/", {f"field_{number_field}": value}))
    tags = api.field(table, "tags", "link_row", link_row_table_id=labels)["id"]
    nums = api.field(table, "nums", "link_row", link_row_table_id=numbers)["id"]
    self_link = api.field(table, "me", "link_row", link_row_table_id=table, has_related_field=False)
    base = f"/api/database/rows/table/{table}/"
    patched = api.ok(
        api.patch(
            f"{base}1/",
            {
                f"field_{tags}": [3, 5, 1, 4],
                f"field_{nums}": [2, 1],
                f"field_{self_link['id']}": [2, 1],
            },
        )
    )
    assert patched == plain_row(ctx, table, 1)
    api.ok(api.patch(f"{base}2/", {f"field_{tags}": [2]}))
    with ctx.db.write() as conn:  # a link stored twice is named once
        junction = load.model_of(ctx, conn, table).relations[tags]
        conn.execute(sa.insert(junction).values(row_id=2, target_id=2))
    for row_id in (1, 2, 3):
        assert api.ok(api.get(f"{base}{row_id}/")) == plain_row(ctx, table, row_id)
    # in the linked table's order (row 4 is at 1.5), a blank primary named ""
    assert [(v["id"], v["value"]) for v in plain_row(ctx, table, 1)[f"field_{tags}"]] == [
        (1, "red"),
        (4, "✓"),
        (3, '"q"\n'),
        (5, ""),
    ]
    assert len(plain_row(ctx, table, 2)[f"field_{tags}"]) == 1
    if not ctx.db.is_sqlite:
        assert folded_fields(ctx, table, 1) == {tags, self_link["id"]}

    # a kept linked model older than the table's schema (another instance changed it):
    # that field is read the usual way
    stale = ctx.kept.models.latest(labels)
    assert stale is not None
    api.field(labels, "more", "text")
    if not ctx.db.is_sqlite:
        ctx.kept.models.put(labels, *stale)
        assert folded_fields(ctx, table, 1) == {self_link["id"]}
        assert api.ok(api.get(f"{base}1/")) == plain_row(ctx, table, 1)
    # the linked table's primary becomes a number, then text again: read anew each time
    label_field = api.fields(labels)[0]["id"]
    api.ok(api.patch(f"/api/database/fields/{label_field}/", {"type": "number"}))
    assert api.ok(api.get(f"{base}1/")) == plain_row(ctx, table, 1)
    if not ctx.db.is_sqlite:
        assert folded_fields(ctx, table, 1) == {self_link["id"]}
    api.ok(api.patch(f"/api/database/fields/{label_field}/", {"type": "text"}))
    api.ok(api.patch(f"/api/database/rows/table/{labels}/1/", {f"field_{label_field}": "z"}))
    assert api.ok(api.get(f"{base}1/")) == plain_row(ctx, table, 1)
    if not ctx.db.is_sqlite:
        assert folded_fields(ctx, table, 1) == {tags, self_link["id"]}
    # the linked table in the trash
    api.ok(api.delete(f"/api/database/tables/{labels}/"))
    assert api.ok(api.get(f"{base}1/")) == plain_row(ctx, table, 1)

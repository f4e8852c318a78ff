"""Links to the own table and cycles of links, with lookups, counts, rollups, formulas and
filters through them."""

from __future__ import annotations

from tests.compat.session import Session

NAMES = {"user_field_names": "true"}


def self_link(s: Session) -> None:
    s.sign_up()
    table = s.table(s.database(), "Tasks", [["Name", "Points"], ["a", "1"], ["b", "2"], ["c", "3"]])
    fields = s.fields(table)
    points = s.patch("points_number", f"/api/database/fields/{fields['Points']['id']}/",
                     {"type": "number", "number_decimal_places": 0})  # fmt: skip
    link = s.field(table, "Parent", "link_row", link_row_table_id=table)
    s.field(table, "Twice", "formula", formula="concat(field('Name'), '!')")
    s.field(table, "ParentName", "lookup", through_field_id=link["id"],
            target_field_id=fields["Name"]["id"])  # fmt: skip
    s.field(
        table, "ParentPoints", "lookup", through_field_id=link["id"], target_field_id=points["id"]
    )
    s.field(table, "Parents", "count", through_field_id=link["id"])
    s.field(table, "PointSum", "rollup", through_field_id=link["id"],
            target_field_id=points["id"], rollup_function="sum")  # fmt: skip
    s.field(table, "Joined", "formula", formula="join(lookup('Parent', 'Name'), ',')")
    s.field(table, "Total", "formula", formula="sum(lookup('Parent', 'Points'))")
    rows = f"/api/database/rows/table/{table}/"
    s.patch("link", f"{rows}2/", {"Parent": [1]}, query=NAMES)
    s.patch("link", f"{rows}3/", {"Parent": [1, 2, 3]}, query=NAMES)
    s.patch("link", f"{rows}1/", {"Parent": [1]}, query=NAMES)
    s.rows("rows", table, user_field_names="true")
    s.get("fields", f"/api/database/fields/table/{table}/")
    for key, value in (("link_row_has", "1"), ("link_row_has_not", "2"),
                       ("link_row_contains", "b"), ("link_row_not_contains", "a"),
                       ("empty", ""), ("not_empty", "")):  # fmt: skip
        s.rows(f"filter_{key}", table, user_field_names="true", **{f"filter__Parent__{key}": value})
    s.rows("order", table, user_field_names="true", order_by="-Parents,Name")
    s.patch("rename", f"/api/database/fields/{fields['Name']['id']}/", {"name": "Title"})
    s.rows("rows_after_rename", table, user_field_names="true")
    s.delete("unlink", f"/api/database/fields/{link['id']}/")
    s.rows("rows_after_unlink", table, user_field_names="true")


def cycle(s: Session) -> None:
    s.sign_up()
    db = s.database()
    a = s.table(db, "A", [["Name"], ["a1"], ["a2"]])
    b = s.table(db, "B", [["Name"], ["b1"], ["b2"]])
    fa = s.fields(a)
    link = s.field(a, "ToB", "link_row", link_row_table_id=b)
    fb = s.fields(b)
    s.field(a, "BNames", "lookup", through_field_id=link["id"], target_field_id=fb["Name"]["id"])
    s.field(b, "ANames", "lookup", through_field_id=fb["A"]["id"], target_field_id=fa["Name"]["id"])
    s.patch("link", f"/api/database/rows/table/{a}/1/", {"ToB": [1, 2]}, query=NAMES)
    s.patch("link", f"/api/database/rows/table/{b}/2/", {"A": [1, 2]}, query=NAMES)
    s.rows("rows_a", a, user_field_names="true")
    s.rows("rows_b", b, user_field_names="true")
    s.field(a, "Deep", "formula", formula="count(lookup('ToB', 'ANames'))")
    s.field(b, "Back", "formula", formula="join(lookup('A', 'Name'), '/')")
    s.rows("rows_a", a, user_field_names="true")
    s.rows("rows_b", b, user_field_names="true")
    s.rows("filter", a, user_field_names="true", filter__BNames__has_value_equal="b2")
    s.rows("filter", b, user_field_names="true", filter__ANames__has_value_contains="2")


SCENARIOS = {"self_link": self_link, "link_cycle": cycle}

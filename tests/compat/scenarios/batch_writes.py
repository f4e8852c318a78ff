"""Batch create and batch update, the paths an upsert shares: defaults of created rows,
`before`, an update that gives some fields only, rows that do not exist, repeated ids, bad
values, and a token's create/update grants. (`upsert_on` itself is a gridbase extension
Baserow ignores, so it is not recorded here: tests/api/test_upsert.py covers it.)"""

from __future__ import annotations

from tests.compat.scenarios.build import NAMES
from tests.compat.session import Session


def batch_writes(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    table = s.table(s.database(ws), "Stock", [["Name", "Qty"], ["a", "1"], ["b", "2"]])
    s.field(table, "Code", "text", text_default="new")
    s.field(table, "Price", "number", number_decimal_places=2)
    rows = f"/api/database/rows/table/{table}/"
    batch = f"{rows}batch/"
    listed = s.rows("rows_start", table, user_field_names="true")["results"]
    a, b = listed[0]["id"], listed[1]["id"]
    s.post("create", batch, {"items": [{"Name": "c", "Price": "1.5"}, {}]}, query=NAMES)
    s.post("create_before", batch, {"items": [{"Name": "d"}]}, query={**NAMES, "before": b})
    s.post(
        "create_before_missing", batch, {"items": [{"Name": "e"}]}, query={**NAMES, "before": 99999}
    )
    s.post("create_bad", batch, {"items": [{"Name": "f"}, {"Price": "x"}]}, query=NAMES)
    s.patch(
        "update_some",
        batch,
        {"items": [{"id": a, "Price": "3"}, {"id": b, "Code": "k"}]},
        query=NAMES,
    )
    s.patch(
        "update_missing", batch, {"items": [{"id": a, "Price": "4"}, {"id": 99999}]}, query=NAMES
    )
    s.patch("update_repeated", batch, {"items": [{"id": a}, {"id": b}, {"id": a}]}, query=NAMES)
    s.patch(
        "update_bad",
        batch,
        {"items": [{"id": a, "Price": "x"}, {"id": b, "Qty": "y"}]},
        query=NAMES,
    )
    token = s.token(ws)
    perms = {"create": True, "read": True, "update": False, "delete": False}
    s.patch("grant_create", f"/api/database/tokens/{token}/", {"permissions": perms})
    s.post("token_create", batch, {"items": [{"Name": "t"}]}, query=NAMES, auth="token")
    s.patch("token_update", batch, {"items": [{"id": a, "Name": "t"}]}, query=NAMES, auth="token")
    s.rows("rows_end", table, user_field_names="true")


SCENARIOS = {"batch_writes": batch_writes}

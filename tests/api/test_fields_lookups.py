"""Lookups whose target is a computed field in Baserow's error state (answers read from
Baserow 1.35.3)."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error

ERROR = "first lookup function argument must be a link row field"


def test_a_lookup_of_a_broken_lookup_is_refused_and_follows_its_target(api: Api) -> None:
    # found by the schema fuzzer: the lookup was accepted (200, no error) over a broken one
    did = api.database()
    a, b = api.table(did, "A"), api.table(did, "B")
    name = api.fields(b)[0]["id"]
    link_b = api.field(b, "LB", "link_row", link_row_table_id=b)
    inner = api.field(b, "KB", "lookup", through_field_id=link_b["id"], target_field_id=name)
    link_a = api.field(a, "LA", "link_row", link_row_table_id=b, has_related_field=False)
    outer = api.field(a, "KA", "lookup", through_field_id=link_a["id"], target_field_id=inner["id"])
    api.ok(api.patch(f"/api/database/fields/{link_b['id']}/", {"type": "text"}))
    shown = api.ok(api.get(f"/api/database/fields/{outer['id']}/"))
    assert (shown["formula_type"], shown["error"]) == ("invalid", ERROR)
    r = api.post(
        f"/api/database/fields/table/{a}/",
        {"name": "K2", "type": "lookup", "through_field_id": link_a["id"],
         "target_field_id": inner["id"]},
    )  # fmt: skip
    assert assert_error(r, 400, "ERROR_WITH_FORMULA")["detail"] == f"Error with formula: {ERROR}."
    assert [f["name"] for f in api.fields(a)] == ["Name", "Notes", "Active", "LA", "KA"]


def test_computed_fields_over_a_link_turned_text_keep_it_and_recover(api: Api) -> None:
    t = api.table()
    name = api.fields(t)[0]["id"]
    link = api.field(t, "L", "link_row", link_row_table_id=t)
    count = api.field(t, "C", "count", through_field_id=link["id"])
    lookup = api.field(t, "K", "lookup", through_field_id=link["id"], target_field_id=name)
    api.ok(api.patch(f"/api/database/fields/{link['id']}/", {"type": "text"}))
    shown = {f["name"]: f for f in api.fields(t)}
    assert shown["C"]["error"] == (
        "argument number 1 given to function count was of type text but the only usable types"
        " for this argument are a list of values obtained from a lookup,multiple_select,"
        "multiple_collaborators"
    )
    assert (shown["K"]["error"], shown["K"]["through_field_id"]) == (ERROR, link["id"])
    api.ok(
        api.patch(
            f"/api/database/fields/{link['id']}/", {"type": "link_row", "link_row_table_id": t}
        )
    )
    api.ok(api.patch(f"/api/database/rows/table/{t}/1/", {f"field_{link['id']}": [1, 2]}))
    shown = {f["name"]: f for f in api.fields(t)}
    assert (shown["C"]["error"], shown["K"]["error"]) == (None, None)
    row = api.rows(t)[0]
    assert (row["C"], [v["id"] for v in row["K"]]) == ("2", [1, 2])
    assert (count["id"], lookup["id"]) == (shown["C"]["id"], shown["K"]["id"])

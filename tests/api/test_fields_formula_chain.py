"""Formulas reading formulas: when one breaks, those reading it break with its error, and a
new formula over a broken one is refused with that error (Baserow 1.35.3, asked
2026-12-06: B := upper(X), A := concat(B, 'x'), X deleted -> both read
"references the deleted or unknown field X")."""

from __future__ import annotations

from tests.conftest import Api

GONE = "references the deleted or unknown field X"


def states(api: Api, tid: int) -> dict[str, tuple[str | None, str | None]]:
    return {f["name"]: (f.get("formula_type"), f.get("error")) for f in api.fields(tid)}


def test_a_formula_over_a_formula_that_broke_breaks_with_its_error(api: Api) -> None:
    tid = api.table()
    x = api.field(tid, "X", "text")
    api.field(tid, "B", "formula", formula="upper(field('X'))")
    api.field(tid, "A", "formula", formula="concat(field('B'), 'x')")
    api.ok(api.delete(f"/api/database/fields/{x['id']}/"))
    found = states(api, tid)
    assert (found["B"], found["A"]) == (("invalid", GONE), ("invalid", GONE))
    assert {(r["A"], r["B"]) for r in api.rows(tid, user_field_names="true")} == {(None, None)}
    r = api.post(
        f"/api/database/fields/table/{tid}/",
        {"name": "C", "type": "formula", "formula": "totext(field('B'))"},
    )
    assert r.status_code == 400, r.text
    assert r.json() == {"error": "ERROR_WITH_FORMULA", "detail": f"Error with formula: {GONE}."}


def test_a_chain_created_in_reverse_order_breaks_whole(api: Api) -> None:
    # A (created first) reads B, created after it: the refresh repeats until it settles
    tid = api.table()
    x = api.field(tid, "X", "text")
    a = api.field(tid, "A", "formula", formula="'a'")
    api.field(tid, "B", "formula", formula="upper(field('X'))")
    api.ok(api.patch(f"/api/database/fields/{a['id']}/", {"formula": "concat(field('B'), 'x')"}))
    api.ok(api.delete(f"/api/database/fields/{x['id']}/"))
    found = states(api, tid)
    assert (found["B"], found["A"]) == (("invalid", GONE), ("invalid", GONE))

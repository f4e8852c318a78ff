"""Formula fields through the API: typing, values computed in SQL, dependencies, errors."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error


def _table(api: Api) -> tuple[int, dict[str, int]]:
    tid = api.table(data=[["Name"], ["Alpha"], ["Beta"], [""]])
    qty = api.field(tid, "Qty", "number")
    amount = api.field(tid, "Amount", "number", number_decimal_places=2, number_negative=True)
    rows = api.rows(tid)
    api.ok(
        api.patch(
            f"/api/database/rows/table/{tid}/batch/?user_field_names=true",
            {
                "items": [
                    {"id": rows[0]["id"], "Qty": 3, "Amount": "12.50"},
                    {"id": rows[1]["id"], "Qty": 10, "Amount": "-3.25"},
                ]
            },
        )
    )
    return tid, {"Qty": qty["id"], "Amount": amount["id"]}


def test_formula_types_and_values(api: Api) -> None:
    tid, _ = _table(api)
    label = api.field(
        tid, "Label", "formula", formula="concat(field('Name'), '#', totext(field('Qty')))"
    )
    assert (label["formula_type"], label["read_only"], label["error"], label["nullable"]) == (
        "text",
        True,
        None,
        False,
    )
    double = api.field(tid, "Double", "formula", formula="field('Amount') * 2")
    assert (double["formula_type"], double["number_decimal_places"]) == ("number", 2)
    flag = api.field(tid, "Big", "formula", formula="field('Qty') > 5")
    assert flag["formula_type"] == "boolean"
    rows = api.rows(tid)
    assert [(r["Label"], r["Double"], r["Big"]) for r in rows] == [
        ("Alpha#3", "25.00", False),
        ("Beta#10", "-6.50", True),
        ("#", "0.00", False),
    ]


def test_formula_is_read_only_and_bad_formulas_are_refused(api: Api) -> None:
    tid, _ = _table(api)
    label = api.field(tid, "Label", "formula", formula="upper(field('Name'))")
    r = api.post(f"/api/database/rows/table/{tid}/", {f"field_{label['id']}": "x"})
    assert r.json() == {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": "Field of type formula is read only and should not be set manually.",
    }
    bad = api.post(
        f"/api/database/fields/table/{tid}/",
        {"name": "Bad", "type": "formula", "formula": "field('Nope') +"},
    )
    body = assert_error(bad, 400, "ERROR_WITH_FORMULA")
    assert body["detail"].startswith("Error with formula: Invalid syntax at line 1, col 15")
    assert_error(
        api.post(
            f"/api/database/fields/table/{tid}/",
            {"name": "T", "type": "formula", "formula": "field('Name') + 1"},
        ),
        400,
        "ERROR_WITH_FORMULA",
    )
    assert [f["name"] for f in api.fields(tid)] == ["Name", "Qty", "Amount", "Label"]


def test_rename_rewrites_and_delete_breaks_the_formula(api: Api) -> None:
    tid, ids = _table(api)
    double = api.field(tid, "Double", "formula", formula="field('Amount') * 2")
    api.ok(api.patch(f"/api/database/fields/{ids['Amount']}/", {"name": "Price"}))
    got = api.ok(api.get(f"/api/database/fields/{double['id']}/"))
    assert got["formula"] == "field('Price') * 2" and got["formula_type"] == "number"
    assert [r["Double"] for r in api.rows(tid)] == ["25.00", "-6.50", "0.00"]
    api.ok(api.delete(f"/api/database/fields/{ids['Amount']}/"))
    broken = api.ok(api.get(f"/api/database/fields/{double['id']}/"))
    assert broken["formula_type"] == "invalid" and broken["error"]
    assert [r["Double"] for r in api.rows(tid)] == [None, None, None]


def test_formula_values_filter_and_sort_in_sql(api: Api) -> None:
    tid, _ = _table(api)
    api.field(tid, "Double", "formula", formula="field('Amount') * 2")
    rows = api.rows(tid, order_by="-Double")
    assert [r["Name"] for r in rows] == ["Alpha", "", "Beta"]


def test_text_and_math_functions_through_the_api(api: Api) -> None:
    tid, _ = _table(api)
    api.field(tid, "Backwards", "formula", formula="reverse(field('Name'))")
    api.field(tid, "Head", "formula", formula="split_part(concat(field('Name'), '-x'), '-', 1)")
    api.field(tid, "Log", "formula", formula="round(log(10, field('Qty') * 10), 2)")
    rows = api.rows(tid)
    assert [(r["Backwards"], r["Head"], r["Log"]) for r in rows] == [
        ("ahplA", "Alpha", "1.48"),
        ("ateB", "Beta", "2.00"),
        ("", "", None),
    ]
    unknown = api.post(
        f"/api/database/fields/table/{tid}/",
        {"name": "R", "type": "formula", "formula": "no_such_function(field('Name'))"},
    )
    assert_error(unknown, 400, "ERROR_WITH_FORMULA")

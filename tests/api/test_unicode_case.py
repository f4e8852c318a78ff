"""Upper and lower case beyond ASCII, as Baserow on PostgreSQL folds them: formulas'
upper()/lower(), the contains filter and compat search (values read from Baserow 1.35.3)."""

from __future__ import annotations

from tests.conftest import Api

TEXT = "æñçßÆİΣǅﬁ straße ǈ ΐ"


def test_formula_upper_and_lower_map_every_letter(api: Api) -> None:
    # found by the schema fuzzer: SQLite's built-in upper()/lower() map ASCII letters only
    t = api.table()
    api.field(t, "U", "formula", formula="upper(field('Name'))")
    api.field(t, "L", "formula", formula="lower(field('Name'))")
    api.ok(api.patch(f"/api/database/rows/table/{t}/1/?user_field_names=true", {"Name": TEXT}))
    row = api.rows(t)[0]
    assert (row["U"], row["L"]) == ("ÆÑÇßÆİΣǄﬁ STRAßE Ǉ ΐ", "æñçßæiσǆﬁ straße ǉ ΐ")


def test_contains_and_search_ignore_case_beyond_ascii(api: Api) -> None:
    t = api.table()
    api.ok(
        api.patch(f"/api/database/rows/table/{t}/1/?user_field_names=true", {"Name": "Ærø straße"})
    )
    name = api.fields(t)[0]["id"]
    for term, count in (("ærø", 1), ("ÆRØ", 1), ("STRAßE", 1), ("ß", 1), ("STRASSE", 0)):
        filtered = api.rows(t, **{f"filter__field_{name}__contains": term})
        assert len(filtered) == count, term
        assert len(api.rows(t, search=term, search_mode="compat")) == count, term

"""Fields that would read themselves through others. Baserow 1.35.3 refuses such a change with
400 ERROR_FIELD_CIRCULAR_REFERENCE and changes nothing (asked of the running server,
2026-12-06). Its dependency graph has a link field depend on the linked table's primary
field, a count on that primary and a lookup on its target (not on the link), so a cycle can
also pass through a link, a count or a lookup. Found missing by the schema fuzzer."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


def setup(api: Api, self_link: bool = False) -> tuple[int, dict[str, int]]:
    tid = api.table()
    ids = {f["name"]: int(f["id"]) for f in api.fields(tid)}
    if self_link:
        link = api.field(tid, "L", "link_row", link_row_table_id=tid, has_related_field=False)
        ids["L"] = int(link["id"])
    return tid, ids


def to_formula(api: Api, field_id: int, formula: str) -> Any:
    return api.patch(f"/api/database/fields/{field_id}/", {"type": "formula", "formula": formula})


def refused_as_circular(api: Api, tid: int, response: Any, field_id: int, was: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "ERROR_FIELD_CIRCULAR_REFERENCE"
    assert next(f for f in api.fields(tid) if f["id"] == field_id)["type"] == was


def test_a_formula_over_a_formula_over_another_field_is_no_cycle(api: Api) -> None:
    tid, ids = setup(api)
    assert to_formula(api, ids["Name"], "concat(field('Notes'), field('Notes'))").status_code == 200
    made = api.field(tid, "F", "formula", formula="upper(field('Name'))")
    assert made["formula_type"] == "text"


def test_two_formulas_reading_each_other_are_refused(api: Api) -> None:
    tid, ids = setup(api)
    assert to_formula(api, ids["Name"], "concat(field('Notes'), field('Notes'))").status_code == 200
    r = to_formula(api, ids["Notes"], "upper(field('Name'))")
    refused_as_circular(api, tid, r, ids["Notes"], "long_text")


def test_a_cycle_through_a_lookup_of_the_own_table_is_refused(api: Api) -> None:
    tid, ids = setup(api, self_link=True)
    r = to_formula(api, ids["Name"], "join(lookup('L', 'Notes'), ',')")
    assert r.status_code == 200, r.text
    refused_as_circular(
        api, tid, to_formula(api, ids["Notes"], "upper(field('Name'))"), ids["Notes"], "long_text"
    )


def test_a_primary_reading_a_count_of_a_link_to_its_own_table_is_refused(api: Api) -> None:
    tid, ids = setup(api, self_link=True)
    api.field(tid, "C", "count", through_field_id=ids["L"])
    refused_as_circular(
        api, tid, to_formula(api, ids["Name"], "totext(field('C'))"), ids["Name"], "text"
    )


def test_a_primary_over_a_lookup_through_a_link_to_its_own_table_is_no_cycle(api: Api) -> None:
    # the lookup depends on its target (Notes), not on the link, which depends on Name
    tid, ids = setup(api, self_link=True)
    api.field(tid, "F", "lookup", through_field_id=ids["L"], target_field_id=ids["Notes"])
    r = to_formula(api, ids["Name"], "join(totext(field('F')), ',')")
    assert r.status_code == 200, r.text
    assert r.json()["error"] is None


def test_a_primary_counting_a_link_to_its_own_table_reads_itself(api: Api) -> None:
    tid, ids = setup(api, self_link=True)
    r = to_formula(api, ids["Name"], "count(field('L'))")
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "ERROR_FIELD_SELF_REFERENCE", r.text
    assert next(f for f in api.fields(tid) if f["id"] == ids["Name"])["type"] == "text"

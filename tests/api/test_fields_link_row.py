"""link_row: the related field, the junction table, every accepted write form and its errors,
the row-names endpoint, and what deleting rows, fields and tables does to links."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.app import build_context, create_app
from gridbase.config import Settings
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.helpers import assert_error


def setup(api: Api, **props: Any) -> tuple[int, int, dict[str, Any]]:
    did = api.database()
    tags = api.table(did, "Tags", data=[["Label"], ["urgent"], ["later"], ["bug"]])
    projects = api.table(did, "Projects", data=[["Name"], ["Alpha"]])
    link = api.field(projects, "Tags", "link_row", link_row_table_id=tags, **props)
    return tags, projects, link


def patch(api: Api, tid: int, row_id: int, body: dict[str, Any]) -> Any:
    return api.patch(f"/api/database/rows/table/{tid}/{row_id}/?user_field_names=true", body)


def test_link_field_json_and_related_field(api: Api, ctx) -> None:
    tags, projects, link = setup(api)
    related = next(f for f in api.fields(tags) if f["type"] == "link_row")
    assert related["name"] == "Projects"
    assert {
        k: link[k] for k in link if k.startswith("link_row") and k != "link_row_table_primary_field"
    } == {
        "link_row_table_id": tags,
        "link_row_table": tags,
        "link_row_related_field_id": related["id"],
        "link_row_related_field": related["id"],
        "link_row_limit_selection_view_id": None,
        "link_row_multiple_relationships": True,
    }
    primary = link["link_row_table_primary_field"]
    assert (primary["name"], primary["type"], primary["primary"], primary["table_id"]) == (
        "Label",
        "text",
        True,
        tags,
    )
    assert link["related_fields"] == []
    assert (
        related["link_row_related_field_id"] == link["id"]
        and related["link_row_table_id"] == projects
    )
    assert sa.inspect(ctx.db.engine).has_table(f"database_relation_{link['id']}")


def test_link_write_forms(api: Api) -> None:
    _tags, projects, _ = setup(api)

    def ok(value: Any) -> Any:
        return api.ok(patch(api, projects, 1, {"Tags": value}))["Tags"]

    assert ok([3, 1]) == [
        {"id": 1, "value": "urgent", "order": "1.00000000000000000000"},
        {"id": 3, "value": "bug", "order": "3.00000000000000000000"},
    ]
    assert [v["id"] for v in ok(["later", "bug"])] == [2, 3]
    assert [v["id"] for v in ok(2)] == [2]
    assert [v["id"] for v in ok("urgent, later")] == [1, 2]
    assert ok([99999999]) == []
    assert ok([]) == []
    body = assert_error(
        patch(api, projects, 1, {"Tags": [3, "later"]}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert body["detail"] == {
        "Tags": [{"error": "All list values must be same type.", "code": "not_same_type"}]
    }
    body = assert_error(
        patch(api, projects, 1, {"Tags": ["no-such-tag"]}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert (
        body["detail"]
        == "The provided text value 'no-such-tag' doesn't match any row in the linked table."
    )
    body = assert_error(
        patch(api, projects, 1, {"Tags": "1,2"}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert (
        body["detail"] == "The provided text value '1' doesn't match any row in the linked table."
    )
    body = assert_error(
        patch(api, projects, 1, {"Tags": [{"id": 2}]}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert body["detail"] == {
        "Tags": [
            {
                "error": "The provided value must be a list of valid integer or string",
                "code": "invalid",
            }
        ]
    }
    body = assert_error(
        patch(api, projects, 1, {"Tags": None}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert body["detail"] == {"Tags": [{"error": "This field may not be null.", "code": "null"}]}


def test_links_show_on_both_sides_and_follow_deletes(api: Api) -> None:
    tags, projects, link = setup(api)
    api.ok(patch(api, projects, 1, {"Tags": [1, 2]}))
    assert [r["Projects"] for r in api.rows(tags)] == [
        [{"id": 1, "value": "Alpha", "order": "1.00000000000000000000"}],
        [{"id": 1, "value": "Alpha", "order": "1.00000000000000000000"}],
        [],
    ]
    # writing from the other side changes the same links
    api.ok(patch(api, tags, 3, {"Projects": [1]}))
    assert [v["id"] for v in api.rows(projects)[0]["Tags"]] == [1, 2, 3]
    # renaming a linked row's primary value shows up in the link
    api.ok(patch(api, tags, 3, {"Label": "Bug"}))
    assert api.rows(projects)[0]["Tags"][2]["value"] == "Bug"
    assert api.delete(f"/api/database/rows/table/{tags}/2/").status_code == 204
    assert [v["id"] for v in api.rows(projects)[0]["Tags"]] == [1, 3]
    # deleting the field deletes its related field
    api.ok(api.delete(f"/api/database/fields/{link['id']}/"))
    assert [f["name"] for f in api.fields(tags)] == ["Label"]


def test_one_way_link_and_self_link(api: Api) -> None:
    tags, projects, link = setup(api, has_related_field=False)
    assert link["link_row_related_field_id"] is None
    assert [f["name"] for f in api.fields(tags)] == ["Label"]
    api.ok(patch(api, projects, 1, {"Tags": ["bug"]}))
    assert api.rows(projects)[0]["Tags"] == [
        {"id": 3, "value": "bug", "order": "3.00000000000000000000"}
    ]
    # turning the related field on later creates it
    api.ok(api.patch(f"/api/database/fields/{link['id']}/", {"has_related_field": True}))
    assert [f["name"] for f in api.fields(tags)] == ["Label", "Projects"]
    assert api.rows(tags)[2]["Projects"] == [
        {"id": 1, "value": "Alpha", "order": "1.00000000000000000000"}
    ]
    parent = api.field(tags, "Parent", "link_row", link_row_table_id=tags)
    assert parent["link_row_related_field_id"] is None
    api.ok(patch(api, tags, 1, {"Parent": [3]}))
    assert api.rows(tags)[0]["Parent"][0]["value"] == "bug"


def test_deleting_a_linked_row_drops_one_way_and_self_links_to_it(api: Api) -> None:
    # found by the schema fuzzer: the links stayed in the junction table, hidden from the
    # value but still counted by empty/not_empty, link_row_has and count fields
    tags, projects, link = setup(api, has_related_field=False)
    parent = api.field(tags, "Parent", "link_row", link_row_table_id=tags)
    api.field(projects, "N", "count", through_field_id=link["id"])
    api.ok(patch(api, projects, 1, {"Tags": [2]}))
    api.ok(patch(api, tags, 1, {"Parent": [2]}))
    assert api.delete(f"/api/database/rows/table/{tags}/2/").status_code == 204
    assert api.rows(projects) == [
        {"id": 1, "order": "1.00000000000000000000", "Name": "Alpha", "Tags": [], "N": "0"}
    ]
    for tid, field in ((projects, link), (tags, parent)):
        key = f"filter__field_{field['id']}__"
        assert api.rows(tid, **{key + "not_empty": ""}) == []
        assert api.rows(tid, **{key + "link_row_has": "2"}) == []
        assert [r["id"] for r in api.rows(tid, **{key + "empty": ""})] == [
            r["id"] for r in api.rows(tid)
        ]
    # a related field turned on later does not bring the link back either
    api.ok(api.patch(f"/api/database/fields/{link['id']}/", {"has_related_field": True}))
    assert [r["Projects"] for r in api.rows(tags)] == [[], []]


def test_converting_a_field_the_primary_formula_reads_into_a_self_link(api: Api) -> None:
    # the primary would read itself through the link (asked of Baserow 1.35.3: refused)
    t = api.table()
    x = api.field(t, "X", "text")
    api.ok(patch(api, t, 1, {"X": "a"}))
    primary = api.fields(t)[0]["id"]
    api.ok(
        api.patch(
            f"/api/database/fields/{primary}/", {"type": "formula", "formula": "upper(field('X'))"}
        )
    )
    r = api.patch(f"/api/database/fields/{x['id']}/", {"type": "link_row", "link_row_table_id": t})
    assert (r.status_code, r.json()["error"]) == (400, "ERROR_FIELD_CIRCULAR_REFERENCE"), r.text
    assert [row["X"] for row in api.rows(t)] == ["a", None]
    assert [row["Name"] for row in api.rows(t)] == ["A", ""]


def test_deleting_a_table_drops_one_way_links_into_it(api: Api) -> None:
    did = api.database()
    a, b = api.table(did, "A"), api.table(did, "B")
    api.field(a, "L", "link_row", link_row_table_id=b, has_related_field=False)
    assert api.delete(f"/api/database/tables/{b}/").status_code == 204
    assert [f["name"] for f in api.fields(a)] == ["Name", "Notes", "Active"]


def test_link_errors(api: Api, client) -> None:
    tags, projects, _ = setup(api)
    assert_error(
        api.post(f"/api/database/fields/table/{projects}/", {"name": "L", "type": "link_row"}),
        400,
        "ERROR_LINK_ROW_TABLE_NOT_PROVIDED",
    )
    elsewhere = api.table(name="Else")
    assert_error(
        api.post(
            f"/api/database/fields/table/{projects}/",
            {"name": "L", "type": "link_row", "link_row_table_id": elsewhere},
        ),
        400,
        "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE",
    )
    assert [f["name"] for f in api.fields(projects)] == ["Name", "Tags"]
    single = api.field(
        projects, "One", "link_row", link_row_table_id=tags, link_row_multiple_relationships=False
    )
    assert single["link_row_multiple_relationships"] is False
    assert_error(patch(api, projects, 1, {"One": [1, 2]}), 400, "ERROR_REQUEST_BODY_VALIDATION")


def test_batch_is_all_or_nothing_with_links(api: Api) -> None:
    tags, projects, _ = setup(api)
    bad = api.post(
        f"/api/database/rows/table/{projects}/batch/?user_field_names=true",
        {"items": [{"Name": "ok", "Tags": [1]}, {"Name": "bad", "Tags": ["nope"]}]},
    )
    assert_error(bad, 400, "ERROR_REQUEST_BODY_VALIDATION")
    assert [r["Name"] for r in api.rows(projects)] == ["Alpha"]
    assert [r["Projects"] for r in api.rows(tags)] == [[], [], []]


def test_row_names_endpoint(api: Api) -> None:
    tags, projects, _ = setup(api)
    names = api.ok(api.get(f"/api/database/rows/names/?table__{tags}=1,3,99&table__{projects}=1"))
    assert names == {str(tags): {"1": "urgent", "3": "bug"}, str(projects): {"1": "Alpha"}}
    assert_error(
        api.get("/api/database/rows/names/?table__99999=1"), 404, "ERROR_TABLE_DOES_NOT_EXIST"
    )
    assert_error(
        api.get(f"/api/database/rows/names/?table__{tags}=x"),
        400,
        "ERROR_QUERY_PARAMETER_VALIDATION",
    )


def test_deleting_a_table_or_database_drops_its_junctions(api: Api, ctx) -> None:
    tags, projects, link = setup(api)
    assert api.delete(f"/api/database/tables/{tags}/").status_code == 204
    assert [f["name"] for f in api.fields(projects)] == ["Name"]
    # in the trash, the link's junction is kept; emptying the trash drops it
    assert sa.inspect(ctx.db.engine).has_table(f"database_relation_{link['id']}")
    workspace = api.ok(api.get("/api/workspaces/"))[0]["id"]
    assert api.delete(f"/api/trash/workspace/{workspace}/").status_code == 204
    assert not sa.inspect(ctx.db.engine).has_table(f"database_relation_{link['id']}")
    did = api.database(workspace)
    a = api.table(did, "A", data=[["Name"], ["x"]])
    b = api.table(did, "B", data=[["Name"], ["y"]])
    second = api.field(a, "B", "link_row", link_row_table_id=b)
    assert api.delete(f"/api/applications/{did}/").status_code == 204
    assert sa.inspect(ctx.db.engine).has_table(f"database_relation_{second['id']}")  # trash
    assert api.delete(f"/api/trash/workspace/{workspace}/").status_code == 204
    assert not sa.inspect(ctx.db.engine).has_table(f"database_relation_{second['id']}")


def test_link_values_follow_changes_to_the_linked_primary_field(
    api: Api, settings: Settings
) -> None:
    """A row's link values name the linked rows by their primary field as it is now, also
    when another instance changed that field (this one's cached model of the linked table
    is checked against the stored schema version)."""
    tags, projects, _ = setup(api)
    label = next(f for f in api.fields(tags) if f["primary"])
    path = f"/api/database/fields/{label['id']}/"
    api.ok(api.patch(path, {"type": "number", "number_decimal_places": 1}))
    api.ok(api.patch(f"/api/database/rows/table/{tags}/1/?user_field_names=true", {"Label": "1.5"}))
    api.ok(patch(api, projects, 1, {"Tags": [1, 2]}))

    def values() -> list[str]:
        one = api.ok(api.get(f"/api/database/rows/table/{projects}/1/?user_field_names=true"))[
            "Tags"
        ]
        assert api.rows(projects)[0]["Tags"] == one
        return [v["value"] for v in one]

    other_ctx = build_context(settings)
    try:
        with TestClient(create_app(settings, other_ctx)) as other:
            assert values() == ["1.5", ""]
            assert (
                other.patch(
                    path, json={"number_decimal_places": 3}, headers=api.headers
                ).status_code
                == 200
            )
            assert values() == ["1.500", ""]
            assert other.patch(path, json={"type": "text"}, headers=api.headers).status_code == 200
            assert values() == ["1.500", ""]
            api.ok(
                api.patch(
                    f"/api/database/rows/table/{tags}/2/?user_field_names=true",
                    {"Label": "later again"},
                )
            )
            assert values() == ["1.500", "later again"]
            # the column this instance's model names is gone (a formula is read as an
            # expression): on PostgreSQL the joined read of the link values fails, and the
            # read runs again with the current model
            assert (
                other.patch(
                    path, json={"type": "formula", "formula": "'computed'"}, headers=api.headers
                ).status_code
                == 200
            )
            assert values() == ["computed", "computed"]
    finally:
        other_ctx.db.dispose()

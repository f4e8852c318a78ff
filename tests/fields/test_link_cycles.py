"""Links to the own table and cycles of links: lookups, formulas and filters through them
read the right rows, also when every model is built afresh (a new server on the same data)."""

from __future__ import annotations

from typing import Any

from gridbase.app import build_context, create_app
from gridbase.config import Settings
from tests.asgi_client import TestClient
from tests.conftest import Api


def rows(api: Api, table: int, **params: Any) -> list[dict[str, Any]]:
    return api.rows(table, user_field_names=True, **params)


def patch(api: Api, table: int, row: int, values: dict[str, Any]) -> None:
    api.ok(api.patch(f"/api/database/rows/table/{table}/{row}/?user_field_names=true", values))


def test_a_table_linked_to_itself(api: Api) -> None:
    tasks = api.table(name="Tasks", data=[["Name"], ["plan"], ["build"], ["ship"]])
    name = api.fields(tasks)[0]
    parent = api.field(tasks, "Parent", "link_row", link_row_table_id=tasks)
    api.field(tasks, "Shout", "formula", formula="concat(field('Name'), '!')")
    api.field(
        tasks, "Parent name", "lookup", through_field_id=parent["id"], target_field_id=name["id"]
    )
    api.field(tasks, "Parent shout", "formula", formula="join(lookup('Parent', 'Shout'), ',')")
    api.field(tasks, "Parents", "count", through_field_id=parent["id"])
    plan, build, ship = (r["id"] for r in rows(api, tasks))
    patch(api, tasks, build, {"Parent": [plan]})
    patch(api, tasks, ship, {"Parent": [build, plan]})
    listed = {r["Name"]: r for r in rows(api, tasks)}
    assert [v["value"] for v in listed["ship"]["Parent name"]] == ["plan", "build"]
    assert (listed["build"]["Parent shout"], listed["build"]["Parents"]) == ("plan!", "1")
    assert (listed["plan"]["Parent name"], listed["plan"]["Parents"]) == ([], "0")
    # a link filter compares the linked rows' text, not the filtered row's own
    found = rows(api, tasks, filter__Parent__link_row_contains="pla")
    assert [r["Name"] for r in found] == ["build", "ship"]


def test_lookups_both_ways_between_two_tables_after_a_restart(api: Api, settings: Settings) -> None:
    """Each table's model needs the other's: built from nothing, neither waits for itself."""
    database = api.database()
    people = api.table(database, "People", data=[["Name"], ["ada"], ["bob"]])
    teams = api.table(database, "Teams", data=[["Name"], ["red"]])
    link = api.field(people, "Team", "link_row", link_row_table_id=teams)
    back = next(f for f in api.fields(teams) if f["type"] == "link_row")
    people_name, team_name = api.fields(people)[0], api.fields(teams)[0]
    api.field(
        people, "Team name", "lookup", through_field_id=link["id"], target_field_id=team_name["id"]
    )
    members = api.field(
        teams, "Members", "lookup", through_field_id=back["id"], target_field_id=people_name["id"]
    )
    api.field(
        people, "Teammates", "lookup", through_field_id=link["id"], target_field_id=members["id"]
    )
    ada, bob = (r["id"] for r in rows(api, people))
    (red,) = (r["id"] for r in rows(api, teams))
    patch(api, people, ada, {"Team": [red]})
    patch(api, people, bob, {"Team": [red]})
    fresh = build_context(settings)  # no model kept yet
    try:
        with TestClient(create_app(settings, fresh)) as client:
            api.client = client
            listed = rows(api, people)
            assert [r["Team name"] for r in listed] == [[{"id": red, "value": "red"}]] * 2
            assert [r["Members"] for r in rows(api, teams)] == [
                [{"id": ada, "value": "ada"}, {"id": bob, "value": "bob"}]
            ]
            assert len(listed[0]["Teammates"]) == 1  # one linked team (its members inside)
    finally:
        fresh.db.dispose()

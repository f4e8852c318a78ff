"""The full-text index under concurrent writers (PostgreSQL runs them side by side): rows
created at once that link to the same row all show in its document, and none fails.

Regression: each creating transaction deleted and re-inserted the linked row's document;
on PostgreSQL the second one's insert hit the first one's new document (a 500, unique
violation on the index's primary key), or the last to commit dropped the others' names.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.conftest import Api

FT = "full-text-with-count"


def test_rows_created_at_once_all_show_in_the_row_they_link_to(api: Api) -> None:
    database = api.database()
    places = api.table(database, "Places", data=[["Name"], ["Paris"]])
    table = api.table(database, "Dishes", data=[["Name"]])
    api.field(table, "Place", "link_row", link_row_table_id=places)
    paris = api.rows(places)[0]["id"]
    names = [f"dish{n:03d}" for n in range(48)]

    def create(name: str) -> int:
        r = api.post(
            f"/api/database/rows/table/{table}/?user_field_names=true",
            {"Name": name, "Place": [paris]},
        )
        return int(r.status_code)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(create, names)) == [200] * len(names)
    for name in names:  # the place's document names every dish that links to it
        found = api.rows(places, search=name, search_mode=FT)
        assert [r["id"] for r in found] == [paris], name
    linked = {d["value"] for d in api.rows(places)[0]["Dishes"]}
    assert linked == set(names)

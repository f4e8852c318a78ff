"""Duplicating a database through the HTTP stack, on the real database: every table copied
with its rows, views and links (between two tables of the database, one-way, to itself)
linking the copies; nothing added to the original; the copy's rows its own; webhooks not
copied and silent for the copy; refusals that change nothing; a failed copy adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from gridbase.storage import schema
from tests.api.test_duplicate import run, values
from tests.api.test_jobs import idle, run_pending
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.helpers import assert_error

__all__ = ["idle"]
PATH = "/api/applications/{}/duplicate/async/"


def library(api: Api) -> tuple[int, int, int, int]:
    """(workspace, database, Authors, Books): Books links Authors both ways and one way,
    and itself; a lookup and a count read across the link; a view limits the link."""
    ws = api.workspace()
    database = api.database(ws)
    authors = api.table(database, "Authors", [["Name"], ["Ann"], ["Bob"]])
    books = api.table(database, "Books", [["Name"], ["b1"], ["b2"], ["b3"]])
    api.field(authors, "Born", "number")
    only = api.ok(api.post(f"/api/database/views/table/{authors}/", {"name": "O", "type": "grid"}))
    author = api.field(books, "Author", "link_row", link_row_table_id=authors,
                       link_row_limit_selection_view_id=only["id"])  # fmt: skip
    api.field(books, "OneWay", "link_row", link_row_table_id=authors, has_related_field=False)
    api.field(books, "Self", "link_row", link_row_table_id=books)
    options = [{"value": "x", "color": "blue"}, {"value": "y", "color": "red"}]
    tag_field = api.field(books, "Tags", "multiple_select", select_options=options)
    tags = {o["value"]: o["id"] for o in tag_field["select_options"]}
    born = next(f["id"] for f in api.fields(authors) if f["name"] == "Born")
    api.field(books, "Born", "lookup", through_field_id=author["id"], target_field_id=born)
    related = author["link_row_related_field_id"]
    api.field(authors, "Count", "count", through_field_id=related)
    # computed fields reading computed fields of the other table (a later one, by id)
    api.field(books, "Years", "formula", formula="sum(lookup('Author', 'Born'))")
    length = api.field(books, "Len", "formula", formula="length(field('Name'))")
    api.field(authors, "Lens", "rollup", through_field_id=related, target_field_id=length["id"],
              rollup_function="sum")  # fmt: skip
    born_values = [{"id": 1, "Born": "1950"}, {"id": 2, "Born": "1960"}]
    api.ok(api.patch(f"/api/database/rows/table/{authors}/batch/?user_field_names=true",
                     {"items": born_values}))  # fmt: skip
    api.ok(api.patch(f"/api/database/rows/table/{books}/batch/?user_field_names=true", {"items": [
        {"id": 1, "Author": [1], "OneWay": [2], "Self": [2, 3], "Tags": [tags["x"], tags["y"]]},
        {"id": 2, "Author": [1, 2], "Self": [1], "Tags": [tags["y"]]},
    ]}))  # fmt: skip
    return ws, database, authors, books


def tables_of(api: Api, database: int) -> dict[str, int]:
    listed = api.ok(api.get(f"/api/database/tables/database/{database}/"))
    return {t["name"]: t["id"] for t in listed}


def by_name(api: Api, table: int) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in api.fields(table)}


def without_option_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their select options by value (the copy's options are new ones)."""
    return [{k: [o["value"] for o in v] if k == "Tags" else v for k, v in r.items()} for r in rows]


def test_a_database_copy_links_its_own_tables(api: Api) -> None:
    ws, database, authors, books = library(api)
    view = api.ok(api.post(f"/api/database/views/table/{books}/", {"name": "V", "type": "grid"}))
    api.ok(api.post(f"/api/database/views/{view['id']}/filters/",
                    {"field": by_name(api, books)["Name"]["id"], "type": "not_empty",
                     "value": ""}))  # fmt: skip
    original_fields = {t: api.fields(t) for t in (authors, books)}
    done = run(api, PATH.format(database))
    assert done["type"] == "duplicate_application"
    assert done["original_application"]["id"] == database
    copy = done["duplicated_application"]
    assert copy["name"] == "DB 2" and [t["name"] for t in copy["tables"]] == ["Authors", "Books"]
    listed = api.ok(api.get(f"/api/applications/workspace/{ws}/"))
    assert [a["name"] for a in listed] == ["DB", "DB 2"]
    tables = tables_of(api, copy["id"])
    c_authors, c_books = tables["Authors"], tables["Books"]
    # the originals gained nothing (no related field for the copy's links)
    assert {t: api.fields(t) for t in (authors, books)} == original_fields
    fields = by_name(api, c_books)
    other = by_name(api, c_authors)
    assert list(fields) == [f["name"] for f in original_fields[books]]
    assert list(other) == [f["name"] for f in original_fields[authors]]
    assert fields["Author"]["link_row_table_id"] == c_authors
    assert fields["Author"]["link_row_related_field_id"] == other["Books"]["id"]
    assert other["Books"]["link_row_related_field_id"] == fields["Author"]["id"]
    assert other["Books"]["link_row_table_id"] == c_books
    assert fields["OneWay"]["link_row_table_id"] == c_authors
    assert fields["OneWay"]["link_row_related_field_id"] is None
    assert fields["Self"]["link_row_table_id"] == c_books
    assert fields["Born"]["target_field_id"] == other["Born"]["id"]
    assert other["Count"]["through_field_id"] == other["Books"]["id"]
    copied_views = {v["name"]: v for v in api.ok(api.get(
        f"/api/database/views/table/{c_authors}/"))}  # fmt: skip
    assert fields["Author"]["link_row_limit_selection_view_id"] == copied_views["O"]["id"]
    # the same rows, with the same ids and links (each link copied once)
    for old, new in ((authors, c_authors), (books, c_books)):
        assert without_option_ids(api.rows(new)) == without_option_ids(api.rows(old))
    rows = api.rows(c_books)
    assert values(rows, "Author") == [[1], [1, 2], []]
    assert values(rows, "Self") == [[2, 3], [1], []]
    assert [[t["value"] for t in r["Tags"]] for r in rows] == [["x", "y"], ["y"], []]
    assert values(api.rows(c_authors), "Books") == [[1, 2], [2]]
    assert [(r["Count"], r["Lens"]) for r in api.rows(c_authors)] == [("2", "4"), ("1", "2")]
    # the copy is searchable as the original is (full-text reads links and lookups too)
    for term in ("b2", "Bob", "1950"):
        for old, new in ((authors, c_authors), (books, c_books)):
            for mode in ("compat", "full-text-with-count"):
                found = [r["id"] for r in api.rows(new, search=term, search_mode=mode)]
                assert found == [r["id"] for r in api.rows(old, search=term, search_mode=mode)]
                assert found or mode == "compat", (term, new)
    views = api.ok(api.get(f"/api/database/views/table/{c_books}/",
                           params={"include": "filters"}))  # fmt: skip
    copied = next(v for v in views if v["name"] == "V")
    assert copied["filters"][0]["field"] == fields["Name"]["id"]
    # the copy's rows are its own, both ways
    before = {t: api.rows(t) for t in (authors, books)}
    api.ok(api.patch(f"/api/database/rows/table/{c_books}/2/?user_field_names=true",
                     {"Name": "changed", "Author": [2], "Self": [], "Tags": []}))  # fmt: skip
    api.ok(api.post(f"/api/database/rows/table/{c_authors}/?user_field_names=true",
                    {"Name": "Cy", "Books": [1]}))  # fmt: skip
    assert {t: api.rows(t) for t in (authors, books)} == before
    assert values(api.rows(c_books), "Author") == [[1, 3], [2], []]
    copy_books = api.rows(c_books)
    api.ok(api.delete(f"/api/database/rows/table/{books}/1/"))
    assert api.rows(c_books) == copy_books
    # a copy of the copy, then of the original again
    twice = run(api, PATH.format(copy["id"]))["duplicated_application"]
    again = run(api, PATH.format(database), {"ignored": True})["duplicated_application"]
    assert (twice["name"], again["name"]) == ("DB 2 2", "DB 3")
    listed = api.ok(api.get(f"/api/applications/workspace/{ws}/"))
    assert [a["name"] for a in listed] == ["DB", "DB 2", "DB 2 2", "DB 3"]


@pytest.fixture
def undelivered(ctx: Ctx, settings: Settings) -> Iterator[Api]:
    """A client of a server that delivers no webhooks (its outbox is only filled)."""
    settings.webhooks_dispatcher = False
    with TestClient(create_app(settings, ctx), base_url="http://testserver") as client:
        yield Api(client)


def outbox(ctx: Ctx) -> list[int]:
    """The webhooks that events wait for."""
    with ctx.db.read() as conn:
        return list(conn.execute(sa.select(schema.outbox.c.webhook_id)).scalars())


def test_webhooks_and_tokens_stay_with_the_original(ctx: Ctx, undelivered: Api) -> None:
    api = undelivered
    ws, database, _, books = library(api)
    hook = api.ok(api.post(f"/api/database/webhooks/table/{books}/",
                           {"name": "hook", "url": "https://example.com/hook",
                            "include_all_events": True}))  # fmt: skip
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))
    copy = run(api, PATH.format(database))["duplicated_application"]
    c_books = tables_of(api, copy["id"])["Books"]
    assert api.ok(api.get(f"/api/database/webhooks/table/{c_books}/")) == []
    assert [t["id"] for t in api.ok(api.get("/api/database/tokens/"))] == [token["id"]]
    api.ok(api.post(f"/api/database/rows/table/{c_books}/", {}))
    api.ok(api.patch(f"/api/database/rows/table/{c_books}/1/?user_field_names=true",
                     {"Name": "c"}))  # fmt: skip
    assert outbox(ctx) == []  # neither the copying nor the copy's rows told the hook
    api.ok(api.patch(f"/api/database/rows/table/{books}/1/?user_field_names=true",
                     {"Name": "o"}))  # fmt: skip
    assert outbox(ctx) == [hook["id"]]


def test_refusals_change_nothing(idle: Api) -> None:
    api = idle
    ws, database, _, _ = library(api)
    assert_error(api.post(PATH.format(999999)), 404, "ERROR_APPLICATION_DOES_NOT_EXIST")
    # idle's own client: another app on this database would run the job it leaves pending
    bob = Api(api.client, "bob@example.com")
    assert_error(bob.post(PATH.format(database)), 400, "ERROR_USER_NOT_IN_GROUP")
    assert api.post(PATH.format(database), headers={}).status_code == 401
    first = api.post(PATH.format(database), [1, 2])  # Baserow reads no body
    assert first.status_code == 202 and first.json()["state"] == "pending"
    assert_error(api.post(PATH.format(database)), 400, "ERROR_MAX_JOB_COUNT_EXCEEDED")
    # Baserow counts the user's jobs before it looks for the application
    assert_error(api.post(PATH.format(999999)), 400, "ERROR_MAX_JOB_COUNT_EXCEEDED")
    assert [j["id"] for j in api.ok(api.get("/api/jobs/"))["jobs"]] == [first.json()["id"]]
    assert bob.ok(bob.get("/api/jobs/"))["jobs"] == []
    assert [a["name"] for a in api.ok(api.get(f"/api/applications/workspace/{ws}/"))] == ["DB"]


def test_a_copy_whose_source_went_fails_and_adds_nothing(ctx: Ctx, idle: Api) -> None:
    api = idle
    ws, database, _, _ = library(api)
    job = api.post(PATH.format(database)).json()
    api.ok(api.delete(f"/api/applications/{database}/"))
    failed = run_pending(ctx, api, job["id"])
    assert failed["state"] == "failed"
    assert failed["human_readable_error"] == "The requested application does not exist."
    assert failed["duplicated_application"] is None
    assert api.ok(api.get(f"/api/applications/workspace/{ws}/")) == []

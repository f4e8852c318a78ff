"""Full-text search (`search_mode=full-text-with-count`) through the per-table index: one
corpus with the same expected rows on SQLite and PostgreSQL, the index following every
write, field change and deletion, and search combined with filters, sorts and paging."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.app import build_context, create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from gridbase.search import query as full_text_query
from gridbase.storage import search_index
from gridbase.usertable import load
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.helpers import assert_error

FT = "full-text-with-count"

CORPUS = [  # Name, Notes, Amount, Due, When, Email, Status, Tags, Place
    (
        "Crème Brûlée",
        "Dessert FRANÇAIS",
        "10.50",
        "2024-01-05",
        "2024-01-05T14:30:00Z",
        "chef@example.com",
        "Done",
        ["sweet", "French"],
        ["Paris"],
    ),
    (
        "creme fraiche",
        "dairy; 50% fat",
        "3.00",
        None,
        None,
        "dairy@farm.org",
        "Todo",
        ["dairy"],
        ["Normandie"],
    ),
    ("Straße", "Ǆemal İstanbul ÆON", "-7.25", "2023-12-31", None, None, "Blocked", [], []),
    ("日本語 テキスト", "'; DROP TABLE users; --", "1234.00", None, None, None, None, [], []),
    (
        "O'Neil & Sons",
        'a*b "quoted" OR NOT x:y',
        "0.99",
        None,
        None,
        "o.neil@sons.co.uk",
        None,
        [],
        [],
    ),
    ("Ünïcödé ½", None, None, None, None, None, None, [], []),
]

EXPECTED = {  # term -> row ids (= corpus position + 1), the same on both backends
    "creme": [1, 2],
    "CRÈME": [1, 2],
    "brulee": [1],
    "bru": [1],
    "francais": [1],
    "10.50": [1],
    "10.5": [1],
    "50": [1, 2],
    "3": [1, 2, 3],
    "1": [1, 3, 4, 6],
    "0": [1, 2, 4, 5],
    "05/01/2024": [1],
    "2024-01-05": [1],
    "2023": [3],
    "14:30": [1],
    "example.com": [1],
    "chef@example.com": [1],
    "@": [],
    "%": [],
    "_": [],
    "zzz": [],
    "done": [1],
    "sweet": [1],
    "paris": [1],
    "normandie": [2],
    "strasse": [3],
    "STRASSE": [3],
    "straße": [3],
    "istanbul": [3],
    "dzemal": [3],
    "æon": [3],
    "日本語": [4],
    "日本": [4],
    "drop table": [4],
    "'; DROP TABLE users; --": [4],
    "' OR 1=1 --": [],
    '" OR "': [2, 5],
    "a*b": [5],
    "x:y": [5],
    "o'neil": [5],
    "-7.25": [3],
    "unicode": [6],
    "creme dairy": [2],
}


def rows_url(table: int) -> str:
    return f"/api/database/rows/table/{table}/"


def search(api: Api, table: int, term: str, **params: Any) -> list[int]:
    body = api.ok(
        api.get(rows_url(table), params={"search": term, "search_mode": FT, "size": 200, **params})
    )
    ids = [r["id"] for r in body["results"]]
    assert body["count"] == len(ids)
    return ids


def corpus(api: Api) -> tuple[int, dict[str, dict[str, Any]], int]:
    database = api.database()
    places = api.table(database, "Places", data=[["Name"], ["Paris"], ["Normandie"]])
    table = api.table(database, "Food", data=[["Name"]])
    fields = {
        "Notes": api.field(table, "Notes", "long_text"),
        "Amount": api.field(
            table, "Amount", "number", number_decimal_places=2, number_negative=True
        ),
        "Due": api.field(table, "Due", "date", date_format="EU"),
        "When": api.field(
            table, "When", "date", date_format="EU", date_include_time=True, date_time_format="24"
        ),
        "Email": api.field(table, "Email", "email"),
        "Status": api.field(
            table,
            "Status",
            "single_select",
            select_options=[{"value": v, "color": "blue"} for v in ("Todo", "Done", "Blocked")],
        ),
        "Tags": api.field(
            table,
            "Tags",
            "multiple_select",
            select_options=[{"value": v, "color": "red"} for v in ("sweet", "French", "dairy")],
        ),
        "Place": api.field(
            table, "Place", "link_row", link_row_table_id=places, has_related_field=True
        ),
    }
    option = {
        o["value"]: o["id"] for name in ("Status", "Tags") for o in fields[name]["select_options"]
    }
    place = {"Paris": 1, "Normandie": 2}
    items = [
        {
            "Name": n,
            "Notes": notes,
            "Amount": amount,
            "Due": due,
            "When": when,
            "Email": email,
            "Status": option[status] if status else None,
            "Tags": [option[t] for t in tags],
            "Place": [place[p] for p in linked],
        }
        for n, notes, amount, due, when, email, status, tags, linked in CORPUS
    ]
    api.ok(api.post(rows_url(table) + "batch/?user_field_names=true", {"items": items}))
    return table, fields, places


def test_corpus_gives_the_expected_rows(api: Api) -> None:
    table, _, _ = corpus(api)
    found = {term: search(api, table, term) for term in EXPECTED}
    assert found == EXPECTED
    assert search(api, table, "  ") == [1, 2, 3, 4, 5, 6]  # blank: no filtering


def test_compat_mode_is_unchanged(api: Api) -> None:
    table, _, _ = corpus(api)
    compat = {
        t: [r["id"] for r in api.rows(table, search=t, search_mode="compat", size=200)]
        for t in ("@", "%", "creme", "e f")
    }
    assert compat == {"@": [1, 2, 5], "%": [2], "creme": [2], "e f": [2]}
    # no search_mode: compat
    assert [r["id"] for r in api.rows(table, search="@", size=200)] == [1, 2, 5]


def test_index_follows_row_writes(api: Api) -> None:
    table, _, _ = corpus(api)
    created = api.ok(
        api.post(rows_url(table) + "?user_field_names=true", {"Name": "Zebra crossing"})
    )["id"]
    assert search(api, table, "zebra") == [created]
    api.ok(api.patch(rows_url(table) + f"{created}/?user_field_names=true", {"Name": "Yak"}))
    assert (search(api, table, "zebra"), search(api, table, "yak")) == ([], [created])
    api.ok(
        api.patch(
            rows_url(table) + "batch/?user_field_names=true",
            {"items": [{"id": created, "Notes": "kiwi"}, {"id": 1, "Notes": "kiwi"}]},
        )
    )
    assert search(api, table, "kiwi") == [1, created]
    assert search(api, table, "francais") == []
    api.ok(api.patch(rows_url(table) + f"{created}/move/"))
    assert search(api, table, "yak") == [created]
    api.ok(api.delete(rows_url(table) + f"{created}/"))
    assert search(api, table, "yak") == []
    more = api.ok(
        api.post(
            rows_url(table) + "batch/?user_field_names=true",
            {"items": [{"Name": "lynx a"}, {"Name": "lynx b"}]},
        )
    )
    ids = [r["id"] for r in more["items"]]
    assert search(api, table, "lynx") == ids
    api.ok(api.post(rows_url(table) + "batch-delete/", {"items": ids}))
    assert search(api, table, "lynx") == []


def test_index_follows_field_changes(api: Api) -> None:
    table, fields, _ = corpus(api)
    status = fields["Status"]
    renamed = [
        {
            "id": o["id"],
            "value": "Finished" if o["value"] == "Done" else o["value"],
            "color": o["color"],
        }
        for o in status["select_options"]
    ]
    api.ok(api.patch(f"/api/database/fields/{status['id']}/", {"select_options": renamed}))
    assert (search(api, table, "done"), search(api, table, "finished")) == ([], [1])
    api.ok(api.patch(f"/api/database/fields/{fields['Notes']['id']}/", {"type": "boolean"}))
    assert search(api, table, "francais") == []
    api.ok(api.delete(f"/api/database/fields/{fields['Email']['id']}/"))
    assert search(api, table, "example") == []
    added = api.field(table, "Code", "formula", formula="concat('kw', 'xyz')")
    assert added["formula_type"] == "text"
    assert search(api, table, "kwxyz") == [1, 2, 3, 4, 5, 6]
    api.ok(
        api.patch(f"/api/database/fields/{fields['Amount']['id']}/", {"number_decimal_places": 0})
    )
    assert search(api, table, "10.50") == []


def test_index_follows_linked_rows(api: Api) -> None:
    table, fields, places = corpus(api)
    api.ok(api.patch(rows_url(places) + "1/?user_field_names=true", {"Name": "Lyon"}))
    assert (search(api, table, "paris"), search(api, table, "lyon")) == ([], [1])
    related = fields["Place"]["link_row_related_field_id"]
    assert search(api, places, "brulee") == [1]  # the other side shows the linking row's name
    api.ok(api.patch(rows_url(table) + "1/?user_field_names=true", {"Name": "Tarte"}))
    assert (search(api, places, "brulee"), search(api, places, "tarte")) == ([], [1])
    api.ok(api.patch(rows_url(table) + "2/?user_field_names=true", {"Place": [1]}))
    assert (search(api, places, "creme"), search(api, table, "normandie")) == ([1], [])
    api.ok(api.delete(rows_url(places) + "1/"))
    assert search(api, table, "lyon") == []
    api.ok(api.patch(rows_url(table) + "3/?user_field_names=true", {"Place": [2]}))
    assert search(api, table, "normandie") == [3]
    api.ok(api.delete(f"/api/database/fields/{related}/"))  # takes the Place field with it
    assert (search(api, places, "straße"), search(api, table, "normandie")) == ([], [])
    api.ok(api.delete(f"/api/database/tables/{places}/"))
    assert search(api, table, "strasse") == [3]


def test_a_created_row_shows_in_the_rows_it_links_to(api: Api) -> None:
    table, _, places = corpus(api)
    assert search(api, places, "galette") == []
    api.ok(api.post(rows_url(table) + "?user_field_names=true", {"Name": "Galette", "Place": [2]}))
    assert search(api, places, "galette") == [2]  # Normandie's document names its new linking row
    api.ok(
        api.post(
            rows_url(table) + "batch/?user_field_names=true",
            {"items": [{"Name": "Crepe"}, {"Name": "Far", "Place": [1]}]},
        )
    )
    assert (search(api, places, "crepe"), search(api, places, "far")) == ([], [1])


def test_a_batch_update_naming_a_missing_row_changes_nothing(api: Api) -> None:
    table, _, _ = corpus(api)
    before = api.ok(api.get(rows_url(table) + "1/"))
    response = api.patch(
        rows_url(table) + "batch/?user_field_names=true",
        {"items": [{"id": 1, "Name": "Changed"}, {"id": 99999, "Name": "Ghost"}]},
    )
    assert_error(response, 404, "ERROR_ROW_DOES_NOT_EXIST")
    # the existing row's UPDATE rolled back
    assert api.ok(api.get(rows_url(table) + "1/")) == before
    assert (search(api, table, "changed"), search(api, table, "ghost")) == ([], [])


def test_search_with_filters_order_and_paging(api: Api) -> None:
    table, fields, _ = corpus(api)
    filters = {f"filter__field_{fields['Amount']['id']}__higher_than": "0"}
    assert search(api, table, "0", **filters) == [1, 2, 4, 5]
    assert search(api, table, "0", order_by=f"-field_{fields['Amount']['id']}") == [4, 1, 2, 5]
    body = api.ok(
        api.get(rows_url(table), params={"search": "0", "search_mode": FT, "size": 3, "page": 2})
    )
    assert (body["count"], [r["id"] for r in body["results"]]) == (4, [5])
    assert [r["id"] for r in api.rows(table, search="fraiche", search_mode=FT, include="Name")] == [
        2
    ]
    # limited fields: full-text would see the others, so compat answers
    assert api.rows(table, search="francais", search_mode=FT, include="Name") == []


def test_sqlite_query_uses_the_fts_index(api: Api, ctx: Ctx, backend: str) -> None:
    table, _, _ = corpus(api)
    if backend != "sqlite":
        return
    query = search_index.matching_ids("sqlite", table, ["creme"])
    stmt = (
        sa.select(sa.column("id"))
        .select_from(sa.table(f"database_table_{table}"))
        .where(sa.column("id").in_(query))
    )
    with ctx.db.read() as conn:
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        plan = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
    assert any(
        "VIRTUAL TABLE INDEX" in step and f"database_table_{table}_search" in step for step in plan
    ), plan
    assert f"SCAN database_table_{table}" not in plan, plan


def test_tables_without_an_index_fall_back_and_get_one_at_startup(
    api: Api, ctx: Ctx, settings: Settings
) -> None:
    table, _, _ = corpus(api)
    with ctx.db.write() as conn:
        search_index.drop(conn, table)
    ctx.kept.indexes.known.clear()
    assert search(api, table, "@") == [1, 2, 5]  # compat meanwhile
    # writes skip it
    api.ok(api.post(rows_url(table) + "?user_field_names=true", {"Name": "Quokka"}))
    fresh = build_context(settings)  # startup builds the missing index
    try:
        with TestClient(create_app(settings, fresh)) as client:
            again = Api.__new__(Api)
            again.client, again.headers = client, api.headers
            assert search(again, table, "@") == []
            assert search(again, table, "quokka") == [7]
    finally:
        fresh.db.dispose()


def test_default_search_mode_setting(api: Api, settings: Settings) -> None:
    table, _, _ = corpus(api)
    full = build_context(settings.model_copy(update={"default_search_mode": FT}))
    try:
        with TestClient(create_app(full.settings, full)) as client:
            other = Api.__new__(Api)
            other.client, other.headers = client, api.headers
            assert [r["id"] for r in other.rows(table, search="@")] == []
            assert [r["id"] for r in other.rows(table, search="@", search_mode="compat")] == [
                1,
                2,
                5,
            ]
    finally:
        full.db.dispose()


def test_many_matches_walk_the_order_index_with_the_same_results(
    api: Api, monkeypatch: Any
) -> None:
    table, _, _ = corpus(api)
    api.ok(api.patch(rows_url(table) + "2/move/?before_id=1"))
    terms = ("creme", "example", "e", "o neil", "zzz")
    expected = {term: search(api, table, term) for term in terms}
    assert expected["creme"] == [2, 1]  # list order, not id order
    # every search takes the large-result plan
    monkeypatch.setattr(full_text_query, "WALK_ORDER_ABOVE", 0)
    assert {term: search(api, table, term) for term in terms} == expected
    # and, on SQLite, whole words no other indexed word extends ("creme", "example") are
    # looked up row by row during the walk; "e" and "o" stay prefixes ("example", "or", ...)
    monkeypatch.setattr(full_text_query, "LOOKUP_COST", 0)
    assert {term: search(api, table, term) for term in terms} == expected
    # the walk reads the order index in chunks
    monkeypatch.setattr(full_text_query, "WALK_ROW_COST", 0)
    assert {term: search(api, table, term) for term in terms} == expected
    monkeypatch.setattr(full_text_query, "CHUNK_MARGIN", 0.1)  # ... many small ones
    monkeypatch.setattr(full_text_query, "CHUNK_EXTRA", 1)
    assert {term: search(api, table, term) for term in terms} == expected
    for page, ids in ((1, [2]), (2, [1]), (3, [])):  # one-row pages: a walk of one-row chunks
        body = api.ok(
            api.get(
                rows_url(table),
                params={"search": "creme", "search_mode": FT, "size": 1, "page": page},
            )
        )
        assert (body["count"], [r["id"] for r in body["results"]]) == (2, ids)
    # every id range too wide: one lookup per row
    monkeypatch.setattr(full_text_query, "RANGE_SPREAD", 0)
    assert {term: search(api, table, term) for term in terms} == expected
    assert search(api, table, "bru") == [1]
    name = api.fields(table)[0]["id"]
    # sorted: no walk
    assert sorted(search(api, table, "creme", order_by=f"-field_{name}")) == [1, 2]
    body = api.ok(
        api.get(
            rows_url(table), params={"search": "creme", "search_mode": FT, "size": 1, "page": 2}
        )
    )
    assert (body["count"], [r["id"] for r in body["results"]]) == (2, [1])


def test_a_dense_word_walks_the_order_index_and_a_deep_page_reads_every_match(
    api: Api, ctx: Ctx, backend: str, monkeypatch: Any
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's plans")
    table = api.table(data=[["Name"]] + [[f"common word {i}"] for i in range(60)])
    monkeypatch.setattr(full_text_query, "WALK_ORDER_ABOVE", 10)

    def walks(term: str, walk: int) -> bool:
        with ctx.db.read() as conn:
            model = load.model_for(ctx, conn, load.load_table(conn, table))
            found = full_text_query.plan(conn, model, term, walk)
            assert found is not None and found.count == 60
            # ids, not the index
            return "MATCH" not in str(found.where.compile(compile_kwargs={"literal_binds": True}))

    # 60 matches of one word: the walk wins while 60 * 1 >= WALK_ROW_COST (50) * walk
    assert walks("common", 1)
    assert not walks("common", 2)
    assert walks("common word", 2)  # each extra word makes reading every match dearer
    assert not walks("common word", 3)


def test_unextended_words(api: Api, ctx: Ctx, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("a SQLite (FTS5 vocabulary) question")
    table, _, _ = corpus(api)
    with ctx.db.read() as conn:
        assert search_index.unextended(conn, table, ["creme", "example"])
        assert not search_index.unextended(conn, table, ["creme", "e"])
        assert not search_index.unextended(conn, table, ["bru"])  # brulee
        # nothing starts with it: nothing matches either way
        assert search_index.unextended(conn, table, ["zzz"])
        # a word that is itself a term, with longer terms after it ("12" < "1234"; "or" < "org")
        assert not search_index.unextended(conn, table, ["12"])
        assert not search_index.unextended(conn, table, ["or"])
        assert search_index.unextended(conn, table, ["1234", "org", "todo"])


def test_changes_that_show_nothing_new_do_not_rebuild_the_index(api: Api, ctx: Ctx) -> None:
    table, fields, _ = corpus(api)
    with ctx.db.write() as conn:  # empty the index behind the API's back: only a rebuild refills it
        search_index.clear(conn, table)
    api.ok(
        api.patch(
            f"/api/database/fields/{fields['Notes']['id']}/",
            {"name": "Remarks", "description": "d"},
        )
    )
    api.ok(api.patch(f"/api/database/fields/{fields['Amount']['id']}/", {"db_index": True}))
    api.field(table, "Extra", "text")
    assert search(api, table, "creme") == []
    api.ok(
        api.patch(f"/api/database/fields/{fields['Amount']['id']}/", {"number_decimal_places": 1})
    )
    assert search(api, table, "creme") == [1, 2]

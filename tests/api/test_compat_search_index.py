"""Compat search (Baserow's default substring search) through the trigram index gives the
rows the per-field scan gives: generated rows of every searchable kind of field (texts with
case-folding traps, numbers, dates, selects, links, lookups, formulas and formula arrays)
and generated terms, on SQLite and PostgreSQL, after writes and schema changes too."""

from __future__ import annotations

import random

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.search import compat
from gridbase.storage import search_index
from gridbase.usertable import load
from tests.conftest import Api

# case-folding and LIKE traps beside plain letters
ALPHABET = list("abcxyz  AZ09.-@") + list("ßİıKkÆæǄǆΣσς日本½é%_\"\\'")


def rows_url(table: int) -> str:
    return f"/api/database/rows/table/{table}/"


def text(rnd: random.Random, short: bool = False) -> str:
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 4 if short else 12)))


def wide_table(api: Api, rnd: random.Random) -> int:
    database = api.database()
    places = api.table(database, "Places", data=[["Name"]] + [[text(rnd)] for _ in range(6)])
    table = api.table(database, "Things", data=[["Name"]])
    f = {
        "Notes": api.field(table, "Notes", "long_text"),
        "Amount": api.field(
            table, "Amount", "number", number_decimal_places=2, number_negative=True
        ),
        "Count": api.field(table, "Count", "number"),
        "Due": api.field(table, "Due", "date", date_format="US"),
        "When": api.field(
            table, "When", "date", date_format="ISO", date_include_time=True, date_time_format="12"
        ),
        "Email": api.field(table, "Email", "email"),
        "Done": api.field(table, "Done", "boolean"),
        "Status": api.field(
            table,
            "Status",
            "single_select",
            select_options=[{"value": text(rnd) or "x", "color": "blue"} for _ in range(3)],
        ),
        "Tags": api.field(
            table,
            "Tags",
            "multiple_select",
            select_options=[{"value": text(rnd) or "y", "color": "red"} for _ in range(3)],
        ),
        "Place": api.field(
            table, "Place", "link_row", link_row_table_id=places, has_related_field=True
        ),
    }
    place_name = api.fields(places)[0]["id"]
    api.field(table, "PlaceName", "lookup", through_field_id=f["Place"]["id"],
              target_field_id=place_name)  # fmt: skip
    api.field(table, "Shout", "formula", formula="concat(upper(field('Name')), '!')")
    api.field(table, "Names", "formula", formula="lookup('Place', 'Name')")
    api.field(table, "TagList", "formula", formula="field('Tags')")
    status = [o["id"] for o in f["Status"]["select_options"]]
    tags = [o["id"] for o in f["Tags"]["select_options"]]
    items = [
        {
            "Name": text(rnd),
            "Notes": text(rnd) if rnd.random() < 0.8 else None,
            "Amount": f"{rnd.uniform(-500, 500):.2f}" if rnd.random() < 0.8 else None,
            "Count": str(rnd.randint(0, 10**6)),
            "Due": f"20{rnd.randint(10, 30)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
            "When": f"2024-0{rnd.randint(1, 9)}-0{rnd.randint(1, 9)}T1{rnd.randint(0, 9)}:05:00Z",
            "Email": f"{rnd.choice('abc')}{rnd.randint(0, 99)}@ex.org",
            "Done": rnd.random() < 0.5,
            "Status": rnd.choice([*status, None]),
            "Tags": rnd.sample(tags, rnd.randint(0, 2)),
            "Place": rnd.sample(range(1, 7), rnd.randint(0, 2)),
        }
        for _ in range(40)
    ]
    api.ok(api.post(rows_url(table) + "batch/?user_field_names=true", {"items": items}))
    return table


def terms(api: Api, table: int, rnd: random.Random) -> list[str]:
    """Substrings of what the rows show (so that most terms match some row) and random ones."""
    shown = [
        str(value)
        for row in api.rows(table, size=200)
        for value in row.values()
        if value not in (None, "", [])
    ]
    out = []
    for _ in range(150):
        value = rnd.choice(shown)
        start = rnd.randrange(len(value))
        out.append(value[start : start + rnd.randint(1, 6)])
    return out + [text(rnd, short=True) for _ in range(50)]


def scanned(ctx: Ctx, table: int, term: str) -> list[int]:
    """The row ids compat search gives without the index, in table order."""
    with ctx.db.read() as conn:
        model = load.model_for(ctx, conn, load.load_table(conn, table))
        clause = compat.search_clause(ctx, model, term)
        stmt = sa.select(model.sql.c.id).order_by(model.sql.c.order, model.sql.c.id)
        return list(conn.execute(stmt if clause is None else stmt.where(clause)).scalars())


def searched(api: Api, table: int, term: str) -> list[int]:
    body = api.ok(api.get(rows_url(table), params={"search": term, "size": 200}))
    assert body["count"] == len(body["results"])
    return [r["id"] for r in body["results"]]


def uses_index(ctx: Ctx, table: int, term: str) -> bool:
    with ctx.db.read() as conn:
        model = load.model_for(ctx, conn, load.load_table(conn, table))
    clause = ctx.ext.search.clause(ctx, model, term, "", None)
    return clause is not None and "_search" in str(clause.compile(dialect=ctx.db.engine.dialect))


def assert_same(api: Api, ctx: Ctx, table: int, rnd: random.Random) -> int:
    used = 0
    for term in terms(api, table, rnd):
        assert searched(api, table, term) == scanned(ctx, table, term), repr(term)
        used += uses_index(ctx, table, term)
    return used


def test_indexed_compat_search_equals_the_scan(api: Api, ctx: Ctx) -> None:
    rnd = random.Random(25)
    table = wide_table(api, rnd)
    assert assert_same(api, ctx, table, rnd) > 30  # the index answered many terms
    # writes: the index follows updates, deletes and the linked table's changes
    first = api.rows(table, size=5)
    for row in first[:3]:
        api.ok(api.patch(f"{rows_url(table)}{row['id']}/?user_field_names=true",
                         {"Name": text(rnd), "Notes": text(rnd)}))  # fmt: skip
    api.ok(api.delete(f"{rows_url(table)}{first[3]['id']}/"))
    places = api.fields(table)
    link = next(f for f in places if f["name"] == "Place")
    api.ok(api.patch(f"{rows_url(link['link_row_table_id'])}1/?user_field_names=true",
                     {"Name": text(rnd)}))  # fmt: skip
    # schema: a field converted in place and one renamed into the formula's reference
    notes = next(f for f in places if f["name"] == "Notes")
    api.ok(api.patch(f"/api/database/fields/{notes['id']}/", {"type": "number"}))
    assert assert_same(api, ctx, table, rnd) > 30


def test_short_and_special_terms_are_scanned(api: Api, ctx: Ctx) -> None:
    database = api.database()
    table = api.table(database, data=[["Name"], ["50% off"], ["a_b"], ["Straße"]])
    assert not uses_index(ctx, table, "ab")  # shorter than a trigram
    assert uses_index(ctx, table, "50%")  # no formula array: LIKE specials are plain text
    assert [r["id"] for r in api.rows(table, search="% o")] == [1]
    assert [r["id"] for r in api.rows(table, search="a_b")] == [2]
    assert [r["id"] for r in api.rows(table, search="STRASSE")] == []
    assert [r["id"] for r in api.rows(table, search="straß")] == [3]
    api.field(table, "Upper", "formula", formula="split_part(field('Name'), ' ', 1)")
    assert uses_index(ctx, table, "straß")  # a text formula is no array
    tags = api.table(database, "Tags", data=[["Name"], ["x"]])
    link = api.field(table, "L", "link_row", link_row_table_id=tags, has_related_field=False)
    api.field(table, "Looked", "lookup", through_field_id=link["id"],
              target_field_id=api.fields(tags)[0]["id"])  # fmt: skip
    api.field(table, "Names", "formula", formula="lookup('L', 'Name')")
    assert uses_index(ctx, table, "a_b")  # lookups compare each item's text
    api.field(table, "Tags", "multiple_select", select_options=[{"value": "a", "color": "red"}])
    api.field(table, "TagList", "formula", formula="field('Tags')")
    # a multiple select formula compares its JSON text with LIKE as Baserow writes it
    assert not uses_index(ctx, table, "straß")
    assert uses_index(ctx, table, "strasse")


def test_the_index_holds_the_lowercased_texts(api: Api, ctx: Ctx) -> None:
    table = api.table(data=[["Name", "Notes"], ["ÆON İstanbul", "Line"]])
    with ctx.db.read() as conn:
        if ctx.db.dialect == "sqlite":
            found = f"SELECT content FROM {search_index.text_index_name(table)}"
        else:
            found = f"SELECT content FROM {search_index.index_name(table)}"
        assert conn.exec_driver_sql(found).scalars().all() == ["æon istanbul\nline"]

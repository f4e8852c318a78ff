"""Row JSON made by SQLite (usertable/json_rows.py) answers exactly what the plain way
renders (serialize_rows_general, encoded by orjson):
- per field type, a stored value's JSON from json_sql against serialize, over random values
  written straight into a column (any double, any text), wherever json_sql's check holds;
- through the list endpoint, page bytes against pages built the plain way, keyed by id and by
  name, with linked rows, fractional orders, and pages where a value is not exact (which
  the endpoint then renders the usual way).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from gridbase.core import rows
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.core.users import get_user
from gridbase.fields import default_field_types
from gridbase.models import Field, SelectOption
from gridbase.usertable import json_rows, load
from gridbase.usertable.query import RowQuery
from gridbase.usertable.read import serialize_rows_general
from gridbase.usertable.renderers import format_order
from tests.conftest import Api

TYPES = {ft.type: ft for ft in default_field_types()}
OPTIONS = (SelectOption(1, "a", "blue"), SelectOption(2, 'q"é', "red"), SelectOption(2, "x", "red"))


def stored_then(column: sa.types.TypeEngine[Any], value: Any, read: Any) -> Any:
    """`value` written into a column of this type (as a driver writes it, the column's
    affinity applied), then read(the column) selected."""
    engine = sa.create_engine("sqlite://")
    table = sa.Table("t", sa.MetaData(), sa.Column("x", column))
    with engine.begin() as conn:
        table.create(conn)
        conn.execute(sa.text("INSERT INTO t (x) VALUES (:v)"), {"v": value})
        found = conn.execute(sa.select(read(table.c.x))).scalar()
    engine.dispose()
    return found


def sql_json(column: sa.types.TypeEngine[Any], value: Any, made: Any) -> str | None:
    """What json_object({"v": made}) gives for a stored value, None where the check fails."""

    def read(x: Any) -> Any:
        expr, check = made(x)
        out = sa.func.json_object("v", expr)
        return out if check is None else sa.case((check, out), else_=sa.null())

    found: str | None = stored_then(column, value, read)
    return found


def sql_stored(column: sa.types.TypeEngine[Any], value: Any) -> Any:
    """What the column hands back for `value` (Python's bool for a boolean column)."""
    raw = stored_then(column, value, lambda x: sa.type_coerce(x, sa.types.NullType()))
    return bool(raw) if isinstance(column, sa.Boolean) else raw


def plain(type_: str, field: Field, stored: Any) -> str:
    return orjson.dumps({"v": TYPES[type_].serialize(field, stored)}).decode()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(places=3, min_value=-(10**9), max_value=10**9).map(float),
        st.integers(-(10**16), 10**16),
    ),
    st.integers(0, 10),
)
def test_numbers_as_serialize_writes_them(value: Any, places: int) -> None:
    field = Field(7, 1, "n", 1, "number", False, props={"number_decimal_places": places})
    got = sql_json(sa.Float(), value, lambda c: TYPES["number"].json_sql(field, c))
    # what the column hands back, as the page's select converts it
    raw = sql_stored(sa.Float(), value)
    stored = None if raw is None else Decimal(repr(raw) if isinstance(raw, float) else raw)
    if got is not None:
        assert got == plain("number", field, stored), (value, places)
    # the common values are exact: at most `places` decimals, 15 digits
    if value is not None and abs(value) < 10 ** (15 - places) and value == round(value, places):
        assert got is not None, (value, places)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(1, 10**6).map(float),
        st.integers(1, 10**7).map(lambda k: k / 1024),
    )
)
def test_orders_as_format_order_writes_them(value: float) -> None:
    # json_rows' own order expression (the row's and a linked row's)
    got = sql_json(sa.Float(), value, json_rows._order)
    if got is not None:  # (what the column hands back: -0.0 is read as 0.0)
        expected = format_order(sql_stored(sa.Float(), value))
        assert got == orjson.dumps({"v": expected}).decode(), value
    if value == int(value) and abs(value) < 10**15:
        assert got is not None, value


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(["\x00\x01\x1f\x7f", '"\\/', "\u2028\u2029", "\t\n\r\b\f", "é✓😀"])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(["text", "long_text", "url", "email", "phone_number"]), st.none() | texts)
def test_texts_as_serialize_writes_them(type_: str, value: str | None) -> None:
    field = Field(7, 1, "t", 1, type_, False)
    got = sql_json(sa.Text(), value, lambda c: TYPES[type_].json_sql(field, c))
    assert got == plain(type_, field, value), (type_, value)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.one_of(st.none(), st.integers(-3, 5), st.floats(-3, 5), texts),
    st.sampled_from([(), OPTIONS[:1], OPTIONS]),
)
def test_booleans_and_selects_as_serialize_writes_them(
    value: Any, options: tuple[SelectOption, ...]
) -> None:
    select = Field(7, 1, "s", 1, "single_select", False, select_options=options)
    got = sql_json(sa.Integer(), value, lambda c: TYPES["single_select"].json_sql(select, c))
    # an INTEGER column: what its affinity made of the value, as the driver reads it back
    stored = sql_stored(sa.Integer(), value)
    assert got == plain("single_select", select, stored), (value, options)
    if isinstance(value, str):
        return  # a boolean column never holds text (its reads would not be bools either)
    boolean = Field(8, 1, "b", 1, "boolean", False)
    got = sql_json(sa.Boolean(), value, lambda c: TYPES["boolean"].json_sql(boolean, c))
    assert got == plain("boolean", boolean, sql_stored(sa.Boolean(), value)), value


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.none() | st.dates().map(date.isoformat))
def test_dates_as_serialize_writes_them(value: str | None) -> None:
    field = Field(7, 1, "d", 1, "date", False, props={"date_include_time": False})
    got = sql_json(sa.Date(), value, lambda c: TYPES["date"].json_sql(field, c))
    day = None if value is None else date.fromisoformat(value)
    assert got == plain("date", field, day), value


def build(api: Api) -> tuple[int, int, dict[str, dict[str, Any]]]:
    database = api.database()
    labels = api.table(database, "Labels", data=[["Label"], ["red"], [""], ['"quoted"\n'], ["✓"]])
    table = api.table(database, "Main", data=[["Name"]])
    options = [{"value": v, "color": "red"} for v in "ab"]
    specs: list[tuple[str, str, dict[str, Any]]] = [
        ("long", "long_text", {}),
        ("url", "url", {}),
        ("email", "email", {}),
        ("phone", "phone_number", {}),
        ("amount", "number", {"number_decimal_places": 2, "number_negative": True}),
        ("whole", "number", {"number_decimal_places": 0, "number_negative": True}),
        ("fine", "number", {"number_decimal_places": 5}),
        ("done", "boolean", {}),
        ("day", "date", {}),
        ("status", "single_select", {"select_options": options}),
        ("tags", "link_row", {"link_row_table_id": labels}),
        ("self", "link_row", {"link_row_table_id": table, "has_related_field": False}),
        ('a "name" é', "text", {}),
    ]  # fmt: skip
    for name, type_, extra in specs:
        api.field(table, name, type_, **extra)
    return table, labels, {f["name"]: f for f in api.fields(table)}


def random_row(rnd: random.Random, fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def maybe(value: Any) -> Any:
        return None if rnd.random() < 0.2 else value

    day = date(1990, 1, 1) + timedelta(days=rnd.randrange(20000))
    return {
        "Name": maybe(rnd.choice(["alpha", "", "Ünï \x01 ✓", 'q"\\/\u2028'])),
        "long": maybe("line\n" * rnd.randrange(3)),
        "url": rnd.choice(["", None, "https://example.com/a"]),
        "email": rnd.choice(["", "a@example.com"]),
        "phone": rnd.choice(["", "+1 555 0100"]),
        "amount": maybe(f"{rnd.uniform(-1e9, 1e9):.2f}"),
        "whole": maybe(rnd.randrange(-(10**12), 10**12)),
        "fine": maybe(f"{rnd.uniform(0, 1e4):.5f}"),
        "done": rnd.random() < 0.5,
        "day": maybe(day.isoformat()),
        "status": maybe(rnd.choice(fields["status"]["select_options"])["id"]),
        "tags": rnd.sample([1, 2, 3, 4], rnd.randrange(4)),
        'a "name" é': maybe("x"),
    }


def expected_body(
    ctx: Ctx, table: int, listed: dict[str, Any], by_name: bool, shown: set[str] | None = None
) -> bytes:
    """The list answer with its results rendered the plain way, with the fields named
    `shown` (all when None)."""
    with ctx.db.read() as conn:
        model = load.model_of(ctx, conn, table)
        fields = [f for f in model.fields if shown is None or f.name in shown]
        ids = [r["id"] for r in listed["results"]]
        records = {r.id: r for r in model.rows_by_id(conn, fields, ids)}
        plain = serialize_rows_general(ctx, conn, model, [records[i] for i in ids], fields)
    if by_name:
        names = {f.column_name: f.name for f in fields}
        plain = [{names.get(k, k): v for k, v in row.items()} for row in plain]
    return orjson.dumps({**listed, "results": plain})


def json_page(ctx: Ctx, api: Api, table: int, query: RowQuery) -> bytes | None:
    """The service's JSON text of a page (None: rendered the usual way)."""
    with ctx.db.read() as conn:
        user = get_user(conn, api.user["id"])
    assert user is not None
    return rows.list_rows(ctx, Actor(user), table, query).json


@pytest.mark.parametrize("by_name", [False, True])
def test_list_pages_answer_as_the_plain_way(api: Api, ctx: Ctx, by_name: bool) -> None:
    table, _labels, fields = build(api)
    rnd = random.Random(7)
    base = f"/api/database/rows/table/{table}/"
    for _ in range(2):
        api.ok(
            api.post(
                f"{base}batch/?user_field_names=true",
                {"items": [random_row(rnd, fields) for _ in range(30)]},
            )
        )
    link = fields["self"]["id"]
    for row_id in range(1, 61, 3):
        api.ok(api.patch(f"{base}{row_id}/", {f"field_{link}": [row_id, 61 - row_id]}))
    # a row moved between two others: order 1.5, exact
    api.ok(api.patch(f"{base}40/move/?before_id=2", {}))
    suffix = "user_field_names=true&" if by_name else ""

    def ref(name: str) -> str:
        return name if by_name else f"field_{fields[name]['id']}"

    every = set(fields)
    queries: list[tuple[str, set[str] | None]] = [
        ("", None),
        ("size=7&page=3", None),
        (f"order_by=-{ref('amount')}", None),
        (f"filter__{ref('done')}__boolean=true", None),
        ("search=alpha", None),
        (f"include={ref('tags')},{ref('day')}", {"tags", "day"}),
        # the same page with other sets of fields (each set its own statement), then all
        (f"exclude={ref('long')}", every - {"long"}),
        (f"exclude={ref('Name')}", every - {"Name"}),
        ("", None),
    ]
    for query, shown in queries:
        response = api.get(f"{base}?{suffix}{query}")
        listed = api.ok(response)
        assert response.content == expected_body(ctx, table, listed, by_name, shown), query
    if ctx.db.is_sqlite:  # the pages came as JSON text, the first one and any other
        assert json_page(ctx, api, table, RowQuery(json_keys=by_name)) is not None
        query_3 = RowQuery(page=3, size=7, json_keys=by_name)
        assert json_page(ctx, api, table, query_3) is not None
    # two rows before row 3: orders 5/2 and 8/3 (the second no multiple of 1/1024)
    api.ok(api.post(f"{base}batch/?before=3", {"items": [{}, {}]}))
    response = api.get(f"{base}?{suffix}")
    listed = api.ok(response)
    assert response.content == expected_body(ctx, table, listed, by_name)
    assert json_page(ctx, api, table, RowQuery(json_keys=by_name)) is None

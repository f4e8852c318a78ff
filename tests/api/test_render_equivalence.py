"""The compiled row renderer (usertable/renderers.py) answers exactly as the plain way
(serialize_rows_general: each field type's serialize per value):
- per field type, a type's renderer(field) against its serialize, over random props and
  values of every kind (hypothesis);
- per table, serialize_rows against serialize_rows_general over random rows of a table with
  a field of every kind (formulas, lookups, rollups, counts, files, selects, collaborators,
  links), on both backends, and the list endpoint's bytes against rows built the plain way.
"""

from __future__ import annotations

import random
from datetime import UTC, date, timedelta
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from gridbase.core.context import Ctx
from gridbase.fields import default_field_types
from gridbase.models import Field, SelectOption
from gridbase.usertable import load
from gridbase.usertable.read import serialize_rows, serialize_rows_general
from tests.conftest import Api

TYPES = list(default_field_types())

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", "2026-01-02", "2026-01-02T03:04:05", "1.5", "x"]),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
    st.lists(st.integers(0, 6), max_size=4),
    st.lists(
        st.fixed_dictionaries({"id": st.integers(1, 5), "value": st.text(max_size=3)}),
        max_size=3,
    ),
)
options = st.lists(
    st.builds(
        SelectOption,
        id=st.integers(1, 5),
        value=st.text(max_size=4),
        color=st.sampled_from(["blue", "red"]),
    ),
    max_size=6,
)
props = st.fixed_dictionaries(
    {},
    optional={
        "number_decimal_places": st.integers(0, 12),
        "date_include_time": st.booleans(),
        "date_force_timezone": st.sampled_from([None, "Europe/Berlin", "Asia/Tokyo"]),
    },
)


def outcome(call: Any) -> tuple[str, Any]:
    """What a call answers (its value, with types kept by repr) or the error it raises."""
    try:
        return ("value", repr(call()))
    except Exception as exc:  # the same refusal either way
        return ("error", type(exc).__name__)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.sampled_from([ft.type for ft in TYPES]),
    props,
    options,
    st.lists(values, min_size=1, max_size=6),
)
def test_each_type_renders_as_it_serializes(
    type_: str, props_: dict[str, Any], opts: list[SelectOption], stored: list[Any]
) -> None:
    ft = next(t for t in TYPES if t.type == type_)
    field = Field(7, 1, "f", 1, type_, False, props=props_, select_options=tuple(opts))
    render = ft.renderer(field)
    for value in stored:
        expected = outcome(lambda v=value: ft.serialize(field, v))
        got = outcome(lambda v=value: v if render is None else render(v))
        assert got == expected, (type_, props_, value)


def every_kind(api: Api) -> tuple[int, int, dict[str, dict[str, Any]]]:
    database = api.database()
    other = api.table(database, "Other", data=[["Label"], ["red"], ["blue"], ["green"]])
    table = api.table(database, "Main", data=[["Name"]])
    numbers = api.field(other, "Size", "number", number_decimal_places=1)
    specs: list[tuple[str, str, dict[str, Any]]] = [
        ("long", "long_text", {}),
        ("url", "url", {}),
        ("email", "email", {}),
        ("phone", "phone_number", {}),
        ("number", "number", {"number_decimal_places": 2, "number_negative": True}),
        ("whole", "number", {"number_decimal_places": 0}),
        ("rating", "rating", {"max_value": 10}),
        ("bool", "boolean", {}),
        ("day", "date", {}),
        ("moment", "date", {"date_include_time": True}),
        ("tokyo", "date", {"date_include_time": False, "date_force_timezone": "Asia/Tokyo"}),
        ("created", "created_on", {}),
        ("modified", "last_modified", {}),
        ("duration", "duration", {"duration_format": "h:mm:ss"}),
        (
            "single",
            "single_select",
            {"select_options": [{"value": v, "color": "blue"} for v in "abc"]},
        ),
        (
            "multi",
            "multiple_select",
            {"select_options": [{"value": v, "color": "red"} for v in "xyz"]},
        ),
        ("link", "link_row", {"link_row_table_id": other}),
        ("auto", "autonumber", {}),
        ("uuid", "uuid", {}),
        ("formula", "formula", {"formula": "field('number') * 2"}),
        ("text formula", "formula", {"formula": "concat(field('Name'), '!')"}),
        ("date formula", "formula", {"formula": "field('day')"}),
        ("file", "file", {}),
        ("by", "created_by", {}),
        ("people", "multiple_collaborators", {}),
        ("password", "password", {}),
    ]
    for name, type_, extra in specs:
        api.field(table, name, type_, **extra)
    link = next(f for f in api.fields(table) if f["name"] == "link")
    api.field(table, "count", "count", through_field_id=link["id"])
    label = next(f for f in api.fields(other) if f["primary"])
    api.field(table, "labels", "lookup", through_field_id=link["id"], target_field_id=label["id"])
    api.field(
        table,
        "total",
        "rollup",
        through_field_id=link["id"],
        target_field_id=numbers["id"],
        rollup_function="sum",
    )
    for i, row in enumerate(api.rows(other)):
        api.ok(
            api.patch(
                f"/api/database/rows/table/{other}/{row['id']}/?user_field_names=true",
                {"Size": f"{i * 1.5:.1f}"},
            )
        )
    return table, other, {f["name"]: f for f in api.fields(table)}


def random_row(rnd: random.Random, fields: dict[str, dict[str, Any]], user: int) -> dict[str, Any]:
    def maybe(value: Any) -> Any:
        return None if rnd.random() < 0.2 else value

    def pick(name: str) -> int:
        return int(rnd.choice(fields[name]["select_options"])["id"])

    day = date(2020, 1, 1) + timedelta(days=rnd.randrange(3000))
    return {
        "Name": maybe(rnd.choice(["alpha", "beta", "", "Ünïcode ✓"])),
        "long": maybe("line\n" * rnd.randrange(3)),
        "url": rnd.choice(["", "https://example.com/a"]),
        "email": rnd.choice(["", "a@example.com"]),
        "phone": rnd.choice(["", "+1 555 0100"]),
        "number": maybe(f"{rnd.uniform(-1e6, 1e6):.2f}"),
        "whole": maybe(rnd.randrange(-5, 10**9)),
        "rating": rnd.randrange(11),
        "bool": rnd.random() < 0.5,
        "day": maybe(day.isoformat()),
        "moment": maybe(f"{day.isoformat()}T{rnd.randrange(24):02d}:{rnd.randrange(60):02d}:07Z"),
        "tokyo": maybe(day.isoformat()),
        "duration": maybe(rnd.randrange(10**6)),
        "single": maybe(pick("single")),
        "multi": rnd.sample([o["id"] for o in fields["multi"]["select_options"]], rnd.randrange(4)),
        "link": rnd.sample([1, 2, 3], rnd.randrange(4)),
        "people": rnd.choice([[], [{"id": user}]]),
        "password": maybe("secret-password"),
    }


def test_rows_render_as_the_plain_way(api: Api, ctx: Ctx) -> None:
    table, _other, fields = every_kind(api)
    rnd = random.Random(25)
    for _ in range(3):
        api.ok(
            api.post(
                f"/api/database/rows/table/{table}/batch/?user_field_names=true",
                {"items": [random_row(rnd, fields, api.user["id"]) for _ in range(40)]},
            )
        )
    with ctx.db.read() as conn:
        model = load.model_of(ctx, conn, table)
        every = list(model.fields)
        records = model.rows_by_id(conn, every, list(range(1, 200)))
        assert len(records) == 120
        fast = serialize_rows(ctx, conn, model, records, every)
        plain = serialize_rows_general(ctx, conn, model, records, every)
        assert orjson.dumps(fast) == orjson.dumps(plain)
        assert [list(r) for r in fast] == [list(r) for r in plain]  # keys in the same order
        # a subset in another order, each field twice, and the rows again (kept renderer)
        some = [every[5], every[0], every[17], every[5]]
        assert serialize_rows(ctx, conn, model, records, some) == serialize_rows_general(
            ctx, conn, model, records, some
        )
        assert serialize_rows(ctx, conn, model, records, every) == plain
        assert serialize_rows(ctx, conn, model, [], every) == []
        # a field object of another schema (a field being changed) gets its own renderer
        number = next(f for f in every if f.name == "number")
        changed = Field(
            number.id,
            number.table_id,
            number.name,
            number.order,
            number.type,
            number.primary,
            props={**number.props, "number_decimal_places": 5},
        )
        five = serialize_rows(ctx, conn, model, records, [changed])
        assert five == serialize_rows_general(ctx, conn, model, records, [changed])
        assert any(r[changed.column_name] and len(r[changed.column_name].split(".")[1]) == 5
                   for r in five)  # fmt: skip
    # the list endpoint answers what the plain way renders, through the whole stack
    listed = api.ok(api.get(f"/api/database/rows/table/{table}/?size=200"))["results"]
    assert orjson.dumps(listed) == orjson.dumps(sorted(plain, key=lambda r: r["id"]))

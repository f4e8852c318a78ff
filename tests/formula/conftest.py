"""Shared fixtures: a small Baserow-like table on SQLite (and PostgreSQL).

PostgreSQL runs only when ``GRIDBASE_TEST_POSTGRES_URL`` is set (in a schema
of its own per session). Nothing writes to these tables after setup.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.formula import ArraySelect, FieldInfo, compile_sql, parse, typecheck
from gridbase.storage import pg_functions, sqlite_functions

metadata = sa.MetaData()
rows = sa.Table(
    "fx_rows",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("qty", sa.Numeric(20, 0)),
    sa.Column("amount", sa.Numeric(20, 2)),
    sa.Column("done", sa.Boolean),
    sa.Column("due", sa.Date),
    sa.Column("meeting", sa.DateTime(timezone=True)),
    sa.Column("status", sa.Text),
    sa.Column("dur", sa.Float),
)
tags = sa.Table(
    "fx_tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("points", sa.Numeric(20, 0)),
    sa.Column("flag", sa.Boolean),
)
rows_tags = sa.Table(
    "fx_rows_tags",
    metadata,
    sa.Column("row_id", sa.Integer),
    sa.Column("tag_id", sa.Integer),
    sa.Column("position", sa.Integer),
)

UTC = dt.UTC
ROWS = [
    {
        "id": 1,
        "name": "Alpha",
        "qty": 3,
        "amount": Decimal("12.50"),
        "done": True,
        "due": dt.date(2024, 1, 15),
        "meeting": dt.datetime(2024, 1, 15, 9, 30, tzinfo=UTC),
        "status": "Todo",
        "dur": 3660.0,
    },
    {
        "id": 2,
        "name": "Beta",
        "qty": 10,
        "amount": Decimal("-3.25"),
        "done": False,
        "due": dt.date(2024, 2, 29),
        "meeting": dt.datetime(2024, 2, 29, 23, 15, tzinfo=UTC),
        "status": "Doing",
        "dur": 60.0,
    },
    {
        "id": 3,
        "name": "",
        "qty": 0,
        "amount": Decimal("100.00"),
        "done": True,
        "due": dt.date(2023, 12, 31),
        "meeting": dt.datetime(2023, 12, 31, 0, 0, tzinfo=UTC),
        "status": None,
        "dur": 0.0,
    },
    {
        "id": 4,
        "name": None,
        "qty": None,
        "amount": None,
        "done": False,
        "due": None,
        "meeting": None,
        "status": None,
        "dur": None,
    },
]
TAGS = [
    {"id": 1, "name": "urgent", "points": 5, "flag": True},
    {"id": 2, "name": "later", "points": 1, "flag": False},
    {"id": 3, "name": "bug", "points": 3, "flag": True},
]
LINKS = [(1, 1, 1), (1, 3, 2), (2, 2, 1), (4, 3, 1)]

TAG_FIELDS = {
    "Tag": FieldInfo("text"),
    "Points": FieldInfo("number", 0),
    "Flag": FieldInfo("boolean", nullable=False),
}
FIELDS = {
    "Name": FieldInfo("text"),
    "Qty": FieldInfo("number", 0),
    "Amount": FieldInfo("number", 2),
    "Done": FieldInfo("boolean", nullable=False),
    "Due": FieldInfo("date", date_include_time=False, date_format="ISO"),
    "Meeting": FieldInfo("date", date_include_time=True, date_format="ISO", date_time_format="24"),
    "Status": FieldInfo("single_select"),
    "Dur": FieldInfo("duration", duration_format="h:mm"),
    "Tags": FieldInfo(
        "array",
        array_formula_type="text",
        link_fields=TAG_FIELDS,
        link_primary="Tag",
        link_table_name="Tags",
    ),
    "TagNames": FieldInfo(
        "array", array_formula_type="text", lookup_through="Tags", lookup_target="Tag"
    ),
}
COLUMNS = {
    "Name": rows.c.name,
    "Qty": rows.c.qty,
    "Amount": rows.c.amount,
    "Done": rows.c.done,
    "Due": rows.c.due,
    "Meeting": rows.c.meeting,
    "Status": rows.c.status,
    "Dur": rows.c.dur,
}
TAG_COLUMNS = {"Tag": tags.c.name, "Points": tags.c.points, "Flag": tags.c.flag}


def array_source(link: str, target: str | None) -> ArraySelect:
    """Values of ``target`` in the rows linked through ``link``, in link order."""
    assert link == "Tags" and target is not None
    return ArraySelect(
        joined=tags.join(rows_tags, rows_tags.c.tag_id == tags.c.id),
        correlate=rows_tags.c.row_id == rows.c.id,
        value=TAG_COLUMNS[target],
        item_id=tags.c.id,
        order=(rows_tags.c.position,),
        sibling=lambda other: TAG_COLUMNS[other or "Tag"],
    )


def _engines() -> list[Any]:
    url = os.environ.get("GRIDBASE_TEST_POSTGRES_URL")
    postgres_marks = [
        pytest.mark.postgres,
        pytest.mark.skipif(not url, reason="GRIDBASE_TEST_POSTGRES_URL not set"),
    ]
    return [
        pytest.param("sqlite://", id="sqlite"),
        pytest.param(url, id="postgresql", marks=postgres_marks),
    ]


@pytest.fixture(scope="session", params=_engines())
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    """A database holding the fixture rows; read-only for the tests.

    On PostgreSQL the tables live in a schema of their own, dropped at the end.
    """
    base = sa.create_engine(request.param)
    if base.dialect.name == "sqlite":
        sa.event.listen(
            base, "connect", lambda dbapi_conn, _record: sqlite_functions.register(dbapi_conn)
        )
    schema = None
    engine = base
    if base.dialect.name == "postgresql":
        schema = f"formula_test_{uuid.uuid4().hex[:12]}"
        with base.begin() as conn:
            conn.execute(sa.schema.CreateSchema(schema))
        # the schema first on the search path: its tables and the gb_ functions
        engine = sa.create_engine(
            request.param, connect_args={"options": f"-csearch_path={schema}"}
        )
        with engine.begin() as conn:
            for statement in pg_functions.STATEMENTS:
                conn.exec_driver_sql(statement)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(rows.insert(), ROWS)
        conn.execute(tags.insert(), TAGS)
        conn.execute(
            rows_tags.insert(),
            [{"row_id": r, "tag_id": t, "position": p} for r, t, p in LINKS],
        )
    yield engine
    if schema is not None:
        engine.dispose()
        with base.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema, cascade=True))
    base.dispose()


@pytest.fixture()
def evaluate(engine: sa.Engine) -> Callable[[str], list[Any]]:
    """Evaluate a formula for every row (ordered by id)."""

    def run(text: str) -> list[Any]:
        typed = typecheck(parse(text), FIELDS)
        expr = compile_sql(typed, COLUMNS, engine.dialect.name, array_source, row_id=rows.c.id)
        with engine.connect() as conn:
            query = sa.select(expr.label("v")).select_from(rows).order_by(rows.c.id)
            return [row.v for row in conn.execute(query)]

    return run

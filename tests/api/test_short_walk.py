"""usertable.walk: a page in the default order that walks few rows has PostgreSQL test its
EXISTS conditions row by row (an OFFSET in each subquery) instead of hashing every row
they could return first; the rows are the same either way, on both backends."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from gridbase.core.context import Ctx
from gridbase.filters import tree
from gridbase.usertable import filtering, load, walk
from tests.conftest import Api

ROWS = 2_000


def test_per_row_puts_an_offset_in_every_exists_and_nothing_else() -> None:
    m = sa.MetaData()
    t = sa.Table("t", m, sa.Column("id", sa.Integer), sa.Column("a", sa.Text))
    j = sa.Table("j", m, sa.Column("row_id", sa.Integer), sa.Column("x", sa.Integer))
    linked = sa.select(sa.literal(1)).select_from(j).where(j.c.row_id == t.c.id)
    clause = sa.and_(
        t.c.id > 1, sa.or_(t.c.a.ilike("%m%"), linked.where(j.c.x == 5).exists(), ~linked.exists())
    )
    sql = str(walk.per_row(clause).compile(dialect=postgresql.dialect()))
    assert sql.count("EXISTS (SELECT") == 2 and sql.count("OFFSET") == 2
    assert "j.row_id = t.id" in sql  # still correlated with the outer row
    assert "OFFSET" not in str(clause.compile(dialect=postgresql.dialect()))  # a copy


def _tagged_table(api: Api) -> tuple[int, int]:
    """A table of ROWS rows, every one linked to the tag "mango", and the tag table."""
    database = api.database()
    tags = api.table(database, "Tags", data=[["Name"], ["mango"], ["kiwi"]])
    table = api.table(database, "Things", data=[["Name"]])
    api.field(table, "Tag", "link_row", link_row_table_id=tags, has_related_field=False)
    for start in range(0, ROWS, 200):
        items = [{"Name": f"row {start + i}", "Tag": [1]} for i in range(200)]
        api.ok(api.post(f"/api/database/rows/table/{table}/batch/?user_field_names=true",
                        {"items": items}))  # fmt: skip
    return table, tags


def _name_or_tag(term: str) -> str:
    """Filters: the name or a linked tag contains `term` (an EXISTS inside an OR)."""
    return json.dumps({"filter_type": "OR", "filters": [
        {"field": "Name", "type": "contains", "value": term},
        {"field": "Tag", "type": "link_row_contains", "value": term},
    ]})  # fmt: skip


def test_a_filter_over_a_link_field_pages_alike(api: Api, ctx: Ctx) -> None:
    table, _ = _tagged_table(api)
    rows = f"/api/database/rows/table/{table}/"
    body = api.ok(api.get(rows, params={"filters": _name_or_tag("mango"),
                                         "user_field_names": "true"}))  # fmt: skip
    assert body["count"] == ROWS
    assert [r["id"] for r in body["results"]] == list(range(1, 101))
    body = api.ok(api.get(rows, params={"filters": _name_or_tag("mango"), "page": 3,
                                         "user_field_names": "true"}))  # fmt: skip
    assert [r["id"] for r in body["results"]] == list(range(201, 301))
    page = api.ok(api.get(rows, params={"filters": _name_or_tag("kiwi"),
                                         "user_field_names": "true"}))  # fmt: skip
    assert page["count"] == 0 and page["results"] == []


def test_postgres_a_short_walk_tests_exists_row_by_row(api: Api, ctx: Ctx, backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite tests a correlated subquery row by row anyway")
    table, tags = _tagged_table(api)
    with ctx.db.read() as conn:
        for name in (f"database_table_{table}", f"database_table_{tags}"):
            conn.exec_driver_sql(f"ANALYZE {name}")
        model = load.model_for(ctx, conn, load.load_table(conn, table))
        name, tag = model.fields[0], next(f for f in model.fields if f.name == "Tag")
        group = tree.Group("OR", (tree.Condition(name, "contains", "mango"),
                                  tree.Condition(tag, "link_row_contains", "mango")))  # fmt: skip
        found = filtering.where_for(ctx, model, group, conn)
        where = found(model) if found is not None else None
        assert where is not None
        t = model.sql

        def plan(clause: sa.ColumnElement[bool]) -> str:
            stmt = sa.select(t.c.id).where(clause).order_by(t.c.order, t.c.id).limit(100)
            sql = stmt.compile(conn, compile_kwargs={"literal_binds": True})
            return "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}".replace("%", "%%")).scalars())

        assert "hashed SubPlan" in plan(where)  # what PostgreSQL picks left to itself
        short = walk.short_walk(conn, model, where, ROWS, 100)
        assert short is not None and "hashed SubPlan" not in plan(short)
        # a long walk (few matches for the page) keeps PostgreSQL's choice
        assert walk.short_walk(conn, model, where, 10, 100) is where

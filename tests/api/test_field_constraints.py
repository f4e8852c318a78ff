"""Field constraints (unique_with_empty) beyond what the recorded Baserow transcript checks
(tests/compat/scenarios/constraints.py): the unique index in the database, writers that go
around gridbase or run at the same time, long texts, and where gridbase differs on purpose
(it enforces a constraint that a type change kept; duplicate names in one request)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from tests.conftest import Api
from tests.helpers import assert_error

U = [{"type_name": "unique_with_empty"}]
CLASH = "ERROR_FIELD_DATA_CONSTRAINT"


def rows_url(tid: int) -> str:
    return f"/api/database/rows/table/{tid}/?user_field_names=true"


def unique_indexes(ctx: Ctx, table_id: int) -> dict[str, bool]:
    """The unique indexes on the user table (name -> unique), from the database catalog."""
    found = sa.inspect(ctx.db.engine).get_indexes(f"database_table_{table_id}")
    return {str(ix["name"]): bool(ix["unique"]) for ix in found if ix["unique"]}


def values(api: Api, tid: int, name: str) -> list[Any]:
    return [row[name] for row in api.rows(tid)]


def raw_insert(conn: sa.Connection, tid: int, fid: int, value: Any) -> None:
    """A row written by another program, around gridbase's validation (ids are ours)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(
        sa.text(
            f'INSERT INTO database_table_{tid} ("order", created_on, updated_on, field_{fid}) '
            "VALUES (:order, :now, :now, :value)"
        ),
        {"order": 1000, "now": now, "value": value},
    )


def test_the_constraint_is_a_unique_index_made_and_dropped_with_it(api: Api, ctx: Ctx) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    code = api.field(tid, "Code", "text", field_constraints=U)
    name = f"uniq_t{tid}_f{code['id']}"
    assert unique_indexes(ctx, tid) == {name: True}
    off = api.ok(api.patch(f"/api/database/fields/{code['id']}/", {"field_constraints": []}))
    assert (off["field_constraints"], unique_indexes(ctx, tid)) == ([], {})
    on = api.ok(api.patch(f"/api/database/fields/{code['id']}/", {"field_constraints": U}))
    assert (on["field_constraints"], unique_indexes(ctx, tid)) == (U, {name: True})
    assert api.delete(f"/api/database/fields/{code['id']}/").status_code == 200
    assert unique_indexes(ctx, tid) == {name: True}  # in the trash: kept for a restore
    db = api.ok(api.get(f"/api/database/tables/{tid}/"))["database_id"]
    ws = api.ok(api.get(f"/api/applications/{db}/"))["workspace"]["id"]
    assert api.delete(f"/api/trash/workspace/{ws}/").status_code == 204
    assert unique_indexes(ctx, tid) == {}


def test_a_value_written_around_gridbase_is_protected_too(api: Api, ctx: Ctx) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    code = api.field(tid, "Code", "text", field_constraints=U)
    with ctx.db.engine.begin() as conn:
        raw_insert(conn, tid, code["id"], "taken")
    assert_error(api.post(rows_url(tid), {"Code": "taken"}), 400, CLASH)
    with pytest.raises(sa.exc.IntegrityError), ctx.db.engine.begin() as conn:
        raw_insert(conn, tid, code["id"], "taken")  # the database itself refuses it
    assert values(api, tid, "Code") == [None, "taken"]


def test_a_writer_that_commits_first_wins(api: Api, ctx: Ctx) -> None:
    """Another writer's uncommitted insert of the same value: gridbase's insert waits for it
    (the unique index on PostgreSQL, the write lock on SQLite), then is refused."""
    tid = api.table(data=[["Name"], ["a"]])
    code = api.field(tid, "Code", "text", field_constraints=U)
    answers: list[Any] = []
    with ctx.db.engine.connect() as other:
        other.begin()
        raw_insert(other, tid, code["id"], "same")
        writer = threading.Thread(
            target=lambda: answers.append(api.post(rows_url(tid), {"Code": "same"}))
        )
        writer.start()
        other.commit()
    writer.join()
    assert_error(answers[0], 400, CLASH)
    assert values(api, tid, "Code") == [None, "same"]


def test_long_texts_are_unique_without_size_limits(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    api.field(tid, "Body", "long_text", field_constraints=U)
    long = "x" * 20_000  # beyond PostgreSQL's b-tree key size: the index keeps its md5
    api.ok(api.post(rows_url(tid), {"Body": long}))
    api.ok(api.post(rows_url(tid), {"Body": long + "y"}))
    assert_error(api.post(rows_url(tid), {"Body": long}), 400, CLASH)
    assert [len(v or "") for v in values(api, tid, "Body")] == [0, 20_000, 20_001]


def test_a_refused_batch_writes_nothing(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"], ["b"]])
    api.field(tid, "Code", "email", field_constraints=U)
    batch = f"/api/database/rows/table/{tid}/batch/?user_field_names=true"
    items = [{"Code": "new@example.com"}, {"Code": "x@example.com"}, {"Code": "x@example.com"}]
    assert_error(api.post(batch, {"items": items}), 400, CLASH)
    update = [{"id": 1, "Code": "y@example.com"}, {"id": 2, "Code": "y@example.com"}]
    assert_error(api.patch(batch, {"items": update}), 400, CLASH)
    assert values(api, tid, "Code") == ["", ""]


def test_a_type_change_keeps_enforcing_the_constraint(api: Api, ctx: Ctx) -> None:
    """Baserow 1.35.3 keeps the constraint in the field JSON but drops its index when the
    type changes without `field_constraints` in the body; gridbase keeps enforcing it."""
    tid = api.table(data=[["Name"], ["a"]])
    code = api.field(tid, "Code", "text", field_constraints=U)
    path = f"/api/database/fields/{code['id']}/"
    api.ok(api.post(rows_url(tid), {"Code": "1"}))
    number = api.ok(api.patch(path, {"type": "number", "number_decimal_places": 1}))
    assert number["field_constraints"] == U
    assert_error(api.post(rows_url(tid), {"Code": "1.0"}), 400, CLASH)
    # a new column for more decimal places (where Baserow answers 500)
    wider = api.ok(api.patch(path, {"number_decimal_places": 3}))
    assert (wider["field_constraints"], values(api, tid, "Code")) == (U, [None, "1.000"])
    assert_error(api.post(rows_url(tid), {"Code": 1}), 400, CLASH)
    assert unique_indexes(ctx, tid) == {f"uniq_t{tid}_f{code['id']}": True}


def test_a_refused_type_change_changes_nothing(api: Api, ctx: Ctx) -> None:
    tid = api.table(data=[["Name"], ["1"], ["01"]])
    name = next(f for f in api.fields(tid) if f["primary"])
    r = api.patch(f"/api/database/fields/{name['id']}/", {"type": "number", "field_constraints": U})
    assert assert_error(r, 400, "ERROR_FIELD_CONSTRAINT")["detail"] == (
        "Cannot apply field constraint due to existing data conflicts."
    )
    assert api.fields(tid)[0] | {"related_fields": []} == name | {"related_fields": []}
    assert values(api, tid, "Name") == ["1", "01"]
    assert unique_indexes(ctx, tid) == {}


def test_a_name_sent_twice_is_one_constraint(api: Api) -> None:
    """Baserow answers 500 for this on create (its unique_together); gridbase keeps one."""
    tid = api.table(data=[["Name"], ["a"]])
    field = api.field(tid, "Code", "number", field_constraints=U + U)
    assert field["field_constraints"] == U
    assert api.fields(tid)[1]["field_constraints"] == U


def test_field_lists_show_the_constraints(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    api.field(tid, "Stars", "rating", field_constraints=U)
    api.field(tid, "Free", "text")
    listed = {f["name"]: f["field_constraints"] for f in api.fields(tid)}
    assert listed == {"Name": [], "Stars": U, "Free": []}
    api.ok(api.post(rows_url(tid), {"Stars": 0}))  # no rating: may repeat
    api.ok(api.post(rows_url(tid), {"Stars": 2}))
    assert_error(api.post(rows_url(tid), {"Stars": 2}), 400, CLASH)
    assert values(api, tid, "Stars") == [0, 0, 2]


def test_token_writes_are_refused_the_same_way(api: Api) -> None:
    """The row routes a token calls most are answered apart from FastAPI (api/hot.py)."""
    ws = api.workspace()
    tid = api.table(api.database(ws), data=[["Name"], ["a"]])
    api.field(tid, "Code", "text", field_constraints=U)
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))
    headers = {"Authorization": f"Token {token['key']}"}
    api.ok(api.post(rows_url(tid), {"Code": "x"}, headers=headers))
    refused = {"error": CLASH, "detail": "The operation violates a field constraint"}
    created = api.post(rows_url(tid), {"Code": "x"}, headers=headers)
    updated = api.patch(rows_url(tid).replace("?", "1/?"), {"Code": "x"}, headers=headers)
    assert [(r.status_code, r.json()) for r in (created, updated)] == [(400, refused)] * 2
    assert values(api, tid, "Code") == [None, "x"]

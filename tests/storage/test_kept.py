"""storage.kept: every kept value's drop rule holds where a version could come back or a
trigger could stay behind."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.models import Field, Table
from gridbase.storage import kept
from gridbase.storage import schema as s
from gridbase.storage.kept import meta_clock
from gridbase.storage.kept.expiring import Expiring
from tests.conftest import Api


class RolledBack(Exception):
    pass


class FailingFieldEvents:
    """Takes every field.created event and then fails, so the change rolls back."""

    def listens(self, conn: sa.Connection, table_id: int, event: str) -> bool:
        return event == "field.created"

    def enqueue(
        self,
        conn: sa.Connection,
        event: str,
        table: Table,
        fields: Sequence[Field],
        data: Mapping[str, Any],
    ) -> str | None:
        raise RolledBack()


@pytest.mark.unexpected_errors
def test_a_rolled_back_link_creation_never_lends_its_model_to_a_committed_one(
    api: Api, ctx: Ctx
) -> None:
    """The linked table's schema version moves in both creations: a version the rolled-back
    one used (and the model cached with it inside that transaction, when the new link is
    typed for First's formula) must not come back."""
    database = api.database()
    target = api.table(database, "Target", data=[["Name"], ["t"]])
    first = api.table(database, "First", data=[["Name"], ["f"]])
    api.field(first, "Formula", "formula", formula="1")
    second = api.table(database, "Second", data=[["Name"], ["s"]])
    extensions = ctx.ext
    ctx.ext = dataclasses.replace(extensions, events=FailingFieldEvents())
    # the target's model is read (search index) before it fails; the failure is a logged 500
    failed = api.post(
        f"/api/database/fields/table/{first}/",
        {"name": "Link", "type": "link_row", "link_row_table_id": target},
    )
    assert (failed.status_code, failed.json()["error"]) == (500, "ERROR_INTERNAL")
    ctx.ext = extensions
    api.field(second, "Link", "link_row", link_row_table_id=target)
    assert [f["name"] for f in api.fields(target)] == ["Name", "Second"]
    rows = api.rows(target, user_field_names=True)
    assert [r["Second"] for r in rows] == [[]]


def test_clock_triggers_are_made_anew_at_start(api: Api, ctx: Ctx, backend: str) -> None:
    """A trigger left by an older release (here: one that moves nothing) is replaced."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps no metadata clock")
    ws = api.workspace()
    name = f"{s.workspaces.name}_clocked_update"
    with ctx.db.write() as conn:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} AFTER UPDATE ON {s.workspaces.name} BEGIN SELECT 1; END"
        )
    meta_clock.ensure(ctx.db)
    with ctx.db.write() as conn:
        before = meta_clock.value(conn)
        w = s.workspaces
        conn.execute(w.update().where(w.c.id == ws).values(name="renamed"))
        assert meta_clock.value(conn) != before


def test_expiring_values_go_after_their_time() -> None:
    now = [0.0]
    store: Expiring[str, int] = Expiring(ttl=10, max_entries=2, clock=lambda: now[0])
    store.put("a", 1)
    assert store.get("a") == (True, 1)
    now[0] = 10.5
    assert store.get("a") == (False, None)
    store.put("a", 2)
    store.put("b", 3)
    store.put("c", 4)  # the third entry empties the full store first
    assert [store.get(k) for k in "abc"] == [(False, None), (False, None), (True, 4)]


def test_the_readme_lists_every_kept_value_with_a_test_that_exists() -> None:
    root = Path(__file__).parents[2]
    assert kept.table_markdown() in (root / "README.md").read_text()
    for value in kept.KEPT:
        path, name = value.test.split("::")
        assert f"def {name}(" in (root / path).read_text(), value.test

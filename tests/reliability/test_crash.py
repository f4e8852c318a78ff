"""Crash suite in CI (issue 21): scripts/crash.py's run with a small round count, on SQLite and
PostgreSQL, with one worker and with --workers 2. Writers create, update and delete rows
(single and batch) while the server is SIGKILLed at a seeded random moment; after each restart
every acknowledged write is there with its acknowledged value, nothing is half-applied,
counts, the search index and the kept counts agree with the table, SQLite's integrity check
passes, and at the end every webhook event of a write that happened has been delivered.
`python scripts/crash.py --rounds 20` runs the same suite longer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gridbase.config import Settings
from tests.conftest import PG_URL
from tests.reliability.crash_checks import check_after_restart
from tests.reliability.crash_run import Options, run, setup
from tests.reliability.crash_writers import Writer
from tests.server import Server
from tests.webhooks.receiver import receiving


@pytest.mark.parametrize("workers", [1, 2])
def test_acknowledged_writes_survive_sigkill(
    backend: str, workers: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = Options(
        rounds=2 if workers == 1 else 1,  # a start with 2 workers costs several seconds
        writers=3,
        workers=workers,
        database_url=PG_URL if backend == "postgres" else "",
        seed=21 + workers,
        writes_per_round=(20, 60),
    )
    figures = run(options, tmp_path)
    with capsys.disabled():
        print("\n" + "\n".join(figures.lines()))
    assert figures.problems == []
    assert (figures.lost, figures.half_applied) == (0, 0)
    assert figures.rounds == options.rounds
    assert figures.acknowledged >= options.rounds * 20
    assert figures.events_delivered == figures.events_expected > 0


def test_the_checks_see_lost_and_half_applied_writes_and_index_drift(tmp_path: Path) -> None:
    """The checker itself: changes made behind the server's back are reported, so a suite
    that reports nothing has looked."""
    with receiving() as receiver:
        server = Server(tmp_path / "data", log=tmp_path / "server.log").start()
        try:
            schema = setup(server.url, receiver.url())
            writers = [Writer(1, seed=5)]
            writers[0].run(schema, limit=15)  # no kill: only what is changed below is wrong
            settings = Settings(data_dir=tmp_path / "data")
            assert check_after_restart(settings, schema, writers).problems == []
            live = [r for r in writers[0].rows.values() if not r.deleted and r.id is not None]
            lost, half, drift = live[0], live[1], live[2]
            with sqlite3.connect(settings.data_dir / "gridbase.db") as db:
                items = f"database_table_{schema.items}"
                version = _column(db, schema.items, "Version")
                flag = _column(db, schema.items, "Flag")
                db.execute(f"DELETE FROM {items} WHERE id = ?", (lost.id,))
                db.execute(f"UPDATE {items} SET {flag} = NOT {flag} WHERE id = ?", (half.id,))
                db.execute(f"UPDATE {items} SET {version} = {version} WHERE id = ?", (drift.id,))
                db.execute(f"DELETE FROM {items}_search WHERE rowid = ?", (drift.id,))
            found = check_after_restart(settings, schema, writers)
        finally:
            server.stop()
    assert (found.lost, found.half_applied) == (1, 1), found.problems
    text = "\n".join(found.problems)
    assert f"row {lost.token} (id {lost.id}" in text
    assert f"row {half.token} does not agree with itself" in text
    assert f"search for {drift.token} found []" in text
    assert "missing or left over" in text  # the deleted row's document, the dropped one


def _column(db: sqlite3.Connection, table: int, name: str) -> str:
    (field_id,) = db.execute(
        "SELECT id FROM fields WHERE table_id = ? AND name = ?", (table, name)
    ).fetchone()
    return f"field_{int(field_id)}"

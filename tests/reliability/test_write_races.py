"""Row writes that race a delete committed by another transaction (PostgreSQL, where row
writes run side by side): the losing write answers ERROR_ROW_DOES_NOT_EXIST and changes
nothing. Each race is made exact: another connection deletes the row without committing,
the request is seen waiting for that transaction's lock, then the delete commits.
(SQLite takes one write at a time, so there a write never sees a row vanish under it.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import PG_URL
from tests.helpers import eventually
from tests.reliability.servers import Logged
from tests.reliability.test_concurrency import SECRET, call, sign_up, workspace
from tests.server import Server, pg_schema

pytestmark = pytest.mark.postgres


@dataclass
class PgServer:
    server: Logged
    database_url: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    """One server on a fresh PostgreSQL schema for the module (each test makes its own
    table), with one signed-up user."""
    if not PG_URL:
        pytest.skip("GRIDBASE_TEST_POSTGRES_URL is not set")
    with pg_schema(PG_URL) as url:
        data = tmp_path_factory.mktemp("races")
        s = Logged(Server(data, env={"GRIDBASE_SECRET_KEY": SECRET}, database_url=url))
        try:
            yield PgServer(s, url, sign_up(s.url)[0])
        finally:
            s.stop()
    assert not s.errors(), s.errors()


class Setup:
    def __init__(self, pg: PgServer) -> None:
        self.base = pg.server.url
        self.headers = pg.headers
        ws = workspace(self.base, self.headers)
        db = call(
            self.base,
            self.headers,
            "POST",
            f"/api/applications/workspace/{ws}/",
            {"name": "D", "type": "database"},
        )["id"]
        self.table = call(
            self.base,
            self.headers,
            "POST",
            f"/api/database/tables/database/{db}/",
            {"name": "T", "data": [["Name"], ["a"], ["b"]], "first_row_header": True},
        )["id"]
        self.rows = f"/api/database/rows/table/{self.table}/"
        self.ids = [r["id"] for r in self.listed()]
        self.engine = sa.create_engine(
            pg.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        )

    def listed(self) -> list[dict[str, Any]]:
        return list(call(self.base, self.headers, "GET", self.rows)["results"])

    def race(
        self, row_id: int, method: str, path: str, body: Any = None, *, hold: str = ""
    ) -> requests.Response:
        """`method path` while another transaction deletes `row_id`, answered after it
        commits. `hold`: a statement that transaction runs first, so that the request waits
        for it there rather than at the row."""
        answer: list[requests.Response] = []
        with self.engine.connect() as other:
            other.begin()
            if hold:
                other.exec_driver_sql(hold)
            other.exec_driver_sql(
                f"DELETE FROM database_table_{int(self.table)} WHERE id = {int(row_id)}"
            )
            pid = int(other.exec_driver_sql("SELECT pg_backend_pid()").scalar())
            thread = threading.Thread(
                target=lambda: answer.append(
                    requests.request(
                        method, self.base + path, json=body, headers=self.headers, timeout=60
                    )
                )
            )
            thread.start()
            with self.engine.connect() as watch:
                eventually(
                    lambda: (
                        watch.exec_driver_sql(
                            "SELECT count(*) FROM pg_stat_activity "
                            f"WHERE {pid} = ANY(pg_blocking_pids(pid))"
                        ).scalar()
                        or None
                    ),
                    timeout=30,
                )
            other.commit()
        thread.join()
        self.engine.dispose()
        return answer[0]


MISSING = "ERROR_ROW_DOES_NOT_EXIST"


def test_a_delete_that_lost_the_race_is_refused(pg_server: PgServer) -> None:
    s = Setup(pg_server)
    r = s.race(s.ids[0], "DELETE", f"{s.rows}{s.ids[0]}/")
    assert (r.status_code, r.json()["error"]) == (404, MISSING)  # was 204: deleted "twice"
    r = s.race(s.ids[1], "POST", f"{s.rows}batch-delete/", {"items": [s.ids[1]]})
    assert (r.status_code, r.json()["error"]) == (404, MISSING)
    assert s.listed() == []


def test_a_delete_that_saw_the_row_before_it_went_is_refused(pg_server: PgServer) -> None:
    """The losing delete saw the row, then the winner committed before it kept the row in
    the trash (it waits at its row history entry here): it finds the row gone there (was a
    500, KeyError, with two instances)."""
    s = Setup(pg_server)
    hold = "LOCK TABLE row_history IN SHARE MODE"
    r = s.race(s.ids[0], "POST", f"{s.rows}batch-delete/", {"items": [s.ids[0]]}, hold=hold)
    assert (r.status_code, r.json()["error"]) == (404, MISSING)
    r = s.race(s.ids[1], "DELETE", f"{s.rows}{s.ids[1]}/", hold=hold)
    assert (r.status_code, r.json()["error"]) == (404, MISSING)
    assert s.listed() == []


def test_a_move_of_a_row_deleted_meanwhile_is_refused(pg_server: PgServer) -> None:
    s = Setup(pg_server)
    r = s.race(s.ids[1], "PATCH", f"{s.rows}{s.ids[1]}/move/?before_id={s.ids[0]}")
    assert (r.status_code, r.json()["error"]) == (404, MISSING)  # was 500
    assert [row["id"] for row in s.listed()] == [s.ids[0]]


def test_an_update_of_a_row_deleted_meanwhile_is_refused(pg_server: PgServer) -> None:
    s = Setup(pg_server)
    r = s.race(s.ids[0], "PATCH", f"{s.rows}{s.ids[0]}/?user_field_names=true", {"Name": "x"})
    assert (r.status_code, r.json()["error"]) == (404, MISSING)
    assert [row["id"] for row in s.listed()] == [s.ids[1]]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            {"method": "PATCH", "json": {"type": "number", "number_decimal_places": 1}},
            [{"Name": "a", "Moving": "7.0"}, {"Name": "b", "Moving": None}],
        ),
    ],
    ids=["retyped"],
)
def test_a_read_overtaken_by_a_field_change_reads_the_new_schema(
    pg_server: PgServer, change: dict[str, Any], expected: list[dict[str, Any]]
) -> None:
    """A list reads the table's schema, then its rows; a field change that commits in
    between (here: it holds the table's columns, waiting on a lock another connection
    holds, while the list starts) retypes a column the list's statement names. The list
    runs again with the new schema (was: a number read as text that the JSON encoder
    refused). A deleted field no longer takes part: it goes to the trash with its column
    kept, and its column is dropped only when the trash is emptied, long after any read
    that named it (the "deleted" case was a 500, UndefinedColumn)."""
    s = Setup(pg_server)
    field = call(
        s.base,
        s.headers,
        "POST",
        f"/api/database/fields/table/{s.table}/",
        {"name": "Moving", "type": "text"},
    )["id"]
    call(s.base, s.headers, "PATCH", f"{s.rows}{s.ids[0]}/?user_field_names=true", {"Moving": "7"})
    assert call(s.base, s.headers, "GET", s.rows + "?user_field_names=true")["count"] == 2
    answers: dict[str, requests.Response] = {}

    def send(name: str, method: str, path: str, **kw: Any) -> threading.Thread:
        def run() -> None:
            answers[name] = requests.request(
                method, s.base + path, headers=s.headers, timeout=60, **kw
            )

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def waiting(conn: sa.Connection, where: str) -> int | None:
        return (
            conn.exec_driver_sql(
                f"SELECT count(*) FROM pg_locks WHERE NOT granted AND {where}"
            ).scalar()
            or None
        )

    with s.engine.connect() as other, s.engine.connect() as watch:
        other.begin()
        other.exec_driver_sql(
            f"SELECT id FROM database_tables WHERE id = {int(s.table)} FOR UPDATE"
        )
        xid = int(other.exec_driver_sql("SELECT pg_current_xact_id()::text").scalar()) % 2**32
        changing = send("change", path=f"/api/database/fields/{field}/", **change)
        # the change has altered the column and waits to give the table its new version
        eventually(
            lambda: waiting(watch, f"locktype = 'transactionid' AND transactionid::text = '{xid}'")
        )
        listing = send("list", "GET", s.rows + "?user_field_names=true")
        user_table = f"'database_table_{int(s.table)}'::regclass"
        eventually(lambda: waiting(watch, f"locktype = 'relation' AND relation = {user_table}"))
        other.commit()
    changing.join()
    listing.join()
    s.engine.dispose()
    assert answers["change"].status_code == 200, answers["change"].text
    assert answers["list"].status_code == 200, answers["list"].text
    rows = answers["list"].json()["results"]
    assert [{k: v for k, v in r.items() if k not in ("id", "order")} for r in rows] == expected

"""Crash suite, the run: a real `gridbase serve`, writers, SIGKILL at a random moment, restart,
check; `rounds` times over one database, then every webhook event of a write that happened.

Each round starts the writers, waits (polling) until a number of further writes drawn from
the seeded RNG are acknowledged, and SIGKILLs the server while they are still writing:
either its main process alone (with --workers N the workers must then end by themselves) or
every process at once. Once no process is left and the port is free, the server starts
again on the same data and crash_checks compares it with what was acknowledged.
Used by scripts/crash.py and tests/reliability/test_crash.py.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from gridbase.config import Settings
from tests.helpers import eventually
from tests.reliability.crash_checks import check_after_restart
from tests.reliability.crash_hooks import check_deliveries
from tests.reliability.crash_writers import BATCH, COLOURS, TAGS, Schema, Writer
from tests.server import Server, pg_schema
from tests.webhooks.receiver import receiving


@dataclass(frozen=True)
class Options:
    rounds: int = 3
    writers: int = 4
    workers: int = 1
    database_url: str = ""  # empty: SQLite; postgresql://...: a fresh schema in it
    seed: int = 1
    writes_per_round: tuple[int, int] = (30, 120)  # acknowledged writes before the kill
    batch: tuple[int, int] = BATCH  # rows per batch request
    search: bool = True  # search each row's token after every restart
    webhook_timeout: float = 60.0


@dataclass
class Figures:
    backend: str
    rounds: int = 0
    writers: int = 0
    workers: int = 0
    acknowledged: int = 0  # write requests answered 2xx
    in_flight: int = 0  # requests in flight when the server died
    in_flight_applied: int = 0
    in_flight_not_applied: int = 0
    lost: int = 0
    half_applied: int = 0
    rows: int = 0  # rows in the table at the end
    searched: int = 0
    kills: dict[str, int] = field(default_factory=dict)
    events_expected: int = 0
    events_delivered: int = 0
    deliveries: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"crash suite ({self.backend}, {self.workers} worker(s), {self.writers} writers):",
            f"  rounds: {self.rounds} (kills: {self.kills})",
            f"  acknowledged writes: {self.acknowledged}",
            f"  in flight at the kills: {self.in_flight} "
            f"(applied whole: {self.in_flight_applied}, not at all: {self.in_flight_not_applied})",
            f"  lost: {self.lost}",
            f"  half-applied: {self.half_applied}",
            f"  rows at the end: {self.rows} (each found by its own token: {self.searched} "
            "searches in all)",
            f"  webhook events: {self.events_delivered} of {self.events_expected} delivered "
            f"({self.deliveries} calls received)",
            f"  problems: {len(self.problems)}",
            *(f"    {p}" for p in self.problems[:50]),
            f"  time: {self.seconds:.1f} s",
        ]


@contextlib.contextmanager
def fresh_database(base_url: str) -> Iterator[str]:
    """'' for SQLite (in the data dir); for PostgreSQL a new schema, dropped afterwards."""
    if not base_url:
        yield ""
        return
    with pg_schema(base_url) as url:
        yield url


def setup(url: str, hook_url: str) -> Schema:
    """A user, a Tags table, an Items table with a field of each kind the writers write
    (text, number, boolean, single select, link) and two computed ones (a formula and a
    lookup), a webhook for every event, and a database token for the writers."""
    http = requests.Session()

    def call(method: str, path: str, body: Any) -> Any:
        r = http.request(method, url + path, json=body, timeout=60)
        if r.status_code != 200:
            raise AssertionError(f"setup: {method} {path} -> {r.status_code} {r.text}")
        return r.json()

    user = {"name": "Crash", "email": "crash@example.com", "password": "password123"}
    jwt = call("POST", "/api/user/", {**user, "authenticate": True})["access_token"]
    http.headers["Authorization"] = f"JWT {jwt}"
    workspace = call("POST", "/api/workspaces/", {"name": "Crash"})["id"]
    database = call(
        "POST", f"/api/applications/workspace/{workspace}/", {"name": "Crash", "type": "database"}
    )["id"]
    tables = f"/api/database/tables/database/{database}/"
    data = [["Name"], *([t] for t in TAGS)]
    tags = call("POST", tables, {"name": "Tags", "data": data, "first_row_header": True})["id"]
    items = call("POST", tables, {"name": "Items", "data": [["Name"]], "first_row_header": True})
    fields = f"/api/database/fields/table/{items['id']}/"
    call("POST", fields, {"name": "Version", "type": "number"})
    call("POST", fields, {"name": "Flag", "type": "boolean"})
    options = [{"value": c, "color": c} for c in COLOURS]
    select = call(
        "POST", fields, {"name": "Colour", "type": "single_select", "select_options": options}
    )
    link = call("POST", fields, {"name": "Tags", "type": "link_row", "link_row_table_id": tags})
    formula = "concat(field('Name'), '-', field('Version'))"
    call("POST", fields, {"name": "Label", "type": "formula", "formula": formula})
    tag_name = next(f for f in call("GET", f"/api/database/fields/table/{tags}/", None))
    lookup = {"through_field_id": link["id"], "target_field_id": tag_name["id"]}
    call("POST", fields, {"name": "TagNames", "type": "lookup", **lookup})
    hook = {"name": "crash", "url": hook_url, "include_all_events": True}
    call(
        "POST",
        f"/api/database/webhooks/table/{items['id']}/",
        {**hook, "use_user_field_names": True},
    )
    key = call("POST", "/api/database/tokens/", {"name": "crash", "workspace": workspace})["key"]
    tag_rows = call("GET", f"/api/database/rows/table/{tags}/?user_field_names=true", None)
    by_name = {r["Name"]: r["id"] for r in tag_rows["results"]}
    http.close()
    return Schema(
        url=url,
        key=key,
        items=int(items["id"]),
        tags=int(tags),
        tag_ids=tuple(by_name[t] for t in TAGS),
        option_ids=tuple(int(o["id"]) for o in select["select_options"]),
    )


def run(options: Options, work: Path) -> Figures:
    """The whole suite in `work` (data dir, server.log); returns what it measured."""
    started = time.monotonic()
    rng = random.Random(options.seed)
    figures = Figures(
        "postgresql" if options.database_url else "sqlite",
        writers=options.writers,
        workers=options.workers,
    )
    with fresh_database(options.database_url) as url, receiving() as receiver:
        server = Server(
            work / "data",
            env={"GRIDBASE_WEBHOOKS_REQUEST_TIMEOUT_SECONDS": "2", "GRIDBASE_LOG_LEVEL": "warning"},
            database_url=url,
            args=("--workers", str(options.workers)),
            log=work / "server.log",
        ).start()
        settings = Settings(data_dir=work / "data", database_url=url)
        try:
            schema = setup(server.url, receiver.url())
            writers = [
                Writer(n, options.seed, options.batch) for n in range(1, options.writers + 1)
            ]
            for _ in range(options.rounds):
                kill_round(server, writers, schema, rng, options, figures)
                server.start()
                found = check_after_restart(settings, schema, writers, search=options.search)
                figures.rounds += 1
                figures.in_flight_applied += found.in_flight_applied
                figures.in_flight_not_applied += found.in_flight_not_applied
                figures.lost += found.lost
                figures.half_applied += found.half_applied
                figures.searched += found.searched
                figures.rows = found.rows
                figures.problems += [f"round {figures.rounds}: {p}" for p in found.problems]
            hooks = check_deliveries(receiver, writers, settings, options.webhook_timeout)
            figures.events_expected = hooks.expected
            figures.events_delivered = hooks.delivered
            figures.deliveries = hooks.received
            figures.problems += hooks.problems
        finally:
            server.stop()
    figures.seconds = time.monotonic() - started
    return figures


def kill_round(
    server: Server,
    writers: list[Writer],
    schema: Schema,
    rng: random.Random,
    options: Options,
    figures: Figures,
) -> None:
    """Writers write until the drawn number of acknowledgements, then the server dies."""
    before = sum(w.acked for w in writers)
    target = before + rng.randint(*options.writes_per_round)
    for writer in writers:
        writer.start(schema)

    def reached() -> bool | None:
        stopped = all(w.thread is not None and not w.thread.is_alive() for w in writers)
        return True if stopped or sum(w.acked for w in writers) >= target else None

    eventually(reached, timeout=120)
    everything = rng.random() < 0.5
    mode = "every process" if everything else "main process"
    figures.kills[mode] = figures.kills.get(mode, 0) + 1
    server.kill(everything=everything)
    for writer in writers:
        assert writer.thread is not None
        writer.thread.join(timeout=120)
        if writer.thread.is_alive():
            raise AssertionError(f"writer {writer.number} still waits for an answer")
    figures.acknowledged = sum(w.acked for w in writers)
    figures.in_flight += sum(1 for w in writers if w.pending() is not None)

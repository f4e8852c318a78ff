"""A concurrent workload against live `gridbase serve` instances, and the exact final state
it must leave (issue 21, concurrency).

Clients each hold their own HTTP connection (a requests.Session) to one of the given base
URLs. Row clients write mixed single and batch creates, updates, deletes and moves; one
field client meanwhile creates, renames, converts and deletes fields of the same table.
The workload is built so the final state can be told exactly:

- own rows: each row client creates, updates, moves and deletes only rows it created, so
  each of them must hold the last value its client wrote, in the order its client's moves
  left them, and a row it deleted must be gone;
- shared rows: every row client overwrites them (fields A and B always set together), so a
  final row must equal exactly one acknowledged write (A == B), and that write must be a last
  one: no acknowledged write to the row was sent after it was acknowledged;
- pool rows: every row client updates, moves and deletes them. A pool row is gone iff one
  acknowledged delete named it (never two), and otherwise holds a last acknowledged write.

Legitimate client errors under contention: ERROR_ROW_DOES_NOT_EXIST (404) for a pool row
that another client deleted (the row must then be gone at the end), and for a list filtered
by the field the field client is changing, ERROR_FILTER_FIELD_NOT_FOUND (deleted meanwhile)
or ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD (converted meanwhile). Anything else that is
not 2xx fails the run, as do a 5xx, a dropped connection or a request that outlived the
deadline. `Score` is converted number <-> text while rows are written; its values ("12")
read the same in both types, so conversions must keep every acknowledged write.

Checked by tests/reliability/final_state.py; used by tests/reliability/test_concurrency.py
and scripts/concurrency.py.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from gridbase.storage.engine import SQLITE_BUSY_TIMEOUT_MS

# A request still unanswered after SQLite's busy timeout (30 s) counts as dropped: no
# request may wait on another longer than a writer may wait for the database's lock.
DEADLINE_SECONDS = SQLITE_BUSY_TIMEOUT_MS / 1000
ROW_MISSING = "ERROR_ROW_DOES_NOT_EXIST"


@dataclass
class Outcome:
    client: int
    op: str
    status: int  # 0: the connection dropped or the deadline passed
    error: str | None
    detail: Any
    sent: float
    acked: float
    base: str

    @property
    def seconds(self) -> float:
        return self.acked - self.sent


@dataclass
class Write:
    """An acknowledged (or refused) write of A/B to a shared or pool row."""

    row: int
    tag: str
    sent: float
    acked: float
    ok: bool


@dataclass
class Log:
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: list[Outcome] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    deletes: list[tuple[int, Outcome]] = field(default_factory=list)  # pool deletes (row, outcome)
    created: list[int] = field(default_factory=list)
    churned: int | None = None  # the field the field client is changing now, if any

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


class Client:
    """One HTTP connection to one instance, recording every request it makes."""

    def __init__(self, number: int, base: str, headers: dict[str, str], log: Log) -> None:
        self.number = number
        self.base = base
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.log = log

    def call(
        self, op: str, method: str, path: str, body: Any = None, **params: Any
    ) -> tuple[Outcome, Any]:
        sent = time.monotonic()
        try:
            r = self.session.request(
                method, self.base + path, json=body, params=params, timeout=DEADLINE_SECONDS
            )
        except requests.RequestException as exc:
            outcome = Outcome(
                self.number, op, 0, None, repr(exc), sent, time.monotonic(), self.base
            )
            self.log.add(outcome)
            return outcome, None
        acked = time.monotonic()
        data = r.json() if r.content else None
        error = data.get("error") if isinstance(data, dict) and r.status_code >= 400 else None
        detail = data.get("detail") if error else None
        outcome = Outcome(self.number, op, r.status_code, error, detail, sent, acked, self.base)
        self.log.add(outcome)
        return outcome, data

    def close(self) -> None:
        self.session.close()


def acknowledged(outcome: Outcome) -> bool:
    return outcome.status in (200, 204)


def missing_ids(outcome: Outcome) -> list[int]:
    """The row ids an ERROR_ROW_DOES_NOT_EXIST names ("The rows [3, '4'] do not exist.")."""
    return [int(n) for n in re.findall(r"\d+", str(outcome.detail))]


@dataclass
class Table:
    id: int
    shared: list[int]
    pool: list[int]
    fields: dict[str, int]


def checked(response: requests.Response) -> Any:
    if response.status_code not in (200, 204):
        raise AssertionError(f"{response.request.method} {response.url}: {response.text}")
    return response.json() if response.content else None


def setup(
    base: str,
    headers: dict[str, str],
    workspace: int,
    shared: int,
    pool: int,
    hook_url: str | None = None,
) -> Table:
    """A table with text fields A and B, number Score, and the shared and pool rows (and a
    webhook of every event, to `hook_url`, made before them)."""
    s = requests.Session()
    s.headers.update(headers)
    database = checked(
        s.post(
            f"{base}/api/applications/workspace/{workspace}/",
            json={"name": "D", "type": "database"},
        )
    )["id"]
    table = checked(
        s.post(
            f"{base}/api/database/tables/database/{database}/",
            json={"name": "T", "data": [["Name"]], "first_row_header": True},
        )
    )["id"]
    fields = {}
    for name, type_, props in (
        ("A", "text", {}),
        ("B", "text", {}),
        ("Score", "number", {"number_decimal_places": 0}),
    ):
        fields[name] = checked(
            s.post(
                f"{base}/api/database/fields/table/{table}/",
                json={"name": name, "type": type_, **props},
            )
        )["id"]
    if hook_url is not None:
        checked(
            s.post(
                f"{base}/api/database/webhooks/table/{table}/", json={"name": "h", "url": hook_url}
            )
        )
    items = [{"Name": f"shared-{i}"} for i in range(shared)] + [
        {"Name": f"pool-{i}"} for i in range(pool)
    ]
    made = checked(
        s.post(
            f"{base}/api/database/rows/table/{table}/batch/?user_field_names=true",
            json={"items": items},
        )
    )["items"]
    s.close()
    ids = [r["id"] for r in made]
    return Table(table, ids[:shared], ids[shared:], fields)


class RowClient:
    def __init__(self, client: Client, table: Table, ops: int, seed: int) -> None:
        self.c = client
        self.t = table
        self.ops = ops
        self.rng = random.Random(seed)
        self.own: dict[int, dict[str, str]] = {}  # row id -> {"Name", "Score"} last written
        self.order: list[int] = []  # own rows in the order they must be listed
        self.n = 0
        self.rows = f"/api/database/rows/table/{table.id}/"

    def _values(self) -> dict[str, str]:
        self.n += 1
        return {"Name": f"c{self.c.number}-v{self.n}", "Score": str(self.c.number * 1000 + self.n)}

    def _tag(self) -> str:
        self.n += 1
        return f"c{self.c.number}-w{self.n}"

    def run(self) -> None:
        actions: list[tuple[int, Callable[[], None]]] = [
            (3, self.create),
            (2, self.create_batch),
            (3, self.update_own),
            (2, self.update_batch),
            (3, self.write_shared),
            (1, self.delete_own),
            (2, self.move_own),
            (3, self.write_pool),
            (1, self.delete_pool),
            (1, self.move_pool),
            (2, self.read),
        ]
        weights = [w for w, _ in actions]
        for _ in range(self.ops):
            self.rng.choices([a for _, a in actions], weights)[0]()

    # own rows: always 2xx
    def create(self) -> None:
        values = self._values()
        out, data = self.c.call("create", "POST", self.rows, values, user_field_names="true")
        if acknowledged(out):
            self._created([data["id"]], [values])

    def create_batch(self) -> None:
        values = [self._values() for _ in range(self.rng.randint(2, 4))]
        out, data = self.c.call(
            "create_batch", "POST", self.rows + "batch/", {"items": values}, user_field_names="true"
        )
        if acknowledged(out):
            self._created([r["id"] for r in data["items"]], values)

    def _created(self, ids: list[int], values: list[dict[str, str]]) -> None:
        for row_id, v in zip(ids, values, strict=True):
            self.own[row_id] = v
            self.order.append(row_id)
        with self.c.log.lock:
            self.c.log.created.extend(ids)

    def update_own(self) -> None:
        if not self.own:
            return self.create()
        row = self.rng.choice(list(self.own))
        values = self._values()
        out, _ = self.c.call(
            "update", "PATCH", f"{self.rows}{row}/", values, user_field_names="true"
        )
        if acknowledged(out):
            self.own[row] = values

    def update_batch(self) -> None:
        """Two own rows and a shared row in one transaction (ids in random order)."""
        if len(self.own) < 2:
            return self.create_batch()
        rows = self.rng.sample(list(self.own), 2)
        values = [self._values() for _ in rows]
        shared, tag = self.rng.choice(self.t.shared), self._tag()
        items = [{"id": r, **v} for r, v in zip(rows, values, strict=True)]
        items.append({"id": shared, "A": tag, "B": tag})
        self.rng.shuffle(items)
        out, _ = self.c.call(
            "update_batch", "PATCH", self.rows + "batch/", {"items": items}, user_field_names="true"
        )
        self._wrote(shared, tag, out)
        if acknowledged(out):
            self.own.update(zip(rows, values, strict=True))

    def delete_own(self) -> None:
        if len(self.own) < 3:
            return self.create()
        if self.rng.random() < 0.5:
            rows = [self.rng.choice(list(self.own))]
            out, _ = self.c.call("delete", "DELETE", f"{self.rows}{rows[0]}/")
        else:
            rows = self.rng.sample(list(self.own), 2)
            out, _ = self.c.call(
                "delete_batch", "POST", self.rows + "batch-delete/", {"items": rows}
            )
        if acknowledged(out):
            for r in rows:
                del self.own[r]
                self.order.remove(r)

    def move_own(self) -> None:
        if len(self.own) < 2:
            return self.create()
        row = self.rng.choice(self.order)
        before = self.rng.choice([None, *[r for r in self.order if r != row]])
        params = {} if before is None else {"before_id": before}
        out, _ = self.c.call("move", "PATCH", f"{self.rows}{row}/move/", None, **params)
        if acknowledged(out):
            self.order.remove(row)
            self.order.insert(len(self.order) if before is None else self.order.index(before), row)

    def read(self) -> None:
        """A filtered, sorted page of rows, or one own row: always 200 (a read sees one
        schema, whatever changes meanwhile); or a page filtered by the field the field
        client is changing, which may be gone or retyped by the time the request arrives."""
        churned = self.c.log.churned
        if churned is not None and self.rng.random() < 0.3:
            self.c.call("list_churned", "GET", self.rows, **{f"filter__field_{churned}__empty": ""})
            return
        if self.own and self.rng.random() < 0.5:
            self.c.call(
                "get",
                "GET",
                f"{self.rows}{self.rng.choice(list(self.own))}/",
                user_field_names="true",
            )
            return
        self.c.call(
            "list",
            "GET",
            self.rows,
            user_field_names="true",
            size=50,
            order_by="-Score",
            filter__Score__not_empty="",
        )

    # shared and pool rows: contended
    def _wrote(self, row: int, tag: str, out: Outcome) -> None:
        with self.c.log.lock:
            self.c.log.writes.append(Write(row, tag, out.sent, out.acked, acknowledged(out)))

    def write_shared(self) -> None:
        row, tag = self.rng.choice(self.t.shared), self._tag()
        out, _ = self.c.call(
            "update_shared",
            "PATCH",
            f"{self.rows}{row}/",
            {"A": tag, "B": tag},
            user_field_names="true",
        )
        self._wrote(row, tag, out)

    def write_pool(self) -> None:
        row, tag = self.rng.choice(self.t.pool), self._tag()
        if self.rng.random() < 0.5:
            out, _ = self.c.call(
                "update_pool",
                "PATCH",
                f"{self.rows}{row}/",
                {"A": tag, "B": tag},
                user_field_names="true",
            )
        else:
            out, _ = self.c.call(
                "update_pool_batch",
                "PATCH",
                self.rows + "batch/",
                {"items": [{"id": row, "A": tag, "B": tag}]},
                user_field_names="true",
            )
        self._wrote(row, tag, out)

    def delete_pool(self) -> None:
        if self.rng.random() < 0.5:
            rows = [self.rng.choice(self.t.pool)]
            out, _ = self.c.call("delete_pool", "DELETE", f"{self.rows}{rows[0]}/")
        else:
            rows = self.rng.sample(self.t.pool, 2)
            out, _ = self.c.call(
                "delete_pool_batch", "POST", self.rows + "batch-delete/", {"items": rows}
            )
        with self.c.log.lock:
            self.c.log.deletes.extend((r, out) for r in rows)

    def move_pool(self) -> None:
        row = self.rng.choice(self.t.pool)
        before = self.rng.choice([None, *self.t.shared])
        params = {} if before is None else {"before_id": before}
        self.c.call("move_pool", "PATCH", f"{self.rows}{row}/move/", None, **params)


class FieldClient:
    """Schema changes on the table while rows are written: each cycle creates a field, renames
    it, converts it, deletes it, and converts Score to text and back to number."""

    def __init__(self, client: Client, table: Table, cycles: int) -> None:
        self.c = client
        self.t = table
        self.cycles = cycles

    def run(self) -> None:
        score = f"/api/database/fields/{self.t.fields['Score']}/"
        for i in range(self.cycles):
            out, made = self.c.call(
                "field_create",
                "POST",
                f"/api/database/fields/table/{self.t.id}/",
                {"name": f"tmp{i}", "type": "text"},
            )
            if not acknowledged(out):
                continue
            path = f"/api/database/fields/{made['id']}/"
            self.c.log.churned = made["id"]
            self.c.call("field_rename", "PATCH", path, {"name": f"tmp{i}-renamed"})
            self.c.call("field_convert", "PATCH", path, {"type": "boolean"})
            self.c.call("score_to_text", "PATCH", score, {"type": "text"})
            self.c.call("field_delete", "DELETE", path)
            self.c.call(
                "score_to_number", "PATCH", score, {"type": "number", "number_decimal_places": 0}
            )


@dataclass
class Plan:
    clients: int = 16
    ops: int = 16  # per row client
    cycles: int = 5  # of the field client
    shared: int = 3
    pool: int = 24
    seed: int = 21


@dataclass
class Run:
    table: Table
    log: Log
    row_clients: list[RowClient]
    seconds: float


def run(
    bases: list[str],
    headers: dict[str, str],
    workspace: int,
    plan: Plan,
    hook_url: str | None = None,
) -> Run:
    """Clients spread round-robin over `bases`; the field client is the last one."""
    log = Log()
    table = setup(bases[0], headers, workspace, plan.shared, plan.pool, hook_url)
    clients = [Client(i, bases[i % len(bases)], headers, log) for i in range(plan.clients)]
    row_clients = [RowClient(c, table, plan.ops, plan.seed * 1000 + c.number) for c in clients[:-1]]
    workers: list[Callable[[], None]] = [rc.run for rc in row_clients]
    workers.append(FieldClient(clients[-1], table, plan.cycles).run)
    barrier = threading.Barrier(len(workers))
    failures: list[BaseException] = []

    def start(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as exc:  # reported by the caller, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(w,)) for w in workers]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - began
    for c in clients:
        c.close()
    if failures:
        raise failures[0]
    return Run(table, log, row_clients, seconds)

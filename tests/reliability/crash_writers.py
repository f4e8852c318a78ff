"""Crash suite, writers: threads that write rows over HTTP and remember what was acknowledged.

Each writer owns its rows (their names are its own tokens, `w<writer>r<serial>`, all of one
length so no token is a prefix of another), so the state it expects is exact: every value
follows from one number, the row's version `v`, and a row whose fields do not all follow
from one version is half-applied. A writer sends one request at a time; when the server dies
under it, that request is in flight (its outcome is unknown) and the writer stops. The
checker (crash_checks) later reads the outcome and settles it: all of it or none.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

import requests

COLOURS = ("red", "green", "blue")
TAGS = ("tagalpha", "tagbravo", "tagcharlie", "tagdelta")
OPS = (  # (kind, weight)
    ("create", 3),
    ("create_batch", 3),
    ("update", 3),
    ("update_batch", 3),
    ("delete", 1),
    ("delete_batch", 1),
)
BATCH = (2, 5)  # rows per batch request, inclusive (default)


@dataclass(frozen=True)
class Schema:
    """What the writers need to know of the table (ids the setup created)."""

    url: str
    key: str  # database token
    items: int  # the table the writers write
    tags: int  # the table Items links to
    tag_ids: tuple[int, ...]
    option_ids: tuple[int, ...]  # single select options, in COLOURS order


def tags_for(v: int, tag_ids: tuple[int, ...]) -> list[int]:
    """A row's linked tags at version v: one or two of them."""
    first = tag_ids[v % len(tag_ids)]
    return [first] if v % 2 == 0 else sorted({first, tag_ids[(v + 1) % len(tag_ids)]})


def written(token: str, v: int, schema: Schema) -> dict[str, Any]:
    """The request body that writes version v of a row (user field names)."""
    return {
        "Name": token,
        "Version": v,
        "Flag": v % 2 == 0,
        "Colour": schema.option_ids[v % len(COLOURS)],
        "Tags": tags_for(v, schema.tag_ids),
    }


def version_of(row: dict[str, Any], schema: Schema) -> int | None:
    """The version every field of a listed row agrees on (computed ones too), else None."""
    try:
        v = int(row["Version"])
    except (TypeError, ValueError):
        return None
    tag_names = dict(zip(schema.tag_ids, TAGS, strict=True))
    expected_tags = tags_for(v, schema.tag_ids)
    consistent = (
        row["Flag"] == (v % 2 == 0)
        and (row["Colour"] or {}).get("value") == COLOURS[v % len(COLOURS)]
        and sorted(t["id"] for t in row["Tags"]) == expected_tags
        and row["Label"] == f"{row['Name']}-{v}"
        and sorted(t["value"] for t in row["TagNames"])
        == sorted(tag_names[t] for t in expected_tags)
    )
    return v if consistent else None


@dataclass
class RowState:
    token: str
    v: int
    id: int | None = None  # None until the create is known to have committed
    deleted: bool = False


@dataclass
class Op:
    """One write request: the rows it touches, their versions before and after."""

    kind: str
    tokens: list[str]
    old: dict[str, int]  # version before (updates)
    new: dict[str, int]  # version written (creates, updates)
    ids: dict[str, int] = field(default_factory=dict)  # row ids (creates: from the answer)
    status: str = "sent"  # sent -> acked | in_flight | refused
    answer: str = ""  # an unexpected answer, for the report


class Writer:
    """One writer: its rows, its acknowledged operations and at most one in flight."""

    def __init__(self, number: int, seed: int, batch: tuple[int, int] = BATCH) -> None:
        self.number = number
        self.batch = batch  # rows per batch request, inclusive
        self.rng = random.Random(seed * 1000 + number)
        self.serial = 0
        self.version = 0  # versions are never written twice by a writer: a write is its version
        self.rows: dict[str, RowState] = {}
        self.ops: list[Op] = []
        self.acked = 0  # acknowledged requests (read by the main thread while running)
        self.problems: list[str] = []  # answers that contradict what was written
        self.thread: threading.Thread | None = None

    def start(self, schema: Schema) -> None:
        self.thread = threading.Thread(
            target=self.run, args=(schema,), name=f"crash-writer-{self.number}", daemon=True
        )
        self.thread.start()

    def pending(self) -> Op | None:
        """The request whose outcome is unknown (in flight when the server died)."""
        last = self.ops[-1] if self.ops else None
        return last if last is not None and last.status in ("in_flight", "refused") else None

    def run(self, schema: Schema, limit: int | None = None) -> None:
        """Write until the server stops answering (or `limit` more writes are acknowledged)."""
        stop = None if limit is None else self.acked + limit
        with requests.Session() as http:
            http.headers["Authorization"] = f"Token {schema.key}"
            while stop is None or self.acked < stop:
                op = self.next_op()
                self.ops.append(op)
                try:
                    response = self.send(http, schema, op)
                except requests.RequestException:
                    op.status = "in_flight"  # the server died: applied wholly or not at all
                    return
                if response.status_code not in (200, 204):
                    op.status, op.answer = "refused", f"{response.status_code} {response.text}"
                    return
                self.acknowledge(op, response, schema)

    def next_op(self) -> Op:
        live = [r for r in self.rows.values() if not r.deleted and r.id is not None]
        kinds = [k for k, _ in OPS]
        kind = self.rng.choices(kinds, weights=[w for _, w in OPS])[0]
        if not live and kind not in ("create", "create_batch"):
            kind = "create"
        size = self.rng.randint(*self.batch) if kind.endswith("_batch") else 1
        if kind.startswith("create"):
            tokens = [self.token() for _ in range(size)]
            return Op(kind, tokens, {}, {t: self.next_version() for t in tokens})
        chosen = self.rng.sample(live, min(size, len(live)))
        tokens = [r.token for r in chosen]
        old = {r.token: r.v for r in chosen}
        op = Op(kind, tokens, old, {}, ids={r.token: int(r.id or 0) for r in chosen})
        if kind.startswith("update"):
            op.new = {t: self.next_version() for t in tokens}
        return op

    def next_version(self) -> int:
        self.version += 1
        return self.version

    def token(self) -> str:
        self.serial += 1
        return f"w{self.number:02d}r{self.serial:06d}"

    def send(self, http: requests.Session, schema: Schema, op: Op) -> requests.Response:
        base = f"{schema.url}/api/database/rows/table/{schema.items}/"
        names = "?user_field_names=true"
        body = [written(t, op.new[t], schema) for t in op.tokens] if op.new else []
        if op.kind == "create":
            return http.post(base + names, json=body[0], timeout=60)
        if op.kind == "create_batch":
            return http.post(base + "batch/" + names, json={"items": body}, timeout=60)
        if op.kind == "update":
            row_id = op.ids[op.tokens[0]]
            return http.patch(f"{base}{row_id}/{names}", json=body[0], timeout=60)
        if op.kind == "update_batch":
            items = [{"id": op.ids[t], **b} for t, b in zip(op.tokens, body, strict=True)]
            return http.patch(base + "batch/" + names, json={"items": items}, timeout=60)
        if op.kind == "delete":
            return http.delete(f"{base}{op.ids[op.tokens[0]]}/", timeout=60)
        return http.post(
            base + "batch-delete/", json={"items": [op.ids[t] for t in op.tokens]}, timeout=60
        )

    def acknowledge(self, op: Op, response: requests.Response, schema: Schema) -> None:
        """Record an acknowledged write: what the answer says is now the expected state."""
        if op.new:  # creates and updates answer the rows as written, computed fields too
            body = response.json()
            for row in body["items"] if op.kind.endswith("_batch") else [body]:
                op.ids.setdefault(row["Name"], int(row["id"]))
                if version_of(row, schema) != op.new.get(row["Name"]):
                    self.problems.append(f"{op.kind} answered {row}, not version {op.new}")
        op.status = "acked"
        self.settle(op, applied=True)
        self.acked += 1

    def settle(self, op: Op, applied: bool) -> None:
        """Make the op's outcome (acknowledged, or read back after a crash) the expected state."""
        for token in op.tokens:
            if op.kind.startswith("create"):
                if applied:
                    self.rows[token] = RowState(token, op.new[token], op.ids[token])
            elif op.kind.startswith("update"):
                if applied:
                    self.rows[token].v = op.new[token]
            elif applied:
                self.rows[token].deleted = True
        if op.status != "acked":
            op.status = "applied" if applied else "not_applied"

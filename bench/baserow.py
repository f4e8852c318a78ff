"""The bench table on a real Baserow (1.35.3): the same fields and the same rows as gridbase's
seed, created over Baserow's own API, so `bench.run --baserow-url` can run every workload
against both servers with the same load harness.

The rows go in through Baserow's batch endpoint, 200 a request (its BATCH_ROWS_SIZE_LIMIT).
That takes minutes at 100,000 rows, so the table's ids are kept in `baserow-seed.json` under
the data dir; a rerun reuses the table (and finishes a seed that was interrupted).
"""

from __future__ import annotations

import dataclasses
import json
import random
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import requests

from bench.seed import Seeded, create_schema, log_in, make_row

STATE_FILE = "baserow-seed.json"
BATCH = 200


def _session(token: str) -> requests.Session:
    """Keep-alive, with a database token: Baserow's JWTs expire after minutes, the seed
    takes longer."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    return session


def _count(session: requests.Session, base: str, table: int) -> int:
    r = session.get(f"{base}/api/database/rows/table/{table}/?size=1", timeout=120)
    r.raise_for_status()
    return int(r.json()["count"])


def _tag_ids(session: requests.Session, base: str, other: int) -> list[int]:
    """The linked table's row ids (Baserow numbers each table's rows from 1, but ask)."""
    r = session.get(f"{base}/api/database/rows/table/{other}/?size=200", timeout=120)
    r.raise_for_status()
    return sorted(row["id"] for row in r.json()["results"])


def _insert(base: str, seeded: Seeded, state: Path, parallel: int) -> None:
    """Add rows until the table holds `seeded.rows`, the same rows gridbase's seed makes
    (same generator, same random seed), skipping those a previous attempt already added.
    `parallel` batches are in flight at once (Baserow serves them in several workers), so
    row ids do not follow the generator's order, and a resumed seed can differ from a
    complete one by the batches that were in flight when it stopped."""
    local, token = threading.local(), database_token(seeded)

    def post(items: list[dict[str, Any]]) -> int:
        if not hasattr(local, "session"):
            local.session = _session(token)
        r = local.session.post(url, json={"items": items}, timeout=300)
        if r.status_code >= 300:
            raise RuntimeError(f"Baserow batch create: {r.status_code} {r.text[:500]}")
        return len(items)

    session = _session(token)
    tag_ids = _tag_ids(session, base, seeded.other_table)
    done = _count(session, base, seeded.table)
    rnd = random.Random(7)  # bench.seed.seed's default seed_value: the same rows
    for i in range(done):  # replay the generator past the rows already there
        make_row(i, seeded.fields, rnd, tag_ids)
    started, first, made = time.monotonic(), done, done
    url = f"{base}/api/database/rows/table/{seeded.table}/batch/"
    pending: set[Future[int]] = set()
    with ThreadPoolExecutor(parallel) as pool:
        while made < seeded.rows or pending:
            while made < seeded.rows and len(pending) < parallel:
                n = min(BATCH, seeded.rows - made)
                items = [make_row(made + k, seeded.fields, rnd, tag_ids) for k in range(n)]
                pending.add(pool.submit(post, items))
                made += n
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                before = done
                done += future.result()  # a failed batch stops the seed (the rerun resumes)
                if done // 10_000 > before // 10_000 or done == seeded.rows:
                    rate = (done - first) / (time.monotonic() - started)
                    print(f"  Baserow: seeded {done:,} rows ({rate:,.0f} rows/s)", flush=True)
    state.write_text(json.dumps(dataclasses.asdict(seeded) | {"complete": True}))


def seed_baserow(
    base: str, data_dir: Path, count: int, db_index: bool = True, parallel: int = 3
) -> Seeded:
    """The bench table on the Baserow at `base`: reused from the state file when it was made
    for the same server and row count, else created; rows added until there are `count`."""
    state = data_dir / STATE_FILE
    if state.exists():
        saved = json.loads(state.read_text())
        complete = saved.pop("complete", False)
        seeded = Seeded(**saved)
        if seeded.base == base and seeded.rows == count:
            seeded = dataclasses.replace(seeded, jwt=log_in(base, seeded.email))
            if complete:
                print(f"reusing the {count:,}-row Baserow table {seeded.table}", flush=True)
                return seeded
            print(f"finishing the Baserow seed of table {seeded.table}", flush=True)
            _insert(base, seeded, state, parallel)
            return seeded
    print(f"seeding {count:,} rows into Baserow at {base} ...", flush=True)
    started = time.monotonic()
    email, jwt, ws, db, table, other, fields = create_schema(base, db_index)
    seeded = Seeded(base, jwt, ws, db, table, other, fields, count, email)
    state.write_text(json.dumps(dataclasses.asdict(seeded)))  # an interrupted seed resumes
    _insert(base, seeded, state, parallel)
    print(f"Baserow seeded in {time.monotonic() - started:.0f}s", flush=True)
    return seeded


def database_token(seeded: Seeded) -> str:
    """A database token of the bench workspace; Baserow's and gridbase's both start with
    create, read, update and delete on every table."""
    r = requests.post(
        seeded.base + "/api/database/tokens/",
        json={"name": "bench", "workspace": seeded.workspace},
        headers={"Authorization": f"JWT {seeded.jwt}"},
        timeout=30,
    )
    r.raise_for_status()
    token = r.json()
    if not all(token["permissions"].get(p) is True for p in ("create", "read", "update", "delete")):
        raise RuntimeError(f"the token lacks a permission: {token['permissions']}")
    return str(token["key"])

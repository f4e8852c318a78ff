"""Seed a table through the public batch endpoint and report the server's memory as it grows.

    python -m bench.seed_rows --rows 1000000 [--database-url postgresql://...] [--port 8131]

Starts `gridbase serve` on 127.0.0.1 with a throw-away data directory, creates a table with
text, number, boolean, date, single select, link row, autonumber and uuid fields, then POSTs
`.../batch/` requests of 200 rows until `--rows` exist. At every tenth of the way it prints
rows/s, the server's current RSS and its peak RSS (VmHWM from /proc): a flat line means the
server's memory does not grow with the table. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

BATCH = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_kib(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in KiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def start_server(port: int, data_dir: str, database_url: str | None) -> subprocess.Popen[bytes]:
    env = dict(os.environ, GRIDBASE_DATA_DIR=data_dir)
    if database_url:
        env["GRIDBASE_DATABASE_URL"] = database_url
    process = subprocess.Popen(
        [sys.executable, "-m", "gridbase", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/_health/", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.login: dict[str, str] | None = None

    def call(self, method: str, path: str, body: Any = None) -> Any:
        r = self.http.request(method, self.base + path, json=body, timeout=300)
        if r.status_code == 401 and self.login is not None:  # the JWT expired: sign in again
            session = self.http.post(
                self.base + "/api/user/token-auth/", json=self.login, timeout=60
            ).json()
            self.http.headers["Authorization"] = f"JWT {session['access_token']}"
            r = self.http.request(method, self.base + path, json=body, timeout=300)
        if r.status_code >= 400:
            raise SystemExit(f"{method} {path} -> {r.status_code}: {r.text[:500]}")
        return r.json() if r.content else None


def create_table(client: Client) -> tuple[int, list[int]]:
    email = f"seed-{time.time_ns()}@example.com"
    session = client.call(
        "POST",
        "/api/user/",
        {"name": "Seed", "email": email, "password": "seed-password-1", "authenticate": True},
    )
    client.login = {"email": email, "password": "seed-password-1"}
    client.http.headers["Authorization"] = f"JWT {session['access_token']}"
    ws = client.call("POST", "/api/workspaces/", {"name": "seed"})["id"]
    db = client.call(
        "POST", f"/api/applications/workspace/{ws}/", {"name": "seed", "type": "database"}
    )["id"]
    tags = client.call(
        "POST",
        f"/api/database/tables/database/{db}/",
        {"name": "Tags", "data": [["Label"], ["a"], ["b"], ["c"]], "first_row_header": True},
    )["id"]
    table = client.call(
        "POST",
        f"/api/database/tables/database/{db}/",
        {"name": "Items", "data": [["Name"]], "first_row_header": True},
    )["id"]
    specs = [
        {"name": "Amount", "type": "number", "number_decimal_places": 2},
        {"name": "Done", "type": "boolean"},
        {"name": "Due", "type": "date", "date_format": "ISO"},
        {
            "name": "Status",
            "type": "single_select",
            "select_options": [{"value": v, "color": "blue"} for v in ("Todo", "Doing", "Done")],
        },
        {"name": "Tags", "type": "link_row", "link_row_table_id": tags},
        {"name": "Auto", "type": "autonumber"},
        {"name": "Uid", "type": "uuid"},
    ]
    for spec in specs:
        client.call("POST", f"/api/database/fields/table/{table}/", spec)
    return table, [1, 2, 3]


def row(i: int, rnd: random.Random) -> dict[str, Any]:
    return {
        "Name": f"row {i}",
        "Amount": f"{rnd.uniform(0, 10000):.2f}",
        "Done": rnd.random() < 0.5,
        "Due": (date(2020, 1, 1) + timedelta(days=rnd.randrange(2000))).isoformat(),
        "Status": rnd.choice(("Todo", "Doing", "Done")),
        "Tags": rnd.sample([1, 2, 3], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(port, data_dir, args.database_url)
        try:
            client = Client(f"http://127.0.0.1:{port}")
            table, _ = create_table(client)
            rnd = random.Random(7)
            done, started = 0, time.monotonic()
            checkpoint = max(BATCH, args.rows // 10)
            print(f"{'rows':>10} {'rows/s':>8} {'RSS MiB':>8} {'peak MiB':>9}")
            while done < args.rows:
                n = min(BATCH, args.rows - done)
                client.call(
                    "POST",
                    f"/api/database/rows/table/{table}/batch/?user_field_names=true",
                    {"items": [row(done + i, rnd) for i in range(n)]},
                )
                done += n
                if done % checkpoint < BATCH or done == args.rows:
                    rss, peak = memory_kib(server.pid)
                    rate = done / (time.monotonic() - started)
                    print(
                        f"{done:>10,} {rate:>8,.0f} {rss / 1024:>8.1f} {peak / 1024:>9.1f}",
                        flush=True,
                    )
            count = client.call("GET", f"/api/database/rows/table/{table}/?size=1")["count"]
            print(
                f"table holds {count:,} rows; "
                f"server peak RSS {memory_kib(server.pid)[1] / 1024:.1f} MiB"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

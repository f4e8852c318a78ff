"""`gridbase serve --workers N` runs N processes on one port over one database, and
concurrent writes through all of them land exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.helpers import eventually
from tests.server import Server


def workers(pid: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def test_workers_share_the_port_and_the_database(tmp_path: Path, database_url: str) -> None:
    server = Server(tmp_path / "data", database_url=database_url, args=("--workers", "2")).start()
    try:
        assert server.process is not None
        assert eventually(lambda: len(workers(server.process.pid)) == 2 or None, timeout=30)
        base = server.url
        jwt = requests.post(
            f"{base}/api/user/",
            json={
                "name": "Wo",
                "email": "w@example.com",
                "password": "password123",
                "authenticate": True,
            },
            timeout=30,
        ).json()["access_token"]
        auth = {"Authorization": f"JWT {jwt}"}
        ws = requests.post(
            f"{base}/api/workspaces/", json={"name": "w"}, headers=auth, timeout=10
        ).json()["id"]
        db = requests.post(
            f"{base}/api/applications/workspace/{ws}/",
            json={"name": "d", "type": "database"},
            headers=auth,
            timeout=10,
        ).json()["id"]
        table = requests.post(
            f"{base}/api/database/tables/database/{db}/",
            json={"name": "t"},
            headers=auth,
            timeout=10,
        ).json()["id"]
        key = requests.post(
            f"{base}/api/database/tokens/",
            json={"name": "k", "workspace": ws},
            headers=auth,
            timeout=10,
        ).json()["key"]

        def create(n: int) -> int:
            # A fresh connection per request, so the kernel spreads them over both workers.
            r = requests.post(
                f"{base}/api/database/rows/table/{table}/?user_field_names=true",
                json={"Name": f"r{n}"},
                headers={"Authorization": f"Token {key}", "Connection": "close"},
                timeout=30,
            )
            assert r.status_code == 200, r.text
            return int(r.json()["id"])

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(create, range(120)))
        assert len(set(ids)) == 120
        listed = requests.get(
            f"{base}/api/database/rows/table/{table}/?user_field_names=true&size=200",
            headers={"Authorization": f"Token {key}"},
            timeout=10,
        ).json()
        assert listed["count"] == 122  # the two rows a new table starts with, and ours
        assert {r["Name"] for r in listed["results"]} >= {f"r{n}" for n in range(120)}
    finally:
        server.stop()


def test_no_worker_outlives_a_killed_supervisor(tmp_path: Path) -> None:
    """SIGKILL of the supervisor alone (as the OOM killer does): its workers notice and end,
    the port comes free, and a new server starts on it. (Workers used to go on serving.)
    The database plays no part: SQLite only."""
    server = Server(tmp_path / "data", args=("--workers", "2")).start()
    try:
        assert server.process is not None
        spawned = eventually(lambda: workers(server.process.pid) or None, timeout=30)
        server.kill()  # returns once no process of the server is left and the port is free
        assert spawned and not set(spawned) & set(server.processes())
        server.start()
        r = requests.get(f"{server.url}/api/settings/", timeout=10)
        assert r.status_code == 200, r.text
    finally:
        server.stop()

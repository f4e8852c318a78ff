"""`gridbase backup` while a server takes writes, then `gridbase restore` into a new data
directory served again: every row acknowledged before the backup began is there, and the
copy passes PRAGMA integrity_check."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import requests

from gridbase.storage import backup as copies
from tests.server import Server


def gridbase(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GRIDBASE_DATABASE_URL="")
    return subprocess.run(
        [sys.executable, "-m", "gridbase", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def _table(url: str) -> tuple[dict[str, str], int]:
    body = {"name": "Ada", "email": "ada@example.com", "password": "password123",
            "authenticate": True}  # fmt: skip
    jwt = requests.post(url + "/api/user/", json=body, timeout=10).json()["access_token"]
    headers = {"Authorization": f"JWT {jwt}"}
    ws = requests.post(url + "/api/workspaces/", json={"name": "W"}, headers=headers).json()["id"]
    db = requests.post(
        f"{url}/api/applications/workspace/{ws}/",
        json={"name": "D", "type": "database"},
        headers=headers,
    ).json()["id"]
    table = requests.post(
        f"{url}/api/database/tables/database/{db}/",
        json={"name": "T", "data": [["Name"], ["seed"]], "first_row_header": True},
        headers=headers,
    ).json()["id"]
    return headers, int(table)


def test_backup_under_writes_then_restore_and_serve(tmp_path: Path) -> None:
    data, dest, restored = tmp_path / "data", tmp_path / "backup", tmp_path / "restored"
    server = Server(data).start()
    acknowledged: list[int] = []
    stop = threading.Event()
    try:
        headers, table = _table(server.url)
        path = f"{server.url}/api/database/rows/table/{table}/batch/?user_field_names=true"

        def write() -> None:
            n = 0
            while not stop.is_set():
                items = [{"Name": f"row {n}-{i}"} for i in range(20)]
                r = requests.post(path, json={"items": items}, headers=headers, timeout=30)
                assert r.status_code == 200, r.text
                acknowledged.extend(row["id"] for row in r.json()["items"])
                n += 1

        writer = threading.Thread(target=write)
        writer.start()
        while len(acknowledged) < 400:  # the writer is well under way
            writer.join(0.01)
            assert writer.is_alive()
        before = set(acknowledged)
        done = gridbase("backup", str(dest), "--data-dir", str(data))
        stop.set()
        writer.join()
        assert done.returncode == 0, done.stderr
        assert len(acknowledged) > len(before)  # writes went on during the backup
        assert copies.integrity_ok(dest / "gridbase.db")
        refused = gridbase("restore", str(dest), "--data-dir", str(data), "--force")
        assert refused.returncode != 0 and "in use" in refused.stderr
    finally:
        stop.set()
        server.stop()

    assert (dest / "secret.key").read_text() == (data / "secret.key").read_text()
    restored.mkdir()
    (restored / "stray").write_text("x")
    refused = gridbase("restore", str(dest), "--data-dir", str(restored))
    assert refused.returncode != 0 and "not empty" in refused.stderr
    done = gridbase("restore", str(dest), "--data-dir", str(restored), "--force")
    assert done.returncode == 0, done.stderr

    again = Server(restored).start()
    try:
        ids: set[int] = set()
        page = 1
        while True:
            r = requests.get(
                f"{again.url}/api/database/rows/table/{table}/",
                params={"size": 200, "page": page},
                headers=headers,  # the same secret key: the old session still works
                timeout=30,
            )
            assert r.status_code == 200, r.text
            ids |= {row["id"] for row in r.json()["results"]}
            if r.json()["next"] is None:
                break
            page += 1
        assert before <= ids
    finally:
        again.stop()


def test_backup_refuses_postgres(tmp_path: Path) -> None:
    env = dict(os.environ, GRIDBASE_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    done = subprocess.run(
        [sys.executable, "-m", "gridbase", "backup", str(tmp_path / "b")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode != 0 and "pg_dump" in done.stderr

"""Jobs and crashes, against a real `gridbase serve`: a server SIGKILLed while it imports
leaves the job, after a restart, finished (every row there) or failed with a message (no
table at all) — never started for ever, never half of the rows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests

from gridbase.core import jobs
from tests.helpers import eventually
from tests.server import Server

ROWS = 100_000
SECRET = {"GRIDBASE_SECRET_KEY": "crash-secret-" + "x" * 32}


def _user(url: str) -> dict[str, str]:
    r = requests.post(url + "/api/user/", json={"name": "Ada", "email": "a@example.com",
                      "password": "password123", "authenticate": True}, timeout=30)  # fmt: skip
    r.raise_for_status()
    return {"Authorization": f"JWT {r.json()['access_token']}"}


def _login(url: str) -> dict[str, str]:
    body = {"email": "a@example.com", "password": "password123"}
    r = requests.post(url + "/api/user/token-auth/", json=body, timeout=30)
    r.raise_for_status()
    return {"Authorization": f"JWT {r.json()['access_token']}"}


def _job(url: str, headers: dict[str, str], job_id: int) -> dict[str, Any]:
    r = requests.get(f"{url}/api/jobs/{job_id}/", headers=headers, timeout=30)
    r.raise_for_status()
    body: dict[str, Any] = r.json()
    return body


def test_an_import_killed_midway_is_failed_visibly_and_adds_nothing(
    tmp_path: Path, database_url: str
) -> None:
    data = tmp_path / "data"
    server = Server(data, env=SECRET, database_url=database_url).start()
    try:
        headers = _user(server.url)
        ws = requests.post(server.url + "/api/workspaces/", json={"name": "W"},
                           headers=headers, timeout=30).json()["id"]  # fmt: skip
        db = requests.post(f"{server.url}/api/applications/workspace/{ws}/",
                           json={"name": "D", "type": "database"}, headers=headers,
                           timeout=30).json()["id"]  # fmt: skip
        rows = [["Name", "Count"]] + [[f"row {i}", str(i)] for i in range(ROWS)]
        job = requests.post(f"{server.url}/api/database/tables/database/{db}/async/",
                            json={"name": "Big", "data": rows, "first_row_header": True},
                            headers=headers, timeout=60).json()  # fmt: skip
        # kill it while the import's transaction is open (it shows progress from memory)
        eventually(
            lambda: _job(server.url, headers, job["id"])["progress_percentage"] > 0 or None,
            timeout=60,
        )
        server.kill()
    finally:
        server.stop()

    restarted = Server(data, env=SECRET, database_url=database_url).start()
    try:
        headers = _login(restarted.url)
        started = time.monotonic()
        done = eventually(
            lambda: (j if (j := _job(restarted.url, headers, job["id"]))["state"]
                     in ("finished", "failed") else None),
            timeout=30,
        )  # fmt: skip
        assert time.monotonic() - started < 30  # never stuck
        tables = requests.get(f"{restarted.url}/api/database/tables/database/{db}/",
                              headers=headers, timeout=30).json()  # fmt: skip
        if done["state"] == "failed":
            assert done["human_readable_error"] == jobs.INTERRUPTED
            assert tables == []  # nothing of the import is visible
        else:  # it committed just before the kill: then all of it is there
            assert [t["name"] for t in tables] == ["Big"]
            r = requests.get(f"{restarted.url}/api/database/rows/table/{tables[0]['id']}/",
                             params={"size": 1}, headers=headers, timeout=30)  # fmt: skip
            assert r.json()["count"] == ROWS
    finally:
        restarted.stop()

"""End to end with real processes: events acknowledged before a SIGKILL arrive after the
restart, and a separate `gridbase worker` delivers for a server that runs no dispatcher."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from tests.helpers import eventually
from tests.server import Server
from tests.webhooks.receiver import Receiver


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        r = requests.post(
            url + "/api/user/",
            json={
                "name": "Ada",
                "email": "ada@example.com",
                "password": "password123",
                "authenticate": True,
            },
            timeout=10,
        )
        assert r.status_code == 200, r.text
        self.headers = {"Authorization": "JWT " + r.json()["access_token"]}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        r = requests.request(method, self.url + path, json=body, headers=self.headers, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def hooked_table(self, hook_url: str) -> int:
        workspace = self.call("POST", "/api/workspaces/", {"name": "W"})["id"]
        database = self.call(
            "POST", f"/api/applications/workspace/{workspace}/", {"name": "D", "type": "database"}
        )["id"]
        table = self.call(
            "POST",
            f"/api/database/tables/database/{database}/",
            {"name": "T", "data": [["Name"]], "first_row_header": True},
        )["id"]
        self.call("POST", f"/api/database/webhooks/table/{table}/", {"name": "h", "url": hook_url})
        return int(table)


def delivered_names(receiver: Receiver) -> set[str]:
    return {
        item["Name"]
        for body in receiver.bodies()
        if body["event_type"] == "rows.created"
        for item in body["items"]
    }


def test_events_survive_sigkill(tmp_path: Path, database_url: str, receiver: Receiver) -> None:
    server = Server(
        tmp_path / "data",
        env={"GRIDBASE_WEBHOOKS_REQUEST_TIMEOUT_SECONDS": "1"},
        database_url="" if database_url.startswith("sqlite") else database_url,
    ).start()
    try:
        client = Client(server.url)
        table = client.hooked_table(receiver.url())
        receiver.responses = ["hold"]  # the first delivery hangs: the rest queue up behind it
        expected = {f"r{i}" for i in range(5)} | {"b0", "b1", "b2"}
        for i in range(5):
            client.call(
                "POST",
                f"/api/database/rows/table/{table}/?user_field_names=true",
                {"Name": f"r{i}"},
            )
        client.call(
            "POST",
            f"/api/database/rows/table/{table}/batch/?user_field_names=true",
            {"items": [{"Name": "b0"}, {"Name": "b1"}, {"Name": "b2"}]},
        )
        server.kill()  # SIGKILL right after the acknowledged writes
        receiver.release()
        server.start()
        eventually(lambda: True if delivered_names(receiver) >= expected else None, timeout=40)
        batches = [
            b for b in receiver.bodies() if [i["Name"] for i in b["items"]] == ["b0", "b1", "b2"]
        ]
        assert batches  # the batch is still one event
    finally:
        receiver.release()
        server.stop()


def test_worker_process_delivers(tmp_path: Path, database_url: str, receiver: Receiver) -> None:
    url = "" if database_url.startswith("sqlite") else database_url
    server = Server(
        tmp_path / "data", env={"GRIDBASE_WEBHOOKS_DISPATCHER": "false"}, database_url=url
    ).start()
    worker = None
    try:
        client = Client(server.url)
        table = client.hooked_table(receiver.url())
        client.call(
            "POST", f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "queued"}
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "gridbase", "worker"],
            env=dict(server.env, GRIDBASE_WEBHOOKS_DISPATCHER="true"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        eventually(lambda: True if delivered_names(receiver) == {"queued"} else None, timeout=30)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
        server.stop()
    assert os.path.exists(tmp_path / "data")

"""A Python client generated with openapi-python-client from a per-database spec lists and
creates rows on a live `gridbase serve`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.server import Server

CLIENT_SCRIPT = """
import json, sys
from gbclient import AuthenticatedClient
from gbclient.api.customers_table_{table} import create_customers_row, list_customers_rows
from gbclient.models import CustomersRowValues

client = AuthenticatedClient(base_url=sys.argv[1], token=sys.argv[2], prefix="JWT", raise_on_unexpected_status=True)
body = CustomersRowValues.from_dict({{"Name": "Ada", "Amount": "12.5", "Vip": True}})
created = create_customers_row.sync(client=client, body=body, user_field_names=True)
page = list_customers_rows.sync(client=client, user_field_names=True, order_by="-Amount")
by_id = list_customers_rows.sync(client=client, size=1)
print(json.dumps({{"created": created.to_dict(), "page": page.to_dict(), "by_id": by_id.to_dict()}}))
"""  # noqa: E501


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "data").start()
    yield running
    running.stop()


def call(server: Server, method: str, path: str, jwt: str | None = None, **kw: Any) -> Any:
    headers = {"Authorization": f"JWT {jwt}"} if jwt else {}
    r = requests.request(method, server.url + path, headers=headers, timeout=30, **kw)
    assert r.status_code in (200, 204), r.text
    return r.json() if r.status_code == 200 else None


def test_generated_client_lists_and_creates_rows(server: Server, tmp_path: Path) -> None:
    jwt = call(
        server,
        "POST",
        "/api/user/",
        json={
            "name": "Ada",
            "email": "ada@example.com",
            "password": "password123",
            "authenticate": True,
        },
    )["access_token"]
    workspace = call(server, "POST", "/api/workspaces/", jwt, json={"name": "WS"})["id"]
    database = call(
        server,
        "POST",
        f"/api/applications/workspace/{workspace}/",
        jwt,
        json={"name": "Shop", "type": "database"},
    )["id"]
    table = call(
        server,
        "POST",
        f"/api/database/tables/database/{database}/",
        jwt,
        json={"name": "Customers"},
    )["id"]
    amount = call(
        server,
        "POST",
        f"/api/database/fields/table/{table}/",
        jwt,
        json={"name": "Amount", "type": "number", "number_decimal_places": 2},
    )["id"]
    call(
        server,
        "POST",
        f"/api/database/fields/table/{table}/",
        jwt,
        json={"name": "Vip", "type": "boolean"},
    )
    spec = call(server, "GET", f"/api/database/{database}/openapi.json", jwt)
    (tmp_path / "spec.json").write_text(json.dumps(spec))

    generated = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            "spec.json",
            "--meta",
            "none",
            "--output-path",
            "gbclient",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Endpoint will not be generated" not in generated.stdout + generated.stderr
    run = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT.format(table=table), server.url, jwt],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    created = out["created"]
    assert {k: created[k] for k in ("Name", "Amount", "Vip")} == {
        "Name": "Ada",
        "Amount": "12.50",
        "Vip": True,
    }
    # example rows hold empty texts
    assert [r["Name"] for r in out["page"]["results"]] == ["Ada", "", ""]
    assert out["page"]["count"] == 3
    assert out["by_id"]["results"][0][f"field_{amount}"] is None
    assert out["by_id"]["next"].endswith("page=2&size=1")

"""`bench.run --baserow-url`: the Baserow side seeds over HTTP only, so a gridbase server can
stand in for Baserow here (the APIs are the same): the seed, its resume, and every workload
built from that server's own ids must give valid requests."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from bench import loadgen
from bench.baserow import STATE_FILE, database_token, seed_baserow
from bench.run import versus, workloads
from tests.server import Server


def test_seed_resumes_and_every_workload_is_valid(database_url: str, tmp_path: Path) -> None:
    server = Server(tmp_path / "data", {"GRIDBASE_LOG_LEVEL": "warning"}, database_url).start()
    try:
        seeded = seed_baserow(server.url, tmp_path, 250, parallel=2)
        state = tmp_path / STATE_FILE
        # as if a 450-row seed had stopped after 250 rows: the rerun adds the other 200
        saved = json.loads(state.read_text())
        assert saved.pop("complete") is True
        state.write_text(json.dumps(saved | {"rows": 450}))
        seeded = seed_baserow(server.url, tmp_path, 450, parallel=2)
        assert json.loads(state.read_text())["complete"] is True
        assert seed_baserow(server.url, tmp_path, 450).table == seeded.table  # reused

        token = database_token(seeded)
        headers = {"Authorization": f"Token {token}"}
        email = f"field_{seeded.fields['Email']['id']}"
        r = requests.get(
            f"{server.url}/api/database/rows/table/{seeded.table}/?size=200&include={email}",
            headers=headers,
            timeout=30,
        )
        emails = [row[email] for row in r.json()["results"]]
        page = 2
        while len(emails) < r.json()["count"]:
            emails += [
                row[email]
                for row in requests.get(
                    f"{server.url}/api/database/rows/table/{seeded.table}/"
                    f"?size=200&page={page}&include={email}",
                    headers=headers,
                    timeout=30,
                ).json()["results"]
            ]
            page += 1
        # the same generator, continued where the first attempt stopped: each row once
        assert sorted(emails) == sorted(f"user{i}@example.com" for i in range(450))

        names = [w[0] for w in workloads(seeded)]
        assert {"search compat common", "search compat rare", "search compat 2 letters"} <= set(
            names
        )
        for name, make, _floor in workloads(seeded):
            res = loadgen.run(server.url, headers, make, connections=1, seconds=60, limit=2)
            assert (name, res.requests, res.errors) == (name, 2, 0)
        rare = {w[0]: w[1] for w in workloads(seeded)}["search compat rare"](0)[1]
        found = requests.get(server.url + rare, headers=headers, timeout=30).json()
        assert [row[email] for row in found["results"]] == ["user150@example.com"]
    finally:
        server.stop()


def test_ratios_read_times_better() -> None:
    ours = loadgen.Result(400, 0, 2.0, [2.0, 3.0, 4.0])
    theirs = loadgen.Result(50, 1, 2.0, [20.0, 30.0, 40.0])
    assert versus(theirs, ours) == {
        "baserow_req_s": 25.0,
        "baserow_p50_ms": 30.0,
        "baserow_p95_ms": 40.0,
        "baserow_errors": 1,
        "x_req_s": 8.0,
        "x_p50": 10.0,
    }

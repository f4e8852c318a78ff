"""Fuzz the per-database OpenAPI spec with schemathesis against a live `gridbase serve`.

Seeds a fresh data directory with a table holding a field of every registered field type
(plus rows and a linked table), fetches `/api/database/{id}/openapi.json` with a database
token, runs `schemathesis run` with tests/openapi/schemathesis.toml, and exits non-zero on
any 5xx or spec violation. Bounded: --max-time seconds of fuzzing (default 150).

    python scripts/fuzz.py [--max-time 150] [--max-examples 25] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tests" / "openapi" / "schemathesis.toml"
KNOWN = ROOT / "tests" / "openapi" / "fuzz-known-bugs.txt"

# Extra properties a field type needs to be created; {table} is the linked table's id.
FIELD_PROPS: dict[str, dict[str, Any]] = {
    "number": {"number_decimal_places": 2, "number_negative": True},
    "rating": {"max_value": 5},
    "date": {"date_include_time": False},
    "single_select": {
        "select_options": [{"value": "Red", "color": "red"}, {"value": "Blue", "color": "blue"}]
    },
    "multiple_select": {
        "select_options": [{"value": "A", "color": "green"}, {"value": "B", "color": "blue"}]
    },
    "link_row": {"link_row_table_id": "{table}"},
    "formula": {"formula": "concat('x', 1)"},
    "count": {"through_field_id": "{link}"},
    "rollup": {
        "through_field_id": "{link}",
        "target_field_id": "{target}",
        "rollup_function": "sum",
    },
    "lookup": {"through_field_id": "{link}", "target_field_id": "{target}"},
    "password": {},
}
EXTRA_FIELDS = [
    ("Date and time", "date", {"date_include_time": True}),
    ("Whole number", "number", {}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Api:
    """Calls a gridbase at `url` through `session` (requests, or a test client)."""

    def __init__(self, url: str, session: Any = requests) -> None:
        self.url = url
        self.session = session
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, body: Any = None, ok: bool = True) -> Any:
        extra = {"timeout": 30} if self.session is requests else {}
        r = self.session.request(method, self.url + path, json=body, headers=self.headers, **extra)
        if ok and r.status_code not in (200, 204):
            raise SystemExit(f"seed failed: {method} {path} {body!r} -> {r.status_code} {r.text}")
        return r.json() if r.status_code == 200 else None


def field_types() -> list[str]:
    from gridbase.fields import default_field_types

    return [ft.type for ft in default_field_types()]


def resolve(props: dict[str, Any], refs: dict[str, int]) -> dict[str, Any]:
    out = {}
    for key, value in props.items():
        out[key] = refs[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
    return out


def seed(api: Api) -> tuple[int, str]:
    """A database with an 'Everything' table (one field per type) and a 'Linked' table."""
    session = api.call(
        "POST",
        "/api/user/",
        {
            "name": "Fuzz",
            "email": "fuzz@example.com",
            "password": "password123",
            "authenticate": True,
        },
    )
    api.headers = {"Authorization": f"JWT {session['access_token']}"}
    workspace = api.call("POST", "/api/workspaces/", {"name": "Fuzz"})["id"]
    database = api.call(
        "POST", f"/api/applications/workspace/{workspace}/", {"name": "Fuzz", "type": "database"}
    )["id"]
    linked = api.call("POST", f"/api/database/tables/database/{database}/", {"name": "Linked"})[
        "id"
    ]
    table = api.call("POST", f"/api/database/tables/database/{database}/", {"name": "Everything"})[
        "id"
    ]
    number = api.call(
        "POST", f"/api/database/fields/table/{linked}/", {"name": "Value", "type": "number"}
    )["id"]
    refs = {"table": linked, "target": number}
    types = field_types()
    ordered = ["link_row"] + [t for t in types if t != "link_row"] if "link_row" in types else types
    for type_ in ordered:
        body = {"name": f"A {type_}", "type": type_, **resolve(FIELD_PROPS.get(type_, {}), refs)}
        created = api.call("POST", f"/api/database/fields/table/{table}/", body)
        if type_ == "link_row":
            refs["link"] = created["id"]
    for name, type_, props in EXTRA_FIELDS:
        api.call(
            "POST", f"/api/database/fields/table/{table}/", {"name": name, "type": type_, **props}
        )
    for i in range(3):
        api.call(
            "POST",
            f"/api/database/rows/table/{linked}/?user_field_names=true",
            {"Name": f"L{i}", "Value": i},
        )
    rows = [{"A text": f"row {i}", "A number": f"{i}.5", "A boolean": i % 2 == 0} for i in range(5)]
    api.call(
        "POST", f"/api/database/rows/table/{table}/batch/?user_field_names=true", {"items": rows}
    )
    token = api.call("POST", "/api/database/tokens/", {"name": "fuzz", "workspace": workspace})
    return database, token["key"]


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gridbase serve exited during start-up")
        try:
            requests.get(url + "/api/schema.json", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit("gridbase serve did not start within 60 s")


def summarize(report: Path) -> dict[str, Any]:
    """Requests sent and failing checks, from schemathesis' NDJSON event stream."""
    sent = 0
    failures: set[str] = set()
    for line in report.read_text().splitlines():
        data = json.loads(line).get("ScenarioFinished")
        if not data:
            continue
        recorder = data.get("recorder") or {}
        interactions = recorder.get("interactions", {})
        sent += sum(1 for i in interactions.values() if i.get("response") is not None)
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if str(check.get("status", "")).lower() == "failure":
                    response = (interactions.get(case_id) or {}).get("response") or {}
                    request = (interactions.get(case_id) or {}).get("request") or {}
                    failures.add(
                        f"{check.get('name')}: {request.get('method')} {request.get('uri')} "
                        f"-> {response.get('status_code')}"
                    )
    return {"requests": sent, "failures": sorted(failures)}


def server_exceptions(log: str) -> list[str]:
    """Every traceback the server logged (exception groups and chained causes included)."""
    return [
        chunk
        for chunk in re.split(r"\n(?=\S.*\n\s*Traceback \(most recent call last\):)", log)
        if "Traceback (most recent call last):" in chunk
    ]


def exception_line(chunk: str) -> str:
    """The last `SomeError: message` line of a traceback, for reports."""
    lines = [re.sub(r"^[\s|+-]*", "", line) for line in chunk.splitlines()]
    found = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception)\b", line)]
    return (found[-1] if found else lines[-1])[:200]


def known_bugs() -> list[str]:
    """Exception texts of open server bugs (tests/openapi/fuzz-known-bugs.txt); a 500 caused
    by one of them is reported but does not fail the run. Empty the file as they are fixed."""
    if not KNOWN.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in KNOWN.read_text().splitlines())
    return [line for line in lines if line]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--max-time", type=int, default=150, help="seconds of fuzzing (schemathesis --max-time)"
    )
    parser.add_argument(
        "--max-examples", type=int, default=0, help="cases per operation (default: config file)"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", default="", help="keep the data dir, spec and reports here")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gridbase-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        GRIDBASE_DATA_DIR=str(work / "data"),
        GRIDBASE_DATABASE_URL="",
        GRIDBASE_LOG_LEVEL="warning",
    )
    log = open(work / "server.log", "wb")  # noqa: SIM115  # open for the server's whole life
    server = subprocess.Popen(
        [sys.executable, "-m", "gridbase", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(url, server)
        api = Api(url)
        database, key = seed(api)
        spec = api.call("GET", f"/api/database/{database}/openapi.json")
        (work / "spec.json").write_text(json.dumps(spec, indent=1))
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(CONFIG),
            "run",
            str(work / "spec.json"),
            "--url",
            url,
            "--header",
            f"Authorization: Token {key}",
            "--max-time",
            str(args.max_time),
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(work / "events.ndjson"),
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--exclude-path-regex",
            "/events/$",  # the change stream never ends: a timeout, not a finding
        ]
        if args.max_examples:
            command += ["--max-examples", str(args.max_examples)]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        with open(work / "schemathesis.log", "w") as out:
            result = subprocess.run(
                command, cwd=work, stdout=out, stderr=subprocess.STDOUT, check=False
            )
        counts = summarize(work / "events.ndjson")
        errors = server_exceptions((work / "server.log").read_text(errors="replace"))
        known = known_bugs()
        unknown = [e for e in errors if not any(k in e for k in known)]
        shown = {exception_line(e): e in unknown for e in errors}
        # A 500 is a known bug only while every traceback of the run matches a known one.
        failures = [f for f in counts["failures"] if unknown or not f.endswith("-> 500")]
        print(
            f"fuzz: {counts['requests']} requests, {len(counts['failures'])} failing checks, "
            f"{len(errors)} server errors ({len(errors) - len(unknown)} known bugs) "
            f"(details in {work})"
        )
        for line, is_unknown in sorted(shown.items()):
            print("  SERVER ERROR" if is_unknown else "  KNOWN BUG", line)
        for failure in failures:
            print("  FAILED", failure)
        failed = (
            bool(failures) or bool(unknown) or (result.returncode != 0 and not counts["failures"])
        )
        if failed:
            print((work / "schemathesis.log").read_text(errors="replace")[-20000:])
            print((work / "server.log").read_text(errors="replace")[-20000:])
        return 1 if failed else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Run the concurrency workload (tests/reliability/workload.py) and check its final state.

16 clients (by default), each on its own HTTP connection, write mixed single and batch
creates, updates, deletes and moves to the same rows of one table while one of them
creates, renames, converts and deletes its fields; then every answer and the final state
are checked (no 5xx, no dropped connection, only legitimate 4xx, every acknowledged write
in place). Prints the figures and exits non-zero on any problem.

    python scripts/concurrency.py                          # a throw-away server on SQLite
    python scripts/concurrency.py --workers 2              # one SQLite file, 2 processes
    python scripts/concurrency.py --database-url postgresql://... --instances 2
    python scripts/concurrency.py --url http://host:8000 [--url http://other:8000]
        --email you@example.com --password ...             # servers you run (one database)

Started servers get a fresh data directory and share one secret key; with --database-url
they use that database as it is, so give it an empty one.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability import final_state, workload  # noqa: E402  (the repository root goes first)
from tests.reliability.servers import Logged  # noqa: E402
from tests.server import Server  # noqa: E402


def session(base: str, email: str, password: str) -> dict[str, str]:
    """A JWT for the account: signed up when it does not exist yet, else logged in."""
    r = requests.post(
        f"{base}/api/user/",
        json={"name": "Concurrency", "email": email, "password": password, "authenticate": True},
        timeout=30,
    )
    if r.status_code != 200:
        r = requests.post(
            f"{base}/api/user/token-auth/", json={"email": email, "password": password}, timeout=30
        )
    r.raise_for_status()
    return {"Authorization": f"JWT {r.json()['access_token']}"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", action="append", default=[], help="a running server (repeatable)")
    p.add_argument("--email", default="concurrency@example.com")
    p.add_argument("--password", default="")
    p.add_argument("--database-url", default="", help="start servers on this database")
    p.add_argument("--instances", type=int, default=1, help="servers to start")
    p.add_argument("--workers", type=int, default=1, help="worker processes per started server")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--ops", type=int, default=24, help="requests per row client")
    p.add_argument("--cycles", type=int, default=5, help="schema change cycles")
    p.add_argument("--seed", type=int, default=21)
    args = p.parse_args()
    password = args.password or secrets.token_urlsafe(16)
    started: list[Logged] = []
    bases = list(args.url)
    try:
        if not bases:
            data = Path(tempfile.mkdtemp(prefix="gridbase-concurrency-"))
            env = {"GRIDBASE_SECRET_KEY": secrets.token_urlsafe(48)}
            for i in range(args.instances):
                server = Server(
                    data / f"instance-{i}",
                    env=env,
                    database_url=args.database_url,
                    args=("--workers", str(args.workers)),
                )
                started.append(Logged(server))
                bases.append(server.url)
        headers = session(bases[0], args.email, password)
        ws = requests.post(
            f"{bases[0]}/api/workspaces/", json={"name": "concurrency"}, headers=headers, timeout=30
        ).json()["id"]
        plan = workload.Plan(args.clients, args.ops, args.cycles, seed=args.seed)
        result = workload.run(bases, headers, ws, plan)
        problems = final_state.check(result, bases, headers)
    finally:
        for server in started:
            server.stop()
    for server in started:
        if server.errors():
            problems.append(f"{server.url} logged errors:\n{server.errors()}")
    count, slowest = final_state.latencies(result)
    statuses = Counter(
        f"{o.status} {o.error}" if o.error else str(o.status) for o in result.log.outcomes
    )
    print(f"{len(bases)} server(s), {args.clients} clients, {count} requests")
    print(f"in {result.seconds:.1f} s, slowest request {slowest:.2f} s")
    print(f"answers: {dict(sorted(statuses.items()))}")
    for problem in problems:
        print("PROBLEM:", problem)
    print("final state exact" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Server CPU per request, in-process: the ASGI app is called directly (no sockets, no
client), so process time per request is the server's own cost on a shared machine.

    python -m bench.cpu [--rows 100000] [--n 300] [--profile "get one row"] [--only get,list]
                        [--database-url postgresql://...] [--statements NAME] [--cprofile NAME]

Seeds a table like bench/seed.py (N rows through the row service), makes a database token,
then runs each workload `--n` times and prints CPU ms per request and the SQL statements
per request (each one round trip; BEGIN/COMMIT/ROLLBACK count too); for the reads with a
floor (bench/floor.py: the same page through the bare driver + dicts + orjson) it prints the
floor's CPU ms in this process too, and the ratio. `--profile NAME` runs that workload under
pyinstrument and prints its tree, `--cprofile NAME` under cProfile. `--database-url` runs on
PostgreSQL (a database of its own: it is seeded anew; the CPU figures are this process's,
plus the database processes' CPU read from /proc). `--statements NAME` prints every
statement of one request of that workload. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event as sa_event

from bench import scratch
from bench.floor import Floor, Query, page_queries
from bench.seed import WORDS, field_specs, make_row
from gridbase.app import build_context, create_app
from gridbase.config import Settings
from gridbase.core import rows
from gridbase.usertable import load


class Client:
    """Calls an ASGI app with one request at a time and returns (status, body)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers: list[tuple[bytes, bytes]] = []

    async def call(
        self, method: str, target: str, body: Any = None, *, decode: bool = True
    ) -> tuple[int, Any]:
        path, _, query = target.partition("?")
        raw = b"" if body is None else (body if isinstance(body, bytes) else orjson.dumps(body))
        headers = [
            *list(self.headers),
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(raw)).encode()),
        ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        sent = False
        out: dict[str, Any] = {"body": b""}

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            else:
                out["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        if not decode:  # the timed requests: the client's decoding is not the server's work
            return out["status"], out["body"]
        return out["status"], (orjson.loads(out["body"]) if out["body"] else None)


async def setup(client: Client, ctx: Any, count: int, index: bool) -> dict[str, Any]:
    async def api(method: str, path: str, body: Any = None) -> Any:
        status, data = await client.call(method, path, body)
        assert status < 300, (status, data)
        return data

    session = await api(
        "POST",
        "/api/user/",
        {
            "name": "Bench",
            "email": "bench@example.com",
            "password": "bench-password",
            "authenticate": True,
        },
    )
    client.headers = [(b"authorization", f"JWT {session['access_token']}".encode())]
    user_id = session["user"]["id"]
    ws = (await api("POST", "/api/workspaces/", {"name": "bench"}))["id"]
    db = (
        await api(
            "POST", f"/api/applications/workspace/{ws}/", {"name": "bench", "type": "database"}
        )
    )["id"]
    other = (
        await api(
            "POST",
            f"/api/database/tables/database/{db}/",
            {"name": "Tags", "data": [["Label"]] + [[w] for w in WORDS], "first_row_header": True},
        )
    )["id"]
    table = (
        await api(
            "POST",
            f"/api/database/tables/database/{db}/",
            {"name": "Items", "data": [["Name"]], "first_row_header": True},
        )
    )["id"]
    specs = field_specs(other, index)
    fields = {
        spec["name"]: await api("POST", f"/api/database/fields/table/{table}/", spec)
        for spec in specs
    }
    fields["Name"] = next(
        f for f in await api("GET", f"/api/database/fields/table/{table}/") if f["primary"]
    )
    rnd = random.Random(7)
    done = 0
    while done < count:
        n = min(5000, count - done)
        items = [make_row(done + i, fields, rnd) for i in range(n)]
        with ctx.db.write() as conn:
            rows.insert_rows(
                ctx, conn, load.load_table(conn, table), items, by_name=False, user_id=user_id
            )
        done += n
    token = await api("POST", "/api/database/tokens/", {"name": "bench", "workspace": ws})
    client.headers = [(b"authorization", f"Token {token['key']}".encode())]
    return {"table": table, "fields": fields, "rows": count}


def floors(s: dict[str, Any]) -> dict[str, list[Query]]:
    """The floor's queries of the reads that have one (as bench.run's)."""
    tbl = f"database_table_{s['table']}"
    return {
        "list page 1": page_queries(tbl),
        "list without link": page_queries(tbl),  # (the floor reads no link either way)
        "get one row": [(f"SELECT * FROM {tbl} WHERE id = ?", (s["rows"] // 2,))],
    }


def workloads(s: dict[str, Any]) -> dict[str, Any]:
    t, f, n = s["table"], s["fields"], s["rows"]
    base = f"/api/database/rows/table/{t}/"
    name, amount = f"field_{f['Name']['id']}", f"field_{f['Amount']['id']}"
    status = f["Status"]["select_options"][1]["id"]

    def q(d: Any) -> str:  # compact JSON for a query value
        return json.dumps(d).replace(" ", "")

    eq = q(
        {
            "filter_type": "AND",
            "filters": [
                {"field": f["Status"]["id"], "type": "single_select_equal", "value": str(status)}
            ],
        }
    )
    rng = q(
        {
            "filter_type": "AND",
            "filters": [
                {"field": f["Amount"]["id"], "type": "higher_than", "value": "5000"},
                {"field": f["Amount"]["id"], "type": "lower_than", "value": "6000"},
            ],
        }
    )
    rnd = random.Random(3)
    row = {name: "bench row", amount: "12.34"}
    batch = {"items": [{name: f"batch {k}", amount: "1.00"} for k in range(200)]}

    def batch_update() -> dict[str, Any]:
        ids = rnd.sample(range(1, n + 1), 200)
        return {"items": [{"id": i, amount: f"{i % 97}.50"} for i in ids]}

    return {
        "get one row": lambda: ("GET", f"{base}{rnd.randrange(1, n + 1)}/", None),
        "list page 1": lambda: ("GET", base, None),
        "list without link": lambda: ("GET", f"{base}?exclude=field_{f['Tags']['id']}", None),
        "filter select =": lambda: ("GET", f"{base}?filters={eq}", None),
        "filter number range": lambda: ("GET", f"{base}?filters={rng}", None),
        "sort by text": lambda: ("GET", f"{base}?order_by={name}", None),
        "sort by link": lambda: ("GET", f"{base}?order_by=field_{f['Tags']['id']}", None),
        "create one row": lambda: ("POST", base, row),
        "update one row": lambda: ("PATCH", f"{base}{rnd.randrange(1, n + 1)}/", row),
        "batch create 200": lambda: ("POST", f"{base}batch/", batch),
        "batch update 200": lambda: ("PATCH", f"{base}batch/", batch_update()),
    }


class Statements:
    """Counts the statements the process sends, each a round trip: on PostgreSQL every
    query and transaction command psycopg sends (also those on the raw DBAPI cursor:
    storage.prepared); on SQLite the statements through SQLAlchemy."""

    def __init__(self, ctx: Any) -> None:
        self.count = 0
        self.log: list[str] | None = None
        if ctx.db.is_sqlite:
            sa_event.listen(ctx.db.engine, "before_cursor_execute", self._statement)
        else:
            self._wrap_psycopg()

    def _note(self, sql: Any) -> None:
        self.count += 1
        if self.log is not None:
            text = sql.decode() if isinstance(sql, bytes) else str(sql)
            self.log.append(" ".join(text.split())[:300])

    def _statement(self, _c: Any, _cur: Any, sql: str, *_a: Any) -> None:
        self._note(sql)

    def _wrap_psycopg(self) -> None:
        import psycopg
        from psycopg import _connection_base

        counter = self
        base = _connection_base.BaseConnection
        plain_command, plain_execute = base._exec_command, psycopg.Cursor.execute
        plain_many = psycopg.Cursor.executemany

        def command(conn: Any, cmd: Any, *a: Any, **k: Any) -> Any:
            counter._note(cmd)
            return plain_command(conn, cmd, *a, **k)

        def execute(cur: Any, query: Any, *a: Any, **k: Any) -> Any:
            counter._note(query)
            return plain_execute(cur, query, *a, **k)

        def many(cur: Any, query: Any, *a: Any, **k: Any) -> Any:
            counter._note(query)
            return plain_many(cur, query, *a, **k)

        base._exec_command = command  # type: ignore[method-assign]
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        psycopg.Cursor.executemany = many  # type: ignore[method-assign]


def backend_cpu_ms(ctx: Any) -> float:
    """PostgreSQL on this machine: the CPU time of every server process connected to the
    bench's database (from /proc), so the database's own work per request can be told apart
    from gridbase's; 0 on SQLite or when the server runs elsewhere."""
    if ctx.db.is_sqlite:
        return 0.0
    with ctx.db.engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).scalars()
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total * 1000 / os.sysconf("SC_CLK_TCK")


async def main_async(args: argparse.Namespace, data_dir: Path) -> None:
    settings = Settings(
        data_dir=data_dir, database_url=args.database_url, webhooks_dispatcher=False
    )
    ctx = build_context(settings)
    client = Client(create_app(settings, ctx))
    seeded = await setup(client, ctx, args.rows, not args.no_db_index)
    counted = Statements(ctx)
    loads = workloads(seeded)
    floor = Floor(settings.resolved_database_url())
    floor_queries = floors(seeded)
    only = [w.strip() for w in args.only.split(",")] if args.only else list(loads)
    for name in only:
        make = loads[name]
        n = args.n if "batch" not in name else max(10, args.n // 10)
        for _ in range(5):  # warm caches
            status, body = await client.call(*make())
            assert status < 300, (name, status, body)
        profiler = None
        if args.profile == name:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
        if name in args.statements.split(","):
            counted.log = []
            await client.call(*make())
            print("\n".join(counted.log))
            counted.log = None
        db_before = backend_cpu_ms(ctx)
        before = counted.count
        started = time.process_time()
        for _ in range(n):
            await client.call(*make(), decode=False)
        cpu_ms = (time.process_time() - started) * 1000 / n
        per = (counted.count - before) / n
        db_ms = (backend_cpu_ms(ctx) - db_before) / n
        if args.cprofile == name:
            import cProfile
            import pstats

            with cProfile.Profile() as cprof:
                for _ in range(n):
                    await client.call(*make(), decode=False)
            pstats.Stats(cprof).sort_stats("tottime").print_stats(40)
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
        db = "" if ctx.db.is_sqlite else f", database {db_ms:5.2f} ms CPU"
        line = (
            f"{name:22} {cpu_ms:7.2f} ms CPU/request{db}, {per:5.1f} statements/request "
            f"({n} requests)"
        )
        if name in floor_queries:
            floor_ms = floor.cpu_ms(floor_queries[name], n)
            line += f", floor {floor_ms:.2f} ms, ratio {cpu_ms / floor_ms:.2f}"
        print(line, flush=True)
    ctx.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--cprofile", default="", help="a workload to run under cProfile")
    parser.add_argument("--no-db-index", action="store_true")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; default: SQLite")
    parser.add_argument("--statements", default="", help="print one request's statements")
    args = parser.parse_args()
    with scratch.data_dir("", "gridbase-cpu-") as data_dir:
        asyncio.run(main_async(args, data_dir))


if __name__ == "__main__":
    main()

"""Import and export benchmark: peak resident memory and rows/s of a CSV import
(`gridbase import`, the process that runs the job) and of a CSV export job run by
`gridbase serve`, at several row counts, to show memory stays flat as rows grow.

    python -m bench.jobs --rows 100000 1000000 [--database-url postgresql://...]
        [--s3-endpoint http://127.0.0.1:PORT]

With --s3-endpoint the server keeps its files (the export) in a new bucket of that S3 service
(e.g. `python -m moto.server -p PORT`, test credentials). Prints a table and writes
bench/results/jobs-<backend>[-s3].json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

from bench.run import rss_mb
from tests.server import Server

SECRET = "bench-secret-" + "x" * 32
RESULTS = Path(__file__).parent / "results"


class Peak:
    """Peak RSS of a process (and its children), sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> Peak:
        self.peak = rss_mb(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Count", "Note"])
        for i in range(rows):
            w.writerow([f"row {i}", str(i * 7 % 1000), "a, b" if i % 3 else "plain text"])


def s3_env(endpoint: str, rows: int) -> dict[str, str]:
    """The settings of a server keeping its files in a new bucket of `endpoint`."""
    import boto3

    bucket = f"bench-jobs-{rows}-{int(time.time())}"
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys).create_bucket(
        Bucket=bucket
    )
    return {"GRIDBASE_FILES_STORAGE": "s3", "GRIDBASE_S3_BUCKET": bucket,
            "GRIDBASE_S3_ENDPOINT_URL": endpoint, "GRIDBASE_S3_REGION": "us-east-1",
            "GRIDBASE_S3_ACCESS_KEY_ID": "testing",
            "GRIDBASE_S3_SECRET_ACCESS_KEY": "testing"}  # fmt: skip


def run_one(rows: int, database_url: str, work: Path, s3_endpoint: str = "") -> dict[str, Any]:
    data = work / f"data-{rows}"
    source = work / f"source-{rows}.csv"
    write_csv(source, rows)
    env = {"GRIDBASE_SECRET_KEY": SECRET, **(s3_env(s3_endpoint, rows) if s3_endpoint else {})}
    server = Server(data, env=env, database_url=database_url).start()
    try:
        url = server.url
        r = requests.post(url + "/api/user/", json={"name": "Bench", "email": "b@example.com",
                          "password": "password123", "authenticate": True}, timeout=30)  # fmt: skip
        headers = {"Authorization": f"JWT {r.json()['access_token']}"}
        ws = requests.post(url + "/api/workspaces/", json={"name": "W"}, headers=headers,
                           timeout=30).json()["id"]  # fmt: skip
        body = {"name": "D", "type": "database"}
        db = requests.post(f"{url}/api/applications/workspace/{ws}/", headers=headers,
                           json=body, timeout=30).json()["id"]  # fmt: skip
        assert server.process is not None
        idle = rss_mb(server.process.pid)

        # import: `gridbase import`, the process that runs the job, next to the server
        cmd = [sys.executable, "-m", "gridbase", "import", str(source), "--database", str(db),
               "--name", "Bench"]  # fmt: skip
        started = time.monotonic()
        child = subprocess.Popen(cmd, env=server.env, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL)  # fmt: skip
        with Peak(child.pid) as import_peak, Peak(server.process.pid) as server_during_import:
            out = child.communicate()[0].decode()
        import_seconds = time.monotonic() - started
        assert child.returncode == 0, out
        tables = requests.get(f"{url}/api/database/tables/database/{db}/", headers=headers,
                              timeout=30).json()  # fmt: skip
        table = next(t["id"] for t in tables if t["name"] == "Bench")

        # export: a job of the server, the file streamed a page at a time
        with Peak(server.process.pid) as export_peak:
            started = time.monotonic()
            job = requests.post(f"{url}/api/database/export/table/{table}/", headers=headers,
                                json={"exporter_type": "csv"}, timeout=30).json()  # fmt: skip
            while True:
                state = requests.get(f"{url}/api/database/export/{job['id']}/", headers=headers,
                                     timeout=30).json()  # fmt: skip
                if state["state"] in ("finished", "failed", "cancelled"):
                    break
                time.sleep(0.2)
            export_seconds = time.monotonic() - started
        assert state["state"] == "finished", state
        # downloaded through the server: from the data directory or the bucket
        path = f"/media/export_files/{state['exported_file_name']}"
        with requests.get(url + path, stream=True, timeout=120) as download:
            download.raise_for_status()
            lines = sum(chunk.count(b"\n") for chunk in download.iter_content(1 << 16))
        assert lines == rows + 1, lines
    finally:
        server.stop()
    return {
        "rows": rows,
        "server_idle_rss_mb": round(idle, 1),
        "import_rows_per_s": round(rows / import_seconds),
        "import_process_peak_rss_mb": round(import_peak.peak, 1),
        "server_peak_rss_during_import_mb": round(server_during_import.peak, 1),
        "export_rows_per_s": round(rows / export_seconds),
        "server_peak_rss_during_export_mb": round(export_peak.peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--s3-endpoint", default="", help="keep files in this S3 service")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gridbase-bench-jobs-") as tmp:
        results = [run_one(n, args.database_url, Path(tmp), args.s3_endpoint) for n in args.rows]
    backend = ("postgres" if args.database_url else "sqlite") + ("-s3" if args.s3_endpoint else "")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"jobs-{backend}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    keys = list(results[0])
    print(" ".join(f"{k:>14}" for k in ("rows", "import/s", "import MB", "srv imp MB",
                                         "export/s", "export MB", "idle MB")))  # fmt: skip
    for r in results:
        print(" ".join(f"{r[k]:>14}" for k in (keys[0], keys[2], keys[3], keys[4], keys[5],
                                               keys[6], keys[1])))  # fmt: skip
    print(f"written to {out}")


if __name__ == "__main__":
    main()

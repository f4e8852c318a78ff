"""A 100,000-row CSV imported through the API and through `gridbase import`, exported back
through the API and through `gridbase export`: every export is byte for byte the file
Baserow's CSV exporter writes for those rows (its BOM, an id column, CRLF)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gridbase.cli import main
from gridbase.config import Settings
from tests.api.test_jobs import exported, wait_job
from tests.conftest import Api

ROWS = 100_000
WAIT = 600  # seconds: a busy 2-core machine imports 100,000 rows in about a minute
HEADER = ["Name", "Count", "Note"]


def source_rows() -> list[list[str]]:
    notes = ["", 'say "hi"', "a,b", "two\nlines", "ünïcødé ✓", "  spaced  "]
    return [[f"row {i}", str(i * 7 % 1000), notes[i % len(notes)]] for i in range(ROWS)]


def csv_bytes(rows: list[list[Any]], *, bom: bool) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def test_100k_rows_round_trip_byte_for_byte(api: Api, settings: Settings, tmp_path: Path) -> None:
    if settings.database_url.startswith("postgresql"):  # ~5 min there; test_jobs.py covers it
        pytest.skip("the 100,000-row round trip runs on SQLite (CI time)")
    rows = source_rows()
    source = tmp_path / "source.csv"
    source.write_bytes(csv_bytes([HEADER, *rows], bom=False))
    expected = csv_bytes([["id", *HEADER]] + [[i + 1, *r] for i, r in enumerate(rows)], bom=True)
    database = api.database()

    # through the API: the rows as JSON, a job, then an export job and its file
    body = {"name": "API", "data": [HEADER, *rows], "first_row_header": True}
    job = api.ok(api.post(f"/api/database/tables/database/{database}/async/", body))
    done = wait_job(api, job["id"], timeout=WAIT)
    assert done["state"] == "finished", done
    assert exported(api, done["table_id"], {"exporter_type": "csv"}, WAIT) == expected

    # through the command line, on the same database
    env = {
        "GRIDBASE_DATA_DIR": str(settings.data_dir),
        "GRIDBASE_DATABASE_URL": settings.database_url,
        "GRIDBASE_SECRET_KEY": settings.secret_key,
    }
    cli = CliRunner(env=env)
    result = cli.invoke(main, ["import", str(source), "--database", str(database), "--name", "CLI"])
    assert result.exit_code == 0, result.output
    tables = api.ok(api.get(f"/api/database/tables/database/{database}/"))
    cli_table = next(t["id"] for t in tables if t["name"] == "CLI")
    out = tmp_path / "out.csv"
    result = cli.invoke(main, ["export", str(cli_table), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected
    # and the API's export of the CLI's table is the same file
    assert exported(api, cli_table, {"exporter_type": "csv"}, WAIT) == expected

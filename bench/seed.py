"""Seed a benchmark table: text, long text, number (2 decimals), boolean, date, single select,
email and a link row, N rows, through gridbase's own row service (validation included)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import requests
import sqlalchemy as sa

from gridbase.app import build_context
from gridbase.config import Settings
from gridbase.core import rows
from gridbase.storage import schema as s
from gridbase.usertable import load

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
    "apple",
    "banana",
    "cherry",
    "lemon",
    "mango",
    "peach",
    "plum",
]
STATUSES = ("Todo", "Doing", "Done", "Blocked", "Review")
CHUNK = 5000


@dataclass
class Seeded:
    base: str
    jwt: str
    workspace: int
    database: int
    table: int
    other_table: int
    fields: dict[str, dict[str, Any]]
    rows: int
    email: str = ""


def _api(base: str, jwt: str, method: str, path: str, body: Any = None) -> Any:
    r = requests.request(
        method, base + path, json=body, headers={"Authorization": f"JWT {jwt}"}, timeout=120
    )
    r.raise_for_status()
    return r.json() if r.content else None


def field_specs(other: int, db_index: bool = True) -> list[dict[str, Any]]:
    """The bench table's fields (besides the primary Name); `other` is the linked table.
    `db_index` on Amount only: Baserow 1.35.3 and gridbase refuse it on a single select
    (ERROR_DB_INDEX_NOT_SUPPORTED)."""
    return [
        {"name": "Notes", "type": "long_text"},
        {
            "name": "Amount",
            "type": "number",
            "number_decimal_places": 2,
            "number_negative": True,
            "db_index": db_index,
        },
        {"name": "Done", "type": "boolean"},
        {"name": "Due", "type": "date", "date_format": "ISO", "date_include_time": False},
        # the filter workloads use Amount and Status
        {
            "name": "Status",
            "type": "single_select",
            "select_options": [{"value": s, "color": "blue"} for s in STATUSES],
        },
        {"name": "Email", "type": "email"},
        {
            "name": "Tags",
            "type": "link_row",
            "link_row_table_id": other,
            "has_related_field": False,
        },
    ]


PASSWORD = "bench-password"


def create_schema(
    base: str, db_index: bool = True
) -> tuple[str, str, int, int, int, int, dict[str, dict[str, Any]]]:
    """A fresh account, workspace, database, the linked Tags table and the bench table, over
    HTTP only (so it works against gridbase and against a real Baserow alike)."""
    email = f"bench-{time.time_ns()}@example.com"
    session = requests.post(
        base + "/api/user/",
        json={"name": "Bench", "email": email, "password": PASSWORD, "authenticate": True},
        timeout=30,
    ).json()
    jwt = session["access_token"]
    ws = _api(base, jwt, "POST", "/api/workspaces/", {"name": "bench"})["id"]
    db = _api(
        base,
        jwt,
        "POST",
        f"/api/applications/workspace/{ws}/",
        {"name": "bench", "type": "database"},
    )["id"]
    other = _api(
        base,
        jwt,
        "POST",
        f"/api/database/tables/database/{db}/",
        {"name": "Tags", "data": [["Label"]] + [[w] for w in WORDS], "first_row_header": True},
    )["id"]
    table = _api(
        base,
        jwt,
        "POST",
        f"/api/database/tables/database/{db}/",
        {"name": "Items", "data": [["Name"]], "first_row_header": True},
    )["id"]
    specs = field_specs(other, db_index)
    fields = {
        spec["name"]: _api(base, jwt, "POST", f"/api/database/fields/table/{table}/", spec)
        for spec in specs
    }
    fields["Name"] = next(
        f for f in _api(base, jwt, "GET", f"/api/database/fields/table/{table}/") if f["primary"]
    )
    return email, jwt, ws, db, table, other, fields


TAG_IDS = list(range(1, len(WORDS) + 1))  # the Tags table's rows, created with it


def make_row(
    i: int, fields: dict[str, dict[str, Any]], rnd: random.Random, tag_ids: list[int] = TAG_IDS
) -> dict[str, Any]:
    status_ids = [o["id"] for o in fields["Status"]["select_options"]]
    return {
        f"field_{fields['Name']['id']}": f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i}",
        f"field_{fields['Notes']['id']}": " ".join(rnd.choice(WORDS) for _ in range(12)),
        f"field_{fields['Amount']['id']}": f"{rnd.uniform(-1000, 100000):.2f}",
        f"field_{fields['Done']['id']}": rnd.random() < 0.5,
        f"field_{fields['Due']['id']}": (
            date(2020, 1, 1) + timedelta(days=rnd.randrange(2000))
        ).isoformat(),
        f"field_{fields['Status']['id']}": rnd.choice(status_ids),
        f"field_{fields['Email']['id']}": f"user{i}@example.com",
        f"field_{fields['Tags']['id']}": rnd.sample(tag_ids, 2),
    }


def seed(
    base: str, settings: Settings, count: int, seed_value: int = 7, db_index: bool = True
) -> Seeded:
    """Schema over HTTP, then `count` rows through the row service in chunked transactions."""
    email, jwt, ws, db, table_id, other, fields = create_schema(base, db_index)
    ctx = build_context(settings)
    with ctx.db.read() as conn:  # the rows' created_by / last_modified_by
        user_id = conn.execute(sa.select(s.users.c.id).where(s.users.c.email == email)).scalar_one()
    rnd = random.Random(seed_value)
    done = 0
    started = time.monotonic()
    while done < count:
        n = min(CHUNK, count - done)
        items = [make_row(done + i, fields, rnd) for i in range(n)]
        with ctx.db.write() as conn:
            table = load.load_table(conn, table_id)
            rows.insert_rows(ctx, conn, table, items, by_name=False, user_id=user_id)
        done += n
        if done % 100_000 == 0:
            print(
                f"  seeded {done:,} rows ({done / (time.monotonic() - started):,.0f} rows/s)",
                flush=True,
            )
    ctx.db.dispose()
    return Seeded(base, jwt, ws, db, table_id, other, fields, count, email)


def log_in(base: str, email: str) -> str:
    """A fresh JWT for the bench account (a reused seed outlives its first token)."""
    r = requests.post(
        base + "/api/user/token-auth/", json={"email": email, "password": PASSWORD}, timeout=30
    )
    r.raise_for_status()
    return str(r.json()["access_token"])

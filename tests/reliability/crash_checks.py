"""Crash suite, checks: after a restart, the server's state against what the writers know.

Through the API: every row (all pages), its values, the list `count`, full-text search of
each row's token, the linked table's reverse links. Directly in the database (gridbase's own
context on the same URL): the SQL count, the search index against the documents the rows
give now, the link table's rows, SQLite's integrity check and the kept row counts. Each
finding is a line in `problems`; `lost` and `half_applied` count the two worst kinds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
import sqlalchemy as sa

from gridbase.app import build_context
from gridbase.config import Settings
from gridbase.core.context import Ctx
from gridbase.fields.link_row import junction_name, sides
from gridbase.search.document import documents
from gridbase.storage import schema as s
from gridbase.storage.ddl import table_name
from gridbase.storage.kept import row_counts
from gridbase.storage.search_index import index_name, text_index_name
from tests.reliability.crash_writers import Op, Schema, Writer, tags_for, version_of


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    lost: int = 0
    half_applied: int = 0
    in_flight_applied: int = 0
    in_flight_not_applied: int = 0
    rows: int = 0
    searched: int = 0

    def lose(self, what: str) -> None:
        self.lost += 1
        self.problems.append("LOST: " + what)

    def half(self, what: str) -> None:
        self.half_applied += 1
        self.problems.append("HALF-APPLIED: " + what)


def list_rows(
    http: requests.Session, url: str, table: int, f: Findings, **params: Any
) -> list[dict[str, Any]]:
    """Every row, page by page; every page's `count` must be the number of rows listed."""
    rows: list[dict[str, Any]] = []
    counts = set()
    page = 1
    while True:
        r = http.get(
            f"{url}/api/database/rows/table/{table}/",
            params={"user_field_names": "true", "size": 200, "page": page, **params},
            timeout=60,
        )
        if r.status_code != 200:
            f.problems.append(f"list of table {table} answered {r.status_code} {r.text}")
            return rows
        body = r.json()
        counts.add(body["count"])
        rows += body["results"]
        if not body["next"]:
            break
        page += 1
    if counts != {len(rows)}:
        f.problems.append(f"table {table}: count {sorted(counts)} but {len(rows)} rows listed")
    return rows


def settle(
    writer: Writer, by_token: dict[str, dict[str, Any]], schema: Schema, f: Findings
) -> None:
    """Read the outcome of the writer's request that was in flight: all of it or nothing."""
    op = writer.pending()
    if op is None:
        return
    if op.answer:
        f.problems.append(f"{op.kind} of {op.tokens} answered {op.answer}")
    if op.kind.startswith("create"):
        outcome = [t in by_token for t in op.tokens]
        for t in op.tokens:
            if t in by_token:
                op.ids[t] = int(by_token[t]["id"])
    elif op.kind.startswith("update"):
        found = [version_of(by_token[t], schema) if t in by_token else None for t in op.tokens]
        if any(v not in (op.old[t], op.new[t]) for t, v in zip(op.tokens, found, strict=True)):
            f.half(f"in-flight {op.kind} left {[by_token.get(t) for t in op.tokens]}")
        outcome = [v == op.new[t] for t, v in zip(op.tokens, found, strict=True)]
    else:
        outcome = [t not in by_token for t in op.tokens]
    if len(set(outcome)) > 1:
        f.half(f"in-flight {op.kind} of {op.tokens} applied to {outcome}")
        for token, applied in zip(op.tokens, outcome, strict=True):  # go on from what is there
            writer.settle(Op(op.kind, [token], op.old, op.new, op.ids), applied)
        op.status = "half_applied"
        return
    writer.settle(op, applied=outcome[0])
    if outcome[0]:
        f.in_flight_applied += 1
    else:
        f.in_flight_not_applied += 1


def compare(
    writers: list[Writer], by_token: dict[str, dict[str, Any]], schema: Schema, f: Findings
) -> None:
    """Every acknowledged write with its acknowledged value, and nothing else."""
    expected: set[str] = set()
    for writer in writers:
        for token, state in writer.rows.items():
            row = by_token.get(token)
            if state.deleted:
                if row is not None:
                    f.lose(f"deleted row {token} (id {state.id}) is back: {row}")
                continue
            expected.add(token)
            if row is None:
                f.lose(f"row {token} (id {state.id}, version {state.v}) is missing")
                continue
            v = version_of(row, schema)
            if row["id"] != state.id:
                f.lose(f"row {token} has id {row['id']}, acknowledged as {state.id}")
            elif v is None:
                f.half(f"row {token} does not agree with itself: {row}")
            elif v != state.v:
                f.lose(f"row {token} is at version {v}, acknowledged {state.v}")
    for token in set(by_token) - expected:
        f.problems.append(f"row {token} was never acknowledged: {by_token[token]}")


def check_filtered_counts(
    http: requests.Session, schema: Schema, rows: list[dict[str, Any]], f: Findings
) -> None:
    """Filtered lists list the rows that match and count them (list_rows; SQLite keeps such
    counts per connection)."""
    red = schema.option_ids[0]
    for name, value, wanted in (
        ("filter__Flag__boolean", "1", [r for r in rows if r["Flag"]]),
        (
            "filter__Colour__single_select_equal",
            str(red),
            [r for r in rows if (r["Colour"] or {}).get("id") == red],
        ),
    ):
        listed = list_rows(http, schema.url, schema.items, f, **{name: value})
        if sorted(r["id"] for r in listed) != sorted(r["id"] for r in wanted):
            f.problems.append(f"{name}={value} lists {len(listed)} rows, not {len(wanted)}")


def check_links(
    tags: list[dict[str, Any]], writers: list[Writer], schema: Schema, f: Findings
) -> None:
    """Each tag's reverse link lists exactly the live rows whose version links it."""
    linking: dict[int, set[int]] = {t: set() for t in schema.tag_ids}
    for writer in writers:
        for state in writer.rows.values():
            if not state.deleted and state.id is not None:
                for tag in tags_for(state.v, schema.tag_ids):
                    linking[tag].add(state.id)
    for tag in tags:
        listed = {i["id"] for i in tag["Items"]}
        if listed != linking.get(tag["id"]):
            want = sorted(linking.get(tag["id"], ()))
            f.problems.append(f"tag {tag['Name']} links back to {sorted(listed)}, not {want}")


def check_search(
    http: requests.Session, schema: Schema, rows: Iterable[dict[str, Any]], f: Findings
) -> None:
    """Full-text search for a row's own token finds exactly that row (every field: a request
    that names fields (include) is answered by compat search, not by the index)."""
    for row in rows:
        r = http.get(
            f"{schema.url}/api/database/rows/table/{schema.items}/",
            params={
                "search": row["Name"],
                "search_mode": "full-text-with-count",
                "user_field_names": "true",
            },
            timeout=60,
        )
        found = [x["id"] for x in r.json()["results"]] if r.status_code == 200 else r.text
        if found != [row["id"]] or r.json().get("count") != 1:
            f.problems.append(f"search for {row['Name']} found {found}, not [{row['id']}]")
        f.searched += 1


def check_database(settings: Settings, schema: Schema, listed: dict[int, int], f: Findings) -> None:
    """What only the database shows: counts, the index, link rows, integrity, kept counts."""
    ctx = build_context(settings)
    try:
        with ctx.db.read() as conn:
            for table, n in listed.items():
                counted = conn.execute(
                    sa.select(sa.func.count()).select_from(sa.table(table_name(table)))
                ).scalar()
                if counted != n:
                    f.problems.append(f"table {table}: SQL counts {counted} rows, the API {n}")
                check_index(ctx, conn, table, f)
            check_junction(ctx, conn, schema, f)
            if conn.dialect.name == "sqlite":
                check_sqlite(conn, f)
    finally:
        ctx.db.dispose()


def check_index(ctx: Ctx, conn: sa.Connection, table: int, f: Findings) -> None:
    """The index holds one document per row, and it is the document the row gives now:
    its words and its texts."""
    ids = list(
        conn.execute(sa.select(sa.column("id")).select_from(sa.table(table_name(table)))).scalars()
    )
    model = ctx.model_of(conn, table)
    want = {row_id: (set(words), text) for row_id, words, text in documents(ctx, conn, model, ids)}
    if conn.dialect.name == "sqlite":
        words = dict(conn.exec_driver_sql(f"SELECT rowid, doc FROM {index_name(table)}").all())
        texts = conn.exec_driver_sql(f"SELECT rowid, content FROM {text_index_name(table)}")
        have = {
            int(row_id): (set(str(words.get(row_id, "")).split()), text) for row_id, text in texts
        }
        if set(words) != set(have):
            f.problems.append(f"index of table {table}: words and texts of different rows")
    else:
        stored = conn.exec_driver_sql(
            f"SELECT row_id, tsvector_to_array(doc), content FROM {index_name(table)}"
        )
        have = {int(r[0]): (set(r[1]), r[2]) for r in stored}
    if set(have) != set(want):
        odd = sorted(set(have) ^ set(want))
        f.problems.append(f"index of table {table}: rows {odd} missing or left over")
    for row_id in set(have) & set(want):
        if have[row_id] != want[row_id]:
            stale, now = have[row_id], want[row_id]
            f.problems.append(f"index of table {table}, row {row_id}: {stale}, the row gives {now}")


def check_junction(ctx: Ctx, conn: sa.Connection, schema: Schema, f: Findings) -> None:
    """No link row points at a row that is gone."""
    for link in ctx.fields_of(conn, schema.items):
        if link.type != "link_row":
            continue
        mine, other = sides(link)
        junction = sa.table(junction_name(link), sa.column(mine), sa.column(other))
        for column, table in ((mine, schema.items), (other, schema.tags)):
            ids = sa.select(sa.column("id")).select_from(sa.table(table_name(table)))
            dangling = conn.execute(
                sa.select(sa.func.count())
                .select_from(junction)
                .where(junction.c[column].not_in(ids))
            ).scalar()
            if dangling:
                f.problems.append(f"{dangling} link rows of {junction.name} point at deleted rows")


def check_sqlite(conn: sa.Connection, f: Findings) -> None:
    integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        f.problems.append(f"PRAGMA integrity_check: {integrity[:10]}")
    for table in conn.execute(sa.select(s.database_tables.c.id)).scalars():
        kept = row_counts.rows(conn, table)
        counted = conn.execute(
            sa.select(sa.func.count()).select_from(sa.table(table_name(table)))
        ).scalar()
        if kept != counted:
            f.problems.append(f"table {table}: kept row count {kept}, the table holds {counted}")


def check_after_restart(
    settings: Settings, schema: Schema, writers: list[Writer], search: bool = True
) -> Findings:
    f = Findings()
    with requests.Session() as http:
        http.headers["Authorization"] = f"Token {schema.key}"
        rows = list_rows(http, schema.url, schema.items, f)
        by_token: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["Name"] in by_token:
                f.problems.append(
                    f"row {row['Name']} is there twice: {row}, {by_token[row['Name']]}"
                )
            by_token[row["Name"]] = row
        for writer in writers:
            settle(writer, by_token, schema, f)
            f.problems += writer.problems
            writer.problems = []
        compare(writers, by_token, schema, f)
        check_filtered_counts(http, schema, rows, f)
        tags = list_rows(http, schema.url, schema.tags, f)
        check_links(tags, writers, schema, f)
        if search:
            check_search(http, schema, rows, f)
    f.rows = len(rows)
    check_database(settings, schema, {schema.items: len(rows), schema.tags: len(tags)}, f)
    return f

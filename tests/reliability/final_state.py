"""The final state a concurrent workload (tests/reliability/workload.py) must leave, and
the answers it may have got: `check` lists everything wrong, read through every instance.
"""

from __future__ import annotations

from typing import Any

import requests

from tests.reliability.workload import ROW_MISSING, Run, Write, acknowledged, checked, missing_ids

LEGITIMATE = {
    # op -> client errors it may legitimately get under this workload's contention
    "update_pool": {ROW_MISSING},
    "update_pool_batch": {ROW_MISSING},
    "delete_pool": {ROW_MISSING},
    "delete_pool_batch": {ROW_MISSING},
    "move_pool": {ROW_MISSING},
    # the filtered field was deleted, or converted to a type the filter does not apply to
    "list_churned": {"ERROR_FILTER_FIELD_NOT_FOUND", "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD"},
}


def list_rows(base: str, headers: dict[str, str], table: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        data = checked(
            requests.get(
                f"{base}/api/database/rows/table/{table}/",
                params={"user_field_names": "true", "size": 200, "page": page},
                headers=headers,
                timeout=30,
            )
        )
        rows += data["results"]
        if not data["next"]:
            assert data["count"] == len(rows)
            return rows
        page += 1


def _last(writes: list[Write]) -> set[str]:
    """Tags that may be a row's final value: acknowledged writes that no acknowledged write
    began after (a write sent after another was acknowledged is ordered after it)."""
    acked = [w for w in writes if w.ok]
    latest_send = max((w.sent for w in acked), default=float("-inf"))
    return {w.tag for w in acked if w.acked >= latest_send}


def check(result: Run, bases: list[str], headers: dict[str, str]) -> list[str]:
    """Everything wrong with the run's answers and final state (empty: all is right), read
    through every base URL."""
    problems: list[str] = []
    log, table = result.log, result.table
    pool = set(table.pool)
    for o in log.outcomes:
        if o.status == 0:
            problems.append(
                f"{o.op} on {o.base}: connection dropped or deadline passed ({o.detail})"
            )
        elif o.status >= 500:
            problems.append(f"{o.op} on {o.base}: {o.status} {o.error} {o.detail}")
        elif o.status >= 400 and o.error not in LEGITIMATE.get(o.op, set()):
            problems.append(f"{o.op} on {o.base}: unexpected {o.status} {o.error} {o.detail}")
    acked_deletes: dict[int, int] = {}
    for row, o in log.deletes:
        if acknowledged(o):
            acked_deletes[row] = acked_deletes.get(row, 0) + 1
    for row, n in acked_deletes.items():
        if n > 1:
            problems.append(f"pool row {row} deleted by {n} acknowledged deletes")
    created = log.created
    if len(created) != len(set(created)):
        problems.append("a row id was handed out twice")
    for base in bases:
        rows = list_rows(base, headers, table.id)
        by_id = {r["id"]: r for r in rows}
        problems += [f"{base}: {p}" for p in _check_rows(result, by_id, rows, acked_deletes)]
        orders = [r["order"] for r in rows]
        if len(set(orders)) != len(orders):
            problems.append(f"{base}: rows share an order")
        gone = pool - by_id.keys()
        for o in log.outcomes:
            if o.error == ROW_MISSING and not set(missing_ids(o)) <= gone:
                problems.append(f"{o.op}: {o.detail} but they exist")
    return problems


def _check_rows(
    result: Run, by_id: dict[int, Any], rows: list[dict[str, Any]], acked_deletes: dict[int, int]
) -> list[str]:
    problems = []
    table, log = result.table, result.log
    expected_ids = set(table.shared) | (set(table.pool) - acked_deletes.keys())
    position = {r["id"]: i for i, r in enumerate(rows)}
    for rc in result.row_clients:
        expected_ids |= rc.own.keys()
        for row_id, values in rc.own.items():
            got = by_id.get(row_id)
            if got is None or {k: got[k] for k in values} != values or got["A"] or got["B"]:
                problems.append(f"own row {row_id}: {got} != {values}")
        listed = sorted((i for i in rc.own if i in position), key=position.__getitem__)
        if listed != rc.order:
            problems.append(f"client {rc.c.number}: rows listed as {listed}, moved to {rc.order}")
    if by_id.keys() != expected_ids:
        problems.append(
            f"rows {sorted(by_id.keys() - expected_ids)} unexpected, "
            f"{sorted(expected_ids - by_id.keys())} missing"
        )
    writes: dict[int, list[Write]] = {}
    for w in log.writes:
        writes.setdefault(w.row, []).append(w)
    for row_id in set(table.shared) | set(table.pool):
        got = by_id.get(row_id)
        if got is None:
            continue
        if got["A"] != got["B"]:
            problems.append(f"row {row_id} mixes two writes: {got['A']} / {got['B']}")
        candidates = _last(writes.get(row_id, []))
        if (candidates or got["A"] is not None) and got["A"] not in candidates:
            problems.append(f"row {row_id} holds {got['A']}, not a last acknowledged write")
    return problems


def schema(base: str, headers: dict[str, str], table: int) -> list[tuple[str, str]]:
    fields = checked(
        requests.get(f"{base}/api/database/fields/table/{table}/", headers=headers, timeout=30)
    )
    return [(f["name"], f["type"]) for f in fields]


def latencies(result: Run) -> tuple[int, float]:
    """(requests made, slowest in seconds)."""
    outcomes = result.log.outcomes
    return len(outcomes), max((o.seconds for o in outcomes), default=0.0)

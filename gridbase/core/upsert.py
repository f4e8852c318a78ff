"""Upsert on batch create (gridbase's `upsert_on`): each item whose key values equal an
existing row's updates that row (with the fields the item gives), the others are created;
all in one transaction, all or nothing.

Rules: a key field's type must be one Baserow's import can upsert on (`can_upsert`) and
not read-only (core.upsert_keys, as an import's); every item gives every key; two items
with one key are refused, as is a key that matches several rows. Keys are compared as
stored (upsert_query). Concurrent upserts of one new key create one row: SQLite's single
writer runs them one at a time; PostgreSQL takes a lock per key before the lookup
(storage.key_locks).
Imports: sqlalchemy, core (rows, row_values, order_by, upsert_keys, upsert_query), errors,
models, storage, usertable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core import rows, upsert_keys
from gridbase.core.context import Ctx
from gridbase.core.order_by import field_id_of
from gridbase.core.row_values import RowValues, resolve_keys, validate_rows
from gridbase.core.upsert_query import Key, match_rows, match_values
from gridbase.errors import (
    NoPermissionToTable,
    RequestBodyValidation,
    UpsertFieldNotFound,
    UpsertFieldNotPossible,
    UpsertKeyMatchesSeveralRows,
    UpsertKeysNotUnique,
    field_error,
)
from gridbase.models import Field
from gridbase.storage.key_locks import lock_keys
from gridbase.usertable import load
from gridbase.usertable.model import TableModel

REQUIRED = "This field is required by upsert_on."
MATCH_PARAMETERS = 2000  # bound values per key-match statement


@dataclass(frozen=True)
class Upserted:
    rows: list[rows.Row]  # in the items' order
    created: list[int]
    updated: list[int]
    model: TableModel


def key_fields(ctx: Ctx, model: TableModel, refs: Sequence[str], by_name: bool) -> list[Field]:
    """The fields `upsert_on` names (each once): by name, else as `field_<id>` or `<id>`
    (any digits, as order_by and include read a field key)."""
    names = {f.name: f for f in model.fields}

    def find(ref: str) -> Field | None:
        if by_name:
            return names.get(ref)
        field_id = field_id_of(ref)
        return model.by_id.get(field_id) if field_id is not None else None

    def not_possible(ref: str, field: Field) -> Exception:
        return UpsertFieldNotPossible(ref, field.type)

    found: dict[int, Field] = {}
    for field in upsert_keys.key_fields(ctx, refs, find, UpsertFieldNotFound, not_possible):
        found.setdefault(field.id, field)
    return list(found.values())


def _require_keys(
    model: TableModel, items: Sequence[Any], keys: list[Field], by_name: bool
) -> None:
    """Every item names every key field (a non-object item is left to validate_rows)."""
    errors: dict[str, Any] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        given = {field.id for field, _, _ in resolve_keys(model, item, by_name)}
        missing = {
            (f.name if by_name else f.column_name): field_error(REQUIRED, "required")
            for f in keys
            if f.id not in given
        }
        if missing:
            errors[str(index)] = missing
    if errors:
        raise RequestBodyValidation({"items": errors})


def _only_given(model: TableModel, raw: Any, values: RowValues, by_name: bool) -> RowValues:
    """An update's values: those the item gives, without the defaults a new row gets."""
    given = [field for field, _, _ in resolve_keys(model, raw, by_name)]
    columns = {f.column_name for f in given}
    ids = {f.id for f in given}
    return RowValues(
        {k: v for k, v in values.columns.items() if k in columns},
        {k: v for k, v in values.relations.items() if k in ids},
    )


def _unique_keys(item_keys: list[Key]) -> None:
    seen: dict[Key, int] = {}
    repeated: set[int] = set()
    for index, key in enumerate(item_keys):
        if key in seen:
            repeated.update((seen[key], index))
        else:
            seen[key] = index
    if repeated:
        raise UpsertKeysNotUnique(sorted(repeated))


def _match_one(
    conn: sa.Connection, model: TableModel, column: str, item_keys: list[Key]
) -> dict[int, list[int]] | None:
    """The fast path for one key field: the rows whose value is among the keys, told apart
    by their values as read back. None when a row's value equals no key in Python although
    the database found it equal (a type whose values compare otherwise there)."""
    index = {key[0]: i for i, key in enumerate(item_keys)}
    given = [key[0] for key in item_keys if key[0] is not None]
    stmt = match_values(model.sql, column, nulls=len(given) < len(item_keys))
    matched: dict[int, list[int]] = {}
    for row in conn.execute(stmt, {"keys": given}):
        i = index.get(row.value)
        if i is None:
            return None
        matched.setdefault(i, []).append(row.id)
    return matched


def _match(
    conn: sa.Connection, model: TableModel, columns: list[str], item_keys: list[Key]
) -> dict[int, list[int]]:
    """item index -> ids of the rows its key matches, as the database compares."""
    if len(columns) == 1 and (found := _match_one(conn, model, columns[0], item_keys)) is not None:
        return found
    matched: dict[int, list[int]] = {}
    # a statement binds each key value twice: chunks stay far below SQLite's 32,766 parameters
    size = max(1, MATCH_PARAMETERS // (2 * len(columns)))
    for start in range(0, len(item_keys), size):
        chunk = item_keys[start : start + size]
        for row in conn.execute(match_rows(model.sql, columns, chunk)):
            matched.setdefault(start + row.key_index, []).append(row.id)
    return matched


def upsert_rows(
    ctx: Ctx,
    caller: rows.Caller,
    table_id: int,
    items: rows.Items,
    *,
    upsert_on: Sequence[str],
    by_name: bool,
    before_id: int | Callable[[], int | None] | None = None,
    send_events: bool = True,
) -> Upserted:
    with ctx.db.write(group=True) as conn:
        # as batch create: the body is read before membership is checked
        actor, model = rows._open_as(ctx, conn, caller, table_id, "create", member=False)
        if actor.token is not None and not actor.token.allows("update", model.table):
            raise NoPermissionToTable()  # an upsert may update: a token needs both grants
        keys = key_fields(ctx, model, upsert_on, by_name)
        if callable(items):
            items = items()
        if callable(before_id):
            before_id = before_id()
        _require_keys(model, items, keys, by_name)
        prepared = validate_rows(ctx, conn, model, items, by_name, creating=True)
        rows._require_member(conn, caller, model)
        columns = [f.column_name for f in keys]
        item_keys = [tuple(p.columns.get(c) for c in columns) for p in prepared]
        _unique_keys(item_keys)
        lock_keys(conn, model.table.id, item_keys)  # before the lookup, until the commit
        matched = _match(conn, model, columns, item_keys)
        for index, ids in sorted(matched.items()):
            if len(ids) > 1:
                raise UpsertKeyMatchesSeveralRows(index, ids)
        to_update = [i for i in range(len(items)) if i in matched]
        to_create = [i for i in range(len(items)) if i not in matched]
        by_index: dict[int, rows.Row] = {}
        updated_ids = [matched[i][0] for i in to_update]
        if to_update and to_create:
            # Writers take a table's order lock before its change-stream entry (a create
            # settles its orders before it emits): the updates below emit theirs first.
            load.lock_orders(conn, model.table.id)
        if to_update:
            values = [_only_given(model, items[i], prepared[i], by_name) for i in to_update]
            written = rows.apply_updates(
                ctx, conn, model, actor, updated_ids, values, send_events=send_events
            )
            by_index.update(zip(to_update, written, strict=True))
        created_ids: list[int] = []
        if to_create:
            created_ids = rows.insert_rows(
                ctx,
                conn,
                model.table,
                [],
                by_name=by_name,
                user_id=actor.user.id,  # a token writes as its owner
                before_id=before_id,
                index_rows=False,
                values=[prepared[i] for i in to_create],
            )
            created, model = rows.finish_creates(
                ctx,
                conn,
                model,
                actor,
                created_ids,
                batch=True,
                send_events=send_events,
                before_id=before_id,
            )
            by_index.update(zip(to_create, created, strict=True))
        return Upserted([by_index[i] for i in range(len(items))], created_ids, updated_ids, model)

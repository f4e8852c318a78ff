"""Row services: list, get, create, update, move, delete and their batch forms.

Every write is one transaction: validate -> write -> index -> enqueue events -> commit.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gridbase.core import (
    deep_pages,
    events,
    permissions,
    row_etags,
    row_history,
    row_orders,
    tokens,
    trash,
    workspaces,
)
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.core.row_query import filter_clause, search_plan
from gridbase.core.row_values import RowValues, validate_rows
from gridbase.errors import (
    CannotIncludeRowMetadata,
    RequestBodyValidation,
    RowDoesNotExist,
    RowIdsNotUnique,
    TableDoesNotExist,
    UserFilesDoNotExist,
)
from gridbase.fields.link_row import unlink_rows
from gridbase.models import Field, Table
from gridbase.search.index import RowsWritten
from gridbase.storage.kept import row_counts
from gridbase.storage.prepared import insert_values, records, tuples, update_values
from gridbase.usertable import json_rows, keyset, load, walk
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery, order_clauses, sort_parts
from gridbase.usertable.read import folded_links, serialize_rows
from gridbase.usertable.renderers import format_order

Row = dict[str, Any]


@dataclass(frozen=True)
class Page:
    count: int
    rows: list[Row]
    fields: list[Field]
    model: TableModel
    next_cursor: str | None = None  # only for keyset (`cursor`) pages
    page: int = 1  # the page served (`page=last` asks for whichever that is)
    # the rows as a JSON array instead (`rows` empty), when the query's json_keys asked
    json: bytes | None = None


def _emit(
    ctx: Ctx, conn: sa.Connection, event: str, model: TableModel, webhooks: bool, **data: Any
) -> None:
    """`webhooks=False` (send_webhook_events=false): the change stream still logs the event,
    so a stream never misses a change; only the webhooks are not sent."""
    events.emit(ctx, conn, event, model.table, model.fields, webhooks=webhooks, **data)


def _existing(conn: sa.Connection, model: TableModel, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    t = model.sql
    return {
        r.id
        for r in model.records(
            conn,
            ("existing_ids",),
            lambda: sa.select(t.c.id).where(t.c.id.in_(sa.bindparam("ids", expanding=True))),
            {"ids": ids},
        )
    }


def _watch(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    row_ids: Sequence[int],
    *,
    created: bool = False,
) -> RowsWritten:
    """Let the search index see rows before a write; call the result after the write, inside
    the same transaction (with the written rows when they were read back, or the reading of
    them)."""
    return ctx.ext.search.rows_changing(ctx, conn, model, row_ids, created=created)


def visible_fields(model: TableModel, field_ids: Sequence[int] | None) -> list[Field]:
    if field_ids is None:
        return list(model.fields)
    wanted = set(field_ids)
    return [f for f in model.fields if f.id in wanted]


def fetch(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    row_ids: list[int],
    fields: list[Field] | None = None,
) -> list[Row]:
    """Serialized rows in the order of `row_ids`; missing ids are left out."""
    if not row_ids:
        return []
    fields = list(model.fields) if fields is None else fields
    folded = folded_links(ctx, model, fields, sqlite=ctx.db.is_sqlite)
    with folded.reading(ctx):
        records = model.rows_by_id(conn, fields, row_ids, (folded.key, folded.columns))
    by_id = {r["id"]: r for r in serialize_rows(ctx, conn, model, records, fields)}
    return [by_id[i] for i in row_ids if i in by_id]


Caller = Actor | tokens.TokenKey  # a token key is authenticated together with the table


def _require_versions(
    ctx: Ctx, conn: sa.Connection, model: TableModel, versions: row_etags.Versions | None
) -> None:
    """If-Match on a write: every row named still reads as one of the ETags given."""
    if versions:
        row_etags.require(conn, model, versions, lambda ids: fetch(ctx, conn, model, ids))


def _open(
    ctx: Ctx, conn: sa.Connection, caller: Caller, table_id: int, op: str, *, member: bool = True
) -> TableModel:
    return _open_as(ctx, conn, caller, table_id, op, member=member)[1]


def _open_as(
    ctx: Ctx,
    conn: sa.Connection,
    caller: Caller,
    table_id: int,
    op: str,
    *,
    member: bool = True,
    member_first: bool = False,
) -> tuple[Actor, TableModel]:
    """The caller's actor and the table's model, after the permission check. A token key
    costs one statement (token, grants, membership and table together): a token may only
    reach tables of its own workspace, and its membership there is part of that statement.
    `member=False`: a JWT user's membership is left to the caller (Baserow checks it after
    the body of a row update); `member_first`: a token whose grant fails is first refused
    for its user's membership of the table's workspace (Baserow's order when listing)."""
    if isinstance(caller, tokens.TokenKey):
        actor, found = tokens.authenticate_for_table(
            ctx, conn, caller.key, table_id, writing=op != "read"
        )
        if found is None:
            raise TableDoesNotExist()
        if member_first and actor.token is not None and not actor.token.allows(op, found):
            workspaces.require_member(conn, actor.user.id, found.workspace_id)
        permissions.require_grant(actor, op, found)
        if op != "read":
            found = load.lock_table(conn, found)
        return actor, load.model_for(ctx, conn, found)
    table = load.load_table(conn, table_id)
    if member or caller.token is not None:
        permissions.require(conn, caller, op, table)
    if op != "read":
        table = load.lock_table(conn, table)
    return caller, load.model_for(ctx, conn, table)


def _require_member(conn: sa.Connection, caller: Caller, model: TableModel) -> None:
    """The membership check _open(member=False) left out (a token's was part of it)."""
    if isinstance(caller, Actor) and caller.token is None:
        workspaces.require_member(conn, caller.user.id, model.table.workspace_id)


def readable_model(ctx: Ctx, conn: sa.Connection, caller: Caller, table_id: int) -> TableModel:
    """The table's model once the caller may read its rows, checked as a row list checks."""
    if isinstance(caller, Actor):
        table = load.load_table(conn, table_id)
        # membership first, then a token's grant (a granted token's membership was read
        # with the token)
        if caller.token is None or not caller.token.allows("read", table):
            workspaces.require_member(conn, caller.user.id, table.workspace_id)
        permissions.require(conn, caller, "read", table)
        return load.model_for(ctx, conn, table)
    return _open_as(ctx, conn, caller, table_id, "read", member_first=True)[1]


def list_rows(
    ctx: Ctx, caller: Caller, table_id: int, query: RowQuery, *, parse: Any = None
) -> Page:
    with ctx.db.read() as conn:
        model = readable_model(ctx, conn, caller, table_id)
        if parse is not None:
            query = parse(model)  # the api layer's query parser needs the fields
        fields = visible_fields(model, query.fields)
        t = model.sql
        plan = search_plan(ctx, conn, model, query)
        where: sa.ColumnElement[bool] | None
        # the first page of a whole table: a statement per model (unless a sort reads another
        # table, whose changes do not drop this model); on PostgreSQL it reads the count too
        reads_links = any(
            ctx.field_types.get(model.by_id[s.field_id].type).links_to(model.by_id[s.field_id])
            for s in query.order_by
        )
        if plan is not None:
            count, where = plan.count, plan.where
        else:
            where = filter_clause(ctx, model, query)
            first = where is None and query.page == 1 and query.cursor is None
            if first and not reads_links and not ctx.db.is_sqlite:
                page = _first_page(ctx, conn, model, query, fields, None)
                if page is not None:
                    return page
            count = row_counts.list_count(
                conn, model.table.id, t, where, model.reads_clock, ctx.kept.counts
            )
        if query.page < 1:  # 0 stands for `page=last`: the last page, the first when empty
            query = dataclasses.replace(query, page=max(1, math.ceil(count / query.size)))
        if query.cursor is not None:
            return _keyset_page(ctx, conn, model, query, fields, where, count)
        offset = (query.page - 1) * query.size
        if offset and offset >= count:
            # past the last row: nothing to read (and a page number past SQL's 64-bit
            # OFFSET, ?page=9223372036854775808, never reaches the database)
            return Page(count, [], fields, model, page=query.page)
        if where is None and not offset and not reads_links:
            page = _first_page(ctx, conn, model, query, fields, count)
            assert page is not None
            return page
        if not query.order_by:
            where = walk.short_walk(conn, model, where, count, offset + query.size)
        stmt = sa.select(*model.columns(fields))
        order = order_clauses(ctx, conn, model, query.order_by)
        if deep_pages.use(conn, offset):
            ids = deep_pages.page_ids(ctx, conn, model, query, where, offset)
            stmt = stmt.where(t.c.id.in_(ids))  # an empty list matches nothing
        elif offset:
            # Skip rows in a subquery that reads only ids (the (order, id) index covers the
            # default order), then read whole rows for this page only.
            inner = sa.select(t.c.id)
            if where is not None:
                inner = inner.where(where)
            stmt = stmt.where(t.c.id.in_(inner.order_by(*order).limit(query.size).offset(offset)))
        elif where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(*order).limit(query.size)
        made = _json_rows(ctx, conn, model, query, fields)
        if made is not None:
            found = json_rows.page_json(
                [tuple(r) for r in conn.execute(stmt.with_only_columns(made.column))],
                made.inexact,
            )
            if found is not None:
                return Page(count, [], fields, model, page=query.page, json=found)
        records = list(conn.execute(stmt))
        rows = serialize_rows(ctx, conn, model, records, fields)
        return Page(count, rows, fields, model, page=query.page)


def _json_rows(
    ctx: Ctx, conn: sa.Connection, model: TableModel, query: RowQuery, fields: list[Field]
) -> json_rows.RowJson | None:
    """SQLite: how the page's select reads its rows as JSON, when the caller takes that."""
    if query.json_keys is None or not ctx.db.is_sqlite:
        return None
    return json_rows.row_json(ctx, conn, model, fields, query.json_keys)


def _first_page(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    query: RowQuery,
    fields: list[Field],
    count: int | None,
) -> Page | None:
    """The first page of the whole table, with a statement kept per model. `count` None
    (PostgreSQL): read it with the rows (row_counts.count_columns); None when they give no
    count (no row, or a table without delta rows: the caller counts it)."""
    with_count = count is None
    made = _json_rows(ctx, conn, model, query, fields)
    if made is not None and count is not None:
        found = json_rows.page_json(
            tuples(
                model.sql,
                conn,
                ("page", made.key, query.order_by, query.size),
                lambda: (
                    sa.select(made.column)
                    .order_by(*order_clauses(ctx, conn, model, query.order_by))
                    .limit(query.size)
                ),
                {},
            ),
            made.inexact,
        )
        if found is not None:
            return Page(count, [], fields, model, page=query.page, json=found)
    records = model.records(
        conn,
        ("page", tuple(f.id for f in fields), query.order_by, query.size, with_count),
        lambda: (
            sa.select(
                *model.columns(fields),
                *(row_counts.count_columns(model.table.id) if with_count else ()),
            )
            .order_by(*order_clauses(ctx, conn, model, query.order_by))
            .limit(query.size)
        ),
        {},
    )
    if count is None:
        count = row_counts.counted(conn, model.table.id, records[0]) if records else None
        if count is None:
            return None
    rows = serialize_rows(ctx, conn, model, records, fields)
    return Page(count, rows, fields, model, page=query.page)


def _keyset_page(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    query: RowQuery,
    fields: list[Field],
    where: Any,
    count: int,
) -> Page:
    """The `cursor` extension: the page after the cursor's key, plus the next cursor (None
    after the last row). Reads one row more than the page to know whether more follow."""
    parts = sort_parts(ctx, conn, model, query.order_by)
    spec = [[s.field_id, s.descending, s.sort_type] for s in query.order_by]
    key = keyset.decode(query.cursor or "", spec, len(parts))
    keys = [expr.label(f"_key{i}") for i, (expr, _) in enumerate(parts)]
    stmt = sa.select(*model.columns(fields), *keys).order_by(
        *order_clauses(ctx, conn, model, query.order_by)
    )
    if where is not None:
        stmt = stmt.where(where)
    records: list[Any] = []
    for after in keyset.after(parts, key) if key is not None else [None]:
        try:
            records += conn.execute(
                (stmt.where(after) if after is not None else stmt).limit(
                    query.size + 1 - len(records)
                )
            )
        except sa.exc.StatementError:
            # a key value the column cannot compare with (a forged cursor)
            raise keyset.invalid() from None
        if len(records) > query.size:
            break
    more = len(records) > query.size
    records = records[: query.size]
    next_cursor = None
    if more and records:
        last = records[-1]._mapping
        next_cursor = keyset.encode(spec, [last[f"_key{i}"] for i in range(len(parts))])
    return Page(
        count, serialize_rows(ctx, conn, model, records, fields), fields, model, next_cursor
    )


def get_row(
    ctx: Ctx, caller: Caller, table_id: int, row_id: int, *, metadata: bool = False
) -> tuple[Row, TableModel]:
    """`metadata`: the row's metadata is asked for, which a database token may not (Baserow
    refuses it once the table is found, before the token's grant is checked)."""
    with ctx.db.read() as conn:
        if metadata and isinstance(caller, tokens.TokenKey):
            if tokens.authenticate_for_table(ctx, conn, caller.key, table_id)[1] is None:
                raise TableDoesNotExist()
            raise CannotIncludeRowMetadata()
        model = _open(ctx, conn, caller, table_id, "read")
        found = fetch(ctx, conn, model, [row_id])
        if not found:
            raise RowDoesNotExist([str(row_id)])  # Baserow quotes the id from the URL
        return found[0], model


# --- writes ---------------------------------------------------------------------------------


def _order_for_new(
    conn: sa.Connection,
    model: TableModel,
    before_id: int | None,
    count: int,
    *,
    settled_later: bool = False,
) -> list[Decimal]:
    """Orders for `count` new rows: after the highest (`before_id` None) or between a row
    and the one before it. `settled_later`: one appended row's order is picked without
    waiting for other appends to the table, and the caller settles it (_settle_appended)
    before it answers; several rows wait (settling would move them all, index entries
    included, when appends meet)."""
    if not _settled_later(before_id, count, settled_later):
        load.lock_orders(conn, model.table.id)
    t = model.sql
    if before_id is None:
        highest = records(
            t, conn, "max_order", lambda: sa.select(sa.func.max(t.c.order).label("highest")), {}
        )[0].highest
        # Baserow's get_highest_order_of_queryset: past the highest, rounded up
        start = math.ceil(Decimal(str(highest))) + 1 if highest is not None else 1
        return [Decimal(start + i) for i in range(count)]
    return row_orders.orders_before(conn, model, before_id, count)


def _settled_later(before_id: int | None, count: int, asked: bool) -> bool:
    """Whether new rows' orders are picked without the order lock and settled later."""
    return asked and before_id is None and count == 1


def insert_rows(
    ctx: Ctx,
    conn: sa.Connection,
    table: Table,
    items: Sequence[Any],
    *,
    by_name: bool,
    user_id: int,
    before_id: int | None = None,
    validate: bool = True,
    index_rows: bool = True,
    validated: Callable[[], None] | None = None,
    one_row: bool = False,
    values: Sequence[RowValues] | None = None,
) -> list[int]:
    """Validate all items, then insert them as written by `user_id`; errors are keyed by item
    index for batches. `index_rows=False`: the caller updates the search index (_watch)
    itself, and settles appended rows' orders (finish_creates does both). `validated` is
    called once the items are valid, before anything is written. `one_row`: the single-row
    create endpoint (some checks word errors apart)."""
    model = load.model_for(ctx, conn, table)
    if values is not None:  # validated by the caller (an import, row by row)
        prepared = list(values)
    elif validate:
        prepared = validate_rows(ctx, conn, model, items, by_name, creating=True, one_row=one_row)
    else:
        prepared = [RowValues(dict(raw), {}) for raw in items]
    if validated is not None:
        validated()
    now = ctx.clock()
    # PostgreSQL: one appended row's INSERT picks its order itself (_insert_appended)
    appended = _settled_later(before_id, len(prepared), not index_rows) and not ctx.db.is_sqlite
    orders = (
        None
        if appended
        else _order_for_new(conn, model, before_id, len(prepared), settled_later=not index_rows)
    )
    for field in model.fields:  # server-filled values (autonumber, uuid), one call per batch
        ft = ctx.field_types.get(field.type)
        if ft.fills_new_rows and prepared:
            made = ft.new_values(conn, field, len(prepared))
            for item, generated in zip(prepared, made, strict=True):
                item.columns[field.column_name] = generated
    stamps = {
        "created_on": now,
        "updated_on": now,
        "created_by": user_id,
        "last_modified_by": user_id,
    }
    if orders is None:
        ids = _insert_appended(conn, model, dict(prepared[0].columns, **stamps))
    else:
        rows = [
            dict(values.columns, order=order, **stamps)
            for values, order in zip(prepared, orders, strict=True)
        ]
        ids = _insert_many(conn, model, rows)
    _write_relations(ctx, conn, model, list(zip(ids, prepared, strict=True)))
    if index_rows:
        _watch(ctx, conn, model, ids, created=True)()
    return ids


def update_prepared(
    ctx: Ctx, conn: sa.Connection, model: TableModel, user_id: int,
    changes: Sequence[tuple[int, RowValues]],
) -> None:  # fmt: skip
    """Write values validated by the caller to existing rows, in the caller's transaction
    (an import's upserts: like its created rows, they leave no row history)."""
    ids = [row_id for row_id, _ in changes]
    written = _watch(ctx, conn, model, ids)
    now = ctx.clock()
    _update_many(conn, model, [
        (row_id, dict(values.columns, updated_on=now, last_modified_by=user_id))
        for row_id, values in changes
    ])  # fmt: skip
    _write_relations(ctx, conn, model, list(changes))
    written(read=lambda: fetch(ctx, conn, model, ids))


def _one_item(exc: RequestBodyValidation) -> RequestBodyValidation:
    """A one-row request's error: the detail of its only item, as the single-row endpoints
    word it (validate_rows keys errors by item)."""
    if isinstance(exc, UserFilesDoNotExist):  # one row names its first missing file only
        return UserFilesDoNotExist(exc.names, exc.first, one=True)
    if isinstance(exc.detail, dict) and "items" in exc.detail:
        return RequestBodyValidation(exc.detail["items"]["0"])
    return exc


def _insert_many(conn: sa.Connection, model: TableModel, rows: list[dict[str, Any]]) -> list[int]:
    """Multi-row INSERTs ... RETURNING id per run of rows that set the same columns
    (storage.prepared.insert_values); the ids come back in the rows' order."""
    ids: list[int] = []
    start = 0
    while start < len(rows):
        keys = rows[start].keys()
        end = start + 1
        while end < len(rows) and rows[end].keys() == keys:
            end += 1
        ids.extend(insert_values(conn, model.sql, tuple(keys), rows[start:end], model.sql.c.id))
        start = end
    return ids


def _insert_appended(conn: sa.Connection, model: TableModel, row: dict[str, Any]) -> list[int]:
    """One row appended without the order lock (_settled_later): its INSERT gives it the
    order after the highest, as the statement sees it, a round trip fewer than reading the
    highest first; _settle_appended moves it past any row committed meanwhile."""
    t = model.sql
    keys = tuple(row)

    def build() -> Any:
        after = sa.func.coalesce(sa.func.ceil(sa.func.max(t.c.order)), 0) + 1
        values: dict[str, Any] = {k: sa.bindparam(f"v_{k}", type_=t.c[k].type) for k in keys}
        values["order"] = sa.select(after).scalar_subquery()
        return t.insert().values(values).returning(t.c.id)

    params = {f"v_{k}": value for k, value in row.items()}
    return [r.id for r in model.records(conn, ("insert_appended", keys), build, params)]


# PostgreSQL: a batch of more rows than this is locked in one statement and written in one
# UPDATE per set of changed columns, not a round trip per row
MANY_UPDATES = 2


def _update_many(
    conn: sa.Connection, model: TableModel, changes: list[tuple[int, dict[str, Any]]]
) -> set[int]:
    """One prebuilt UPDATE ... RETURNING id per set of changed columns, run on the raw cursor
    for each row (PostgreSQL, more than MANY_UPDATES rows: _update_locked); returns the ids
    of the rows that exist (and were updated)."""
    if conn.dialect.name != "sqlite" and len(changes) > MANY_UPDATES:
        return _update_locked(conn, model, changes)
    t = model.sql
    updated: set[int] = set()
    # In id order: concurrent batches over the same rows take their row locks in one order
    # (PostgreSQL), so they queue instead of deadlocking.
    for row_id, columns in sorted(changes, key=lambda change: change[0]):
        keys = tuple(columns)

        def build(keys: tuple[str, ...] = keys) -> Any:
            return (
                t.update()
                .where(t.c.id == sa.bindparam("row_id"))
                .values({key: sa.bindparam(f"v_{key}", type_=t.c[key].type) for key in keys})
                .returning(t.c.id)
            )

        params = {"row_id": row_id, **{f"v_{key}": value for key, value in columns.items()}}
        # a Prepared execution costs less than SQLAlchemy's executemany setup
        updated.update(r.id for r in model.records(conn, ("update_returning", keys), build, params))
    return updated


def _update_locked(
    conn: sa.Connection, model: TableModel, changes: list[tuple[int, dict[str, Any]]]
) -> set[int]:
    """PostgreSQL: lock the rows in id order with one SELECT ... FOR UPDATE (concurrent
    batches over the same rows queue instead of deadlocking: a multi-row UPDATE locks in the
    order its join finds them), which also tells which exist, then write them with
    storage.prepared.update_values, one run per set of changed columns."""
    t = model.sql

    def build() -> Any:
        wanted = t.c.id.in_(sa.bindparam("ids", expanding=True))
        return sa.select(t.c.id).where(wanted).order_by(t.c.id).with_for_update()

    ids = [row_id for row_id, _ in changes]
    locked = {r[0] for r in model.records(conn, "lock_rows", build, {"ids": ids})}
    runs: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, columns in changes:
        if row_id in locked:
            runs.setdefault(tuple(columns), []).append({"id": row_id, **columns})
    for keys, rows in runs.items():
        update_values(conn, t, keys, rows)
    return locked


def _write_relations(
    ctx: Ctx, conn: sa.Connection, model: TableModel, pairs: list[tuple[int, RowValues]]
) -> None:
    per_field: dict[int, dict[int, Any]] = {}
    for row_id, values in pairs:
        for field_id, value in values.relations.items():
            per_field.setdefault(field_id, {})[row_id] = value
    for field_id, by_row in per_field.items():
        field = model.by_id[field_id]
        ctx.field_types.get(field.type).write_relation(
            conn, field, model.relations[field_id], by_row
        )


# a callable parses the body after authentication
Items = Sequence[Any] | Callable[[], Sequence[Any]]


def create_rows(
    ctx: Ctx,
    caller: Caller,
    table_id: int,
    items: Items,
    *,
    by_name: bool,
    before_id: int | Callable[[], int | None] | None = None,
    send_events: bool = True,
    batch: bool = False,
) -> tuple[list[Row], TableModel]:
    with ctx.db.write(group=True) as conn:
        # a batch is read before membership is checked, one row after (Baserow's order)
        actor, model = _open_as(ctx, conn, caller, table_id, "create", member=not batch)
        if callable(items):
            items = items()
        if callable(before_id):
            before_id = before_id()
        try:
            ids = insert_rows(
                ctx,
                conn,
                model.table,
                items,
                by_name=by_name,
                user_id=actor.user.id,  # a token writes as its owner
                before_id=before_id,
                index_rows=False,
                validated=(lambda: _require_member(conn, caller, model)) if batch else None,
                one_row=not batch,
            )
        except RequestBodyValidation as exc:
            raise exc if batch else _one_item(exc) from None
        return finish_creates(
            ctx, conn, model, actor, ids,
            batch=batch, send_events=send_events, before_id=before_id,
        )  # fmt: skip


def finish_creates(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    actor: Actor,
    ids: list[int],
    *,
    batch: bool,
    send_events: bool,
    before_id: int | None,
) -> tuple[list[Row], TableModel]:
    """After insert_rows(index_rows=False): read the new rows back, index them, record their
    history, settle the order of one row appended (see _settled_later) and enqueue
    rows.created, in the caller's transaction."""
    model = load.model_for(ctx, conn, model.table)
    created = fetch(ctx, conn, model, ids)
    # before the index: a linked row's document lists its links in row order
    if _settled_later(before_id, len(created), True):
        _settle_appended(conn, model, created[0])
    # the index reads the rows just fetched
    _watch(ctx, conn, model, ids, created=True)(created)
    if row_history.enabled(ctx):
        row_history.record_creates(ctx, conn, model, actor.user, created, batch)
    _emit(ctx, conn, "rows.created", model, send_events, rows=created)
    return created, model


def _settle_appended(conn: sa.Connection, model: TableModel, row: Row) -> None:
    """PostgreSQL: a row appended with its order picked without waiting (the highest + 1,
    as its transaction saw it) takes the order lock now, once read back, and so until
    commit: if a row committed meanwhile has an order as high as its own (an append or a
    move to the end picked at the same time), it moves past it, and `row` shows its new
    order. Before anything that shows its order is written (the documents of the rows it
    links list them in row order). The lock is thus held for the end of the transaction
    only, not from the INSERT on, so single-row creates into one table do not wait for each
    other's validation, INSERT and read-back. SQLite: writes are one at a time."""
    if conn.dialect.name == "sqlite":
        return
    load.lock_orders(conn, model.table.id)
    t = model.sql

    def build() -> Any:
        row_id = sa.bindparam("id", type_=t.c.id.type)
        others = t.alias("others")
        highest = sa.select(sa.func.max(others.c.order)).where(others.c.id != row_id)
        past = sa.func.ceil(highest.scalar_subquery()) + 1
        return (
            t.update()
            .where(t.c.id == row_id, t.c.order < past)
            .values(order=past)
            .returning(t.c.order)
        )

    # (a statement of its own after the lock, so that it sees what committed meanwhile)
    moved = model.records(conn, "settle_order", build, {"id": row["id"]})
    if moved:
        row["order"] = format_order(moved[0].order)


def update_rows(
    ctx: Ctx,
    caller: Caller,
    table_id: int,
    items: Items,
    *,
    by_name: bool,
    send_events: bool = True,
    batch: bool = False,
    versions: row_etags.Versions | None = None,
) -> tuple[list[Row], TableModel]:
    """items: (row id, raw values) pairs given as {"id": ..., ...values}. `versions`: the
    ETags (If-Match) the rows must still have, checked atomically with the write."""
    with ctx.db.write(group=True) as conn:
        # the body is read before membership is checked (Baserow's order)
        actor, model = _open_as(ctx, conn, caller, table_id, "update", member=False)
        if callable(items):
            items = items()
        ids = [int(item["id"]) for item in items]
        values = [{k: v for k, v in item.items() if k != "id"} for item in items]
        try:
            prepared = validate_rows(ctx, conn, model, values, by_name, creating=False)
        except RequestBodyValidation as exc:
            raise exc if batch else _one_item(exc) from None
        _require_member(conn, caller, model)
        # after the values, as Baserow (prepare_rows_in_bulk, then the unique ids check)
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RowIdsNotUnique(duplicates)
        _require_versions(ctx, conn, model, versions)
        return apply_updates(ctx, conn, model, actor, ids, prepared, send_events=send_events), model


def apply_updates(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    actor: Actor,
    ids: list[int],
    prepared: list[RowValues],
    *,
    send_events: bool,
) -> list[Row]:
    """Write validated values to existing rows (ids unique) in the caller's transaction:
    index, history and rows.updated with the old rows; RowDoesNotExist for a missing one."""
    listened = events.listens(ctx, conn, model.table, "rows.updated")
    history = row_history.enabled(ctx)
    touched = row_history.touched_fields(
        model, [[*v.columns, *(f"field_{i}" for i in v.relations)] for v in prepared]
    )
    if listened:
        old = fetch(ctx, conn, model, ids)
    elif history:  # only the fields written: the history compares nothing else
        old = fetch(ctx, conn, model, ids, list({f.id: f for t in touched for f in t}.values()))
    else:
        old = []
    written = _watch(ctx, conn, model, ids)
    now = ctx.clock()
    changes = [
        (row_id, dict(values.columns, updated_on=now, last_modified_by=actor.user.id))
        for row_id, values in zip(ids, prepared, strict=True)
    ]
    existing = _update_many(conn, model, changes)  # tells which rows exist: no query of its own
    missing = [i for i in ids if i not in existing]
    if missing:
        raise RowDoesNotExist(missing)  # the transaction (or the group member) rolls back
    _write_relations(ctx, conn, model, list(zip(ids, prepared, strict=True)))
    updated = written(read=lambda: fetch(ctx, conn, model, ids))  # indexed as read
    if history:
        row_history.record_updates(ctx, conn, model, actor.user, old, updated, touched)
    if listened:
        _emit(ctx, conn, "rows.updated", model, send_events, rows=updated, old_rows=old)
    return updated


def delete_rows(
    ctx: Ctx,
    actor: Actor,
    table_id: int,
    ids: list[int],
    *,
    send_events: bool = True,
    batch: bool = True,
    versions: row_etags.Versions | None = None,
) -> None:
    """Moves the rows to the trash (core.trash): one "rows" entry for a batch, a "row" one
    for the single-row endpoint (`batch=False`). `versions` as for update_rows."""
    with ctx.db.write(group=True) as conn:
        model = _open(ctx, conn, actor, table_id, "delete")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RowIdsNotUnique(duplicates)
        t = model.sql
        existing = _existing(conn, model, ids)
        missing = [i for i in ids if i not in existing]
        if missing:
            raise RowDoesNotExist(missing)
        _require_versions(ctx, conn, model, versions)
        # the rows.deleted body names the ids only: the rows before are not read
        listened = events.listens(ctx, conn, model.table, "rows.deleted")
        if row_history.enabled(ctx):  # an entry each; the rows they link lose them
            links = row_history.link_fields(ctx, model)
            linked = fetch(ctx, conn, model, ids, links) if links else [{"id": i} for i in ids]
            row_history.record_deletes(ctx, conn, model, actor.user, linked, batch)
        written = _watch(ctx, conn, model, ids)
        trash.trash_rows(ctx, conn, actor.user, model, ids, batch=batch)
        for field_id, junction in model.relations.items():
            field = model.by_id[field_id]
            ctx.field_types.get(field.type).write_relation(
                conn, field, junction, dict.fromkeys(ids)
            )
        unlink_rows(conn, table_id, ids)
        # RETURNING: a concurrent delete that committed after _existing read the row leaves
        # nothing for this one (PostgreSQL), and a row is deleted by one request only
        deleted = set(conn.execute(t.delete().where(t.c.id.in_(ids)).returning(t.c.id)).scalars())
        if len(deleted) != len(ids):
            raise RowDoesNotExist([i for i in ids if i not in deleted])
        written()
        if listened:
            _emit(ctx, conn, "rows.deleted", model, send_events, row_ids=ids)


def move_row(
    ctx: Ctx,
    actor: Actor,
    table_id: int,
    row_id: int,
    before_id: int | None,
    *,
    send_events: bool = True,
    versions: row_etags.Versions | None = None,
) -> tuple[Row, TableModel]:
    with ctx.db.write(group=True) as conn:
        model = _open(ctx, conn, actor, table_id, "update")
        t = model.sql
        if conn.execute(sa.select(t.c.id).where(t.c.id == row_id)).first() is None:
            raise RowDoesNotExist([str(row_id)])  # Baserow quotes the id from the URL
        _require_versions(ctx, conn, model, versions)
        old = fetch(ctx, conn, model, [row_id])
        # before itself too, as Baserow 1.35.3 does: between the row ahead of it and itself
        order = _order_for_new(conn, model, before_id, 1)[0]
        moved_id = conn.execute(
            t.update()
            .where(t.c.id == row_id)
            .values(order=order, updated_on=ctx.clock())
            .returning(t.c.id)
        ).scalar()
        if moved_id is None:  # deleted meanwhile by a transaction that committed (PostgreSQL)
            raise RowDoesNotExist([str(row_id)])
        _watch(ctx, conn, model, [row_id])()  # a last-modified field shows the new time
        moved = fetch(ctx, conn, model, [row_id])
        _emit(ctx, conn, "rows.updated", model, send_events, rows=moved, old_rows=old)
        return moved[0], model

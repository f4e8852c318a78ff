"""Row values: client JSON -> validated column/junction values, and stored rows -> JSON.

Imports: fields (types), models.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gridbase.core import table_model
from gridbase.core.context import Ctx
from gridbase.core.table_model import TableModel
from gridbase.errors import GridbaseError, RequestBodyValidation, field_error
from gridbase.fields.base import FieldValueError, ValueContext
from gridbase.fields.display import value_text
from gridbase.models import Field
from gridbase.storage import row_counts, schema, snapshots

LINKED_TABLES_KEPT = 4  # linked tables whose primary texts a connection keeps
LINKED_TEXTS_KEPT = 2_048  # texts kept per linked table (about 0.5 MB)

FIELD_KEY = re.compile(r"^(?:field_)?(\d+)$")


@dataclass
class RowValues:
    columns: dict[str, Any]  # column name -> value for the row table
    relations: dict[int, Any]  # field id -> value for its junction table


def format_order(order: Any) -> str:
    return f"{Decimal(str(order)):.20f}"


@dataclass(frozen=True)
class _Keys:
    """How a model's fields are named in a request body, and where their values go."""

    by_name: dict[str, Field]
    by_key: dict[str, Field]  # the usual spellings: "field_<id>" and "<id>"
    in_columns: frozenset[int]  # ids of the fields stored in a column of the row table


def _keys(model: TableModel) -> _Keys:
    found: _Keys | None = model.memo.get("keys")
    if found is None:
        by_key = {f"field_{f.id}": f for f in model.fields} | {str(f.id): f for f in model.fields}
        columns = model.sql.c
        found = model.memo["keys"] = _Keys(
            {f.name: f for f in model.fields},
            by_key,
            frozenset(f.id for f in model.fields if f.column_name in columns),
        )
    return found


def resolve_keys(
    model: TableModel, raw: Mapping[str, Any], by_name: bool
) -> list[tuple[Field, str, Any]]:
    """(field, key as sent, value) for every key that names a field; other keys are ignored."""
    out = []
    keys = _keys(model)
    if by_name:
        names = keys.by_name
        for key, value in raw.items():
            if key in names:
                out.append((names[key], key, value))
        return out
    by_key, by_id = keys.by_key, model.by_id
    for key, value in raw.items():
        field = by_key.get(key)
        if field is None:  # another spelling of an id ("field_007") or no field at all
            match = FIELD_KEY.match(str(key))
            field = by_id.get(int(match.group(1))) if match else None
        if field is not None:
            out.append((field, key, value))
    return out


def _defaults(ctx: Ctx, model: TableModel) -> tuple[tuple[Field, bool, Any], ...]:
    """(field, stored in a column, default) for every field whose default is not None."""
    found: tuple[tuple[Field, bool, Any], ...] | None = model.memo.get("defaults")
    if found is None:
        in_columns = _keys(model).in_columns
        pairs = ((f, ctx.field_types.get(f.type).default(f)) for f in model.fields)
        found = model.memo["defaults"] = tuple(
            (f, f.id in in_columns, d) for f, d in pairs if d is not None
        )
    return found


def validate_row(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    raw: Mapping[str, Any],
    by_name: bool,
    *,
    creating: bool,
    vc: ValueContext | None = None,
) -> RowValues:
    """Validate every given value; raise one RequestBodyValidation listing all bad fields."""
    if not isinstance(raw, Mapping):
        kind = "list" if isinstance(raw, list) else type(raw).__name__
        raise RequestBodyValidation(
            {
                "non_field_errors": field_error(
                    f"Invalid data. Expected a dictionary, but got {kind}."
                )
            }
        )
    vc = vc or value_context(ctx, conn)  # a batch shares one (it caches linked tables)
    values = RowValues({}, {})
    errors: dict[str, Any] = {}
    given = resolve_keys(model, raw, by_name)
    in_columns = _keys(model).in_columns  # the other fields live in junction tables
    types = ctx.field_types
    for field, key, value in given:
        ft = types.get(field.type)
        if ft.read_only:
            raise RequestBodyValidation(
                f"Field of type {field.type} is read only and should not be set manually."
            )
        try:
            clean = ft.validate(field, value, vc)
        except FieldValueError as exc:
            errors[key] = field_error(exc.message, exc.code)
            continue
        if field.id in in_columns:
            values.columns[field.column_name] = clean
        else:
            values.relations[field.id] = clean
    if errors:
        raise RequestBodyValidation(errors)
    if creating:
        seen = {f.id for f, _, _ in given}
        for field, in_column, default in _defaults(ctx, model):
            if field.id not in seen:
                if isinstance(default, list):
                    default = list(default)  # each row its own (they are shared per model)
                if in_column:
                    values.columns[field.column_name] = default
                else:
                    values.relations[field.id] = default
    return values


def serialize_rows(
    ctx: Ctx, conn: sa.Connection, model: TableModel, records: list[Any], fields: list[Field]
) -> list[dict[str, Any]]:
    """Stored rows -> Baserow row JSON keyed `field_<id>` (api renames keys for names)."""
    ids = [r.id for r in records]
    relation_values: dict[int, dict[int, Any]] = {}
    for field in fields:
        junction = model.relations.get(field.id)
        if junction is not None and ids:
            ft = ctx.field_types.get(field.type)
            relation_values[field.id] = ft.load_relation(conn, field, junction, ids)
            target = ft.links_to(field)
            if target is not None:
                relation_values[field.id] = link_values(
                    ctx, conn, target, relation_values[field.id]
                )
    # Where each field's value is: its junction values, a position in the row tuple, or nowhere.
    positions = {name: i for i, name in enumerate(records[0]._fields)} if records else {}
    plan = [
        (
            f,
            ctx.field_types.get(f.type),
            f.column_name,
            relation_values.get(f.id),
            positions.get(f.column_name),
        )
        for f in fields
    ]
    out = []
    for record in records:
        row_id = record.id
        row: dict[str, Any] = {"id": row_id, "order": format_order(record.order)}
        for field, ft, name, related, position in plan:
            if related is not None:
                row[name] = ft.serialize(field, related.get(row_id))
            elif position is not None:
                row[name] = ft.serialize(field, record[position])
            else:
                row[name] = ft.serialize(field, None)
        out.append(row)
    return out


# --- linked rows -------------------------------------------------------------------------


def value_context(ctx: Ctx, conn: sa.Connection) -> ValueContext:
    return ValueContext(conn, LinkedRows(ctx, conn))


def _model(ctx: Ctx, conn: sa.Connection, table_id: int) -> TableModel:
    return table_model.model_for(ctx, conn, table_model.load_table(conn, table_id))


def primary_texts(
    ctx: Ctx, conn: sa.Connection, model: TableModel, row_ids: list[int]
) -> dict[int, tuple[Any, str]]:
    """row id -> (order, primary value as text) for the rows of `model` that exist."""
    return _primary_texts(ctx, conn, model, row_ids)[0]


def _primary_texts(
    ctx: Ctx, conn: sa.Connection, model: TableModel, row_ids: list[int], *, versioned: bool = False
) -> tuple[dict[int, tuple[Any, str]], int | None]:
    """primary_texts, and with `versioned` the table's schema version as the statement saw
    it (None when no row was found)."""
    out: dict[int, tuple[Any, str]] = {}
    version = None
    primary = model.primary
    t = model.sql

    def build() -> sa.Select[Any]:
        columns = _select_for(model, primary)
        if versioned:
            tables = schema.database_tables
            columns.append(
                sa.select(tables.c.schema_version)
                .where(tables.c.id == model.table.id)
                .scalar_subquery()
                .label("table_version")
            )
        return sa.select(*columns).where(t.c.id.in_(sa.bindparam("ids", expanding=True)))

    unique = list(dict.fromkeys(row_ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        records = model.records(conn, ("primary_texts", versioned), build, {"ids": chunk})
        texts = (
            serialize_rows(ctx, conn, model, records, [primary])
            if primary is not None
            else [{"id": r.id, "order": format_order(r.order)} for r in records]
        )
        for record, row in zip(records, texts, strict=True):
            text = value_text(row.get(primary.column_name)) if primary is not None else ""
            out[record.id] = (row["order"], text or f"unnamed row {record.id}")
            version = record.table_version if versioned else None
    return out, version


def _linked_texts(
    ctx: Ctx, conn: sa.Connection, table_id: int, row_ids: list[int]
) -> dict[int, tuple[Any, str]]:
    """primary_texts of a linked table, kept on the connection while they cannot have
    changed: rows link to the same few rows of another table again and again, so most reads,
    and most writes' read-backs, find every text kept and run no statement (see _texts_key).
    Texts of a primary that reads the clock (a formula with today()) are not kept."""
    key = _texts_key(ctx, conn, table_id)  # read before the texts
    known: dict[int, tuple[Any, str]] = {}
    if key is not None:
        kept: OrderedDict[int, tuple[Any, dict[int, tuple[Any, str]]]] = conn.info.setdefault(
            "linked_texts", OrderedDict()
        )
        entry = kept.get(table_id)
        if entry is None or entry[0] != key:
            entry = kept[table_id] = (key, {})
        kept.move_to_end(table_id)
        if len(kept) > LINKED_TABLES_KEPT:
            kept.popitem(last=False)
        known = entry[1]
    missing = [i for i in dict.fromkeys(row_ids) if i not in known]
    if not missing:
        return known
    found = _read_linked_texts(ctx, conn, table_id, missing)
    model = ctx.models.get(table_id)  # the linked table's current model once its texts were read
    if (
        key is None
        or model is None
        or model[1].reads_clock
        or (key[0] == "rows" and not model[1].primary_stored)
    ):
        return {**known, **found}
    if len(known) + len(found) > LINKED_TEXTS_KEPT:
        known.clear()  # (what one read needs is kept however many)
    known.update(found)
    return known


def _texts_key(ctx: Ctx, conn: sa.Connection, table_id: int) -> tuple[Any, ...] | None:
    """What a linked table's texts, kept on this connection, are valid for (SQLite only):
    - a primary stored in the row (text, number, select, ...): that table's rows and the
      metadata (schema, select options; row_counts.rows_key), on any connection, also the
      writer's, across writes to other tables;
    - any other primary (a formula may read other tables): the read snapshot
      (storage.snapshots), on read connections only, until any write.
    Which one is decided from the cached model and checked again against the model the
    texts were read with."""
    cached = ctx.models.get(table_id)
    if cached is not None and cached[1].primary_stored:
        held = row_counts.rows_key(conn, table_id)
        if held is not None:
            return ("rows", *held)
    version = snapshots.version(conn)
    return None if version is None else ("snapshot", version)


def _read_linked_texts(
    ctx: Ctx, conn: sa.Connection, table_id: int, row_ids: list[int]
) -> dict[int, tuple[Any, str]]:
    """On SQLite the linked table's cached model goes first, with the table's schema version
    read by the same statement: one statement instead of two (the table row, then the
    texts) while that schema holds still; otherwise the usual way."""
    cached = ctx.models.get(table_id)
    # a failed statement would end a PostgreSQL transaction
    if cached is not None and conn.dialect.name == "sqlite":
        version, model = cached
        try:
            texts, seen = _primary_texts(ctx, conn, model, row_ids, versioned=True)
        except sa.exc.OperationalError:  # a column the cached model names is gone
            pass
        else:
            if seen is None or seen == version:  # no row found: there is nothing to name either way
                return texts
    return primary_texts(ctx, conn, _model(ctx, conn, table_id), row_ids)


def _select_for(model: TableModel, field: Field | None) -> list[sa.ColumnElement[Any]]:
    t = model.sql
    columns: list[sa.ColumnElement[Any]] = [t.c.id, t.c.order]
    expr = model.expression(field.id) if field is not None else None
    if field is not None and expr is not None:
        columns.append(expr.label(field.column_name))
    return columns


def link_values(
    ctx: Ctx, conn: sa.Connection, target: int, linked: dict[int, list[int]]
) -> dict[int, list[dict[str, Any]]]:
    """row id -> [{"id", "value", "order"}] of its linked rows, in the linked table's order."""
    every = [i for ids in linked.values() for i in ids]
    if not every:
        return {row_id: [] for row_id in linked}
    texts = _linked_texts(ctx, conn, target, every)  # (may hold many more texts, kept)
    # Once per linked row, not per link, and only for these rows.
    rank = {i: (Decimal(texts[i][0]), i) for i in dict.fromkeys(every) if i in texts}
    out = {}
    for row_id, ids in linked.items():
        found = [i for i in dict.fromkeys(ids) if i in texts]
        found.sort(key=rank.__getitem__)
        out[row_id] = [{"id": i, "value": texts[i][1], "order": texts[i][0]} for i in found]
    return out


class LinkedRows:
    """What link-row validation asks of a linked table, answered with bound-value queries."""

    def __init__(self, ctx: Ctx, conn: sa.Connection) -> None:
        self.ctx = ctx
        self.conn = conn
        self.models: dict[int, TableModel] = {}  # one lookup per linked table per request
        # linked table id -> (ids already looked up, those of them that exist)
        self.known: dict[int, tuple[set[int], set[int]]] = {}

    def model(self, table_id: int) -> TableModel:
        if table_id not in self.models:
            self.models[table_id] = _model(self.ctx, self.conn, table_id)
        return self.models[table_id]

    def existing(self, table_id: int, ids: list[int]) -> set[int]:
        known = self.known.get(table_id)
        if known is not None and all(i in known[0] for i in ids):
            return {i for i in ids if i in known[1]}
        return self._lookup(table_id, ids)

    def _lookup(self, table_id: int, ids: list[int]) -> set[int]:
        model = self.model(table_id)
        t = model.sql
        stmt = model.statement(
            ("existing",),
            lambda: sa.select(t.c.id).where(t.c.id.in_(sa.bindparam("ids", expanding=True))),
        )
        found: set[int] = set()
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            found.update(self.conn.execute(stmt, {"ids": unique[start : start + 500]}).scalars())
        checked, present = self.known.setdefault(table_id, (set(), set()))
        checked.update(unique)
        present.update(found)
        return found & set(ids)

    def prefetch(self, model: TableModel, items: Any, by_name: bool) -> None:
        """Look up every integer link id a batch names, one query per linked table, so
        validating each row answers from memory instead of querying once per row."""
        wanted: dict[int, list[int]] = {}
        for raw in items:
            if not isinstance(raw, Mapping):
                continue
            for field, _, value in resolve_keys(model, raw, by_name):
                target = self.ctx.field_types.get(field.type).links_to(field)
                if target is None:
                    continue
                values = value if isinstance(value, list) else [value]
                wanted.setdefault(target, []).extend(
                    v for v in values if isinstance(v, int) and not isinstance(v, bool)
                )
        for target, ids in wanted.items():
            if ids:
                try:
                    self._lookup(target, ids)
                except GridbaseError:  # e.g. a missing linked table: validation reports it
                    continue

    def named(self, table_id: int, names: list[str]) -> dict[str, int]:
        """name -> id of the first row (by id) whose primary value reads as that name."""
        model = self.model(table_id)
        primary = model.primary
        expr = model.expression(primary.id) if primary is not None else None
        if expr is None:
            return {}
        t = model.sql
        ft = self.ctx.field_types.get(primary.type)
        is_text = ft.stores_text and ft.value_kind(primary) == "text"
        text = expr if is_text else sa.cast(expr, sa.Text)
        out: dict[str, int] = {}
        wanted = list(dict.fromkeys(names))
        stmt = sa.select(t.c.id, text.label("name")).where(text.in_(wanted)).order_by(t.c.id.desc())
        for row_id, name in self.conn.execute(stmt):
            out[str(name)] = row_id
        return out

"""Row values: client JSON -> validated column and junction values (reading rows back is
usertable.read).

Imports: core.context, errors, fields, models, usertable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.errors import (
    GridbaseError,
    RequestBodyValidation,
    UserFilesDoNotExist,
    field_error,
)
from gridbase.fields.base import IGNORED, FieldValueError, ValueContext
from gridbase.models import Field
from gridbase.usertable.load import model_of
from gridbase.usertable.model import TableModel

FIELD_KEY = re.compile(r"^(?:field_)?(\d+)$")


@dataclass
class RowValues:
    columns: dict[str, Any]  # column name -> value for the row table
    relations: dict[int, Any]  # field id -> value for its junction table


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
    raw: object,
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
    missing: list[str] = []  # user files named by no upload
    read_only: Field | None = None
    for field, key, value in given:
        ft = types.get(field.type)
        try:
            # a read-only field's value too (Baserow: its serializer first, then refused)
            clean = ft.validate(field, value, vc)
        except FieldValueError as exc:
            errors[key] = (
                exc.detail if exc.detail is not None else field_error(exc.message, exc.code)
            )
            continue
        except UserFilesDoNotExist as exc:  # answered after the format errors, as Baserow does
            missing += exc.names
            continue
        if ft.read_only:
            read_only = read_only or field
            continue
        if clean is IGNORED:
            continue
        if field.id in in_columns:
            values.columns[field.column_name] = clean
        else:
            values.relations[field.id] = clean
    if errors:
        raise RequestBodyValidation(errors)
    if missing:
        raise UserFilesDoNotExist(missing, one=True)
    if read_only is not None:
        raise RequestBodyValidation(
            f"Field of type {read_only.type} is read only and should not be set manually."
        )
    if creating:
        seen = {f.id for f, _, _ in given}  # an IGNORED value stays unset, as Baserow skips it
        for field, in_column, default in _defaults(ctx, model):
            if field.id not in seen:
                if isinstance(default, list):
                    default = list(default)  # each row its own (they are shared per model)
                if in_column:
                    values.columns[field.column_name] = default
                else:
                    values.relations[field.id] = default
    return values


# --- linked rows -------------------------------------------------------------------------


def validate_rows(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    items: Sequence[object],
    by_name: bool,
    *,
    creating: bool,
    one_row: bool = False,
) -> list[RowValues]:
    """validate_row for every item of a request, sharing one value context (a batch looks
    its linked rows up once); one RequestBodyValidation lists every bad item by index. Then
    the checks of types that validate a request's values together. `one_row`: the
    single-row create endpoint."""
    vc = value_context(ctx, conn, one_row=one_row)
    if len(items) > 1:
        vc.rows.prefetch(model, items, by_name)  # one existence query per linked table
    prepared: list[RowValues] = []
    errors: dict[str, Any] = {}
    missing: set[str] = set()  # user files named by any item (Baserow names them all)
    first: list[str] | None = None  # ... and the one a single-row write names
    for index, raw in enumerate(items):
        try:
            prepared.append(validate_row(ctx, conn, model, raw, by_name, creating=creating, vc=vc))
        except UserFilesDoNotExist as exc:
            missing.update(exc.names)
            first = first or exc.first
        except RequestBodyValidation as exc:
            if not isinstance(exc.detail, dict):
                raise  # a value that names no row or option answers as it is
            errors[str(index)] = exc.detail
    if errors:
        raise RequestBodyValidation({"items": errors})
    if missing:
        raise UserFilesDoNotExist(sorted(missing), first)
    _validate_together(ctx, model, prepared, vc)
    return prepared


def _validate_together(
    ctx: Ctx, model: TableModel, prepared: list[RowValues], vc: ValueContext
) -> None:
    for field in model.fields:
        ft = ctx.field_types.get(field.type)
        if not ft.validates_together:
            continue
        name = field.column_name
        values = [
            p.columns[name] if name in p.columns else p.relations[field.id]
            for p in prepared
            if name in p.columns or field.id in p.relations
        ]
        if values:
            ft.validate_together(field, values, vc)


class LinkedValueContext(ValueContext):
    """A value context whose linked rows can also be looked up ahead for a whole batch."""

    rows: LinkedRows


def value_context(ctx: Ctx, conn: sa.Connection, *, one_row: bool = False) -> LinkedValueContext:
    return LinkedValueContext(conn, LinkedRows(ctx, conn), one_row=one_row)


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
            self.models[table_id] = model_of(self.ctx, self.conn, table_id)
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
        if primary is None or expr is None:
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

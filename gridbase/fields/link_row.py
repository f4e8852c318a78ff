"""The link_row field type: links to rows of another table of the same database.

Links live in one junction table `database_relation_<relation_id>` (columns `row_id` for the
rows of the table whose field created it, `target_id` for the linked table's rows), shared
by the field and its related field in the linked table (`link_row_reversed` flips the
columns). Reading a link needs the linked table's primary values; core supplies them
(`links_to` names the table, `serialize` gets `[{"id", "value", "order"}]`).
Imports: errors, fields (base, field_json, names, props), formula, models, storage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import ClauseAdapter

from gridbase import formula as fl
from gridbase.errors import (
    LinkRowTableNotInSameDatabase,
    LinkRowTableNotProvided,
    RequestBodyValidation,
    TableDoesNotExist,
)
from gridbase.fields.base import (
    NUMBER_KINDS,
    SORTABLE,
    FieldContext,
    FieldType,
    FieldValueError,
    SortKey,
    ValueContext,
    as_items,
    each_item,
    formula_infos,
)
from gridbase.fields.field_json import field_json
from gridbase.fields.names import unused_name
from gridbase.fields.props import Prop, check_bool, check_id
from gridbase.models import Field
from gridbase.storage import collation, ddl, trash_store
from gridbase.storage import schema as s
from gridbase.storage.kept import meta_clock
from gridbase.storage.kept.versions import bump_version
from gridbase.storage.prepared import records
from gridbase.storage.types import Id

CHUNK = 500
NO_MATCH = "The provided text value '{}' doesn't match any row in the linked table."


def junction_name(field: Field) -> str:
    return f"database_relation_{int(field.props.get('link_row_relation_id') or field.id)}"


def sides(field: Field) -> tuple[str, str]:
    """(column holding this table's row ids, column holding the linked table's row ids)."""
    return (
        ("target_id", "row_id") if field.props.get("link_row_reversed") else ("row_id", "target_id")
    )


def junction_table(field: Field, metadata: sa.MetaData) -> sa.Table:
    relation = int(field.props.get("link_row_relation_id") or field.id)
    return sa.Table(
        junction_name(field),
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("row_id", Id, nullable=False),
        sa.Column("target_id", Id, nullable=False),
        sa.Index(f"idx_rel{relation}_row", "row_id", "target_id"),
        sa.Index(f"idx_rel{relation}_target", "target_id"),
    )


def _table_row(conn: sa.Connection, table_id: int) -> Any:
    t, a = s.database_tables, s.applications
    return conn.execute(
        sa.select(t.c.id, t.c.name, t.c.database_id, a.c.workspace_id)
        .join(a, a.c.id == t.c.database_id)
        .where(t.c.id == table_id, s.live_table(t))
    ).first()


def _as_list(stored: Any) -> list[Any]:
    return list(stored or [])


class LinkRowFieldType(FieldType):
    type = "link_row"

    def history_value(self, field: Field, value: Any) -> tuple[Any, dict[str, Any]]:
        links = [r for r in value or [] if isinstance(r, dict)]
        linked = {str(r["id"]): {"value": r.get("value")} for r in links}
        return [r["id"] for r in links], {
            "linked_rows": linked,
            "linked_table_id": field.props.get("link_row_table_id"),
            "linked_field_id": field.props.get("link_row_related_field_id"),
        }

    kind = "array"
    # Baserow 1.35.3 keeps no value in a change to or from a link (asked: text "B" to a link
    # to a table with a row "B" gives no link; a link to text gives null)
    keeps_values = False
    formula_kind = None  # an array of the linked rows' texts, knowing the linked fields
    sort_types = SORTABLE  # by the linked rows' primary values
    can_be_primary = False
    props = (
        Prop("link_row_table_id", None, check_id("link_row_table_id")),
        Prop(
            "link_row_multiple_relationships", True, check_bool("link_row_multiple_relationships")
        ),
        Prop(
            "link_row_limit_selection_view_id", None, check_id("link_row_limit_selection_view_id")
        ),
        Prop("has_related_field", True, check_bool("has_related_field"), write_only=True),
    )

    # --- schema ---------------------------------------------------------------------------
    def clean_props(
        self, raw: Mapping[str, Any], current: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        if "link_row_table_id" not in raw and "link_row_table" in raw:
            raw = dict(raw, link_row_table_id=raw["link_row_table"])
        return super().clean_props(raw, current)

    def props_json(self, field: Field) -> dict[str, Any]:
        p = field.props
        return {
            "link_row_table_id": p.get("link_row_table_id"),
            "link_row_table": p.get("link_row_table_id"),
            "link_row_related_field_id": p.get("link_row_related_field_id"),
            "link_row_related_field": p.get("link_row_related_field_id"),
            "link_row_limit_selection_view_id": p.get("link_row_limit_selection_view_id"),
            "link_row_multiple_relationships": p.get("link_row_multiple_relationships", True),
        }

    def extra_json(self, ctx: FieldContext, field: Field) -> dict[str, Any]:
        """`link_row_table_primary_field`: the linked table's primary field as field JSON."""
        target = self.links_to(field)
        with ctx.db.read() as conn:
            table = _table_row(conn, target) if target is not None else None
            primary = (
                next((f for f in ctx.fields_of(conn, table.id) if f.primary), None)
                if table
                else None
            )
        if table is None or primary is None:
            return {"link_row_table_primary_field": None}
        body = field_json(ctx, primary, table.database_id, table.workspace_id, extra=False)
        return {"link_row_table_primary_field": body}

    def formula_info(
        self, ctx: FieldContext, field: Field, conn: sa.Connection | None
    ) -> fl.FieldInfo | None:
        target = self.links_to(field)
        if conn is None or target is None:
            return None
        model = ctx.model_of(conn, target)
        primary = model.primary
        return fl.FieldInfo(
            "array",
            array_formula_type="text",
            link_fields=formula_infos(ctx, {f.name: f for f in model.fields}, None),
            link_primary=primary.name if primary else None,
            link_table_name=model.table.name,
        )

    def _check_target(self, conn: sa.Connection, field: Field) -> Any:
        target_id = field.props.get("link_row_table_id")
        if target_id is None:
            raise LinkRowTableNotProvided("The `link_row_table_id` must be provided.")
        target = _table_row(conn, target_id)
        if target is None:  # Baserow looks the table up first: 404, whatever the id
            raise TableDoesNotExist()
        own = _table_row(conn, field.table_id)
        if own is None or target.database_id != own.database_id:
            raise LinkRowTableNotInSameDatabase(
                f"The link row table {target_id} is not in the same database."
            )
        return own

    def after_create(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        own = self._check_target(conn, field)
        props = dict(
            field.props,
            link_row_relation_id=field.id,
            link_row_reversed=False,
            link_row_related_field_id=None,
        )
        props.pop("has_related_field", None)
        target_id = int(props["link_row_table_id"])
        ddl.create_table(
            conn,
            junction_table(
                Field(field.id, field.table_id, field.name, 0, self.type, False, props=props),
                sa.MetaData(),
            ),
        )
        wants_related = check_bool("has_related_field")(raw.get("has_related_field", True))
        if wants_related and target_id != field.table_id:
            props["link_row_related_field_id"] = self._create_related(conn, field, own.name, props)
        conn.execute(s.fields.update().where(s.fields.c.id == field.id).values(props=props))
        return []

    def _create_related(
        self, conn: sa.Connection, field: Field, own_table_name: str, props: dict[str, Any]
    ) -> int:
        f = s.fields
        target_id = int(props["link_row_table_id"])
        order = s.next_order(conn, f.c.order, f.c.table_id == target_id, first=0)
        related_props = {
            "link_row_table_id": field.table_id,
            "link_row_multiple_relationships": True,
            "link_row_limit_selection_view_id": None,
            "link_row_relation_id": props["link_row_relation_id"],
            "link_row_reversed": not props.get("link_row_reversed", False),
            "link_row_related_field_id": field.id,
        }
        created = conn.execute(sa.select(f.c.created_on).where(f.c.id == field.id)).scalar()
        related_id = int(
            s.new_id(
                conn.execute(
                    f.insert().values(
                        **trash_store.new_field_id(conn),
                        table_id=target_id,
                        name=unused_name(
                            conn, target_id, [own_table_name, f"{own_table_name} - {field.name}"]
                        ),
                        order=order,
                        type=self.type,
                        primary=False,
                        description=None,
                        db_index=False,
                        props=related_props,
                        created_on=created,
                    )
                )
            )
        )
        bump_version(conn, target_id)
        return related_id

    def _drop_related(self, conn: sa.Connection, field: Field) -> None:
        related_id = field.props.get("link_row_related_field_id")
        if related_id is None:
            return
        f = s.fields
        row = conn.execute(sa.select(f.c.table_id).where(f.c.id == related_id)).first()
        if row is not None:
            conn.execute(f.delete().where(f.c.id == related_id))
            bump_version(conn, row.table_id)

    def after_update(
        self,
        ctx: FieldContext,
        conn: sa.Connection,
        old: Field,
        field: Field,
        raw: Mapping[str, Any],
    ) -> list[Field]:
        props = dict(field.props)
        props.pop("has_related_field", None)
        own = self._check_target(conn, field)
        table_changed = old.props.get("link_row_table_id") != props.get("link_row_table_id")
        if table_changed:
            # a new target: the old links and the old related field go, a fresh junction comes
            self._drop_related(conn, old)
            ddl.drop_table(conn, junction_name(old))
            props.update(
                link_row_relation_id=field.id,
                link_row_reversed=False,
                link_row_related_field_id=None,
            )
            ddl.create_table(
                conn,
                junction_table(
                    Field(field.id, field.table_id, field.name, 0, self.type, False, props=props),
                    sa.MetaData(),
                ),
            )
        has_related = props.get("link_row_related_field_id") is not None
        wants_related = (
            check_bool("has_related_field")(raw["has_related_field"])
            if "has_related_field" in raw
            else (has_related or table_changed)
        )
        if wants_related and not has_related and int(props["link_row_table_id"]) != field.table_id:
            props["link_row_related_field_id"] = self._create_related(conn, field, own.name, props)
        elif not wants_related and has_related:
            self._drop_related(
                conn, Field(field.id, field.table_id, field.name, 0, self.type, False, props=props)
            )
            props["link_row_related_field_id"] = None
        conn.execute(s.fields.update().where(s.fields.c.id == field.id).values(props=props))
        return []

    def before_delete(
        self, ctx: FieldContext | None, conn: sa.Connection, field: Field
    ) -> list[Field]:
        """The related field goes with it, and so does the shared junction table."""
        self._drop_related(conn, field)
        ddl.drop_table(conn, junction_name(field))
        return []

    # --- storage --------------------------------------------------------------------------
    def column_type(self, field: Field) -> None:
        return None

    def relation_table(self, field: Field, metadata: sa.MetaData) -> sa.Table:
        return junction_table(field, metadata)

    def sort_keys(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        column: sa.ColumnElement[Any],
        sql: sa.Table,
        sort_type: str,
    ) -> list[SortKey]:
        """Baserow's order of a link: rows without links first (both ways), then the linked
        rows' primary values as an array in link order (compared item by item), their
        orders and their ids."""
        target = self.links_to(field)
        if conn is None or target is None:
            return []
        model = ctx.model_of(conn, target)
        primary = model.primary
        linked = model.sql.alias()  # the table itself, when it links to itself
        junction = junction_table(field, sa.MetaData()).alias()
        mine, other = sides(field)
        joined = junction.join(linked, linked.c.id == junction.c[other])
        correlate = junction.c[mine] == sql.c.id
        own = model.expression(primary.id) if primary is not None else None
        value: sa.ColumnElement[Any] = sa.null()
        kind = "bytes"
        if primary is not None and own is not None:
            pt = ctx.field_types.get(primary.type)
            value = pt.sort_expression(primary, ClauseAdapter(linked).traverse(own))
            kind = (
                "text"
                if pt.collates
                else "number"
                if pt.value_kind(primary) in NUMBER_KINDS
                else "bytes"
            )
        order = (linked.c.order, linked.c.id)
        dialect = ctx.db.dialect
        linked_any = sa.select(sa.literal(1)).select_from(junction).where(correlate).exists()
        return [
            SortKey(sa.case((linked_any, 1), else_=0), follows=False),
            *(
                SortKey(key)
                for key in collation.array_order(
                    dialect,
                    ((value, kind), (linked.c.order, "number"), (linked.c.id, "number")),
                    joined,
                    correlate,
                    order,
                )
            ),
        ]

    def junction_sides(self, field: Field) -> tuple[str, str]:
        return sides(field)

    def links_to(self, field: Field) -> int | None:
        target = field.props.get("link_row_table_id")
        return int(target) if target is not None else None

    def dependencies(self, ctx: FieldContext, conn: sa.Connection, field: Field) -> list[Field]:
        """The linked table's primary field (its rows show as that value)."""
        linked = self.links_to(field)
        return [] if linked is None else [f for f in ctx.fields_of(conn, linked) if f.primary]

    def load_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, row_ids: list[int]
    ) -> dict[int, Any]:
        """row id -> linked row ids (in link order; core sorts them by the linked rows' order)."""
        mine, other = sides(field)
        out: dict[int, list[int]] = defaultdict(list)

        def build() -> sa.Select[Any]:
            return (
                sa.select(junction.c[mine], junction.c[other])
                .where(junction.c[mine].in_(sa.bindparam("ids", expanding=True)))
                .order_by(junction.c.id)
            )

        for start in range(0, len(row_ids), CHUNK):
            chunk = row_ids[start : start + CHUNK]
            for row_id, target_id in records(junction, conn, ("load", mine), build, {"ids": chunk}):
                out[row_id].append(target_id)
        return out

    def write_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, values: dict[int, Any]
    ) -> None:
        mine, other = sides(field)
        row_ids = list(values)
        for start in range(0, len(row_ids), CHUNK):
            conn.execute(
                junction.delete().where(junction.c[mine].in_(row_ids[start : start + CHUNK]))
            )
        inserts = [
            {mine: row_id, other: target}
            for row_id, targets in values.items()
            for target in targets or []
        ]
        if inserts:
            conn.execute(junction.insert(), inserts)

    # --- values ---------------------------------------------------------------------------
    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None:
            raise FieldValueError("This field may not be null.", "null")
        # Baserow's LinkRowRequestSerializer: any falsy value (0, false, "", {}) is none; a
        # list's items all of its first item's type, and that an integer or a text; then
        # each item read as IntegerOrStringField reads it (texts trimmed)
        if isinstance(raw, list) and raw:
            if any(not isinstance(i, type(raw[0])) for i in raw):
                raise FieldValueError("All list values must be same type.", "not_same_type")
            if not isinstance(raw[0], (str, int)):
                raise FieldValueError(
                    "The provided value must be a list of valid integer or string"
                )
        items = [raw] if raw is True else as_items(raw) if raw else []
        if items is None:
            raise FieldValueError("This provided value must be a list, an integer or a string.")
        items = each_item(items)
        target = self.links_to(field)
        if not field.props.get("link_row_multiple_relationships", True) and len(items) > 1:
            raise FieldValueError("Ensure this field has no more than 1 elements.", "max_length")
        if not items or vc.rows is None or target is None:
            return [i for i in items if isinstance(i, int)]
        texts = [i for i in items if isinstance(i, str)]  # all items, or none (one type)
        if texts:
            named = vc.rows.named(target, texts)
            for name in texts:
                if name not in named:
                    raise RequestBodyValidation(NO_MATCH.format(name))
            ids = [named[name] for name in texts]
        else:
            numbers = [i for i in items if isinstance(i, int)]
            existing = vc.rows.existing(target, numbers)
            ids = [i for i in numbers if i in existing]
        return list(dict.fromkeys(ids))

    def default(self, field: Field) -> Any:
        return None

    def serialize(self, field: Field, stored: Any) -> Any:
        return list(stored or [])

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        return _as_list

    def json_schema(self, field: Field) -> dict[str, Any]:
        link = {
            "type": "object",
            "required": ["id", "value"],
            "properties": {
                "id": {"type": "integer"},
                "value": {"type": ["string", "null"]},
                "order": {"type": "string", "pattern": r"^-?\d+\.\d{20}$"},
            },
        }
        return {
            "type": "array",
            "items": link,
            "example": [{"id": 1, "value": "Linked row", "order": "1.00000000000000000000"}],
            "description": f"The linked rows of table {field.props.get('link_row_table_id')}: "
            "their id and primary field text.",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        single = not field.props.get("link_row_multiple_relationships", True)
        ids: dict[str, Any] = {"type": "array", "items": {"type": "integer", "format": "int64"}}
        texts: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
        if single:
            ids["maxItems"] = texts["maxItems"] = 1
        return {
            "anyOf": [ids, texts, {"type": "integer", "format": "int64"}, {"type": "string"}],
            "example": [1],
            "description": "Ids of rows in the linked table, or their primary field texts "
            "(a list of one kind, or one comma-separated text); [] clears it. "
            "Unknown ids are ignored.",
        }


# --- links into a table ------------------------------------------------------------------


def _links_statement() -> sa.Select[Any]:
    f, t = s.fields, s.database_tables
    database = (
        sa.select(t.c.database_id).where(t.c.id == sa.bindparam("table_id")).scalar_subquery()
    )
    return (
        sa.select(
            f.c.id,
            f.c.table_id,
            f.c.name,
            f.c.order,
            f.c.type,
            f.c.primary,
            f.c.description,
            f.c.db_index,
            f.c.props,
            f.c.constraints,
        )
        .join(t, t.c.id == f.c.table_id)
        .where(t.c.database_id == database, f.c.type == LinkRowFieldType.type)
    )


def links_into(conn: sa.Connection, table_id: int) -> list[Field]:
    """Link-row fields (of any table in the database) whose links point at `table_id` (kept
    while the metadata stays the same: storage.kept.meta_clock)."""
    return list(
        meta_clock.cached(conn, "links_into", table_id, lambda: _links_into(conn, table_id))
    )


def unlink_rows(conn: sa.Connection, table_id: int, row_ids: list[int]) -> None:
    """Drops every link that points at these rows of `table_id`, before they are deleted: a
    one-way link or a self link has no field on this side whose relation the delete clears,
    and a link left behind would still count for its row's filters (empty, has)."""
    for field in links_into(conn, table_id):
        junction = junction_table(field, sa.MetaData())
        _, other = sides(field)
        for start in range(0, len(row_ids), CHUNK):
            chunk = row_ids[start : start + CHUNK]
            conn.execute(junction.delete().where(junction.c[other].in_(chunk)))


def _links_into(conn: sa.Connection, table_id: int) -> tuple[Field, ...]:
    out = []
    for r in records(s.fields, conn, "links_into", _links_statement, {"table_id": table_id}):
        field = s.field_of(r)
        if str(field.props.get("link_row_table_id")) == str(table_id):
            out.append(field)
    return tuple(out)

"""Select field types: single_select (an option id column) and multiple_select (a junction
table `database_multipleselect_<field_id>`, one row per (row, option), in written order).

A junction table rather than a JSON/array column: `multiple_select_has` filters become an
indexed `EXISTS (... option_id IN ...)` on both SQLite and PostgreSQL, and deleting an
option is one indexed DELETE. Options live in `select_options` (id, value, color, order).
Imports: errors, fields (base, jsonsql, props), models, storage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import orjson
import sqlalchemy as sa

from gridbase.errors import RequestBodyValidation, field_error
from gridbase.fields import jsonsql
from gridbase.fields.base import (
    SORTABLE,
    FieldContext,
    FieldType,
    FieldValueError,
    JsonSql,
    SortKey,
    ValueContext,
    as_items,
    each_item,
    int_or_text,
)
from gridbase.fields.props import Prop, PropError
from gridbase.models import Field, SelectOption
from gridbase.storage import collation, ddl
from gridbase.storage import schema as s
from gridbase.storage.types import Id

CHUNK = 500
NOT_AN_OPTION = "The provided select option value '{}' is not a valid select option."


def option_json(option: SelectOption) -> dict[str, Any]:
    return {"id": option.id, "value": option.value, "color": option.color}


def options_json(field: Field, *, first: bool) -> dict[int, dict[str, Any]]:
    """option id -> its JSON, the first or the last option of an id (as serialize finds)."""
    out: dict[int, dict[str, Any]] = {}
    for option in field.select_options:
        if not first or option.id not in out:
            out[option.id] = option_json(option)
    return out


def option_schema(field: Field) -> dict[str, Any]:
    """A select option as row JSON shows it."""
    ids = [o.id for o in field.select_options]
    return {
        "type": "object",
        "properties": {
            "id": {"type": "integer", **({"enum": ids} if ids else {})},
            "value": {"type": "string"},
            "color": {"type": "string"},
        },
        "required": ["id", "value", "color"],
    }


def option_ref_schemas(field: Field) -> list[dict[str, Any]]:
    """What a write may name an option by: its id, or its value."""
    ids = [o.id for o in field.select_options]
    values = list(dict.fromkeys(o.value for o in field.select_options))
    if not ids:
        return [{"type": "integer"}, {"type": "string"}]
    return [{"type": "integer", "enum": ids}, {"type": "string", "enum": values}]


def option_text(field: Field, option_id: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """The text of the option an id expression names (NULL for none or an unknown id): the
    field's options are known here (a change of options is a schema change), so a CASE over
    them spares a lookup per row."""
    if not field.select_options:
        return sa.cast(sa.null(), sa.Text)
    return sa.case({o.id: o.value for o in field.select_options}, value=option_id, else_=sa.null())


def _example_option(field: Field) -> dict[str, Any] | None:
    return option_json(field.select_options[0]) if field.select_options else None


def _check_options(raw: Any) -> list[dict[str, Any]]:
    """DRF-shaped validation of `select_options`: a list of {id?, value, color}."""
    if not isinstance(raw, list):
        raise RequestBodyValidation(
            {
                "select_options": {
                    "non_field_errors": field_error(
                        f'Expected a list of items but got type "{type(raw).__name__}".',
                        "not_a_list",
                    )
                }
            }
        )
    errors: list[dict[str, Any]] = []
    clean: list[dict[str, Any]] = []
    for item in raw:
        problems: dict[str, Any] = {}
        if not isinstance(item, dict):
            errors.append(
                {
                    "non_field_errors": field_error(
                        f"Invalid data. Expected a dictionary, but got {type(item).__name__}."
                    )
                }
            )
            continue
        for key in ("value", "color"):
            value = item.get(key)
            if key not in item:
                problems[key] = field_error("This field is required.", "required")
            elif value is None:
                problems[key] = field_error("This field may not be null.", "null")
            elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
                problems[key] = field_error("Not a valid string.")
            elif not str(value).strip():
                problems[key] = field_error("This field may not be blank.", "blank")
            elif len(str(value).strip()) > 255:
                problems[key] = field_error(
                    "Ensure this field has no more than 255 characters.", "max_length"
                )
        option_id = item.get("id")
        if option_id is not None and (isinstance(option_id, bool) or not str(option_id).isdigit()):
            problems["id"] = field_error("A valid integer is required.")
        errors.append(problems)
        if not problems:
            clean.append(
                {
                    "id": int(option_id) if option_id is not None else None,
                    "value": str(item["value"]).strip(),  # DRF's CharField trims
                    "color": str(item["color"]).strip(),
                }
            )
    if any(errors):
        raise RequestBodyValidation({"select_options": errors})
    return clean


def write_options(conn: sa.Connection, field: Field, raw: Any) -> set[int]:
    """Make the field's options exactly `raw` (known ids updated, others created); returns
    the ids of removed options."""
    o = s.select_options
    wanted = _check_options(raw)
    existing = set(conn.execute(sa.select(o.c.id).where(o.c.field_id == field.id)).scalars())
    kept: set[int] = set()
    for position, item in enumerate(wanted):
        values = {"value": item["value"], "color": item["color"], "order": position}
        if item["id"] in existing and item["id"] not in kept:
            conn.execute(o.update().where(o.c.id == item["id"]).values(values))
            kept.add(item["id"])
        else:
            conn.execute(o.insert().values(field_id=field.id, **values))
    removed = existing - kept
    if removed:
        conn.execute(o.delete().where(o.c.id.in_(removed)))
    return removed


def _option_id(raw: Any) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    return None


def _check_default_id(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise PropError("single_select_default", "A valid integer is required.")
    return int(value)


def _check_default_ids(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not str(v).isdigit() for v in value
    ):
        raise PropError("multiple_select_default", "A valid integer is required.")
    return [int(v) for v in value]


# Up to this many options a single select sorts by an inline CASE, beyond by a lookup per row.
SORT_CASE_MAX_OPTIONS = 500


class SelectOptionsMixin(FieldType):
    def props_json(self, field: Field) -> dict[str, Any]:
        return dict(
            super().props_json(field), select_options=[option_json(o) for o in field.select_options]
        )

    def after_create(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        if "select_options" in raw:
            write_options(conn, field, raw["select_options"])
        return []

    def after_update(
        self,
        ctx: FieldContext,
        conn: sa.Connection,
        old: Field,
        field: Field,
        raw: Mapping[str, Any],
    ) -> list[Field]:
        if "select_options" in raw:
            removed = write_options(conn, field, raw["select_options"])
            if removed:
                self.forget_options(conn, field, removed)
        return []

    def forget_options(self, conn: sa.Connection, field: Field, removed: set[int]) -> None:
        """Clear stored references to deleted options."""


class SingleSelectFieldType(SelectOptionsMixin):
    type = "single_select"

    def history_value(self, field: Field, value: Any) -> tuple[Any, dict[str, Any]]:
        if not isinstance(value, dict):
            return None, {"select_options": {}}
        return value["id"], {"select_options": {str(value["id"]): value}}

    unique_empty = ()  # unique_with_empty: only null may repeat
    kind = "text"
    formula_kind = "single_select"
    sort_types = frozenset({"default", "order"})  # by value, or by the options' order
    collates = True
    props = (Prop("single_select_default", None, _check_default_id),)

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.Integer()

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None:
            return None
        raw = int_or_text(raw)
        option_id = _option_id(raw)
        for option in field.select_options:
            if option.id == option_id or (option_id is None and option.value == raw):
                return option.id
        raise RequestBodyValidation(NOT_AN_OPTION.format(raw))

    def default(self, field: Field) -> Any:
        wanted = field.props.get("single_select_default")
        return wanted if any(o.id == wanted for o in field.select_options) else None

    def serialize(self, field: Field, stored: Any) -> Any:
        if stored is None:
            return None
        for option in field.select_options:
            if option.id == stored:
                return option_json(option)
        return None

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        jsons = options_json(field, first=True)
        get, serialize = jsons.get, self.serialize

        def render(stored: Any) -> Any:
            try:
                found = get(stored)  # None finds nothing too
            except TypeError:  # unhashable: no option's id
                return serialize(field, stored)
            return found.copy() if found is not None else None  # each row its own dict

        return render

    def json_sql(self, field: Field, expr: sa.ColumnElement[Any]) -> JsonSql | None:
        jsons = options_json(field, first=True)
        if not jsons:
            return sa.null(), None
        # each option's JSON, bound; json() marks the chosen one's text as JSON. Whatever
        # else the column holds (a text, 1.5) is no option's id either way.
        texts = {option_id: orjson.dumps(obj).decode() for option_id, obj in jsons.items()}
        return sa.func.json(sa.case(texts, value=expr)), None

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {
            "anyOf": [option_schema(field), {"type": "null"}],
            "example": _example_option(field),
            "description": "The selected option, or null.",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        example = field.select_options[0].id if field.select_options else None
        return {
            "anyOf": [*option_ref_schemas(field), {"type": "null"}],
            "example": example,
            "description": "An option id, or an option's value; null clears it.",
        }

    def display_text(
        self, field: Field, expr: sa.ColumnElement[Any] | None, dialect: str
    ) -> sa.ColumnElement[str] | None:
        return None if expr is None else option_text(field, expr)

    def formula_expression(
        self, field: Field, expr: sa.ColumnElement[Any]
    ) -> sa.ColumnElement[Any]:
        o = s.select_options
        return sa.select(o.c.value).where(o.c.id == expr).scalar_subquery()

    def formula_object(
        self, field: Field, expr: sa.ColumnElement[Any], row_id: sa.ColumnElement[Any], dialect: str
    ) -> sa.ColumnElement[Any] | None:
        return jsonsql.option_object(dialect, expr)

    def sort_expression(self, field: Field, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """Rows sort by their option's value (as Baserow). The field's options are known here
        (a change of options is a schema change), so a CASE over them spares a lookup per row."""
        options = field.select_options
        if options and len(options) <= SORT_CASE_MAX_OPTIONS:
            return sa.case({o.id: o.value for o in options}, value=column)
        o = s.select_options
        return sa.select(o.c.value).where(o.c.id == column).scalar_subquery()

    def sort_keys(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        column: sa.ColumnElement[Any],
        sql: sa.Table,
        sort_type: str,
    ) -> list[SortKey]:
        options = field.select_options
        if sort_type != "order":
            if ctx.db.dialect == "sqlite" and options and len(options) <= SORT_CASE_MAX_OPTIONS:
                # the values' order under the collation, known here: no collation per row
                ranks = collation.text_ranks({o.id: o.value for o in options})
                return [SortKey(sa.case(ranks, value=column))]
            return super().sort_keys(ctx, conn, field, column, sql, sort_type)
        # the options are listed in their order; an option gone reads as no option (NULL)
        positions = {o.id: i for i, o in enumerate(options)}
        return [SortKey(sa.case(positions, value=column) if positions else sa.null())]

    def forget_options(self, conn: sa.Connection, field: Field, removed: set[int]) -> None:
        t = sa.table(ddl.table_name(field.table_id), sa.column(field.column_name, sa.Integer))
        conn.execute(
            t.update().where(t.c[field.column_name].in_(removed)).values({field.column_name: None})
        )


def junction_name(field: Field) -> str:
    return f"database_multipleselect_{int(field.id)}"


class MultipleSelectFieldType(SelectOptionsMixin):
    type = "multiple_select"

    def history_value(self, field: Field, value: Any) -> tuple[Any, dict[str, Any]]:
        options = [o for o in value or [] if isinstance(o, dict)]
        return [o["id"] for o in options], {"select_options": {str(o["id"]): o for o in options}}

    kind = "array"
    formula_kind = "multiple_select"
    sort_types = SORTABLE
    props = (Prop("multiple_select_default", None, _check_default_ids, converted=list),)

    def column_type(self, field: Field) -> None:
        return None

    def relation_table(self, field: Field, metadata: sa.MetaData) -> sa.Table:
        name = junction_name(field)
        return sa.Table(
            name,
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("row_id", Id, nullable=False),
            sa.Column("option_id", Id, nullable=False),
            sa.Index(f"idx_ms{int(field.id)}_row", "row_id"),
            sa.Index(f"idx_ms{int(field.id)}_option", "option_id"),
        )

    def after_create(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        ddl.create_table(conn, self.relation_table(field, sa.MetaData()))
        return super().after_create(ctx, conn, field, raw)

    def before_delete(
        self, ctx: FieldContext | None, conn: sa.Connection, field: Field
    ) -> list[Field]:
        ddl.drop_table(conn, junction_name(field))
        return []

    def junction_sides(self, field: Field) -> tuple[str, str]:
        return "row_id", "option_id"

    def item_text(self, field: Field, item: sa.ColumnElement[Any]) -> sa.ColumnElement[str] | None:
        return option_text(field, item)

    def formula_object(
        self, field: Field, expr: sa.ColumnElement[Any], row_id: sa.ColumnElement[Any], dialect: str
    ) -> sa.ColumnElement[Any] | None:
        junction = self.relation_table(field, sa.MetaData())
        return jsonsql.options_array(dialect, junction, row_id)

    def sort_keys(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        column: sa.ColumnElement[Any],
        sql: sa.Table,
        sort_type: str,
    ) -> list[SortKey]:
        """By the options' values joined with "," in the order written, "" for none, under
        Baserow's collation (its Coalesce(StringAgg(value, ","), ""))."""
        junction = self.relation_table(field, sa.MetaData()).alias()
        o = s.select_options
        values = (
            sa.select(o.c.value.label("v"))
            .select_from(junction.join(o, o.c.id == junction.c.option_id))
            .where(junction.c.row_id == column)
            .order_by(junction.c.id)
            .correlate_except(junction, o)
            .subquery()
        )
        dialect = ctx.db.dialect
        agg = sa.func.string_agg if dialect == "postgresql" else sa.func.group_concat
        joined = sa.select(agg(values.c.v, ",")).scalar_subquery()
        return [SortKey(collation.text_order(sa.func.coalesce(joined, ""), dialect))]

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None:  # DRF's ListField: no null
            raise FieldValueError("This field may not be null.", "null")
        if raw == "":
            return []
        items = as_items(raw)
        if items is None:
            raise FieldValueError(
                f'Expected a list of items but got type "{type(raw).__name__}".', "not_a_list"
            )
        ids: list[int] = []
        names: list[str] = []
        for value in each_item(items):
            if isinstance(value, int):
                ids.append(value)
            else:
                names.append(value)
        known = {o.id for o in field.select_options}
        for option_id in ids:
            if option_id not in known:
                raise RequestBodyValidation(NOT_AN_OPTION.format(option_id))
        for name in names:
            if not any(o.value == name for o in field.select_options):
                raise RequestBodyValidation(NOT_AN_OPTION.format(name))
        # ids in the order given, then named options in the field's option order
        out: list[int] = []
        for option_id in ids + [o.id for o in field.select_options if o.value in names]:
            if option_id not in out:
                out.append(option_id)
        return out

    def default(self, field: Field) -> Any:
        wanted = field.props.get("multiple_select_default") or []
        known = {o.id for o in field.select_options}
        return [i for i in wanted if i in known] or None

    def load_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, row_ids: list[int]
    ) -> dict[int, Any]:
        out: dict[int, list[int]] = defaultdict(list)
        for start in range(0, len(row_ids), CHUNK):
            chunk = row_ids[start : start + CHUNK]
            stmt = (
                sa.select(junction.c.row_id, junction.c.option_id)
                .where(junction.c.row_id.in_(chunk))
                .order_by(junction.c.id)
            )
            for row_id, option_id in conn.execute(stmt):
                out[row_id].append(option_id)
        return out

    def write_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, values: dict[int, Any]
    ) -> None:
        row_ids = list(values)
        for start in range(0, len(row_ids), CHUNK):
            conn.execute(
                junction.delete().where(junction.c.row_id.in_(row_ids[start : start + CHUNK]))
            )
        inserts = [
            {"row_id": row_id, "option_id": option_id}
            for row_id, ids in values.items()
            for option_id in ids or []
        ]
        if inserts:
            conn.execute(junction.insert(), inserts)

    def serialize(self, field: Field, stored: Any) -> Any:
        options = {o.id: o for o in field.select_options}
        return [option_json(options[i]) for i in stored or [] if i in options]

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        jsons = options_json(field, first=False)

        def render(stored: Any) -> Any:
            return [jsons[i].copy() for i in stored or [] if i in jsons]

        return render

    def json_schema(self, field: Field) -> dict[str, Any]:
        example = _example_option(field)
        return {
            "type": "array",
            "items": option_schema(field),
            "example": [example] if example else [],
            "description": "The selected options.",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        example = [field.select_options[0].id] if field.select_options else []
        lists = [{"type": "array", "items": ref} for ref in option_ref_schemas(field)]
        return {
            "anyOf": [*lists, {"type": "string"}, {"type": "null"}],
            "example": example,
            "description": "Option ids or option values "
            "(a list of one kind, or one comma-separated text); null or [] clears it.",
        }

    def forget_options(self, conn: sa.Connection, field: Field, removed: set[int]) -> None:
        junction = self.relation_table(field, sa.MetaData())
        conn.execute(junction.delete().where(junction.c.option_id.in_(removed)))

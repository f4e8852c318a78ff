"""The field-type contract: every registered type declares it whole, and what the API
enforces is what the documents say (pure: no database)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from gridbase import formula as fl
from gridbase.errors import ViewFilterTypeUnsupportedField
from gridbase.fields import default_field_types, field_registry, filtering
from gridbase.fields.base import VALUE_KINDS, FieldType
from gridbase.fields.formula import FORMULA_KINDS
from gridbase.fields.text import TextFieldType
from gridbase.filters import default_filter_types, tree
from gridbase.models import Field, SelectOption
from gridbase.openapi.row_schemas import field_docs

FIELD_TYPES = default_field_types()
FILTER_TYPES = default_filter_types()
DATE = {"date_format": "ISO", "date_time_format": "24"}


def field(type_: str, **props: Any) -> Field:
    options = (SelectOption(1, "red", "red"),) if "select" in type_ else ()
    return Field(7, 1, "F", 0, type_, False, None, False, props, options)


def samples() -> list[Field]:
    """One field per type, and one per variant whose answers differ (dates with and without
    a time, each formula type a formula or a lookup can have)."""
    out = [field(ft.type) for ft in FIELD_TYPES]
    out += [field("date", date_include_time=True, **DATE), field("date", **DATE)]
    out += [
        field("formula", formula="1", formula_type=kind, date_include_time=True, **DATE)
        for kind in sorted(fl.FORMULA_TYPES)
    ]
    out += [field("count", formula_type="number", number_decimal_places=0)]
    out += [field("rollup", formula_type="number", number_decimal_places=2)]
    out += [field("lookup", formula_type="array", array_formula_type="text")]
    return out


@pytest.mark.parametrize("ft", list(FIELD_TYPES), ids=lambda ft: ft.type)
def test_every_type_declares_its_whole_contract(ft: FieldType) -> None:
    for name in FieldType.DECLARED:
        assert name in {n for c in type(ft).__mro__[:-2] for n in vars(c)}, name
    assert ft.sort_types <= {"default", "order"}  # "order": a single select by its options


def test_the_compatibility_table_names_every_filter_type_and_only_those() -> None:
    assert set(FILTER_TYPES.names()) == filtering.ALL


def test_a_type_that_forgets_part_of_its_contract_is_refused() -> None:
    class Forgetful(FieldType):
        type = "forgetful"
        formula_kind = "text"
        sort_types: ClassVar[frozenset[str]] = frozenset()

    class PerField(TextFieldType):
        type = "per_field"
        kind = None  # says "per field" but answers value_kind nowhere

    with pytest.raises(ValueError, match="Forgetful does not declare kind"):
        field_registry([Forgetful()])
    with pytest.raises(ValueError, match="PerField does not declare value_kind"):
        field_registry([PerField()])


@pytest.mark.parametrize("f", samples(), ids=lambda f: f"{f.type}-{f.props.get('formula_type')}")
def test_each_field_answers_every_question(f: Field) -> None:
    ft = FIELD_TYPES.get(f.type)
    assert ft.value_kind(f) in VALUE_KINDS
    assert ft.compatible_filters(f) <= set(FILTER_TYPES.names())
    columns = ("id", "created_on", "updated_on", "created_by", "last_modified_by", f.column_name)
    sql = sa.Table("t", sa.MetaData(), *(sa.Column(name, sa.Text) for name in columns))
    expr = ft.select_expression(f, sql)
    shown = ft.display_text(f, expr if expr is not None else sa.column("x"), "sqlite")
    assert shown is None or isinstance(shown, sa.ColumnElement)
    assert isinstance(ft.search_text(f, "2024-01-02"), str)
    assert isinstance(ft.json_schema(f), dict)


@pytest.mark.parametrize("f", samples(), ids=lambda f: f"{f.type}-{f.props.get('formula_type')}")
def test_the_documented_filters_are_the_enforced_ones(f: Field) -> None:
    def enforced(name: str) -> bool:
        try:
            tree.check_condition(FIELD_TYPES, FILTER_TYPES, f, name)
        except ViewFilterTypeUnsupportedField:
            return False
        return True

    (doc,) = field_docs([f], FIELD_TYPES, FILTER_TYPES)
    assert doc.filters == tuple(sorted(n for n in FILTER_TYPES.names() if enforced(n)))


def test_formula_types_each_have_a_value_kind() -> None:
    assert set(FORMULA_KINDS) == fl.FORMULA_TYPES


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (field("long_text"), ("text", None, True)),
        (field("number", number_decimal_places=3), ("number", 3, True)),
        (field("rating"), ("number", None, False)),
        (field("autonumber"), ("number", None, False)),
        (field("boolean"), ("boolean", None, False)),
        (field("created_on", date_include_time=True), ("date", None, True)),
        (field("duration", duration_format="h:mm"), ("duration", None, True)),
        (field("single_select"), ("single_select", None, True)),
        (field("formula", formula_type="boolean", nullable=False), ("boolean", None, False)),
        (field("count", formula_type="number", number_decimal_places=0), ("number", 0, True)),
        (field("lookup", formula_type="array", array_formula_type="number"), ("array", None, True)),
    ],
    ids=lambda v: v.type if isinstance(v, Field) else "",
)
def test_what_a_formula_knows_of_each_type(f: Field, expected: tuple[Any, ...]) -> None:
    info = FIELD_TYPES.get(f.type).formula_info(None, f, None)  # type: ignore[arg-type]  # no ctx needed
    assert info is not None
    assert (info.formula_type, info.number_decimal_places, info.nullable) == expected


def test_fields_formulas_cannot_read_say_so() -> None:
    for f in (field("formula"), field("link_row")):
        assert FIELD_TYPES.get(f.type).formula_info(None, f, None) is None  # type: ignore[arg-type]


def test_a_formula_in_its_error_state_passes_its_error_on() -> None:
    f = field("formula", formula_type="invalid", error="references the deleted or unknown field X")
    info = FIELD_TYPES.get(f.type).formula_info(None, f, None)  # type: ignore[arg-type]
    assert info is not None
    assert info.to_ftype().error == "references the deleted or unknown field X"

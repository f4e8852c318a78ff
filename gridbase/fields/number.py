"""Numeric field types: number (decimal places, sign) and rating."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from gridbase.fields import display
from gridbase.fields.base import (
    SORTABLE,
    FieldType,
    FieldValueError,
    JsonSql,
    ValueContext,
)
from gridbase.fields.props import (
    Prop,
    PropError,
    check_choice,
    check_flag,
    check_int,
    check_int_choice,
    check_str,
)
from gridbase.models import Field
from gridbase.storage.types import DecimalType

MAX_DIGITS = 50


def parse_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise FieldValueError("A valid number is required.")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise FieldValueError("A valid number is required.") from None
    if not value.is_finite():
        raise FieldValueError("A valid number is required.")
    return value


# number_separator -> (thousands separator, decimal separator), as Baserow reads them
SEPARATORS = {"SPACE_COMMA": (" ", ","), "SPACE_PERIOD": (" ", "."),
              "COMMA_PERIOD": (",", "."), "PERIOD_COMMA": (".", ",")}  # fmt: skip
SEPARATOR_CHOICES = ("", *SEPARATORS)  # a number_separator: none, or one of these

# 50 integer digits plus the decimals exceed the default context's 28 digits of precision.
_WIDE = Context(prec=MAX_DIGITS + 20)
_QUANTUM = [Decimal(1).scaleb(-places) for places in range(21)]


def format_decimal(value: Any, places: int) -> str | None:
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    quantum = _QUANTUM[places] if 0 <= places < len(_QUANTUM) else Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, context=_WIDE):f}"  # plain digits: str() writes 0E-7


def decimal_formatter(places: int) -> Callable[[Any], str | None]:
    """format_decimal(value, places) with the quantum found once."""
    quantum = _QUANTUM[places] if 0 <= places < len(_QUANTUM) else Decimal(1).scaleb(-places)
    wide = _WIDE

    def render(value: Any) -> str | None:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return f"{number.quantize(quantum, context=wide):f}"

    return render


def _rounded_input(value: Any, places: int) -> Decimal | None:
    """A converted value read as PostgreSQL's numeric input reads it, rounded half away from
    zero to `places` (Baserow's round(p_in::numeric, places)). Raises FieldValueError."""
    if value is None or (isinstance(value, str) and "_" in value):
        return None  # Python's Decimal reads 1_000, PostgreSQL's numeric does not
    return parse_decimal(value).quantize(_QUANTUM[places], rounding=ROUND_HALF_UP, context=_WIDE)


def _check_default(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # DRF's DecimalField(allow_null=True) reads a blank text as null
    try:
        # Baserow keeps it in a DecimalField(max_digits=50, decimal_places=20)
        return format_decimal(parse_decimal(value), 20)
    except FieldValueError:
        raise PropError("number_default", "A valid number is required.") from None


class NumberFieldType(FieldType):
    can_upsert = True
    type = "number"
    history_props = (
        "number_decimal_places",
        "number_negative",
        "number_prefix",
        "number_suffix",
        "number_separator",
    )
    unique_empty = ()  # unique_with_empty: only null may repeat
    kind = "decimal"
    formula_kind = "number"
    sort_types = SORTABLE
    can_have_db_index = True
    props = (
        Prop("number_decimal_places", 0, check_int_choice("number_decimal_places", range(11))),
        Prop("number_default", None, _check_default),
        Prop("number_negative", False, check_flag("number_negative")),
        Prop("number_prefix", "", check_str("number_prefix", 10)),
        Prop(
            "number_separator",
            "",
            check_choice("number_separator", SEPARATOR_CHOICES),
        ),
        Prop("number_suffix", "", check_str("number_suffix", 100)),
    )

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        places = int(field.props.get("number_decimal_places", 0))
        return DecimalType(MAX_DIGITS + places, places)

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):  # " ": null, as in Baserow
            return None
        value = parse_decimal(raw)
        places = int(field.props.get("number_decimal_places", 0))
        _sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        decimals = max(0, -exponent)
        whole = max(0, len(digits) + exponent) if exponent < 0 else len(digits) + exponent
        if whole + decimals > MAX_DIGITS + places and decimals <= places:
            raise FieldValueError(
                f"Ensure that there are no more than {MAX_DIGITS + places} digits in total.",
                "max_digits",
            )
        if decimals > places:
            raise FieldValueError(
                f"Ensure that there are no more than {places} decimal places.", "max_decimal_places"
            )
        if whole > MAX_DIGITS:
            raise FieldValueError(
                f"Ensure that there are no more than {MAX_DIGITS} digits before the decimal point.",
                "max_whole_digits",
            )
        if value < 0 and not field.props.get("number_negative"):
            raise FieldValueError("Ensure this value is greater than or equal to 0.", "min_value")
        return value

    def convert_value(self, field: Field, value: Any, vc: ValueContext) -> Any:
        """Baserow's conversion: the text read as a number (PostgreSQL's numeric input),
        rounded half away from zero to the field's places, negatives raised to 0 when the
        field takes none; what does not read as a number empties the cell."""
        places = int(field.props.get("number_decimal_places", 0))
        number = _rounded_input(value, places)
        if number is None:
            return None
        if number < 0 and not field.props.get("number_negative"):
            number = Decimal(0).quantize(_QUANTUM[places])
        return self.validate(field, number, vc)

    def default(self, field: Field) -> Any:
        default = field.props.get("number_default")
        return Decimal(default) if default is not None else None

    def serialize(self, field: Field, stored: Any) -> Any:
        return format_decimal(stored, int(field.props.get("number_decimal_places", 0)))

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        return decimal_formatter(int(field.props.get("number_decimal_places", 0)))

    def json_sql(self, field: Field, expr: sa.ColumnElement[Any]) -> JsonSql | None:
        places = int(field.props.get("number_decimal_places", 0))
        if not 0 <= places <= 10:
            return None
        # printf writes a double's own digits, Decimal(repr) its shortest text: the same
        # once the value has at most `places` decimals and 15 digits in all
        exact = sa.and_(
            sa.func.abs(expr) < 10 ** (15 - places), expr == sa.func.round(expr, places)
        )
        return display.decimal_sql(expr, places, "sqlite"), sa.or_(expr.is_(None), exact)

    def upsert_value(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """Baserow's prepare_value_for_db: a text loses the prefix and suffix characters and
        the field's separators; any number of decimals (the key rounds to the field's)."""
        if raw is None:
            return None
        if isinstance(raw, str):
            raw = raw.lstrip(field.props.get("number_prefix") or "")
            raw = raw.rstrip(field.props.get("number_suffix") or "")
            thousands, decimal = SEPARATORS.get(
                field.props.get("number_separator") or "", ("", ".")
            )
            raw = raw.replace(thousands, "").replace(decimal, ".").strip()
            if raw in ("", "NaN"):
                return None
        try:
            return Decimal(raw)
        except (InvalidOperation, ValueError, TypeError):
            raise FieldValueError(f"The value for field {field.id} is not a valid number") from None

    def json_schema(self, field: Field) -> dict[str, Any]:
        places = int(field.props.get("number_decimal_places", 0))
        decimals = rf"\.\d{{{places}}}" if places else ""
        return {
            "type": ["string", "null"],
            "pattern": rf"^-?\d+{decimals}$",
            "example": format_decimal(Decimal("1234.5"), places),
            "description": f"A decimal string with exactly {places} decimal places, or null.",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        places = int(field.props.get("number_decimal_places", 0))
        sign = "-?" if field.props.get("number_negative") else ""
        decimals = rf"(\.\d{{0,{places}}})?" if places else ""
        number: dict[str, Any] = {
            "type": "number" if places else "integer",
            "exclusiveMaximum": 1e50,
        }
        if not field.props.get("number_negative"):
            number["minimum"] = 0
        else:
            number["exclusiveMinimum"] = -1e50
        return {
            "anyOf": [
                number,
                {"type": "string", "pattern": rf"^{sign}\d{{1,{MAX_DIGITS}}}{decimals}$"},
                {"type": "null"},
            ],
            "example": format_decimal(Decimal("1234.5"), places),
            "description": f"A number or decimal string with at most {places} decimal places"
            + ("" if field.props.get("number_negative") else ", not negative")
            + "; null clears it.",
        }


class RatingFieldType(FieldType):
    can_upsert = True
    type = "rating"
    unique_empty = (0,)  # unique_with_empty: 0 (no rating) may repeat
    kind = "int"
    formula_kind = "number"
    search_by_text = True  # Baserow's contains_query: its digits, though the filter refuses it
    formula_nullable = False
    sort_types = SORTABLE
    can_have_db_index = True
    props = (
        Prop("color", "dark-orange", check_str("color", 50, allow_blank=False)),
        Prop("max_value", 5, check_int("max_value", 1, 10)),
        Prop(
            "style", "star", check_choice("style", ("star", "heart", "thumbs-up", "flag", "smile"))
        ),
    )

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.Integer()

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None:
            raise FieldValueError("This field may not be null.", "null")
        if isinstance(raw, bool):
            raise FieldValueError("A valid integer is required.")
        try:
            value = int(str(raw).strip()) if not isinstance(raw, float) else int(raw)
        except (ValueError, OverflowError):  # OverflowError: 1e400 reads as inf
            raise FieldValueError("A valid integer is required.") from None
        if isinstance(raw, float) and raw != value:
            raise FieldValueError("A valid integer is required.")
        if value < 0:
            raise FieldValueError("Ensure this value is greater than or equal to 0.", "min_value")
        high = int(field.props.get("max_value", 5))
        if value > high:
            raise FieldValueError(
                f"Ensure this value is less than or equal to {high}.", "max_value"
            )
        return value

    def convert_value(self, field: Field, value: Any, vc: ValueContext) -> Any:
        """Baserow's conversion: the value read as a number, rounded half away from zero and
        held between 0 and max_value; what does not read as a number becomes 0 (the default)."""
        number = _rounded_input(value, 0)
        if number is None:
            return None
        return min(max(int(number), 0), int(field.props.get("max_value", 5)))

    def default(self, field: Field) -> Any:
        return 0

    def serialize(self, field: Field, stored: Any) -> Any:
        return stored or 0

    def json_schema(self, field: Field) -> dict[str, Any]:
        high = int(field.props.get("max_value", 5))
        return {"type": "integer", "minimum": 0, "maximum": high, "example": min(3, high)}

    def write_schema(self, field: Field) -> dict[str, Any]:
        return dict(
            self.json_schema(field), description="An integer from 0 to the field's max_value."
        )

"""The `configuration` of an import into a table (Baserow's TableImportConfiguration): its
upsert fields and values and skipped fields, with DRF's errors for each, and the check that
there are as many upsert values as rows. Whether the fields exist in the table is the job's
to find out, as in Baserow. Imports: api.body, core (import_upsert, drf_fields), errors.
"""

from __future__ import annotations

from typing import Any

from gridbase.api.body import MISSING
from gridbase.core import drf_fields
from gridbase.core.import_upsert import Upsert
from gridbase.errors import RequestBodyValidation, field_error

NOT_EMPTY = "upsert_values must not be empty when upsert_fields are provided."
SAME_LENGTH = "`data` and `configuration.upsert_values` should have the same length."


def _not_a_list(value: Any) -> list[dict[str, str]]:
    return field_error(f'Expected a list of items but got type "{type(value).__name__}".',
                       "not_a_list")  # fmt: skip


def _ids(value: Any, min_length: int | None) -> tuple[Any, Any]:
    """DRF's ListField(child=IntegerField(min_value=1)): (ids, None) or (MISSING, errors)."""
    if not isinstance(value, list):
        return MISSING, _not_a_list(value)
    if min_length is not None and len(value) < min_length:
        message = f"Ensure this field has at least {min_length} elements."
        return MISSING, field_error(message, "min_length")
    out, bad = [], {}
    for index, item in enumerate(value):
        found = drf_fields.integer(item) if item is not None else None
        if item is None:
            bad[str(index)] = field_error("This field may not be null.", "null")
        elif found is None:
            bad[str(index)] = field_error("A valid integer is required.")
        elif found < 1:
            message = "Ensure this value is greater than or equal to 1."
            bad[str(index)] = field_error(message, "min_value")
        else:
            out.append(found)
    return (MISSING, bad) if bad else (out, None)


def _value_lists(value: Any) -> tuple[Any, Any]:
    """DRF's ListField(child=ListField(min_length=1))."""
    if not isinstance(value, list):
        return MISSING, _not_a_list(value)
    bad = {}
    for index, item in enumerate(value):
        if item is None:
            bad[str(index)] = field_error("This field may not be null.", "null")
        elif not isinstance(item, list):
            bad[str(index)] = _not_a_list(item)
        elif not item:
            bad[str(index)] = field_error(
                "Ensure this field has at least 1 elements.", "min_length"
            )
    return (MISSING, bad) if bad else (value, None)


def _ids_of_one(value: Any) -> tuple[Any, Any]:
    return _ids(value, 1)


def _ids_of_any(value: Any) -> tuple[Any, Any]:
    return _ids(value, None)


def read(body: Any) -> tuple[Upsert | None, dict[str, Any]]:
    """(the configuration, or None without one; errors to add to the body's, keyed as DRF
    keys them)."""
    if not isinstance(body, dict) or "configuration" not in body:
        return None, {}
    given = body["configuration"]
    if given is None:
        return None, {"configuration": field_error("This field may not be null.", "null")}
    if not isinstance(given, dict):
        message = f"Invalid data. Expected a dictionary, but got {type(given).__name__}."
        return None, {"configuration": {"non_field_errors": field_error(message)}}
    errors: dict[str, Any] = {}
    found: dict[str, Any] = {}
    checks = (("upsert_fields", _ids_of_one), ("upsert_values", _value_lists),
              ("skipped_fields", _ids_of_any))  # fmt: skip
    for key, check in checks:
        value = given.get(key)
        if value is None:
            found[key] = None
            continue
        found[key], error = check(value)
        if error is not None:
            errors[key] = error
    if errors:
        return None, {"configuration": errors}
    fields, values, skipped = (
        found["upsert_fields"],
        found["upsert_values"],
        found["skipped_fields"],
    )
    if fields and not values:
        return None, {"configuration": {"upsert_value": field_error(NOT_EMPTY)}}
    upsert = Upsert(tuple(fields or ()), tuple(tuple(v) for v in values or ()),
                    tuple(skipped or ()))  # fmt: skip
    return upsert, {}


def check_lengths(upsert: Upsert | None, rows: list[Any]) -> None:
    """Baserow's serializer-wide check, once every field is valid."""
    if upsert is not None and upsert.values and len(upsert.values) != len(rows):
        raise RequestBodyValidation({
            "data": field_error(SAME_LENGTH),
            "configuration": {"upsert_values": {"error": SAME_LENGTH, "code": "invalid"}},
        })  # fmt: skip

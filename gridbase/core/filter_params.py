"""The `filters` JSON of a row list request, checked as Baserow's PublicViewFiltersSerializer
checks it: DRF's messages, every error of the tree at once, texts trimmed, a truthy
non-text `value` read as Python's str() of it. The result is the plain tree the filter
builder resolves (filters.tree). Imports: core.drf_fields, errors, jsontext.

    {"filter_type": "AND" | "OR",
     "filters": [{"field": <id, or name with user_field_names>, "type": str, "value": str}],
     "groups": [<the same, nested>]}
"""

from __future__ import annotations

from typing import Any

from gridbase import jsontext
from gridbase.core import drf_fields
from gridbase.errors import FiltersParamValidation, field_error

Errors = dict[str, Any]
NULL = field_error("This field may not be null.", "null")
REQUIRED = field_error("This field is required.", "required")


def parse(text: str, by_name: bool) -> dict[str, Any]:
    """The validated tree of a `filters` parameter, or FiltersParamValidation."""
    try:
        data = jsontext.loads(text, constants=True)  # Baserow reads it with json.loads
    except jsontext.JsonRefused:
        raise FiltersParamValidation(
            {"error": "The provided filters are not valid JSON.", "code": "invalid_json"}
        ) from None
    if data is None:  # DRF's root serializer says so instead of "may not be null"
        raise FiltersParamValidation({"non_field_errors": field_error("No data provided", "null")})
    tree, errors = _group(data, by_name)
    if errors:
        raise FiltersParamValidation(errors)
    return tree


def check(data: Any, by_name: bool) -> tuple[dict[str, Any], Errors]:
    """(tree, errors) of a `filters` object already read from a JSON body (an export's)."""
    return _group(data, by_name)


def _not_a_dict(data: Any) -> Errors:
    message = f"Invalid data. Expected a dictionary, but got {type(data).__name__}."
    return {"non_field_errors": field_error(message)}


def _group(data: Any, by_name: bool) -> tuple[dict[str, Any], Errors]:
    if not isinstance(data, dict):
        return {}, _not_a_dict(data)
    out: dict[str, Any] = {}
    errors: Errors = {}
    if "filter_type" not in data:
        errors["filter_type"] = REQUIRED
    elif data["filter_type"] is None:
        errors["filter_type"] = NULL
    elif str(data["filter_type"]) not in ("AND", "OR") or isinstance(data["filter_type"], bool):
        message = f'"{data["filter_type"]}" is not a valid choice.'
        errors["filter_type"] = field_error(message, "invalid_choice")
    else:
        out["filter_type"] = str(data["filter_type"])
    filters = data.get("filters", [])
    if filters is None:
        errors["filters"] = NULL
    elif not isinstance(filters, list):
        message = f'Expected a list of items but got type "{type(filters).__name__}".'
        errors["filters"] = field_error(message, "not_a_list")
    else:
        items = [_filter(item, by_name) for item in filters]
        bad = {str(i): e for i, (_, e) in enumerate(items) if e}
        if bad:
            errors["filters"] = bad
        out["filters"] = [item for item, _ in items]
    groups = data.get("groups", [])
    if groups is None:
        errors["groups"] = NULL
    elif not isinstance(groups, list):
        message = f'Expected a list of items but got type "{type(groups).__name__}".'
        errors["groups"] = {"non_field_errors": field_error(message, "not_a_list")}
    else:
        children = [_child(g, by_name) for g in groups]
        if any(e for _, e in children):
            errors["groups"] = [e for _, e in children]  # a list: {} for a valid group
        out["groups"] = [g for g, _ in children]
    return out, errors


def _child(data: Any, by_name: bool) -> tuple[dict[str, Any], Any]:
    if data is None:
        return {}, NULL
    return _group(data, by_name)


def _filter(data: Any, by_name: bool) -> tuple[dict[str, Any], Any]:
    # Baserow answers 500 to a filter that is not an object; this is DRF's own answer.
    if data is None:
        return {}, NULL
    if not isinstance(data, dict):
        return {}, _not_a_dict(data)
    out: dict[str, Any] = {}
    errors: Errors = {}
    for key in ("field", "type", "value"):
        if key not in data:
            errors[key] = REQUIRED
            continue
        value = data[key]
        if key == "value" and value and not isinstance(value, str):
            value = str(value)  # Baserow's serializer turns a truthy value into text first
        if key == "field" and not by_name:
            found, error = _integer(value)
        else:
            found, error = _text(value, allow_blank=key == "value")
        if error:
            errors[key] = error
        else:
            out[key] = found.replace("\x00", "") if key == "value" else found
    return out, errors


def _integer(value: Any) -> tuple[Any, Any]:
    if value is None:
        return None, NULL
    found = drf_fields.integer(value)
    return (
        (found, None) if found is not None else (None, field_error("A valid integer is required."))
    )


def _text(value: Any, *, allow_blank: bool) -> tuple[Any, Any]:
    if value is None:
        return None, NULL
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None, field_error("Not a valid string.")
    text = str(value).strip()
    if not text and not allow_blank:
        return None, field_error("This field may not be blank.", "blank")
    for message, code in jsontext.text_errors(text):
        # a NUL in a value is dropped (Baserow's filter would never match it); a surrogate
        # could not even be sent to the database
        if not allow_blank or code == "surrogate_characters_not_allowed":
            return None, field_error(message, code)
    return text, None

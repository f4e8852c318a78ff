"""Op: the hand-written part of one operation of the global spec (summary, body, success
response, the error codes it can answer). spec.py adds path parameters and security."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Op:
    summary: str
    tag: str
    response: dict[str, Any] | None = None  # schema of the success body; None = no body
    status: int = 200
    request: dict[str, Any] | None = None  # schema of the JSON body
    errors: dict[int, list[str]] = field(default_factory=dict)
    params: tuple[dict[str, Any], ...] = ()
    description: str = ""
    request_example: Any = None


def obj(
    properties: dict[str, Any], required: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = required
    return schema


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
BOOL: dict[str, Any] = {"type": "boolean"}
ANY_OBJ: dict[str, Any] = {"type": "object"}
DATETIME: dict[str, Any] = {"type": "string", "format": "date-time"}

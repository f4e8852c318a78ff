"""The global OpenAPI document: one operation per served route (paths come from the app's
routes, so a new endpoint appears at once), described by the hand-written group modules, or
generically when no group describes it yet. Also exports the per-database spec builder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gridbase.openapi.common import (
    OPENAPI_VERSION,
    SECURITY,
    SECURITY_SCHEMES,
    body,
    error_responses,
    ok,
    path_param,
)
from gridbase.openapi.database import build_database_spec
from gridbase.openapi.groups import OPERATIONS, SCHEMAS
from gridbase.openapi.ops import Op

PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?\}")
GENERIC_ERRORS: dict[int, list[str]] = {400: [], 404: []}
WRITE_METHODS = {"post", "patch", "put"}


@dataclass(frozen=True)
class RouteInfo:
    """One served operation: method, route path (may hold `{name:int}`), name, docstring, auth."""

    method: str
    path: str
    name: str
    doc: str
    auth: str  # "jwt" | "any" | "token" | "none"


def openapi_path(path: str) -> tuple[str, list[tuple[str, str]]]:
    """`/x/{id:int}/` -> (`/x/{id}/`, [("id", "int")])."""
    params = [(m.group(1), m.group(2) or "str") for m in PARAM.finditer(path)]
    return PARAM.sub(lambda m: "{" + m.group(1) + "}", path), params


def _tag(path: str) -> str:
    parts = [p for p in path.split("/") if p and not p.startswith("{")]
    return " ".join(parts[1:3]).capitalize() if len(parts) > 1 else "Other"


def _generic(route: RouteInfo, path: str) -> Op:
    summary = route.doc.splitlines()[0] if route.doc else route.name.replace("_", " ").capitalize()
    response = None if route.method == "delete" else {"type": ["object", "array"]}
    return Op(
        summary,
        _tag(path),
        response,
        204 if route.method == "delete" else 200,
        request={"type": "object"} if route.method in WRITE_METHODS else None,
        errors=GENERIC_ERRORS,
    )


def operation(route: RouteInfo) -> tuple[str, dict[str, Any]]:
    path, params = openapi_path(route.path)
    op = OPERATIONS.get((route.method, path)) or _generic(route, path)
    out: dict[str, Any] = {
        "operationId": route.name,
        "summary": op.summary,
        "tags": [op.tag],
    }
    description = op.description or "\n".join(route.doc.splitlines()[1:]).strip()
    if description:
        out["description"] = description
    parameters = [
        path_param(name)
        if kind == "int"
        else {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name, kind in params
    ]
    parameters.extend(op.params)
    if parameters:
        out["parameters"] = parameters
    if op.request is not None:
        out["requestBody"] = body(op.request, op.request_example)
    out["responses"] = {
        **ok(op.response, "OK" if op.status == 200 else "Done.", op.status),
        **error_responses(op.errors, auth=route.auth, body=op.request is not None),
    }
    out["security"] = SECURITY[route.auth]
    return path, out


def _unique_ids(paths: dict[str, Any]) -> None:
    seen: dict[str, int] = {}
    for item in paths.values():
        for op in item.values():
            base = op["operationId"]
            seen[base] = seen.get(base, 0) + 1
            if seen[base] > 1:
                op["operationId"] = f"{base}_{seen[base]}"


def build_spec(routes: Sequence[RouteInfo], *, version: str = "") -> dict[str, Any]:
    """OpenAPI 3.1 document of `routes`, with Baserow's security schemes and error bodies."""
    paths: dict[str, Any] = {}
    for route in routes:
        path, op = operation(route)
        paths.setdefault(path, {})[route.method] = op
    _unique_ids(paths)
    tags = sorted({op["tags"][0] for item in paths.values() for op in item.values()})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "gridbase API spec",
            "version": version or "1",
            "description": "gridbase answers Baserow's REST API (1.35.3). Authenticate with "
            "`Authorization: JWT <access token>` (from `POST /api/user/token-auth/`) or, "
            "on row and field listing endpoints, `Authorization: Token <database token>`. "
            'Errors are `{"error": "<CODE>", "detail": ...}`. '
            "A typed spec of one database's tables is at "
            "`/api/database/{database_id}/openapi.json` "
            "(docs page: `/api-docs/database/{database_id}`).",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": t} for t in tags],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }


__all__ = ["RouteInfo", "build_database_spec", "build_spec"]

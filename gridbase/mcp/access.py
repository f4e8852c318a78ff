"""Who an MCP call acts as: a database token (`Authorization: Token <key>` on /mcp, or
`gridbase mcp --token`) or an MCP endpoint's key (/mcp/<key>/, Baserow's endpoints).

Resolved again for every listing and every tool call, so a revoked token, a deleted
endpoint or a lost membership stops the very next call. Imports: core, errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gridbase.core import mcp_endpoints, tokens
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.core.rows import Caller
from gridbase.errors import McpEndpointDoesNotExist


@dataclass(frozen=True, slots=True)
class Principal:
    kind: Literal["token", "endpoint"]
    key: str


@dataclass(frozen=True, slots=True)
class Access:
    actor: Actor
    caller: Caller  # what row services take: the token key itself, so they check it as REST does
    workspace_id: int
    endpoint: bool  # an endpoint key: its tables must be checked to lie in its workspace


def resolve(ctx: Ctx, principal: Principal) -> Access:
    """Raises the error REST would answer for the same credential (a GridbaseError)."""
    if principal.kind == "token":
        actor = tokens.authenticate(ctx, principal.key)
        assert actor.token is not None  # a token key always names a token actor
        return Access(actor, tokens.TokenKey(principal.key), actor.token.workspace_id, False)
    found = mcp_endpoints.authenticate(ctx, principal.key)
    if found is None:
        raise McpEndpointDoesNotExist()
    actor, workspace_id = found
    return Access(actor, actor, workspace_id, True)

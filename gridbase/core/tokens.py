"""Database tokens (placeholder until the token service lands): authenticate by key."""

from __future__ import annotations

from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import TokenDoesNotExistAuth


def authenticate(ctx: Ctx, key: str) -> Actor:
    raise TokenDoesNotExistAuth()

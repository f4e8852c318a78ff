"""Kept: the values one app keeps, built with its context (the others are kept on a
connection or on an sa.Table object; see the package's table).

Imports: storage.kept (expiring, indexes, pg_counts, versions), storage.trigrams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from gridbase.storage.kept.expiring import Expiring
from gridbase.storage.kept.indexes import IndexedTables
from gridbase.storage.kept.pg_counts import KeptCounts
from gridbase.storage.kept.versions import ModelCache
from gridbase.storage.trigrams import Frequencies

M = TypeVar("M")


@dataclass
class Kept(Generic[M]):
    models: ModelCache[M] = field(default_factory=ModelCache)  # table models per schema version
    indexes: IndexedTables = field(default_factory=IndexedTables)  # tables with their index
    counts: KeptCounts = field(default_factory=KeptCounts)  # filtered counts (PostgreSQL)
    # each table's trigram frequencies (PostgreSQL): they steer compat search's index scan,
    # never its rows, so a newer sample may wait
    trigrams: Expiring[int, Frequencies | None] = field(
        default_factory=lambda: Expiring(600, 10_000)
    )
    # the payloads of JWTs whose signature was checked (core.sessions): a token's payload
    # never changes; its expiry, the user's session stamp and active flag are checked at
    # every use, so a kept one is never stale
    jwt_payloads: Expiring[str, dict[str, Any]] = field(
        default_factory=lambda: Expiring(300, 4_096)
    )

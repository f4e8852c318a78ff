"""Kept: the values one app keeps, built with its context (the others are kept on a
connection or on an sa.Table object; see the package's table).

Imports: storage.kept (indexes, pg_counts, versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from gridbase.storage.kept.indexes import IndexedTables
from gridbase.storage.kept.pg_counts import KeptCounts
from gridbase.storage.kept.versions import ModelCache

M = TypeVar("M")


@dataclass
class Kept(Generic[M]):
    models: ModelCache[M] = field(default_factory=ModelCache)  # table models per schema version
    indexes: IndexedTables = field(default_factory=IndexedTables)  # tables with their index
    counts: KeptCounts = field(default_factory=KeptCounts)  # filtered counts (PostgreSQL)

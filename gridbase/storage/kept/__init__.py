"""What the server keeps between requests, and when each kept value is dropped.

Filled in below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from gridbase.storage.kept.indexes import IndexedTables
from gridbase.storage.kept.versions import ModelCache

M = TypeVar("M")


@dataclass
class Kept(Generic[M]):
    """The values one app keeps (per connection and per statement ones live on the
    connection and the sa.Table; see the table above)."""

    models: ModelCache[M] = field(default_factory=ModelCache)
    indexes: IndexedTables = field(default_factory=IndexedTables)

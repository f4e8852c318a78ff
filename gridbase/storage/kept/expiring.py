"""Values kept for a fixed time each (the concurrency limit's request owners: api.limits).

Only for what may be stale for `ttl` seconds without harm. A store that reaches its size
limit is emptied whole. Imports: nothing from gridbase.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Expiring(Generic[K, V]):
    def __init__(
        self, ttl: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._kept: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> tuple[bool, V | None]:
        """(True, value) while `key` is kept and fresh, else (False, None)."""
        hit = self._kept.get(key)
        if hit is None or hit[0] < self.clock():
            return False, None
        return True, hit[1]

    def put(self, key: K, value: V) -> None:
        if len(self._kept) >= self.max_entries:
            self._kept.clear()
        self._kept[key] = (self.clock() + self.ttl, value)

"""The time zone names this Python knows (its tz database), read once per process: they do
not change while it runs, so they are never dropped. Imports: nothing from gridbase.
"""

from __future__ import annotations

import functools
from zoneinfo import available_timezones


@functools.cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"})

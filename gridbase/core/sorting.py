"""Baserow's `sorts` query parameter of the members and invitations lists ("+email,-name"):
parsed into (column key, descending) pairs against a view's own mapping. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from gridbase.errors import InvalidSortAttribute, InvalidSortDirection


def parse_sorts(sorts: str, mapping: Mapping[str, str]) -> list[tuple[str, bool]]:
    """Each part is a '+' or '-' and a name of `mapping` (its value is what to sort by);
    a part of two characters or less, an unknown name or one named twice is refused."""
    out: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for part in sorts.split(","):
        if len(part) <= 2:
            raise InvalidSortAttribute()
        if part[0] not in "+-":
            raise InvalidSortDirection()
        key = mapping.get(part[1:])
        if key is None or key in seen:
            raise InvalidSortAttribute()
        seen.add(key)
        out.append((key, part[0] == "-"))
    return out

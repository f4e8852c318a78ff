"""Registry[T]: a named, read-only lookup of small type objects (field and filter types).

Built once from an explicit list in the composition root; no registration by import.
Imports: nothing from gridbase.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def type(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    def __init__(self, kind: str, items: Iterable[T]) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        for item in items:
            if item.type in self._items:
                raise ValueError(f"duplicate {kind} type {item.type!r}")
            self._items[item.type] = item

    def get(self, name: str) -> T:
        """The item called `name`; KeyError when there is none (callers raise their own code)."""
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def names(self) -> list[str]:
        return list(self._items)

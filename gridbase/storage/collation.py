"""Text order as Baserow's: PostgreSQL's ICU collation "en-x-icu" (case-insensitive first,
lowercase before uppercase on a tie, punctuation before digits before letters, accents
after their letter). PostgreSQL uses that collation itself; SQLite gets a collation and a
sort-key aggregate from the Unicode Collation Algorithm (pyuca's DUCET, which ICU's root
order follows), registered on every SQLite connection (sqlite_functions.register).

Arrays (link rows, lookups) sort as PostgreSQL compares arrays: item by item, a missing
item first and a NULL item last. PostgreSQL compares real arrays; SQLite compares a key
blob (gb_sort_key) whose bytes order as the items do.

Kept value: `_text_key` caches sort keys (LRU, 65,536 texts). A key is a pure function of
its text, so an entry is never stale; the bound is the only rule that drops one. `_table`
is derived once per process from pyuca's table (0.3 s at the first text sort), a constant.
Imports: sqlalchemy, pyuca.
"""

from __future__ import annotations

import re
import struct
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

PG_TEXT = "en-x-icu"  # Baserow's collate_expression
SQLITE_TEXT = "gb_text"
PG_BYTES = "C"  # select values in arrays sort by their bytes in Baserow


def text_order(expr: sa.ColumnElement[Any], dialect: str) -> sa.ColumnElement[Any]:
    """`expr` (text) under Baserow's collation."""
    return sa.collate(expr, PG_TEXT if dialect == "postgresql" else SQLITE_TEXT)


def array_order(
    dialect: str,
    values: tuple[tuple[sa.ColumnElement[Any], str], ...],
    joined: sa.FromClause,
    correlate: sa.ColumnElement[bool],
    order: tuple[sa.ColumnElement[Any], ...],
) -> list[sa.ColumnElement[Any]]:
    """Sort keys of the rows of `joined` that `correlate` picks, in `order`: for each
    (value, kind), the values as an array compared item by item (text under Baserow's
    collation when `kind` is "text"); an empty array for no rows. PostgreSQL: one array per
    value. SQLite: one blob for all of them, read in one pass (the arrays one after the
    other, each closed by a zero byte, compare as the arrays would in turn)."""
    if dialect == "postgresql":
        return [_pg_array(value, kind, joined, correlate, order) for value, kind in values]
    ordered = (
        sa.select(*(value.label(f"v{i}") for i, (value, _) in enumerate(values)))
        .select_from(joined)
        .where(correlate)
        .order_by(*order)
        .correlate_except(joined)  # to the row, from inside a subquery of the key's
    )
    inner = ordered.subquery()
    args = [a for i, (_, kind) in enumerate(values) for a in (inner.c[f"v{i}"], kind)]
    key = sa.func.gb_sort_key(*args, type_=sa.LargeBinary())
    return [sa.select(sa.func.coalesce(key, b"")).select_from(inner).scalar_subquery()]


def _pg_array(
    value: sa.ColumnElement[Any],
    kind: str,
    joined: sa.FromClause,
    correlate: sa.ColumnElement[bool],
    order: tuple[sa.ColumnElement[Any], ...],
) -> sa.ColumnElement[Any]:
    if kind == "text":
        value = sa.cast(value, sa.Text)
    items = sa.select(value).select_from(joined).where(correlate).order_by(*order)
    array_type = ARRAY(value.type)
    array = sa.func.array(items.scalar_subquery(), type_=array_type)
    name = PG_TEXT if kind == "text" else PG_BYTES if isinstance(value.type, sa.String) else ""
    if not name:
        return array
    # COLLATE on a text[] (SQLAlchemy offers it on text types only, so the array is seen as
    # text around it; nothing is cast)
    collated = sa.collate(sa.type_coerce(array, sa.Text()), name)
    return sa.type_coerce(collated, array_type)


# --- SQLite ------------------------------------------------------------------------------


@cache
def _collator() -> Any:
    from pyuca import Collator  # type: ignore[import-untyped]  # loaded on first use: its table takes 0.1 s to read

    return Collator()


@dataclass(frozen=True)
class _Table:
    """The collation table as the quick sort key reads it."""

    weights: dict[str, tuple[str, str, str]]  # char -> its own weights at levels 1, 2, 3
    continues: re.Pattern[str]  # any character that continues a contraction
    contraction: re.Pattern[str]  # where a contraction may form


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


@cache
def _table() -> _Table:
    """Each character's own collation elements as chr(weight) strings per level (zero
    weights left out, as pyuca's sort key leaves them out), and a pattern that finds a
    character starting a contraction (as "l" does "l·") followed by one that continues it,
    right after it or after combining marks (pyuca also looks past those)."""
    weights: dict[str, tuple[str, str, str]] = {}
    follows: dict[str, list[str]] = {}
    for code, node in (_collator().table.root.children or {}).items():
        if node.value:
            p, s, t = ("".join(chr(e[level]) for e in node.value if e[level]) for level in range(3))
            weights[chr(code)] = (p, s, t)
        if node.children:
            follows[chr(code)] = [chr(c) for c in node.children]
    marks = _char_class(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c)))
    contraction = "|".join(
        f"{re.escape(ch)}{marks}*{_char_class(after)}" for ch, after in follows.items()
    )
    continues = _char_class({ch for after in follows.values() for ch in after})
    return _Table(weights, re.compile(continues), re.compile(contraction))


@lru_cache(maxsize=65536)
def _text_key(text: str) -> str:
    """pyuca's sort key (weights of levels 1-3, each level closed by a 0) as a string of
    chr(weight), which compares as the weight tuple would. A text (NFD, as pyuca reads it)
    where no contraction can form and every character has its own collation elements is
    keyed from the table in about 3 us; any other by pyuca, in about 18 us for 18
    characters (tests/storage/test_collation.py holds the two to each other). A sort by
    a text field of 150,000 rows: 2.2 s with pyuca's key alone, 0.55 s."""
    nfd = unicodedata.normalize("NFD", text)
    if not nfd:
        return "\0\0\0"
    table = _table()
    if not (table.continues.search(nfd) and table.contraction.search(nfd)):
        try:
            p, s, t = zip(*map(table.weights.__getitem__, nfd), strict=True)
        except KeyError:  # weights computed from the code point
            pass
        else:
            return f"{''.join(p)}\0{''.join(s)}\0{''.join(t)}\0"
    return "".join(map(chr, _collator().sort_key(text)))


def text_ranks(texts: dict[Any, str]) -> dict[Any, int]:
    """SQLite: each text's place under gb_text (equal texts share one): a sort by a CASE over
    a few known texts then compares integers rather than calling the collation for every
    comparison (a page of 150,000 rows by a select, then a number: 130 ms against 40)."""
    keys = {k: _text_key(t) for k, t in texts.items()}
    place = {key: i for i, key in enumerate(sorted(set(keys.values())))}
    return {k: place[key] for k, key in keys.items()}


def compare_text(a: str, b: str) -> int:
    """SQLite collation gb_text."""
    ka, kb = _text_key(a), _text_key(b)
    return (ka > kb) - (ka < kb)


@lru_cache(maxsize=65536, typed=True)  # typed: 1, 1.0 and True have items of their own
def _item_bytes(value: Any, kind: str) -> bytes:
    """One item of a key blob: its bytes order as the items do, and no item's bytes are a
    prefix of a greater one's (so item boundaries cannot mix). Kept as _text_key is: a
    sort by a link reads the same few linked rows' values for every row of the table."""
    if value is None:
        return b"\x02"  # after every value, as PostgreSQL sorts a NULL array item
    if kind == "text":
        # weights + 1 in 3 bytes, closed by zeros: a shorter text sorts first
        return (
            b"\x01"
            + b"".join((ord(w) + 1).to_bytes(3, "big") for w in _text_key(str(value)))
            + (b"\x00\x00\x00")
        )
    number = _as_float(value) if kind == "number" else None
    if number is not None:
        bits: int = struct.unpack(">Q", struct.pack(">d", number))[0]
        bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
        return b"\x01" + bits.to_bytes(8, "big")
    text = str(int(value)) if isinstance(value, bool) else str(value)
    return b"\x01" + text.encode().replace(b"\x00", b"\x00\xff") + b"\x00\x00"


def _as_float(value: Any) -> float | None:
    """A number item (SQLite may hand it over as text); None for one that is no number, which
    then sorts by its text rather than failing the query."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class SortKey:
    """SQLite aggregate gb_sort_key(value1, kind1, value2, kind2, ...): the items' key blob,
    the arrays of each value one after the other, in the order the items come (the caller
    reads an ordered subquery)."""

    def __init__(self) -> None:
        self.parts: list[list[bytes]] = []

    def step(self, *args: Any) -> None:
        if not self.parts:
            self.parts = [[] for _ in range(len(args) // 2)]
        for i, part in enumerate(self.parts):
            part.append(_item_bytes(args[2 * i], args[2 * i + 1]))

    def finalize(self) -> bytes:
        return b"\x00".join(b"".join(part) for part in self.parts)

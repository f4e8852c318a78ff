"""The full-text search clause: a term's words, each a prefix, all required, via the index.

An integer term without a leading zero also matches the row with that id (as in compat).
A blank term filters nothing; a term without any letter or digit (e.g. "!!!") matches no
row. When the search is a list's only condition, `plan` counts the matches in the index
alone and picks the page query's shape by that count. Imports: filters.base,
search.tokenize, storage (search_index, kept.pg_counts, kept.row_counts), usertable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.filters.base import NOTHING, Clause
from gridbase.search.row_id import row_id_of
from gridbase.search.tokenize import query_tokens
from gridbase.storage import search_index
from gridbase.storage.kept import pg_counts, row_counts
from gridbase.usertable import keyset
from gridbase.usertable.model import TableModel
from gridbase.usertable.walk import walked


@dataclass(frozen=True)
class SearchPlan:
    """What the index alone tells a list whose only condition is a search: the match count
    and a clause for the page."""

    count: int
    where: sa.ColumnElement[bool]


def _clean(term: str) -> str:
    return term.replace("\x00", "").strip()  # PostgreSQL text holds no NUL


def full_text_clause(dialect: str, model: TableModel, term: str) -> Clause | None:
    term = _clean(term)
    if not term:
        return None
    t = model.sql
    parts: list[Clause] = []
    words = query_tokens(term)
    if words:
        parts.append(t.c.id.in_(search_index.matching_ids(dialect, model.table.id, words)))
    row_id = row_id_of(term)
    if row_id is not None:
        parts.append(t.c.id == row_id)
    return sa.or_(*parts) if parts else NOTHING


# Above this many matches a SQLite page walks the (order, id) index and keeps matching rows
# (the match set is built once), instead of fetching every match and sorting them all.
WALK_ORDER_ABOVE = 5_000
# Looking one walked row up in FTS5 costs about this many times what adding one match to
# the IN set does (~22 us vs ~0.06 us, 1M-row bench table): lookups win only when the page
# is found after walking fewer rows than matches / LOOKUP_COST.
LOOKUP_COST = 400


# The chunked walk (below) against fetching every match: a walked row costs about as much
# as this many index entries of each word (~2.6 us vs ~0.05 us, 1M-row bench table). It
# visits ~walk * rows / matches rows, the match set reads ~rows entries per word, so the walk
# wins while matches * words >= WALK_ROW_COST * walk. Measured at 1M rows: two common words
# (16 % of rows) 43 -> 5.8 ms, five (0.8 %) 43 -> 20 ms; page 100 of one word stays on the set.
WALK_ROW_COST = 50
# A walked chunk's ids go to the index as one rowid range while that range spans at most
# this many times the chunk's rows (ids mostly follow the order); else each row is looked up.
RANGE_SPREAD = 8
# A chunk is the estimated walk with this margin, plus a few rows.
CHUNK_MARGIN, CHUNK_EXTRA = 1.25, 64


def _first_matches(
    conn: sa.Connection, model: TableModel, words: list[str], walk: int, count: int
) -> list[int] | None:
    """Ids of the first matches of exact `words` in the default order: at least `walk` of
    them, or all. Reads the (order, id) index in chunks and asks the index which ids of each
    chunk's id range match: one seek per chunk, where a lookup per row costs ~22 us (page 1
    of a word in 16 % of 2.5M rows: ~650 lookups). None when a chunk's ids spread too far."""
    t = model.sql
    size = int(walked(conn, model, count, walk) * CHUNK_MARGIN) + CHUNK_EXTRA
    parts = [(t.c.order, False), (t.c.id, False)]
    found: list[int] = []
    last: tuple[Any, int] | None = None
    while len(found) < walk:
        # ids only: no decimal to convert per row
        stmt = sa.select(t.c.id).order_by(t.c.order, t.c.id).limit(size)
        ids = list(
            conn.execute(
                stmt.where(*keyset.after(parts, last)) if last is not None else stmt
            ).scalars()
        )
        if not ids:
            break
        low, high = min(ids), max(ids)
        if high - low >= RANGE_SPREAD * len(ids):
            return None
        matching = set(
            conn.execute(search_index.matching_in_range(model.table.id, words, low, high)).scalars()
        )
        found.extend(i for i in ids if i in matching)
        if len(ids) < size:
            break
        last = (conn.execute(sa.select(t.c.order).where(t.c.id == ids[-1])).scalar_one(), ids[-1])
    return found


# Matches a search plan reads by id (their count and the page's clause) rather than count
FEW_MATCHES = 1000


def pg_matches(
    conn: sa.Connection,
    kept: pg_counts.KeptCounts,
    model: TableModel,
    ids: sa.Select[Any],
    counting: sa.Select[Any],
    *,
    remember: bool = True,
) -> tuple[int, list[int] | None]:
    """PostgreSQL: the number of a search's matches (`ids` selects them, `counting` counts
    them) and, when they are few, their ids, read once: the count and the page's clause.
    Many: counted (kept while it holds, so a search read again neither counts nor reads
    FEW_MATCHES + 1 ids first) and None."""
    many = pg_counts.peek(conn, kept, model.sql, counting)
    if many is None or many <= FEW_MATCHES:
        few = list(conn.execute(ids.limit(FEW_MATCHES + 1)).scalars())
        if len(few) <= FEW_MATCHES:
            return len(few), few
    counted = row_counts.count(
        conn, model.table.id, model.sql, counting, remember=remember, kept=kept
    )
    return counted, None


def plan(
    conn: sa.Connection,
    model: TableModel,
    term: str,
    walk: int | None = None,
    kept: pg_counts.KeptCounts | None = None,
) -> SearchPlan | None:
    """Count and clause for a list whose only condition is this full-text term, or None
    when the term needs the general path (an integer term also matches a row id). `walk`:
    the rows the page needs when it follows the default order (page * size), else None;
    `kept`: the app's kept counts (PostgreSQL)."""
    term = _clean(term)
    words = query_tokens(term)
    if not words or row_id_of(term) is not None:
        return None
    sqlite = conn.dialect.name == "sqlite"
    exact = sqlite and search_index.unextended(conn, model.table.id, words)
    ids = search_index.matching_ids(conn.dialect.name, model.table.id, words, exact=exact)
    # every document belongs to an existing row (the index is written with the rows)
    matches = sa.select(sa.func.count()).select_from(ids.subquery())
    row_id: sa.ColumnElement[Any] = model.sql.c.id
    if not sqlite and kept is not None:
        # (PostgreSQL guesses a prefix's matches badly: 4,484 for one row of a million, and
        # would walk the order index through every row for `id IN (matches)`)
        count, few = pg_matches(conn, kept, model, ids, matches)
        return SearchPlan(count, row_id.in_(ids if few is None else few))
    count = row_counts.count(conn, model.table.id, model.sql, matches, kept=kept)
    if sqlite and count > WALK_ORDER_ABOVE:
        if exact and walk is not None:
            if count * len(words) >= WALK_ROW_COST * walk:
                # matches dense enough for the page: walk the order index, keep the rows that match
                found = _first_matches(conn, model, words, walk, count)
                if found is not None:
                    return SearchPlan(count, row_id.in_(found))
            if walked(conn, model, count, walk) * LOOKUP_COST < count:
                return SearchPlan(count, search_index.row_matches(model.table.id, row_id, words))
        row_id = row_id + 0  # not the rowid lookup: lets the planner walk the order index
    return SearchPlan(count, row_id.in_(ids))

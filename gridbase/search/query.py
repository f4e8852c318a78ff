"""The full-text search clause: a term's words, each a prefix, all required, via the index.

An integer term without a leading zero also matches the row with that id (as in compat).
A blank term filters nothing; a term without any letter or digit (e.g. "!!!") matches no
row. Imports: core, search.tokenize, storage.search_index.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.core.table_model import TableModel
from gridbase.filters.base import NOTHING, Clause
from gridbase.search.tokenize import query_tokens
from gridbase.storage import search_index


def full_text_clause(dialect: str, model: TableModel, term: str) -> Clause | None:
    term = term.replace("\x00", "").strip()
    if not term:
        return None
    t = model.sql
    parts: list[Clause] = []
    words = query_tokens(term)
    if words:
        parts.append(t.c.id.in_(search_index.matching_ids(dialect, model.table.id, words)))
    if term.isdigit() and not term.startswith("0"):
        parts.append(t.c.id == int(term))
    return sa.or_(*parts) if parts else NOTHING

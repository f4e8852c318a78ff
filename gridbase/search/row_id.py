"""The row id a search term also names (both search modes), by Baserow's rule
(SearchHandler.add_exact_id_search): Python's int() of the trimmed term, unless the term starts
with "0" ("0006" names no row). Imports nothing of ours."""

from __future__ import annotations

# row ids are 64-bit integers: a larger number names no row (and must never reach the
# database as a parameter it cannot hold)
LARGEST_ID = 2**63 - 1


def row_id_of(term: str) -> int | None:
    stripped = term.strip()
    if stripped.startswith("0"):
        return None
    try:
        # int(), not str.isdigit(): "+5" and "1_0" name rows, "²" is a digit int() refuses
        row_id = int(stripped)
    except ValueError:
        return None
    return row_id if -LARGEST_ID <= row_id <= LARGEST_ID else None

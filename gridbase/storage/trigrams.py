"""PostgreSQL: how common the trigrams of a table's search texts are, and which parts of a
compat term the trigram index is asked for.

A GIN trigram scan reads the whole posting list of every trigram of the pattern. In an
e-mail column "use" and "ser" may be in every row: for `%user333333%` at 1,000,000 rows
those two lists are 1,000 of the scan's 1,017 pages, while "r33" and "333" alone find the
same 1,171 candidates (14 ms against 1 ms). So the index is asked for the term's rare
parts only, and the whole term is checked on the candidates' texts (search_index).

The frequencies come from a sample of the table's texts (SAMPLE_ROWS rows from random
pages, about 35 ms at 1,000,000 rows), read again when the kept ones expire. They only
steer the plan: any part of the term finds a superset of the rows that hold the term, so
a stale or skewed sample costs time, never rows. (ANALYZE could keep them, through an
expression statistics object on show_trgm(content), but every autovacuum ANALYZE of the
table would then pay for it: 2.3 s instead of 0.3 s at 1,000,000 rows, and 0.7 s per
1,050 writes at 10,000.) Imports: nothing from gridbase.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

# A trigram in more than this share of rows is left out of the index scan when the term
# has a rarer one: its posting list costs more to read than the candidates it removes.
COMMON = 0.05
SAMPLE_ROWS = 500


@dataclass(frozen=True)
class Frequencies:
    """Share of the sampled rows holding each trigram found in more than COMMON of them."""

    common: dict[str, float]

    def of(self, gram: str) -> float:
        return self.common.get(gram, 0.0)


def read(conn: sa.Connection, index_name: str, trigram_schema: str) -> Frequencies | None:
    """The common trigrams of a sample of the index table's texts (`index_name` is ours:
    from a table id; `trigram_schema`: pg_trgm's); None when it has no text."""
    show_trgm = f"{conn.dialect.identifier_preparer.quote(trigram_schema)}.show_trgm"
    # pages at random, as many as SAMPLE_ROWS rows take by the planner's row estimate
    # (-1 before the first ANALYZE: every page, the first rows)
    found = conn.execute(
        sa.text(
            "WITH sample AS MATERIALIZED ("
            f"SELECT content FROM {index_name} TABLESAMPLE SYSTEM (("
            "SELECT least(100, :rows * 100.0 / greatest(reltuples, 1)) FROM pg_class "
            "WHERE oid = to_regclass(:table))) "
            "WHERE content IS NOT NULL LIMIT :rows), "
            "total AS (SELECT count(*) AS n FROM sample) "
            f"SELECT gram, count(*)::float / total.n AS share FROM sample, "
            f"unnest({show_trgm}(content)) AS gram, total "
            "GROUP BY gram, total.n HAVING count(*) > :common * total.n"
        ),
        {"rows": SAMPLE_ROWS, "table": index_name, "common": COMMON},
    ).all()
    if not found:
        return None
    return Frequencies({r.gram: r.share for r in found})


def rare_parts(term: str, frequencies: Frequencies | None) -> list[str] | None:
    """The parts of a lowercased term to ask the index for, None for the whole term: each
    run of 3+ letters or digits (what pg_trgm takes trigrams from) gives up its common
    trigrams when the term has a rare one; the rare ones, joined where they overlap, are
    the parts."""
    if frequencies is None:
        return None
    runs = _runs(term)
    grams = [
        (frequencies.of(run[i : i + 3]), k, i)
        for k, run in enumerate(runs)
        for i in range(len(run) - 2)
    ]
    if not grams:
        return None
    kept = {(k, i) for share, k, i in grams if share <= COMMON}
    if not kept or len(kept) == len(grams):  # nothing rare, or nothing common to leave out
        return None
    parts: list[str] = []
    for k, run in enumerate(runs):
        start = end = -1
        for i in range(len(run) - 2):
            if (k, i) not in kept:
                continue
            if start >= 0 and i <= end - 2:  # overlaps the part being built
                end = i + 3
                continue
            if start >= 0:
                parts.append(run[start:end])
            start, end = i, i + 3
        if start >= 0:
            parts.append(run[start:end])
    return list(dict.fromkeys(parts))


def _runs(term: str) -> list[str]:
    """The term's runs of letters and digits."""
    runs, current = [], []
    for ch in term:
        if ch.isalnum():
            current.append(ch)
            continue
        if current:
            runs.append("".join(current))
        current = []
    if current:
        runs.append("".join(current))
    return runs

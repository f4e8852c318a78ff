"""PostgreSQL: how common the trigrams of a table's search texts are, and which parts of a
compat term the trigram index is asked for.

A GIN trigram scan reads the whole posting list of every trigram of the pattern. In an
e-mail column "use" and "ser" may be in every row: for `%user333333%` at 1,000,000 rows
those two lists are 1,000 of the scan's 1,017 pages, while "r33" and "333" alone find the
same 1,171 candidates (14 ms against 1 ms). So the index is asked for the term's rare
parts only, and the whole term is checked on the candidates' texts (search_index).

The frequencies come from an expression statistics object on `show_trgm(content)` of the
table's search index, which ANALYZE (autovacuum) fills with the most common trigrams and
their share of rows. They only steer the plan: any part of the term finds a superset of
the rows that hold the term, so stale or missing statistics cost time, never rows.
Imports: nothing from gridbase.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

# A trigram in more than this share of rows is left out of the index scan when the term
# has a rarer one: its posting list costs more to read than the candidates it removes.
COMMON = 0.05


@dataclass(frozen=True)
class Frequencies:
    """Share of rows holding each of a table's most common trigrams; `floor` bounds the
    share of any trigram that is not among them."""

    common: dict[str, float]
    floor: float

    def of(self, gram: str) -> float:
        return self.common.get(gram, self.floor)


def statistics_name(index_name: str) -> str:
    return f"{index_name}_trigrams"


def supported(conn: sa.Connection) -> bool:
    """Expression statistics exist from PostgreSQL 14 on."""
    version = conn.dialect.server_version_info or (0,)
    return conn.dialect.name == "postgresql" and version >= (14,)


def create(conn: sa.Connection, index_name: str, trigram_schema: str) -> None:
    """The statistics object of a search index table (its name and the content column are
    ours; the schema is pg_trgm's, quoted)."""
    if not supported(conn):
        return
    schema = conn.dialect.identifier_preparer.quote(trigram_schema)
    conn.exec_driver_sql(
        f"CREATE STATISTICS IF NOT EXISTS {statistics_name(index_name)} "
        f"ON ({schema}.show_trgm(content)) FROM {index_name}"
    )


def read(conn: sa.Connection, index_name: str) -> Frequencies | None:
    """The trigram frequencies ANALYZE last found, None before it has run."""
    if not supported(conn):
        return None
    found = conn.execute(
        sa.text(
            "SELECT most_common_elems::text::text[] AS grams, most_common_elem_freqs AS freqs "
            "FROM pg_stats_ext_exprs WHERE schemaname = current_schema() "
            "AND statistics_name = :name"
        ),
        {"name": statistics_name(index_name)},
    ).first()
    if found is None or not found.grams:
        return None
    grams, freqs = list(found.grams), list(found.freqs)
    # after one share per trigram: the lowest and highest share, then the null share
    return Frequencies(dict(zip(grams, freqs[: len(grams)], strict=True)), freqs[len(grams)])


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

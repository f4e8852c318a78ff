"""Full-text index storage of a user table: DDL, writing documents, the match clause.

SQLite: an FTS5 table `database_table_<id>_search(doc)` whose rowid is the row id, with the
`ascii` tokenizer and `detail=none`. PostgreSQL: a table `database_table_<id>_search(row_id
bigint primary key, doc tsvector)` with a GIN index. Callers hand in words that are already
tokenized (gridbase.search.tokenize: only letters and digits, lowercased), so neither engine
parses text: SQLite stores them space-separated and the ascii tokenizer splits on exactly
those spaces (it treats every non-ASCII character as part of a word and folds only ASCII
capitals, which casefolded words do not contain); PostgreSQL stores them verbatim with
array_to_tsvector, and a query is cast to tsquery without a dictionary. Both backends
therefore index and match exactly the same words. Names come from our integer ids only;
words are always bound values. Imports: storage.group_commit, storage.prepared (storage.ddl
calls it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from gridbase.storage import group_commit
from gridbase.storage.kept import statements
from gridbase.storage.prepared import Prepared
from gridbase.storage.raw import sqlite_connection


def index_name(table_id: int) -> str:
    return f"database_table_{int(table_id)}_search"


def _is_sqlite(conn: sa.Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _matches(table_id: int, words: Sequence[str], exact: bool) -> sa.ColumnElement[bool]:
    query = " AND ".join(f'"{w}"' if exact else f'"{w}"*' for w in words)
    # detail=none allows no column filter: match against the table itself
    whole: sa.ColumnElement[Any] = sa.literal_column(index_name(table_id))
    return whole.op("MATCH")(sa.literal(query))


def row_matches(
    table_id: int, row_id: sa.ColumnElement[Any], words: Sequence[str]
) -> sa.ColumnElement[bool]:
    """SQLite: EXISTS the document of `row_id` with every exact word - one lookup per row,
    for a page that walks the order index through many matches."""
    t = _sql(table_id)
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(t)
        .where(_matches(table_id, words, True), t.c.rowid == row_id)
    )


def matching_in_range(table_id: int, words: Sequence[str], low: int, high: int) -> sa.Select[Any]:
    """SQLite: the ids from `low` to `high` whose document has every exact word (FTS5 seeks
    the range in each word's list)."""
    t = _sql(table_id)
    return sa.select(t.c.rowid).where(_matches(table_id, words, True), t.c.rowid.between(low, high))


def create(conn: sa.Connection, table_id: int) -> None:
    name = index_name(table_id)
    if _is_sqlite(conn):
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} "
            "USING fts5(doc, tokenize='ascii', detail=none)"
        )
        return
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {name} (row_id bigint PRIMARY KEY, doc tsvector NOT NULL)"
    )
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name}_doc ON {name} USING gin (doc)")


def drop(conn: sa.Connection, table_id: int) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {index_name(table_id)}")


def exists(conn: sa.Connection, table_id: int) -> bool:
    return sa.inspect(conn).has_table(index_name(table_id))


def _sql(table_id: int) -> sa.TableClause:
    return sa.table(
        index_name(table_id),
        sa.column("rowid", sa.BigInteger),
        sa.column("row_id", sa.BigInteger),
        sa.column("doc", sa.Text),
    )


def lock(conn: sa.Connection, table_id: int, row_ids: Sequence[int]) -> None:
    """PostgreSQL: lock these rows' documents (in id order) until the transaction ends, before
    their new documents are read. A document shows rows of other tables (linked rows' text), so
    two transactions can rewrite it at once: without the lock, each reads the linked rows as
    they were before the other committed, and the last one to write drops the other's change.
    Read committed: the reads that follow the lock see what the holder committed. SQLite has
    one writer at a time: nothing to do."""
    if _is_sqlite(conn) or not row_ids:
        return
    t = _sql(table_id)
    ids = sorted(set(row_ids))
    for start in range(0, len(ids), 500):
        conn.execute(
            sa.select(t.c.row_id)
            .where(t.c.row_id.in_(ids[start : start + 500]))
            .order_by(t.c.row_id)
            .with_for_update()
        )


def forget(conn: sa.Connection, table_id: int, row_ids: Sequence[int]) -> None:
    """Remove the documents of these rows (if indexed). In a SQLite group commit, forget and
    store run just before the group commits, in order (see group_commit.defer)."""
    if _is_sqlite(conn):
        ids = list(row_ids)
        if group_commit.defer(conn, lambda conn: _forget(conn, table_id, ids)):
            return
    _forget(conn, table_id, row_ids)


def _forget(conn: sa.Connection, table_id: int, row_ids: Sequence[int]) -> None:

    def prepare() -> Prepared:
        t = _sql(table_id)
        key = t.c.rowid if _is_sqlite(conn) else t.c.row_id
        return Prepared(
            t.delete().where(key.in_(sa.bindparam("ids", expanding=True))), conn.dialect
        )

    found = statements.on_connection(conn, "search_forget", table_id, prepare)
    for start in range(0, len(row_ids), 500):
        found.rows(conn, {"ids": list(row_ids[start : start + 500])})


def clear(conn: sa.Connection, table_id: int) -> None:
    conn.execute(_sql(table_id).delete())


def store(conn: sa.Connection, table_id: int, documents: Iterable[tuple[int, list[str]]]) -> None:
    """Insert (row id, words) documents; on SQLite the rows must not be indexed already, on
    PostgreSQL a document already there is replaced."""
    batch = list(documents)
    if not batch:
        return
    name = index_name(table_id)
    # on the driver's connection: a text() execution costs ~0.2 ms of bookkeeping
    if _is_sqlite(conn):
        values = [(row_id, " ".join(words)) for row_id, words in batch]

        def insert(conn: sa.Connection) -> None:
            raw = sqlite_connection(conn)
            raw.executemany(f"INSERT INTO {name} (rowid, doc) VALUES (?, ?)", values)

        if not group_commit.defer(conn, insert):
            insert(conn)
        return
    # An upsert: a document is rewritten in place (never deleted and inserted again), so that
    # lock() of another transaction waits for this one and then holds the new version.
    stmt = sa.text(
        f"INSERT INTO {name} (row_id, doc) VALUES (:id, array_to_tsvector(CAST(:words AS text[]))) "
        "ON CONFLICT (row_id) DO UPDATE SET doc = EXCLUDED.doc"
    )
    conn.execute(stmt, [{"id": row_id, "words": words} for row_id, words in batch])


def unextended(conn: sa.Connection, table_id: int, words: Sequence[str]) -> bool:
    """SQLite: whether no indexed term extends any of these words, so that the exact words
    find what the prefixes would. FTS5 merges a prefix's doclists for every query (about 6x
    the cost of an exact term for a common word) and cannot look one row up by a prefix,
    while the next term of the vocabulary is one index seek away: the first term from the
    word followed by chr(1) on (tokens hold no control characters) extends it if any does.
    The 'instance' vocabulary stops at that term's first instance; a 'row' vocabulary
    would count every document of it first (~20 ms for a common word, 1M rows)."""
    name = index_name(table_id)
    raw = sqlite_connection(conn)
    # A temp table (this connection only; rolled back with the read, so made each time).
    raw.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name}_terms "
        f"USING fts5vocab(main, '{name}', 'instance')"
    )
    for word in words:
        following = raw.execute(
            f"SELECT term FROM temp.{name}_terms WHERE term >= ? LIMIT 1", (word + "\x01",)
        ).fetchone()
        if following is not None and str(following[0]).startswith(word):
            return False
    return True


def matching_ids(
    dialect: str, table_id: int, words: Sequence[str], *, exact: bool = False
) -> sa.Select[Any]:
    """SELECT of the row ids whose document has, for every word, a word starting with it
    (`exact`: the word itself; see unextended()). `words` must come from the tokenizer
    (letters and digits only), so the bound query string holds no operators of its own."""
    t = _sql(table_id)
    if dialect == "sqlite":
        return sa.select(t.c.rowid).where(_matches(table_id, words, exact))
    query = " & ".join(f"'{w}':*" for w in words)
    return sa.select(t.c.row_id).where(
        t.c.doc.op("@@")(sa.cast(sa.literal(query), postgresql.TSQUERY))
    )

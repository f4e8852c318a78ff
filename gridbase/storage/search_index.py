"""Full-text index storage of a user table: DDL, writing documents, the match clause.

SQLite: an FTS5 table `database_table_<id>_search(doc)` whose rowid is the row id, with the
`ascii` tokenizer and `detail=none`. PostgreSQL: a table `database_table_<id>_search(row_id
bigint primary key, doc tsvector)` with a GIN index. Callers hand in words that are already
tokenized (gridbase.search.tokenize: only letters and digits, lowercased), so neither engine
parses text: SQLite stores them space-separated and the ascii tokenizer splits on exactly
those spaces (it treats every non-ASCII character as part of a word and folds only ASCII
capitals, which casefolded words do not contain); PostgreSQL stores them verbatim with
array_to_tsvector, and a query is cast to tsquery without a dictionary. Both backends
therefore index and match exactly the same words.

Beside the words, each document keeps its row's searchable texts, lowercased, for substring
(compat) search: SQLite in a second FTS5 table `database_table_<id>_search_text(content)`
with the `trigram` tokenizer, PostgreSQL in a `content` column of the same table with a
pg_trgm GIN index (when the extension can be created; without it the column is scanned).
substring_ids() gives a superset of the rows whose text holds a term; the caller keeps the
exact per-field condition beside it. Names come from our integer ids only; words and
texts are always bound values. Imports: storage.group_commit, storage.prepared (storage.ddl
calls it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from gridbase.storage import group_commit
from gridbase.storage.kept import statements
from gridbase.storage.prepared import Prepared, chunks
from gridbase.storage.raw import sqlite_connection


def index_name(table_id: int) -> str:
    return f"database_table_{int(table_id)}_search"


def text_index_name(table_id: int) -> str:
    """SQLite: the trigram FTS5 table of the rows' texts."""
    return f"database_table_{int(table_id)}_search_text"


# The shortest term a trigram index can answer; shorter ones are matched by a scan.
MIN_SUBSTRING = 3
Document = tuple[int, list[str], str]  # row id, words, lowercased texts


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
    """The index of a table, or what an index from an older gridbase lacks (the texts)."""
    name = index_name(table_id)
    if _is_sqlite(conn):
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} "
            "USING fts5(doc, tokenize='ascii', detail=none)"
        )
        # detail=none: no positions (a third of the size); a term is matched as all of its
        # trigrams, which is why the caller keeps the exact condition
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {text_index_name(table_id)} "
            "USING fts5(content, tokenize='trigram case_sensitive 1', detail=none)"
        )
        return
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {name} (row_id bigint PRIMARY KEY, doc tsvector NOT NULL)"
    )
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name}_doc ON {name} USING gin (doc)")
    conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS content text")
    schema = trigram_schema(conn)
    if schema is not None:
        opclass = f"{conn.dialect.identifier_preparer.quote(schema)}.gin_trgm_ops"
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name}_content ON {name} USING gin (content {opclass})"
        )


def trigram_schema(conn: sa.Connection, *, create: bool = True) -> str | None:
    """PostgreSQL: the schema of the pg_trgm extension, with `create` made in `public` if it
    is not there yet (a trusted extension: the database's owner may); None when it is not
    there or cannot be made."""

    def find() -> Any:
        return conn.exec_driver_sql(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        ).scalar()

    found = find()
    if found is None and create:
        try:
            with conn.begin_nested():  # a refusal (privileges, a racing creator) ends here
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        except sa.exc.DBAPIError:
            pass
        found = find()
    return None if found is None else str(found)


def drop(conn: sa.Connection, table_id: int) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {index_name(table_id)}")
    if _is_sqlite(conn):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {text_index_name(table_id)}")


def exists(conn: sa.Connection, table_id: int) -> bool:
    """Whether the table has its whole index: words and texts."""
    if _is_sqlite(conn):
        return sa.inspect(conn).has_table(text_index_name(table_id))
    found = conn.execute(
        sa.text(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = :name AND column_name = 'content'"
        ),
        {"name": index_name(table_id)},
    ).first()
    return found is not None


def _sql(table_id: int) -> sa.TableClause:
    return sa.table(
        index_name(table_id),
        sa.column("rowid", sa.BigInteger),
        sa.column("row_id", sa.BigInteger),
        sa.column("doc", sa.Text),
        sa.column("content", sa.Text),
    )


def _text_sql(table_id: int) -> sa.TableClause:
    return sa.table(
        text_index_name(table_id), sa.column("rowid", sa.BigInteger), sa.column("content")
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

    def prepare() -> Prepared:
        t = _sql(table_id)
        return Prepared(
            sa.select(t.c.row_id)
            .where(t.c.row_id.in_(sa.bindparam("ids", expanding=True)))
            .order_by(t.c.row_id)
            .with_for_update(),
            conn.dialect,
        )

    found = statements.on_connection(conn, "search_lock", index_name(table_id), prepare)
    ids = sorted(set(row_ids))
    for start in range(0, len(ids), 500):
        found.rows(conn, {"ids": ids[start : start + 500]})


def forget(conn: sa.Connection, table_id: int, row_ids: Sequence[int]) -> None:
    """Remove the documents of these rows (if indexed). In a SQLite group commit, forget and
    store run just before the group commits, in order (see group_commit.defer)."""
    if _is_sqlite(conn):
        ids = list(row_ids)
        if group_commit.defer(conn, lambda conn: _forget(conn, table_id, ids)):
            return
    _forget(conn, table_id, row_ids)


def _forget(conn: sa.Connection, table_id: int, row_ids: Sequence[int]) -> None:

    def prepare(t: sa.TableClause) -> Prepared:
        key = t.c.rowid if _is_sqlite(conn) else t.c.row_id
        return Prepared(
            t.delete().where(key.in_(sa.bindparam("ids", expanding=True))), conn.dialect
        )

    tables = [_sql(table_id)] + ([_text_sql(table_id)] if _is_sqlite(conn) else [])
    for t in tables:
        found = statements.on_connection(
            conn,
            "search_forget",
            t.name,
            lambda t=t: prepare(t),  # type: ignore[misc]
        )
        for start in range(0, len(row_ids), 500):
            found.rows(conn, {"ids": list(row_ids[start : start + 500])})


def clear(conn: sa.Connection, table_id: int) -> None:
    conn.execute(_sql(table_id).delete())
    if _is_sqlite(conn):
        conn.execute(_text_sql(table_id).delete())


def store(conn: sa.Connection, table_id: int, documents: Iterable[Document]) -> None:
    """Insert (row id, words, texts) documents; on SQLite the rows must not be indexed
    already, on PostgreSQL a document already there is replaced."""
    batch = list(documents)
    if not batch:
        return
    name = index_name(table_id)
    # on the driver's connection: a text() execution costs ~0.2 ms of bookkeeping
    if _is_sqlite(conn):
        values = [(row_id, " ".join(words)) for row_id, words, _ in batch]
        texts = [(row_id, text) for row_id, _, text in batch]
        text_name = text_index_name(table_id)

        def insert(conn: sa.Connection) -> None:
            raw = sqlite_connection(conn)
            raw.executemany(f"INSERT INTO {name} (rowid, doc) VALUES (?, ?)", values)
            raw.executemany(f"INSERT INTO {text_name} (rowid, content) VALUES (?, ?)", texts)

        if not group_commit.defer(conn, insert):
            insert(conn)
        return
    # An upsert: a document is rewritten in place (never deleted and inserted again), so that
    # lock() of another transaction waits for this one and then holds the new version. One
    # statement per chunk of documents (a statement may rewrite a row once: the last wins).
    docs = list({doc[0]: doc for doc in batch}.values())
    for start, size in chunks(len(docs), 3):

        def prepare(size: int = size) -> Prepared:
            return _upsert(table_id, size, conn)

        found = statements.on_connection(conn, "search_store", (name, size), prepare)
        found.for_rows(
            conn,
            [
                {"id": row_id, "words": list(words), "content": text}
                for row_id, words, text in docs[start : start + size]
            ],
        )


def _upsert(table_id: int, size: int, conn: sa.Connection) -> Prepared:
    """PostgreSQL: the upsert of `size` documents."""
    t = _sql(table_id)
    words = sa.ARRAY(sa.Text)
    stmt = postgresql.insert(t).values(
        [
            {
                "row_id": sa.bindparam(f"id__{i}", type_=sa.BigInteger),
                "doc": sa.func.array_to_tsvector(sa.cast(sa.bindparam(f"words__{i}"), words)),
                "content": sa.bindparam(f"content__{i}", type_=sa.Text),
            }
            for i in range(size)
        ]
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["row_id"],
        set_={"doc": stmt.excluded.doc, "content": stmt.excluded.content},
    )
    return Prepared(stmt, conn.dialect)


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


def substring_ids(
    dialect: str, table_id: int, term: str, parts: Sequence[str] | None = None
) -> sa.Select[Any]:
    """SELECT of the ids of rows whose texts may hold `term` (lowercased, at least
    MIN_SUBSTRING characters): every row that holds it, and on SQLite possibly more (rows
    with all of its trigrams, not necessarily in that order). PostgreSQL `parts`: the
    term's parts to ask the trigram index for (storage.trigrams.rare_parts), the whole
    term then checked on what they find."""
    if dialect == "sqlite":
        t = _text_sql(table_id)
        # every third trigram and the last cover the term; each is a quoted FTS5 string
        starts = sorted({*range(0, len(term) - 2, 3), len(term) - 3})
        grams = dict.fromkeys(term[i : i + 3] for i in starts)
        query = " AND ".join('"{}"'.format(g.replace('"', '""')) for g in grams)
        whole: sa.ColumnElement[Any] = sa.literal_column(text_index_name(table_id))
        return sa.select(t.c.rowid).where(whole.op("MATCH")(sa.literal(query)))
    t = _sql(table_id)
    if not parts:
        return sa.select(t.c.row_id).where(t.c.content.icontains(term, autoescape=True))
    # OFFSET 0: the term's own condition stays out of the index scan, which would read
    # every trigram's posting list again
    found = (
        sa.select(t.c.row_id, t.c.content)
        .where(*(t.c.content.icontains(part, autoescape=True) for part in parts))
        .offset(0)
        .subquery("found")
    )
    return sa.select(found.c.row_id).where(found.c.content.icontains(term, autoescape=True))

"""Everything the server keeps between requests, and when each kept value is dropped.

Every kept value lives in a module of this package and follows the one rule written in
`KEPT` below (also in the README, "What the server keeps", which must match it:
tests/storage/test_kept.py), with the test that shows the rule holds. Callers ask these
modules; they never decide themselves whether something kept is still valid.

Where values live: per app (app.Kept, on the service context), per pooled database
connection (`conn.info`), per sa.Table object (`info`), or in the database itself (the
triggers' row counts and versions). PostgreSQL connections keep only metadata look-ups,
checked against the metadata clock that the request's own statements read (meta_clock):
several instances share the database and there is no SQLite-like data version. Counts
are kept per app under a version the database reads from the triggers' delta rows
(pg_counts).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeptValue:
    what: str
    by: str  # what keeps it, in this package
    on: str  # where it lives
    key: str  # what it is kept for
    dropped: str  # when it goes
    test: str  # the test that shows the rule holds (path::name)


KEPT: tuple[KeptValue, ...] = (
    KeptValue(
        "table models (sa.Table, fields, select expressions; their memos)",
        "versions.ModelCache",
        "per app",
        "table id + schema version (random, new at every schema change: bump_version)",
        "when the table's schema version moves (any instance or program); table deletion",
        "tests/storage/test_kept.py::"
        "test_a_rolled_back_link_creation_never_lends_its_model_to_a_committed_one",
    ),
    KeptValue(
        "statements and prepared statements (with their IN-list SQL variants; PostgreSQL: one "
        "for integer lists of any length)",
        "statements.on_table",
        "per sa.Table object",
        "statement shape",
        "with the table object (a model's goes at every schema change); a slot at 64 is emptied",
        "tests/api/test_sorting.py::test_single_select_sorts_by_option_value",
    ),
    KeptValue(
        "search index statements (DELETE, row lock, upsert)",
        "statements.on_connection",
        "per connection",
        "index table name (from the table id, never reused)",
        "never stale; a slot at 256 is emptied",
        "tests/api/test_search_index.py::test_index_follows_row_writes",
    ),
    KeptValue(
        "list counts and deep-page marks (SQLite)",
        "snapshots",
        "per read connection",
        "the data version (PRAGMA schema_version, data_version, total_changes)",
        "any write from anywhere; never kept in a writing transaction",
        "tests/storage/test_snapshots.py::test_kept_until_any_write_and_never_in_a_write",
    ),
    KeptValue(
        "metadata look-ups: a token's grants, the link fields into a table, a table's webhooks",
        "meta_clock",
        "per connection (the writer's too; PostgreSQL: checked by the request's own row "
        "statement or lock check)",
        "gridbase_meta_clock, set to a random value by triggers on every metadata change "
        "(PostgreSQL: once, when the transaction commits)",
        "any metadata change from anywhere (random values: a rolled-back one never returns)",
        "tests/storage/test_meta_clock.py::test_kept_across_row_writes_until_metadata_changes",
    ),
    KeptValue(
        "row counts of each user table (and row versions, SQLite)",
        "row_counts",
        "in the database (gridbase_row_counts; PostgreSQL: delta rows in "
        "gridbase_row_count_deltas)",
        "table id",
        "never stale: triggers move them in the transaction of every insert, update, delete",
        "tests/storage/test_row_counts.py::test_the_listed_count_follows_every_write",
    ),
    KeptValue(
        "filtered counts that read only their own table (SQLite)",
        "row_counts.count",
        "per read connection",
        "statement + the table's row version + the metadata clock",
        "a write to that table, or any metadata change",
        "tests/api/test_rows_kept.py::test_a_filtered_count_is_kept_across_writes_to_other_tables",
    ),
    KeptValue(
        "filtered and searched counts (PostgreSQL)",
        "pg_counts.KeptCounts",
        "per app (512 counts)",
        "statement + a hash of the metadata clock and of the transaction ids of the delta "
        "rows (gridbase_row_count_deltas) of every row, junction and search table it reads, "
        "read with the count and again at each use",
        "a committed change to any table it reads (triggers add a delta row at every "
        "statement), or any metadata change; never kept in a writing transaction",
        "tests/storage/test_pg_counts.py::"
        "test_kept_until_a_table_it_reads_changes_in_any_commit_order",
    ),
    KeptValue(
        "linked rows' primary texts (SQLite)",
        "linked_texts",
        "per connection (at most 4 tables x 2,048 texts)",
        "stored primary: the linked table's row version + metadata clock; else the snapshot",
        "a write to the linked table or any metadata change; computed primaries: any write",
        "tests/api/test_rows_kept.py::test_linked_texts_are_kept_across_writes_to_other_tables",
    ),
    KeptValue(
        "tables that have their search index (words and texts)",
        "indexes.IndexedTables",
        "per app",
        "table id (never reused)",
        "never: an index goes only with its table",
        "tests/api/test_search_index.py::"
        "test_tables_without_an_index_fall_back_and_get_one_at_startup",
    ),
    KeptValue(
        "how common each trigram of a table's search texts is (PostgreSQL; it only steers "
        "compat search's index scan)",
        "app.Kept.trigrams (expiring.Expiring)",
        "per app",
        "table id (never reused)",
        "10 minutes after it was read from a sample of the texts; a store at 10,000 is emptied",
        "tests/api/test_compat_trigrams.py::test_trigram_frequencies_are_read_again_after_ten_minutes",
    ),
    KeptValue(
        "who sends a request, for the concurrency limit (never an access decision)",
        "expiring.Expiring",
        "per app",
        "the credential (a token's digest, a JWT's user)",
        "10 seconds after it was read; a store at 10,000 is emptied",
        "tests/storage/test_kept.py::test_expiring_values_go_after_their_time",
    ),
    KeptValue(
        "the payloads of signed-in users' JWTs whose signature was checked (their expiry, "
        "the user's session stamp and active flag are checked at every use)",
        "app.Kept.jwt_payloads (expiring.Expiring)",
        "per app",
        "the token's text (signed with this app's secret)",
        "5 minutes after it was checked; a store at 4,096 is emptied",
        "tests/api/test_account.py::test_a_kept_token_still_expires_and_still_signs_out",
    ),
    KeptValue(
        "answers to row writes sent with an Idempotency-Key",
        "idempotency",
        "in the database (idempotency_keys)",
        "user or database token + key; replayed only to the same method, path and body",
        "GRIDBASE_IDEMPOTENCY_RETENTION_HOURS after the first request (the clean-ups)",
        "tests/api/test_rows_idempotency.py::test_kept_answers_are_swept_after_the_retention",
    ),
    KeptValue(
        "the time zone names this Python knows",
        "zones.time_zones",
        "per process",
        "-",
        "never: the tz database does not change while the process runs",
        "tests/api/test_fields_types.py::test_date_field_json_and_values",
    ),
)


def table_markdown() -> str:
    """KEPT as the README shows it."""
    lines = [
        "| what | kept by (`storage.kept.`), on | valid for | dropped | test |",
        "| --- | --- | --- | --- | --- |",
    ]
    for v in KEPT:
        test = v.test.replace("tests/", "", 1)
        lines.append(f"| {v.what} | `{v.by}`, {v.on} | {v.key} | {v.dropped} | `{test}` |")
    return "\n".join(lines)

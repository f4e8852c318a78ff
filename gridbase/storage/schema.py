"""The metadata schema (users ... outbox) on one sa.MetaData, identical on SQLite and PostgreSQL.

User tables (`database_table_<id>`) are not here: see storage.ddl. Changes to this
file need an Alembic revision in storage/migrations/versions.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.models import Field, SelectOption
from gridbase.storage.types import Id, UtcDateTime

metadata = sa.MetaData()

NOW = sa.func.current_timestamp()


def _id() -> sa.Column[int]:
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def _fk(name: str, target: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(
        name, Id, sa.ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=True
    )


def _created() -> sa.Column[object]:
    return sa.Column("created_on", UtcDateTime(), nullable=False)


users = sa.Table(
    "users",
    metadata,
    _id(),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("first_name", sa.String(150), nullable=False),
    sa.Column("password", sa.String(255), nullable=False),
    sa.Column("is_staff", sa.Boolean, nullable=False, default=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("language", sa.String(10), nullable=False, default="en"),
    sa.Column("date_joined", UtcDateTime(), nullable=False),
    # sessions issued (JWT `iat`, whole seconds) before this are refused
    sa.Column("password_changed_at", UtcDateTime(), nullable=True),
    sa.Column("email_notification_frequency", sa.String(16), nullable=False, default="instant"),
    sa.Column("completed_onboarding", sa.Boolean, nullable=False, default=False),
    sa.Column("completed_guided_tours", sa.JSON, nullable=False, default=list),
    # set by schedule-account-deletion, cleared by the next log-in
    sa.Column("deletion_scheduled_at", UtcDateTime(), nullable=True),
)

workspaces = sa.Table(
    "workspaces",
    metadata,
    _id(),
    sa.Column("name", sa.String(165), nullable=False),
    # In the trash (core.trash_apps): every read of workspaces leaves it out, and what is in it
    sa.Column("trashed", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    _created(),
)

workspace_users = sa.Table(
    "workspace_users",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    _fk("user_id", "users.id"),
    sa.Column("permissions", sa.String(32), nullable=False, default="ADMIN"),
    sa.Column("order", sa.Integer, nullable=False, default=0),
    _created(),
    sa.UniqueConstraint("workspace_id", "user_id"),
    sqlite_autoincrement=True,  # ids of removed members are never handed out again
)

# a pending invitation to join a workspace; the link in its e-mail carries the id signed
# with the server secret (core.invitations), so nothing secret is stored here
workspace_invitations = sa.Table(
    "workspace_invitations",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    _fk("invited_by_id", "users.id"),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("permissions", sa.String(32), nullable=False),
    sa.Column("message", sa.Text, nullable=False, default=""),
    _created(),
    sa.UniqueConstraint("workspace_id", "email"),
    sqlite_autoincrement=True,  # a used-up invitation's id (and link) never comes back
)

# what Baserow counts as a workspace's `unread_notifications_count` (an invitation of the
# recipient's was accepted or rejected); gridbase has no notification endpoints yet
notifications = sa.Table(
    "notifications",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    _fk("recipient_id", "users.id"),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("read", sa.Boolean, nullable=False, default=False),
    _created(),
)

applications = sa.Table(
    "applications",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    sa.Column("name", sa.String(160), nullable=False),
    sa.Column("order", sa.Integer, nullable=False, default=0),
    sa.Column("type", sa.String(32), nullable=False),
    # In the trash (core.trash_apps): every read of applications leaves it out, and its tables
    sa.Column("trashed", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    _created(),
)

database_tables = sa.Table(
    "database_tables",
    metadata,
    _id(),
    _fk("database_id", "applications.id"),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("order", sa.Integer, nullable=False, default=0),
    # Bumped on every schema change so cached table models are rebuilt, on every instance.
    sa.Column("schema_version", sa.Integer, nullable=False, default=1),
    # In the trash (core.trash_tables): every read of tables leaves it out.
    sa.Column("trashed", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    _created(),
)


def live_application(a: sa.FromClause = applications) -> sa.ColumnElement[bool]:
    """An application (`a`: applications or an alias) that is not in the trash, nor its
    workspace: the condition of every read that may not see trashed ones."""
    w = workspaces.alias("live_workspace")
    parent = sa.select(w.c.id).where(w.c.id == a.c.workspace_id, w.c.trashed.is_(False))
    return sa.and_(a.c.trashed.is_(False), parent.exists())


def live_table(t: sa.FromClause = database_tables) -> sa.ColumnElement[bool]:
    """A table (`t`: database_tables or an alias) that is not in the trash, nor its
    database or workspace: the condition of every read that may not see trashed ones."""
    a, w = applications.alias("live_database"), workspaces.alias("live_workspace")
    parent = (
        sa.select(a.c.id)
        .join(w, w.c.id == a.c.workspace_id)
        .where(a.c.id == t.c.database_id, a.c.trashed.is_(False), w.c.trashed.is_(False))
    )
    return sa.and_(t.c.trashed.is_(False), parent.exists())


def live_version(table_id: Any) -> sa.Select[Any]:
    """The schema version of table `table_id` (an id, a bound parameter or a column) while it
    is live; no row once it, its database or its workspace is in the trash."""
    t = database_tables
    return sa.select(t.c.schema_version).where(t.c.id == table_id, live_table(t))


fields = sa.Table(
    "fields",
    metadata,
    _id(),
    _fk("table_id", "database_tables.id"),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("order", sa.Integer, nullable=False, default=0),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("primary", sa.Boolean, nullable=False, default=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("db_index", sa.Boolean, nullable=False, default=False),
    sa.Column("props", sa.JSON, nullable=False, default=dict),  # type-specific properties
    _created(),
    # field_constraints type names (a list); its unique index lives on the user table
    sa.Column("constraints", sa.JSON, nullable=False, default=list, server_default="[]"),
)

select_options = sa.Table(
    "select_options",
    metadata,
    _id(),
    _fk("field_id", "fields.id"),
    sa.Column("value", sa.String(255), nullable=False, default=""),
    sa.Column("color", sa.String(255), nullable=False, default=""),
    sa.Column("order", sa.Integer, nullable=False, default=0),
)

views = sa.Table(
    "views",
    metadata,
    _id(),
    _fk("table_id", "database_tables.id"),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("order", sa.Integer, nullable=False, default=0),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("filter_type", sa.String(3), nullable=False, default="AND"),
    sa.Column("filters_disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("props", sa.JSON, nullable=False, default=dict),
    # In the trash (core.trash_views): core.views.load_view and the view lists leave it out
    sa.Column("trashed", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    _created(),
)

view_filter_groups = sa.Table(
    "view_filter_groups",
    metadata,
    _id(),
    _fk("view_id", "views.id"),
    sa.Column("filter_type", sa.String(3), nullable=False, default="AND"),
    _fk("parent_group_id", "view_filter_groups.id", nullable=True),
)

view_filters = sa.Table(
    "view_filters",
    metadata,
    _id(),
    _fk("view_id", "views.id"),
    _fk("field_id", "fields.id"),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False, default=""),
    _fk("group_id", "view_filter_groups.id", nullable=True),
)

view_sorts = sa.Table(
    "view_sorts",
    metadata,
    _id(),
    _fk("view_id", "views.id"),
    _fk("field_id", "fields.id"),
    sa.Column("order", sa.String(4), nullable=False, default="ASC"),
    sa.Column("type", sa.String(32), nullable=False, default="default"),
)

view_field_options = sa.Table(
    "view_field_options",
    metadata,
    _id(),
    _fk("view_id", "views.id"),
    _fk("field_id", "fields.id"),
    sa.Column("options", sa.JSON, nullable=False, default=dict),
    sa.UniqueConstraint("view_id", "field_id"),
)

tokens = sa.Table(
    "tokens",
    metadata,
    _id(),
    _fk("user_id", "users.id"),
    _fk("workspace_id", "workspaces.id"),
    sa.Column("name", sa.String(100), nullable=False),
    # HMAC-SHA256(server secret, key): the lookup; the key itself only encrypted.
    sa.Column("key_digest", sa.String(64), nullable=False, unique=True),
    sa.Column("key_encrypted", sa.Text, nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("last_used", UtcDateTime(), nullable=True),
    _created(),
)

mcp_endpoints = sa.Table(
    "mcp_endpoints",
    metadata,
    _id(),
    _fk("user_id", "users.id"),
    _fk("workspace_id", "workspaces.id"),
    sa.Column("name", sa.String(100), nullable=False),
    # as for tokens: the key's HMAC for the lookup, the key itself only encrypted
    sa.Column("key_digest", sa.String(64), nullable=False, unique=True),
    sa.Column("key_encrypted", sa.Text, nullable=False),
    _created(),
)

token_permissions = sa.Table(
    "token_permissions",
    metadata,
    _id(),
    _fk("token_id", "tokens.id"),
    sa.Column("operation", sa.String(8), nullable=False),  # create | read | update | delete
    sa.Column("scope", sa.String(10), nullable=False),  # workspace | database | table
    sa.Column("scope_id", Id, nullable=True),
)

webhooks = sa.Table(
    "webhooks",
    metadata,
    _id(),
    _fk("table_id", "database_tables.id"),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("request_method", sa.String(8), nullable=False, default="POST"),
    sa.Column("headers", sa.JSON, nullable=False, default=dict),
    sa.Column("include_all_events", sa.Boolean, nullable=False, default=True),
    sa.Column("use_user_field_names", sa.Boolean, nullable=False, default=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("failed_triggers", sa.Integer, nullable=False, default=0),
    sa.Column("secret_encrypted", sa.Text, nullable=False, default=""),
    _created(),
    sa.Column("updated_on", UtcDateTime(), nullable=False),
)

webhook_events = sa.Table(
    "webhook_events",
    metadata,
    _id(),
    _fk("webhook_id", "webhooks.id"),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("config", sa.JSON, nullable=False, default=dict),  # fields / views of event_config
)

webhook_calls = sa.Table(
    "webhook_calls",
    metadata,
    _id(),
    _fk("webhook_id", "webhooks.id"),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("called_time", UtcDateTime(), nullable=True),
    sa.Column("called_url", sa.String(2000), nullable=False),
    sa.Column("request", sa.Text, nullable=True),
    sa.Column("response", sa.Text, nullable=True),
    sa.Column("response_status", sa.Integer, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=True),
)

# Transactional outbox: one row per (event, webhook), written with the change it describes.
outbox = sa.Table(
    "webhook_outbox",
    metadata,
    _id(),
    _fk("webhook_id", "webhooks.id"),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("claimed_until", UtcDateTime(), nullable=True),
    _created(),
)

# The change stream's event log (webhooks.event_log): one row per table event, written in
# the change's transaction whether or not anyone streams. `seq` counts per database; its
# next value comes from `stream_sequences` (whose row lock orders commits: see event_log).
stream_sequences = sa.Table(
    "stream_sequences",
    metadata,
    sa.Column(
        "database_id", Id, sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    # events up to this seq were swept (retention): a resume from before it is a reset
    sa.Column("purged_seq", sa.BigInteger, nullable=False, default=0),
)

stream_events = sa.Table(
    "stream_events",
    metadata,
    sa.Column(
        "database_id", Id, sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("table_id", Id, nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),  # the webhook body, rows keyed field_<id>
    sa.Column("names", sa.JSON, nullable=True),  # field_<id> -> name at the event, row events
    _created(),
    sa.Index("ix_stream_events_table_seq", "table_id", "seq"),
    sa.Index("ix_stream_events_created_on", "created_on"),
)

# Uploaded files (Baserow's UserFile). Never changed once written: rows of file fields keep
# a copy of what they show. `name` is `<unique>_<sha256_hash>.<original_extension>`.
user_files = sa.Table(
    "user_files",
    metadata,
    _id(),
    sa.Column("original_name", sa.String(255), nullable=False),
    sa.Column("original_extension", sa.String(64), nullable=False),
    sa.Column("unique", sa.String(32), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mime_type", sa.String(127), nullable=False),
    sa.Column("is_image", sa.Boolean, nullable=False),
    sa.Column("image_width", sa.Integer, nullable=True),
    sa.Column("image_height", sa.Integer, nullable=True),
    sa.Column("uploaded_at", UtcDateTime(), nullable=False),
    sa.Column("uploaded_by_id", Id, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("sha256_hash", sa.String(64), nullable=False, index=True),
    sa.UniqueConstraint("sha256_hash", "original_extension", "unique"),
)

# One entry per changed row of a create or update, written in the same transaction. The
# values are JSON as the history endpoint answers them, so deleting a field or changing
# its options leaves past entries as they were.
row_history = sa.Table(
    "row_history",
    metadata,
    _id(),
    _fk("table_id", "database_tables.id"),
    sa.Column("row_id", Id, nullable=False),
    sa.Column("user_id", Id, nullable=True),  # no FK: the entry outlives its user
    sa.Column("user_name", sa.String(150), nullable=False),
    sa.Column("action_type", sa.String(32), nullable=False),
    sa.Column("action_timestamp", UtcDateTime(), nullable=False, index=True),
    sa.Column("before_values", sa.JSON, nullable=False),
    sa.Column("after_values", sa.JSON, nullable=False),
    sa.Column("fields_metadata", sa.JSON, nullable=False),
    sa.Index("ix_row_history_row", "table_id", "row_id", "action_timestamp"),
)

# Background jobs (Baserow's Job and ExportJob in one table: `type` tells them apart).
# `params` is what the job was asked to do (an import's rows too), `result` what it gave
# (an export's file name, an import's table and report). `runner` names the process that
# claimed it; a started job whose runner is gone is failed at the next look (core.jobs).
jobs = sa.Table(
    "jobs",
    metadata,
    _id(),
    _fk("user_id", "users.id"),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("progress_percentage", sa.Float, nullable=False, default=0.0),
    sa.Column("human_readable_error", sa.Text, nullable=False, default=""),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("runner", sa.String(128), nullable=True),
    _created(),
    sa.Column("updated_on", UtcDateTime(), nullable=False),
    # what the job works on that no answer shows (an import's rows): read by its runner
    # alone, dropped when it ends
    sa.Column("payload", sa.JSON, nullable=True),
)

# The trash (Baserow's TrashEntry): one entry per delete a user can undo from the trash.
# `table_id` is set for entries of rows, so deleting the table takes them along.
trash_entries = sa.Table(
    "trash_entries",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    _fk("application_id", "applications.id", nullable=True),
    _fk("table_id", "database_tables.id", nullable=True),
    sa.Column("trash_item_type", sa.String(64), nullable=False),
    sa.Column("trash_item_id", Id, nullable=False),
    sa.Column("parent_trash_item_id", Id, nullable=True),
    sa.Column("trashed_at", UtcDateTime(), nullable=False, index=True),
    sa.Column(
        "user_who_trashed_id", Id, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("name", sa.Text, nullable=False, default=""),
    sa.Column("names", sa.JSON, nullable=False, default=list),
    sa.Column("parent_name", sa.Text, nullable=True),
    sa.Index("ix_trash_entries_item", "trash_item_type", "trash_item_id"),
)

# The highest id SQLite handed out per table, for tables whose ids must never come back
# (storage.trash_store.new_entry_id: trash entries); PostgreSQL's sequences never reuse one.
id_high_water = sa.Table(
    "id_high_water",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", Id, nullable=False),
)

# Trashed rows, moved out of their user table (core.trash says why): the row's columns
# (storage.trash_codec) and its links and select options, until restored or deleted for good.
trashed_rows = sa.Table(
    "trashed_rows",
    metadata,
    _id(),
    _fk("entry_id", "trash_entries.id"),
    _fk("table_id", "database_tables.id"),
    sa.Column("row_id", Id, nullable=False),
    sa.Column("row_values", sa.JSON, nullable=False),
    # [[field id, row id, item id], ...]: junction rows of this row and of links to it
    sa.Column("links", sa.JSON, nullable=False, default=list),
    sa.Index("ix_trashed_rows_row", "table_id", "row_id"),
)

# Trashed fields, moved out of `fields` (core.trash_fields says why): the field's metadata
# rows (its own, its select options, views' filters, sorts and options of it) and what
# deleting it for good drops (its column, its junction table), until restored or purged.
trashed_fields = sa.Table(
    "trashed_fields",
    metadata,
    _id(),
    _fk("entry_id", "trash_entries.id"),
    _fk("table_id", "database_tables.id"),
    sa.Column("field_id", Id, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
)

refresh_token_blacklist = sa.Table(
    "refresh_token_blacklist",
    metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
)


def new_id(result: sa.CursorResult[Any]) -> int:
    """The id a single-row INSERT gave its row."""
    key = result.inserted_primary_key
    assert key is not None, "not a single-row INSERT"
    return int(key[0])


def count_rows(conn: sa.Connection, table: sa.Table, where: sa.ColumnElement[bool]) -> int:
    """How many rows of a metadata table `where` picks."""
    return int(
        conn.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar() or 0
    )


def next_order(
    conn: sa.Connection, order: sa.Column[Any], where: sa.ColumnElement[bool], first: int = 1
) -> int:
    """The `order` a new row goes last with among the rows `where` picks (`first` when
    there are none)."""
    highest = conn.execute(sa.select(sa.func.max(order)).where(where)).scalar()
    return first if highest is None else int(highest) + 1


def field_of(row: Any, options: tuple[SelectOption, ...] = ()) -> Field:
    """A Field from a row of `fields` (and its select options)."""
    return Field(
        row.id,
        row.table_id,
        row.name,
        row.order,
        row.type,
        row.primary,
        row.description,
        row.db_index,
        dict(row.props or {}),
        options,
        tuple(row.constraints or ()),
    )


# Idempotency-Key answers (storage.kept.idempotency): the first answer to a row write sent
# with a key, replayed to a repeat. `scope` is "user:<id>" or "token:<id>"; the unique
# (scope, key) index is what makes a concurrent second request wait for the first.
idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    _id(),
    sa.Column("scope", sa.String(40), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=True),  # NULL only inside the claiming transaction
    sa.Column("body", sa.LargeBinary, nullable=False, default=b""),
    sa.Column("headers", sa.JSON, nullable=False, default=dict),
    sa.Column("created_on", UtcDateTime(), nullable=False, index=True),
    sa.UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),
)

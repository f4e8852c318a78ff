"""What core hands work to: the webhook outbox, the change stream's event log, row search and
its index, the view renderer, the file storage.

Built once, by app.build_context, into a frozen `Extensions` on the context: typed and
complete, so a service never finds a hook missing. Each Protocol says what core asks; the
implementations live below core (webhooks.outbox.Outbox, search.RowSearch) or above it
(api.views renders a view's JSON).
Imports: models, search (SearchPlan), storage.files, usertable, webhooks (Wakeup, StreamHub),
sqlalchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from gridbase.models import Field, Table
from gridbase.search.index import RowsWritten
from gridbase.search.query import SearchPlan
from gridbase.storage.files import FileStorage
from gridbase.usertable.context import TableContext
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery
from gridbase.webhooks.outbox import Wakeup
from gridbase.webhooks.stream_hub import StreamHub

if TYPE_CHECKING:
    from gridbase.core.context import Ctx
    from gridbase.core.views import View


# Called after a schema change with the related fields it changed.
FieldsChanged = Callable[[list[Field]], None]


class Events(Protocol):
    """The webhook outbox: events written in the transaction of the change they describe."""

    def listens(self, conn: sa.Connection, table_id: int, event: str) -> bool:
        """Whether any active webhook of the table takes this event."""
        ...

    def enqueue(
        self,
        conn: sa.Connection,
        event: str,
        table: Table,
        fields: Sequence[Field],
        data: Mapping[str, Any],
        event_id: str | None = None,
    ) -> str | None:
        """Write the event for every webhook that takes it; its id, or None for nobody."""
        ...


class EventLog(Protocol):
    """The change stream's log: every event it serves, written in the change's transaction."""

    def logs(self, event: str) -> bool:
        """Whether the stream serves this event (so it is logged whoever listens)."""
        ...

    def append(
        self,
        conn: sa.Connection,
        event: str,
        table: Table,
        fields: Sequence[Field],
        data: Mapping[str, Any],
        event_id: str,
    ) -> int | None:
        """Log the event; its per-database sequence number (None when not served)."""
        ...


class Search(Protocol):
    """Row search, and the index it keeps in step with every write."""

    def clause(
        self,
        ctx: TableContext,
        model: TableModel,
        term: str,
        mode: str,
        fields: tuple[int, ...] | None,
    ) -> sa.ColumnElement[bool] | None:
        """The rows a search term matches; None when it narrows nothing (a blank term)."""
        ...

    def plan(
        self, ctx: TableContext, conn: sa.Connection, model: TableModel, query: RowQuery
    ) -> SearchPlan | None:
        """Count and page clause when the index alone can answer a list's search."""
        ...

    def rows_changing(
        self,
        ctx: TableContext,
        conn: sa.Connection,
        model: TableModel,
        row_ids: Sequence[int],
        *,
        created: bool = False,
    ) -> RowsWritten:
        """Called before rows are written; the result after, in the same transaction."""
        ...

    def fields_changing(
        self, ctx: TableContext, conn: sa.Connection, table_id: int
    ) -> FieldsChanged:
        """Called before a table's fields change; the result after the change."""
        ...

    def tables_filled(self, ctx: TableContext, conn: sa.Connection, table_ids: list[int]) -> None:
        """New tables got their fields and rows (copies): index them, each once."""
        ...


class RenderView(Protocol):
    def __call__(self, ctx: Ctx, view: View, table: Table) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Extensions:
    events: Events
    event_log: EventLog
    search: Search
    render_view: RenderView  # a view's API JSON, for view.* events
    wakeup: Wakeup  # the webhook dispatcher of this process, told when an event committed
    stream: StreamHub  # the change streams of this process, woken when their events commit
    # where files' bytes are kept (uploads, thumbnails, exports): the one storage of the
    # process, shared by the HTTP layer and the job runner
    files: FileStorage

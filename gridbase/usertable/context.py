"""What the user-table layer needs of the service context (core.context.Ctx provides it).

Imports: fields.base, filters, storage (types only).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from gridbase.fields.base import FieldContext
from gridbase.filters import FilterTypes
from gridbase.storage.engine import Database
from gridbase.storage.kept.app import Kept

if TYPE_CHECKING:
    from gridbase.usertable.model import TableModel


class TableContext(FieldContext, Protocol):
    @property
    def db(self) -> Database: ...

    @property
    def filter_types(self) -> FilterTypes: ...

    @property
    def kept(self) -> Kept[TableModel]: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

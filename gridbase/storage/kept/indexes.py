"""Which user tables have their full-text index (storage.search_index).

A table's index, once seen, stays for the table's life (it is dropped with the table, and a
table id is never reused), so what was seen is never dropped; a table not seen yet is
looked up each time until its index exists (built at startup for tables from before).
Imports: storage.search_index, sqlalchemy.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.storage import search_index


class IndexedTables:
    def __init__(self) -> None:
        self.known: set[int] = set()

    def ready(self, conn: sa.Connection, table_id: int) -> bool:
        if table_id in self.known:
            return True
        if search_index.exists(conn, table_id):
            self.known.add(table_id)
            return True
        return False

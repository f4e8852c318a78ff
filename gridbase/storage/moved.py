"""SchemaMoved: PostgreSQL reads take no lock, so a schema change may commit between a
read's loading of a table's model and its reading of the rows. A read that notices (the
table's version read with its rows differs from the model's, or a column no longer has the
model's type) raises it, and the service call runs again (storage.engine.retryable).
Imports: nothing.
"""

from __future__ import annotations


class SchemaMoved(Exception):
    """Rows were read under a newer schema than the model that read them."""

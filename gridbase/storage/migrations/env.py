"""Alembic environment: runs the metadata migrations on the connection handed in by
storage.migrate."""

from alembic import context

from gridbase.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

"""Storage: engines, the metadata schema and its migrations, user-table DDL."""

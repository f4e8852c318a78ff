"""A user table as SQL: its model (the sa.Table of `database_table_<id>`, its fields and each
field's select expression), the queries over it (order, keyset, filters) and its rows read
back as Baserow's row JSON. Below core (services, permissions) and search; above the field
and filter registries. Modules: context (what they need of the service context), model,
load (metadata rows, models kept per schema version), query, keyset, read, filtering.
"""

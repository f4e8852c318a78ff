"""OpenAPI documents: the global spec of every endpoint we serve, and a per-database spec
generated from the current field metadata (pure functions; no database access)."""

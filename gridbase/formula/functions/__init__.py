"""Formula function definitions, grouped by topic, and their registry."""

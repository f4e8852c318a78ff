"""Every compatibility scenario, by name: a function that drives a Session.

A scenario only talks HTTP through its Session, so the same code records a transcript from
Baserow (record.py) and replays it against gridbase (test_compat.py). It may use answers
(ids, rows) to build later requests; it must not branch on anything else that could differ.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.compat.scenarios import (
    batch_writes,
    constraints,
    conversions,
    cors_settings,
    duplicate,
    export_filters,
    files,
    filters,
    formula_functions,
    hist2,
    history_account,
    issue23,
    jobs,
    links,
    mcp_endpoints,
    row_extensions,
    sorts,
    teammates,
    trash,
    trash_apps,
    trash_fields,
    trash_tables,
    users,
    validation,
    validation_apps,
    validation_views,
)

Scenario = Callable[..., None]

RECORDABLE: dict[str, Scenario] = {
    **cors_settings.SCENARIOS,
    **conversions.SCENARIOS,
    **links.SCENARIOS,
    **filters.SCENARIOS,
    **validation.SCENARIOS,
    **validation_apps.SCENARIOS,
    **validation_views.SCENARIOS,
    **files.SCENARIOS,
    **users.SCENARIOS,
    **sorts.SCENARIOS,
    **constraints.SCENARIOS,
    **formula_functions.SCENARIOS,
    **history_account.SCENARIOS,
    **jobs.SCENARIOS,
    **teammates.SCENARIOS,
    **trash.SCENARIOS,
    **duplicate.SCENARIOS,
    **export_filters.SCENARIOS,
    **trash_fields.SCENARIOS,
    **mcp_endpoints.SCENARIOS,
    **row_extensions.SCENARIOS,
    **batch_writes.SCENARIOS,
    **issue23.SCENARIOS,
    **hist2.SCENARIOS,
    **trash_tables.SCENARIOS,
    **trash_apps.SCENARIOS,
}
PENDING: set[str] = set()  # being fixed: recorded, not replayed yet
SCENARIOS = {name: s for name, s in RECORDABLE.items() if name not in PENDING}

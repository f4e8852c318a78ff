"""order_by on every field type, with the tables of the filter scenarios: each field
ascending and descending, by name and by id, with the sort types Baserow knows (`[order]`
for selects) and an unknown one, and behind another field."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from tests.compat.scenarios import filters
from tests.compat.scenarios.build import Built
from tests.compat.session import Session


def try_sorts(
    s: Session, built: Built, names: list[str], option_source: Callable[[str], str] = str
) -> None:
    """Every way to order by each field; refused ones show Baserow's error once."""
    for name in names:
        if built.fields.get(name, {}).get("type") == "uuid":
            continue  # random values: their order differs between any two runs
        field_id = built.fields[name]["id"] if name in built.fields else None
        orders = [name, f"-{name}", f"{name}[order]", f"-{name}[order]", f"{name}[bogus]",
                  f"{name},-Name", f"-{name},Name"]  # fmt: skip
        for i, order in enumerate(orders):
            query = {"user_field_names": "true", "include": f"Name,{name}", "order_by": order}
            answer = s.rows(f"{name}|{i}", built.table, **query)
            if i == 0 and isinstance(answer, dict) and "error" in answer:
                break
        if field_id is not None:
            for j, order in enumerate((f"field_{field_id}", f"-field_{field_id}")):
                query: dict[str, Any] = {"include": f"field_{field_id}", "order_by": order}
                s.rows(f"{name}|id{j}", built.table, **query)


GROUPS = {
    "text": filters.text,
    "number": filters.number,
    "dates": filters.dates,
    "selects": filters.selects,
    "links": filters.links,
    "formulas": filters.formulas,
}
SCENARIOS = {f"sorts_{name}": partial(group, probe=try_sorts) for name, group in GROUPS.items()}

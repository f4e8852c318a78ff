"""The rule both upserts put on their key fields (batch create's `upsert_on` in core.upsert,
an import's `configuration` in core.import_upsert): each names a field of the table whose
type one may upsert on (Baserow's can_upsert) and that clients write (not read-only),
checked in the order given, the first bad one failing. How a key names its field and the
error each case raises are the caller's: the two answer differently (a request error, a
failed job).
Imports: core.context, models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from gridbase.core.context import Ctx
from gridbase.models import Field

Ref = TypeVar("Ref")


def key_fields(
    ctx: Ctx,
    refs: Sequence[Ref],
    find: Callable[[Ref], Field | None],
    not_found: Callable[[Ref], Exception],
    not_possible: Callable[[Ref, Field], Exception],
) -> list[Field]:
    """The field of each ref, in order (repeats kept)."""
    found = []
    for ref in refs:
        field = find(ref)
        if field is None:
            raise not_found(ref)
        ft = ctx.field_types.get(field.type)
        if not ft.can_upsert or ft.read_only:
            raise not_possible(ref, field)
        found.append(field)
    return found

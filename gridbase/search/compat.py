"""Row search (`search`, `search_mode`): one OR over the searchable fields the request sees.

`compat` (Baserow's default) matches a case-insensitive substring of each field's displayed
value (numbers with their decimal places, dates in the field's format, select options by
their text), plus the row whose id equals the term when the term is an integer without a
leading zero. Baserow 1.35.3 compares what each field type's contains_query compares: links,
lookups and other formula arrays, booleans and durations are left out (an empty Q()). A
number (a field's, a formula's, a count's, a rollup's) is left out of the OR when the term is
no number it could hold (Baserow's contains_query raises and the field is skipped), and when
nothing is left to compare, every row matches (Baserow's empty Q()). `full-text-with-count`
reads the full-text index instead (gridbase.search), and falls back to this while a table has
none, as Baserow does while its full-text data is not ready.

Indexed: when the table's search index holds its texts (storage.search_index), a term of
3+ characters first narrows the rows to those whose texts may hold it (a trigram index),
and the per-field conditions decide among those only, so the answer is the scan's. A
shorter term, or one the index cannot vouch for, is answered by the scan alone: multiple
select formulas compare their JSON text (an array of options) with LIKE as Baserow
writes it, where % and _ are wildcards, quotes and escapes are part of the text and upper()
rather than lower() folds the case, so on a table with such a field a term holding any of
`%_"\\` or a non-ASCII character is scanned.
Imports: fields, filters, models, storage.search_index, usertable.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from gridbase.fields.base import FieldType
from gridbase.filters import tree
from gridbase.filters.base import Clause
from gridbase.models import Field
from gridbase.search.row_id import row_id_of
from gridbase.storage.search_index import MIN_SUBSTRING
from gridbase.storage.sqlite_functions import pg_lower
from gridbase.usertable import filtering
from gridbase.usertable.context import TableContext
from gridbase.usertable.model import TableModel

MODES = ("", "compat", "full-text-with-count")
# rows whose texts may hold a lowercased term (storage.search_index.substring_ids)
Candidates = Callable[[str], sa.Select]  # type: ignore[type-arg]
LIKE_SPECIAL = frozenset('%_"\\')


def searched_fields(
    ctx: TableContext, model: TableModel, fields: tuple[int, ...] | None
) -> list[tree.Condition]:
    """One contains condition per field whose text a row's search document holds (link rows
    compare their primary text; types that search_by_text their display text, though the
    filter itself refuses them). Compat search leaves the links out (indexed_search)."""
    out = []
    for field in model.fields:
        if fields is not None and field.id not in fields:
            continue
        ft = ctx.field_types.get(field.type)
        if not ft.searchable:
            continue
        allowed = ft.compatible_filters(field)
        if "contains" in allowed or ft.searched_as_text(field):
            out.append(tree.Condition(field, "contains", ""))
        elif "link_row_contains" in allowed:
            out.append(tree.Condition(field, "link_row_contains", ""))
        elif "filename_contains" in allowed:  # files: Baserow's contains_query for them
            out.append(tree.Condition(field, "filename_contains", ""))
    return out


def _can_hold(ft: FieldType, field: Field, term: str) -> bool:
    """Whether a number's Django model field would read the term (get_prep_value of a
    DecimalField or IntegerField): number, rating and autonumber fields, and formulas,
    counts and rollups giving a number. Baserow patches DecimalField to read whatever
    Decimal() reads, NaN and Infinity too (LenientDecimalField): those are searched for,
    and found in no row. Any other field takes any term."""
    kind = ft.value_kind(field)
    if ft.formula_kind != "number" and not (ft.kind is None and kind == "decimal"):
        return True
    try:
        if kind == "decimal":
            Decimal(term)
        else:
            int(term)
    except (InvalidOperation, ValueError):
        return False
    return True


def search_clause(
    ctx: TableContext,
    model: TableModel,
    term: str,
    mode: str = "",
    fields: tuple[int, ...] | None = None,
    candidates: Candidates | None = None,
) -> Clause | None:
    """`candidates`: the table's substring index, when it has one."""
    return indexed_search(ctx, model, term, fields, candidates)[0]


def indexed_search(
    ctx: TableContext,
    model: TableModel,
    term: str,
    fields: tuple[int, ...] | None,
    candidates: Candidates | None,
) -> tuple[Clause | None, str | None]:
    """The search clause, and the lowercased term its candidates were asked for (None when
    the clause reads no index: every match is then among candidates(term))."""
    term = term.replace("\x00", "").strip()  # PostgreSQL text holds no NUL
    if not term:
        return None, None
    # Baserow 1.35.3's compat search leaves links out (LinkRowFieldType has no
    # contains_query); its full-text search reads them
    conditions = [c for c in searched_fields(ctx, model, fields) if c.type != "link_row_contains"]
    group = tree.Group("OR", tuple(tree.Condition(c.field, c.type, term) for c in conditions))
    related = filtering.related_models(ctx, None, group)
    parts: list[Clause] = []
    raw_like = False  # a formula array compares with LIKE as Baserow writes it
    for condition in group.conditions:
        if not _can_hold(ctx.field_types.get(condition.field.type), condition.field, term):
            continue
        target = filtering.target(ctx, model, condition.field, related)
        raw_like = raw_like or (target.kind == "array" and target.junction is None)
        clause = ctx.filter_types.get(condition.type).clause(target, term)
        if clause is not None:
            parts.append(clause)
    lowered: str | None = pg_lower(term)
    if (
        parts
        and candidates is not None
        and len(lowered or "") >= MIN_SUBSTRING
        and not (raw_like and (not term.isascii() or LIKE_SPECIAL.intersection(term)))
    ):
        parts = [sa.and_(model.sql.c.id.in_(candidates(lowered or "")), sa.or_(*parts))]
    else:
        lowered = None
    row_id = row_id_of(term)
    if row_id is not None:
        parts.append(model.sql.c.id == row_id)
    return (sa.or_(*parts) if parts else None), lowered

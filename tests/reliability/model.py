"""The schema fuzzer's reference model: tables, fields and rows as plain Python, with the
values Baserow shows for them (stored, linked, counted, looked up and computed by a small
formula grammar), and the filters, search and order the fuzzer checks, evaluated in Python.

A field whose value the model cannot predict exactly (a formula after a conversion it does
not type, a lookup of a computed field) is `opaque`: its values are not compared, but every
other invariant still holds for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.reliability.reference import simple_lower, simple_upper

# Formula grammar: tuples, whose Python evaluation is exact.
#   ("field", fid) ("text", s) ("num", n) ("concat", a, b) ("upper", a) ("lower", a)
#   ("add", a, b) ("sub", a, b) ("mul", a, n) ("count", link_fid)
Expr = tuple[Any, ...]

STORED = ("text", "long_text", "number", "boolean")
COMPUTED = ("formula", "count", "lookup")


@dataclass(eq=False)  # identity: fields are drawn by hypothesis as unique items
class MField:
    id: int
    table_id: int
    name: str
    type: str
    primary: bool = False
    decimals: int = 0  # number fields
    # link_row: the linked table, the related field (other side) and which side this is
    link_table: int | None = None
    related: int | None = None
    # count/lookup: the link they go through; lookup: the field they read
    through: int | None = None
    target: int | None = None
    expr: Expr | None = None  # formula
    broken: bool = False  # Baserow's error state: the field's values are null
    opaque: bool = False  # values not predicted (see the module docstring)
    uncertain: bool = False  # a formula the model does not type (see Model.retype)

    def __repr__(self) -> str:
        return f"<{self.type} {self.id} {self.name!r} of table {self.table_id}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # hypothesis prints draws so
        p.text(repr(self))


@dataclass(eq=False)
class MTable:
    id: int
    name: str
    fields: dict[int, MField] = field(default_factory=dict)
    # row id -> {field id -> stored value}; insertion order is not the row order
    rows: dict[int, dict[int, Any]] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # row ids in the table's default order

    def __repr__(self) -> str:
        return f"<table {self.id} {self.name!r}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


@dataclass
class Model:
    tables: dict[int, MTable] = field(default_factory=dict)
    # link pairs: (link field id, row id) -> linked row ids; the related side is derived
    links: dict[int, set[tuple[int, int]]] = field(default_factory=dict)
    deleted: dict[int, str] = field(default_factory=dict)  # names of deleted fields, by id

    # -- schema ------------------------------------------------------------------------

    def field(self, fid: int) -> MField | None:
        for t in self.tables.values():
            if fid in t.fields:
                return t.fields[fid]
        return None

    def all_fields(self) -> list[MField]:
        return [f for t in self.tables.values() for f in t.fields.values()]

    def primary(self, table_id: int) -> MField:
        return next(f for f in self.tables[table_id].fields.values() if f.primary)

    def link_pairs(self, f: MField) -> set[tuple[int, int]]:
        """(this row, linked row) pairs of a link field, read from either side."""
        if f.id in self.links:
            return self.links[f.id]
        assert f.related is not None and f.related in self.links
        return {(b, a) for a, b in self.links[f.related]}

    def linked(self, f: MField, row_id: int) -> list[int]:
        return sorted(b for a, b in self.link_pairs(f) if a == row_id)

    def set_links(self, f: MField, row_id: int, ids: list[int]) -> None:
        if f.id in self.links:
            pairs = self.links[f.id]
            pairs -= {p for p in pairs if p[0] == row_id}
            pairs |= {(row_id, b) for b in ids}
        else:
            assert f.related is not None
            pairs = self.links[f.related]
            pairs -= {p for p in pairs if p[1] == row_id}
            pairs |= {(b, row_id) for b in ids}

    def drop_row(self, table_id: int, row_id: int) -> None:
        t = self.tables[table_id]
        del t.rows[row_id]
        t.order.remove(row_id)
        for fid, pairs in self.links.items():
            f = self.field(fid)
            assert f is not None
            if f.table_id == table_id:
                pairs -= {p for p in pairs if p[0] == row_id}
            if f.link_table == table_id:
                pairs -= {p for p in pairs if p[1] == row_id}

    def drop_field(self, fid: int) -> list[int]:
        """Removes a field (and a link's other side); returns the ids removed."""
        f = self.field(fid)
        assert f is not None
        gone = [fid]
        if f.type == "link_row" and f.related is not None and self.field(f.related):
            gone.append(f.related)
        for g in gone:
            self.forget_field(g)
        self.retype()
        return gone

    def forget_field(self, fid: int) -> None:
        """Removes one field and its values, without the other side of a link."""
        f = self.field(fid)
        assert f is not None
        del self.tables[f.table_id].fields[fid]
        self.deleted[fid] = f.name
        if f.type == "link_row":
            self.unlink(f)
        for row in self.tables[f.table_id].rows.values():
            row.pop(fid, None)

    def unlink(self, f: MField) -> None:
        """Forgets a link field's links (on both sides: they share them)."""
        self.links.pop(f.id, None)
        if f.related is not None:
            self.links.pop(f.related, None)
            other = self.field(f.related)
            if other is not None:
                other.related = None

    def drop_table(self, table_id: int) -> None:
        for fid in list(self.tables[table_id].fields):
            if self.field(fid) is not None:
                self.drop_field(fid)
        # links from other tables into this one go with it (Baserow deletes them)
        for f in self.all_fields():
            if f.type == "link_row" and f.link_table == table_id:
                self.drop_field(f.id)
        del self.tables[table_id]
        self.retype()

    # -- typing: which computed fields still work -----------------------------------

    def retype(self) -> None:
        """Works out which computed fields are broken (what they read is gone or no longer
        fits), formulas reading formulas included. A formula over values the model does not
        type (arrays) is `uncertain`: its state is read from the server (adopt_state)."""
        computed = [f for f in self.all_fields() if f.type in COMPUTED]
        for f in computed:
            f.uncertain = f.type == "formula" and self._uncertain(f)
            if not f.uncertain:
                f.broken = False
        changed = True
        while changed:
            changed = False
            for f in computed:
                if not f.uncertain and not f.broken and self._breaks(f):
                    f.broken, changed = True, True

    def _uncertain(self, f: MField) -> bool:
        assert f.expr is not None
        for fid in self.reads(f.expr):
            g = self.field(fid)
            if g is None or g.table_id != f.table_id:
                continue
            if g.type in ("link_row", "lookup") and ("field", fid) in self.leaves(f.expr):
                return True
            if g.type == "formula" and g is not f and self._uncertain(g):
                return True
        return False

    def leaves(self, e: Expr) -> list[Expr]:
        if e[0] in ("field", "count", "text", "num"):
            return [e]
        return [x for a in e[1:] if isinstance(a, tuple) for x in self.leaves(a)]

    # -- dependencies: Baserow's graph, where a change that closes a cycle is refused ----

    def depends_on(self, f: MField) -> set[int]:
        """The fields `f` reads directly as Baserow's graph has them: a link stands for its
        table's primary, a count for the primary its link shows, a lookup for its target."""
        if f.type == "formula":
            return self.formula_depends_on(f.expr) if f.expr is not None else set()
        if f.type == "link_row":
            return {self.primary(f.link_table).id} if f.link_table in self.tables else set()
        through = self.field(f.through) if f.through is not None else None
        if f.type not in ("count", "lookup") or through is None:
            return set()
        if through.type != "link_row":
            return {through.id}
        if f.type == "count":
            return self.depends_on(through)
        return {f.target} if f.target is not None and self.field(f.target) else set()

    def formula_depends_on(self, e: Expr) -> set[int]:
        out: set[int] = set()
        for fid in self.reads(e):
            g = self.field(fid)
            if g is not None:
                out |= self.depends_on(g) if g.type == "link_row" else {fid}
        return out

    def cycle(self, changed: MField, edges: set[int], gone: set[int]) -> str | None:
        """Whether the graph with `changed` reading `edges` instead (and the fields `gone`
        left out) has a cycle: "self" when `changed` reads itself directly, "cycle" for
        any other, None for none."""
        if changed.id in edges:
            return "self"
        graph = {
            f.id: (edges if f is changed else self.depends_on(f)) - gone
            for f in self.all_fields()
            if f.id not in gone
        }
        state: dict[int, int] = {}  # 1: on the path, 2: done

        def visit(fid: int) -> bool:
            state[fid] = 1
            for dep in graph.get(fid, ()):
                if state.get(dep) == 1 or (dep not in state and visit(dep)):
                    return True
            state[fid] = 2
            return False

        return "cycle" if any(fid not in state and visit(fid) for fid in graph) else None

    def _breaks(self, f: MField) -> bool:
        if f.type in ("count", "lookup"):
            link = self.field(f.through) if f.through is not None else None
            if link is None or link.type != "link_row" or link.table_id != f.table_id:
                return True
            if f.type == "lookup":
                target = self.field(f.target) if f.target is not None else None
                return target is None or target.table_id != link.link_table or target.broken
            return False
        if f.type == "formula" and f.expr is not None:
            return self.expr_type(f.table_id, f.expr) is None
        return False

    def expr_type(self, table_id: int, e: Expr) -> str | None:
        """ "text", "number", "boolean", or None when Baserow refuses it."""
        op = e[0]
        if op == "text":
            return "text"
        if op == "num":
            return "number"
        if op == "field":
            f = self.field(e[1])
            if f is None or f.table_id != table_id or f.broken:
                return None
            if f.type in ("text", "long_text"):
                return "text"
            if f.type in ("number", "count"):
                return "number"
            if f.type == "boolean":
                return "boolean"
            if f.type == "formula" and f.expr is not None and not f.uncertain:
                return self.expr_type(table_id, f.expr)
            return "other"
        if op == "count":
            f = self.field(e[1])
            ok = f is not None and f.type == "link_row" and f.table_id == table_id
            return "number" if ok else None
        args = [self.expr_type(table_id, a) for a in e[1:] if isinstance(a, tuple)]
        if None in args:
            return None
        if op == "concat":
            return "text"
        if op in ("upper", "lower"):
            return "text" if args == ["text"] else None
        if op in ("add", "sub"):
            if args == ["number", "number"]:
                return "number"
            if op == "add" and args == ["text", "text"]:
                return "text"
            return None
        if op == "mul":
            return "number" if args == ["number"] else None
        raise AssertionError(op)

    def decimals(self, table_id: int, e: Expr) -> int:
        op = e[0]
        if op == "field":
            f = self.field(e[1])
            assert f is not None
            if f.type == "formula" and f.expr is not None:
                return self.decimals(table_id, f.expr)
            return f.decimals if f.type == "number" else 0
        if op in ("add", "sub", "mul"):
            return max(self.decimals(table_id, a) for a in e[1:] if isinstance(a, tuple))
        return 0

    def depends_on_opaque(self, table_id: int, e: Expr) -> bool:
        if e[0] == "field":
            f = self.field(e[1])
            return f is not None and (
                f.opaque
                or (
                    f.type == "formula"
                    and f.expr is not None
                    and self.depends_on_opaque(table_id, f.expr)
                )
            )
        return any(self.depends_on_opaque(table_id, a) for a in e[1:] if isinstance(a, tuple))

    # -- values ------------------------------------------------------------------------

    def wire(self, f: MField, row_id: int) -> Any:
        """The value Baserow lists for this row and field."""
        t = self.tables[f.table_id]
        if f.broken:
            return None
        if f.type in ("text", "long_text"):
            return t.rows[row_id].get(f.id)
        if f.type == "boolean":
            return bool(t.rows[row_id].get(f.id))
        if f.type == "number":
            return number_text(t.rows[row_id].get(f.id), f.decimals)
        if f.type == "link_row":
            assert f.link_table is not None
            return [
                {"id": b, "value": self.primary_text(f.link_table, b)}
                for b in self.linked(f, row_id)
            ]
        if f.type == "count":
            through = self.field(f.through) if f.through is not None else None
            assert through is not None
            return str(len(self.linked(through, row_id)))
        if f.type == "lookup":
            through = self.field(f.through) if f.through is not None else None
            target = self.field(f.target) if f.target is not None else None
            assert through is not None and target is not None
            return [{"id": b, "value": self.wire(target, b)} for b in self.linked(through, row_id)]
        if f.type == "formula":
            assert f.expr is not None
            if f.expr[0] == "field":
                # a bare reference keeps an empty value empty (Baserow: nullable); any
                # function or operator over it reads it as "" or 0
                source = self.field(f.expr[1])
                assert source is not None
                return self.wire(source, row_id)
            kind = self.expr_type(f.table_id, f.expr)
            value = self.evaluate(f.table_id, f.expr, row_id)
            if kind == "number":
                return number_text(value, self.decimals(f.table_id, f.expr))
            return value
        raise AssertionError(f.type)

    def primary_text(self, table_id: int, row_id: int) -> Any:
        p = self.primary(table_id)
        value = self.wire(p, row_id)
        if p.type == "text":
            return value if value is not None else ""
        return value

    def evaluate(self, table_id: int, e: Expr, row_id: int) -> Any:
        op = e[0]
        if op == "text":
            return e[1]
        if op == "num":
            return Decimal(e[1])
        if op == "field":
            f = self.field(e[1])
            assert f is not None
            row = self.tables[table_id].rows[row_id]
            if f.type in ("text", "long_text"):
                return row.get(f.id) or ""
            if f.type == "number":
                # empty stays empty here: arithmetic reads it as 0, a text (concat) as ""
                # (Baserow 1.35.3, asked: concat('a', field('N')) is "a" for an empty N)
                return row.get(f.id)
            if f.type == "boolean":
                return bool(row.get(f.id))
            if f.type == "count":
                return Decimal(len(self.linked(self.field(f.through), row_id)))  # type: ignore[arg-type]
            assert f.type == "formula" and f.expr is not None
            return self.evaluate(table_id, f.expr, row_id)
        if op == "count":
            link = self.field(e[1])
            assert link is not None
            return Decimal(len(self.linked(link, row_id)))
        a = self.evaluate(table_id, e[1], row_id)
        if op == "concat":
            b = self.evaluate(table_id, e[2], row_id)
            return self.as_text(table_id, e[1], a) + self.as_text(table_id, e[2], b)
        if op == "upper":
            return simple_upper(a)
        if op == "lower":
            return simple_lower(a)
        if op == "add":
            return _zero(a) + _zero(self.evaluate(table_id, e[2], row_id))
        if op == "sub":
            return _zero(a) - _zero(self.evaluate(table_id, e[2], row_id))
        if op == "mul":
            return _zero(a) * Decimal(e[2])
        raise AssertionError(op)

    def as_text(self, table_id: int, e: Expr, value: Any) -> str:
        if value is None:  # an empty number read as text
            return ""
        kind = self.expr_type(table_id, e)
        if kind == "number":
            return number_text(value, self.decimals(table_id, e)) or ""
        if kind == "boolean":
            return "true" if value else "false"
        return str(value)

    def render(self, e: Expr) -> str:
        """Formula text, with fields by their current names."""
        op = e[0]
        if op in ("field", "count"):
            f = self.field(e[1])
            name = self.deleted[e[1]] if f is None else f.name
            return f"field({quote(name)})" if op == "field" else f"count(field({quote(name)}))"
        if op == "text":
            return quote(e[1])
        if op == "num":
            return str(e[1])
        if op == "add":
            return f"({self.render(e[1])} + {self.render(e[2])})"
        if op == "sub":
            return f"({self.render(e[1])} - {self.render(e[2])})"
        if op == "mul":
            return f"({self.render(e[1])} * {e[2]})"
        return f"{op}({', '.join(self.render(a) for a in e[1:])})"

    def reads(self, e: Expr) -> set[int]:
        if e[0] in ("field", "count"):
            return {e[1]}
        return set().union(*(self.reads(a) for a in e[1:] if isinstance(a, tuple)))

    def kind_of(self, f: MField) -> str | None:
        """How the fuzzer filters this field (reference.FILTERS), None: it does not."""
        if f.broken:
            return None
        if f.type in ("text", "long_text"):
            return "text"
        if f.type in ("number", "count"):
            return "number"
        if f.type == "boolean":
            return "boolean"
        if f.type == "link_row":
            return "link"
        if f.type == "lookup":
            return "array"
        assert f.type == "formula" and f.expr is not None
        return None if f.uncertain else self.expr_type(f.table_id, f.expr)

    def predictable(self, f: MField) -> bool:
        if f.opaque:
            return False
        if f.broken:
            return True
        if f.type == "lookup":
            target = self.field(f.target) if f.target is not None else None
            return target is not None and target.type in STORED and not target.opaque
        if f.type == "link_row":
            return self.primary(f.link_table).type == "text"  # type: ignore[arg-type]
        if f.type == "formula":
            assert f.expr is not None
            return not f.uncertain and not self.depends_on_opaque(f.table_id, f.expr)
        return True


def quote(s: str) -> str:
    """A formula string literal: Baserow unescapes only \\' (a backslash before anything
    else stays), so texts with a backslash before a quote or at the end cannot be written
    (the fuzzer's names and literals have neither: formula_safe)."""
    return "'" + s.replace("'", "\\'") + "'"


def formula_safe(s: str) -> bool:
    return "\\'" not in s and not s.endswith("\\")


def _zero(value: Any) -> Any:
    """An empty number as arithmetic reads it (Baserow coalesces it to 0)."""
    return Decimal(0) if value is None else value


def number_text(value: Decimal | None, decimals: int) -> str | None:
    if value is None:
        return None
    q = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(q, rounding=ROUND_HALF_UP)
    return str(abs(rounded) if rounded == 0 else rounded)  # no "-0"

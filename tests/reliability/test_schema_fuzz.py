"""Stateful schema fuzzing (issue 21): random sequences of schema and row changes through the
HTTP API, checked after every step against a Python reference model (tests/reliability/model.py).

Each example gets a fresh database in one per-backend file or schema. Invariants after each
step: no 5xx and every error is a Baserow error body (checked on every response); a list's
`count` equals the rows returned across pages; values, filters and search equal the model's.
The "ci" profile (default) runs a fixed, derandomized budget; `--hypothesis-profile=soak`
runs many more random examples (profiles: tests/conftest.py).
"""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from gridbase.config import Settings
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.reliability import reference
from tests.reliability.model import (
    COMPUTED,
    STORED,
    Expr,
    MField,
    Model,
    MTable,
    formula_safe,
    number_text,
)

MAX_TABLES = 3
MAX_FIELDS = 12
MAX_ROWS = 12

# Valid but awkward text: any plane, combining marks, quotes and backslashes (formula
# names), RTL, emoji. No surrogates and no NUL: part 4 of issue 21 owns those.
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
texts = st.one_of(
    st.sampled_from(["", " ", "a", "A", "ä", "Straße", "x'y", "\\", "1", "-1.5", "ñ", "😀"]),
    st.text(CHARS, max_size=12),
    st.text(CHARS, min_size=200, max_size=300),
)
names = st.text(CHARS, min_size=1, max_size=10).filter(
    lambda s: s.strip() == s and s != "" and formula_safe(s)
)


def is_error_body(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("error"), str) and "detail" in body


class SchemaMachine(RuleBasedStateMachine):
    client: TestClient
    api: Api
    workspace: int

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.names = 0
        # a fresh access token per example: a long run outlives one (10 minutes), and an
        # example that met its expiry would not run the same way again (hypothesis then
        # reports FlakyStrategyDefinition instead of a failure)
        account = {"email": self.api.user["username"], "password": "password123"}
        signed_in = self.client.post("/api/user/token-auth/", json=account)
        assert signed_in.status_code == 200, signed_in.text
        self.api.headers = {"Authorization": f"JWT {signed_in.json()['access_token']}"}
        r = self.call("POST", f"/api/applications/workspace/{self.workspace}/",
                      {"name": "fuzz", "type": "database"})  # fmt: skip
        self.database = r.json()["id"]

    # -- HTTP, with the invariants every response must keep ---------------------------

    def call(self, method: str, path: str, body: Any = None, params: Any = None,
             expect: int | tuple[int, ...] | None = 200) -> Any:  # fmt: skip
        r = self.client.request(method, path, json=body, params=params, headers=self.api.headers)
        assert r.status_code < 500, f"{method} {path} {json.dumps(body)[:500]} -> {r.text}"
        if r.status_code >= 400:
            assert is_error_body(r.json()), r.text
        if expect is not None:
            wanted = expect if isinstance(expect, tuple) else (expect,)
            assert r.status_code in wanted, f"{method} {path} {json.dumps(body)[:500]} -> {r.text}"
        return r

    def fresh_name(self, data: st.DataObject) -> str:
        # names never repeat within an example: a deleted name coming back would revive
        # formulas that read it, which the model does not follow
        self.names += 1
        return f"{data.draw(names, label='name')}{self.names}"

    def fields_of(self, table_id: int) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/api/database/fields/table/{table_id}/").json())

    def sync_field(self, table_id: int, fid: int) -> dict[str, Any]:
        return next(f for f in self.fields_of(table_id) if f["id"] == fid)

    # -- schema rules ------------------------------------------------------------------

    @precondition(lambda self: len(self.model.tables) < MAX_TABLES)
    @rule(data=st.data())
    def create_table(self, data: st.DataObject) -> None:
        name = self.fresh_name(data)
        r = self.call("POST", f"/api/database/tables/database/{self.database}/", {"name": name})
        t = MTable(r.json()["id"], name)
        self.model.tables[t.id] = t
        for f in self.fields_of(t.id):
            t.fields[f["id"]] = MField(f["id"], t.id, f["name"], f["type"], f["primary"])
        rows = self.call("GET", f"/api/database/rows/table/{t.id}/").json()["results"]
        for row in rows:
            t.rows[row["id"]] = {fid: row[f"field_{fid}"] for fid in t.fields}
            t.order.append(row["id"])

    def tables(self) -> list[MTable]:
        return sorted(self.model.tables.values(), key=lambda t: t.id)

    def pick_table(self, data: st.DataObject) -> MTable:
        return data.draw(st.sampled_from(self.tables()), label="table")

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def create_field(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        if len(t.fields) >= MAX_FIELDS:
            return
        links = [f for f in t.fields.values() if f.type == "link_row"]
        kinds = ["text", "long_text", "number", "boolean", "link_row", "formula"]
        if links:
            kinds += ["count", "lookup", "lookup"]
        kind = data.draw(st.sampled_from(kinds), label="kind")
        name = self.fresh_name(data)
        body: dict[str, Any] = {"name": name, "type": kind}
        f = MField(0, t.id, name, kind)
        if kind == "number":
            f.decimals = data.draw(st.integers(0, 3), label="decimals")
            body.update(number_decimal_places=f.decimals, number_negative=True)
        elif kind == "link_row":
            target = self.pick_table(data)
            f.link_table = target.id
            related = target.id != t.id and data.draw(st.booleans(), label="related")
            body.update(link_row_table_id=target.id, has_related_field=related)
        elif kind in ("count", "lookup"):
            link = data.draw(st.sampled_from(links), label="through")
            f.through = link.id
            body["through_field_id"] = link.id
            if kind == "lookup":
                assert link.link_table is not None
                targets = sorted(self.model.tables[link.link_table].fields.values(),
                                 key=lambda x: x.id)  # fmt: skip
                target_field = data.draw(st.sampled_from(targets), label="target")
                f.target = target_field.id
                body["target_field_id"] = target_field.id
        elif kind == "formula":
            f.expr = data.draw(self.expressions(t), label="formula")
            body["formula"] = self.model.render(f.expr)
        r = self.call("POST", f"/api/database/fields/table/{t.id}/", body, expect=None)
        f.id = -1  # typed in place, as the server types it before it answers
        t.fields[f.id] = f
        self.model.retype()
        del t.fields[f.id]
        target = self.model.field(f.target) if f.target is not None else None
        # a broken formula is refused, and so is a lookup of one (asked of Baserow 1.35.3:
        # 400 ERROR_WITH_FORMULA for a lookup of a formula that reads a deleted field)
        if (kind == "formula" and not f.uncertain and f.broken) or (
            target is not None
            and target.type == "formula"
            and target.broken
            and not target.uncertain
        ):
            assert r.status_code == 400, r.text
            assert r.json()["error"] == "ERROR_WITH_FORMULA", r.text
            return
        if r.status_code == 400 and f.uncertain:
            return
        assert r.status_code == 200, f"{body} -> {r.text}"
        out = r.json()
        f.id = out["id"]
        t.fields[f.id] = f
        if f.uncertain:
            f.broken = out["error"] is not None
        if kind == "lookup":
            f.opaque = target is not None and target.type not in STORED
        if kind in COMPUTED:
            assert (out["error"] is None) != f.broken, (f, out)
        for row in t.rows.values():
            row[f.id] = [] if kind == "link_row" else (False if kind == "boolean" else None)
        if kind == "link_row":
            self.add_link(f, out)

    def add_link(self, f: MField, out: dict[str, Any]) -> None:
        """A new link field's (empty) links and, when the server made one, its other side."""
        self.model.links[f.id] = set()
        related_id = out["link_row_related_field_id"]
        if related_id is not None:
            assert f.link_table is not None
            other = self.model.tables[f.link_table]
            rf = self.sync_field(other.id, related_id)
            g = MField(related_id, other.id, rf["name"], "link_row", link_table=f.table_id,
                       related=f.id)  # fmt: skip
            f.related = related_id
            other.fields[g.id] = g
            for row in other.rows.values():
                row[g.id] = []

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def convert_field(self, data: st.DataObject) -> None:
        """A type change with data in place: the field's values are read back and checked
        where the model knows them (same-kind text, number to text, decimal places), and
        only for their shape otherwise; everything reading the field is typed again."""
        f = self.pick_field(data, primary=True)
        assert f is not None
        t = self.model.tables[f.table_id]
        new = data.draw(st.sampled_from(["text", "long_text", "number", "boolean", "link_row",
                                         "formula"]), label="to")  # fmt: skip
        body: dict[str, Any] = {"type": new}
        decimals = data.draw(st.integers(0, 3), label="decimals")
        if new == "number":
            body.update(number_decimal_places=decimals, number_negative=True)
        target: MTable | None = None
        if new == "link_row":
            target = self.pick_table(data)
            related = target.id != t.id and data.draw(st.booleans(), label="related")
            body.update(link_row_table_id=target.id, has_related_field=related)
        expr: Expr | None = None
        if new == "formula":
            expr = data.draw(self.expressions(t, leave_out=f.id), label="formula")
            body["formula"] = self.model.render(expr)
        r = self.call("PATCH", f"/api/database/fields/{f.id}/", body, expect=None)
        refused = self.refusal(f, new, expr, target)
        if refused is not None:
            assert r.status_code == 400 and r.json()["error"] in refused, (refused, r.text)
            return
        if r.status_code == 400 and new == "formula":
            assert r.json()["error"] == "ERROR_WITH_FORMULA", r.text
            return  # a formula over a formula the model does not type (uncertain)
        assert r.status_code == 200, f"{body} -> {r.text}"
        out = r.json()
        old = {i: self.model.wire(f, i) for i in t.rows} if self.model.predictable(f) else None
        old_type, old_decimals = f.type, f.decimals
        if f.type == "link_row":
            if f.related is not None and self.model.field(f.related) is not None:
                self.model.forget_field(f.related)  # the other side goes with the link
            self.model.unlink(f)
        f.type, f.expr, f.through, f.target = new, expr, None, None
        f.broken = f.opaque = False
        f.decimals = decimals if new == "number" else 0
        f.link_table, f.related = (target.id if target else None), None
        if new == "link_row":
            self.add_link(f, out)
        self.model.retype()
        if new == "formula" and f.uncertain:
            f.broken = out["error"] is not None
        self.adopt_values(t, f, old, old_type, old_decimals)
        self.check_field_states()

    def refusal(
        self, f: MField, new: str, expr: Expr | None, target: MTable | None
    ) -> tuple[str, ...] | None:
        """The error codes Baserow may answer this conversion with; None: it succeeds."""
        if f.primary and new == "link_row":
            return ("ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE",)
        # the new dependencies, without the link's other side (deleted with the change)
        edges: set[int] = set()
        if expr is not None:
            edges = self.model.formula_depends_on(expr)
        elif target is not None:
            edges = {self.model.primary(target.id).id}
        gone = {f.related} if f.type == "link_row" and f.related is not None else set()
        found = self.model.cycle(f, edges, gone)
        if found == "self":
            return ("ERROR_FIELD_SELF_REFERENCE",)
        if found == "cycle":
            return ("ERROR_FIELD_CIRCULAR_REFERENCE",)
        if expr is None:
            return None
        probe = MField(-1, f.table_id, "probe", "formula", expr=expr)
        self.model.tables[f.table_id].fields[-1] = probe
        self.model.retype()
        del self.model.tables[f.table_id].fields[-1]
        if probe.uncertain:
            return None
        return ("ERROR_WITH_FORMULA",) if probe.broken else None

    def adopt_values(self, t: MTable, f: MField, old: dict[int, Any] | None, old_type: str,
                     old_decimals: int) -> None:  # fmt: skip
        """Reads a converted field's values back into the model, checking what it knows."""
        if f.type in ("formula", "link_row"):
            return  # computed from the model / all links dropped (compare_row checks them)
        rows = {r["id"]: r[f"field_{f.id}"] for r in self.list_all(t, {}, 200)}
        for row_id, got in rows.items():
            before = None if old is None else old[row_id]
            if old_type == "link_row":  # no value survives a change from a link (Baserow)
                assert got in (None, False), (f, row_id, got)
            if f.type in ("text", "long_text"):
                assert got is None or isinstance(got, str), got
                if old is not None and old_type in ("text", "long_text", "number"):
                    assert got == before, (f, row_id, got, before)
                t.rows[row_id][f.id] = got
            elif f.type == "boolean":
                assert isinstance(got, bool), got
                t.rows[row_id][f.id] = got
            else:
                assert f.type == "number"
                value = None if got is None else Decimal(got)
                assert got is None or got == number_text(value, f.decimals), got
                if old is not None and old_type == "number" and before is not None:
                    assert got == number_text(Decimal(before), f.decimals), (got, before)
                t.rows[row_id][f.id] = value
        del old_decimals

    def expressions(self, t: MTable, leave_out: int | None = None) -> st.SearchStrategy[Expr]:
        """Formulas over this table's fields, mostly well typed (a few are refused)."""
        usable = [f for f in t.fields.values() if not f.broken and f.id != leave_out]
        text_fields = [("field", f.id) for f in usable if f.type in ("text", "long_text")]
        num_fields = [("field", f.id) for f in usable if f.type in ("number", "count")]
        readable = ("text", "long_text", "number", "count", "boolean", "formula")
        any_fields = [("field", f.id) for f in usable if f.type in readable]
        links = [("count", f.id) for f in usable if f.type == "link_row"]
        text_leaf = st.one_of(
            st.sampled_from(text_fields) if text_fields else st.nothing(),
            st.tuples(st.just("text"), st.text(CHARS, max_size=5).filter(formula_safe)),
        )
        num_leaf = st.one_of(
            st.sampled_from(num_fields + links) if num_fields + links else st.nothing(),
            st.tuples(st.just("num"), st.integers(-1000, 1000)),
        )
        any_leaf = st.sampled_from(any_fields) if any_fields else text_leaf
        texts_ = st.recursive(
            text_leaf,
            lambda inner: st.one_of(
                st.tuples(st.just("concat"), inner, st.one_of(inner, any_leaf)),
                st.tuples(st.sampled_from(["upper", "lower"]), inner),
                st.tuples(st.just("add"), inner, inner),
            ),
            max_leaves=4,
        )
        numbers = st.recursive(
            num_leaf,
            lambda inner: st.one_of(
                st.tuples(st.sampled_from(["add", "sub"]), inner, inner),
                st.tuples(st.just("mul"), inner, st.integers(-3, 3)),
            ),
            max_leaves=4,
        )
        ill_typed = st.tuples(st.just("upper"), any_leaf)
        return st.one_of(texts_, numbers, ill_typed)

    def pick_field(self, data: st.DataObject, primary: bool = False) -> MField | None:
        fields = sorted(
            (f for f in self.model.all_fields() if primary or not f.primary), key=lambda f: f.id
        )
        return data.draw(st.sampled_from(fields), label="field") if fields else None

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def rename_field(self, data: st.DataObject) -> None:
        f = self.pick_field(data, primary=True)
        assert f is not None
        name = self.fresh_name(data)
        body: dict[str, Any] = {"name": name}
        if f.type == "formula":  # Baserow requires a formula's text in any update of it
            body["formula"] = self.call("GET", f"/api/database/fields/{f.id}/").json()["formula"]
        r = self.call("PATCH", f"/api/database/fields/{f.id}/", body, expect=None)
        if f.broken and r.status_code == 400:
            return  # Baserow refuses to rename a computed field in its error state too
        assert r.status_code == 200, r.text
        f.name = name
        # formulas that read it are rewritten to the new name
        for g in self.model.all_fields():
            if g.type == "formula" and g.expr is not None and f.id in self.model.reads(g.expr):
                shown = self.sync_field(g.table_id, g.id)
                assert shown["formula"] == self.model.render(g.expr), shown

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def delete_field(self, data: st.DataObject) -> None:
        f = self.pick_field(data)
        if f is None:
            return
        self.call("DELETE", f"/api/database/fields/{f.id}/")
        self.model.drop_field(f.id)
        self.check_field_states()

    @precondition(lambda self: len(self.model.tables) > 1)
    @rule(data=st.data())
    def delete_table(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        self.call("DELETE", f"/api/database/tables/{t.id}/", expect=204)
        self.model.drop_table(t.id)
        self.check_field_states()

    # Trash and restore (issue 23): rows can be restored (trash_and_restore_rows, below);
    # once tables and fields can be too, rules `restore_field`/`restore_table` go here and
    # the model keeps what a delete removed (values, links, dependants' states).

    def check_field_states(self) -> None:
        """Every computed field the model thinks broken shows Baserow's error state."""
        for t in self.tables():
            shown = {f["id"]: f for f in self.fields_of(t.id)}
            assert set(shown) == set(t.fields), (shown.keys(), t.fields.keys())
            for f in t.fields.values():
                if f.type in COMPUTED and f.uncertain:
                    f.broken = shown[f.id]["error"] is not None
                elif f.type in COMPUTED:
                    assert (shown[f.id]["error"] is not None) == f.broken, (f, shown[f.id])

    # -- row rules ---------------------------------------------------------------------

    def writable(self, t: MTable) -> list[MField]:
        return sorted(
            (f for f in t.fields.values() if f.type in (*STORED, "link_row")), key=lambda f: f.id
        )

    def value_for(self, data: st.DataObject, f: MField) -> tuple[Any, Any]:
        """(what the request sends, what the model stores)."""
        if f.type in ("text", "long_text"):
            v = data.draw(texts, label="text")
            return v, v.strip()  # Baserow's row serializer trims (DRF's CharField)
        if f.type == "boolean":
            v = data.draw(st.booleans(), label="bool")
            return v, v
        if f.type == "number":
            bound = 10 ** (12 - f.decimals)  # within the 15 digits SQLite keeps
            d = data.draw(
                st.one_of(
                    st.none(),
                    st.decimals(-bound, bound, places=f.decimals),
                    st.sampled_from([Decimal(0), Decimal(bound), Decimal(-bound)]),
                ),
                label="number",
            )
            if d is None:
                return None, None
            as_int = d == d.to_integral_value() and data.draw(st.booleans(), label="int")
            return (int(d) if as_int else str(d)), d
        assert f.type == "link_row" and f.link_table is not None
        ids = sorted(self.model.tables[f.link_table].rows)
        chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=3) if ids
                           else st.just([]), label="links")  # fmt: skip
        return chosen, sorted(chosen)

    def row_body(self, data: st.DataObject, t: MTable) -> tuple[dict[str, Any], dict[int, Any]]:
        fields = self.writable(t)
        if not fields:  # e.g. the primary field became a formula and no other field is left
            return {}, {}
        chosen = data.draw(st.lists(st.sampled_from(fields), unique=True), label="fields")
        body, stored = {}, {}
        for f in chosen:
            body[f"field_{f.id}"], stored[f.id] = self.value_for(data, f)
        return body, stored

    def store(self, t: MTable, row_id: int, stored: dict[int, Any]) -> None:
        for fid, v in stored.items():
            f = t.fields[fid]
            if f.type == "link_row":
                self.model.set_links(f, row_id, v)
            else:
                t.rows[row_id][fid] = v

    def new_row(self, t: MTable, row_id: int, stored: dict[int, Any]) -> None:
        t.rows[row_id] = {}
        for f in t.fields.values():
            t.rows[row_id][f.id] = {"boolean": False}.get(f.type)
        t.order.append(row_id)
        self.store(t, row_id, stored)

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def create_rows(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        if len(t.rows) >= MAX_ROWS:
            return
        n = data.draw(st.integers(1, 3), label="rows")
        bodies = [self.row_body(data, t) for _ in range(n)]
        if n == 1 and data.draw(st.booleans(), label="single"):
            r = self.call("POST", f"/api/database/rows/table/{t.id}/", bodies[0][0])
            created = [r.json()]
        else:
            r = self.call("POST", f"/api/database/rows/table/{t.id}/batch/",
                          {"items": [b for b, _ in bodies]})  # fmt: skip
            created = r.json()["items"]
        for row, (_, stored) in zip(created, bodies, strict=True):
            self.new_row(t, row["id"], stored)
            self.compare_row(t, row)

    def pick_rows(self, data: st.DataObject, t: MTable) -> list[int]:
        ids = sorted(t.rows)
        if not ids:
            return []
        return data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=3))

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def update_rows(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        ids = self.pick_rows(data, t)
        if not ids:
            return
        bodies = [self.row_body(data, t) for _ in ids]
        if len(ids) == 1 and data.draw(st.booleans(), label="single"):
            r = self.call("PATCH", f"/api/database/rows/table/{t.id}/{ids[0]}/", bodies[0][0])
            updated = [r.json()]
        else:
            items = [{"id": i, **b} for i, (b, _) in zip(ids, bodies, strict=True)]
            r = self.call("PATCH", f"/api/database/rows/table/{t.id}/batch/", {"items": items})
            updated = r.json()["items"]
        for i, (_, stored) in zip(ids, bodies, strict=True):
            self.store(t, i, stored)
        for row in updated:
            self.compare_row(t, row)

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def delete_rows(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        ids = self.pick_rows(data, t)
        if not ids:
            return
        if len(ids) == 1:
            self.call("DELETE", f"/api/database/rows/table/{t.id}/{ids[0]}/", expect=204)
        else:
            self.call("POST", f"/api/database/rows/table/{t.id}/batch-delete/", {"items": ids},
                      expect=204)  # fmt: skip
        for i in ids:
            self.model.drop_row(t.id, i)

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def trash_and_restore_rows(self, data: st.DataObject) -> None:
        """Rows deleted, then restored from the trash at once: every table reads as before
        (values, links, lookups, counts, formulas), and meanwhile the rows are gone from
        their table. The model does not change."""
        t = self.pick_table(data)
        ids = self.pick_rows(data, t)
        if not ids:
            return
        before = {u.id: self.list_all(u, {}, 200) for u in self.tables()}
        single = len(ids) == 1 and data.draw(st.booleans(), label="single")
        if single:
            self.call("DELETE", f"/api/database/rows/table/{t.id}/{ids[0]}/", expect=204)
        else:
            self.call("POST", f"/api/database/rows/table/{t.id}/batch-delete/", {"items": ids},
                      expect=204)  # fmt: skip
        left = [r["id"] for r in self.list_all(t, {}, 200)]
        assert left == [i for i in t.order if i not in ids], (left, ids)
        entry = self.call("GET", f"/api/trash/workspace/{self.workspace}/").json()["results"][0]
        assert entry["trash_item_type"] == ("row" if single else "rows"), entry
        self.call("PATCH", "/api/trash/restore/", {"trash_item_type": entry["trash_item_type"],
                  "trash_item_id": entry["trash_item_id"], "parent_trash_item_id": t.id},
                  expect=204)  # fmt: skip
        after = {u.id: self.list_all(u, {}, 200) for u in self.tables()}
        assert after == before

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def move_row(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        if not t.order:
            return
        row = data.draw(st.sampled_from(t.order), label="row")
        before = data.draw(st.one_of(st.none(), st.sampled_from(t.order)), label="before")
        params = {} if before is None else {"before_id": before}
        self.call("PATCH", f"/api/database/rows/table/{t.id}/{row}/move/", params=params)
        if before == row:
            return  # Baserow leaves a row moved before itself where it is
        t.order.remove(row)
        t.order.insert(len(t.order) if before is None else t.order.index(before), row)

    # -- checks ------------------------------------------------------------------------

    def compare_row(self, t: MTable, row: dict[str, Any]) -> None:
        for f in t.fields.values():
            if not self.model.predictable(f):
                continue
            got = row[f"field_{f.id}"]
            want = self.model.wire(f, row["id"])
            if f.type in ("link_row", "lookup") and got is not None:
                got = sorted(({"id": x["id"], "value": x["value"]} for x in got),
                             key=lambda x: x["id"])  # fmt: skip
            assert got == want, (f, row["id"], got, want)

    def list_all(self, t: MTable, params: dict[str, Any], size: int) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            r = self.call("GET", f"/api/database/rows/table/{t.id}/",
                          params={**params, "size": size, "page": page})  # fmt: skip
            body = r.json()
            rows += body["results"]
            if body["next"] is None:
                assert body["count"] == len(rows), (body["count"], len(rows))
                return rows
            page += 1

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def check_rows(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        size = data.draw(st.integers(1, 5), label="size")
        rows = self.list_all(t, {}, size)
        assert [r["id"] for r in rows] == t.order
        for row in rows:
            self.compare_row(t, row)

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def check_filter(self, data: st.DataObject) -> None:
        t = self.pick_table(data)
        fields = sorted(t.fields.values(), key=lambda f: f.id)
        f = data.draw(st.sampled_from(fields), label="field")
        kind = self.model.kind_of(f)
        if kind is None or not self.model.predictable(f):
            return
        positive = data.draw(st.sampled_from(reference.FILTERS[kind]), label="filter")
        filter_type = data.draw(
            st.sampled_from([positive, reference.NEGATIONS.get(positive, positive)]),
            label="negated",
        )
        cells = {i: self.model.wire(f, i) for i in t.rows}
        value = data.draw(self.filter_values(kind, cells), label="value")
        size = data.draw(st.integers(1, 8), label="size")
        got = self.list_all(t, {f"filter__field_{f.id}__{filter_type}": value}, size)
        want = reference.selected(kind, filter_type, cells, value)
        assert [r["id"] for r in got] == [i for i in t.order if i in want], (f, filter_type, value)

    def filter_values(self, kind: str, cells: dict[int, Any]) -> st.SearchStrategy[str]:
        seen: list[str] = []
        for cell in cells.values():
            if isinstance(cell, list):
                seen += [str(item["id"]) for item in cell]
            elif cell is not None and not isinstance(cell, bool):
                seen += [cell, cell[:3], cell[-2:], f" {cell} ", cell.upper()]
        some = st.sampled_from(sorted(set(seen))) if seen else st.nothing()
        return st.one_of(some, st.sampled_from(["", " ", "0", "1", "-1", "x", "1.5", "true"]),
                         st.text(CHARS, max_size=4))  # fmt: skip

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def check_search(self, data: st.DataObject) -> None:
        """Compat search, sandwiched: every row whose text holds the term (or whose id it
        is) comes back, and every row that comes back shows the term in some value."""
        t = self.pick_table(data)
        # a formula the model does not type (one over a link) shows what the server says
        known = [f for f in t.fields.values() if self.model.predictable(f)]
        shown = {i: [self.model.wire(f, i) for f in known] for i in t.rows}
        texts = [v for values in shown.values() for v in values if isinstance(v, str) and v]
        term = data.draw(
            st.one_of(
                st.sampled_from(texts).map(lambda v: v[1:4]) if texts else st.nothing(),
                st.sampled_from(["a", "1", "2", "É", "-", "0"]),
                st.text(CHARS, min_size=1, max_size=3),
            ),
            label="term",
        )
        got = [r["id"] for r in self.list_all(t, {"search": term}, 50)]
        assert got == [i for i in t.order if i in got], "search keeps the table order"
        needle = reference.simple_upper(term.replace("\x00", "").strip())
        if not needle:
            assert got == t.order
            return

        def holds(value: Any) -> bool:
            if isinstance(value, list):
                return any(holds(item.get("value")) for item in value)
            return isinstance(value, str) and needle in reference.simple_upper(value)

        row_id = reference.row_id_named(term)
        # a number field is searched for any term Decimal() reads, NaN too (Baserow's
        # LenientDecimalField); links and lookups are not searched in compat mode
        numeric = reference.decimal_text(term.strip())
        left = [
            f
            for f in t.fields.values()
            if self.model.kind_of(f) not in ("boolean", "link", "array", None)
            and (numeric or self.model.kind_of(f) != "number")
        ]
        if not left and row_id is None:
            # nothing can hold the term: Baserow's empty Q() keeps every row
            assert got == t.order, (term, got)
            return
        for i in t.rows:
            stored_text = any(
                holds(t.rows[i].get(f.id))
                for f in t.fields.values()
                if f.type in ("text", "long_text")
            )
            if stored_text or row_id == i:
                assert i in got, (term, i)
        if len(known) < len(t.fields):
            return  # a row may show the term in a value the model does not know
        for i in got:
            assert any(holds(v) for v in shown[i]) or row_id == i, (term, i)

    @precondition(lambda self: self.model.tables)
    @rule(data=st.data())
    def check_sort(self, data: st.DataObject) -> None:
        """order_by on any field: all rows once, the same order when asked again, equal
        values in the table's order, and numbers ordered with empty ones at one end."""
        t = self.pick_table(data)
        f = data.draw(st.sampled_from(sorted(t.fields.values(), key=lambda x: x.id)), label="f")
        descending = data.draw(st.booleans(), label="descending")
        params = {"order_by": f"{'-' if descending else ''}field_{f.id}"}
        r = self.call("GET", f"/api/database/rows/table/{t.id}/", params={**params, "size": 200},
                      expect=(200, 400))  # fmt: skip
        if r.status_code == 400:
            assert r.json()["error"] == "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE", r.text
            return
        got = [row["id"] for row in r.json()["results"]]
        assert sorted(got) == sorted(t.order)
        again = self.list_all(t, params, data.draw(st.integers(1, 6), label="size"))
        assert [row["id"] for row in again] == got, "paged sort differs from one page"
        if not self.model.predictable(f) or f.broken:
            return
        values = {i: self.model.wire(f, i) for i in t.rows}
        kind = self.model.kind_of(f)
        position = {i: n for n, i in enumerate(t.order)}
        for a, b in itertools.pairwise(got):
            if values[a] == values[b]:
                assert position[a] < position[b], ("ties keep the table order", f, a, b)
        if kind == "number":
            present = [Decimal(values[i]) for i in got if values[i] is not None]
            assert present == sorted(present, reverse=descending), (f, present)
            nulls = [values[i] is None for i in got]
            assert nulls == sorted(nulls) or nulls == sorted(nulls, reverse=True), nulls

    @invariant()
    def ids_are_consistent(self) -> None:
        for t in self.model.tables.values():
            assert sorted(t.order) == sorted(t.rows)


def test_self_link_with_a_formula_in_either_order(api: Api) -> None:
    """Issue 21's two-step schemas (RecursionError, a 500 and a dropped connection once):
    a self link then a formula, and a formula then a self link."""
    for order in (("link", "formula"), ("formula", "link")):
        t = api.table()
        for step in order:
            if step == "link":
                api.field(t, "Parent", "link_row", link_row_table_id=t)
            else:
                api.field(t, "F", "formula", formula="concat(field('Name'), 'x')")
        api.ok(api.patch(f"/api/database/rows/table/{t}/1/?user_field_names=true",
                         {"Name": "a", "Parent": [1, 2]}))  # fmt: skip
        row = api.rows(t)[0]
        assert (row["F"], [v["id"] for v in row["Parent"]]) == ("ax", [1, 2])


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # this suite checks answers, not durability (the crash suite does): no fsync per commit
    return settings.model_copy(update={"sqlite_synchronous": "normal"})


@pytest.fixture
def machine_client(client: TestClient) -> tuple[TestClient, Api, int]:
    api = Api(client, email="fuzz@example.com")
    return client, api, api.workspace()


def profile() -> hypothesis.settings:
    """The profile pytest was asked for (--hypothesis-profile), else "ci"."""
    chosen = hypothesis.settings.get_current_profile_name()
    return hypothesis.settings.get_profile(chosen if chosen in ("soak", "dev") else "ci")


def test_schema_sequences(machine_client: tuple[TestClient, Api, int]) -> None:
    SchemaMachine.client, SchemaMachine.api, SchemaMachine.workspace = machine_client
    run_state_machine_as_test(SchemaMachine, settings=profile())

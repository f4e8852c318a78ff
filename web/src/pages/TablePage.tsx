// A table: its toolbar (search, add row, delete rows, add field) over the grid.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText } from "../api";
import { linkClick } from "../routes";
import { TableGrid } from "../grid/tableGrid";
import type { Field, Table } from "../types";
import { FieldForm } from "./FieldForm";
import { FilterBuilder, acceptedFilters, toFilterTree, type Accepted, type Condition, type Op } from "./Filters";
import { ViewBar, saveOrder, type ViewState } from "./Views";
import { RowForm } from "./RowForm";

export function TablePage({ tableId, onTreeChange }: { tableId: number; onTreeChange: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const grid = useRef<TableGrid | null>(null);
  const [table, setTable] = useState<Table | null>(null);
  const [fields, setFields] = useState<Field[]>([]);
  const [count, setCount] = useState<number | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [error, setError] = useState("");
  const [cellError, setCellError] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [addingField, setAddingField] = useState(false);
  const [panel, setPanel] = useState<"" | "fields" | "filters">("");
  const [editing, setEditing] = useState<Field | null>(null);
  const [expanded, setExpanded] = useState<number | null>(null);
  const [op, setOp] = useState<Op>("AND");
  const [conditions, setConditions] = useState<Condition[]>([]);
  const [groupOps, setGroupOps] = useState<Op[]>([]);
  const [hidden, setHidden] = useState<number[]>([]);
  const [accepted, setAccepted] = useState<Accepted | null>(null);
  const [order, setOrder] = useState<number[]>([]); // field ids in column order
  const view = useRef<number | "">(""); // the saved view column moves go into
  const [applied, setApplied] = useState<number | "">(""); // the view on screen

  useEffect(() => {
    grid.current?.setFilters(toFilterTree(fields, op, conditions, groupOps));
  }, [op, conditions, groupOps, fields]);
  // the filter types of the fields, from the server, once the builder is open or a view has
  // filters (read again when the fields change)
  const wantFilters = panel === "filters" || conditions.length > 0;
  useEffect(() => {
    if (!wantFilters || !table) return;
    let current = true;
    acceptedFilters(table.database_id)
      .then((a) => current && setAccepted(a))
      .catch((e) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
  }, [wantFilters, table, fields]);
  useEffect(() => {
    grid.current?.setHidden(hidden);
  }, [hidden, fields]);

  function applyView(state: ViewState | null) {
    const s = state ?? { op: "AND" as const, conditions: [], groupOps: [], sorts: [], hidden: [], widths: {}, order: [] };
    setOp(s.op);
    setConditions(s.conditions);
    setGroupOps(s.groupOps);
    setHidden(s.hidden);
    grid.current?.applyViewColumns(s.sorts, s.hidden, s.widths, s.order);
    setOrder(grid.current?.columnOrder() ?? []);
    setApplied(s.view ?? "");
  }

  async function loadFields() {
    const list = await api.get<Field[]>(`/api/database/fields/table/${tableId}/`);
    setFields(list);
    grid.current?.setFields(list);
    setOrder(grid.current?.columnOrder() ?? []);
  }

  // a column moved (dragged, or the fields panel's buttons): into the chosen view at once
  function columnsMoved(next: number[]) {
    setOrder(next);
    if (view.current === "") return;
    saveOrder(view.current, next).catch((e) => setError(`The column order was not saved: ${errorText(e)}`));
  }

  useEffect(() => {
    const g = new TableGrid(host.current!, tableId, {
      onCount: setCount,
      onCellError: setCellError,
      onSelection: setSelected,
      onColumnsMoved: columnsMoved,
    });
    grid.current = g;
    Promise.all([api.get<Table>(`/api/database/tables/${tableId}/`), loadFields()])
      .then(([t]) => setTable(t))
      .catch((e) => setError(errorText(e)));
    return () => g.destroy();
  }, [tableId]);

  useEffect(() => {
    // typing waits for a pause before the grid asks again
    const t = window.setTimeout(() => grid.current?.setSearch(search), 250);
    return () => window.clearTimeout(t);
  }, [search]);

  const run = (f: () => Promise<unknown>) => async () => {
    try {
      setError("");
      await f();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section class="table-page" aria-label={table ? `Table ${table.name}` : "Table"}>
      <div class="toolbar">
        <h1>{table?.name ?? "…"}</h1>
        <span class="count" aria-live="polite">
          {count === null ? "" : `${count.toLocaleString()} ${count === 1 ? "row" : "rows"}`}
        </span>
        <input type="search" aria-label="Search rows" placeholder="Search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        <button type="button" class="primary" onClick={run(() => grid.current!.addRow())}>
          + Row
        </button>
        <button type="button" disabled={!selected.length} onClick={run(() => grid.current!.deleteSelected())}>
          Delete {selected.length || ""} selected
        </button>
        <button type="button" onClick={() => setAddingField(true)} aria-expanded={addingField}>
          + Field
        </button>
        <button type="button" onClick={() => setPanel(panel === "fields" ? "" : "fields")} aria-expanded={panel === "fields"}>
          Fields
        </button>
        <button type="button" onClick={() => setPanel(panel === "filters" ? "" : "filters")} aria-expanded={panel === "filters"}>
          Filter
        </button>
        <button
          type="button"
          title="Open the focused row as a form"
          onClick={() => {
            const id = grid.current?.focusedRowId();
            if (id) setExpanded(id);
            else setError("Click a cell of the row to expand first.");
          }}
        >
          Expand row
        </button>
      </div>
      {table && (
        <div class="view-row">
          <ViewBar
            tableId={tableId}
            fields={fields}
            current={() => ({ op, conditions, groupOps, hidden, ...grid.current!.viewColumns() })}
            onApply={applyView}
            onSelected={(id) => (view.current = id)}
          />
          <nav class="table-links" aria-label="More about this table">
            <a href={`/table/${tableId}/webhooks`} onClick={linkClick(`/table/${tableId}/webhooks`)}>
              Webhooks
            </a>
            <a class="docs-link" href={`/api-docs/database/${table.database_id}`} target="_blank" rel="noopener">
              API docs
            </a>
          </nav>
        </div>
      )}
      {addingField && table && (
        <FieldForm
          table={table}
          onDone={async (changed) => {
            setAddingField(false);
            if (changed) {
              await loadFields();
              onTreeChange(); // a link field may add a field to another table
            }
          }}
        />
      )}
      {panel === "fields" && (
        <ul class="card field-list" aria-label="Fields">
          {[...fields]
            .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id))
            .map((f, i, shown) => (
              <li key={f.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    aria-label={`Show ${f.name}`}
                    checked={!hidden.includes(f.id)}
                    disabled={f.primary}
                    onChange={(e) => setHidden(e.currentTarget.checked ? hidden.filter((h) => h !== f.id) : [...hidden, f.id])}
                  />
                  <span class="name">{f.name}</span>
                </label>
                <span class="type">{f.type.replace(/_/g, " ")}</span>
                {!f.primary && (
                  <>
                    <button
                      type="button"
                      class="icon"
                      aria-label={`Move ${f.name} left`}
                      title="Move the column left"
                      disabled={i <= 1}
                      onClick={() => {
                        const next = grid.current?.moveField(f.id, -1);
                        if (next) columnsMoved(next);
                      }}
                    >
                      ←
                    </button>
                    <button
                      type="button"
                      class="icon"
                      aria-label={`Move ${f.name} right`}
                      title="Move the column right"
                      disabled={i === shown.length - 1}
                      onClick={() => {
                        const next = grid.current?.moveField(f.id, 1);
                        if (next) columnsMoved(next);
                      }}
                    >
                      →
                    </button>
                  </>
                )}
                <button type="button" aria-label={`Edit field ${f.name}`} onClick={() => setEditing(f)}>
                  Edit
                </button>
                {!f.primary && (
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Delete field ${f.name}`}
                    onClick={run(async () => {
                      if (!window.confirm(`Delete the field ${f.name} and its values?`)) return;
                      await api.del(`/api/database/fields/${f.id}/`);
                      await loadFields();
                    })}
                  >
                    Delete
                  </button>
                )}
              </li>
            ))}
        </ul>
      )}
      {editing && table && (
        <FieldForm
          key={editing.id}
          table={table}
          field={editing}
          onDone={async (changed) => {
            setEditing(null);
            if (changed) await loadFields();
          }}
        />
      )}
      <div hidden={panel !== "filters"}>
        <FilterBuilder
          fields={fields}
          accepted={accepted}
          op={op}
          conditions={conditions}
          groupOps={groupOps}
          onChange={(o, c, g) => {
            setOp(o);
            setConditions(c);
            setGroupOps(g);
          }}
        />
      </div>
      {expanded !== null && (
        <RowForm
          tableId={tableId}
          rowId={expanded}
          fields={fields}
          onClose={(saved) => {
            setExpanded(null);
            if (saved) grid.current?.refreshAll();
          }}
        />
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {cellError && (
        <p class="error cell-error-message" role="alert">
          {cellError}
        </p>
      )}
      <div class="grid-host" ref={host} data-fields={fields.length} data-view={applied} />
    </section>
  );
}

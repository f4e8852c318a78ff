// A table: its toolbar (search, add row, delete rows, add field) over the grid.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText } from "../api";
import { TableGrid } from "../grid/tableGrid";
import type { Field, Table } from "../types";
import { FieldForm } from "./FieldForm";

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

  async function loadFields() {
    const list = await api.get<Field[]>(`/api/database/fields/table/${tableId}/`);
    setFields(list);
    grid.current?.setFields(list);
  }

  useEffect(() => {
    const g = new TableGrid(host.current!, tableId, { onCount: setCount, onCellError: setCellError, onSelection: setSelected });
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
        {table && (
          <a class="docs-link" href={`/api-docs/database/${table.database_id}`} target="_blank" rel="noopener">
            API docs
          </a>
        )}
      </div>
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
      <div class="grid-host" ref={host} data-fields={fields.length} />
    </section>
  );
}

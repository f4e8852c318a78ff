// Saved grid views: a view keeps the filters, sorts, hidden fields, column widths and column
// order that are on screen. The grid applies them itself (filters and order_by on the rows
// endpoint), so what is shown is what would be saved. Moving a column saves the new order
// into the chosen view at once; the view chosen last is chosen again when the page loads.
import { useEffect, useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { Field } from "../types";
import { fromWire, wireCondition, type Condition, type Op } from "./Filters";

export interface ViewState {
  op: Op;
  conditions: Condition[];
  groupOps: Op[];
  sorts: { field: number; order: "ASC" | "DESC" }[];
  hidden: number[];
  widths: Record<number, number>;
  order: number[]; // field ids, in column order
  view?: number; // the saved view it was read from
}

interface View {
  id: number;
  name: string;
  filter_type: Op;
  filters: { id: number; field: number; type: string; value: string; group: number | null }[];
  filter_groups?: { id: number; filter_type: Op }[];
  sortings: { id: number; field: number; order: "ASC" | "DESC" }[];
}

type FieldOptions = Record<string, { hidden: boolean; width: number; order?: number }>;

async function loadView(fields: Field[], id: number): Promise<ViewState> {
  const [view, options] = await Promise.all([
    api.get<View>(`/api/database/views/${id}/?include=filters,sortings`),
    api.get<{ field_options: FieldOptions }>(`/api/database/views/${id}/field-options/`),
  ]);
  const known = new Set(fields.map((f) => f.id));
  const opts = Object.entries(options.field_options).filter(([fid]) => known.has(Number(fid)));
  const groups = view.filter_groups ?? [];
  const groupIndex = (id: number | null) => {
    const g = groups.findIndex((x) => x.id === id);
    return g < 0 ? undefined : g;
  };
  return {
    view: id,
    op: view.filter_type,
    conditions: view.filters.filter((f) => known.has(f.field)).map((f) => ({ ...fromWire(fields, f), group: groupIndex(f.group) })),
    groupOps: groups.map((g) => g.filter_type),
    sorts: view.sortings.filter((s) => known.has(s.field)).map((s) => ({ field: s.field, order: s.order })),
    hidden: opts.filter(([, o]) => o.hidden).map(([fid]) => Number(fid)),
    widths: Object.fromEntries(opts.map(([fid, o]) => [Number(fid), o.width])),
    // as Baserow: by the option's order, then by field id
    order: opts
      .map(([fid, o]): [number, number] => [Number(fid), o.order ?? 32767])
      .sort(([a, x], [b, y]) => x - y || a - b)
      .map(([fid]) => fid),
  };
}

// Writes the state into the view: its filters and sorts are replaced, field options patched.
async function saveView(fields: Field[], id: number, state: ViewState): Promise<void> {
  const view = await api.get<View>(`/api/database/views/${id}/?include=filters,sortings`);
  await api.patch(`/api/database/views/${id}/`, { filter_type: state.op });
  await Promise.all([
    ...view.filters.map((f) => api.del(`/api/database/views/filter/${f.id}/`)),
    ...view.sortings.map((s) => api.del(`/api/database/views/sort/${s.id}/`)),
  ]);
  // groups last: deleting a group takes its filters with it
  await Promise.all((view.filter_groups ?? []).map((g) => api.del(`/api/database/views/filter-group/${g.id}/`)));
  const groupIds: number[] = [];
  for (const filter_type of state.groupOps) {
    groupIds.push((await api.post<{ id: number }>(`/api/database/views/${id}/filter-groups/`, { filter_type })).id);
  }
  for (const c of state.conditions) {
    const f = wireCondition(fields, c);
    if (f) await api.post(`/api/database/views/${id}/filters/`, { ...f, ...(c.group !== undefined ? { group: groupIds[c.group] } : {}) });
  }
  for (const s of state.sorts) await api.post(`/api/database/views/${id}/sortings/`, s);
  const field_options: FieldOptions = {};
  for (const f of fields) {
    const order = state.order.indexOf(f.id);
    field_options[f.id] = { hidden: state.hidden.includes(f.id), width: state.widths[f.id] ?? 200, ...(order < 0 ? {} : { order }) };
  }
  await api.patch(`/api/database/views/${id}/field-options/`, { field_options });
}

// Writes the column order alone into a view's field options.
export async function saveOrder(id: number, order: number[]): Promise<void> {
  const field_options = Object.fromEntries(order.map((fid, i) => [fid, { order: i }]));
  await api.patch(`/api/database/views/${id}/field-options/`, { field_options });
}

const remembered = (tableId: number) => `gridbase.view.${tableId}`;

export function ViewBar({
  tableId,
  fields,
  current,
  onApply,
  onSelected,
}: {
  tableId: number;
  fields: Field[];
  current: () => ViewState;
  onApply: (state: ViewState | null) => void;
  onSelected: (id: number | "") => void; // the view that column moves are saved into
}) {
  const [views, setViews] = useState<View[]>([]);
  const [selected, setSelectedState] = useState<number | "">("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");

  const setSelected = (id: number | "") => {
    setSelectedState(id);
    onSelected(id);
    if (id === "") localStorage.removeItem(remembered(tableId));
    else localStorage.setItem(remembered(tableId), String(id));
  };
  const reload = () =>
    api.get<View[]>(`/api/database/views/table/${tableId}/?type=grid`).then((list) => {
      setViews(list);
      return list;
    });
  useEffect(() => {
    // the view chosen last on this table, if it is still there
    const last = Number(localStorage.getItem(remembered(tableId)));
    reload()
      .then(async (list) => {
        if (!list.some((v) => v.id === last)) return;
        const state = await loadView(fields, last);
        setSelected(last);
        onApply(state);
      })
      .catch((e) => setError(errorText(e)));
  }, [tableId]);

  const run = (f: () => Promise<unknown>) => async () => {
    try {
      setError("");
      await f();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div class="view-bar">
      <label class="check">
        View
        <select
          aria-label="View"
          value={String(selected)}
          onChange={(e) => {
            const value = e.currentTarget.value;
            void run(async () => {
              const id = value ? Number(value) : "";
              setSelected(id);
              setStatus("");
              onApply(id === "" ? null : await loadView(fields, id));
            })();
          }}
        >
          <option value="">All rows</option>
          {views.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        disabled={selected === ""}
        onClick={run(async () => {
          await saveView(fields, Number(selected), current());
          setStatus("Saved");
        })}
      >
        Save view
      </button>
      <button
        type="button"
        onClick={run(async () => {
          const name = window.prompt("Name of the new view");
          if (!name) return;
          const view = await api.post<View>(`/api/database/views/table/${tableId}/`, { name, type: "grid" });
          await saveView(fields, view.id, current());
          await reload();
          setSelected(view.id);
          setStatus("Saved");
        })}
      >
        Save as new view
      </button>
      <button
        type="button"
        class="danger"
        disabled={selected === ""}
        onClick={run(async () => {
          if (!window.confirm("Delete this view? Its rows stay.")) return;
          await api.del(`/api/database/views/${selected}/`);
          setSelected("");
          await reload();
          onApply(null);
        })}
      >
        Delete view
      </button>
      <span class="status" role="status">
        {status}
      </span>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

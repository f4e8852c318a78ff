// The filter builder: conditions joined by AND or OR, each a field, a filter type the field's
// type allows, and a value. It produces Baserow's `filters` JSON for the list endpoint.
import type { Field } from "../types";

export interface Condition {
  field: number;
  type: string;
  value: string;
}

const TEXT = ["contains", "contains_not", "equal", "not_equal", "contains_word", "length_is_lower_than", "empty", "not_empty"];
const NUMBER = ["equal", "not_equal", "higher_than", "higher_than_or_equal", "lower_than", "lower_than_or_equal", "empty", "not_empty"];
const FILTERS: Record<string, string[]> = {
  text: TEXT, long_text: TEXT, url: TEXT, email: TEXT, phone_number: TEXT,
  number: NUMBER, rating: NUMBER.filter((f) => !f.includes("empty")), autonumber: NUMBER, count: NUMBER,
  duration: NUMBER,
  boolean: ["boolean"],
  date: ["date_is", "date_is_not", "date_is_before", "date_is_on_or_before", "date_is_after", "date_is_on_or_after", "empty", "not_empty"],
  single_select: ["single_select_equal", "single_select_not_equal", "contains", "empty", "not_empty"],
  multiple_select: ["multiple_select_has", "multiple_select_has_not", "contains", "empty", "not_empty"],
  link_row: ["link_row_has", "link_row_has_not", "link_row_contains", "empty", "not_empty"],
  file: ["filename_contains", "empty", "not_empty"],
  formula: ["contains", "equal", "empty", "not_empty"],
};
export const filtersFor = (field: Field | undefined): string[] => (field ? FILTERS[field.type] ?? ["empty", "not_empty"] : []);
const NO_VALUE = new Set(["empty", "not_empty"]);

// Date filters take "<timezone>?<value>?<operator>"; the builder offers an exact day.
function wireValue(field: Field, c: Condition): string {
  if (field.type === "date" && c.type.startsWith("date_is")) return `${Intl.DateTimeFormat().resolvedOptions().timeZone}?${c.value}?exact_date`;
  if (c.type.startsWith("single_select") || c.type.startsWith("multiple_select_has")) {
    const option = field.select_options?.find((o) => o.value === c.value);
    return option ? String(option.id) : c.value;
  }
  return c.value;
}

export function toFilterTree(fields: Field[], op: "AND" | "OR", conditions: Condition[]): string | null {
  const filters = conditions.flatMap((c) => {
    const field = fields.find((f) => f.id === c.field);
    if (!field) return [];
    return [{ field: c.field, type: c.type, value: NO_VALUE.has(c.type) ? "" : wireValue(field, c) }];
  });
  return filters.length ? JSON.stringify({ filter_type: op, filters, groups: [] }) : null;
}

// Back from a saved view's filter to the builder's condition (the reverse of wireValue).
export function fromWire(fields: Field[], f: { field: number; type: string; value: string }): Condition {
  const field = fields.find((x) => x.id === f.field);
  let value = f.value;
  if (field?.type === "date" && f.type.startsWith("date_is")) value = f.value.split("?")[1] ?? "";
  if (f.type.startsWith("single_select") || f.type.startsWith("multiple_select_has")) {
    value = field?.select_options?.find((o) => String(o.id) === f.value)?.value ?? f.value;
  }
  return { field: f.field, type: f.type, value };
}

export function wireConditions(fields: Field[], conditions: Condition[]): { field: number; type: string; value: string }[] {
  return JSON.parse(toFilterTree(fields, "AND", conditions) ?? '{"filters": []}').filters;
}

export function FilterBuilder({
  fields,
  op,
  conditions,
  onChange,
}: {
  fields: Field[];
  op: "AND" | "OR";
  conditions: Condition[];
  onChange: (op: "AND" | "OR", conditions: Condition[]) => void;
}) {
  const setOp = (o: "AND" | "OR") => onChange(o, conditions);
  const setConditions = (c: Condition[]) => onChange(op, c);
  const update = (i: number, patch: Partial<Condition>) => setConditions(conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <div class="card filters" role="group" aria-label="Filters">
      {conditions.length > 1 && (
        <label class="check">
          Match
          <select aria-label="Match all or any" value={op} onChange={(e) => setOp(e.currentTarget.value as "AND" | "OR")}>
            <option value="AND">all conditions (AND)</option>
            <option value="OR">any condition (OR)</option>
          </select>
        </label>
      )}
      {conditions.map((c, i) => {
        const field = fields.find((f) => f.id === c.field);
        return (
          <div class="filter-row" key={i}>
            <select aria-label={`Filter ${i + 1} field`} value={c.field} onChange={(e) => {
              const f = fields.find((x) => x.id === Number(e.currentTarget.value));
              update(i, { field: Number(e.currentTarget.value), type: filtersFor(f)[0], value: "" });
            }}>
              {fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
            <select aria-label={`Filter ${i + 1} type`} value={c.type} onChange={(e) => update(i, { type: e.currentTarget.value })}>
              {filtersFor(field).map((t) => (
                <option key={t} value={t}>
                  {t.replace(/_/g, " ")}
                </option>
              ))}
            </select>
            {!NO_VALUE.has(c.type) &&
              (field?.type === "boolean" ? (
                <input type="checkbox" aria-label={`Filter ${i + 1} value`} checked={c.value === "1"} onChange={(e) => update(i, { value: e.currentTarget.checked ? "1" : "0" })} />
              ) : field?.type === "single_select" || field?.type === "multiple_select" ? (
                <select aria-label={`Filter ${i + 1} value`} value={c.value} onChange={(e) => update(i, { value: e.currentTarget.value })}>
                  <option value="">—</option>
                  {(field.select_options ?? []).map((o) => (
                    <option key={o.id}>{o.value}</option>
                  ))}
                </select>
              ) : (
                <input
                  aria-label={`Filter ${i + 1} value`}
                  type={field?.type === "date" ? "date" : "text"}
                  value={c.value}
                  onInput={(e) => update(i, { value: e.currentTarget.value })}
                />
              ))}
            <button type="button" aria-label={`Remove filter ${i + 1}`} onClick={() => setConditions(conditions.filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => fields[0] && setConditions([...conditions, { field: fields[0].id, type: filtersFor(fields[0])[0], value: "" }])}
      >
        + Condition
      </button>
    </div>
  );
}

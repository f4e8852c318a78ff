// The filter builder: conditions joined by AND or OR, each a field, a filter type the field
// accepts, and a value. It produces Baserow's `filters` JSON for the list endpoint.
import { api } from "../api";
import type { Field } from "../types";

export interface Condition {
  field: number;
  type: string;
  value: string;
  group?: number; // index into the builder's groups; none: a top-level condition
}

export type Op = "AND" | "OR";

// The filter types each field accepts, exactly as the server enforces them: the database's
// OpenAPI document lists them per field (the `filters` schema of each table), so the builder
// never offers a type the API would refuse, nor misses one it takes.
export type Accepted = Map<number, string[]>;

interface SpecCondition {
  properties?: { field?: { anyOf?: { enum?: unknown[] }[] }; type?: { enum?: unknown[] } };
}
interface SpecSchema {
  properties?: { filters?: { items?: { anyOf?: SpecCondition[] } } };
}

// The usual choice for a field first (a new condition starts with it), then the rest by name.
const FIRST = [
  "boolean", "single_select_equal", "multiple_select_has", "link_row_has", "date_is", "filename_contains",
  "user_is", "multiple_collaborators_has", "contains", "equal", "higher_than", "lower_than",
];
const NUMERIC = new Set(["number", "rating", "duration", "autonumber", "count"]);
const NUMBER_FIRST = ["equal", "higher_than", "lower_than"];
function ordered(field: Field, types: string[]): string[] {
  const first = NUMERIC.has(field.type) ? NUMBER_FIRST : FIRST;
  const rank = (t: string) => (first.includes(t) ? first.indexOf(t) : first.length);
  return [...types].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export async function acceptedFilters(databaseId: number): Promise<Accepted> {
  const spec = await api.get<{ components?: { schemas?: Record<string, SpecSchema> } }>(`/api/database/${databaseId}/openapi.json`);
  const accepted: Accepted = new Map();
  for (const schema of Object.values(spec.components?.schemas ?? {})) {
    for (const c of schema.properties?.filters?.items?.anyOf ?? []) {
      const id = c.properties?.field?.anyOf?.[0]?.enum?.[0];
      const types = (c.properties?.type?.enum ?? []).filter((t): t is string => typeof t === "string");
      if (typeof id === "number") accepted.set(id, types);
    }
  }
  return accepted;
}

export const filtersFor = (field: Field | undefined, accepted: Accepted | null): string[] =>
  field ? ordered(field, accepted?.get(field.id) ?? []) : [];
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

export function wireCondition(fields: Field[], c: Condition): { field: number; type: string; value: string } | null {
  const field = fields.find((f) => f.id === c.field);
  if (!field || !c.type) return null;
  return { field: c.field, type: c.type, value: NO_VALUE.has(c.type) ? "" : wireValue(field, c) };
}

// Top-level conditions, and one level of groups, each with its own AND/OR (as Baserow's UI).
export function toFilterTree(fields: Field[], op: Op, conditions: Condition[], groupOps: Op[] = []): string | null {
  const wire = (cs: Condition[]) => cs.flatMap((c) => wireCondition(fields, c) ?? []);
  const filters = wire(conditions.filter((c) => c.group === undefined));
  const groups = groupOps
    .map((gop, g) => ({ filter_type: gop, filters: wire(conditions.filter((c) => c.group === g)), groups: [] }))
    .filter((g) => g.filters.length);
  return filters.length || groups.length ? JSON.stringify({ filter_type: op, filters, groups }) : null;
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


export function FilterBuilder({
  fields,
  accepted,
  op,
  conditions,
  groupOps,
  onChange,
}: {
  fields: Field[];
  accepted: Accepted | null; // null: not loaded yet
  op: Op;
  conditions: Condition[];
  groupOps: Op[];
  onChange: (op: Op, conditions: Condition[], groupOps: Op[]) => void;
}) {
  const setOp = (o: Op) => onChange(o, conditions, groupOps);
  const setConditions = (c: Condition[]) => onChange(op, c, groupOps);
  const fresh = (group?: number): Condition => ({ field: fields[0].id, type: filtersFor(fields[0], accepted)[0] ?? "", value: "", group });
  const update = (i: number, patch: Partial<Condition>) => setConditions(conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const row = (c: Condition, i: number) => {
        const field = fields.find((f) => f.id === c.field);
    return (
      <div class="filter-row" key={i}>
        <select aria-label={`Filter ${i + 1} field`} value={c.field} onChange={(e) => {
          const f = fields.find((x) => x.id === Number(e.currentTarget.value));
          update(i, { field: Number(e.currentTarget.value), type: filtersFor(f, accepted)[0] ?? "", value: "" });
        }}>
          {fields.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <select aria-label={`Filter ${i + 1} type`} value={c.type} onChange={(e) => update(i, { type: e.currentTarget.value })}>
          {filtersFor(field, accepted).map((t) => (
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
  };
  const top = conditions.map((c, i) => [c, i] as const).filter(([c]) => c.group === undefined);
  const removeGroup = (g: number) =>
    onChange(
      op,
      conditions.filter((c) => c.group !== g).map((c) => (c.group !== undefined && c.group > g ? { ...c, group: c.group - 1 } : c)),
      groupOps.filter((_, j) => j !== g),
    );

  return (
    <div class="card filters" role="group" aria-label="Filters">
      {top.length + groupOps.length > 1 && (
        <label class="check">
          Match
          <select aria-label="Match all or any" value={op} onChange={(e) => setOp(e.currentTarget.value as Op)}>
            <option value="AND">all conditions (AND)</option>
            <option value="OR">any condition (OR)</option>
          </select>
        </label>
      )}
      {top.map(([c, i]) => row(c, i))}
      {groupOps.map((gop, g) => (
        <fieldset class="filter-group" key={`g${g}`}>
          <legend>Group {g + 1}</legend>
          <select
            aria-label={`Group ${g + 1} match`}
            value={gop}
            onChange={(e) => onChange(op, conditions, groupOps.map((x, j) => (j === g ? (e.currentTarget.value as Op) : x)))}
          >
            <option value="AND">all of (AND)</option>
            <option value="OR">any of (OR)</option>
          </select>
          {conditions.map((c, i) => (c.group === g ? row(c, i) : null))}
          <button type="button" disabled={!accepted} onClick={() => setConditions([...conditions, fresh(g)])}>
            + Condition in group {g + 1}
          </button>
          <button type="button" onClick={() => removeGroup(g)}>
            Remove group {g + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" disabled={!accepted} onClick={() => fields[0] && setConditions([...conditions, fresh()])}>
        + Condition
      </button>
      <button type="button" disabled={!accepted} onClick={() => fields[0] && onChange(op, [...conditions, fresh(groupOps.length)], [...groupOps, "OR"])}>
        + Group
      </button>
    </div>
  );
}

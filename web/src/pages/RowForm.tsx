// A row expanded into a form: every field with a control for its type; computed fields read
// only. Saves the changed values in one PATCH; the API's errors show by their fields.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, errorText } from "../api";
import { EDITABLE, key } from "../grid/columns";
import { asText, utcToWall, zonedToUtc, zoneOf } from "../grid/format";
import type { Field, Row } from "../types";

function Control({ field, value, onChange }: { field: Field; value: unknown; onChange: (v: unknown) => void }) {
  const label = `${field.name}`;
  // files are uploaded in the grid's file editor; the form shows their names
  if (!EDITABLE.has(field.type) || field.read_only || field.type === "file")
    return <output aria-label={label}>{asText(field, value)}</output>;
  switch (field.type) {
    case "password":
      // write-only: the API says only whether one is set; typing sets a new one
      return (
        <input
          type="password"
          autocomplete="new-password"
          aria-label={label}
          placeholder={value === true ? "Set (type to replace)" : value === false ? "Blank (type to replace)" : "Not set"}
          value={typeof value === "string" ? value : ""}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      );
    case "multiple_collaborators": {
      const chosen = new Set(Array.isArray(value) ? value.map((u: { id: number }) => u.id) : []);
      return (
        <select multiple aria-label={label} onChange={(e) => onChange(Array.from(e.currentTarget.selectedOptions, (o) => ({ id: Number(o.value) })))}>
          {(field.available_collaborators ?? []).map((u) => (
            <option key={u.id} value={u.id} selected={chosen.has(u.id)}>
              {u.name}
            </option>
          ))}
        </select>
      );
    }
    case "long_text":
      return <textarea aria-label={field.long_text_enable_rich_text ? `${label} (markdown)` : label} rows={4} value={String(value ?? "")} onInput={(e) => onChange(e.currentTarget.value)} />;
    case "boolean":
      return <input type="checkbox" aria-label={label} checked={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />;
    case "number":
    case "rating":
      return <input type="number" aria-label={label} value={value === null || value === undefined ? "" : String(value)} onInput={(e) => onChange(e.currentTarget.value === "" ? null : e.currentTarget.value)} />;
    case "date":
      if (field.date_include_time) {
        return (
          <input
            type="datetime-local"
            aria-label={label}
            value={value ? utcToWall(String(value), zoneOf(field)) : ""}
            onInput={(e) => onChange(e.currentTarget.value ? zonedToUtc(e.currentTarget.value, zoneOf(field)) : null)}
          />
        );
      }
      return <input type="date" aria-label={label} value={String(value ?? "")} onInput={(e) => onChange(e.currentTarget.value || null)} />;
    case "single_select":
      return (
        <select aria-label={label} value={value && typeof value === "object" ? String((value as { id: number }).id) : ""} onChange={(e) => onChange(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
          <option value="">—</option>
          {(field.select_options ?? []).map((o) => (
            <option key={o.id} value={o.id}>
              {o.value}
            </option>
          ))}
        </select>
      );
    case "multiple_select":
    case "link_row":
      return <input aria-label={label} value={typeof value === "string" ? value : asText(field, value)} onInput={(e) => onChange(e.currentTarget.value.split(",").map((s) => s.trim()).filter(Boolean))} />;
    default:
      return <input type={field.type === "email" ? "email" : field.type === "url" ? "url" : "text"} aria-label={label} value={String(value ?? "")} onInput={(e) => onChange(e.currentTarget.value)} />;
  }
}

export function RowForm({ tableId, rowId, fields, onClose }: { tableId: number; rowId: number; fields: Field[]; onClose: (saved: boolean) => void }) {
  const [row, setRow] = useState<Row | null>(null);
  const [changes, setChanges] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    api.get<Row>(`/api/database/rows/table/${tableId}/${rowId}/`).then(setRow, (e) => setError(errorText(e)));
    dialog.current?.showModal();
  }, [rowId]);

  async function save(e: Event) {
    e.preventDefault();
    try {
      await api.patch(`/api/database/rows/table/${tableId}/${rowId}/`, changes);
      onClose(true);
    } catch (err) {
      // body validation names the fields: show each message under its control
      if (err instanceof ApiError && err.detail && typeof err.detail === "object") {
        const byField: Record<string, string> = {};
        for (const [k, v] of Object.entries(err.detail as Record<string, unknown>)) {
          byField[k] = (Array.isArray(v) ? v : [v]).map((x) => (x && typeof x === "object" && "error" in x ? String(x.error) : String(x))).join(" ");
        }
        setErrors(byField);
      }
      setError(errorText(err));
    }
  }

  return (
    <dialog ref={dialog} class="row-form" aria-label={`Row ${rowId}`} onClose={() => onClose(false)}>
      <form method="dialog" onSubmit={save}>
        <h2>Row {rowId}</h2>
        {row &&
          fields.map((f) => (
            <div class="row-form-field" key={f.id}>
              <label>
                {f.name}
                <Control field={f} value={key(f) in changes ? changes[key(f)] : row[key(f)]} onChange={(v) => setChanges({ ...changes, [key(f)]: v })} />
              </label>
              {errors[key(f)] && (
                <p class="error" role="alert">
                  {errors[key(f)]}
                </p>
              )}
            </div>
          ))}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            Save row
          </button>
          <button type="button" onClick={() => onClose(false)}>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}

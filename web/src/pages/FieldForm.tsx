// Add a field, with the options its type takes.
import { useEffect, useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { Field, Table } from "../types";
import { TYPE_ICONS } from "../grid/columns";

const TYPES: [string, string][] = [
  ["text", "Single line text"], ["long_text", "Long text"], ["number", "Number"], ["boolean", "Boolean"],
  ["date", "Date"], ["single_select", "Single select"], ["multiple_select", "Multiple select"], ["rating", "Rating"],
  ["url", "URL"], ["email", "Email"], ["phone_number", "Phone number"], ["duration", "Duration"],
  ["link_row", "Link to table"], ["file", "File"], ["formula", "Formula"], ["created_on", "Created on"],
  ["last_modified", "Last modified"], ["uuid", "UUID"], ["autonumber", "Autonumber"],
  ["multiple_collaborators", "Collaborators"], ["password", "Password"],
];
const COLORS = ["blue", "green", "orange", "red", "yellow", "purple", "brown", "gray"];
const DURATIONS = ["h:mm", "h:mm:ss", "h:mm:ss.s", "d h", "d h:mm", "d h:mm:ss"];

// Without `field` it creates one; with it, it edits that field (name, type and options).
export function FieldForm({ table, field, onDone }: { table: Table; field?: Field; onDone: (changed: boolean) => void }) {
  const [name, setName] = useState(field?.name ?? "");
  const [type, setType] = useState(field?.type ?? "text");
  const [decimals, setDecimals] = useState(field?.number_decimal_places ?? 0);
  const [negative, setNegative] = useState(field ? Boolean(field.number_negative) : true);
  const [dateFormat, setDateFormat] = useState<string>(field?.date_format ?? "ISO");
  const [includeTime, setIncludeTime] = useState(field?.date_include_time ?? false);
  const [timeFormat, setTimeFormat] = useState<string>(field?.date_time_format ?? "24");
  const [timezone, setTimezone] = useState(field?.date_force_timezone ?? "");
  const [options, setOptions] = useState<{ id?: number; value: string; color: string }[]>(field?.select_options ?? []);
  const [maxValue, setMaxValue] = useState(field?.max_value ?? 5);
  const [duration, setDuration] = useState(field?.duration_format ?? "h:mm");
  const [richText, setRichText] = useState(Boolean(field?.long_text_enable_rich_text));
  const [linkTable, setLinkTable] = useState<number | "">(field?.link_row_table_id ?? "");
  const [formula, setFormula] = useState(field?.formula ?? "");
  const [tables, setTables] = useState<Table[]>([]);
  const [error, setError] = useState("");

  useEffect(() => {
    if (type === "link_row" && !tables.length) {
      api.get<Table[]>(`/api/database/tables/database/${table.database_id}/`).then(setTables, (e) => setError(errorText(e)));
    }
  }, [type]);

  function body(): Record<string, unknown> {
    const b: Record<string, unknown> = { name, type };
    if (type === "number") Object.assign(b, { number_decimal_places: decimals, number_negative: negative });
    if (type === "date" || type === "created_on" || type === "last_modified")
      Object.assign(b, { date_format: dateFormat, date_include_time: includeTime, date_time_format: timeFormat, date_force_timezone: timezone || null });
    if (type === "single_select" || type === "multiple_select") b.select_options = options.filter((o) => o.value);
    if (type === "rating") b.max_value = maxValue;
    if (type === "long_text") b.long_text_enable_rich_text = richText;
    if (type === "duration") b.duration_format = duration;
    if (type === "link_row") b.link_row_table_id = linkTable === "" ? null : linkTable;
    if (type === "formula") b.formula = formula;
    return b;
  }

  async function submit(e: Event) {
    e.preventDefault();
    try {
      if (field) await api.patch(`/api/database/fields/${field.id}/`, body());
      else await api.post(`/api/database/fields/table/${table.id}/`, body());
      onDone(true);
    } catch (err) {
      setError(errorText(err));
    }
  }

  const dated = type === "date" || type === "created_on" || type === "last_modified";
  return (
    <form class="card field-form" onSubmit={submit} aria-label={field ? `Edit field ${field.name}` : "New field"} onKeyDown={(e) => e.key === "Escape" && onDone(false)}>
      <label>
        Field name
        <input name="field-name" value={name} onInput={(e) => setName(e.currentTarget.value)} required autoFocus />
      </label>
      <label>
        Field type
        <select name="field-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          {TYPES.map(([value, label]) => (
            <option value={value} key={value}>
              {TYPE_ICONS[value] ?? ""} {label}
            </option>
          ))}
        </select>
      </label>
      {type === "number" && (
        <>
          <label>
            Decimal places
            <input name="number-decimal-places" type="number" min={0} max={10} value={decimals} onInput={(e) => setDecimals(Number(e.currentTarget.value))} />
          </label>
          <label class="check">
            <input type="checkbox" checked={negative} onChange={(e) => setNegative(e.currentTarget.checked)} /> Allow negative numbers
          </label>
        </>
      )}
      {dated && (
        <>
          <label>
            Date format
            <select name="date-format" value={dateFormat} onChange={(e) => setDateFormat(e.currentTarget.value)}>
              <option value="EU">European (D/M/Y)</option>
              <option value="US">US (M/D/Y)</option>
              <option value="ISO">ISO (Y-M-D)</option>
            </select>
          </label>
          <label class="check">
            <input name="date-include-time" type="checkbox" checked={includeTime} onChange={(e) => setIncludeTime(e.currentTarget.checked)} /> Include time
          </label>
          {includeTime && (
            <>
              <label>
                Time format
                <select value={timeFormat} onChange={(e) => setTimeFormat(e.currentTarget.value)}>
                  <option value="24">24 hour</option>
                  <option value="12">12 hour</option>
                </select>
              </label>
              <label>
                Time zone (empty: each viewer's own)
                <input name="date-timezone" value={timezone} placeholder="Europe/Paris" onInput={(e) => setTimezone(e.currentTarget.value)} />
              </label>
            </>
          )}
        </>
      )}
      {(type === "single_select" || type === "multiple_select") && (
        <fieldset>
          <legend>Options</legend>
          {options.map((o, i) => (
            <div class="option-row" key={i}>
              <input
                aria-label={`Option ${i + 1}`}
                name={`option-${i + 1}`}
                value={o.value}
                onInput={(e) => setOptions(options.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))}
              />
              <select aria-label={`Colour of option ${i + 1}`} value={o.color} onChange={(e) => setOptions(options.map((x, j) => (j === i ? { ...x, color: e.currentTarget.value } : x)))}>
                {COLORS.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
              <button type="button" aria-label={`Remove option ${i + 1}`} onClick={() => setOptions(options.filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setOptions([...options, { value: "", color: COLORS[options.length % COLORS.length] }])}>
            + Option
          </button>
        </fieldset>
      )}
      {type === "long_text" && (
        <label class="check">
          <input type="checkbox" checked={richText} onChange={(e) => setRichText(e.currentTarget.checked)} /> Rich text (bold, italic, lists, links; kept as markdown)
        </label>
      )}
      {type === "rating" && (
        <label>
          Maximum
          <input type="number" min={1} max={10} value={maxValue} onInput={(e) => setMaxValue(Number(e.currentTarget.value))} />
        </label>
      )}
      {type === "duration" && (
        <label>
          Format
          <select value={duration} onChange={(e) => setDuration(e.currentTarget.value)}>
            {DURATIONS.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
      )}
      {type === "link_row" && (
        <label>
          Linked table
          <select name="link-table" value={String(linkTable)} onChange={(e) => setLinkTable(e.currentTarget.value ? Number(e.currentTarget.value) : "")} required>
            <option value="">Choose a table</option>
            {tables.map((t) => (
              <option value={t.id} key={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {type === "formula" && (
        <label>
          Formula
          <input name="formula" value={formula} placeholder="concat(field('Name'), '!')" onInput={(e) => setFormula(e.currentTarget.value)} required />
        </label>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          {field ? "Save field" : "Create field"}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

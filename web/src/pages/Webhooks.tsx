// The webhooks of a table: create, edit, test, activate, delete, and each one's call log.
import { useEffect, useState } from "preact/hooks";
import { api, errorText } from "../api";
import { linkClick } from "../routes";
import type { Table } from "../types";

interface Call {
  id: number;
  event_type: string;
  called_time: string;
  called_url: string;
  request: string;
  response: string;
  response_status: number | null;
  error: string;
}

interface Webhook {
  id: number;
  name: string;
  url: string;
  request_method: string;
  include_all_events: boolean;
  events: string[];
  use_user_field_names: boolean;
  active: boolean;
  failed_triggers: number;
  headers: Record<string, string>;
  calls: Call[];
}

const EVENTS = ["rows.created", "rows.updated", "rows.deleted", "field.created", "field.updated", "field.deleted", "view.created", "view.updated", "view.deleted"];
const METHODS = ["POST", "GET", "PUT", "PATCH", "DELETE"];

type Draft = Pick<Webhook, "name" | "url" | "request_method" | "include_all_events" | "events" | "use_user_field_names"> & { headers: string };
const EMPTY: Draft = { name: "", url: "", request_method: "POST", include_all_events: true, events: [], use_user_field_names: true, headers: "" };

// Headers are edited as "Name: value" lines.
function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function WebhookForm({ tableId, initial, id, onDone }: { tableId: number; initial: Draft; id?: number; onDone: () => void }) {
  const [d, setD] = useState<Draft>(initial);
  const [error, setError] = useState("");
  const [test, setTest] = useState<string>("");
  const body = () => ({ ...d, headers: parseHeaders(d.headers), events: d.include_all_events ? [] : d.events });
  const set = (patch: Partial<Draft>) => setD({ ...d, ...patch });

  return (
    <form
      class="card"
      aria-label={id ? `Edit webhook ${initial.name}` : "New webhook"}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          if (id) await api.patch(`/api/database/webhooks/${id}/`, body());
          else await api.post(`/api/database/webhooks/table/${tableId}/`, body());
          onDone();
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <label>
        Webhook name
        <input value={d.name} required onInput={(e) => set({ name: e.currentTarget.value })} />
      </label>
      <label>
        URL
        <input type="url" value={d.url} required onInput={(e) => set({ url: e.currentTarget.value })} />
      </label>
      <label>
        Method
        <select value={d.request_method} onChange={(e) => set({ request_method: e.currentTarget.value })}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        Headers (one "Name: value" a line)
        <textarea rows={2} value={d.headers} onInput={(e) => set({ headers: e.currentTarget.value })} />
      </label>
      <label class="check">
        <input type="checkbox" checked={d.use_user_field_names} onChange={(e) => set({ use_user_field_names: e.currentTarget.checked })} /> Use field names
      </label>
      <label class="check">
        <input type="checkbox" checked={d.include_all_events} onChange={(e) => set({ include_all_events: e.currentTarget.checked })} /> Send every event
      </label>
      {!d.include_all_events && (
        <fieldset>
          <legend>Events</legend>
          {EVENTS.map((ev) => (
            <label class="check" key={ev}>
              <input
                type="checkbox"
                checked={d.events.includes(ev)}
                onChange={(e) => set({ events: e.currentTarget.checked ? [...d.events, ev] : d.events.filter((x) => x !== ev) })}
              />
              {ev}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {test && <pre class="call-text">{test}</pre>}
      <div class="actions">
        <button type="submit" class="primary">
          {id ? "Save webhook" : "Create webhook"}
        </button>
        <button
          type="button"
          onClick={async () => {
            try {
              setError("");
              const r = await api.post<{ request: string; response: string; status_code: number | null; is_unreachable: boolean }>(
                `/api/database/webhooks/table/${tableId}/test-call/`,
                { url: d.url, request_method: d.request_method, headers: parseHeaders(d.headers), use_user_field_names: d.use_user_field_names, event_type: d.events[0] ?? "rows.created" },
              );
              setTest(`${r.is_unreachable ? "Unreachable" : `Status ${r.status_code}`}\n\n${r.request}\n\n${r.response}`);
            } catch (err) {
              setError(errorText(err));
            }
          }}
        >
          Test call
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function WebhooksPage({ tableId }: { tableId: number }) {
  const [table, setTable] = useState<Table | null>(null);
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [form, setForm] = useState<"new" | number | null>(null);
  const [error, setError] = useState("");

  async function load() {
    const [t, h] = await Promise.all([api.get<Table>(`/api/database/tables/${tableId}/`), api.get<Webhook[]>(`/api/database/webhooks/table/${tableId}/`)]);
    setTable(t);
    setHooks(h);
  }
  useEffect(() => {
    load().catch((e) => setError(errorText(e)));
  }, [tableId]);
  const done = () => {
    setForm(null);
    load().catch((e) => setError(errorText(e)));
  };

  return (
    <section class="webhooks-page">
      <p>
        <a href={`/table/${tableId}`} onClick={linkClick(`/table/${tableId}`)}>
          ← {table?.name ?? "Table"}
        </a>
      </p>
      <h1>Webhooks of {table?.name ?? "…"}</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {form === "new" ? (
        <WebhookForm tableId={tableId} initial={EMPTY} onDone={done} />
      ) : (
        <button type="button" class="primary" onClick={() => setForm("new")}>
          + Webhook
        </button>
      )}
      <ul class="webhook-list">
        {hooks.map((h) => (
          <li key={h.id} class="card">
            {form === h.id ? (
              <WebhookForm
                tableId={tableId}
                id={h.id}
                initial={{ ...h, headers: Object.entries(h.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n") }}
                onDone={done}
              />
            ) : (
              <>
                <h2>
                  {h.name} {h.active ? "" : <span class="error">(inactive)</span>}
                </h2>
                <p>
                  {h.request_method} {h.url} · {h.include_all_events ? "every event" : h.events.join(", ")}
                  {h.failed_triggers ? ` · ${h.failed_triggers} failed` : ""}
                </p>
                <button type="button" onClick={() => setForm(h.id)}>
                  Edit
                </button>
                <button type="button" onClick={() => api.patch(`/api/database/webhooks/${h.id}/`, { active: !h.active }).then(done, (e) => setError(errorText(e)))}>
                  {h.active ? "Deactivate" : "Activate"}
                </button>
                <button
                  type="button"
                  class="danger"
                  aria-label={`Delete webhook ${h.name}`}
                  onClick={() => window.confirm(`Delete the webhook ${h.name}?`) && api.del(`/api/database/webhooks/${h.id}/`).then(done, (e) => setError(errorText(e)))}
                >
                  Delete
                </button>
                <details>
                  <summary>Call log ({h.calls.length})</summary>
                  <ol class="calls">
                    {h.calls.map((c) => (
                      <li key={c.id}>
                        <strong>{c.event_type}</strong> · {new Date(c.called_time).toLocaleString()} · {c.response_status ?? "no answer"} {c.error}
                        <details>
                          <summary>Request and response</summary>
                          <pre class="call-text">{`${c.request}\n\n${c.response}`}</pre>
                        </details>
                      </li>
                    ))}
                  </ol>
                </details>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

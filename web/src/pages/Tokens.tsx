// Database tokens: create with per-operation grants, show the key once, rotate, revoke, expire.
import { useEffect, useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { Database, Grant, Token, Workspace } from "../types";

const OPS = ["create", "read", "update", "delete"] as const;
type Op = (typeof OPS)[number];
type Permissions = Token["permissions"];
const ALL: Permissions = { create: true, read: true, update: true, delete: true };

function PermissionsEditor({ value, databases, onChange }: { value: Permissions; databases: Database[]; onChange: (p: Permissions) => void }) {
  const mode = (g: Grant) => (g === true ? "all" : g === false || g.length === 0 ? "none" : "some");
  const has = (g: Grant, kind: string, id: number) => Array.isArray(g) && g.some(([k, i]) => k === kind && i === id);
  const toggle = (op: Op, kind: string, id: number, on: boolean) => {
    const current = Array.isArray(value[op]) ? (value[op] as [string, number][]) : [];
    const next = on ? [...current, [kind, id] as [string, number]] : current.filter(([k, i]) => !(k === kind && i === id));
    onChange({ ...value, [op]: next });
  };
  return (
    <table class="permissions">
      <caption>Permissions</caption>
      <tbody>
        {OPS.map((op) => (
          <tr key={op}>
            <th scope="row">{op}</th>
            <td>
              <select
                aria-label={`${op} permission`}
                name={`perm-${op}`}
                value={mode(value[op])}
                onChange={(e) => {
                  const m = e.currentTarget.value;
                  onChange({ ...value, [op]: m === "all" ? true : m === "none" ? false : [] });
                }}
              >
                <option value="all">All tables</option>
                <option value="none">Nothing</option>
                <option value="some">Chosen databases and tables</option>
              </select>
              {mode(value[op]) === "some" || Array.isArray(value[op]) ? (
                <ul class="grant-list">
                  {databases.map((db) => (
                    <li key={db.id}>
                      <label class="check">
                        <input type="checkbox" checked={has(value[op], "database", db.id)} onChange={(e) => toggle(op, "database", db.id, e.currentTarget.checked)} />
                        Database {db.name}
                      </label>
                      <ul>
                        {db.tables.map((t) => (
                          <li key={t.id}>
                            <label class="check">
                              <input type="checkbox" checked={has(value[op], "table", t.id)} onChange={(e) => toggle(op, "table", t.id, e.currentTarget.checked)} />
                              {op} {t.name}
                            </label>
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function KeyOnce({ token, onClose }: { token: Token; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="card key-once" role="status">
      <p>
        The key of <strong>{token.name}</strong>. Copy it now: it is shown only this once.
      </p>
      <code class="token-key" data-token-id={token.id}>
        {token.key}
      </code>
      <button
        type="button"
        onClick={async () => {
          await navigator.clipboard?.writeText(token.key).catch(() => undefined);
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy key"}
      </button>
      <button type="button" onClick={onClose}>
        Done
      </button>
    </div>
  );
}

export function TokensPage() {
  const [tokens, setTokens] = useState<Token[]>([]);
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [databases, setDatabases] = useState<Database[]>([]);
  const [name, setName] = useState("");
  const [workspace, setWorkspace] = useState<number | "">("");
  const [expires, setExpires] = useState("");
  const [permissions, setPermissions] = useState<Permissions>(ALL);
  const [shown, setShown] = useState<Token | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState("");

  async function load() {
    const [t, w, a] = await Promise.all([
      api.get<Token[]>("/api/database/tokens/?include_usage=true"),
      api.get<Workspace[]>("/api/workspaces/"),
      api.get<Database[]>("/api/applications/"),
    ]);
    setTokens(t);
    setWorkspaces(w);
    setDatabases(a.filter((d) => d.type === "database"));
    if (workspace === "" && w.length) setWorkspace(w[0].id);
  }
  useEffect(() => {
    load().catch((e) => setError(errorText(e)));
  }, []);

  const run = (f: () => Promise<unknown>) => async (e?: Event) => {
    e?.preventDefault();
    try {
      setError("");
      await f();
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const create = run(async () => {
    let token = await api.post<Token>("/api/database/tokens/", {
      name,
      workspace,
      ...(expires ? { expires_at: new Date(expires).toISOString() } : {}),
    });
    if (JSON.stringify(permissions) !== JSON.stringify(ALL)) {
      token = await api.patch<Token>(`/api/database/tokens/${token.id}/`, { permissions });
    }
    setShown(token);
    setName("");
    setExpires("");
    setPermissions(ALL);
  });

  const inWorkspace = (ws: number | "") => databases.filter((d) => d.workspace.id === ws);
  return (
    <section class="tokens-page">
      <h1>Database tokens</h1>
      <p>A token lets a program read or write rows with the REST API, limited to what you grant here.</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {shown && <KeyOnce token={shown} onClose={() => setShown(null)} />}
      <form class="card" onSubmit={create} aria-label="New token">
        <h2>New token</h2>
        <label>
          Token name
          <input name="token-name" value={name} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Workspace
          <select name="token-workspace" value={String(workspace)} onChange={(e) => setWorkspace(Number(e.currentTarget.value))} required>
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires (optional)
          <input name="token-expires" type="datetime-local" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>
        <PermissionsEditor value={permissions} databases={inWorkspace(workspace)} onChange={setPermissions} />
        {/* until the workspaces have loaded there is none to create it in */}
        <button type="submit" class="primary" disabled={workspace === ""}>
          Create token
        </button>
      </form>
      <ul class="token-list">
        {tokens.map((t) => (
          <li key={t.id} class="card" data-token-id={t.id}>
            <h2>{t.name}</h2>
            <p>
              Workspace {workspaces.find((w) => w.id === t.workspace)?.name ?? t.workspace}
              {t.expires_at ? ` · expires ${new Date(t.expires_at).toLocaleString()}` : ""}
            </p>
            <p class="grants">
              {OPS.map((op) => `${op}: ${t.permissions[op] === true ? "all" : t.permissions[op] === false ? "none" : "some"}`).join(" · ")}
            </p>
            {editing === t.id ? (
              <TokenEdit token={t} databases={inWorkspace(t.workspace)} onSave={(p) => run(() => api.patch(`/api/database/tokens/${t.id}/`, { permissions: p }).then(() => setEditing(null)))()} />
            ) : (
              <button type="button" onClick={() => setEditing(t.id)}>
                Edit permissions
              </button>
            )}
            <button type="button" onClick={run(async () => setShown(await api.patch<Token>(`/api/database/tokens/${t.id}/`, { rotate_key: true })))}>
              Rotate key
            </button>
            <button
              type="button"
              class="danger"
              aria-label={`Revoke ${t.name}`}
              onClick={run(async () => {
                if (window.confirm(`Revoke the token ${t.name}? Programs using it stop working at once.`)) await api.del(`/api/database/tokens/${t.id}/`);
              })}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function TokenEdit({ token, databases, onSave }: { token: Token; databases: Database[]; onSave: (p: Permissions) => void }) {
  const [p, setP] = useState<Permissions>(token.permissions);
  return (
    <div>
      <PermissionsEditor value={p} databases={databases} onChange={setP} />
      <button type="button" class="primary" onClick={() => onSave(p)}>
        Save permissions
      </button>
    </div>
  );
}

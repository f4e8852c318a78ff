// Workspaces → databases → tables: list, create, rename, delete.
import { useEffect, useState } from "preact/hooks";
import { api, errorText } from "../api";
import { linkClick, navigate, type Route } from "../routes";
import type { Database, Table, Workspace } from "../types";
import { dragToReorder, reorder } from "./dragList";
import { InlineName, NewItem } from "./inline";

export function Sidebar({ route, version, onNavigate }: { route: Route; version: number; onNavigate: () => void }) {
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [databases, setDatabases] = useState<Database[]>([]);
  const [error, setError] = useState("");

  async function load() {
    try {
      const [ws, apps] = await Promise.all([api.get<Workspace[]>("/api/workspaces/"), api.get<Database[]>("/api/applications/")]);
      setWorkspaces(ws);
      setDatabases(apps.filter((a) => a.type === "database"));
      setError("");
    } catch (e) {
      setError(errorText(e));
    }
  }
  useEffect(() => {
    void load();
  }, [version]);

  // every change reloads the tree from the API: what the sidebar shows is what the server has
  const act = (f: () => Promise<unknown>) => async () => {
    try {
      await f();
      await load();
    } catch (e) {
      setError(errorText(e));
      throw e;
    }
  };
  const confirmDelete = (what: string, path: string, after?: () => void) => async () => {
    if (!window.confirm(`Delete ${what}? It goes to the trash, where it can be restored until the trash is emptied.`)) return;
    await act(() => api.del(path))();
    after?.();
  };
  // the new order of ids with one moved by a step, or null at either end
  const moved = (ids: number[], id: number, by: -1 | 1): number[] | null => {
    const i = ids.indexOf(id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= ids.length) return null;
    const next = [...ids];
    [next[i], next[j]] = [next[j], next[i]];
    return next;
  };
  const openTable = route.page === "table" || route.page === "webhooks" ? route.tableId : null;

  return (
    <nav class="sidebar" aria-label="Workspaces">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="tree">
        {workspaces.map((ws) => (
          <li key={ws.id} class="workspace">
            <InlineName
              label={`workspace ${ws.name}`}
              name={ws.name}
              onRename={(name) => act(() => api.patch(`/api/workspaces/${ws.id}/`, { name }))()}
              onMove={async (by) => {
                const ids = moved(workspaces.map((x) => x.id), ws.id, by);
                if (ids) await act(() => api.post("/api/workspaces/order/", { workspaces: ids }))();
              }}
              onDelete={confirmDelete(`workspace ${ws.name}`, `/api/workspaces/${ws.id}/`)}
            />
            <ul>
              {databases
                .filter((db) => db.workspace.id === ws.id)
                .map((db, _i, inWorkspace) => (
                  <li key={db.id} class="database">
                    <InlineName
                      label={`database ${db.name}`}
                      name={db.name}
                      onRename={(name) => act(() => api.patch(`/api/applications/${db.id}/`, { name }))()}
                      onMove={async (by) => {
                        const ids = moved(inWorkspace.map((x) => x.id), db.id, by);
                        if (ids) await act(() => api.post(`/api/applications/workspace/${ws.id}/order/`, { application_ids: ids }))();
                      }}
                      onDelete={confirmDelete(`database ${db.name}`, `/api/applications/${db.id}/`, () => {
                        if (db.tables.some((t) => t.id === openTable)) navigate("/");
                      })}
                      extra={
                        <a class="docs-link" href={`/api-docs/database/${db.id}`} target="_blank" rel="noopener" title={`API docs of ${db.name}`}>
                          API docs
                        </a>
                      }
                    />
                    <ul>
                      {[...db.tables]
                        .sort((a, b) => a.order - b.order || a.id - b.id)
                        .map((t: Table, _i, sorted) => (
                          <li
                            key={t.id}
                            class={`table ${t.id === openTable ? "active" : ""}`}
                            data-drag-item
                            title="Drag to reorder"
                            onDragStart={(e) => e.preventDefault()} // the pointer drag, not the link's
                            onPointerDown={(e) =>
                              dragToReorder(e, (from, to) => {
                                const ids = reorder(sorted.map((x) => x.id), from, to);
                                void act(() => api.post(`/api/database/tables/database/${db.id}/order/`, { table_ids: ids }))().catch(() => undefined);
                              })
                            }
                          >
                            <InlineName
                              label={`table ${t.name}`}
                              name={t.name}
                              href={`/table/${t.id}`}
                              onOpen={(e) => {
                                linkClick(`/table/${t.id}`)(e);
                                onNavigate();
                              }}
                              onRename={(name) => act(() => api.patch(`/api/database/tables/${t.id}/`, { name }))()}
                              onMove={async (by) => {
                                const ids = moved(sorted.map((x) => x.id), t.id, by);
                                if (ids) await act(() => api.post(`/api/database/tables/database/${db.id}/order/`, { table_ids: ids }))();
                              }}
                              onDelete={confirmDelete(`table ${t.name}`, `/api/database/tables/${t.id}/`, () => {
                                if (t.id === openTable) navigate("/");
                              })}
                            />
                          </li>
                        ))}
                      <li>
                        <NewItem
                          label="Add table"
                          placeholder="Table name"
                          onCreate={async (name) => {
                            const t = await api.post<Table>(`/api/database/tables/database/${db.id}/`, { name });
                            await load();
                            navigate(`/table/${t.id}`);
                          }}
                        />
                      </li>
                    </ul>
                  </li>
                ))}
              <li>
                <NewItem
                  label="Add database"
                  placeholder="Database name"
                  onCreate={(name) => act(() => api.post(`/api/applications/workspace/${ws.id}/`, { name, type: "database" }))()}
                />
              </li>
            </ul>
          </li>
        ))}
      </ul>
      <NewItem label="Add workspace" placeholder="Workspace name" onCreate={(name) => act(() => api.post("/api/workspaces/", { name }))()} />
      <p class="sidebar-foot">
        <a href="/tokens" onClick={linkClick("/tokens")}>
          Database tokens
        </a>
      </p>
    </nav>
  );
}

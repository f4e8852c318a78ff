// The signed-in frame: sidebar of workspaces → databases → tables, and the page itself.
import { useState } from "preact/hooks";
import { api } from "../api";
import { session } from "../session";
import { linkClick, navigate, type Route } from "../routes";
import { Sidebar } from "./Sidebar";
import { TablePage } from "./TablePage";
import { TokensPage } from "./Tokens";
import { WebhooksPage } from "./Webhooks";

export function Layout({ route }: { route: Route }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const [treeVersion, setTreeVersion] = useState(0);

  async function logOut() {
    const refresh = session.refresh;
    // the server forgets the refresh token too, so a copy of it is useless afterwards
    if (refresh) await api.post("/api/user/token-blacklist/", { refresh_token: refresh }).catch(() => undefined);
    session.clear();
    navigate("/login", true);
  }

  return (
    <div class={`layout ${menuOpen ? "menu-open" : ""}`}>
      <header class="topbar">
        <button type="button" class="menu-toggle" aria-label="Toggle sidebar" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
          ☰
        </button>
        <a href="/" class="brand" onClick={linkClick("/")}>
          gridbase
        </a>
        <nav aria-label="Account">
          <a href="/tokens" onClick={linkClick("/tokens")}>
            Database tokens
          </a>
          <span class="user-name">{session.user?.first_name}</span>
          <button type="button" onClick={logOut}>
            Log out
          </button>
        </nav>
      </header>
      <Sidebar route={route} version={treeVersion} onNavigate={() => setMenuOpen(false)} />
      <main class="content">
        {route.page === "table" && <TablePage key={route.tableId} tableId={route.tableId} onTreeChange={() => setTreeVersion((v) => v + 1)} />}
        {route.page === "tokens" && <TokensPage />}
        {route.page === "home" && (
          <section class="empty-state">
            <h1>Welcome, {session.user?.first_name}</h1>
            <p>Create a workspace, a database and a table in the sidebar, then open the table.</p>
          </section>
        )}
        {route.page === "webhooks" && <WebhooksPage key={route.tableId} tableId={route.tableId} />}
      </main>
    </div>
  );
}

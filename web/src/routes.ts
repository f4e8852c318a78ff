// Client routes. gridbase/api/webapp.py serves the app on each of these paths, so keep the
// two lists in step.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { page: "home" }
  | { page: "login" }
  | { page: "signup" }
  | { page: "tokens" }
  | { page: "table"; tableId: number }
  | { page: "webhooks"; tableId: number };

export function parse(path: string): Route {
  let m: RegExpMatchArray | null;
  if (path === "/login") return { page: "login" };
  if (path === "/signup") return { page: "signup" };
  if (path === "/tokens") return { page: "tokens" };
  if ((m = path.match(/^\/table\/(\d+)$/))) return { page: "table", tableId: Number(m[1]) };
  if ((m = path.match(/^\/table\/(\d+)\/webhooks$/))) return { page: "webhooks", tableId: Number(m[1]) };
  return { page: "home" };
}

const listeners = new Set<() => void>();

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  for (const l of listeners) l();
}

window.addEventListener("popstate", () => {
  for (const l of listeners) l();
});

export function useRoute(): Route {
  const [route, setRoute] = useState(parse(location.pathname));
  useEffect(() => {
    const l = () => setRoute(parse(location.pathname));
    listeners.add(l);
    l(); // a navigation may have happened before this effect ran
    return () => listeners.delete(l);
  }, []);
  return route;
}

// An <a> that routes inside the app instead of reloading the page.
export function linkClick(path: string) {
  return (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(path);
  };
}

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./styles.css";
import { session } from "./session";
import { navigate, useRoute } from "./routes";
import { AuthPage } from "./pages/Auth";
import { Layout } from "./pages/Layout";

function App() {
  const route = useRoute();
  const [, setVersion] = useState(0);
  const [ready, setReady] = useState(session.refresh === null);
  useEffect(() => session.onChange(() => setVersion((v) => v + 1)), []);
  useEffect(() => {
    // a reload: the refresh token kept in localStorage gets a new access token
    if (!ready) void session.renew().finally(() => setReady(true));
  }, []);
  if (!ready) return <p class="loading">Loading…</p>;
  if (!session.user) {
    if (route.page !== "login" && route.page !== "signup") {
      queueMicrotask(() => navigate("/login", true));
      return null;
    }
    return <AuthPage mode={route.page} />;
  }
  if (route.page === "login" || route.page === "signup") {
    queueMicrotask(() => navigate("/", true));
    return null;
  }
  return <Layout route={route} />;
}

render(<App />, document.getElementById("app")!);

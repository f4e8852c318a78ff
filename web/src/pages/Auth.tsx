// Sign up and log in.
import { useState } from "preact/hooks";
import { errorText, request } from "../api";
import { session, type User } from "../session";
import { linkClick, navigate } from "../routes";

interface AuthAnswer {
  access_token: string;
  refresh_token: string;
  user: User;
}

export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const answer = signup
        ? await request<AuthAnswer>("POST", "/api/user/", { name, email, password, authenticate: true }, false)
        : await request<AuthAnswer>("POST", "/api/user/token-auth/", { email, password }, false);
      session.accept(answer);
      navigate("/", true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="auth">
      <form class="card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{signup ? "Create an account" : "Log in to gridbase"}</h1>
        {signup && (
          <label>
            Name
            <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required minLength={2} autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required autoComplete="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
            minLength={8}
            autoComplete={signup ? "new-password" : "current-password"}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {signup ? "Sign up" : "Log in"}
        </button>
        <p>
          {signup ? (
            <a href="/login" onClick={linkClick("/login")}>
              Already have an account? Log in
            </a>
          ) : (
            <a href="/signup" onClick={linkClick("/signup")}>
              No account yet? Sign up
            </a>
          )}
        </p>
      </form>
    </main>
  );
}

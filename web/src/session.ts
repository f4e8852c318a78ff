// The signed-in user's JWTs. The refresh token is kept in localStorage so a reload stays
// signed in; the short-lived access token is renewed from it.
export interface User {
  id: number;
  first_name: string;
  username: string;
}

interface AuthAnswer {
  access_token: string;
  refresh_token?: string;
  user: User;
}

const KEY = "gridbase.refresh_token";
type Listener = () => void;

class Session {
  access: string | null = null;
  refresh: string | null = localStorage.getItem(KEY);
  user: User | null = null;
  private listeners = new Set<Listener>();
  private renewing: Promise<boolean> | null = null;

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  accept(answer: AuthAnswer): void {
    this.access = answer.access_token;
    if (answer.refresh_token) {
      this.refresh = answer.refresh_token;
      localStorage.setItem(KEY, answer.refresh_token);
    }
    this.user = answer.user;
    this.changed();
  }

  // One renewal at a time: concurrent 401s share it.
  renew(): Promise<boolean> {
    if (!this.refresh) return Promise.resolve(false);
    this.renewing ??= fetch("/api/user/token-refresh/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: this.refresh }),
    })
      .then(async (r) => {
        if (!r.ok) {
          this.clear();
          return false;
        }
        this.accept((await r.json()) as AuthAnswer);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  clear(): void {
    this.access = null;
    this.refresh = null;
    this.user = null;
    localStorage.removeItem(KEY);
    this.changed();
  }
}

export const session = new Session();

// The one door to the server: every call goes through the public REST API with the
// session's JWT, refreshed once on an expired access token.
import { session } from "./session";

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    public detail: unknown,
  ) {
    super(describeDetail(code, detail));
  }
}

// Baserow's error details are a string, or {key: [{error, code}]} for body validation.
function describeDetail(code: string, detail: unknown): string {
  if (typeof detail === "string") return detail;
  if (detail && typeof detail === "object") {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(detail as Record<string, unknown>)) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        const text =
          typeof item === "string"
            ? item
            : item && typeof item === "object" && "error" in item
              ? String((item as { error: unknown }).error)
              : JSON.stringify(item);
        parts.push(key === "non_field_errors" || key === "detail" ? text : `${key}: ${text}`);
      }
    }
    if (parts.length) return parts.join(" ");
  }
  return code || "The request failed.";
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

async function send(method: Method, path: string, body?: unknown, auth = true): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined && !(body instanceof FormData)) headers["Content-Type"] = "application/json";
  if (auth && session.access) headers.Authorization = `JWT ${session.access}`;
  return fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
  });
}

export async function request<T>(method: Method, path: string, body?: unknown, auth = true): Promise<T> {
  let response = await send(method, path, body, auth);
  if (auth && response.status === 401 && session.refresh) {
    const copy = response.clone();
    const code = await copy.json().then((b) => b?.error, () => "");
    if (code === "ERROR_INVALID_ACCESS_TOKEN" && (await session.renew())) {
      response = await send(method, path, body, auth);
    }
  }
  if (response.status === 204) return undefined as T;
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const d = (data ?? {}) as { error?: string; detail?: unknown };
    if (response.status === 401 && auth && d.error === "ERROR_INVALID_ACCESS_TOKEN") session.clear();
    throw new ApiError(response.status, d.error ?? `HTTP ${response.status}`, d.detail ?? data);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  del: (path: string) => request<void>("DELETE", path),
};

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// The one way the UI talks to the server: JSON over /api with the tenant admin key as a Bearer token.
// Errors arrive as problem+json and become ApiError (status, stable code, per-field errors with JSON pointers).
// A 401 anywhere ends the session: the key is dropped and the app returns to sign-in.

export interface FieldError {
  pointer: string;
  message: string;
  in?: string;
}

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail || problem.title || `The server answered ${status}`);
    this.name = 'ApiError';
  }
  get code(): string {
    return this.problem.code ?? '';
  }
  get errors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const KEY = 'bookflow.adminKey';
type SessionListener = (reason: 'signed-in' | 'signed-out' | 'expired') => void;
const listeners = new Set<SessionListener>();

/** The key lives in sessionStorage: it survives reloads but not the browser session. */
export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn(key: string): void {
    sessionStorage.setItem(KEY, key);
    listeners.forEach((l) => l('signed-in'));
  },
  signOut(reason: 'signed-out' | 'expired' = 'signed-out'): void {
    sessionStorage.removeItem(KEY);
    listeners.forEach((l) => l(reason));
  },
  subscribe(l: SessionListener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export interface RequestOptions {
  signal?: AbortSignal;
  /** Use this key instead of the session's (sign-in checks a key before keeping it). */
  key?: string;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const key = opts.key ?? session.key();
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: opts.signal,
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    const problem: Problem = parsed && typeof parsed === 'object'
      ? { status: res.status, ...(parsed as Record<string, unknown>) }
      : { status: res.status, detail: typeof parsed === 'string' ? parsed.slice(0, 300) : res.statusText };
    if (res.status === 401 && !opts.key) session.signOut('expired');
    throw new ApiError(res.status, problem);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/** Builds a query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Every item of a paged list, up to `max` (pickers and name lookups; lists on screen page on demand). */
export async function listAll<T>(path: string, max = 2000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await api.get<Page<T>>(`${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

export const errorMessage = (err: unknown): string =>
  err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);

// Loading data for a screen: { data, error, loading, reload }, with stale answers ignored.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type FieldError, type Page } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; `quiet` keeps the current data on screen (polling, after an action). */
  reload(opts?: { quiet?: boolean }): void;
  /** Changes the data on screen at once (after an action whose answer says what it now is). */
  mutate(fn: (data: T) => T): void;
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], opts: { pollMs?: number } = {}): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const quiet = useRef(false);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    const ctrl = new AbortController();
    if (!quiet.current) setLoading(true);
    quiet.current = false;
    loader.current(ctrl.signal).then(
      (d) => {
        if (ctrl.signal.aborted) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (err) => {
        if (ctrl.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  const reload = useCallback((o: { quiet?: boolean } = {}) => {
    quiet.current = Boolean(o.quiet);
    setTick((t) => t + 1);
  }, []);

  useEffect(() => {
    if (!opts.pollMs) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload({ quiet: true });
    }, opts.pollMs);
    return () => window.clearInterval(timer);
  }, [opts.pollMs, reload]);

  const mutate = useCallback((fn: (d: T) => T) => setData((d) => (d === undefined ? d : fn(d))), []);

  return { data, error, loading, reload, mutate };
}

/** A value that follows `value` after it stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

export interface PagedList<T> {
  /** The first page (reloaded by `reload`) followed by the pages "Load more" fetched. */
  items: T[];
  /** The first page's load state. */
  first: Loaded<Page<T>>;
  /** Whether there is a page after the last one loaded. */
  hasMore: boolean;
  /** Fetches the next page. */
  more(): Promise<void>;
}

/**
 * A cursor-paged API list (`{ items, nextCursor }`) on screen: the first page of `path` (which carries its own query,
 * `limit` included), and further pages on demand. A new `path` starts over.
 */
export function usePagedList<T>(path: string): PagedList<T> {
  const [extra, setExtra] = useState<{ items: T[]; cursor: string | null } | null>(null);
  const first = useLoad(async (signal) => {
    setExtra(null);
    return api.get<Page<T>>(path, { signal });
  }, [path]);
  const cursor = extra ? extra.cursor : first.data?.nextCursor ?? null;
  const more = async () => {
    if (!cursor) return;
    const p = await api.get<Page<T>>(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
    setExtra((e) => ({ items: [...(e?.items ?? []), ...p.items], cursor: p.nextCursor }));
  };
  return { items: [...(first.data?.items ?? []), ...(extra?.items ?? [])], first, hasMore: Boolean(cursor), more };
}

export interface Save {
  /** True while a save runs. */
  busy: boolean;
  /** What the last save failed with (for an ErrorBanner), or null. */
  error: unknown;
  /** The server's per-field errors of the last save, to show at their fields. */
  errors: FieldError[];
  /** Runs `fn` as the save: clears the last errors first, keeps the new ones; resolves to undefined when it failed. */
  run<T>(fn: () => Promise<T>): Promise<T | undefined>;
}

/** A form's save: busy while it runs, and the error and per-field errors it failed with. */
export function useSave(): Save {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setErrors([]);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.errors);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, errors, run };
}

// Coalescing: the same statement asked for by many jobs running at once goes to Postgres as one multi-row
// statement. A worker runs several jobs concurrently, and they tend to reach the same step together (they start
// together and wait on the same database); each round trip costs both processes a wake-up and Postgres a
// transaction commit, so eight claims of eight steps in one statement cost little more than one.
//
// Built on DataLoader (its batching, without its cache: every call is a fresh read or write). Calls made while the
// event loop is busy are collected until it turns (setImmediate), then flushed in one statement.
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';

/** Items one statement carries at most. */
const MAX_BATCH = 100;

/**
 * Returns a function that adds `key` to the next flush and resolves with its result. `flush` gets the keys of one
 * flush and returns one result per key, in order. One statement is atomic, so a flush that fails wrote nothing: each
 * key is then flushed alone, and only a key that fails on its own rejects (one bad item never fails the others).
 */
export function coalesce<K, V>(flush: (keys: readonly K[]) => Promise<V[]>): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V>(async (keys) => {
    try {
      return await flush(keys);
    } catch (err) {
      if (keys.length === 1) throw err;
      return Promise.all(keys.map((k) => flush([k]).then((r) => r[0], (e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    }
  }, { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) });
  return (key) => loader.load(key);
}

/** One value per data source (a coalescer is bound to one database), made on first use. */
export function perDataSource<T>(make: (ds: DataSource) => T): (ds: DataSource) => T {
  const made = new WeakMap<DataSource, T>();
  return (ds) => {
    let v = made.get(ds);
    if (v === undefined) {
      v = make(ds);
      made.set(ds, v);
    }
    return v;
  };
}

/**
 * The parameters of a multi-row statement: one array per field, for `unnest($1::text[], $2::int[], ...)`. Arrays, not
 * a JSON list: the planner knows how many rows unnest() yields (a JSON record set counts as 100), so it looks each
 * row up by its key instead of scanning the table to hash-join it.
 */
export const columns = <T>(items: readonly T[], fields: ((item: T) => unknown)[]): unknown[][] => fields.map((f) => items.map(f));

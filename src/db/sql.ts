import { DataSource, type EntityManager } from 'typeorm';
import type { Queryable } from './data-source.js';

/**
 * Runs one statement and returns its rows. TypeORM's `query` answers UPDATE/DELETE with [rows, count];
 * the query runner's structured result gives rows for every statement.
 */
export async function rows<T = Record<string, unknown>>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const own = db instanceof DataSource ? undefined : db.queryRunner;
  if (own) return (await own.query(sql, params, true)).records as T[];
  const ds = db instanceof DataSource ? db : db.dataSource;
  const runner = ds.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).records as T[];
  } finally {
    await runner.release();
  }
}

export async function one<T = Record<string, unknown>>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(db, sql, params))[0];
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs `fn` in one transaction. Deadlocks and serialization failures are retried a bounded number of times
 * (with a little jitter), never surfaced to the client as a 500.
 */
export async function transaction<T>(ds: DataSource, fn: (tx: EntityManager) => Promise<T>, opts: { attempts?: number } = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(fn);
    } catch (err) {
      const code = pgCode(err);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/** The SQLSTATE of a Postgres error, also when TypeORM wrapped it. */
export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

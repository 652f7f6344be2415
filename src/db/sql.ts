import type { PoolClient } from 'pg';
import { DataSource, QueryRunnerAlreadyReleasedError, type EntityManager } from 'typeorm';
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

/**
 * One statement on the connection of `db` (the transaction's own, or one from the pool), its rows as arrays with
 * the name of every column. For a join that selects `x.*` of several tables: their column names collide, and an
 * array row keeps them apart while every value is parsed exactly as `SELECT *` would parse it.
 */
export async function arrayRows(db: Queryable, text: string, values: unknown[]): Promise<{ names: string[]; rows: unknown[][] }> {
  const own = db instanceof DataSource ? undefined : db.queryRunner;
  // As the runner's own query() does: a transaction whose connection died must not go on without it.
  if (own?.isReleased) throw new QueryRunnerAlreadyReleasedError();
  const runner = own ?? (db instanceof DataSource ? db : db.dataSource).createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    const r = await client.query<unknown[]>({ text, values, rowMode: 'array' });
    return { names: r.fields.map((f) => f.name), rows: r.rows };
  } finally {
    if (!own) await runner.release();
  }
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs `fn` (one transaction, or one statement: its own implicit transaction) again after a deadlock or a
 * serialization failure, a bounded number of times with a little jitter; any other error goes to the caller.
 */
export async function retryConflicts<T>(fn: () => Promise<T>, opts: { attempts?: number } = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = pgCode(err);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/**
 * Runs `fn` in one transaction. Deadlocks and serialization failures are retried a bounded number of times
 * (with a little jitter), never surfaced to the client as a 500.
 */
export async function transaction<T>(ds: DataSource, fn: (tx: EntityManager) => Promise<T>, opts: { attempts?: number } = {}): Promise<T> {
  return retryConflicts(() => ds.transaction(fn), opts);
}

/** The SQLSTATE of a Postgres error, also when TypeORM wrapped it. */
export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

const UNAVAILABLE_SQLSTATES = /^(57P0[123]|08...|53300)$/; // shutdown, cannot connect now, connection exception, too many connections

/** The database went away (restart, failover, network): retry later; nothing was committed by the failed call. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown; name?: unknown };
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  return UNAVAILABLE_SQLSTATES.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)
    || /Connection terminated|terminating connection|Client has encountered a connection error/i.test(String(e?.message ?? ''))
    // TypeORM releases a transaction's query runner when its connection dies; the transaction's next query then
    // fails with this instead of the connection error (the transaction never committed).
    || e?.name === 'QueryRunnerAlreadyReleasedError';
}

/**
 * Retries `fn` while the database is unavailable, for up to `maxMs` (60 s). For writes that record what already
 * happened outside (a message was sent): losing them would make a retry send it again.
 */
export async function whileDatabaseAway<T>(fn: () => Promise<T>, maxMs = 60_000): Promise<T> {
  const deadline = Date.now() + maxMs;
  for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await fn();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

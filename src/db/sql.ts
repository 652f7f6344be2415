import { createHash } from 'node:crypto';
import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import { DataSource, QueryRunnerAlreadyReleasedError, type EntityManager } from 'typeorm';
import type { Queryable } from './data-source.js';

/**
 * Statements run through `rows`/`one` are prepared once per connection under a name derived from their text, so
 * Postgres parses and plans them once instead of on every call: for the engine's and the booking path's larger
 * statements, planning cost more than running them. The names are process-wide and capped, so a connection never
 * holds more than PREPARED_MAX of them whatever SQL is built at run time; past the cap statements run unnamed.
 *
 * A prepared statement keeps the row type it was prepared with: if a migration run by another process changes a
 * table that a `SELECT *` reads, Postgres refuses it ("cached plan must not change result type"). That statement
 * then runs unnamed for the rest of the process's life; the failed call is retried at once outside a transaction,
 * and inside one by `retryConflicts` (which re-runs the transaction).
 */
const PREPARED_MAX = 500;
/** SQL text -> its statement name; null once it went stale (it then runs unnamed). */
const preparedNames = new Map<string, string | null>();

function statementName(text: string): string | undefined {
  const known = preparedNames.get(text);
  if (known !== undefined) return known ?? undefined;
  if (preparedNames.size >= PREPARED_MAX) return undefined;
  const name = `bf_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
  preparedNames.set(text, name);
  return name;
}

const isStaleStatement = (err: unknown) => pgCode(err) === '0A000' && /cached plan must not change result type/.test(String((err as Error)?.message));

/**
 * Runs one statement on the transaction's connection, or on one from the pool, prepared (see above). The query
 * runner gives the connection; the statement goes to it directly.
 */
async function run(db: Queryable, text: string, values: unknown[], rowMode?: 'array'): Promise<QueryResult> {
  const own = db instanceof DataSource ? undefined : db.queryRunner;
  // As the runner's own query() does: a transaction whose connection died must not go on without it.
  if (own?.isReleased) throw new QueryRunnerAlreadyReleasedError();
  const runner = own ?? (db instanceof DataSource ? db : db.dataSource).createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    const name = statementName(text);
    // rowMode is not in QueryConfig's type, though pg reads it from any query config
    const config = (named: string | undefined) => ({ name: named, text, values, ...(rowMode ? { rowMode } : {}) }) as QueryConfig;
    try {
      return await client.query(config(name));
    } catch (err) {
      if (!name || !isStaleStatement(err)) throw err;
      preparedNames.set(text, null);
      if (own) throw err;
      return await client.query(config(undefined));
    }
  } finally {
    if (!own) await runner.release();
  }
}

/** Runs one statement and returns its rows (for every statement, UPDATE and DELETE ... RETURNING included). */
export async function rows<T = Record<string, unknown>>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await run(db, sql, params)).rows as T[];
}

export async function one<T = Record<string, unknown>>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(db, sql, params))[0];
}

/**
 * One statement, its rows as arrays with the name of every column. For a join that selects `x.*` of several
 * tables: their column names collide, and an array row keeps them apart while every value is parsed exactly as
 * `SELECT *` would parse it.
 */
export async function arrayRows(db: Queryable, text: string, values: unknown[]): Promise<{ names: string[]; rows: unknown[][] }> {
  const r = await run(db, text, values, 'array');
  return { names: r.fields.map((f) => f.name), rows: r.rows as unknown[][] };
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs `fn` (one transaction, or one statement: its own implicit transaction) again after a deadlock, a
 * serialization failure or a prepared statement gone stale (see `rows`), a bounded number of times with a little
 * jitter; any other error goes to the caller.
 */
export async function retryConflicts<T>(fn: () => Promise<T>, opts: { attempts?: number } = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = pgCode(err);
      if (!code || !(RETRYABLE.has(code) || isStaleStatement(err)) || attempt >= attempts) throw err;
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

import { DataSource, type EntityManager } from 'typeorm';
import { Logger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import { migrations } from '../../migrations/index.js';

/** Anything that can run a query: the data source itself or a transaction's manager. */
export type Queryable = DataSource | EntityManager;

export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'bookflow_migrations',
    migrationsRun: false,
    logging: false,
    poolSize: opts.poolSize ?? 20,
    applicationName: opts.applicationName ?? 'bookflow',
  });
}

// Any number of processes may start at once against one database; the advisory lock makes the second wait
// for the first instead of both creating the same tables.
const MIGRATION_LOCK = 7_263_801;

/** Applies graphile-worker's schema, then ours. Safe to run concurrently from several processes. */
export async function migrate(ds: DataSource, url: string): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await runWorkerMigrations({ connectionString: url, logger: quietLogger });
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await runner.release();
  }
}

/** True when every migration this build knows has been applied. */
export async function migrationsApplied(ds: DataSource): Promise<boolean> {
  return !(await ds.showMigrations());
}

/**
 * graphile-worker's errors and warnings, one line each. A failed attempt of a step is expected (it is retried and
 * recorded on the run), so its stack trace would only bury the lines that matter.
 */
export const quietLogger = new Logger(() => (level: string, message: string) => {
  // The webhook pool runs more jobs than it has connections on purpose (its jobs wait on endpoints, not on the
  // database: src/worker/pools.ts); graphile-worker's warning about that said so at every start, for nothing.
  if (message.startsWith('WARNING: having maxPoolSize')) return;
  if (level === 'error' || level === 'warning') console.error(`[worker] ${level}: ${message.split('\n')[0]}`);
});

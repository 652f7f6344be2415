// The suites' own embedded Postgres (a data dir under test/.tmp/<suite>), which they can stop and start again on the
// same port, and a small pool the driver uses to look into the database (queue, runs, invariants).
import fs from 'node:fs';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/db/embedded.js';
import { log } from './log.js';

export interface SuiteDb {
  /** URL of the suite's database (what DATABASE_URL of the Bookflow processes is). */
  url: string;
  port: number;
  /** For the driver's own checks; reconnects by itself after a restart. */
  pool: pg.Pool;
  /** Stops the server (pg_ctl -m fast: open sessions are ended). */
  stop(): Promise<void>;
  /** Starts it again on the same data dir and port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts (or adopts) the embedded server in `dataDir` and gives the suite a fresh, empty database. */
export async function startSuiteDb(opts: { dataDir: string; database: string }): Promise<SuiteDb> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  let server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: opts.dataDir, port: null, database: 'postgres', log });
  const port = server.port;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(opts.database)} WITH (FORCE)`);
  await admin.end();
  await ensureDatabase(server.adminUrl, opts.database);
  const u = new URL(server.adminUrl);
  u.pathname = `/${opts.database}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'reliability-driver' });
  pool.on('error', () => {}); // idle connections die with a restart; the pool makes new ones
  let running = true;
  return {
    url, port, pool,
    async stop() {
      if (!running) return;
      await server.stop();
      running = false;
    },
    async start() {
      if (running) return;
      server = await startEmbeddedPostgres({ dataDir: opts.dataDir, port, database: 'postgres', log });
      running = true;
    },
    async close() {
      await pool.end().catch(() => {});
      if (running) await server.stop();
      running = false;
    },
  };
}

export async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query(sql, params);
  return Number(Object.values(rows[0] ?? { n: 0 })[0] ?? 0);
}

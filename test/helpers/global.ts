// Mocha global fixture: one Postgres for the whole run. The embedded one (data under test/.tmp, its own port) or
// the server in DATABASE_URL. A migrated template database is made once; each test file clones it (fast, isolated).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDataSource, migrate } from '../../src/db/data-source.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.js';

export const TEMPLATE_DB = 'bookflow_test_template';
let embedded: EmbeddedPostgres | null = null;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function mochaGlobalSetup(): Promise<void> {
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    const dataDir = path.resolve(process.env.BOOKFLOW_TEST_DATA_DIR ?? 'test/.tmp/embedded');
    fs.mkdirSync(dataDir, { recursive: true });
    embedded = await startEmbeddedPostgres({ dataDir, port: null, database: 'postgres' });
    adminUrl = embedded.adminUrl;
  }
  process.env.BOOKFLOW_TEST_ADMIN_URL = adminUrl;
  // Rebuild the template every run: migrations may have changed since the last one.
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const leftovers = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'bookflow_test_%'");
  for (const r of leftovers.rows) await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await client.end();
  await ensureDatabase(adminUrl, TEMPLATE_DB);
  const url = withDatabase(adminUrl, TEMPLATE_DB);
  const ds = createDataSource(url, { poolSize: 2 });
  await ds.initialize();
  await migrate(ds, url);
  await ds.destroy();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await embedded?.stop();
}

let counter = 0;
/** A new database cloned from the migrated template; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const adminUrl = process.env.BOOKFLOW_TEST_ADMIN_URL!;
  const name = `bookflow_test_${process.pid}_${++counter}`;
  await ensureDatabase(adminUrl, name, TEMPLATE_DB);
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: process.env.BOOKFLOW_TEST_ADMIN_URL! });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
}

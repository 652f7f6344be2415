// A real Bookflow (HTTP API + optional worker) on a fresh database, listening on a free port.
import http, { type Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/api/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDataSource, quietLogger } from '../../src/db/data-source.js';
import { startKeyCache } from '../../src/domain/key-cache.js';
import { runOnce } from 'graphile-worker';
import { startWorkers } from '../../src/worker/pools.js';
import type { WorkerHandle } from '../../src/worker/runner.js';
import { taskList } from '../../src/worker/tasks.js';
import { createTransports } from '../../src/engine/transports.js';
import { dropDatabase, freshDatabase } from './global.js';
import { Client } from './client.js';

export const ADMIN_KEY = 'test-platform-key-0123456789';

export interface TestApp {
  url: string;
  databaseUrl: string;
  ds: DataSource;
  config: Config;
  platform: Client;
  /** A client with no key. */
  anon: Client;
  client(key: string): Client;
  /** Creates a tenant through the API and returns a client with its admin key. */
  tenant(id?: string, extra?: Record<string, unknown>): Promise<Client>;
  startWorker(opts?: { heartbeat?: { intervalMs?: number; staleAfterMs?: number } }): Promise<WorkerHandle>;
  /** Runs every job that is due, in this process, until none is left (for tests without a running worker). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestApp(opts: { env?: Record<string, string>; worker?: boolean } = {}): Promise<TestApp> {
  const databaseUrl = await freshDatabase();
  // Listen first, so PUBLIC_URL (links, provider callbacks) can name the real port.
  const server: Server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const config = loadConfig({ BOOKFLOW_ADMIN_KEY: ADMIN_KEY, DATABASE_URL: databaseUrl, PORT: '0', PUBLIC_URL: url, ...opts.env });
  const ds = createDataSource(databaseUrl, { poolSize: 20 });
  await ds.initialize();
  const keyCache = await startKeyCache(ds, databaseUrl); // as `bookflow serve` runs
  const transports = createTransports(config);
  const app = createApp({ ds, config, adminKey: ADMIN_KEY, transports });
  server.on('request', app);
  const runners: WorkerHandle[] = [];
  let n = 0;
  const t: TestApp = {
    url, databaseUrl, ds, config,
    platform: new Client(url, ADMIN_KEY),
    anon: new Client(url, null),
    client: (key) => new Client(url, key),
    async tenant(id, extra = {}) {
      const res = await t.platform.post('/api/tenants', { id: id ?? `auto-${++n}`, name: `Tenant ${id ?? `auto-${n}`}`, ...extra });
      if (res.status !== 201) throw new Error(`creating tenant failed: ${res.status} ${JSON.stringify(res.body)}`);
      return new Client(url, res.body.apiKey as string, res.body.id as string);
    },
    async drain() {
      const tasks = taskList({ ds, transports, publicUrl: config.publicUrl, lateGraceMs: config.lateGraceMinutes * 60_000, webhookRetrySchedule: config.webhookRetrySchedule });
      await runOnce({ connectionString: databaseUrl, taskList: tasks, logger: quietLogger });
    },
    async startWorker(wopts = {}) {
      const tasks = taskList({ ds, transports, publicUrl: config.publicUrl, lateGraceMs: config.lateGraceMinutes * 60_000, webhookRetrySchedule: config.webhookRetrySchedule });
      const r = await startWorkers({ ds, connectionString: databaseUrl, concurrency: 4, webhookConcurrency: 4, taskList: tasks, pollInterval: 200, heartbeat: wopts.heartbeat, log: () => {} });
      runners.push(r);
      return r;
    },
    async stop() {
      for (const r of runners) await r.stop();
      await transports.mailer.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await keyCache.stop();
      await ds.destroy();
      await dropDatabase(databaseUrl);
    },
  };
  if (opts.worker) await t.startWorker();
  return t;
}

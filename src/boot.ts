// Starting and stopping a Bookflow process: database (embedded or DATABASE_URL), migrations, worker, HTTP.
// Shutdown is ordered: stop accepting HTTP, stop the worker (it finishes or releases its jobs), close the pools,
// and only then stop the embedded Postgres. A Postgres stopped under a running worker leaves jobs locked.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createApp } from './api/app.js';
import { startKeyCache } from './domain/key-cache.js';
import type { Config } from './config.js';
import { createDataSource, migrate } from './db/data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded.js';
import { DEMO_TENANT, seedDemo } from './domain/demo.js';
import { createTransports } from './engine/transports.js';
import { installDefaultsForAllTenants } from './engine/defaults.js';
import { seedDemoWorkflows } from './engine/demo-workflows.js';
import { startWorkers } from './worker/pools.js';
import type { WorkerHandle } from './worker/runner.js';
import { crontab, taskList } from './worker/tasks.js';

export type Mode = 'serve' | 'worker' | 'migrate';

export interface Bookflow {
  config: Config;
  ds: DataSource;
  databaseUrl: string;
  adminKey: string;
  /** Base URL the HTTP server listens on (serve only). */
  url: string | null;
  demoKey: string | null;
  stop(): Promise<void>;
}

/** The platform key: from config, else the one saved in the data dir, else a new one saved there. */
function resolveAdminKey(config: Config): { key: string; generated: boolean } {
  if (config.adminKey) return { key: config.adminKey, generated: false };
  const file = path.join(config.dataDir, 'admin-key');
  if (fs.existsSync(file)) return { key: fs.readFileSync(file, 'utf8').trim(), generated: false };
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  const key = `bfa_${crypto.randomBytes(32).toString('base64url')}`;
  fs.writeFileSync(file, key, { mode: 0o600 });
  return { key, generated: true };
}

export async function startBookflow(config: Config, mode: Mode, log: (line: string) => void = console.log): Promise<Bookflow> {
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => log(`shutdown: ${String(err)}`));
    cleanups.length = 0;
  };
  try {
    let embedded: EmbeddedPostgres | null = null;
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
      cleanups.push(() => embedded!.stop());
      databaseUrl = embedded.url;
    }
    const ds = createDataSource(databaseUrl, { applicationName: `bookflow-${mode}` });
    await ds.initialize();
    cleanups.push(() => ds.destroy());
    await migrate(ds, databaseUrl);
    if (mode !== 'worker') await installDefaultsForAllTenants(ds);
    const { key: adminKey, generated } = resolveAdminKey(config);
    if (generated) log(`generated the platform admin key and saved it in ${path.join(config.dataDir, 'admin-key')}`);

    let demoKey: string | null = null;
    if (config.demo && mode === 'serve') {
      const demoFile = path.join(config.dataDir, 'demo-key');
      const created = await seedDemo(ds);
      if (created) {
        await seedDemoWorkflows(ds, DEMO_TENANT);
        fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
        fs.writeFileSync(demoFile, created, { mode: 0o600 });
      }
      demoKey = created ?? (fs.existsSync(demoFile) ? fs.readFileSync(demoFile, 'utf8').trim() : null);
    }

    const transports = createTransports(config);
    cleanups.push(() => transports.mailer.close());
    let runner: WorkerHandle | null = null;
    if (mode === 'worker' || (mode === 'serve' && config.embeddedWorker)) {
      const tasks = taskList({ ds, transports, publicUrl: config.publicUrl, lateGraceMs: config.lateGraceMinutes * 60_000, webhookRetrySchedule: config.webhookRetrySchedule });
      runner = await startWorkers({
        ds, connectionString: databaseUrl, concurrency: config.workerConcurrency, webhookConcurrency: config.webhookConcurrency, taskList: tasks, crontab, log,
      });
      cleanups.push(() => runner!.stop());
    }

    let url: string | null = null;
    if (mode === 'serve') {
      const keyCache = await startKeyCache(ds, databaseUrl, log);
      cleanups.push(() => keyCache.stop());
      const app = createApp({ ds, config, adminKey, transports });
      const server: Server = await new Promise((resolve, reject) => {
        // express 5 calls back with the error too (a port in use): say which port, and what to do
        const s = app.listen(config.port, config.host, (err?: Error) => {
          if (!err) return resolve(s);
          const code = (err as NodeJS.ErrnoException).code;
          reject(code === 'EADDRINUSE' ? new Error(`port ${config.port} on ${config.host} is in use (EADDRINUSE): stop what uses it, or set PORT to another port`) : err);
        });
      });
      const addr = server.address() as { port: number };
      url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${addr.port}`;
      cleanups.push(() => new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      }));
    }

    if (mode === 'migrate') await stopAll();
    return {
      config, ds, databaseUrl, adminKey, url, demoKey,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export { DEMO_TENANT };

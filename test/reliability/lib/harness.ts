// One Bookflow deployment for a long suite: its own embedded Postgres (test/.tmp/<suite>), the real local receivers,
// one `serve` process without an embedded worker, and N `worker` processes, all against the same database.
import net from 'node:net';
import path from 'node:path';
import type { Client } from '../../helpers/client.js';
import { log } from './log.js';
import { startSuiteDb, type SuiteDb } from './pg.js';
import { processGroup, snapshotBuild, type ProcessGroup } from './procs.js';
import { startReceivers, type Receivers } from './receivers.js';
import { setupTenant } from './scenario.js';
import type { StreamResult } from './stream.js';
import { compare, failures, stuckRuns, waitDrained, withheld, type Comparison, type QueueState } from './verify.js';

export const ADMIN_KEY = 'reliability-platform-key-0123456789';

export interface World {
  dir: string;
  db: SuiteDb;
  receivers: Receivers;
  procs: ProcessGroup;
  baseUrl: string;
  client: Client;
  workers: string[];
  startWorker(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startWorld(o: { suite: string; workers: number; resources: number; customers: number; workerEnv?: Record<string, string> }): Promise<World> {
  const dir = path.resolve('test/.tmp', o.suite);
  const db = await startSuiteDb({ dataDir: dir, database: `bookflow_${o.suite.replace(/\W/g, '_')}` });
  log(`Postgres on port ${db.port} (${dir})`);
  const receivers = await startReceivers();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const procs = processGroup({
    main: snapshotBuild(path.join(dir, 'app')),
    pidFile: path.join(dir, 'pids'),
    logDir: path.join(dir, 'logs', new Date().toISOString().replace(/[:.]/g, '-')),
    env: {
      ...receivers.env,
      DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl, BOOKFLOW_ADMIN_KEY: ADMIN_KEY,
      BOOKFLOW_DATA_DIR: path.join(dir, 'data'), BOOKFLOW_DEMO: 'false', BOOKFLOW_EMBEDDED_WORKER: 'false',
      BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: 'true', BOOKFLOW_WEBHOOK_RETRY_SCHEDULE: '1s,5s,15s,30s,60s',
    },
  });
  try {
    await procs.serveReady(procs.start('serve', 'serve'), baseUrl);
  } catch (err) {
    await procs.stopAll();
    await receivers.close();
    await db.close();
    throw err;
  }
  log(`serve ready at ${baseUrl}`);
  const world: World = {
    dir, db, receivers, procs, baseUrl, client: null as unknown as Client, workers: [],
    async startWorker(name) {
      const p = procs.start(name, 'worker', o.workerEnv);
      await procs.workerReady(p, db.pool);
    },
    async stop() {
      await procs.stopAll();
      await receivers.close();
      await db.close();
    },
  };
  for (let i = 1; i <= o.workers; i++) world.workers.push(`worker-${i}`);
  try {
    await Promise.all(world.workers.map((w) => world.startWorker(w)));
    log(`${o.workers} worker processes beating`);
    world.client = await setupTenant({ baseUrl, adminKey: ADMIN_KEY, receivers, resources: o.resources, customers: o.customers });
    log('tenant, catalog, workflows and webhook subscription created');
  } catch (err) {
    await world.stop();
    throw err;
  }
  return world;
}

export interface Verdict {
  drainMs: number;
  drained: boolean;
  queue: QueueState | null;
  cmp: Comparison;
  stuck: string[];
  failed: Record<string, number>;
  lost: number;
}

/** Waits for the queue to drain, then a little longer for the last answers to land, and compares. */
export async function verify(world: World, stream: StreamResult, drainTimeoutMs: number): Promise<Verdict> {
  log('waiting for the queue to drain');
  const d = await waitDrained(world.db.pool, drainTimeoutMs);
  log(d.drained ? `drained in ${(d.ms / 1000).toFixed(1)} s` : `NOT drained after ${(d.ms / 1000).toFixed(0)} s: ${JSON.stringify(d.last)}`);
  await new Promise((r) => setTimeout(r, 1000));
  const cmp = compare(stream.ledger, world.receivers.arrivals(), await withheld(world.db.pool));
  const stuck = await stuckRuns(world.db.pool);
  const failed = await failures(world.db.pool);
  for (const [ch, t] of Object.entries(cmp.byChannel)) log(`${ch}: ${JSON.stringify({ ...t, redeliveredAt: undefined })}`);
  if (cmp.lostSamples.length) log(`lost (samples): ${cmp.lostSamples.join(', ')}`);
  if (cmp.unexpectedSamples.length) log(`unexpected (samples): ${cmp.unexpectedSamples.join(', ')}`);
  if (stuck.length) log(`stuck runs: ${stuck.slice(0, 10).join(', ')}`);
  if (Object.keys(failed).length) log(`failed for good: ${JSON.stringify(failed)}`);
  const lost = Object.values(cmp.byChannel).reduce((s, t) => s + t.lost, 0);
  return { drainMs: d.ms, drained: d.drained, queue: d.last, cmp, stuck, failed, lost };
}

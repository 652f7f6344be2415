// (e) booking creations per second through the HTTP API (issue 3): the real express app on a loopback port, driven by
// autocannon in a child process; each request books a slot no other request takes, spread over many resources so
// the per-resource lock serializes nothing. No worker runs meanwhile: the figure is the API's, compared with (a2),
// the raw "insert a row + add_job" transaction it is built on. The dispatch jobs it enqueued are removed afterwards.
import { fork } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../src/api/app.js';
import { startKeyCache } from '../../src/domain/key-cache.js';
import { createTransports } from '../../src/engine/transports.js';
import type { CannonJob, CannonResult } from './autocannon-child.js';
import { analyze, cpuMeter, cpuPer, deleteJobs, perSecond, type Bench } from './env.js';
import { benchTenant } from './fixtures.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'autocannon-child.js');

function cannon(job: CannonJob): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [JSON.stringify(job)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (m: { result?: CannonResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
    child.once('error', reject);
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`autocannon exited with ${code}`)); });
  });
}

export async function httpBookings(b: Bench, opts: { connections: number; durationMs: number }) {
  const t = await benchTenant(b.ds, 'bench-e', { resources: 200, customers: 200 });
  await analyze(b.ds);
  const config = b.config();
  const transports = createTransports(config);
  const keyCache = await startKeyCache(b.ds, b.databaseUrl); // as `bookflow serve` runs
  const app = createApp({ ds: b.ds, config, adminKey: 'bench-platform-key-0123456789', transports });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const job = (base: number, seconds: number): CannonJob => ({
      url, apiKey: t.apiKey, connections: opts.connections, durationSeconds: seconds, resourceIds: t.resourceIds, customerIds: t.customerIds, base,
    });
    await cannon(job(Date.now() + 400 * 86_400_000, 2)); // warm-up: JIT, plans, pools
    const cpu = cpuMeter(b.databaseUrl);
    const profile = await b.profile('(e)');
    const r = await cannon(job(Date.now() + 7 * 86_400_000, Math.max(1, Math.round(opts.durationMs / 1000))));
    const created = r.statusCodes['201'] ?? 0;
    const used = cpu.stop();
    await profile.stop();
    return {
      connections: opts.connections, requests: r.requests, created, non2xx: r.non2xx, errors: r.errors, statusCodes: r.statusCodes,
      ms: Math.round(r.durationMs), bookingsPerSecond: perSecond(created, r.durationMs), latencyMs: r.latencyMs,
      cpuMsPerBooking: { ...cpuPer(used, created), note: 'node: the API server (autocannon runs in a child process, not counted)' },
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await transports.mailer.close();
    await keyCache.stop();
    await deleteJobs(b.ds, ['dispatch_event']);
  }
}

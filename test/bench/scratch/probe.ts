// scratch: per-task timing (deleted before hand-off)
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDataSource, migrate } from '../../../src/db/data-source.js';
import { startEmbeddedPostgres } from '../../../src/db/embedded.js';
import { createBench } from '../env.js';
import { benchTenant, saveWorkflows, startSink, webhookStep, slot } from '../fixtures.js';
import { createBooking } from '../../../src/domain/bookings.js';
import { rows } from '../../../src/db/sql.js';
import type { TaskList } from 'graphile-worker';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { PostgresQueryRunner } = require('typeorm/driver/postgres/PostgresQueryRunner.js');
const qstats = new Map<string, number[]>();
let qon = false;
const orig = PostgresQueryRunner.prototype.query;
PostgresQueryRunner.prototype.query = async function (q: string, p: unknown, s: boolean) {
  const t0 = performance.now();
  try { return await orig.call(this, q, p, s); } finally { if (qon) { const k = q.replace(/\s+/g, ' ').trim().slice(0, 90); (qstats.get(k) ?? qstats.set(k, []).get(k)!).push(performance.now() - t0); } }
};
const rorig = PostgresQueryRunner.prototype.connect;
PostgresQueryRunner.prototype.connect = async function () { const t0 = performance.now(); try { return await rorig.call(this); } finally { if (qon) (qstats.get('CONNECT') ?? qstats.set('CONNECT', []).get('CONNECT')!).push(performance.now() - t0); } };


const dataDir = path.resolve('test/.tmp/bench');
const embedded = await startEmbeddedPostgres({ dataDir, port: null, database: 'postgres' });
const admin = new pg.Client({ connectionString: embedded.adminUrl });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS bookflow_probe WITH (FORCE)');
await admin.query('CREATE DATABASE bookflow_probe');
await admin.end();
const u = new URL(embedded.adminUrl); u.pathname = '/bookflow_probe';
const url = u.toString();
const ds = createDataSource(url, { poolSize: 20 });
await ds.initialize();
await migrate(ds, url);
const b = createBench(ds, url, (l) => console.error(l));
const sink = await startSink();
const t = await benchTenant(ds, 'p1', { resources: 5, customers: 5 });
await saveWorkflows(ds, 'p1', [{ name: 'x', trigger: { type: 'booking.created' }, actions: [webhookStep(sink.url)] }]);
const N = Number(process.env.N ?? 200);
for (let k = 0; k < N; k++) await createBooking(ds, { tenantId: 'p1' }, { customerId: 'm-1', resourceId: 'r-1', ...slot(Date.now() + 86400000, k) });
const { tasks, transports } = b.bookflowTasks(b.config());
const stats: Record<string, number[]> = {};
const wrapped: TaskList = {};
for (const [name, fn] of Object.entries(tasks)) {
  wrapped[name] = async (p, h) => { const t0 = performance.now(); try { return await (fn as any)(p, h); } finally { (stats[name] ??= []).push(performance.now() - t0); } };
}
function pgCpu(): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('bookflow_probe')) continue;
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return total * 10; // ms (100 Hz)
}
qon = !!process.env.QSTATS;
const pg0 = pgCpu(); const cpu0 = process.cpuUsage();
const t0 = performance.now();
const w = await b.startWorker(wrapped);
for (;;) {
  const [r] = await rows<{ n: number }>(ds, "SELECT count(*)::int n FROM run_steps WHERE status='succeeded'");
  if (r.n >= N) break;
  await new Promise((r) => setTimeout(r, 20));
}
console.log('total ms', performance.now() - t0);
const cpu1 = process.cpuUsage(cpu0);
console.log('node cpu ms/event', ((cpu1.user + cpu1.system) / 1000 / N).toFixed(2), 'pg backend cpu ms/event', ((pgCpu() - pg0) / N).toFixed(2));
await w.stop();
for (const [k, v] of Object.entries(stats)) { v.sort((a, b) => a - b); console.log(k, v.length, 'p50', v[Math.floor(v.length / 2)].toFixed(1), 'p90', v[Math.floor(v.length * 0.9)].toFixed(1), 'sum', v.reduce((a, b) => a + b, 0).toFixed(0)); }
qon = false;
for (const [k, v] of [...qstats.entries()].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0)).slice(0, 25)) console.log(v.length, 'avg', (v.reduce((a, b) => a + b, 0) / v.length).toFixed(2), 'sum', v.reduce((a, b) => a + b, 0).toFixed(0), k);
await transports.mailer.close(); await sink.close(); await ds.destroy(); await embedded.stop();

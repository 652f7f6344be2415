// npm run chaos:waitlist: the waitlist rules under concurrency from several processes. Two `serve` processes (each
// with its embedded worker, as `npm start` runs) and one `worker` share a database; several driver processes, each
// with many concurrent clients, join, book, cancel, accept, decline, expire and change capacity on a few overlapping
// slots of three resources. The invariant queries of test/waitlist/support.ts (capacity at every resource and instant;
// entry states that must never occur) run every few seconds during the storm and once after the queue drained.
//
// Env: WL_OPS operations in all (12000), WL_DRIVERS processes (4), WL_CLIENTS per driver (12).
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataSource } from '../../src/db/data-source.js';
import { Client } from '../helpers/client.js';
import { capacityViolations, entryViolations } from '../waitlist/support.js';
import { freePort } from './lib/harness.js';
import { envInt, log, sleep } from './lib/log.js';
import { startSuiteDb } from './lib/pg.js';
import { processGroup, snapshotBuild } from './lib/procs.js';
import { drive, type DriverConfig, type DriverReport } from './lib/waitlist-driver.js';
import { waitDrained } from './lib/verify.js';

const ADMIN_KEY = 'reliability-platform-key-0123456789';
const TENANT = 'race';

async function setup(url: string): Promise<{ key: string; cfg: Omit<DriverConfig, 'urls' | 'ops' | 'clients'> }> {
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`setup: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const t = await ok(new Client(url, ADMIN_KEY).post('/api/tenants', { id: TENANT, name: 'Race Club' }));
  const c = new Client(url, t.apiKey);
  await ok(c.post('/api/locations', { id: 'l-1', name: 'Hall', timezone: 'Europe/Oslo' }));
  const resources = [{ id: 'r-1', capacity: 1 }, { id: 'r-2', capacity: 2 }, { id: 'r-3', capacity: 3 }];
  for (const r of resources) await ok(c.post('/api/resources', { ...r, name: r.id, locationId: 'l-1' }));
  const members = 40;
  for (let i = 0; i < members; i++) await ok(c.post('/api/customers', { id: `m-${i}`, name: `Member ${i}`, email: `m${i}@example.com` }));
  // Four one-hour slots a year ahead, overlapping by half: a seat freed in one is contested by entries of two.
  const base = Date.UTC(new Date().getUTCFullYear() + 1, 2, 3, 8);
  const slots = [0, 30, 60, 120].map((m) => ({
    startTime: new Date(base + m * 60_000).toISOString(), endTime: new Date(base + (m + 60) * 60_000).toISOString(),
  }));
  // Fill what fits: every slot starts full, so joins are accepted and every cancellation frees a contested seat.
  let k = 0;
  for (const r of resources) {
    for (const slot of slots) {
      for (let s = 0; s < r.capacity; s++) await c.post('/api/bookings', { customerId: `m-${k++ % members}`, resourceId: r.id, ...slot });
    }
  }
  return { key: t.apiKey, cfg: { key: t.apiKey, resources, slots, members } };
}

async function parent(): Promise<number> {
  const cfg = { ops: envInt('WL_OPS', 12000), drivers: envInt('WL_DRIVERS', 4), clients: envInt('WL_CLIENTS', 12) };
  log(`chaos:waitlist: ${JSON.stringify(cfg)}`);
  const dir = path.resolve('test/.tmp/chaos-waitlist');
  const db = await startSuiteDb({ dataDir: dir, database: 'bookflow_race' });
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const procs = processGroup({
    main: snapshotBuild(path.join(dir, 'app')), pidFile: path.join(dir, 'pids'),
    logDir: path.join(dir, 'logs', new Date().toISOString().replace(/[:.]/g, '-')),
    env: { DATABASE_URL: db.url, HOST: '127.0.0.1', BOOKFLOW_ADMIN_KEY: ADMIN_KEY, BOOKFLOW_DATA_DIR: path.join(dir, 'data'), BOOKFLOW_DEMO: 'false' },
  });
  const ds = createDataSource(db.url, { poolSize: 2, applicationName: 'reliability-invariants' });
  try {
    await procs.serveReady(procs.start('serve-1', 'serve', { PORT: String(ports[0]), PUBLIC_URL: urls[0] }), urls[0]);
    await procs.serveReady(procs.start('serve-2', 'serve', { PORT: String(ports[1]), PUBLIC_URL: urls[1] }), urls[1]);
    await procs.workerReady(procs.start('worker-1', 'worker'), db.pool);
    await ds.initialize();
    const { cfg: base } = await setup(urls[0]);
    log('tenant, 3 resources, 4 overlapping slots each (full), 40 members; starting the drivers');

    const violations: { capacity: unknown[]; entries: unknown[] } = { capacity: [], entries: [] };
    let checks = 0;
    const check = async () => {
      violations.capacity.push(...await capacityViolations(ds, TENANT));
      violations.entries.push(...await entryViolations(ds, TENANT));
      checks++;
    };
    let running = true;
    const checker = (async () => { while (running) { await check().catch((err) => log(`check failed: ${String(err)}`)); await sleep(2000); } })();
    const t0 = Date.now();
    const reports = await Promise.all(Array.from({ length: cfg.drivers }, (_, i) => new Promise<DriverReport>((resolve, reject) => {
      const dc: DriverConfig = { ...base, urls: i % 2 ? [...urls].reverse() : urls, ops: Math.ceil(cfg.ops / cfg.drivers), clients: cfg.clients };
      const child = fork(fileURLToPath(import.meta.url), ['drive'], { env: { ...process.env, WL_DRIVER: JSON.stringify(dc) } });
      child.once('message', (m) => resolve(m as DriverReport));
      child.once('exit', (code) => reject(new Error(`driver ${i} exited with ${code} before reporting`)));
    })));
    const stormMs = Date.now() - t0;
    running = false;
    await checker;
    log(`storm over after ${(stormMs / 1000).toFixed(0)} s; waiting for the queue to drain`);
    const drained = await waitDrained(db.pool, 180_000);
    await check();

    const answers: Record<string, Record<string, number>> = {};
    for (const r of reports) for (const [op, by] of Object.entries(r.answers)) for (const [k, n] of Object.entries(by)) (answers[op] ??= {})[k] = (answers[op]?.[k] ?? 0) + n;
    for (const [op, by] of Object.entries(answers)) log(`${op}: ${JSON.stringify(by)}`);
    const unexpected = reports.flatMap((r) => r.unexpected);
    if (unexpected.length) log(`unexpected answers (samples): ${unexpected.slice(0, 5).join(' | ')}`);
    const reservations = new Map<string, Set<string>>();
    for (const r of reports) for (const [e, b] of r.accepts) reservations.set(e, (reservations.get(e) ?? new Set()).add(b));
    const split = [...reservations.values()].filter((s) => s.size > 1).length;
    const { rows: [db2] } = await db.pool.query(`SELECT
      (SELECT count(*) FROM waitlist_entries WHERE tenant_id = $1)::int AS entries,
      (SELECT count(*) FROM waitlist_entries WHERE tenant_id = $1 AND status = 'ACCEPTED')::int AS accepted,
      (SELECT count(*) FROM events WHERE tenant_id = $1 AND type = 'slot.freed')::int AS freed,
      (SELECT count(*) FROM events WHERE tenant_id = $1 AND type = 'waitlist.offered')::int AS offered,
      (SELECT count(*) FROM bookings b WHERE b.tenant_id = $1 AND b.status = 'cancelled' AND NOT EXISTS (SELECT 1 FROM events e
        WHERE e.tenant_id = $1 AND e.type = 'slot.freed' AND e.data->>'reason' = 'cancelled' AND e.data->>'bookingId' = b.id))::int AS silent`, [TENANT]);
    const ops = Object.values(answers).reduce((s, by) => s + Object.values(by).reduce((a, b) => a + b, 0), 0);
    const acceptsOk = answers.accept?.['200'] ?? 0;
    const acceptsLost = Object.entries(answers.accept ?? {}).filter(([k]) => k.startsWith('409')).reduce((s, [, n]) => s + n, 0);
    const problems = [
      ...(violations.capacity.length ? [`${violations.capacity.length} capacity violations, e.g. ${JSON.stringify(violations.capacity[0])}`] : []),
      ...(violations.entries.length ? [`${violations.entries.length} entry violations, e.g. ${JSON.stringify(violations.entries[0])}`] : []),
      ...(split ? [`${split} entries accepted into two different reservations`] : []),
      ...(db2.silent ? [`${db2.silent} cancelled bookings without their slot.freed event`] : []),
      ...(unexpected.length ? [`${unexpected.length} answers outside the contract (5xx/400/network)`] : []),
      ...(drained.drained ? [] : ['queue not drained']),
      ...procs.unexpectedExits,
    ];
    console.log(`SUMMARY chaos:waitlist: ${cfg.drivers} driver processes × ${cfg.clients} clients against 2 serve processes + 1 worker, `
      + `${ops} requests in ${(stormMs / 1000).toFixed(0)} s (${Math.round(ops / (stormMs / 1000))}/s), ${db2.entries} entries, ${db2.freed} slot.freed, `
      + `${db2.offered} offers, ${acceptsOk} accepts answered 200 for ${db2.accepted} accepted entries (${acceptsLost} lost races answered 409), `
      + `${answers.capacity?.['200'] ?? 0} capacity changes; invariants checked ${checks} times (during the storm and after it drained): `
      + `${violations.capacity.length} capacity violations, ${violations.entries.length} entry violations, ${split} split accepts, `
      + `${db2.silent} cancellations without slot.freed, ${unexpected.length} 5xx/unexpected `
      + `— ${problems.length ? `FAIL (${problems.join('; ')})` : 'PASS'}`);
    return problems.length ? 1 : 0;
  } finally {
    await ds.destroy().catch(() => {});
    await procs.stopAll();
    await db.close();
  }
}

if (process.argv[2] === 'drive') {
  drive(JSON.parse(process.env.WL_DRIVER!) as DriverConfig).then((r) => process.send!(r, () => process.exit(0)), (err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  parent().then((code) => process.exit(code), (err) => {
    log(`chaos:waitlist crashed: ${err instanceof Error ? err.stack : String(err)}`);
    console.log(`SUMMARY chaos:waitlist: crashed (${err instanceof Error ? err.message : String(err)}) — FAIL`);
    process.exit(1);
  });
}

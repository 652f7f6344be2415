// `npm run bench`: every benchmark of the engine (issue 3), waitlist (issue 4) and webhook (issue 5) issues in one
// run, on one database and one set of worker settings. Progress goes to stderr; one JSON document to stdout.
// Benchmarks never fail on a figure: they print it, with the issue's target and whether it was met.
//
// The database: a fresh `bookflow_bench` database every run, on the server of DATABASE_URL when set (made through
// its `postgres` maintenance database, as the tests do), else on an embedded Postgres in test/.tmp/bench (its own
// data dir and port), stopped at the end.
//
// Scale knobs (defaults: what the issues ask for): BENCH_NOOP_JOBS, BENCH_HTTP_JOBS, BENCH_A2_MS, BENCH_HTTP_MS,
// BENCH_HTTP_CONNECTIONS, BENCH_TENANTS, BENCH_EVENTS, BENCH_WORKFLOWS, BENCH_SUBSCRIPTIONS, BENCH_DELIVERIES,
// BENCH_ONE_ENDPOINT, BENCH_BACKLOG, BENCH_CANCELLATIONS, BENCH_WAITING, BENCH_CANCEL_RATE, BENCH_REMINDERS,
// BENCH_MOVES, BENCH_FIRE, BENCH_FIRE_WINDOW_S, BENCH_ROUNDS (measured rounds of (a), (a3), (b), (c) and the webhook
// throughput, 3; each reports its median round). Worker settings (env.ts): BENCH_CONCURRENCY, BENCH_LOCAL_QUEUE_SIZE,
// BENCH_BATCH_DELAY_MS, BENCH_POLL_INTERVAL_MS. BENCH_ONLY=a,a3,a2,e,b,c,wh,wl,d runs a subset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDataSource, migrate } from '../../src/db/data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.js';
import { manyTenants, oneBigTenant } from './dispatch.bench.js';
import { createBench, knob, ratio, summary, type Bench } from './env.js';
import { httpBookings } from './http.bench.js';
import { httpJobThroughput, insertAndEnqueue, noopThroughput } from './queue.bench.js';
import { reminders } from './reminders.bench.js';
import { waitlistLatency } from './waitlist.bench.js';
import { webhookDeliveries } from './webhooks.bench.js';

const BENCH_DB = 'bookflow_bench';

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const only = new Set((process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const wanted = (name: string) => only.size === 0 || only.has(name);

const load1m = () => Math.round(os.loadavg()[0] * 100) / 100;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs one benchmark, adding how long it took and the machine's 1-minute load average before and after. */
async function phase<T extends object>(name: string, fn: () => Promise<T>): Promise<T & { phaseSeconds: number; loadAverage1m: [number, number] }> {
  const before = load1m();
  log(`${name} (load ${before})`);
  const t0 = performance.now();
  const r = await fn();
  return { ...r, phaseSeconds: Math.round((performance.now() - t0) / 1000), loadAverage1m: [before, load1m()] };
}

/** Single-connection commit latency: the floor under every write (a WAL flush on this disk). */
async function commitLatency(url: string): Promise<{ p50: number | null; p99: number | null }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS bench_commit (x int)'); // not TEMP: temporary tables skip the WAL
    const ms: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await c.query('INSERT INTO bench_commit VALUES (1)');
      ms.push(performance.now() - t0);
    }
    const s = summary(ms);
    return { p50: s.p50, p99: s.p99 };
  } finally {
    await c.query('DROP TABLE IF EXISTS bench_commit');
    await c.end();
  }
}

/** A fresh bench database, on the DATABASE_URL server or an embedded one. */
async function openDatabase(): Promise<{ url: string; embedded: EmbeddedPostgres | null }> {
  let embedded: EmbeddedPostgres | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    const dataDir = path.resolve(process.env.BENCH_DATA_DIR ?? 'test/.tmp/bench');
    fs.mkdirSync(dataDir, { recursive: true });
    log(`starting an embedded Postgres in ${dataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir, port: null, database: 'postgres', log });
    adminUrl = embedded.adminUrl;
  }
  try {
    // Figures must not depend on what an earlier run left behind.
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${BENCH_DB}`);
    } finally {
      await admin.end();
    }
    return { url: withDatabase(adminUrl, BENCH_DB), embedded };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

async function benchmarks(b: Bench) {
  const issue3: Record<string, any> = {};
  const issue4: Record<string, any> = {};
  const issue5: Record<string, any> = {};
  if (wanted('a')) issue3.a_noopJobs = await phase('(a) raw graphile-worker, no-op jobs', () => noopThroughput(b, { jobs: knob('BENCH_NOOP_JOBS', 20_000), rounds: knob('BENCH_ROUNDS', 3, 1) }));
  if (wanted('a3')) {
    issue3.a3_httpJobs = await phase('(a3) raw graphile-worker jobs, one signed POST each', () =>
      httpJobThroughput(b, { jobs: knob('BENCH_HTTP_JOBS', 10_000), rounds: knob('BENCH_ROUNDS', 3, 1) }));
  }
  if (wanted('a2')) {
    issue3.a2_insertAndEnqueue = await phase('(a2) raw insert + add_job transactions', () =>
      insertAndEnqueue(b, { clients: knob('BENCH_HTTP_CONNECTIONS', 16), durationMs: knob('BENCH_A2_MS', 5000) }));
  }
  if (wanted('e')) {
    issue3.e_httpBookings = await phase('(e) booking creations through the HTTP API', () =>
      httpBookings(b, { connections: knob('BENCH_HTTP_CONNECTIONS', 16), durationMs: knob('BENCH_HTTP_MS', 10_000) }));
  }
  if (wanted('b')) {
    issue3.b_manyTenants = await phase('(b) 100 tenants x 10 workflows', () =>
      manyTenants(b, { tenants: knob('BENCH_TENANTS', 100), events: knob('BENCH_EVENTS', 6000), rounds: knob('BENCH_ROUNDS', 3, 1) }));
  }
  if (wanted('c')) {
    issue3.c_oneBigTenant = await phase('(c) one tenant, 10,000 workflows', () =>
      oneBigTenant(b, { tenantId: 'bench-c', workflows: knob('BENCH_WORKFLOWS', 10_000), events: knob('BENCH_EVENTS', 6000), rounds: knob('BENCH_ROUNDS', 3, 1) }));
    issue3.c_control_oneTenantTenWorkflows = await phase('(c) control: one tenant, 10 workflows', () =>
      oneBigTenant(b, { tenantId: 'bench-c10', workflows: 10, events: knob('BENCH_EVENTS', 6000), rounds: knob('BENCH_ROUNDS', 3, 1) }));
  }
  if (wanted('wh')) {
    Object.assign(issue5, await phase('issue 5: webhook deliveries', () => webhookDeliveries(b, {
      subscriptions: knob('BENCH_SUBSCRIPTIONS', 20), deliveries: knob('BENCH_DELIVERIES', 5000), rounds: knob('BENCH_ROUNDS', 3, 1),
      singleEndpoint: knob('BENCH_ONE_ENDPOINT', 500), backlog: knob('BENCH_BACKLOG', 10_000),
    })));
  }
  if (wanted('wl')) {
    Object.assign(issue4, await phase('issue 4: waitlist offer latency', () => waitlistLatency(b, {
      cancellations: knob('BENCH_CANCELLATIONS', 1000), waiting: knob('BENCH_WAITING', 10), ratePerSecond: knob('BENCH_CANCEL_RATE', 10),
    })));
  }
  if (wanted('d')) {
    issue3.d_reminders = await phase('(d) reminders for 100,000 bookings', () => reminders(b, {
      bookings: knob('BENCH_REMINDERS', 100_000), moves: knob('BENCH_MOVES', 10_000),
      fire: knob('BENCH_FIRE', 5_000), fireWindowS: knob('BENCH_FIRE_WINDOW_S', 50),
    }));
  }
  return { issue3, issue4, issue5 };
}

function target(value: number | null, op: '>=' | '<', threshold: number, what: string) {
  const met = value !== null && (op === '>=' ? value >= threshold : value < threshold);
  return { what, value, target: `${op} ${threshold}`, met };
}

/** The ratios the issues ask for (added to issue3/issue5), and every target with whether it was met. */
function targets(r: Awaited<ReturnType<typeof benchmarks>>) {
  const { issue3, issue4, issue5 } = r;
  const out: ReturnType<typeof target>[] = [];
  const a = issue3.a_noopJobs?.jobsPerSecond as number | undefined;
  const a2 = issue3.a2_insertAndEnqueue?.perSecond as number | undefined;
  const bv = issue3.b_manyTenants?.eventsPerSecond as number | undefined;
  const cv = issue3.c_oneBigTenant?.eventsPerSecond as number | undefined;
  const ev = issue3.e_httpBookings?.bookingsPerSecond as number | undefined;
  const ratios: Record<string, number> = {};
  if (a && bv) out.push(target((ratios.b_over_a = ratio(bv, a)), '>=', 0.25, 'issue 3: (b) events/s over (a) no-op jobs/s'));
  if (bv && cv) out.push(target((ratios.c_over_b = ratio(cv, bv)), '>=', 0.8, 'issue 3: (c) events/s over (b) events/s'));
  const c10 = issue3.c_control_oneTenantTenWorkflows?.eventsPerSecond as number | undefined;
  if (cv && c10) ratios.c_over_itsControl = ratio(cv, c10);
  if (a2 && ev) out.push(target((ratios.e_over_a2 = ratio(ev, a2)), '>=', 0.5, 'issue 3: (e) HTTP bookings/s over (a2) raw transactions/s'));
  const a3 = issue3.a3_httpJobs?.jobsPerSecond as number | undefined;
  if (a3 && bv) ratios.b_over_a3 = ratio(bv, a3);
  if (Object.keys(ratios).length) issue3.ratios = ratios;
  const d = issue3.d_reminders;
  if (d) out.push(target(d.staleCheck.stale + d.staleCheck.missing + d.staleCheck.orphaned, '<', 1, 'issue 3: (d) stale, missing or orphaned reminders'));
  if (issue4.offerStoredMs) {
    out.push(target(issue4.offerStoredMs.p95, '<', 100, 'issue 4: offer stored p95 (ms)'));
    out.push(target(issue4.emailAcceptedMs.p95, '<', 500, 'issue 4: offer email accepted p95 (ms)'));
  }
  if (issue5.throughput && a) {
    issue5.ratioToNoopJobs = ratio(issue5.throughput.deliveriesPerSecond, a);
    out.push(target(issue5.ratioToNoopJobs, '>=', 0.5, 'issue 5: deliveries/s over (a) no-op jobs/s'));
    if (a3) issue5.ratioToHttpJobs = ratio(issue5.throughput.deliveriesPerSecond, a3);
  }
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  const cpus = os.cpus();
  const machine: Record<string, unknown> = {
    cpuModel: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.release()}`, node: process.version, date: new Date().toISOString(), loadAverage1mAtStart: load1m(),
  };
  const db = await openDatabase();
  const ds = createDataSource(db.url, { poolSize: 20, applicationName: 'bookflow-bench' });
  let out: Record<string, unknown>;
  try {
    await ds.initialize();
    await migrate(ds, db.url);
    const b = createBench(ds, db.url, log);
    const [{ server_version: pgVersion }] = await ds.query('SHOW server_version') as { server_version: string }[];
    machine.postgres = `${pgVersion}${db.embedded ? ' (embedded)' : ' (the DATABASE_URL server)'}`;
    machine.commitLatencyMs = await commitLatency(db.url);
    const results = await benchmarks(b);
    const met = targets(results);
    out = {
      machine, workerSettings: { ...b.worker, note: 'the same for the raw graphile-worker baselines and for Bookflow' },
      targets: met, ...results,
    };
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.embedded?.stop();
  }
  machine.loadAverage1mAtEnd = load1m();
  out.runSeconds = Math.round((performance.now() - started) / 1000);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err) => {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});

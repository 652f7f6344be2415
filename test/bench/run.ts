// `npm run bench`: every benchmark of the engine (issue 3), waitlist (issue 4) and webhook (issue 5) issues in one
// run, on one database and one set of worker settings. Progress goes to stderr; one JSON document to stdout.
//
// The database: DATABASE_URL when set, else an embedded Postgres in test/.tmp/bench (its own data dir and port).
// Scale knobs (defaults are what the issues ask for): BENCH_NOOP_JOBS, BENCH_A2_MS, BENCH_EVENTS, BENCH_HTTP_MS,
// BENCH_HTTP_CONNECTIONS, BENCH_REMINDERS, BENCH_MOVES, BENCH_FIRE_WINDOW_S, BENCH_CANCELLATIONS,
// BENCH_CANCEL_RATE, BENCH_DELIVERIES, BENCH_BACKLOG; worker settings: BENCH_CONCURRENCY, BENCH_LOCAL_QUEUE_SIZE,
// BENCH_BATCH_DELAY_MS, BENCH_POLL_INTERVAL_MS. BENCH_ONLY=a,b,... runs a subset (a a2 b c d e wl wh).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDataSource, migrate } from '../../src/db/data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.js';
import { createBench, knob, ratio, type Bench } from './env.js';
import { manyTenants, oneBigTenant } from './dispatch.bench.js';
import { httpBookings } from './http.bench.js';
import { insertAndEnqueue, noopThroughput } from './queue.bench.js';
import { reminders } from './reminders.bench.js';
import { waitlistLatency } from './waitlist.bench.js';
import { webhookDeliveries } from './webhooks.bench.js';

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const only = new Set((process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const wanted = (name: string) => only.size === 0 || only.has(name);

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = process.env.DATABASE_URL ?? null;
  if (!databaseUrl) {
    const dataDir = path.resolve(process.env.BENCH_DATA_DIR ?? 'test/.tmp/bench');
    fs.mkdirSync(dataDir, { recursive: true });
    log(`starting an embedded Postgres in ${dataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir, port: null, database: 'postgres', log });
    // A fresh database every run: figures must not depend on what an earlier run left behind.
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: embedded.adminUrl });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS bookflow_bench WITH (FORCE)');
    await admin.query('CREATE DATABASE bookflow_bench');
    await admin.end();
    const u = new URL(embedded.adminUrl);
    u.pathname = '/bookflow_bench';
    databaseUrl = u.toString();
  }
  const ds = createDataSource(databaseUrl, { poolSize: 20, applicationName: 'bookflow-bench' });
  await ds.initialize();
  const results: Record<string, unknown> = {};
  try {
    await migrate(ds, databaseUrl);
    const b: Bench = createBench(ds, databaseUrl, log);
    const figures: Record<string, unknown> = {};
    const issue3: Record<string, unknown> = {};

    let a: { jobsPerSecond: number } | null = null;
    if (wanted('a')) {
      log('(a) raw graphile-worker: no-op jobs');
      a = await noopThroughput(b, { jobs: knob('BENCH_NOOP_JOBS', 20_000) });
      issue3.a_noopJobs = a;
      log(`(a) ${a.jobsPerSecond} jobs/s`);
    }
    let a2: { perSecond: number } | null = null;
    if (wanted('a2')) {
      log('(a2) raw insert + add_job transactions');
      a2 = await insertAndEnqueue(b, { clients: knob('BENCH_HTTP_CONNECTIONS', 16), durationMs: knob('BENCH_A2_MS', 5000) });
      issue3.a2_insertAndEnqueue = a2;
      log(`(a2) ${a2.perSecond} transactions/s`);
    }
    if (wanted('e')) {
      log('(e) booking creations through the HTTP API (autocannon)');
      const e = await httpBookings(b, { connections: knob('BENCH_HTTP_CONNECTIONS', 16), durationMs: knob('BENCH_HTTP_MS', 10_000) });
      issue3.e_httpBookings = e;
      log(`(e) ${e.bookingsPerSecond} bookings/s`);
    }
    let bRes: { eventsPerSecond: number } | null = null;
    if (wanted('b')) {
      log('(b) 100 tenants x 10 workflows');
      bRes = await manyTenants(b, { tenants: knob('BENCH_TENANTS', 100), events: knob('BENCH_EVENTS', 3000) });
      issue3.b_manyTenants = bRes;
      log(`(b) ${bRes.eventsPerSecond} events/s`);
    }
    if (wanted('c')) {
      log('(c) one tenant with 10,000 workflows');
      const c = await oneBigTenant(b, { workflows: knob('BENCH_WORKFLOWS', 10_000), events: knob('BENCH_EVENTS', 3000) });
      issue3.c_oneBigTenant = c;
      log(`(c) ${c.eventsPerSecond} events/s`);
    }
    if (wanted('wh')) {
      log('issue 5: webhook deliveries');
      const wh = await webhookDeliveries(b, {
        subscriptions: knob('BENCH_SUBSCRIPTIONS', 20), deliveries: knob('BENCH_DELIVERIES', 5000),
        singleEndpoint: knob('BENCH_ONE_ENDPOINT', 500), backlog: knob('BENCH_BACKLOG', 10_000),
      });
      figures.issue5 = wh;
      log(`issue 5: ${wh.throughput.deliveriesPerSecond} deliveries/s, backlog drained in ${wh.backlog.drainMs} ms`);
    }
    if (wanted('wl')) {
      log('issue 4: waitlist offer latency');
      const wl = await waitlistLatency(b, {
        cancellations: knob('BENCH_CANCELLATIONS', 1000), waiting: knob('BENCH_WAITING', 10), ratePerSecond: knob('BENCH_CANCEL_RATE', 10),
      });
      figures.issue4 = wl;
      log(`issue 4: offer stored p95 ${wl.offerStoredMs.p95} ms, email accepted p95 ${wl.emailAcceptedMs.p95} ms`);
    }
    if (wanted('d')) {
      log('(d) reminders for 100,000 bookings');
      const d = await reminders(b, {
        bookings: knob('BENCH_REMINDERS', 100_000), moves: knob('BENCH_MOVES', 10_000),
        fire: knob('BENCH_FIRE', 5_000), fireWindowS: knob('BENCH_FIRE_WINDOW_S', 50),
      });
      issue3.d_reminders = d;
      log(`(d) schedule ${d.schedule.jobsPerSecond} jobs/s, moves ${d.move.movesPerSecond}/s, lateness p99 ${d.fire.latenessMs.p99} ms`);
    }
    figures.issue3 = issue3;
    void ratio;
    Object.assign(results, { machine: machine(), workerSettings: b.worker, database: embedded ? 'embedded Postgres (test/.tmp/bench)' : 'DATABASE_URL' }, figures);
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
  results.runSeconds = Math.round((performance.now() - started) / 1000);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((err) => {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});

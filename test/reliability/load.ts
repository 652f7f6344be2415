// npm run load: autocannon against the booking and waitlist endpoints in increasing steps while two worker processes
// run the workflows the bookings trigger. Per step: throughput, latency (p50, p99) and errors (any answer other than
// 2xx, and connection errors; the workload is built to succeed: every booking takes its own slot, every join is a
// new member for a full slot). Then the queue lag: how long after the load stops the job queue is empty.
//
// Steps are concurrent connections by default (closed loop: each connection sends its next request when the answer
// came), which shows where throughput stops growing and what that costs in latency. LOAD_RATES=50,100,200,400 steps
// the request rate instead (autocannon's overallRate over LOAD_CONNECTIONS): note that autocannon sends each
// connection's quota for a second in a burst at the start of that second, and corrects latencies for coordinated
// omission, so latencies at a fixed rate include that queueing.
//
// Env: LOAD_STEPS connections per step (1,4,16,64), LOAD_RATES, LOAD_CONNECTIONS (32, with LOAD_RATES), LOAD_STEP_S
// seconds per step (10), LOAD_WORKERS (2), LOAD_DRAIN_TIMEOUT_S (420).
import autocannon from 'autocannon';
import { startWorld } from './lib/harness.js';
import { envInt, log } from './lib/log.js';
import { waitDrained } from './lib/verify.js';

const cfg = {
  steps: process.env.LOAD_RATES
    ? process.env.LOAD_RATES.split(',').map((r) => ({ label: `${r} req/s asked`, connections: envInt('LOAD_CONNECTIONS', 32), overallRate: Number(r) }))
    : (process.env.LOAD_STEPS ?? '1,4,16,64').split(',').map((n) => ({ label: `${n} connections`, connections: Number(n), overallRate: undefined })),
  stepS: envInt('LOAD_STEP_S', 10),
  workers: envInt('LOAD_WORKERS', 2),
  drainTimeoutMs: envInt('LOAD_DRAIN_TIMEOUT_S', 420) * 1000,
  resources: 20,
  members: 300,
  fullSlots: 40,
};

async function main(): Promise<number> {
  log(`load: ${JSON.stringify(cfg)}`);
  const world = await startWorld({ suite: 'load', workers: cfg.workers, resources: cfg.resources, customers: cfg.members });
  try {
    // Full slots to wait for, on a resource of their own.
    const c = world.client;
    await c.post('/api/resources', { id: 'r-wl', name: 'Popular court', locationId: 'l-1' });
    const base = Date.UTC(new Date().getUTCFullYear() + 1, 5, 1, 6);
    const slotOf = (i: number) => ({ startTime: new Date(base + i * 3_600_000).toISOString(), endTime: new Date(base + (i + 1) * 3_600_000).toISOString() });
    for (let i = 0; i < cfg.fullSlots; i++) await c.post('/api/bookings', { customerId: 'c-0', resourceId: 'r-wl', ...slotOf(i) });
    log(`${cfg.fullSlots} full slots to join`);

    const bookingBase = Date.UTC(new Date().getUTCFullYear() + 2, 0, 1, 6);
    let booked = 0;
    let joined = 0;
    const codes: Record<string, number> = {};
    const headers = { authorization: `Bearer ${c.key}`, 'content-type': 'application/json' };
    const steps: string[] = [];
    let errors = 0;
    for (const step of cfg.steps) {
      const count = (status: number, body: string) => {
        if (status < 300) return;
        const code = status === 409 ? `409 ${String(JSON.parse(body).code)}` : String(status);
        codes[code] = (codes[code] ?? 0) + 1;
      };
      const r = await autocannon({
        url: world.baseUrl, connections: step.connections, duration: cfg.stepS, overallRate: step.overallRate, timeout: 30, headers,
        requests: [
          {
            method: 'POST', path: '/api/bookings',
            setupRequest: (req) => {
              const k = booked++;
              const start = bookingBase + Math.floor(k / cfg.resources) * 3_600_000;
              return { ...req, body: JSON.stringify({
                customerId: `c-${k % cfg.members}`, resourceId: `r-${k % cfg.resources}`, serviceId: 's-1',
                startTime: new Date(start).toISOString(), endTime: new Date(start + 3_600_000).toISOString(),
              }) };
            },
            onResponse: (status, body) => count(status, body),
          },
          {
            method: 'POST', path: '/api/facility-waitlist',
            setupRequest: (req) => {
              const k = joined++;
              const slot = slotOf(k % cfg.fullSlots);
              return { ...req, body: JSON.stringify({
                clubId: 'l-1', resourceId: 'r-wl', memberId: `c-${1 + (Math.floor(k / cfg.fullSlots) % (cfg.members - 1))}`,
                desiredStart: slot.startTime, desiredEnd: slot.endTime,
              }) };
            },
            onResponse: (status, body, context) => {
              count(status, body);
              if (status === 201) context.entryId = JSON.parse(body).id;
            },
          },
          {
            method: 'GET',
            setupRequest: (req, context) => ({ ...req, path: context.entryId ? `/api/facility-waitlist/${String(context.entryId)}` : '/api/bookings?limit=20' }),
            onResponse: (status, body) => count(status, body),
          },
        ],
      });
      const stepErrors = r.non2xx + r.errors;
      errors += stepErrors;
      const line = `${step.label}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, `
        + `${stepErrors} errors (${(100 * stepErrors / Math.max(1, r.requests.total ?? r.requests.sent)).toFixed(2)}%)`;
      steps.push(line);
      log(`${line}; queue: ${JSON.stringify(await world.db.pool.query("SELECT count(*)::int AS jobs FROM graphile_worker._private_jobs WHERE run_at <= now()").then((q) => q.rows[0].jobs))} jobs due`);
    }
    if (Object.keys(codes).length) log(`non-2xx answers: ${JSON.stringify(codes)}`);
    log(`load over: ${booked} bookings and ${joined} joins sent; waiting for the queue to drain`);
    const d = await waitDrained(world.db.pool, cfg.drainTimeoutMs);
    const lag = d.drained ? `queue drained ${(d.ms / 1000).toFixed(0)} s after the load stopped` : `queue NOT drained ${(d.ms / 1000).toFixed(0)} s after the load (${JSON.stringify(d.last)})`;
    const pass = errors === 0 && d.drained && world.procs.unexpectedExits.length === 0;
    console.log(`SUMMARY load: ${steps.join('; ')}; ${lag}; ${cfg.workers} worker processes — ${pass ? 'PASS' : `FAIL (${errors} errors${Object.keys(codes).length ? ` ${JSON.stringify(codes)}` : ''}${d.drained ? '' : ', queue not drained'})`}`);
    return pass ? 0 : 1;
  } finally {
    await world.stop();
  }
}

main().then((code) => process.exit(code), (err) => {
  log(`load crashed: ${err instanceof Error ? err.stack : String(err)}`);
  console.log(`SUMMARY load: crashed (${err instanceof Error ? err.message : String(err)}) — FAIL`);
  process.exit(1);
});

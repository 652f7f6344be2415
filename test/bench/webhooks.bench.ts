// Issue 5: webhook subscription deliveries, signed, to local receivers that verify every signature with the
// `standardwebhooks` library (test/helpers/webhook-receiver.ts), one receiver and secret per subscription. The
// receivers run in a process of their own (./peers.ts), as real endpoints are other systems; their CPU is reported.
//  - throughput: booking events fan out to a tenant's BENCH_SUBSCRIPTIONS subscriptions (a worker that runs only
//    dispatch_event), then a full worker starts and the clock runs until every delivery succeeded (after a warm-up
//    round of the same size for another tenant; the median of BENCH_ROUNDS rounds). Each subscription
//    is its own job queue (one delivery at a time per endpoint, by design), hence several of them;
//  - one endpoint: the same for a single subscription, with the shared bench settings and with Bookflow's own
//    (no local queue), where its queue really runs one delivery at a time;
//  - backlog: the receivers answer 503 while 10,000 deliveries make their first attempt and wait for their retry;
//    then they answer 200 again, the retries are made due, and the clock runs until the backlog has drained.
// maxInFlightPerEndpoint shows whether an endpoint got one delivery at a time: graphile-worker 0.17.3 breaks that
// when its local queue is on (graphile/worker#621), so figures taken with it flatter one endpoint's rate.
import type { TaskList } from 'graphile-worker';
import { rows } from '../../src/db/sql.js';
import { createBooking } from '../../src/domain/bookings.js';
import { TASKS } from '../../src/engine/runs.js';
import { WEBHOOK_DELIVER_TASK } from '../../src/webhooks/jobs.js';
import { createSubscription } from '../../src/webhooks/subscriptions.js';
import { analyze, cpuMeter, cpuPer, drained, medianRound, perSecond, pool, until, type Bench, type WorkerSettings } from './env.js';
import { benchTenant, slot, type BenchTenant } from './fixtures.js';
import { startPeers, type Peers, type RemoteReceiver } from './peers.js';

/** Bookflow's own worker settings (src/worker/runner.ts): no local queue, completions batched without delay. */
const BOOKFLOW_SETTINGS: Partial<WorkerSettings> = { localQueueSize: 0, batchDelayMs: 0 };

interface Counts { succeeded: number; pending: number; failed: number; attempted: number }

async function counts(b: Bench, tenantId: string): Promise<Counts> {
  const [r] = await rows<Counts>(b.ds, `
    SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'pending')::int AS pending,
           count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE attempt_count > 0)::int AS attempted
    FROM webhook_deliveries WHERE tenant_id = $1`, [tenantId]);
  return r;
}

/** Requests the receivers got since their last reset, and how many of them verified. */
async function signatures(peers: Peers): Promise<{ received: number; verified: number }> {
  const { receivers } = await peers.counts();
  return { received: receivers.reduce((n, r) => n + r.received, 0), verified: receivers.reduce((n, r) => n + r.verified, 0) };
}

/** A tenant with one booking.created subscription per receiver; each receiver verifies with its subscription's secret. */
async function subscribedTenant(b: Bench, id: string, receivers: RemoteReceiver[]): Promise<BenchTenant> {
  const t = await benchTenant(b.ds, id, { resources: 10, customers: 10 });
  for (const receiver of receivers) {
    await receiver.reset();
    const { secret } = await createSubscription(b.ds, id, { url: `${receiver.url}/${id}`, eventTypes: ['booking.created'] }, { allowPrivate: true });
    await receiver.setSecrets([secret]);
  }
  return t;
}

/** Commits `events` bookings, then fans them out with a dispatch-only worker: the deliveries wait, queued. */
async function queueDeliveries(b: Bench, t: BenchTenant, opts: { events: number; base: number; expected: number; tasks: TaskList }): Promise<void> {
  await pool(Array.from({ length: opts.events }, (_, k) => k), 8, async (k) => {
    await createBooking(b.ds, { tenantId: t.id }, {
      customerId: t.customerIds[k % t.customerIds.length], resourceId: t.resourceIds[k % t.resourceIds.length],
      ...slot(opts.base, Math.floor(k / t.resourceIds.length)),
    });
  });
  const dispatchOnly = await b.startWorker({ [TASKS.dispatchEvent]: opts.tasks[TASKS.dispatchEvent] });
  await drained(b.ds, { what: 'the fan-out', timeoutMs: 600_000, tasks: [TASKS.dispatchEvent] });
  await dispatchOnly.stop();
  const c = await counts(b, t.id);
  if (c.pending < opts.expected) throw new Error(`expected ${opts.expected} queued deliveries for ${t.id}, found ${c.pending}`);
  await analyze(b.ds);
}

/** The most HTTP attempts one endpoint of the tenant had in flight at once, from the attempt log. */
async function maxInFlightPerEndpoint(b: Bench, tenantId: string): Promise<number> {
  const attempts = await rows<{ subscription_id: string; start: number; end: number }>(b.ds, `
    SELECT d.subscription_id, extract(epoch FROM a.started_at) * 1000 AS start,
           extract(epoch FROM a.started_at) * 1000 + coalesce(a.duration_ms, 0) AS end
    FROM webhook_attempts a JOIN webhook_deliveries d ON d.tenant_id = a.tenant_id AND d.id = a.delivery_id
    WHERE a.tenant_id = $1`, [tenantId]);
  const bySub = new Map<string, [number, number][]>();
  for (const a of attempts) bySub.set(a.subscription_id, [...(bySub.get(a.subscription_id) ?? []), [Number(a.start), 1], [Number(a.end), -1]]);
  let max = 0;
  for (const points of bySub.values()) {
    let open = 0;
    for (const [, step] of points.sort((x, y) => x[0] - y[0] || x[1] - y[1])) max = Math.max(max, (open += step));
  }
  return max;
}

/** Starts a worker and times it until every delivery of the tenant succeeded. */
async function drainTimed(b: Bench, opts: { tenantId: string; total: number; tasks: TaskList; what: string; peers: Peers; settings?: Partial<WorkerSettings> }) {
  const cpu = cpuMeter(b.databaseUrl);
  const peersCpu0 = await opts.peers.cpuMs();
  const profile = await b.profile(opts.what);
  const received0 = (await signatures(opts.peers)).received;
  const t0 = performance.now();
  const worker = await b.startWorker(opts.tasks, opts.settings);
  try {
    // Polled at the receivers' process first, so that the bench's polling does not load the database it measures.
    await until(async () => (await signatures(opts.peers)).received - received0 >= opts.total, { what: `${opts.what}: requests`, timeoutMs: 900_000, intervalMs: 20 });
    await until(async () => (await counts(b, opts.tenantId)).succeeded >= opts.total, { what: opts.what, timeoutMs: 900_000, intervalMs: 10 });
    const ms = performance.now() - t0;
    const used = cpu.stop();
    const receiversMs = (await opts.peers.cpuMs()) - peersCpu0;
    await profile.stop();
    return {
      deliveries: opts.total, ms: Math.round(ms), deliveriesPerSecond: perSecond(opts.total, ms),
      cpuMsPerDelivery: {
        ...cpuPer(used, opts.total), receivers: Math.round((receiversMs / opts.total) * 100) / 100,
        note: 'node: the worker; receivers: the verifying receivers, in their own process',
      },
      maxInFlightPerEndpoint: await maxInFlightPerEndpoint(b, opts.tenantId),
    };
  } finally {
    await worker.stop();
  }
}

export async function webhookDeliveries(b: Bench, opts: { subscriptions: number; deliveries: number; rounds: number; singleEndpoint: number; backlog: number }) {
  const peers = await startPeers();
  const receivers = await peers.receivers(opts.subscriptions);
  const first = receivers.slice(0, 1);
  // Retries wait an hour unless made due: the backlog's first attempts must not retry on their own meanwhile.
  const { tasks, transports } = b.bookflowTasks(b.config(), { webhookRetrySchedule: [3_600_000] });
  const base = Date.now() + 7 * 86_400_000;
  try {
    const events = Math.ceil(opts.deliveries / opts.subscriptions);
    const total = events * opts.subscriptions;
    // Warm-up: the same deliveries for another tenant first, so V8 has optimized the delivery path before the clock
    // runs, as in a server that has been up for a while (measured cold, the first 5,000 went ~40% slower).
    b.log(`webhooks: warm-up, ${total} deliveries to ${opts.subscriptions} subscriptions`);
    const warm = await subscribedTenant(b, 'bench-wh-warm', receivers);
    await queueDeliveries(b, warm, { events, base, expected: total, tasks });
    const warming = await b.startWorker(tasks);
    await until(async () => (await counts(b, warm.id)).succeeded >= total, { what: 'the warm-up deliveries', timeoutMs: 900_000, intervalMs: 100 });
    await warming.stop();

    const rounds = [];
    for (let round = 1; round <= opts.rounds; round++) {
      b.log(`webhooks: round ${round}, ${total} deliveries to ${opts.subscriptions} subscriptions`);
      const many = await subscribedTenant(b, `bench-wh-${round}`, receivers);
      await queueDeliveries(b, many, { events, base, expected: total, tasks });
      const measured = await drainTimed(b, { tenantId: many.id, total, tasks, peers, what: `${total} deliveries` });
      rounds.push({ ...measured, ...(await signatures(peers)) });
    }
    const throughput = medianRound(rounds, (r) => r.deliveriesPerSecond);

    b.log(`webhooks: ${opts.singleEndpoint} deliveries to one subscription, bench settings then Bookflow's`);
    const one = await subscribedTenant(b, 'bench-wh-one', first);
    await queueDeliveries(b, one, { events: opts.singleEndpoint, base, expected: opts.singleEndpoint, tasks });
    const oneEndpoint = await drainTimed(b, { tenantId: one.id, total: opts.singleEndpoint, tasks, peers, what: 'one endpoint' });
    const serial = await subscribedTenant(b, 'bench-wh-serial', first);
    await queueDeliveries(b, serial, { events: opts.singleEndpoint, base, expected: opts.singleEndpoint, tasks });
    const oneEndpointBookflow = await drainTimed(b, { tenantId: serial.id, total: opts.singleEndpoint, tasks, peers, what: 'one endpoint, Bookflow settings', settings: BOOKFLOW_SETTINGS });

    const backlogEvents = Math.ceil(opts.backlog / opts.subscriptions);
    const backlog = backlogEvents * opts.subscriptions;
    b.log(`webhooks: receivers down, ${backlog} deliveries fail their first attempt`);
    const lagging = await subscribedTenant(b, 'bench-wh-backlog', receivers);
    for (const r of receivers) await r.respondWith(503, { error: 'down for maintenance' });
    await queueDeliveries(b, lagging, { events: backlogEvents, base: base + 400 * 86_400_000, expected: backlog, tasks });
    const down = await b.startWorker(tasks);
    await until(async () => (await counts(b, lagging.id)).attempted >= backlog, { what: 'every first attempt to fail', timeoutMs: 900_000, intervalMs: 100 });
    await down.stop();
    const afterFirstAttempt = await counts(b, lagging.id);
    for (const r of receivers) await r.reset(); // up again: 200
    // As if their time had come: a retry's job and its delivery share the time (run_at, next_attempt_at).
    const [due] = await rows<{ n: number }>(b.ds, `
      WITH d AS (
        UPDATE graphile_worker._private_jobs j SET run_at = now() FROM graphile_worker._private_tasks t
        WHERE t.id = j.task_id AND t.identifier = $1 AND j.locked_at IS NULL AND j.key LIKE $2 RETURNING 1
      ), dl AS (
        UPDATE webhook_deliveries SET next_attempt_at = now() WHERE tenant_id = $3 AND status = 'pending'
      ) SELECT count(*)::int AS n FROM d`, [WEBHOOK_DELIVER_TASK, `webhook:${lagging.id}:%`, lagging.id]);
    b.log(`webhooks: receivers up, ${due.n} retries due now`);
    const drain = await drainTimed(b, { tenantId: lagging.id, total: backlog, tasks, peers, what: 'the backlog to drain' });

    return {
      subscriptions: opts.subscriptions,
      throughput,
      oneEndpoint: { ...oneEndpoint, workerSettings: 'the bench settings (local queue on)' },
      oneEndpointBookflowSettings: {
        ...oneEndpointBookflow, workerSettings: BOOKFLOW_SETTINGS,
        estimatedSecondsToDrainTheBacklogOnOneEndpoint: Math.round(opts.backlog / oneEndpointBookflow.deliveriesPerSecond),
      },
      backlog: {
        receiversAnswered: 503, afterFirstAttempt, retriesMadeDue: due.n, ...drain,
        after: await counts(b, lagging.id), verifiedSignatures: (await signatures(peers)).verified,
      },
    };
  } finally {
    await transports.mailer.close();
    await peers.close();
  }
}

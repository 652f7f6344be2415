// Issue 5: webhook subscription deliveries, signed, to a local receiver that verifies every signature with the
// `standardwebhooks` library (test/helpers/webhook-receiver.ts).
//  - throughput: booking events fan out to the tenant's subscriptions (a worker that runs only dispatch_event), then a
//    full worker starts and the clock runs until every delivery succeeded. Each subscription is its own job queue
//    (one delivery at a time per endpoint, by design), so the tenant has BENCH_SUBSCRIPTIONS of them;
//  - one endpoint alone: the same for a single subscription, the rate one receiver gets;
//  - backlog: the receiver answers 503 while 10,000 deliveries make their first attempt and wait for their retry;
//    then it answers 200 again, the retries are made due, and the clock runs until the backlog has drained.
import { rows } from '../../src/db/sql.js';
import { createBooking } from '../../src/domain/bookings.js';
import { TASKS } from '../../src/engine/runs.js';
import { WEBHOOK_DELIVER_TASK } from '../../src/webhooks/jobs.js';
import { createSubscription } from '../../src/webhooks/subscriptions.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { drained, perSecond, pool, until, type Bench } from './env.js';
import { benchTenant, slot, type BenchTenant } from './fixtures.js';

interface Counts { succeeded: number; pending: number; failed: number; attempted: number }

async function counts(b: Bench, tenantId: string): Promise<Counts> {
  const [r] = await rows<Counts>(b.ds, `
    SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'pending')::int AS pending,
           count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE attempt_count > 0)::int AS attempted
    FROM webhook_deliveries WHERE tenant_id = $1`, [tenantId]);
  return r;
}

/** A tenant with `subscriptions` subscriptions to booking.created, all pointing at the receiver. */
async function subscribedTenant(b: Bench, id: string, receiver: WebhookReceiver, subscriptions: number): Promise<BenchTenant> {
  const t = await benchTenant(b.ds, id, { resources: 10, customers: 10 });
  const secrets: string[] = [];
  for (let i = 0; i < subscriptions; i++) {
    const { secret } = await createSubscription(b.ds, id, { url: `${receiver.url}/${id}/${i}`, eventTypes: ['booking.created'] }, { allowPrivate: true });
    secrets.push(secret);
  }
  receiver.setSecrets(secrets); // the receiver tries each secret: a request verifies when one of them signed it
  return t;
}

/** Commits `events` bookings, then fans them out with a dispatch-only worker: deliveries wait, queued. */
async function queueDeliveries(b: Bench, t: BenchTenant, events: number, opts: { base: number; expected: number; tasks: Record<string, unknown> }) {
  await pool(Array.from({ length: events }, (_, k) => k), 8, async (k) => {
    await createBooking(b.ds, { tenantId: t.id }, {
      customerId: t.customerIds[k % t.customerIds.length], resourceId: t.resourceIds[k % t.resourceIds.length], ...slot(opts.base, Math.floor(k / t.resourceIds.length)),
    });
  });
  const dispatchOnly = await b.startWorker({ [TASKS.dispatchEvent]: opts.tasks[TASKS.dispatchEvent] as never });
  await drained(b.ds, { what: 'the fan-out', timeoutMs: 600_000, tasks: [TASKS.dispatchEvent] });
  await dispatchOnly.stop();
  const c = await counts(b, t.id);
  if (c.pending < opts.expected) throw new Error(`expected ${opts.expected} queued deliveries for ${t.id}, found ${c.pending}`);
}

async function drainTimed(b: Bench, tenantId: string, total: number, tasks: Record<string, unknown>, what: string): Promise<number> {
  const t0 = performance.now();
  const worker = await b.startWorker(tasks as never);
  try {
    await until(async () => (await counts(b, tenantId)).succeeded >= total, { what, timeoutMs: 900_000, intervalMs: 25 });
    return performance.now() - t0;
  } finally {
    await worker.stop();
  }
}

export async function webhookDeliveries(b: Bench, opts: { subscriptions: number; deliveries: number; singleEndpoint: number; backlog: number }) {
  const receiver = await startWebhookReceiver();
  // Retries wait an hour unless made due: the backlog's first attempts must not retry on their own meanwhile.
  const { tasks, transports } = b.bookflowTasks(b.config(), { webhookRetrySchedule: [3_600_000] });
  const base = Date.now() + 7 * 86_400_000;
  try {
    // Throughput across subscriptions.
    const many = await subscribedTenant(b, 'bench-wh', receiver, opts.subscriptions);
    const events = Math.ceil(opts.deliveries / opts.subscriptions);
    const total = events * opts.subscriptions;
    b.log(`webhooks: ${total} deliveries to ${opts.subscriptions} subscriptions`);
    await queueDeliveries(b, many, events, { base, expected: total, tasks });
    const ms = await drainTimed(b, many.id, total, tasks, `${total} deliveries`);
    const verified = receiver.requests.filter((r) => r.verified).length;
    const received = receiver.requests.length;

    // One endpoint.
    receiver.reset();
    const one = await subscribedTenant(b, 'bench-wh-one', receiver, 1);
    b.log(`webhooks: ${opts.singleEndpoint} deliveries to one subscription`);
    await queueDeliveries(b, one, opts.singleEndpoint, { base, expected: opts.singleEndpoint, tasks });
    const oneMs = await drainTimed(b, one.id, opts.singleEndpoint, tasks, `${opts.singleEndpoint} deliveries to one endpoint`);

    // Backlog: receiver down, first attempts fail and wait; receiver back, retries made due, drain.
    receiver.reset();
    const lagging = await subscribedTenant(b, 'bench-wh-backlog', receiver, opts.subscriptions);
    const backlogEvents = Math.ceil(opts.backlog / opts.subscriptions);
    const backlog = backlogEvents * opts.subscriptions;
    receiver.respondWith(503, { error: 'down for maintenance' });
    b.log(`webhooks: receiver down, ${backlog} deliveries fail their first attempt`);
    await queueDeliveries(b, lagging, backlogEvents, { base: base + 400 * 86_400_000, expected: backlog, tasks });
    const down = await b.startWorker(tasks);
    await until(async () => (await counts(b, lagging.id)).attempted >= backlog, { what: 'every first attempt to fail', timeoutMs: 900_000, intervalMs: 100 });
    await down.stop();
    const failedFirst = await counts(b, lagging.id);
    receiver.reset(); // answers 200 again
    const [due] = await rows<{ n: number }>(b.ds, `
      WITH d AS (
        UPDATE graphile_worker._private_jobs j SET run_at = now() FROM graphile_worker._private_tasks t
        WHERE t.id = j.task_id AND t.identifier = $1 AND j.locked_at IS NULL AND j.key LIKE $2 RETURNING 1
      ) SELECT count(*)::int AS n FROM d`, [WEBHOOK_DELIVER_TASK, `webhook:${lagging.id}:%`]);
    b.log(`webhooks: receiver back, ${due.n} retries due now`);
    const drainMs = await drainTimed(b, lagging.id, backlog, tasks, 'the backlog to drain');
    const after = await counts(b, lagging.id);

    return {
      subscriptions: opts.subscriptions,
      throughput: {
        deliveries: total, ms: Math.round(ms), deliveriesPerSecond: perSecond(total, ms), received, verifiedSignatures: verified,
      },
      oneEndpoint: { deliveries: opts.singleEndpoint, ms: Math.round(oneMs), deliveriesPerSecond: perSecond(opts.singleEndpoint, oneMs) },
      backlog: {
        deliveries: backlog, receiverDownAnswer: 503, afterFirstAttempt: failedFirst, retriesMadeDue: due.n,
        drainMs: Math.round(drainMs), deliveriesPerSecond: perSecond(backlog, drainMs), after,
        verifiedSignatures: receiver.requests.filter((r) => r.verified).length,
      },
    };
  } finally {
    await transports.mailer.close();
    await receiver.close();
  }
}

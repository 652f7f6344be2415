// Events through the engine (issue 3 (b) and (c)): booking changes -> dispatch_event -> one matching workflow per
// event -> its webhook step completed against a local sink (in its own process, as a real endpoint is another system;
// its CPU is reported beside the worker's).
//  (b) 100 tenants x 10 workflows, one of which matches each event.
//  (c) one tenant holding 10,000 workflows of which one matches; the other 9,999 listen to the same event type but
//      are scoped by resourceIds to other resources (the dispatch index must keep them out of the way). Its control,
//      the same single tenant with 10 such workflows, tells the cost of the workflows from that of all events
//      landing on one tenant (its hot index pages).
// Measured like the no-op baseline: the booking changes are committed first (a backlog of dispatch jobs), then a
// worker starts and the clock runs until every webhook step of the batch has finished; the median of BENCH_ROUNDS
// such rounds is reported.
import type { TaskList } from 'graphile-worker';
import type { DataSource } from 'typeorm';
import { rows } from '../../src/db/sql.js';
import { createBooking } from '../../src/domain/bookings.js';
import type { WorkflowInput } from '../../src/engine/workflows.js';
import { analyze, cpuMeter, cpuPer, drained, medianRound, perSecond, pool, until, type Bench } from './env.js';
import { benchTenant, bulkWorkflows, saveWorkflows, slot, webhookStep, type BenchTenant } from './fixtures.js';
import { startPeers, type Peers } from './peers.js';

interface Shape {
  name: string;
  /** The process of the sink the webhook steps call (its CPU is reported beside the bench's). */
  peers: Peers;
  sink: { hits(): Promise<number> };
  tenants: BenchTenant[];
  /** The resources events happen on (the matching workflow covers them). */
  eventResources: string[];
}

/** Ten workflows: one matches a booking.created on r-1/r-2; the rest listen to other events or other resources. */
function tenWorkflows(sink: string): WorkflowInput[] {
  const w = (name: string, trigger: string, extra: Partial<WorkflowInput> = {}): WorkflowInput => ({
    name, trigger: { type: trigger }, actions: [webhookStep(sink)], ...extra,
  });
  return [
    w('created: notify the sink', 'booking.created', { filters: { resourceIds: ['r-1', 'r-2'] } }),
    w('created on court 3', 'booking.created', { filters: { resourceIds: ['r-3'] } }),
    w('created on court 4', 'booking.created', { filters: { resourceIds: ['r-4'] } }),
    w('created on court 5', 'booking.created', { filters: { resourceIds: ['r-5'] } }),
    w('status changed', 'booking.status_changed', { trigger: { type: 'booking.status_changed', config: { from: [], to: ['cancelled'] } } }),
    w('changed', 'booking.changed'),
    w('deleted', 'booking.deleted'),
    w('customer created', 'customer.created'),
    w('payment completed', 'payment.completed'),
    w('slot freed', 'slot.freed', { trigger: { type: 'slot.freed', config: { reasons: [] } } }),
  ];
}

async function finishedSteps(ds: DataSource, tenantIds: string[]): Promise<{ done: number; failed: number }> {
  const [r] = await rows<{ done: number; failed: number }>(ds, `
    SELECT count(*) FILTER (WHERE status IN ('succeeded', 'failed', 'skipped'))::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed
    FROM run_steps WHERE tenant_id = ANY($1) AND action_type = 'webhook'`, [tenantIds]);
  return r;
}

/** Makes `n` booking changes (new bookings) spread over the shape's tenants and event resources. */
async function makeEvents(ds: DataSource, shape: Shape, n: number, base: number, offset: number): Promise<void> {
  const items = Array.from({ length: n }, (_, i) => i + offset);
  await pool(items, 8, async (k) => {
    const t = shape.tenants[k % shape.tenants.length];
    const per = Math.floor(k / shape.tenants.length);
    const resourceId = shape.eventResources[per % shape.eventResources.length];
    await createBooking(ds, { tenantId: t.id }, {
      customerId: t.customerIds[per % t.customerIds.length], resourceId, serviceId: t.serviceId,
      ...slot(base, Math.floor(per / shape.eventResources.length)),
    });
  });
}

/**
 * Warm-up, then the measured rounds. The warm-up runs as many events as a round: every tenant's workflow cache is
 * loaded, the tables hold work, so the statistics ANALYZE takes before the clock starts describe them as autovacuum
 * keeps them in steady state, and the code on the event's path is optimized by V8, as in a server that has been up
 * for a while (a warm-up of a quarter of a 2,000-event batch left JIT compilation inside the window: 0.9 ms of
 * worker CPU per event, against 0.6 after a warm-up of the batch's size).
 */
async function measure(b: Bench, shape: Shape, opts: { events: number; rounds: number }) {
  const { events } = opts;
  const config = b.config();
  const { tasks, transports } = b.bookflowTasks(config);
  const ids = shape.tenants.map((t) => t.id);
  const base = Date.now() + 7 * 86_400_000;
  try {
    const warm = Math.max(shape.tenants.length, 20, events);
    await makeEvents(b.ds, shape, warm, base, 0);
    const worker = await b.startWorker(tasks);
    await until(async () => (await finishedSteps(b.ds, ids)).done >= warm, { what: `${shape.name} warm-up`, timeoutMs: 120_000 });
    await drained(b.ds, { what: `${shape.name} warm-up jobs`, timeoutMs: 60_000 });
    await worker.stop();

    const rounds = [];
    for (let round = 0; round < opts.rounds; round++) {
      rounds.push(await measureRound(b, shape, { tasks, ids, events, base, offset: warm + round * events, round }));
    }
    return medianRound(rounds, (r) => r.eventsPerSecond);
  } finally {
    await transports.mailer.close();
  }
}

/** One measured round: `events` booking changes committed, then a worker timed until every webhook step finished. */
async function measureRound(b: Bench, shape: Shape, o: { tasks: TaskList; ids: string[]; events: number; base: number; offset: number; round: number }) {
  const { events, ids } = o;
  const before = (await finishedSteps(b.ds, ids)).done;
  const hitsBefore = await shape.sink.hits();
  b.log(`${shape.name}: round ${o.round + 1}, committing ${events} booking changes`);
  await makeEvents(b.ds, shape, events, o.base, o.offset);
  await analyze(b.ds);
  const cpu = cpuMeter(b.databaseUrl);
  const peersCpu0 = await shape.peers.cpuMs();
  const profile = await b.profile(`${shape.name}-${o.round + 1}`);
  const t0 = performance.now();
  const worker = await b.startWorker(o.tasks);
  try {
    // Until the sink got a request for every event (asked of the sink's process, so that the bench's polling does not
    // load the database it measures: counting run_steps every 100 ms cost Postgres ~10% of its time per event), then
    // until every step has finished in the database (the last few complete right after their request).
    await until(async () => (await shape.sink.hits()) - hitsBefore >= events, { what: `${shape.name}: ${events} requests to the sink`, timeoutMs: 600_000, intervalMs: 20 });
    let last = { done: 0, failed: 0 };
    await until(async () => {
      last = await finishedSteps(b.ds, ids);
      return last.done - before >= events;
    }, { what: `${shape.name}: ${events} webhook steps`, timeoutMs: 600_000, intervalMs: 10 });
    const ms = performance.now() - t0;
    const used = cpu.stop();
    const sinkMs = (await shape.peers.cpuMs()) - peersCpu0;
    await profile.stop();
    await drained(b.ds, { what: `${shape.name} leftovers`, timeoutMs: 60_000 });
    return {
      events, ms: Math.round(ms), eventsPerSecond: perSecond(events, ms), failedSteps: last.failed,
      cpuMsPerEvent: { ...cpuPer(used, events), sink: Math.round((sinkMs / events) * 100) / 100, note: 'node: the worker; sink: the HTTP sink, in its own process' },
    };
  } finally {
    await worker.stop();
  }
}

export async function manyTenants(b: Bench, opts: { tenants: number; events: number; rounds: number }) {
  const peers = await startPeers();
  const sink = await peers.sink();
  try {
    const tenants: BenchTenant[] = [];
    for (let i = 0; i < opts.tenants; i++) {
      const t = await benchTenant(b.ds, `bench-b-${String(i + 1).padStart(3, '0')}`, { resources: 5, customers: 20 });
      await saveWorkflows(b.ds, t.id, tenWorkflows(sink.url));
      tenants.push(t);
    }
    const r = await measure(b, { name: '(b)', peers, sink, tenants, eventResources: ['r-1', 'r-2'] }, opts);
    return { tenants: opts.tenants, workflowsPerTenant: 10, ...r, sinkRequests: await sink.hits() };
  } finally {
    await peers.close();
  }
}

/** (c); with `workflows: 10`, the control: the same one tenant without the 9,990 others. */
export async function oneBigTenant(b: Bench, opts: { tenantId: string; workflows: number; events: number; rounds: number }) {
  const peers = await startPeers();
  const sink = await peers.sink();
  try {
    const others = 100;
    const t = await benchTenant(b.ds, opts.tenantId, { resources: 2 + others, customers: 20 });
    await saveWorkflows(b.ds, t.id, [{ name: 'created: notify the sink', trigger: { type: 'booking.created' }, actions: [webhookStep(sink.url)] }]);
    const inputs: WorkflowInput[] = [];
    for (let i = 1; i < opts.workflows; i++) {
      inputs.push({
        name: `created on court ${3 + (i % others)} #${i}`, trigger: { type: 'booking.created' },
        filters: { resourceIds: [`r-${3 + (i % others)}`] }, actions: [webhookStep(sink.url)],
      });
    }
    b.log(`${opts.tenantId}: saving ${opts.workflows} workflows`);
    await bulkWorkflows(b.ds, t.id, inputs);
    const r = await measure(b, { name: opts.tenantId, peers, sink, tenants: [t], eventResources: ['r-1', 'r-2'] }, opts);
    return {
      tenants: 1, workflows: opts.workflows, nonMatching: `${opts.workflows - 1}: same trigger type, scoped by resourceIds to other resources`,
      ...r, sinkRequests: await sink.hits(),
    };
  } finally {
    await peers.close();
  }
}

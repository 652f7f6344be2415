import { expect } from 'chai';
import type { TaskList } from 'graphile-worker';
import { rows } from '../../src/db/sql.js';
import { takeDue } from '../../src/engine/dispatch-batch.js';
import { createTransports } from '../../src/engine/transports.js';
import type { Transports } from '../../src/engine/index.js';
import { payloadNames } from '../../src/worker/jobs.js';
import { taskList } from '../../src/worker/tasks.js';
import type { Client } from '../helpers/client.js';
import { eventually, runDueNow, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { bookingRuns, createWorkflow, seededTenant } from './support.js';

// A dispatch job dispatches its event together with the other due ones (src/engine/dispatch-batch.ts); their
// statements are shared, and the first steps of the runs they record go out as one graphile-worker batch job per
// action type. Here one dispatch job is run by hand, then a real worker runs the batch job.
describe('dispatching many events at once', () => {
  let w: EngineWorld;
  let c: Client;
  let other: Client;
  let transports: Transports;
  let tasks: TaskList;

  before(async () => {
    w = await startEngineWorld({ worker: false });
    c = await seededTenant(w.app);
    other = await seededTenant(w.app);
    transports = createTransports(w.app.config);
    const { config } = w.app;
    tasks = taskList({ ds: w.app.ds, transports, publicUrl: config.publicUrl, lateGraceMs: 30 * 60_000, webhookRetrySchedule: config.webhookRetrySchedule });
  });
  after(async () => {
    await transports.mailer.close();
    await w.stop();
  });

  const jobsOf = (task: string, tenantId: string) => rows<{ id: string; payload: any; attempts: number }>(w.app.ds, `
    SELECT j.id, j.payload, j.attempts FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = $1 AND ${payloadNames('j.payload', 'tenantId', '$2')}`,
  [task, tenantId]);

  /** A workflow calling the receiver at `path` for each new booking, then `n` bookings from hour `fromHour` on. */
  async function hookedBookings(path: string, n: number, fromHour: number) {
    const wf = await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [{ type: 'webhook', config: { url: `${w.hooks.url}${path}`, body: { booking: '{{booking.id}}' } } }],
    });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push((await c.post('/api/bookings', booking({ startTime: inHours(fromHour + 2 * i), endTime: inHours(fromHour + 1 + 2 * i) }))).body.id);
    }
    return { wf, ids };
  }

  it('takes the other due dispatch jobs, starts the first steps of their runs as one batch job (counted in its tenant\'s status) and retries only the step that failed', async () => {
    const { wf, ids } = await hookedBookings('/batch', 3, 3000);

    // The bookings' three, and those of the catalog's customers (no workflow takes them).
    const dispatches = await jobsOf('dispatch_event', c.tenantId);
    expect(dispatches.length).to.be.at.least(4);
    const otherDispatches = await jobsOf('dispatch_event', other.tenantId);
    expect(otherDispatches.length).to.be.at.least(1);
    const due = async (t: Client): Promise<number> => (await t.get('/api/status')).body.queue.due;
    const [dueBefore, otherBefore] = [await due(c), await due(other)];

    // One job (as a worker runs it) dispatches its event and every other due one, of any tenant, and completes
    // their jobs; graphile-worker would complete its own.
    const [own] = dispatches;
    await (tasks.dispatch_event as (p: unknown, h: unknown) => Promise<void>)(own.payload, {});
    await w.app.ds.query('DELETE FROM graphile_worker._private_jobs WHERE id = $1', [own.id]);
    expect(await jobsOf('dispatch_event', c.tenantId)).to.deep.equal([]);
    expect(await jobsOf('dispatch_event', other.tenantId)).to.deep.equal([]);
    const undispatched = await rows(w.app.ds, 'SELECT id FROM events WHERE tenant_id = ANY($1) AND dispatched_at IS NULL', [[c.tenantId, other.tenantId]]);
    expect(undispatched).to.deep.equal([]);

    // Webhook steps: the task of the pool that waits on endpoints (stepTaskOf).
    expect(await jobsOf('run_step', c.tenantId)).to.deep.equal([]);
    const [batch, ...more] = await jobsOf('run_webhook_step', c.tenantId);
    expect(more).to.deep.equal([]);
    expect(batch.payload).to.have.length(3);
    const runIds = (await Promise.all(ids.map((id) => bookingRuns(c, id)))).map((runs) => runs.find((r) => r.workflowId === wf.id)!.id);
    expect(batch.payload.map((p: { runId: string }) => p.runId).sort()).to.deep.equal([...runIds].sort());
    expect(batch.payload.every((p: { tenantId: string; step: number }) => p.tenantId === c.tenantId && p.step === 0)).to.equal(true);
    // The batch job is this tenant's work waiting (in place of the dispatches), and not another tenant's.
    expect(await due(c)).to.equal(dueBefore - dispatches.length + 1);
    expect(await due(other)).to.equal(otherBefore - otherDispatches.length);

    w.hooks.respondWith(500, 'down', { times: 1 });
    const worker = await w.app.startWorker();
    // Two steps succeeded; graphile-worker keeps the job with the failed step alone, for its retry.
    const retry = await eventually(async () => {
      const [j] = await jobsOf('run_webhook_step', c.tenantId);
      return j && j.attempts === 1 && j.payload.length === 1 ? j : null;
    }, 15000, 'the batch job to keep only the failed step');
    const failedRun = retry.payload[0].runId as string;
    expect(runIds).to.include(failedRun);
    await runDueNow(w.app, `id = ${Number(retry.id)}`);
    await settled(w.app);

    const runs = (await Promise.all(ids.map((id) => bookingRuns(c, id)))).map((rs) => rs.find((r) => r.workflowId === wf.id)!);
    expect(runs.map((r) => r.status)).to.deep.equal(['succeeded', 'succeeded', 'succeeded']);
    for (const r of runs) expect(r.steps[0].attempts, r.id).to.equal(r.id === failedRun ? 2 : 1);
    const received = w.hooks.requests.filter((q) => q.path === '/batch').map((q) => (q.body as { booking: string }).booking);
    expect([...new Set(received)].sort()).to.deep.equal([...ids].sort());
    expect(received).to.have.length(4);
    await worker.stop();
  });

  it('puts a taken job it cannot dispatch back to the queue, due now, for its own run to report', async () => {
    await w.app.ds.query("SELECT graphile_worker.add_job('dispatch_event', json_build_object('unexpected', true))");
    await c.post('/api/bookings', booking({ startTime: inHours(3100), endTime: inHours(3101) }));
    const [own] = await jobsOf('dispatch_event', c.tenantId);
    await (tasks.dispatch_event as (p: unknown, h: unknown) => Promise<void>)(own.payload, {});
    await w.app.ds.query('DELETE FROM graphile_worker._private_jobs WHERE id = $1', [own.id]);
    const [bad] = await rows<{ attempts: number; due: boolean }>(w.app.ds, `
      SELECT j.attempts, j.run_at <= now() AS due FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = 'dispatch_event' AND j.payload->>'unexpected' = 'true'`);
    expect(bad).to.deep.equal({ attempts: 0, due: true });
    await w.app.ds.query("DELETE FROM graphile_worker._private_jobs WHERE payload->>'unexpected' = 'true'");
  });

  // The process that took other events' jobs dies before dispatching them (kill -9 between the two statements): the
  // jobs are not lost, nor run while the lease lasts, nor dispatched twice once it ends.
  it('runs the jobs a process took and never dispatched by themselves once their lease ends, each event once', async () => {
    const { wf, ids } = await hookedBookings('/lease', 2, 3200);
    const taken = await takeDue(w.app.ds, 63);
    expect(taken.filter((t) => t.tenantId === c.tenantId).length).to.be.at.least(2);
    const leased = await rows<{ seconds: number }>(w.app.ds, `
      SELECT extract(epoch FROM run_at - now())::int AS seconds FROM graphile_worker._private_jobs WHERE id = ANY($1::bigint[])`,
    [taken.map((t) => t.jobId)]);
    expect(leased.map((l) => l.seconds).every((s) => s >= 50 && s <= 60), JSON.stringify(leased)).to.equal(true);

    const worker = await w.app.startWorker();
    try {
      await settled(w.app);
      for (const id of ids) expect((await bookingRuns(c, id)).filter((r) => r.workflowId === wf.id), 'nothing runs while leased').to.deep.equal([]);
      // As if the minute had passed.
      expect(await runDueNow(w.app, `id = ANY(ARRAY[${taken.map((t) => Number(t.jobId)).join(',')}]::bigint[])`)).to.equal(taken.length);
      await settled(w.app);
      for (const id of ids) {
        const runs = (await bookingRuns(c, id)).filter((r) => r.workflowId === wf.id);
        expect(runs.map((r) => r.status), id).to.deep.equal(['succeeded']);
      }
      const received = w.hooks.requests.filter((q) => q.path === '/lease').map((q) => (q.body as { booking: string }).booking);
      expect(received.sort()).to.deep.equal([...ids].sort());
    } finally {
      await worker.stop();
    }
  });
});

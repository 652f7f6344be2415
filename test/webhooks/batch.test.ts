import { expect } from 'chai';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from '../../src/config.js';
import { rows } from '../../src/db/sql.js';
import { createHttpSender } from '../../src/delivery/http.js';
import { claimBatch, CLAIM_LEASE_MS } from '../../src/webhooks/claim.js';
import { deliver, type DeliverDeps } from '../../src/webhooks/deliver.js';
import { deliveryJobKey, endpointQueue } from '../../src/webhooks/jobs.js';
import type { Client } from '../helpers/client.js';
import { startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { deliveries, type DeliveryJson, jobOf, retryNow, subscribe } from './world.js';

// One webhook_deliver job sends a batch: its own delivery and the other due deliveries of its endpoint, each signed
// with its own webhook-id and recorded on its own. No worker runs here: the tests run the task themselves, so they
// choose which job runs and when, as graphile-worker would.
describe('webhook delivery batches', () => {
  const T = 't-wh-batch';
  let w: EngineWorld;
  let c: Client;
  let n = 0;
  const deps = (batch: DeliverDeps['batch']): DeliverDeps => ({
    ds: w.app.ds, http: createHttpSender({ allowPrivate: true }), retrySchedule: DEFAULT_WEBHOOK_RETRY_SCHEDULE, batch,
  });
  /** Runs the delivery's job as graphile-worker would: locked while it runs, then completed (or, if it throws, unlocked). */
  async function run(batch: DeliverDeps['batch'], deliveryId: string): Promise<void> {
    const [job] = await rows<{ id: string }>(w.app.ds, `UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test-worker'
      WHERE key = $1 AND locked_at IS NULL RETURNING id`, [deliveryJobKey(T, deliveryId)]);
    expect(job, `the job of ${deliveryId}`).to.not.equal(undefined);
    try {
      await deliver(deps(batch), { tenantId: T, deliveryId });
      await w.app.ds.query('DELETE FROM graphile_worker._private_jobs WHERE id = $1', [job.id]);
    } catch (err) {
      await w.app.ds.query('UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE id = $1', [job.id]);
      throw err;
    }
  }

  /** A subscription with `count` test deliveries waiting, each with its job in the endpoint's queue, oldest first. */
  async function endpointWithDeliveries(count: number): Promise<{ sub: { id: string; secret: string }; path: string; ids: string[] }> {
    const path = `/batch-${++n}`;
    const sub = await subscribe(c, { url: `${w.hooks.url}${path}`, eventTypes: ['booking.created'] });
    w.hooks.setSecrets([sub.secret]);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await c.post(`/api/webhooks/${sub.id}/test`);
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      ids.push(res.body.id);
    }
    return { sub, path, ids };
  }

  const byId = async (subId: string) => new Map((await deliveries(c, subId, '?limit=100')).map((d) => [d.id, d] as [string, DeliveryJson]));
  const received = (path: string) => w.hooks.requests.filter((r) => r.path === path);

  before(async () => {
    w = await startEngineWorld({ worker: false });
    c = await w.app.tenant(T);
  });
  beforeEach(() => w.hooks.reset());
  after(async () => { await w.stop(); });

  it('sends the endpoint\'s due deliveries in one job; one fails and is retried on schedule, the others succeed', async () => {
    const { sub, path, ids } = await endpointWithDeliveries(5);
    w.hooks.respondWith(503, 'busy', { times: 1 }); // whichever request arrives first
    await run({ size: 5, concurrency: 5 }, ids[0]);

    const got = received(path);
    expect(got, 'one job sent all five').to.have.length(5);
    expect(got.every((r) => r.verified), 'each signed').to.equal(true);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).to.deep.equal(new Set(ids));
    const failedId = String(got[0].headers['webhook-id']); // the first to arrive got the 503

    const now = await byId(sub.id);
    for (const id of ids.filter((x) => x !== failedId)) {
      expect(now.get(id), id).to.include({ status: 'succeeded', attemptCount: 1, lastStatusCode: 200, lastError: null });
      expect(now.get(id)!.attempts.map((a) => [a.attempt, a.statusCode])).to.deep.equal([[1, 200]]);
      expect(await jobOf(w, T, id), 'a finished delivery\'s job is done').to.equal(undefined);
    }
    const failed = now.get(failedId)!;
    expect(failed).to.include({ status: 'pending', attemptCount: 1, lastStatusCode: 503, lastError: 'HTTP_503: the endpoint answered 503' });
    expect(failed.attempts[0]).to.include({ attempt: 1, statusCode: 503, responseBody: 'busy', errorCode: 'HTTP_503' });
    const job = await jobOf(w, T, failedId);
    expect(job?.queue_name).to.equal(endpointQueue(T, sub.id));
    const last = failed.attempts[0];
    const wait = job!.run_at.getTime() - (Date.parse(last.at) + (last.durationMs ?? 0));
    expect(wait, 'the first retry of the schedule').to.be.within(DEFAULT_WEBHOOK_RETRY_SCHEDULE[0] * 0.9 - 50, DEFAULT_WEBHOOK_RETRY_SCHEDULE[0] * 1.1 + 1500);
  });

  it('starts no request after a failure: the rest go back to the queue, and a failing endpoint gets one delivery per job', async () => {
    const { sub, path, ids } = await endpointWithDeliveries(4);
    w.hooks.respondWith(500, 'down', { times: 1 });
    await run({ size: 4, concurrency: 1 }, ids[0]);
    expect(received(path).map((r) => r.headers['webhook-id'])).to.deep.equal([ids[0]]);
    let now = await byId(sub.id);
    expect(now.get(ids[0])).to.include({ status: 'pending', attemptCount: 1, lastStatusCode: 500 });
    const failingSince = (await c.get(`/api/webhooks/${sub.id}`)).body.failingSince;
    expect(failingSince).to.equal(now.get(ids[0])!.attempts[0].at);
    for (const id of ids.slice(1)) {
      expect(now.get(id), 'not sent').to.include({ status: 'pending', attemptCount: 0 });
      expect((await jobOf(w, T, id))!.run_at.getTime(), 'due again').to.be.at.most(Date.now());
    }

    await run({ size: 4, concurrency: 4 }, ids[1]); // the endpoint is failing: a probe, alone
    expect(received(path).map((r) => r.headers['webhook-id'])).to.deep.equal([ids[0], ids[1]]);
    expect((await c.get(`/api/webhooks/${sub.id}`)).body.failingSince, 'it answered: the streak ended').to.equal(null);

    await run({ size: 4, concurrency: 4 }, ids[2]); // healthy again: the rest in one job
    expect(received(path).map((r) => r.headers['webhook-id']).slice(2).sort()).to.deep.equal([ids[2], ids[3]].sort());
    now = await byId(sub.id);
    for (const id of ids.slice(1)) expect(now.get(id), id).to.include({ status: 'succeeded', attemptCount: 1 });
  });

  it('has at most `concurrency` requests in flight to the endpoint', async () => {
    const { path, ids } = await endpointWithDeliveries(6);
    w.hooks.slow(250); // every answer waits, so the two lanes overlap
    await run({ size: 6, concurrency: 2 }, ids[0]);
    expect(received(path)).to.have.length(6);
    expect(w.hooks.peakInFlight, 'open requests at once, as the receiver saw them').to.equal(2);
  });

  it('holds back the jobs of the deliveries it took, so no other batch takes them, and they run by themselves should it never record', async () => {
    const { sub, path, ids } = await endpointWithDeliveries(3);
    const lockOwn = (worker: string | null) => w.app.ds.query(
      'UPDATE graphile_worker._private_jobs SET locked_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END, locked_by = $2 WHERE key = $1',
      [deliveryJobKey(T, ids[0]), worker]);
    await lockOwn('worker-batch-1'); // a worker runs ids[0]'s job
    const taken = await claimBatch(w.app.ds, { tenantId: T, deliveryId: ids[0], more: 10 });
    expect(taken.map((d) => d.id)).to.deep.equal(ids);
    expect(taken[0].jobId, 'the job\'s own delivery: graphile-worker holds that job').to.equal(null);
    for (const id of ids.slice(1)) {
      const runAt = (await jobOf(w, T, id))!.run_at.getTime();
      expect(runAt - Date.now(), 'leased').to.be.within(CLAIM_LEASE_MS - 10_000, CLAIM_LEASE_MS + 1000);
    }
    const again = await claimBatch(w.app.ds, { tenantId: T, deliveryId: ids[0], more: 10 });
    expect(again.map((d) => d.id), 'a second batch of the endpoint takes none of them').to.deep.equal([ids[0]]);

    // The worker died mid-batch: nothing was sent or recorded. Its own job is released (the heartbeat reaper), and
    // the others are due again when the lease ends: all three are sent, once.
    await lockOwn(null);
    for (const id of ids.slice(1)) await retryNow(w, T, id);
    await run({ size: 10, concurrency: 4 }, ids[1]);
    expect(received(path).map((r) => r.headers['webhook-id']).sort()).to.deep.equal([...ids].sort());
    const now = await byId(sub.id);
    for (const id of ids) expect(now.get(id), id).to.include({ status: 'succeeded', attemptCount: 1 });
  });

  it('disables the endpoint once on a 410 in a batch, and fails the batch\'s other failed deliveries for good', async () => {
    const { sub, path, ids } = await endpointWithDeliveries(3);
    w.hooks.respondWith(410, '', { times: 1 });
    w.hooks.respondWith(503, 'busy');
    await run({ size: 3, concurrency: 3 }, ids[0]);
    expect(received(path)).to.have.length(3);
    const now = await byId(sub.id);
    for (const id of ids) {
      expect(now.get(id), id).to.include({ status: 'failed', attemptCount: 1, nextAttemptAt: null });
      expect(await jobOf(w, T, id), 'not retried').to.equal(undefined);
    }
    expect((await c.get(`/api/webhooks/${sub.id}`)).body).to.include({ enabled: false, disabledReason: 'gone' });
    const notices = (await c.get('/api/events?type=webhook.endpoint_disabled')).body.items.filter((e: { subjectId: string }) => e.subjectId === sub.id);
    expect(notices, 'one notice').to.have.length(1);
    expect(notices[0].data).to.include({ reason: 'gone', lastStatusCode: 410 });
  });

  it('records nothing for a delivery whose subscription was deleted while its batch was sending', async () => {
    const { sub, ids } = await endpointWithDeliveries(3);
    w.hooks.slow(300);
    const sending = run({ size: 3, concurrency: 3 }, ids[0]);
    await w.hooks.waitFor(() => true);
    expect((await c.delete(`/api/webhooks/${sub.id}`)).status).to.equal(204);
    await sending;
    const [left] = await rows<{ n: number }>(w.app.ds, 'SELECT count(*)::int AS n FROM webhook_attempts WHERE tenant_id = $1 AND delivery_id = ANY($2)', [T, ids]);
    expect(left.n).to.equal(0);
    for (const id of ids) expect(await jobOf(w, T, id)).to.equal(undefined);
  });
});

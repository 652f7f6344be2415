import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { settled } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { deliveryJobKey } from '../../src/webhooks/jobs.js';
import { bodyOf, deliveries, delivery, retryNow, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

// Secret rotation, test deliveries and replays. The schedule is one retry after an hour, so a delivery fails for good
// after two attempts.
describe('webhook secret rotation, test deliveries and replays', () => {
  let w: WebhookWorld;
  let c: Client;
  let r: WebhookReceiver;
  let h = 0;
  const newBooking = async () => { h += 2; return (await c.post('/api/bookings', booking({ startTime: inHours(100 + h), endTime: inHours(101 + h) }))).body as { id: string }; };

  before(async () => {
    w = await startWebhookWorld({ env: { BOOKFLOW_WEBHOOK_RETRY_SCHEDULE: '1h' } });
    r = await startWebhookReceiver();
    c = await w.app.tenant('t-wh-rr');
    await seed(w, c);
  });
  after(async () => {
    await w.stop();
    await r.close();
  });

  it('sends a webhook.test event to that endpoint only', async () => {
    const sub = await subscribe(c, { url: `${r.url}/tested`, eventTypes: ['booking.created'] });
    await subscribe(c, { url: `${r.url}/bystander`, eventTypes: ['*'] });
    r.setSecrets([sub.secret]);
    const res = await c.post(`/api/webhooks/${sub.id}/test`);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.body).to.include({ eventType: 'webhook.test', sequence: 0, status: 'pending', webhookId: sub.id });
    const got = await r.waitFor((x) => x.path === '/tested');
    expect(got.verified).to.equal(true);
    expect(got.headers['webhook-id']).to.equal(res.body.id);
    expect(bodyOf(got)).to.deep.include({ type: 'webhook.test', sequence: 0 });
    expect(bodyOf(got).data.webhook).to.include({ id: sub.id });
    await settled(w.app);
    expect(r.requests.filter((x) => x.path === '/bystander')).to.have.length(0);
    const logged = (await c.get(`/api/webhooks/${sub.id}/deliveries/${res.body.id}`)).body;
    expect(logged).to.include({ status: 'succeeded', attemptCount: 1 });
    expect(logged.payload.type).to.equal('webhook.test');
  });

  it('signs with both secrets during the 24-hour overlap after a rotation, then with the new one only', async () => {
    const sub = await subscribe(c, { url: `${r.url}/rotating`, eventTypes: ['booking.created'] });
    const old = sub.secret;
    const fresh = (await c.post(`/api/webhooks/${sub.id}/rotate-secret`)).body.secret as string;
    r.setSecrets([old, fresh]);
    await c.post(`/api/webhooks/${sub.id}/test`);
    const during = await r.waitFor((x) => x.path === '/rotating');
    expect(during.verifiedWith, 'the same request verifies with the old and the new secret').to.deep.equal([0, 1]);
    expect(String(during.headers['webhook-signature']).split(' ')).to.have.length(2);

    // the overlap has passed
    await w.app.ds.query(`UPDATE webhook_subscriptions SET previous_secrets = jsonb_set(previous_secrets, '{0,expiresAt}', to_jsonb((now() - interval '1 second')::text))
      WHERE tenant_id = 't-wh-rr' AND id = $1`, [sub.id]);
    await c.post(`/api/webhooks/${sub.id}/test`);
    const afterwards = await r.waitFor((x) => x.path === '/rotating' && x !== during);
    expect(afterwards.verifiedWith, 'only the new secret').to.deep.equal([1]);
    expect(String(afterwards.headers['webhook-signature']).split(' ')).to.have.length(1);
  });

  it('replays one delivery: the same webhook-id, now, with a fresh schedule', async () => {
    const sub = await subscribe(c, { url: `${r.url}/one`, eventTypes: ['booking.created'] });
    r.respondWith(503, 'down');
    await newBooking();
    const d = await delivery(c, sub.id, (x) => x.attemptCount === 1);
    await retryNow(w, 't-wh-rr', d.id);
    const failed = await delivery(c, sub.id, (x) => x.id === d.id && x.status === 'failed');
    expect(failed.attemptCount).to.equal(2);

    r.reset();
    const res = await c.post(`/api/webhooks/${sub.id}/deliveries/${d.id}/replay`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.status).to.equal('pending');
    const done = await delivery(c, sub.id, (x) => x.id === d.id && x.status === 'succeeded');
    expect(done.attempts.map((a) => a.statusCode)).to.deep.equal([503, 503, 200]);
    expect(r.requests.filter((x) => x.path === '/one').map((x) => x.headers['webhook-id'])).to.deep.equal([d.id]);
    expect((await c.post(`/api/webhooks/${sub.id}/deliveries/dlv_nope/replay`)).status).to.equal(404);

    // replayed three times at once (a double click): sent once, its schedule started once
    const before = r.requests.filter((x) => x.path === '/one').length;
    const replays = await Promise.all([1, 2, 3].map(() => c.post(`/api/webhooks/${sub.id}/deliveries/${d.id}/replay`)));
    expect(replays.map((x) => x.status)).to.deep.equal([200, 200, 200]);
    await delivery(c, sub.id, (x) => x.id === d.id && x.status === 'succeeded' && x.attemptCount === 4);
    await settled(w.app);
    expect(r.requests.filter((x) => x.path === '/one').length - before).to.equal(1);

    // a replay of a delivery already due (its attempt queued, here held back) leaves it as it is: no second job, no
    // fresh schedule
    await w.app.ds.query("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() - interval '1 second', schedule_step = 3 WHERE tenant_id = 't-wh-rr' AND id = $1", [d.id]);
    expect((await c.post(`/api/webhooks/${sub.id}/deliveries/${d.id}/replay`)).status).to.equal(200);
    const [held] = await w.app.ds.query("SELECT schedule_step, (SELECT count(*)::int FROM graphile_worker._private_jobs WHERE key = $2) AS jobs FROM webhook_deliveries WHERE tenant_id = 't-wh-rr' AND id = $1", [d.id, deliveryJobKey('t-wh-rr', d.id)]);
    expect(held).to.deep.equal({ schedule_step: 3, jobs: 0 });
    await w.app.ds.query("UPDATE webhook_deliveries SET status = 'succeeded', next_attempt_at = NULL WHERE tenant_id = 't-wh-rr' AND id = $1", [d.id]);
  });

  it('replays every delivery that failed since a time, and only those', async () => {
    const sub = await subscribe(c, { url: `${r.url}/many`, eventTypes: ['booking.created'] });
    await newBooking();
    const ok = await delivery(c, sub.id, (x) => x.status === 'succeeded');
    r.respondWith(500, 'down');
    for (let i = 0; i < 3; i++) await newBooking();
    await settled(w.app); // the first attempts are made; the retries wait an hour
    const failedIds: string[] = [];
    for (const d of (await deliveries(c, sub.id)).filter((x) => x.id !== ok.id)) {
      await retryNow(w, 't-wh-rr', d.id);
      failedIds.push((await delivery(c, sub.id, (x) => x.id === d.id && x.status === 'failed')).id);
    }
    expect(failedIds).to.have.length(3);
    // one of them failed long ago
    await w.app.ds.query("UPDATE webhook_deliveries SET created_at = now() - interval '3 days' WHERE tenant_id = 't-wh-rr' AND id = $1", [failedIds[0]]);
    r.reset();

    const since = new Date(Date.now() - 24 * 3600_000).toISOString();
    const res = await c.post(`/api/webhooks/${sub.id}/replay`, { since });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ replayed: 2 });
    await settled(w.app);
    const now = await deliveries(c, sub.id);
    const status = (id: string) => now.find((x) => x.id === id)!.status;
    expect(failedIds.map(status)).to.deep.equal(['failed', 'succeeded', 'succeeded']);
    expect(r.requests.filter((x) => x.path === '/many').map((x) => x.headers['webhook-id']).sort()).to.deep.equal([...failedIds.slice(1)].sort());
    expect(now.find((x) => x.id === ok.id)!.attemptCount, 'a delivery that succeeded is not sent again').to.equal(1);

    const missing = await c.post(`/api/webhooks/${sub.id}/replay`, {});
    expect(missing.status).to.equal(400);
  });

  it('refuses to send to a disabled subscription until it is enabled again', async () => {
    const sub = await subscribe(c, { url: `${r.url}/paused`, enabled: false });
    for (const res of [await c.post(`/api/webhooks/${sub.id}/test`), await c.post(`/api/webhooks/${sub.id}/replay`, { since: new Date(0).toISOString() })]) {
      expect(res.status, JSON.stringify(res.body)).to.equal(409);
      expect(res.body.code).to.equal('WEBHOOK_DISABLED');
    }
    await c.patch(`/api/webhooks/${sub.id}`, { enabled: true });
    expect((await c.post(`/api/webhooks/${sub.id}/test`)).status).to.equal(202);
  });
});

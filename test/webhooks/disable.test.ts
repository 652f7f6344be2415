import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { eventually, settled } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { bodyOf, deliveries, delivery, noJobLeft, retryNow, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

// Bookflow disables an endpoint that answers 410 Gone, or that failed every attempt for 5 days, records
// webhook.endpoint_disabled, and the default workflow emails the tenant's admin address.
describe('webhook endpoints disabled by Bookflow', () => {
  let w: WebhookWorld;
  let c: Client;
  let dead: WebhookReceiver;
  let h = 0;
  const newBooking = async () => { h += 2; return (await c.post('/api/bookings', booking({ startTime: inHours(400 + h), endTime: inHours(401 + h) }))).body as { id: string }; };

  before(async () => {
    w = await startWebhookWorld();
    dead = await startWebhookReceiver();
    c = await w.app.tenant('t-wh-d', { adminEmail: 'owner@club.example' });
    await seed(w, c);
  });
  after(async () => {
    await w.stop();
    await dead.close();
  });

  async function expectDisabledNotice(sub: { id: string; url: string }, reason: string): Promise<void> {
    const events = (await c.get('/api/events?type=webhook.endpoint_disabled')).body.items.filter((e: { subjectId: string }) => e.subjectId === sub.id);
    expect(events, 'one event per disabling').to.have.length(1);
    expect(events[0].data).to.include({ reason });
    expect(events[0].data.webhook).to.include({ id: sub.id, url: sub.url });
    const mail = await w.smtp.waitFor((m) => m.subject === `Webhook endpoint disabled: ${sub.url}`);
    expect(mail.to).to.deep.equal(['owner@club.example']);
    expect(mail.html).to.include(sub.url).and.include(`/api/webhooks/${sub.id}/replay`);
  }

  it('disables an endpoint at once when it answers 410 Gone, tells the admin, and sends it nothing more', async () => {
    await subscribe(c, { url: `${w.hooks.url}/watcher`, eventTypes: ['webhook.endpoint_disabled'] });
    dead.gone();
    const sub = await subscribe(c, { url: `${dead.url}/gone`, eventTypes: ['booking.created'], description: 'old CRM' });
    await newBooking();
    const d = await delivery(c, sub.id, (x) => x.status === 'failed');
    expect(d.attempts.map((a) => a.statusCode)).to.deep.equal([410]);
    expect(await noJobLeft(w, 't-wh-d', d.id), 'not retried').to.equal(true);
    expect((await c.get(`/api/webhooks/${sub.id}`)).body).to.include({ enabled: false, disabledReason: 'gone' });
    await expectDisabledNotice(sub, 'gone');
    const notice = bodyOf(await w.hooks.waitFor((r) => r.path === '/watcher'));
    expect(notice.type).to.equal('webhook.endpoint_disabled');
    expect(notice.data.webhook).to.include({ id: sub.id, description: 'old CRM' });

    await newBooking();
    await settled(w.app);
    expect(dead.requests.filter((r) => r.path === '/gone')).to.have.length(1);
    expect(await deliveries(c, sub.id)).to.have.length(1);
    dead.reset();
  });

  it('disables an endpoint failing continuously for 5 days (checked on each failed attempt), and not before', async () => {
    dead.respondWith(503, 'maintenance');
    const sub = await subscribe(c, { url: `${dead.url}/failing`, eventTypes: ['booking.created'] });
    await newBooking();
    const d = await delivery(c, sub.id, (x) => x.attemptCount === 1);
    const backdate = (age: string) => w.app.ds.query(
      `UPDATE webhook_subscriptions SET failing_since = now() - $2::interval WHERE tenant_id = 't-wh-d' AND id = $1`, [sub.id, age]);

    await backdate('4 days 23 hours'); // the streak began almost 5 days ago
    await retryNow(w, 't-wh-d', d.id);
    await delivery(c, sub.id, (x) => x.id === d.id && x.attemptCount === 2);
    expect((await c.get(`/api/webhooks/${sub.id}`)).body.enabled, 'not yet').to.equal(true);

    await backdate('5 days 1 minute');
    await retryNow(w, 't-wh-d', d.id);
    const last = await delivery(c, sub.id, (x) => x.id === d.id && x.attemptCount === 3);
    expect(last.status).to.equal('failed');
    expect(await noJobLeft(w, 't-wh-d', d.id)).to.equal(true);
    const disabled = (await c.get(`/api/webhooks/${sub.id}`)).body;
    expect(disabled).to.include({ enabled: false, disabledReason: 'failing' });
    await expectDisabledNotice(sub, 'failing');
    const event = (await c.get('/api/events?type=webhook.endpoint_disabled')).body.items.find((e: { subjectId: string }) => e.subjectId === sub.id);
    expect(event.data).to.include({ lastStatusCode: 503, failingSince: disabled.failingSince });

    // enabled again: a fresh start, and events flow again
    dead.reset();
    const enabled = (await c.patch(`/api/webhooks/${sub.id}`, { enabled: true })).body;
    expect(enabled).to.include({ enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
    await newBooking();
    await eventually(async () => (await deliveries(c, sub.id)).find((x) => x.status === 'succeeded'));
  });

  it('fails a disabled endpoint\'s pending retries without sending them; a replay after enabling sends them', async () => {
    dead.respondWith(503, 'busy');
    const sub = await subscribe(c, { url: `${dead.url}/paused`, eventTypes: ['booking.created'] });
    await newBooking();
    const d = await delivery(c, sub.id, (x) => x.attemptCount === 1);
    await c.patch(`/api/webhooks/${sub.id}`, { enabled: false });
    await retryNow(w, 't-wh-d', d.id);
    const failed = await delivery(c, sub.id, (x) => x.id === d.id && x.status === 'failed');
    expect(failed.attemptCount, 'no request was made').to.equal(1);
    expect(failed.lastError).to.match(/^ENDPOINT_DISABLED/);

    dead.reset();
    await c.patch(`/api/webhooks/${sub.id}`, { enabled: true });
    expect((await c.post(`/api/webhooks/${sub.id}/replay`, { since: d.createdAt })).body).to.deep.equal({ replayed: 1 });
    await delivery(c, sub.id, (x) => x.id === d.id && x.status === 'succeeded');
    expect(dead.requests.filter((r) => r.path === '/paused')).to.have.length(1);
  });

  it('records a run of the default workflow for each notice', async () => {
    const defaults = (await c.get('/api/workflows/defaults')).body.items;
    const id = defaults.find((x: { key: string }) => x.key === 'webhooks.endpoint_disabled').workflowId;
    const runs = await eventually(async () => {
      const items = (await c.get(`/api/workflows/${id}/runs`)).body.items.filter((r: { status: string }) => r.status === 'succeeded');
      return items.length === 2 ? items : null;
    });
    expect(runs.map((r: { steps: { outcome: string }[] }) => r.steps[0].outcome)).to.deep.equal(['sent', 'sent']);
  });
});

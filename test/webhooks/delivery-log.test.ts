import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { deliveries, delivery, type DeliveryJson, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

// The delivery log: newest first, filtered by status, event type and time, paged with a cursor; each attempt with
// its time, status code, duration, answer (truncated) and error.
describe('webhook delivery log', () => {
  let w: WebhookWorld;
  let c: Client;
  let sub: { id: string };
  const made: DeliveryJson[] = []; // oldest first

  before(async () => {
    w = await startWebhookWorld({ env: { BOOKFLOW_WEBHOOK_RETRY_SCHEDULE: '1h' } }); // the failed one stays pending
    c = await w.app.tenant('t-wh-log');
    await seed(w, c);
    sub = await subscribe(c, { url: `${w.hooks.url}/log`, eventTypes: ['booking.created', 'customer.created'] });
    const next = async (what: string) => {
      const d = await delivery(c, sub.id, (x) => x.attemptCount > 0 && !made.some((m) => m.id === x.id), what);
      made.push(d);
    };
    w.hooks.respondWith(200, 'x'.repeat(20_000), { times: 1 });
    await c.post('/api/bookings', booking({ startTime: inHours(50), endTime: inHours(51) }));
    await next('the first booking');
    await c.post('/api/customers', { name: 'Logged Customer' });
    await next('the customer');
    w.hooks.respondWith(500, { error: 'no' }, { times: 1 });
    await c.post('/api/bookings', booking({ startTime: inHours(52), endTime: inHours(53) }));
    await next('the failing booking');
    await c.post(`/api/webhooks/${sub.id}/test`);
    await next('the test');
  });
  after(async () => { await w.stop(); });

  const ids = (items: DeliveryJson[]) => items.map((d) => d.id);

  it('lists deliveries newest first, a page at a time', async () => {
    const first = await c.get(`/api/webhooks/${sub.id}/deliveries?limit=3`);
    expect(first.body.items).to.have.length(3);
    expect(first.body.nextCursor).to.be.a('string');
    const second = await c.get(`/api/webhooks/${sub.id}/deliveries?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.nextCursor).to.equal(null);
    expect([...ids(first.body.items), ...ids(second.body.items)]).to.deep.equal(ids(made).reverse());
    expect((await c.get(`/api/webhooks/${sub.id}/deliveries?cursor=garbage`)).status).to.equal(400);
  });

  it('filters by status, event type and time', async () => {
    const [bk1, cus, bk2, test] = made;
    expect(ids(await deliveries(c, sub.id, '?status=pending'))).to.deep.equal([bk2.id]);
    expect(ids(await deliveries(c, sub.id, '?status=succeeded'))).to.deep.equal([test.id, cus.id, bk1.id]);
    expect(ids(await deliveries(c, sub.id, '?eventType=customer.created'))).to.deep.equal([cus.id]);
    expect(ids(await deliveries(c, sub.id, '?eventType=webhook.test'))).to.deep.equal([test.id]);
    const q = `?from=${encodeURIComponent(cus.createdAt)}&to=${encodeURIComponent(test.createdAt)}`;
    expect(ids(await deliveries(c, sub.id, q)), 'from inclusive, to exclusive').to.deep.equal([bk2.id, cus.id]);
    expect((await c.get(`/api/webhooks/${sub.id}/deliveries?status=lost`)).status).to.equal(400);
  });

  it('shows each attempt with its time, status, duration, the first 2 KiB of the answer, and the error', async () => {
    const [bk1, , bk2] = made;
    const a1 = bk1.attempts[0];
    expect(a1).to.include({ attempt: 1, statusCode: 200, errorCode: null, error: null });
    expect(a1.responseBody).to.equal('x'.repeat(2048));
    expect(a1.durationMs).to.be.a('number');
    expect(Date.parse(a1.at)).to.be.closeTo(Date.parse(bk1.createdAt), 30_000);
    expect(bk2).to.include({ status: 'pending', lastStatusCode: 500, lastError: 'HTTP_500: the endpoint answered 500' });
    expect(bk2.attempts[0]).to.include({ statusCode: 500, responseBody: '{"error":"no"}', errorCode: 'HTTP_500' });
    expect(Date.parse(bk2.nextAttemptAt!)).to.be.greaterThan(Date.parse(bk2.attempts[0].at));
  });

  it('shows one delivery with the exact body that was sent', async () => {
    const [bk1] = made;
    const one = (await c.get(`/api/webhooks/${sub.id}/deliveries/${bk1.id}`)).body;
    const sent = w.hooks.requests.find((r) => r.headers['webhook-id'] === bk1.id)!;
    expect(one.payload).to.deep.equal(JSON.parse(sent.rawBody));
    expect(one.attempts).to.have.length(1);
    expect((await c.get(`/api/webhooks/${sub.id}/deliveries/dlv_unknown`)).status).to.equal(404);
  });
});

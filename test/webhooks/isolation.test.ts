import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { eventually, settled } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { bodyOf, deliveries, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

// Two tenants: their deliveries and delivery logs never mix, and a slow endpoint of one does not hold up the other.
describe('webhook tenant and endpoint isolation', () => {
  let w: WebhookWorld;
  let a: Client;
  let b: Client;
  let slow: WebhookReceiver;
  let h = 0;
  const newBooking = async (c: Client) => {
    h += 2;
    const res = await c.post('/api/bookings', booking({ startTime: inHours(600 + h), endTime: inHours(601 + h) }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: string };
  };

  before(async () => {
    w = await startWebhookWorld(); // 4 worker slots
    slow = await startWebhookReceiver();
    a = await w.app.tenant('t-wh-ia');
    b = await w.app.tenant('t-wh-ib');
    await seed(w, a);
    await seed(w, b);
  });
  after(async () => {
    await w.stop();
    await slow.close();
  });

  it('delivers each tenant\'s events to its own subscriptions only, and keeps delivery logs apart', async () => {
    const subA = await subscribe(a, { url: `${w.hooks.url}/a`, eventTypes: ['booking.created'] });
    const subB = await subscribe(b, { url: `${w.hooks.url}/b`, eventTypes: ['booking.created'] });
    const bkA = await newBooking(a);
    const bkB = await newBooking(b);
    await settled(w.app);
    const ids = (path: string) => w.hooks.requests.filter((r) => r.path === path).map((r) => bodyOf(r).data.booking.id);
    expect(ids('/a')).to.deep.equal([bkA.id]);
    expect(ids('/b')).to.deep.equal([bkB.id]);

    const [dB] = await deliveries(b, subB.id);
    expect((await a.get(`/api/webhooks/${subB.id}/deliveries`)).status).to.equal(404);
    expect((await a.get(`/api/webhooks/${subA.id}/deliveries/${dB.id}`)).status, 'B\'s delivery under A\'s webhook').to.equal(404);
    expect((await a.post(`/api/webhooks/${subA.id}/deliveries/${dB.id}/replay`)).status).to.equal(404);
    expect((await a.post(`/api/webhooks/${subB.id}/deliveries/${dB.id}/replay`)).status).to.equal(404);
    expect((await deliveries(a, subA.id)).map((d) => d.id)).to.not.include(dB.id);
    expect((await b.get(`/api/webhooks/${subB.id}/deliveries/${dB.id}`)).body.attemptCount, 'B\'s delivery untouched').to.equal(1);
    await a.delete(`/api/webhooks/${subA.id}`);
    await b.delete(`/api/webhooks/${subB.id}`);
  });

  it('keeps delivering another tenant\'s events while one tenant\'s endpoint answers slowly', async () => {
    // Tenant A's endpoint takes 3 s per answer, and A has more deliveries than there are worker slots. Were they
    // sharing slots with everyone, all 4 slots would be waiting on A and B's deliveries would queue behind them.
    slow.slow(3000);
    const subA = await subscribe(a, { url: `${slow.url}/slow`, eventTypes: ['booking.created'] });
    await subscribe(b, { url: `${w.hooks.url}/prompt`, eventTypes: ['booking.created'] });
    const A_COUNT = 8;
    for (let i = 0; i < A_COUNT; i++) await newBooking(a);
    await slow.waitFor(() => true);
    const bBookings = [];
    for (let i = 0; i < 3; i++) bBookings.push((await newBooking(b)).id);

    for (const id of bBookings) await w.hooks.waitFor((r) => r.path === '/prompt' && bodyOf(r).data.booking.id === id, 20_000);
    const aArrived = slow.requests.length;
    expect(aArrived, 'B\'s deliveries all arrived while A\'s were still trickling in').to.be.below(A_COUNT);
    expect(aArrived).to.be.at.least(1);

    await a.delete(`/api/webhooks/${subA.id}`); // drops A's queued deliveries, so the test need not wait for them
  });

  it('keeps sending workflow messages while one tenant\'s endpoints all hang: webhook deliveries have a pool of their own', async () => {
    // A has more endpoints than there are worker slots (4 for dispatch and steps, 4 for deliveries), each answering
    // only after 8 s. Sharing one pool, A's deliveries would hold every slot and B's confirmation would wait for them.
    await eventually(async () => slow.inFlight === 0, 10_000, 'the slow endpoint to answer what it holds');
    slow.reset();
    slow.slow(8000);
    const subs = [];
    for (let i = 0; i < 6; i++) subs.push(await subscribe(a, { url: `${slow.url}/hang/${i}`, eventTypes: ['booking.created'] }));
    const wf = await b.post('/api/workflows', { name: 'Confirmation', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked {{booking.id}}', html: 'x' } }] });
    expect(wf.status).to.equal(201);
    await newBooking(a);
    await eventually(async () => slow.inFlight === 4, 10_000, 'every delivery slot to wait on A');
    const mine = await newBooking(b);
    await w.smtp.waitFor((m) => m.subject === `Booked ${mine.id}`, 15_000);
    expect(slow.inFlight, 'B\'s email went out while all of A\'s deliveries were still waiting for an answer').to.equal(4);
    for (const s of subs) await a.delete(`/api/webhooks/${s.id}`);
  });

  it('keeps sending workflow messages while one tenant\'s workflow webhook steps all hang: they run in the endpoint pool', async () => {
    // A's workflow calls its own endpoint on every booking, and that endpoint answers only after 8 s. Four bookings,
    // each step in its own job, fill 4 slots: were those the slots that send emails, B's confirmation would wait.
    await eventually(async () => slow.inFlight === 0, 15_000, 'the slow endpoint to answer what it holds');
    slow.reset();
    slow.slow(8000);
    const hook = await a.post('/api/workflows', { name: 'To our system', trigger: { type: 'booking.created' }, actions: [{ type: 'webhook', config: { url: `${slow.url}/step` } }] });
    expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
    const wf = await b.post('/api/workflows', { name: 'Confirmed', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Confirmed {{booking.id}}', html: 'x' } }] });
    expect(wf.status).to.equal(201);
    for (let i = 1; i <= 4; i++) {
      await newBooking(a);
      await eventually(async () => slow.inFlight === i, 10_000, `webhook step ${i} to wait on A's endpoint`);
    }
    const mine = await newBooking(b);
    await w.smtp.waitFor((m) => m.subject === `Confirmed ${mine.id}`, 15_000);
    expect(slow.inFlight, 'B\'s email went out while all of A\'s webhook steps were still waiting for an answer').to.equal(4);
    await a.post(`/api/workflows/${hook.body.id}/disable`);
  });
});

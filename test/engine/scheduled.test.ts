// GET /api/scheduled: the reminders waiting for their moment, soonest first, this tenant's only.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

describe('scheduled reminders', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp({ worker: false });
    c = await app.tenant('t-sched');
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  it('lists what will be sent and when, follows a move and a cancellation, and shows no other tenant\'s', async () => {
    const wf = await c.post('/api/workflows', {
      name: 'Reminder 24h', trigger: { type: 'booking.before_start', config: { offset: { amount: 24, unit: 'hours' } } },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'Tomorrow!' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    const soon = (await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(72), endTime: inHours(73) }))).body;
    const later = (await c.post('/api/bookings', booking({ customerId: 'm-1', startTime: inHours(48), endTime: inHours(49) }))).body;
    const far = (await c.post('/api/bookings', booking({ startTime: inHours(24 * 20), endTime: inHours(24 * 20 + 1) }))).body;

    const res = await c.get('/api/scheduled');
    expect(res.status).to.equal(200);
    expect(res.body.items.map((r: { bookingId: string }) => r.bookingId), 'soonest first, within 7 days').to.deep.equal([later.id, soon.id]);
    expect(res.body.items[0]).to.deep.include({
      workflowId: wf.body.id, workflowName: 'Reminder 24h', customerId: 'm-1', customerName: 'Kari Nordmann',
      runAt: new Date(Date.parse(later.startTime) - 86_400_000).toISOString(), startTime: later.startTime,
    });
    const wider = (await c.get(`/api/scheduled?to=${encodeURIComponent(inHours(24 * 30))}`)).body.items;
    expect(wider.map((r: { bookingId: string }) => r.bookingId)).to.include(far.id);

    // Reminders follow the booking: a cancelled one is no longer scheduled, a moved one is at its new time.
    expect((await c.post(`/api/bookings/${later.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    expect((await c.patch(`/api/bookings/${soon.id}`, { startTime: inHours(96), endTime: inHours(97) })).status).to.equal(200);
    const after = (await c.get('/api/scheduled')).body.items as { bookingId: string; runAt: string }[];
    expect(after.map((r) => r.bookingId)).to.deep.equal([soon.id]);
    expect(after[0].runAt).to.equal(new Date(Date.parse((await c.get(`/api/bookings/${soon.id}`)).body.startTime) - 86_400_000).toISOString());

    const other = await app.tenant('t-sched-other');
    expect((await other.get(`/api/scheduled?to=${encodeURIComponent(inHours(24 * 30))}`)).body.items).to.deep.equal([]);
    const bad = await c.get(`/api/scheduled?from=${encodeURIComponent(inHours(10))}&to=${encodeURIComponent(inHours(5))}`);
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/to');
    // names the tenant's workflows, which an app key (a booking site) does not see
    const appKey = (await c.post('/api/keys', { role: 'app' })).body.secret;
    expect((await app.client(appKey).get('/api/scheduled')).status).to.equal(403);
  });
});

import { expect } from 'chai';
import { insertBooking } from '../../src/domain/bookings.js';
import { record } from '../../src/domain/events.js';
import { one, rows } from '../../src/db/sql.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

interface Ev { id: string; type: string; subjectId: string; data: Record<string, any> }

describe('the event log', () => {
  let app: TestApp;
  let c: Client;
  let h = 1000;
  const slot = (len = 1) => { h += 3; return { startTime: inHours(h), endTime: inHours(h + len) }; };

  before(async () => {
    app = await startTestApp();
    c = await app.tenant('t-ev');
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  /** Runs `fn` and returns the events it recorded, oldest first. */
  async function eventsOf(fn: () => Promise<unknown>): Promise<Ev[]> {
    const top = (await c.get('/api/events?limit=1')).body.items[0]?.id ?? '0';
    await fn();
    const all = (await c.get('/api/events?limit=500')).body.items as Ev[];
    return all.filter((e) => BigInt(e.id) > BigInt(top)).reverse();
  }
  const types = (evs: Ev[]) => evs.map((e) => e.type);

  it('records customer.created with the full customer', async () => {
    const evs = await eventsOf(() => c.post('/api/customers', { id: 'm-new', name: 'New Person', email: 'new@example.com' }));
    expect(types(evs)).to.deep.equal(['customer.created']);
    expect(evs[0].data.customer).to.include({ id: 'm-new', name: 'New Person' });
  });

  it('records booking.created, booking.changed (with previous values) and booking.status_changed', async () => {
    let id = '';
    const created = await eventsOf(async () => { id = (await c.post('/api/bookings', { ...booking(slot()), notes: 'first "visit" \\ ünïcode' })).body.id; });
    expect(types(created)).to.deep.equal(['booking.created']);
    // The event's booking is built by the statement that inserts it: every field as the API shows the booking.
    expect(created[0].data.booking).to.deep.equal((await c.get(`/api/bookings/${id}`)).body);

    const changed = await eventsOf(() => c.patch(`/api/bookings/${id}`, { notes: 'window seat' }));
    expect(types(changed)).to.deep.equal(['booking.changed']);
    expect(changed[0].data.changes).to.deep.equal({ notes: { from: 'first "visit" \\ ünïcode', to: 'window seat' } });

    const noop = await eventsOf(() => c.patch(`/api/bookings/${id}`, { notes: 'window seat' }));
    expect(noop, 'a PATCH that changes nothing records nothing').to.have.length(0);

    const completed = await eventsOf(() => c.post(`/api/bookings/${id}/status`, { status: 'completed', reason: 'played' }));
    expect(types(completed), 'completing does not free capacity').to.deep.equal(['booking.status_changed']);
    expect(completed[0].data).to.include({ from: 'confirmed', to: 'completed', reason: 'played' });
  });

  for (const [status, reason] of [['cancelled', 'cancelled'], ['not_taken', 'not_taken']] as const) {
    it(`records slot.freed (${reason}) when a confirmed booking becomes ${status}`, async () => {
      const s = slot();
      const b = (await c.post('/api/bookings', booking(s))).body;
      const evs = await eventsOf(() => c.post(`/api/bookings/${b.id}/status`, { status }));
      expect(types(evs)).to.deep.equal(['booking.status_changed', 'slot.freed']);
      expect(evs[1].data).to.deep.equal({ resourceId: 'r-1', locationId: 'c-1', startTime: s.startTime, endTime: s.endTime, seats: 1, reason, bookingId: b.id });
    });
  }

  it('records slot.freed (declined) for a declined pending booking', async () => {
    const b = (await c.post('/api/bookings', booking({ ...slot(), status: 'pending' }))).body;
    const evs = await eventsOf(() => c.post(`/api/bookings/${b.id}/status`, { status: 'declined' }));
    expect(types(evs)).to.deep.equal(['booking.status_changed', 'slot.freed']);
    expect(evs[1].data.reason).to.equal('declined');
  });

  it('records booking.deleted and slot.freed (deleted)', async () => {
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const evs = await eventsOf(() => c.delete(`/api/bookings/${b.id}`));
    expect(types(evs)).to.deep.equal(['booking.deleted', 'slot.freed']);
    expect(evs[0].data.booking.id).to.equal(b.id);
    expect(evs[1].data.reason).to.equal('deleted');
  });

  it('records slot.freed (rescheduled) for the old interval when a booking moves', async () => {
    const s = slot();
    const b = (await c.post('/api/bookings', booking(s))).body;
    const to = slot();
    const evs = await eventsOf(() => c.patch(`/api/bookings/${b.id}`, to));
    expect(types(evs)).to.deep.equal(['booking.changed', 'slot.freed']);
    expect(evs[0].data.changes.startTime).to.deep.equal({ from: s.startTime, to: to.startTime });
    expect(evs[1].data).to.include({ reason: 'rescheduled', startTime: s.startTime, endTime: s.endTime, seats: 1 });
    // a time sent with an offset is recorded as stored (UTC), like the value it replaced
    const later = slot();
    const withOffset = (iso: string) => new Date(Date.parse(iso) + 2 * 3_600_000).toISOString().replace('.000Z', '+02:00');
    const again = await eventsOf(() => c.patch(`/api/bookings/${b.id}`, { startTime: withOffset(later.startTime), endTime: withOffset(later.endTime) }));
    expect(again[0].data.changes.startTime).to.deep.equal({ from: to.startTime, to: later.startTime });
  });

  it('records slot.freed (seats_reduced) with the number of seats freed', async () => {
    const b = (await c.post('/api/bookings', booking({ ...slot(), resourceId: 'r-3', seats: 3 }))).body;
    const evs = await eventsOf(() => c.patch(`/api/bookings/${b.id}`, { seats: 1 }));
    expect(types(evs)).to.deep.equal(['booking.changed', 'slot.freed']);
    expect(evs[1].data).to.include({ reason: 'seats_reduced', seats: 2 });
  });

  it('records slot.freed (capacity_increased) when a resource gains seats, and refuses to shrink below bookings', async () => {
    await c.post('/api/bookings', booking({ ...slot(), resourceId: 'r-3', seats: 3 }));
    const shrink = await c.patch('/api/resources/r-3', { capacity: 2 });
    expect(shrink.status).to.equal(409);
    expect(shrink.body.code).to.equal('CAPACITY_IN_USE');
    const evs = await eventsOf(() => c.patch('/api/resources/r-3', { capacity: 5 }));
    expect(types(evs)).to.deep.equal(['slot.freed']);
    expect(evs[0].data).to.include({ reason: 'capacity_increased', seats: 2, resourceId: 'r-3', endTime: null });
  });

  it('records no slot.freed for a booking that held no capacity', async () => {
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    const evs = await eventsOf(() => c.delete(`/api/bookings/${b.id}`));
    expect(types(evs)).to.deep.equal(['booking.deleted']);
  });

  it('records payment.completed once, on creation or on the first move to completed', async () => {
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const evs = await eventsOf(() => c.post('/api/payments', { bookingId: b.id, amount: 450, currency: 'NOK', status: 'completed' }));
    expect(types(evs)).to.deep.equal(['payment.completed']);
    expect(evs[0].data.payment).to.include({ amount: 450, currency: 'NOK' });
    expect(evs[0].data.booking.id).to.equal(b.id);
    let pid = '';
    const pending = await eventsOf(async () => { pid = (await c.post('/api/payments', { bookingId: b.id, amount: 12.5, currency: 'EUR', status: 'pending' })).body.id; });
    expect(pending).to.have.length(0);
    const done = await eventsOf(() => c.patch(`/api/payments/${pid}`, { status: 'completed' }));
    expect(types(done)).to.deep.equal(['payment.completed']);
    await c.patch(`/api/payments/${pid}`, { status: 'refunded' });
    const again = await eventsOf(() => c.patch(`/api/payments/${pid}`, { status: 'completed' }));
    expect(again).to.have.length(0);
  });

  it('writes each event with its dispatch job in the same transaction: a rollback leaves neither', async () => {
    const eventsBefore = await one<{ n: number }>(app.ds, 'SELECT count(*)::int AS n FROM events');
    const jobsBefore = await one<{ n: number }>(app.ds, 'SELECT count(*)::int AS n FROM graphile_worker.jobs');
    await app.ds.transaction(async (tx) => {
      // a booking with its event and job, then a failure in the same transaction
      await insertBooking(tx, { tenantId: 't-ev' }, { customerId: 'm-1', resourceId: 'r-1', ...slot() });
      const inside = await one<{ n: number }>(tx, 'SELECT count(*)::int AS n FROM graphile_worker.jobs');
      expect(inside!.n).to.equal(jobsBefore!.n + 1);
      throw new Error('forced rollback');
    }).catch((err: Error) => expect(err.message).to.equal('forced rollback'));
    expect((await one<{ n: number }>(app.ds, 'SELECT count(*)::int AS n FROM events'))!.n).to.equal(eventsBefore!.n);
    expect((await one<{ n: number }>(app.ds, 'SELECT count(*)::int AS n FROM graphile_worker.jobs'))!.n).to.equal(jobsBefore!.n);
  });

  it('enqueues one dispatch_event job per event, which the worker processes', async () => {
    const jobs = await rows<{ payload: { eventId: string; tenantId: string } }>(app.ds,
      `SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE t.identifier = 'dispatch_event'`);
    const evs = await rows<{ id: string }>(app.ds, "SELECT id::text FROM events WHERE tenant_id = 't-ev'");
    expect(jobs.map((j) => j.payload.eventId).sort()).to.deep.equal(evs.map((e) => e.id).sort());
    await app.startWorker();
    for (let i = 0; i < 100; i++) {
      const left = await one<{ n: number }>(app.ds, 'SELECT count(*)::int AS n FROM events WHERE dispatched_at IS NULL');
      if (left!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await one<{ n: number }>(app.ds, 'SELECT count(*)::int AS n FROM events WHERE dispatched_at IS NULL'))!.n).to.equal(0);
  });

  it('filters events by type and subject, newest first', async () => {
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    const bySubject = (await c.get(`/api/events?subjectType=booking&subjectId=${b.id}`)).body.items as Ev[];
    expect(types(bySubject)).to.deep.equal(['booking.status_changed', 'booking.created']);
    const byType = (await c.get('/api/events?type=customer.created&limit=500')).body.items as Ev[];
    expect(byType.every((e) => e.type === 'customer.created')).to.equal(true);
    expect(byType.length).to.equal(4);
    const one1 = await c.get(`/api/events/${bySubject[0].id}`);
    expect(one1.status).to.equal(200);
    expect(one1.body.type).to.equal('booking.status_changed');
  });

  it('keeps events that name where messages and webhooks go (with their credentials) from app keys', async () => {
    const url = 'https://crm.example.com/hook?api_key=SECRET';
    const ids = await app.ds.transaction(async (tx) => [
      await record(tx, { tenantId: 't-ev' }, { type: 'message.failed', subject: { type: 'run', id: 'run_x' }, data: { channel: 'webhook', recipient: url } }),
      await record(tx, { tenantId: 't-ev' }, { type: 'webhook.endpoint_disabled', subject: { type: 'webhook', id: 'wh_x' }, data: { webhook: { url } } }),
    ]);
    const appKey = app.client((await c.post('/api/keys', { role: 'app' })).body.secret);
    const seen = async (k: Client, q = '') => ((await k.get(`/api/events?limit=50${q}`)).body.items as Ev[]).map((e) => e.id);
    expect(await seen(c)).to.include.members(ids);
    expect(await seen(appKey)).to.not.include.members([ids[0]]).and.not.include.members([ids[1]]);
    expect(await seen(appKey, '&type=message.failed')).to.deep.equal([]);
    expect((await appKey.get('/api/events?limit=50')).body.items.length, 'the others still').to.be.above(0);
    for (const id of ids) {
      expect((await appKey.get(`/api/events/${id}`)).status).to.equal(404);
      expect((await c.get(`/api/events/${id}`)).status).to.equal(200);
    }
  });
});

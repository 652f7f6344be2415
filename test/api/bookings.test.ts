import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

describe('bookings and capacity', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp();
    c = await app.tenant('t-1');
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  it('creates a booking with defaults and a client-chosen id, and gets it back', async () => {
    const res = await c.post('/api/bookings', booking({ id: 'res-456', resourceId: 'r-3', notes: 'racket rental' }));
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ id: 'res-456', seats: 1, status: 'confirmed', customerId: 'm-1', resourceId: 'r-3', notes: 'racket rental' });
    const got = await c.get('/api/bookings/res-456');
    expect(got.status).to.equal(200);
    expect(got.body).to.deep.equal(res.body);
  });

  it('refuses a booking into a full slot with 409 SLOT_FULL, and allows one that only touches it', async () => {
    const start = inHours(100);
    const end = inHours(101);
    expect((await c.post('/api/bookings', booking({ startTime: start, endTime: end }))).status).to.equal(201);
    const full = await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(100.5), endTime: inHours(101.5) }));
    expect(full.status).to.equal(409);
    expect(full.body.code).to.equal('SLOT_FULL');
    const adjacent = await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: end, endTime: inHours(102) }));
    expect(adjacent.status).to.equal(201);
  });

  it('checks seats per instant: two bookings that do not overlap each other leave room on a capacity-3 resource', async () => {
    // [200,201) and [201,202) with 2 seats each; a request [200,202) for 1 seat sees at most 2 in use at any instant
    expect((await c.post('/api/bookings', booking({ resourceId: 'r-3', seats: 2, startTime: inHours(200), endTime: inHours(201) }))).status).to.equal(201);
    expect((await c.post('/api/bookings', booking({ resourceId: 'r-3', seats: 2, startTime: inHours(201), endTime: inHours(202) }))).status).to.equal(201);
    const fits = await c.post('/api/bookings', booking({ resourceId: 'r-3', customerId: 'm-2', startTime: inHours(200), endTime: inHours(202) }));
    expect(fits.status).to.equal(201);
    const tooMany = await c.post('/api/bookings', booking({ resourceId: 'r-3', customerId: 'm-3', startTime: inHours(200.5), endTime: inHours(200.75) }));
    expect(tooMany.status).to.equal(409);
    expect(tooMany.body.code).to.equal('SLOT_FULL');
  });

  it('gives the last seat to exactly one of 50 concurrent requests; the other 49 get clean 409s', async () => {
    const start = inHours(300);
    const end = inHours(301);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      c.post('/api/bookings', booking({ customerId: `m-${(i % 3) + 1}`, startTime: start, endTime: end }))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).to.have.length(1);
    expect(statuses.filter((s) => s === 409)).to.have.length(49);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).to.equal('SLOT_FULL');
    const list = await c.get(`/api/bookings?resourceId=r-1&from=${encodeURIComponent(start)}&to=${encodeURIComponent(end)}`);
    expect(list.body.items).to.have.length(1);
  });

  it('moves through the allowed status transitions and refuses the others with 409 INVALID_TRANSITION', async () => {
    const pending = (await c.post('/api/bookings', booking({ status: 'pending', startTime: inHours(400), endTime: inHours(401) }))).body;
    expect(pending.status).to.equal('pending');
    const bad = await c.post(`/api/bookings/${pending.id}/status`, { status: 'completed' });
    expect(bad.status).to.equal(409);
    expect(bad.body.code).to.equal('INVALID_TRANSITION');
    const confirmed = await c.post(`/api/bookings/${pending.id}/status`, { status: 'confirmed' });
    expect(confirmed.status).to.equal(200);
    expect(confirmed.body.status).to.equal('confirmed');
    const again = await c.post(`/api/bookings/${pending.id}/status`, { status: 'confirmed' });
    expect(again.status, 'setting the same status again is a safe no-op').to.equal(200);
    const done = await c.post(`/api/bookings/${pending.id}/status`, { status: 'completed' });
    expect(done.body.status).to.equal('completed');
    const final = await c.post(`/api/bookings/${pending.id}/status`, { status: 'cancelled' });
    expect(final.status).to.equal(409);
    expect(final.body.detail).to.match(/final/);

    const table: [string, string, number][] = [
      ['pending', 'declined', 200], ['pending', 'cancelled', 200], ['pending', 'not_taken', 409], ['pending', 'completed', 409],
      ['confirmed', 'pending', 409], ['confirmed', 'declined', 409], ['confirmed', 'not_taken', 200], ['confirmed', 'cancelled', 200],
    ];
    let h = 410;
    for (const [from, to, status] of table) {
      const b = (await c.post('/api/bookings', booking({ status: from, startTime: inHours(h), endTime: inHours(h + 1) }))).body;
      h += 2;
      const res = await c.post(`/api/bookings/${b.id}/status`, { status: to });
      expect(res.status, `${from} -> ${to}`).to.equal(status);
    }
  });

  it('frees capacity when a booking stops holding it, so the slot can be booked again', async () => {
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(500), endTime: inHours(501) }))).body;
    expect((await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(500), endTime: inHours(501) }))).status).to.equal(409);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    expect((await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(500), endTime: inHours(501) }))).status).to.equal(201);
  });

  it('moves a booking with PATCH, checking capacity at the target but not against itself', async () => {
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(600), endTime: inHours(601) }))).body;
    const other = (await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(602), endTime: inHours(603) }))).body;
    const moved = inHours(600.5);
    const later = await c.patch(`/api/bookings/${b.id}`, { startTime: moved, endTime: inHours(601.5), notes: 'moved' });
    expect(later.status).to.equal(200);
    expect(later.body).to.include({ startTime: moved, notes: 'moved' });
    const clash = await c.patch(`/api/bookings/${b.id}`, { startTime: inHours(602.5), endTime: inHours(603.5) });
    expect(clash.status).to.equal(409);
    expect(clash.body.code).to.equal('SLOT_FULL');
    expect((await c.get(`/api/bookings/${b.id}`)).body.startTime).to.equal(moved);
    const bad = await c.patch(`/api/bookings/${b.id}`, { endTime: inHours(500) });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/endTime');
    expect(other.id).to.be.a('string');
  });

  it('keeps a final booking where it was: its time, resource and seats answer 409 BOOKING_FINAL, its notes still change', async () => {
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(650), endTime: inHours(651) }))).body;
    expect((await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    const events = async () => (await c.get(`/api/events?type=booking.changed&limit=200`)).body.items.filter((e: { subjectId: string }) => e.subjectId === b.id).length;
    for (const patch of [{ startTime: inHours(652), endTime: inHours(653) }, { resourceId: 'r-3' }, { seats: 2 }]) {
      const res = await c.patch(`/api/bookings/${b.id}`, patch);
      expect(res.status, JSON.stringify(patch)).to.equal(409);
      expect(res.body.code).to.equal('BOOKING_FINAL');
      expect(res.body.detail).to.include('cancelled').and.include(Object.keys(patch)[0]);
    }
    const stored = (await c.get(`/api/bookings/${b.id}`)).body;
    expect(stored).to.include({ startTime: b.startTime, resourceId: b.resourceId, seats: 1 });
    expect(await events(), 'nothing recorded').to.equal(0);
    // what cannot be sent here says what to do instead
    const other = await c.patch(`/api/bookings/${b.id}`, { customerId: 'm-2', status: 'confirmed' });
    expect(other.status).to.equal(400);
    expect(other.body.errors).to.deep.include({ pointer: '/customerId', in: 'body', message: 'cannot change: a booking stays its customer\'s; cancel it and make one for the other customer' });
    expect(other.body.errors.find((e: { pointer: string }) => e.pointer === '/status').message).to.include('POST /api/bookings/{id}/status');
    expect((await c.patch(`/api/bookings/${b.id}`, { colour: 'red' })).body.errors[0].message, 'others as before').to.equal('is not a known field');
    const noted = await c.patch(`/api/bookings/${b.id}`, { notes: 'called to say sorry' });
    expect(noted.status).to.equal(200);
    expect(noted.body.notes).to.equal('called to say sorry');
  });

  it('tells the free seats of a resource over a time, counting bookings that hold seats at the busiest instant', async () => {
    const [a, b] = [inHours(800), inHours(801)];
    const group = (await c.post('/api/bookings', booking({ resourceId: 'r-3', seats: 2, startTime: a, endTime: b }))).body;
    await c.post('/api/bookings', booking({ resourceId: 'r-3', customerId: 'm-2', startTime: inHours(800.5), endTime: inHours(801.5) }));
    const seats = async (from: string, to: string, key = c) => key.get(`/api/resources/r-3/seats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect((await seats(a, b)).body).to.deep.equal({ capacity: 3, used: 3, free: 0 });
    expect((await seats(a, inHours(800.5))).body).to.deep.equal({ capacity: 3, used: 2, free: 1 });
    await c.post(`/api/bookings/${group.id}/status`, { status: 'cancelled' });
    expect((await seats(a, b)).body, 'a cancelled booking holds none').to.deep.equal({ capacity: 3, used: 1, free: 2 });
    const backwards = await seats(b, a);
    expect(backwards.status).to.equal(400);
    expect(backwards.body.errors[0].pointer).to.equal('/to');
    expect((await c.get(`/api/resources/r-3/seats?from=${encodeURIComponent(a)}`)).status, 'to is required').to.equal(400);
    expect((await c.get(`/api/resources/nope/seats?from=${encodeURIComponent(a)}&to=${encodeURIComponent(b)}`)).status).to.equal(404);
    const other = await app.tenant('t-seats-other');
    expect((await seats(a, b, other)).status, 'another tenant\'s resource').to.equal(404);
  });

  it('deletes a booking with 204, then answers 404 for it', async () => {
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(700), endTime: inHours(701) }))).body;
    expect((await c.delete(`/api/bookings/${b.id}`)).status).to.equal(204);
    const gone = await c.get(`/api/bookings/${b.id}`);
    expect(gone.status).to.equal(404);
    expect(gone.body.code).to.equal('NOT_FOUND');
  });

  it('lists with filters and cursor pagination', async () => {
    const t = await app.tenant('t-list');
    await seedCatalog(t);
    for (let i = 0; i < 7; i++) {
      await t.post('/api/bookings', booking({ resourceId: 'r-3', customerId: i % 2 ? 'm-1' : 'm-2', startTime: inHours(10 + i), endTime: inHours(10.5 + i) }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; startTime: string }[]; nextCursor: string | null } } =
        await t.get(`/api/bookings?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).to.be.at.most(3);
      seen.push(...page.body.items.map((b) => b.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).to.have.length(7);
    expect(new Set(seen).size).to.equal(7);
    expect((await t.get('/api/bookings?customerId=m-1')).body.items).to.have.length(3);
    expect((await t.get('/api/bookings?locationId=c-1&status=confirmed')).body.items).to.have.length(7);
    expect((await t.get(`/api/bookings?from=${encodeURIComponent(inHours(12.2))}&to=${encodeURIComponent(inHours(13.1))}`)).body.items).to.have.length(2);
    expect((await t.get('/api/bookings?status=bogus')).status).to.equal(400);
    // by id, one or many, this tenant's only (a list of runs names its bookings in one call)
    const [a, b] = seen;
    expect((await t.get(`/api/bookings?ids=${a}&ids=${b}&ids=nope`)).body.items.map((x: { id: string }) => x.id).sort()).to.deep.equal([a, b].sort());
    expect((await t.get(`/api/bookings?ids=${a}`)).body.items.map((x: { id: string }) => x.id)).to.deep.equal([a]);
    expect((await c.get(`/api/bookings?ids=${a}`)).body.items, 'another tenant').to.deep.equal([]);
    const many = Array.from({ length: 101 }, (_, i) => `ids=x${i}`).join('&');
    expect((await t.get(`/api/bookings?${many}`)).status).to.equal(400);
  });

  it('answers 404 for references to things that do not exist, and writes nothing', async () => {
    const before = (await c.get('/api/bookings?limit=500')).body.items.length;
    const res = await c.post('/api/bookings', booking({ customerId: 'nobody' }));
    expect(res.status).to.equal(404);
    expect(res.body.errors[0].pointer).to.equal('/customerId');
    const res2 = await c.post('/api/bookings', booking({ resourceId: 'nothing' }));
    expect(res2.status).to.equal(404);
    expect((await c.get('/api/bookings?limit=500')).body.items.length).to.equal(before);
  });
});

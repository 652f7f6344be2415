import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { inHours, seedCatalog } from '../helpers/fixtures.js';
import { book, entry, join, nextSlot } from './support.js';

// Who gets a freed seat, and how: ordering, modes, conflicts, several seats, the staff warning, settings.
describe('waitlist: allocation rules and settings', () => {
  let w: EngineWorld;
  let c: Client;
  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-alloc', { adminEmail: 'admin@club.example' });
    await seedCatalog(c);
    for (const [id, tier] of [['g-1', 'gold'], ['s-1', 'silver'], ['n-1', null], ['n-2', null]]) {
      await c.post('/api/customers', { id, name: `Member ${id}`, email: `${id}@example.com`, tier });
    }
  });
  after(async () => { await w.stop(); });
  const setSettings = async (patch: Record<string, unknown>) => {
    const res = await c.patch('/api/settings/waitlist', patch);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };

  it('reads settings with their defaults and takes partial updates', async () => {
    const s = (await c.get('/api/settings/waitlist')).body;
    expect(s).to.deep.equal({
      enabled: true, mode: 'offer', offerWindowMinutes: 60, priority: 'score', tierBonus: {}, earlyBirdCap: 20,
      minLeadMinutes: 15, lateFreedPolicy: 'skip', requeueOnDecline: true, requeueOnExpiry: false,
    });
    const bad = await c.patch('/api/settings/waitlist', { tierBonus: { gold: 80 } });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/tierBonus/gold');
    expect(await setSettings({ tierBonus: { gold: 30, silver: 10 } })).to.include({ mode: 'offer' });
  });

  it('scores 100 + tier bonus + one point per whole day ahead (capped), and recomputes when the tier changes', async () => {
    // A court of its own: nextSlot()'s slots on r-1 come within a minute of 5 days ahead too.
    await c.post('/api/resources', { id: 'r-score', name: 'Court S', locationId: 'c-1' });
    const onScore = { resourceId: 'r-score' };
    const slot = { startTime: inHours(24 * 5 + 1), endTime: inHours(24 * 5 + 2) };
    await book(c, { customerId: 'm-1', ...onScore, ...slot });
    const gold = await join(c, 'g-1', slot, onScore);
    const plain = await join(c, 'n-1', slot, onScore);
    expect(gold.priorityScore).to.equal(100 + 30 + 5);
    expect(plain.priorityScore).to.equal(100 + 0 + 5);
    await c.patch('/api/customers/n-1', { tier: 'silver' });
    expect((await entry(c, plain.id)).priorityScore).to.equal(100 + 10 + 5);
    // a tier no bonus names scores 0, whatever its name (these once read Object.prototype and answered 500)
    for (const tier of ['constructor', '__proto__', 'toString']) {
      const res = await c.patch('/api/customers/n-1', { tier });
      expect(res.status, tier).to.equal(200);
      expect((await entry(c, plain.id)).priorityScore, tier).to.equal(100 + 0 + 5);
    }
    await c.patch('/api/customers/n-1', { tier: null });
    const far = { startTime: inHours(24 * 40), endTime: inHours(24 * 40 + 1) };
    await book(c, { customerId: 'm-1', ...onScore, ...far });
    expect((await join(c, 'n-2', far, onScore)).priorityScore, 'early bird is capped at 20').to.equal(120);
  });

  it('offers by score (then join time), or to whoever waited longest with fifo', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const early = await join(c, 'n-1', slot);
    const gold = await join(c, 'g-1', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, gold.id)).status === 'OFFERED');
    expect((await entry(c, early.id)).status).to.equal('ACTIVE');
    expect((await entry(c, early.id)).position).to.equal(1);

    await setSettings({ priority: 'fifo' });
    const slot2 = nextSlot();
    const b2 = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot2 });
    const first = await join(c, 'n-1', slot2);
    const gold2 = await join(c, 'g-1', slot2);
    await c.post(`/api/bookings/${b2.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, first.id)).status === 'OFFERED');
    expect((await entry(c, gold2.id)).status).to.equal('ACTIVE');
    await setSettings({ priority: 'score' });
  });

  it('skips a member who already holds an overlapping booking (CONFLICT), and explains it', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const busy = await join(c, 'g-1', slot);
    const next = await join(c, 'n-1', slot);
    await book(c, { customerId: 'g-1', resourceId: 'r-3', ...slot }); // g-1 now plays elsewhere at that time
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, next.id)).status === 'OFFERED');
    const e = await entry(c, busy.id);
    expect(e.status).to.equal('ACTIVE');
    expect(e.explanation.thisEntry).to.include({ result: 'skipped', reason: 'CONFLICT' });
    const ids = e.explanation.candidates.map((x: { entryId: string }) => x.entryId);
    expect(ids).to.deep.equal([busy.id, next.id]);
    expect(e.explanation.candidates[0].scoreComponents).to.include.keys('base', 'tierBonus', 'earlyBird');
  });

  it('auto_assign books the freed seat for the top entry and tells the customer and the staff', async () => {
    await setSettings({ mode: 'auto_assign' });
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'n-2', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'not_taken' });
    const done = await eventually(async () => { const x = await entry(c, e.id); return x.status === 'ACCEPTED' ? x : null; });
    const booking = (await c.get(`/api/bookings/${done.reservationId}`)).body;
    expect(booking).to.include({ customerId: 'n-2', status: 'confirmed', startTime: slot.startTime });
    await w.smtp.waitFor((m) => (m.to ?? []).includes('n-2@example.com') && (m.subject ?? '').startsWith('You got a place'));
    await w.smtp.waitFor((m) => (m.to ?? []).includes('court1@club.example') && (m.subject ?? '').includes('Member n-2'));
    const assigned = (await c.get(`/api/events?type=waitlist.assigned&subjectId=${e.id}`)).body.items;
    expect(assigned).to.have.length(1);
    await setSettings({ mode: 'offer' });
  });

  it('gives two freed seats to two entries, or one to a party of two', async () => {
    const slot = nextSlot();
    const big = await book(c, { customerId: 'm-1', resourceId: 'r-3', seats: 3, ...slot });
    const a = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-3', memberId: 'n-1', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    const bb = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-3', memberId: 'n-2', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    await c.patch(`/api/bookings/${big.id}`, { seats: 1 });
    await eventually(async () => (await entry(c, a.body.id)).status === 'OFFERED' && (await entry(c, bb.body.id)).status === 'OFFERED');

    const slot2 = nextSlot();
    const two = await book(c, { customerId: 'm-1', resourceId: 'r-3', seats: 2, ...slot2 });
    await book(c, { customerId: 'm-2', resourceId: 'r-3', ...slot2 });
    const party = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-3', memberId: 'g-1', desiredStart: slot2.startTime, desiredEnd: slot2.endTime, seats: 2 });
    expect(party.status).to.equal(201);
    await c.post(`/api/bookings/${two.id}/status`, { status: 'cancelled' });
    const got = await eventually(async () => { const x = await entry(c, party.body.id); return x.status === 'OFFERED' ? x : null; });
    expect(got.seats).to.equal(2);
    const acc = await c.post(`/api/facility-waitlist/${party.body.id}/accept`);
    expect(acc.status).to.equal(200);
    expect((await c.get(`/api/bookings/${acc.body.reservation.id}`)).body.seats).to.equal(2);
  });

  it('offers the old interval of a rescheduled booking, and a declined booking\'s seat', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 's-1', slot);
    const moved = await c.patch(`/api/bookings/${b.id}`, nextSlot());
    expect(moved.status).to.equal(200);
    await eventually(async () => (await entry(c, e.id)).status === 'OFFERED');
    const freed = (await c.get(`/api/events?type=slot.freed&limit=5`)).body.items.find((x: { data: { bookingId: string } }) => x.data.bookingId === b.id);
    expect(freed.data).to.include({ reason: 'rescheduled', startTime: slot.startTime });

    const slot2 = nextSlot();
    const pending = await book(c, { customerId: 'm-1', resourceId: 'r-1', status: 'pending', ...slot2 });
    const e2 = await join(c, 'n-2', slot2);
    await c.post(`/api/bookings/${pending.id}/status`, { status: 'declined' });
    await eventually(async () => (await entry(c, e2.id)).status === 'OFFERED');
  });

  it('offers seats freed by a capacity increase, and clamps offers to the start minus the lead time', async () => {
    await c.post('/api/resources', { id: 'r-grow', name: 'Growing', locationId: 'c-1', capacity: 1 });
    const slot = { startTime: inHours(0.75), endTime: inHours(1.75) }; // 45 min ahead: the window is clamped
    await book(c, { customerId: 'm-1', resourceId: 'r-grow', ...slot });
    const e = (await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-grow', memberId: 'n-1', desiredStart: slot.startTime, desiredEnd: slot.endTime })).body;
    await c.patch('/api/resources/r-grow', { capacity: 2 });
    const offered = await eventually(async () => { const x = await entry(c, e.id); return x.status === 'OFFERED' ? x : null; });
    const expected = new Date(slot.startTime).getTime() - 15 * 60_000;
    expect(new Date(offered.offerExpiresAt).getTime()).to.equal(expected);
  });

  it('warns staff before a change frees a seat: who gets it and until when, with nothing changed', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 's-1', slot);
    const before = (await c.get('/api/events?limit=1')).body.items[0].id;
    const preview = await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled', dryRun: true });
    expect(preview.status).to.equal(200);
    expect(preview.body).to.include({ dryRun: true, freesSeats: true });
    expect(preview.body.booking.status).to.equal('cancelled');
    expect(preview.body.waitlist.willFill).to.equal(true);
    expect(preview.body.waitlist.allocations[0]).to.include({ entryId: e.id, memberId: 's-1', customerName: 'Member s-1', result: 'offered' });
    expect(preview.body.waitlist.allocations[0].offerExpiresAt).to.be.a('string');
    const del = await c.delete(`/api/bookings/${b.id}?dryRun=true`);
    expect(del.status).to.equal(200);
    expect(del.body.waitlist.allocations[0].entryId).to.equal(e.id);
    // nothing changed
    expect((await c.get(`/api/bookings/${b.id}`)).body.status).to.equal('confirmed');
    expect((await entry(c, e.id)).status).to.equal('ACTIVE');
    expect((await c.get('/api/events?limit=1')).body.items[0].id).to.equal(before);
    const noSeat = await c.post(`/api/bookings/${b.id}/status`, { status: 'completed', dryRun: true });
    expect(noSeat.body.freesSeats).to.equal(false);
    const invalid = await c.post(`/api/bookings/${b.id}/status`, { status: 'pending', dryRun: true });
    expect(invalid.status).to.equal(409);
  });

  it('warns before a move or fewer seats frees a seat, as before a cancellation, with nothing changed', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'n-1', slot);
    const lastFreed = async () => (await c.get('/api/events?type=slot.freed&limit=1')).body.items[0]?.id ?? null;
    const freedBefore = await lastFreed();
    const later = { startTime: inHours(24 * 40), endTime: inHours(24 * 40 + 1) };
    const move = await c.patch(`/api/bookings/${b.id}`, { ...later, dryRun: true });
    expect(move.status, JSON.stringify(move.body)).to.equal(200);
    expect(move.body).to.include({ dryRun: true, freesSeats: true });
    expect(move.body.booking).to.include({ id: b.id, startTime: later.startTime });
    expect(move.body.waitlist.allocations[0]).to.include({ entryId: e.id, memberId: 'n-1', seats: 1, result: 'offered' });
    expect((await c.patch(`/api/bookings/${b.id}`, { notes: 'window seat', dryRun: true })).body).to.include({ freesSeats: false });
    // a move onto a full slot is refused as the real one would be
    const other = nextSlot();
    await book(c, { customerId: 'm-2', resourceId: 'r-1', ...other });
    expect((await c.patch(`/api/bookings/${b.id}`, { ...other, dryRun: true })).body.code).to.equal('SLOT_FULL');

    // two seats of three, and someone waiting for one: one seat fewer frees it
    const yoga = nextSlot();
    const group = await book(c, { customerId: 'm-1', resourceId: 'r-3', seats: 3, ...yoga });
    const solo = await join(c, 'n-2', yoga, { resourceId: 'r-3' });
    const fewer = await c.patch(`/api/bookings/${group.id}`, { seats: 2, dryRun: true });
    expect(fewer.body).to.include({ freesSeats: true });
    expect(fewer.body.waitlist.allocations[0]).to.include({ entryId: solo.id, seats: 1, result: 'offered' });

    // nothing changed
    expect((await c.get(`/api/bookings/${b.id}`)).body).to.include({ startTime: slot.startTime, notes: null });
    expect((await c.get(`/api/bookings/${group.id}`)).body.seats).to.equal(3);
    expect((await entry(c, e.id)).status).to.equal('ACTIVE');
    expect((await entry(c, solo.id)).status).to.equal('ACTIVE');
    expect(await lastFreed(), 'no slot.freed recorded').to.equal(freedBefore);
  });

  it('moves a resource\'s waiting-list entries with it to another location', async () => {
    await c.post('/api/locations', { id: 'loc-old', name: 'Old hall', timezone: 'Europe/Oslo' });
    await c.post('/api/locations', { id: 'loc-new', name: 'New hall', timezone: 'Europe/Oslo' });
    await c.post('/api/resources', { id: 'r-mv', name: 'Movable', locationId: 'loc-old' });
    const slot = nextSlot();
    await book(c, { customerId: 'm-1', resourceId: 'r-mv', ...slot });
    const e = await join(c, 'n-1', slot, { resourceId: 'r-mv', clubId: 'loc-old' });
    expect((await c.patch('/api/resources/r-mv', { locationId: 'loc-new' })).status).to.equal(200);
    expect((await entry(c, e.id)).clubId).to.equal('loc-new');
    expect((await c.get('/api/facility-waitlist?clubId=loc-new')).body.items.map((x: { id: string }) => x.id)).to.deep.equal([e.id]);
    expect((await c.delete('/api/locations/loc-old')).status, 'nothing is left there').to.equal(204);
  });

  it('turning the waitlist off refuses joins but keeps entries and honours held offers', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'n-1', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, e.id)).status === 'OFFERED');
    const slot2 = nextSlot();
    await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot2 });
    const waiting = await join(c, 'n-2', slot2);
    await setSettings({ enabled: false });
    const refused = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'g-1', desiredStart: slot2.startTime, desiredEnd: slot2.endTime });
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('WAITLIST_DISABLED');
    expect((await entry(c, waiting.id)).status).to.equal('ACTIVE');
    const acc = await c.post(`/api/facility-waitlist/${e.id}/accept`);
    expect(acc.status).to.equal(200);
    await setSettings({ enabled: true });
  });

  it('disabling "Fill a freed slot" stops automatic offers; the reconciler fills free seats once it is back', async () => {
    const fill = (await c.get('/api/workflows?limit=500')).body.items.find((x: { builtin: string }) => x.builtin === 'waitlist.fill_freed_slot');
    await c.post(`/api/workflows/${fill.id}/disable`);
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'g-1', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await settled(w.app);
    expect((await entry(c, e.id)).status).to.equal('ACTIVE');
    await c.post(`/api/workflows/${fill.id}/enable`);
    await w.app.ds.query("SELECT graphile_worker.add_job('waitlist_reconcile', '{}'::json)");
    await eventually(async () => (await entry(c, e.id)).status === 'OFFERED');
    const decisions = await rows<{ trigger: string }>(w.app.ds, "SELECT trigger FROM waitlist_decisions WHERE tenant_id = 't-alloc' ORDER BY created_at DESC LIMIT 1");
    expect(decisions[0].trigger).to.equal('reconcile');
  });

  it('the reconciler never offers a seat again to whom declined it, until a seat there is freed anew', async () => {
    const fill = (await c.get('/api/workflows?limit=500')).body.items.find((x: { builtin: string }) => x.builtin === 'waitlist.fill_freed_slot');
    const reconcile = async () => {
      await w.app.ds.query("SELECT graphile_worker.add_job('waitlist_reconcile', '{}'::json)");
      await settled(w.app);
    };
    const freeWithoutFilling = async (at: { startTime: string; endTime: string }) => {
      await c.post(`/api/workflows/${fill.id}/disable`);
      const held = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...at });
      await c.post(`/api/bookings/${held.id}/status`, { status: 'cancelled' });
      await settled(w.app);
      await c.post(`/api/workflows/${fill.id}/enable`);
    };
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'n-2', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, e.id)).status === 'OFFERED');
    expect((await c.post(`/api/facility-waitlist/${e.id}/decline`)).body.status, 'back in line').to.equal('ACTIVE');
    await settled(w.app);
    const offers = async () => (await c.get(`/api/events?type=waitlist.offered&subjectId=${e.id}`)).body.items.length;

    await freeWithoutFilling(nextSlot()); // another time on the resource: the latest freeing there is not this seat
    await reconcile();
    expect((await entry(c, e.id)).status).to.equal('ACTIVE');
    expect(await offers(), 'the declined seat is not offered again').to.equal(1);

    await freeWithoutFilling(slot); // that time, freed anew after the decline
    await reconcile();
    expect((await entry(c, e.id)).status).to.equal('OFFERED');
    expect(await offers()).to.equal(2);
  });

  it('manual offer and expire (admin only), with NO_CAPACITY when no seat is free', async () => {
    await c.post('/api/resources', { id: 'r-man', name: 'Manual', locationId: 'c-1', capacity: 1 });
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-man', ...slot });
    const e = (await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-man', memberId: 'n-1', desiredStart: slot.startTime, desiredEnd: slot.endTime })).body;
    const until = inHours(50);
    const full = await c.post(`/api/facility-waitlist/${e.id}/offer?clubId=c-1`, { offerExpiresAt: until });
    expect(full.status).to.equal(409);
    expect(full.body.code).to.equal('NO_CAPACITY');
    const fill = (await c.get('/api/workflows?limit=500')).body.items.find((x: { builtin: string }) => x.builtin === 'waitlist.fill_freed_slot');
    await c.post(`/api/workflows/${fill.id}/disable`);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await settled(w.app);
    expect((await entry(c, e.id)).status, 'no automatic offer while the fill workflow is off').to.equal('ACTIVE');
    const appKey = (await c.post('/api/keys', { role: 'app' })).body.secret;
    expect((await w.app.client(appKey).post(`/api/facility-waitlist/${e.id}/offer`, { offerExpiresAt: until })).status).to.equal(403);
    const past = await c.post(`/api/facility-waitlist/${e.id}/offer`, { offerExpiresAt: inHours(-1) });
    expect(past.status).to.equal(400);
    expect(past.body.errors[0].pointer).to.equal('/offerExpiresAt');
    const offered = await c.post(`/api/facility-waitlist/${e.id}/offer?clubId=c-1`, { offerExpiresAt: until });
    expect(offered.status).to.equal(200);
    expect(offered.body).to.include({ status: 'OFFERED', offerExpiresAt: until });
    const expired = await c.post(`/api/facility-waitlist/${e.id}/expire?clubId=c-1`);
    expect(expired.body.status).to.equal('EXPIRED');
    const again = await c.post(`/api/facility-waitlist/${e.id}/offer`, { offerExpiresAt: until });
    expect(again.body.status, 'an expired entry can be offered again by hand').to.equal('OFFERED');
    await c.post(`/api/workflows/${fill.id}/enable`);
  });
});

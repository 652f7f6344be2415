import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { inHours, seedCatalog } from '../helpers/fixtures.js';
import { book, capacityViolations, entry, entryViolations, join, nextSlot } from './support.js';

// The waitlist under concurrency: the capacity rule holds at every instant, two entries never get one seat,
// and the event log tells the same story.
describe('waitlist under concurrency', () => {
  let w: EngineWorld;
  let c: Client;
  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-conc');
    await seedCatalog(c);
    for (let i = 0; i < 20; i++) await c.post('/api/customers', { id: `p-${i}`, name: `Player ${i}`, email: `p${i}@example.com` });
  });
  after(async () => { await w.stop(); });

  it('many parallel accepts for one offered seat, racing direct bookings, give it to exactly one', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const offered = await join(c, 'p-0', slot);
    const other = await join(c, 'p-1', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, offered.id)).status === 'OFFERED');
    const attempts = await Promise.all([
      ...Array.from({ length: 15 }, () => c.post(`/api/facility-waitlist/${offered.id}/accept`)),
      ...Array.from({ length: 10 }, () => c.post(`/api/facility-waitlist/${other.id}/accept`)),
      ...Array.from({ length: 10 }, (_, i) => c.post('/api/bookings', { customerId: `p-${5 + i}`, resourceId: 'r-1', ...slot })),
    ]);
    const accepts = attempts.slice(0, 15);
    expect(new Set(accepts.map((r) => r.body.reservation?.id)).size, 'every accept of the offer answers the same reservation').to.equal(1);
    expect(accepts.every((r) => r.status === 200)).to.equal(true);
    expect(attempts.slice(15, 25).every((r) => r.status === 409 && r.body.code === 'NOT_OFFERED')).to.equal(true);
    expect(attempts.slice(25).every((r) => r.status === 409 && r.body.code === 'SLOT_FULL')).to.equal(true);
    const holders = await rows(w.app.ds, "SELECT id FROM bookings WHERE tenant_id = 't-conc' AND resource_id = 'r-1' AND status IN ('pending', 'confirmed') AND start_time = $1", [slot.startTime]);
    expect(holders).to.have.length(1);
    expect(await capacityViolations(w.app.ds, 't-conc')).to.deep.equal([]);
  });

  it('a burst of parallel cancellations with concurrent joins and capacity changes keeps every rule', async () => {
    await c.post('/api/resources', { id: 'r-5', name: 'Big court', locationId: 'c-1', capacity: 5 });
    const slot = { startTime: inHours(300), endTime: inHours(301) };
    const bookings = [];
    for (let i = 0; i < 5; i++) bookings.push(await book(c, { customerId: `p-${i}`, resourceId: 'r-5', ...slot }));
    const waiting = [];
    for (let i = 5; i < 10; i++) {
      waiting.push((await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-5', memberId: `p-${i}`, desiredStart: slot.startTime, desiredEnd: slot.endTime })).body);
    }
    const results = await Promise.all([
      ...bookings.map((b) => c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' })),
      ...Array.from({ length: 8 }, (_, i) => c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-5', memberId: `p-${10 + i}`, desiredStart: slot.startTime, desiredEnd: slot.endTime })),
      ...Array.from({ length: 4 }, (_, i) => c.post('/api/bookings', { customerId: `p-${10 + i}`, resourceId: 'r-5', ...slot })),
      c.patch('/api/resources/r-5', { capacity: 6 }),
    ]);
    for (const r of results) expect(r.status, JSON.stringify(r.body)).to.be.oneOf([200, 201, 409]);
    await settled(w.app);
    expect(await capacityViolations(w.app.ds, 't-conc')).to.deep.equal([]);
    expect(await entryViolations(w.app.ds, 't-conc')).to.deep.equal([]);
    // every freed seat went somewhere: bookings, offers, or nobody was left who fits
    const [usage] = await rows<{ used: number; offers: number }>(w.app.ds, `
      SELECT (SELECT coalesce(sum(seats), 0)::int FROM bookings WHERE tenant_id = 't-conc' AND resource_id = 'r-5' AND status IN ('pending', 'confirmed')) AS used,
             (SELECT count(*)::int FROM waitlist_entries WHERE tenant_id = 't-conc' AND resource_id = 'r-5' AND status = 'OFFERED') AS offers`);
    const stillWaiting = (await c.get('/api/facility-waitlist?resourceId=r-5&status=ACTIVE')).body.items.length;
    expect(usage.used + usage.offers === 6 || stillWaiting === 0, `seats used ${usage.used}, offers ${usage.offers}, waiting ${stillWaiting}`).to.equal(true);
    // the event log: one slot.freed per cancellation, and one waitlist.offered per offer made
    const freed = (await c.get('/api/events?type=slot.freed&limit=500')).body.items.filter((e: { data: { resourceId: string; reason: string } }) => e.data.resourceId === 'r-5' && e.data.reason === 'cancelled');
    expect(freed).to.have.length(5);
    const offeredEvents = (await c.get('/api/events?type=waitlist.offered&limit=500')).body.items.filter((e: { data: { resourceId: string } }) => e.data.resourceId === 'r-5');
    const everOffered = await rows(w.app.ds, "SELECT id FROM waitlist_entries WHERE tenant_id = 't-conc' AND resource_id = 'r-5' AND offered_at IS NOT NULL");
    expect(offeredEvents.length).to.be.at.least(everOffered.length);
    expect(waiting.length).to.equal(5);
  });
});

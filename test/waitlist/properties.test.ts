import { expect } from 'chai';
import fc from 'fast-check';
import { rows } from '../../src/db/sql.js';
import { startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import type { Client } from '../helpers/client.js';
import { inHours, seedCatalog } from '../helpers/fixtures.js';
import { capacityViolations, entryViolations } from './support.js';

// Property-based: random sequences of joins, bookings, cancellations, reschedules, accepts, declines, expiries,
// entry cancellations and capacity changes on one resource. After every step (with every job it caused run to
// completion) the capacity rule and the entry rules must hold.
type Op =
  | { kind: 'join'; member: number; slot: number }
  | { kind: 'book'; member: number; slot: number }
  | { kind: 'cancelBooking'; pick: number }
  | { kind: 'reschedule'; pick: number; slot: number }
  | { kind: 'accept' | 'decline' | 'expire' | 'cancelEntry'; pick: number }
  | { kind: 'capacity'; delta: number };

const MEMBERS = 6;
const SLOTS = [[200, 201], [200.5, 201.5], [202, 203]] as const;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), member: fc.nat(MEMBERS - 1), slot: fc.nat(SLOTS.length - 1) }),
  fc.record({ kind: fc.constant('book' as const), member: fc.nat(MEMBERS - 1), slot: fc.nat(SLOTS.length - 1) }),
  fc.record({ kind: fc.constant('cancelBooking' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('reschedule' as const), pick: fc.nat(20), slot: fc.nat(SLOTS.length - 1) }),
  fc.record({ kind: fc.constantFrom('accept' as const, 'decline' as const, 'expire' as const, 'cancelEntry' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('capacity' as const), delta: fc.constantFrom(-1, 1) }),
);

describe('waitlist properties (fast-check)', () => {
  let w: EngineWorld;
  let c: Client;
  let run = 0;
  before(async () => {
    w = await startEngineWorld({ worker: false });
    c = await w.app.tenant('t-prop');
    await seedCatalog(c);
    for (let i = 0; i < MEMBERS; i++) await c.post('/api/customers', { id: `q-${i}`, name: `Q ${i}`, email: `q${i}@example.com` });
  });
  after(async () => { await w.stop(); });

  it('keeps capacity and entry rules after every step of random sequences', async function () {
    this.timeout(240_000);
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(opArb, { minLength: 4, maxLength: 14 }), async (capacity, ops) => {
      const resourceId = `rp-${++run}`;
      await c.post('/api/resources', { id: resourceId, name: resourceId, locationId: 'c-1', capacity });
      let cap = capacity;
      // The instants are fixed once per run: recomputed per step, a minute passing mid-run would shift them.
      const slots = SLOTS.map(([s, e]) => ({ startTime: inHours(s), endTime: inHours(e) }));
      const slot = (k: number) => slots[k];
      // start from full slots, so joins are possible
      for (let i = 0; i < capacity; i++) await c.post('/api/bookings', { customerId: `q-${i}`, resourceId, ...slot(0) });
      for (const op of ops) {
        const bookings = await rows<{ id: string }>(w.app.ds, "SELECT id FROM bookings WHERE tenant_id = 't-prop' AND resource_id = $1 AND status IN ('pending', 'confirmed') ORDER BY id", [resourceId]);
        const offered = await rows<{ id: string }>(w.app.ds, "SELECT id FROM waitlist_entries WHERE tenant_id = 't-prop' AND resource_id = $1 AND status = 'OFFERED' ORDER BY id", [resourceId]);
        const open = await rows<{ id: string }>(w.app.ds, "SELECT id FROM waitlist_entries WHERE tenant_id = 't-prop' AND resource_id = $1 AND status IN ('ACTIVE', 'OFFERED') ORDER BY id", [resourceId]);
        const pick = <T>(list: T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);
        let res: { status: number; body: unknown } | null = null;
        switch (op.kind) {
          case 'join': res = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId, memberId: `q-${op.member}`, desiredStart: slot(op.slot).startTime, desiredEnd: slot(op.slot).endTime }); break;
          case 'book': res = await c.post('/api/bookings', { customerId: `q-${op.member}`, resourceId, ...slot(op.slot) }); break;
          case 'cancelBooking': { const b = pick(bookings, op.pick); if (b) res = await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' }); break; }
          case 'reschedule': { const b = pick(bookings, op.pick); if (b) res = await c.patch(`/api/bookings/${b.id}`, slot(op.slot)); break; }
          case 'accept': case 'decline': case 'expire': {
            const e = pick(offered, op.pick);
            if (e) res = await c.post(`/api/facility-waitlist/${e.id}/${op.kind}`);
            break;
          }
          case 'cancelEntry': { const e = pick(open, op.pick); if (e) res = await c.post(`/api/facility-waitlist/${e.id}/cancel`, { reason: 'property' }); break; }
          case 'capacity': cap = Math.max(0, cap + op.delta); res = await c.patch(`/api/resources/${resourceId}`, { capacity: cap }); if (res.status !== 200) cap -= op.delta; break;
        }
        if (res) expect(res.status, `${JSON.stringify(op)} -> ${JSON.stringify(res.body)}`).to.be.oneOf([200, 201, 409]);
        await w.app.drain();
        expect(await capacityViolations(w.app.ds, 't-prop'), `capacity after ${JSON.stringify(op)}`).to.deep.equal([]);
        expect(await entryViolations(w.app.ds, 't-prop'), `entries after ${JSON.stringify(op)}`).to.deep.equal([]);
      }
    }), { numRuns: 25 });
  });
});

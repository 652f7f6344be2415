import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import { toEvent, type EventRow } from '../../src/domain/events.js';
import { loadContext, loadScope, loadTenant, scopeOf } from '../../src/engine/context.js';
import { dispatchEvent } from '../../src/engine/dispatch.js';
import { cacheFor } from '../../src/engine/engine-cache.js';
import type { Client } from '../helpers/client.js';
import { settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { createWorkflow, jobsWithKey, seededTenant, settledRuns } from './support.js';

// Every workflow filter against real bookings. By design (src/engine/cache.ts), a workflow whose location, service or
// resource filter excludes the booking is not a candidate at all, so no run is recorded for it; status and language
// mismatches are recorded as skipped runs (filter:status, filter:language), trigger config mismatches as
// trigger:no_match.
describe('workflow filters', () => {
  let w: EngineWorld;
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(900 + h), endTime: inHours(901 + h) }; };

  before(async () => { w = await startEngineWorld(); });
  after(async () => { await w.stop(); });

  /** The fixture catalog plus a second location (c-2) with its own resource (r-2), a second service and an en-GB customer. */
  async function tenant(): Promise<Client> {
    const c = await seededTenant(w.app);
    for (const [path, body] of [
      ['/api/locations', { id: 'c-2', name: 'Bergen', timezone: 'Europe/Oslo' }],
      ['/api/resources', { id: 'r-2', name: 'Court B', locationId: 'c-2' }],
      ['/api/services', { id: 'svc-2', name: 'Lesson', durationMinutes: 60 }],
      ['/api/customers', { id: 'm-4', name: 'Jane Smith', email: 'jane@example.com', language: 'en-GB' }],
    ] as const) expect((await c.post(path, body)).status).to.equal(201);
    return c;
  }

  async function decisions(c: Client, workflowId: string, bookingOver: Record<string, unknown>): Promise<[string, string | null][]> {
    const b = await c.post('/api/bookings', booking({ ...slot(), ...bookingOver }));
    expect(b.status, JSON.stringify(b.body)).to.equal(201);
    return (await settledRuns(w.app, c, b.body.id, workflowId)).map((r) => [r.decision, r.reason]);
  }

  const created = (filters: Record<string, unknown>) => ({ trigger: { type: 'booking.created' }, filters });
  const RAN: [string, null][] = [['ran', null]];

  it('locationIds: runs for bookings at the listed locations; others are not candidates (no run, no reminder)', async () => {
    const c = await tenant();
    const wf = await createWorkflow(c, created({ locationIds: ['c-1'] }));
    expect(await decisions(c, wf.id, { resourceId: 'r-1' })).to.deep.equal(RAN);
    expect(await decisions(c, wf.id, { resourceId: 'r-3' })).to.deep.equal(RAN);
    expect(await decisions(c, wf.id, { resourceId: 'r-2' })).to.deep.equal([]);

    const reminder = await createWorkflow(c, { trigger: { type: 'booking.before_start', config: { offset: { amount: 1, unit: 'hours' } } }, filters: { locationIds: ['c-2'] } });
    await settled(w.app);
    const here = (await c.post('/api/bookings', booking({ resourceId: 'r-2', ...slot() }))).body;
    const there = (await c.post('/api/bookings', booking({ resourceId: 'r-1', ...slot() }))).body;
    // (the r-2 booking made above got its reminder from the workflow's reconcile job; only these two matter here)
    const keys = async () => (await jobsWithKey(w.app, `timed:${c.tenantId}:${reminder.id}:`)).map((j) => j.key)
      .filter((k) => k.endsWith(here.id) || k.endsWith(there.id));
    expect(await keys()).to.deep.equal([`timed:${c.tenantId}:${reminder.id}:${here.id}`]);
    // moving a booking out of the filter removes its reminder, moving one in adds it
    await c.patch(`/api/bookings/${here.id}`, { resourceId: 'r-1' });
    await c.patch(`/api/bookings/${there.id}`, { resourceId: 'r-2' });
    expect(await keys()).to.deep.equal([`timed:${c.tenantId}:${reminder.id}:${there.id}`]);
  });

  it('serviceIds: runs only for the listed services', async () => {
    const c = await tenant();
    const wf = await createWorkflow(c, created({ serviceIds: ['svc-2'] }));
    expect(await decisions(c, wf.id, { serviceId: 'svc-2' })).to.deep.equal(RAN);
    expect(await decisions(c, wf.id, { serviceId: 'svc-1' })).to.deep.equal([]);
    expect(await decisions(c, wf.id, { serviceId: null })).to.deep.equal([]);
  });

  it('resourceIds: runs only for the listed resources', async () => {
    const c = await tenant();
    const wf = await createWorkflow(c, created({ resourceIds: ['r-3'] }));
    expect(await decisions(c, wf.id, { resourceId: 'r-3' })).to.deep.equal(RAN);
    expect(await decisions(c, wf.id, { resourceId: 'r-1' })).to.deep.equal([]);
  });

  it('statuses: a booking in another status is recorded as skipped (filter:status)', async () => {
    const c = await tenant();
    const wf = await createWorkflow(c, created({ statuses: ['confirmed'] }));
    expect(await decisions(c, wf.id, { status: 'confirmed' })).to.deep.equal(RAN);
    expect(await decisions(c, wf.id, { status: 'pending' })).to.deep.equal([['skipped', 'filter:status']]);
  });

  it('filters read the booking as it is at dispatch, not the snapshot in the event', async () => {
    const c = await tenant();
    const wf = await createWorkflow(c, { trigger: { type: 'booking.changed' }, filters: { statuses: ['confirmed'] } });
    const b = (await c.post('/api/bookings', booking({ status: 'pending', ...slot() }))).body;
    await c.patch(`/api/bookings/${b.id}`, { notes: 'while pending' });
    const [first] = await settledRuns(w.app, c, b.id, wf.id);
    expect([first!.decision, first!.reason]).to.deep.equal(['skipped', 'filter:status']);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'confirmed' });
    await settled(w.app);
    // as if that event were dispatched only now: its snapshot says pending, the booking is confirmed
    await w.app.ds.query('DELETE FROM runs WHERE tenant_id = $1 AND id = $2', [c.tenantId, first!.id]);
    await dispatchEvent(w.app.ds, cacheFor(w.app.ds), c.tenantId, first!.eventId!);
    const again = await settledRuns(w.app, c, b.id, wf.id);
    expect(again.map((r) => [r.eventId, r.decision])).to.deep.equal([[first!.eventId, 'ran']]);
  });

  it('languages: "en" matches en and en-GB, "en-GB" only en-GB; the booking\'s language wins over the customer\'s', async () => {
    const c = await tenant();
    const en = await createWorkflow(c, created({ languages: ['en'] }));
    const enGb = await createWorkflow(c, created({ languages: ['en-GB'] }));
    const cases: [Record<string, unknown>, string, string][] = [
      [{ customerId: 'm-2' }, 'ran', 'skipped'], // en
      [{ customerId: 'm-4' }, 'ran', 'ran'], // en-GB
      [{ customerId: 'm-1' }, 'skipped', 'skipped'], // nb
      [{ customerId: 'm-1', language: 'en-GB' }, 'ran', 'ran'], // nb customer, booking in en-GB
    ];
    for (const [over, wantEn, wantEnGb] of cases) {
      const b = (await c.post('/api/bookings', booking({ ...slot(), ...over }))).body;
      await settled(w.app);
      for (const [wf, want] of [[en, wantEn], [enGb, wantEnGb]] as const) {
        const runs = await settledRuns(w.app, c, b.id, wf.id);
        expect(runs.map((r) => [r.decision, r.reason]), `${JSON.stringify(over)} vs ${wf.filters.languages}`)
          .to.deep.equal([want === 'ran' ? ['ran', null] : ['skipped', 'filter:language']]);
      }
    }
  });

  it('a trigger config mismatch is recorded as skipped (trigger:no_match) before the filters', async () => {
    const c = await tenant();
    const wf = await createWorkflow(c, { trigger: { type: 'booking.status_changed', config: { to: ['cancelled'] } }, filters: { statuses: ['cancelled'] } });
    const b = (await c.post('/api/bookings', booking({ status: 'pending', ...slot() }))).body;
    await c.post(`/api/bookings/${b.id}/status`, { status: 'confirmed' });
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    const runs = await settledRuns(w.app, c, b.id, wf.id);
    expect(runs.map((r) => [r.decision, r.reason])).to.deep.equal([['ran', null], ['skipped', 'trigger:no_match']]);
  });

  it('every filter must match: a location match with a status mismatch is skipped (filter:status)', async () => {
    const c = await tenant();
    const wf = await createWorkflow(c, created({ locationIds: ['c-1'], serviceIds: ['svc-1'], resourceIds: ['r-1'], statuses: ['pending'], languages: ['nb'] }));
    expect(await decisions(c, wf.id, { status: 'pending' })).to.deep.equal(RAN);
    expect(await decisions(c, wf.id, { status: 'confirmed' })).to.deep.equal([['skipped', 'filter:status']]);
    expect(await decisions(c, wf.id, { status: 'pending', customerId: 'm-2' })).to.deep.equal([['skipped', 'filter:language']]);
    expect(await decisions(c, wf.id, { status: 'pending', resourceId: 'r-3' })).to.deep.equal([]);
  });

  // Dispatch reads the scope with a narrower statement than the full context (src/engine/context.ts): both must give
  // the same answer for every kind of event, a deleted booking's (read from its snapshot) included.
  it('the scope dispatch reads alone equals the scope of the full context, for every event of a booking and customer', async () => {
    const c = await tenant();
    const b = (await c.post('/api/bookings', booking({ resourceId: 'r-2', serviceId: 'svc-2', customerId: 'm-4', status: 'pending', ...slot() }))).body;
    await c.post(`/api/bookings/${b.id}/status`, { status: 'confirmed' });
    await c.patch(`/api/bookings/${b.id}`, { resourceId: 'r-1', language: 'nb' });
    expect((await c.delete(`/api/bookings/${b.id}`)).status).to.equal(204);
    await c.post('/api/customers', { id: 'm-9', name: 'Ola', email: 'ola@example.com', language: 'en' });
    await settled(w.app);
    const tenantInfo = (await loadTenant(w.app.ds, c.tenantId))!;
    const events = (await rows<EventRow>(w.app.ds, 'SELECT * FROM events WHERE tenant_id = $1 ORDER BY id', [c.tenantId])).map(toEvent);
    expect(events.map((e) => e.type)).to.include.members(['booking.created', 'booking.status_changed', 'booking.changed', 'booking.deleted', 'slot.freed', 'customer.created']);
    for (const event of events) {
      const full = await loadContext(w.app.ds, tenantInfo, { event });
      expect(await loadScope(w.app.ds, tenantInfo, { event }), event.type).to.deep.equal({ scope: scopeOf(full), bookingId: full.booking?.id ?? null });
    }
    const deleted = events.find((e) => e.type === 'booking.deleted')!;
    expect((await loadScope(w.app.ds, tenantInfo, { event: deleted })).scope).to.include({ resourceId: 'r-1', serviceId: 'svc-2', language: 'nb' });
  });
});

// GET /api/bookings/:id/workflows: which workflows apply to a booking as it is now and why the others do not,
// including what the run history cannot show (scope filters, disabled workflows), and when its reminders are due.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

interface Item { workflowId: string; name: string; trigger: string; enabled: boolean; builtin: boolean; applies: boolean; reason: string | null; moment: string | null; scheduledFor: string | null }

describe('which workflows apply to a booking', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp({ worker: false });
    c = await app.tenant('t-bw', { adminEmail: 'boss@club.example' });
    await seedCatalog(c);
    const created = await c.post('/api/locations', { id: 'c-2', name: 'Bergen', timezone: 'Europe/Oslo' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
  });
  after(async () => { await app.stop(); });

  const email = [{ type: 'email', config: { to: 'customer', subject: 'Hi', html: 'x' } }];
  async function workflow(body: Record<string, unknown>): Promise<string> {
    const res = await c.post('/api/workflows', { actions: email, ...body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }

  it('says which apply, why the others do not, and when the reminders are due', async () => {
    const here = await workflow({ name: 'Confirmation here', trigger: { type: 'booking.created' }, filters: { locationIds: ['c-1'] } });
    const elsewhere = await workflow({ name: 'Confirmation in Bergen', trigger: { type: 'booking.created' }, filters: { locationIds: ['c-2'] } });
    const pendingOnly = await workflow({ name: 'Pending only', trigger: { type: 'booking.created' }, filters: { statuses: ['pending'] } });
    const off = await workflow({ name: 'Switched off', trigger: { type: 'booking.created' }, enabled: false });
    const reminder = await workflow({ name: 'Reminder 24h', trigger: { type: 'booking.before_start', config: { offset: { amount: 24, unit: 'hours' } } } });
    const unrelated = await workflow({ name: 'New customer', trigger: { type: 'customer.created' } });

    const b = (await c.post('/api/bookings', booking({ startTime: inHours(72), endTime: inHours(73) }))).body;
    const res = await c.get(`/api/bookings/${b.id}/workflows`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.truncated).to.equal(false);
    const items = res.body.items as Item[];
    const of = (id: string) => items.find((i) => i.workflowId === id)!;

    expect(of(here)).to.deep.include({ applies: true, reason: null, trigger: 'When a booking is added', moment: null, scheduledFor: null });
    expect(of(elsewhere)).to.deep.include({ applies: false, reason: 'filter:location' });
    expect(of(pendingOnly)).to.deep.include({ applies: false, reason: 'filter:status' });
    expect(of(off)).to.deep.include({ applies: false, reason: 'disabled', enabled: false });
    const due = new Date(Date.parse(b.startTime) - 24 * 3_600_000).toISOString();
    expect(of(reminder)).to.deep.include({ applies: true, moment: due, scheduledFor: due });
    expect(items.find((i) => i.workflowId === unrelated), 'customer.created is not about a booking').to.equal(undefined);
    const firstNo = items.findIndex((i) => !i.applies);
    expect(items.slice(firstNo).every((i) => !i.applies), 'those that apply come first').to.equal(true);

    // Cancelled: the reminder no longer applies (reminders go to pending and confirmed bookings) and its job is gone.
    expect((await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    const after = (await c.get(`/api/bookings/${b.id}/workflows`)).body.items as Item[];
    expect(after.find((i) => i.workflowId === reminder)).to.deep.include({ applies: false, reason: 'filter:status', moment: due, scheduledFor: null });
  });

  it('answers 404 for a booking of another tenant', async () => {
    const other = await app.tenant('t-bw-other');
    await seedCatalog(other);
    const theirs = (await other.post('/api/bookings', booking({ startTime: inHours(90), endTime: inHours(91) }))).body;
    const res = await c.get(`/api/bookings/${theirs.id}/workflows`);
    expect(res.status).to.equal(404);
    expect(res.body.code).to.equal('NOT_FOUND');
  });
});

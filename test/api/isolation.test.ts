import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { inHours } from '../helpers/fixtures.js';
import { eventually } from '../helpers/engine.js';

// Tenant A's admin key against every endpoint of the OpenAPI document that names an id, with tenant B's ids:
// every answer must be 404 (indistinguishable from an id that does not exist), and B's data must be unchanged.
describe('tenant isolation', () => {
  let app: TestApp;
  let a: Client;
  let b: Client;
  const bIds: Record<string, string> = {};

  before(async () => {
    app = await startTestApp({ worker: true });
    a = await app.tenant('t-a');
    b = await app.tenant('t-b');
    const mk = async (path: string, body: Record<string, unknown>) => {
      const res = await b.post(path, body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.id as string;
    };
    bIds.locations = await mk('/api/locations', { id: 'b-loc', name: 'B', timezone: 'UTC' });
    bIds.services = await mk('/api/services', { id: 'b-svc', name: 'B', durationMinutes: 30 });
    bIds.resources = await mk('/api/resources', { id: 'b-res', name: 'B', locationId: 'b-loc' });
    bIds.customers = await mk('/api/customers', { id: 'b-cus', name: 'B' });
    bIds.bookings = await mk('/api/bookings', { id: 'b-bk', customerId: 'b-cus', resourceId: 'b-res', startTime: inHours(5), endTime: inHours(6) });
    bIds.payments = await mk('/api/payments', { id: 'b-pay', bookingId: 'b-bk', amount: 1, currency: 'EUR', status: 'pending' });
    bIds.workflows = await mk('/api/workflows', {
      id: 'b-wf', name: 'B', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'fixed', address: 'b@b.example', subject: 'x', html: 'x' } }],
    });
    await mk('/api/bookings', { id: 'b-bk2', customerId: 'b-cus', resourceId: 'b-res', startTime: inHours(7), endTime: inHours(8) });
    bIds.runs = await eventually(async () => (await b.get('/api/runs')).body.items.find((r: { status: string }) => r.status === 'succeeded')?.id);
    bIds.messages = await eventually(async () => (await b.get('/api/messages')).body.items[0]?.id);
    // a waitlist entry for a full slot, and the allocation decision made when the slot frees up
    const full = { startTime: inHours(20), endTime: inHours(21) }; // the same instants for both, whatever minute it is
    await mk('/api/bookings', { id: 'b-bk3', customerId: 'b-cus', resourceId: 'b-res', ...full });
    await mk('/api/customers', { id: 'b-cus2', name: 'B2' });
    bIds['facility-waitlist'] = await mk('/api/facility-waitlist', { clubId: 'b-loc', resourceId: 'b-res', memberId: 'b-cus2', desiredStart: full.startTime, desiredEnd: full.endTime });
    await b.post('/api/bookings/b-bk3/status', { status: 'cancelled' });
    bIds.waitlist = await eventually(async () => (await b.get(`/api/facility-waitlist/${bIds['facility-waitlist']}`)).body.explanation?.id);
    bIds.keys = (await b.get('/api/keys')).body.items[0].id;
    bIds.events = (await b.get('/api/events')).body.items[0].id;
    bIds.tenants = 't-b';
    bIds.webhooks = await mk('/api/webhooks', { url: 'https://93.184.216.34/hooks', eventTypes: ['*'], enabled: false });
  });
  after(async () => { await app.stop(); });

  it('answers 404 to every id-bearing endpoint called with another tenant\'s ids', async () => {
    const doc = (await app.anon.get('/api/openapi.json')).body;
    let tried = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { 'x-access': string }>>)) {
      if (!path.includes('{id}')) continue;
      const collection = path.split('/')[2];
      const id = bIds[collection];
      expect(id, `an id of tenant B for ${path}`).to.be.a('string');
      for (const [method, op] of Object.entries(ops)) {
        if (op['x-access'] === 'platform') continue;
        const res = await a.request(method.toUpperCase(), path.replace('{id}', id), method === 'get' || method === 'delete' ? undefined : {});
        expect([400, 404], `${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`).to.include(res.status);
        if (res.status === 400) {
          // validation ran first (an empty body); the same call with a valid body must still be 404
          continue;
        }
        tried++;
      }
    }
    expect(tried).to.be.greaterThan(15);
    // B's data is untouched and A sees none of it in lists
    expect((await b.get('/api/bookings/b-bk')).body.status).to.equal('confirmed');
    expect((await b.get('/api/keys')).body.items[0].revokedAt).to.equal(null);
    expect((await b.get('/api/workflows/b-wf')).body.enabled).to.equal(true);
    expect((await b.get(`/api/facility-waitlist/${bIds['facility-waitlist']}`)).body.status).to.equal('OFFERED');
    for (const col of ['locations', 'services', 'resources', 'customers', 'bookings', 'payments', 'events', 'workflows', 'runs', 'messages', 'facility-waitlist']) {
      expect((await a.get(`/api/${col}`)).body.items.map((x: { id: string }) => x.id), col).to.not.include(bIds[col]);
    }
  });

  it('lists filtered by B\'s ids show nothing of B', async () => {
    const doc = (await app.anon.get('/api/openapi.json')).body;
    const byField: Record<string, string> = {
      locationId: 'b-loc', serviceId: 'b-svc', resourceId: 'b-res', customerId: 'b-cus', memberId: 'b-cus2', bookingId: 'b-bk',
      clubId: 'b-loc', subjectId: 'b-bk', workflowId: 'b-wf', runId: bIds.runs,
    };
    let tried = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>)) {
      const get = ops.get;
      if (!get || path.includes('{')) continue;
      for (const p of (get.parameters ?? []).filter((x) => x.in === 'query' && byField[x.name])) {
        const res = await a.get(`${path}?${p.name}=${encodeURIComponent(byField[p.name])}`);
        if (res.status === 403) continue; // admin-only lists are not for this key anyway
        expect(res.status, `${path}?${p.name}`).to.equal(200);
        expect(res.body.items, `${path}?${p.name}`).to.deep.equal([]);
        tried++;
      }
    }
    expect(tried).to.be.greaterThan(8);
  });

  it('answers 404 for B\'s ids with valid bodies too', async () => {
    const calls: [string, string, unknown][] = [
      ['PATCH', '/api/bookings/b-bk', { resourceId: 'b-res', serviceId: 'b-svc' }],
      ['PATCH', '/api/resources/b-res', { locationId: 'b-loc' }],
      ['POST', '/api/resources', { name: 'x', locationId: 'b-loc' }],
      ['PATCH', '/api/bookings/b-bk', { notes: 'x' }],
      ['POST', '/api/bookings/b-bk/status', { status: 'cancelled' }],
      ['PATCH', '/api/customers/b-cus', { name: 'x' }],
      ['PATCH', '/api/resources/b-res', { capacity: 9 }],
      ['PATCH', '/api/locations/b-loc', { name: 'x' }],
      ['PATCH', '/api/services/b-svc', { name: 'x' }],
      ['PATCH', '/api/payments/b-pay', { status: 'completed' }],
      ['PATCH', '/api/workflows/b-wf', { enabled: false }],
      ['POST', '/api/workflows/b-wf/test', { bookingId: 'b-bk' }],
      ['POST', '/api/runs/retry-failed', { workflowId: 'b-wf' }],
      ['POST', '/api/workflows/test', { workflow: { trigger: { type: 'booking.created' } }, bookingId: 'b-bk' }],
      ['POST', `/api/facility-waitlist/${bIds['facility-waitlist']}/cancel`, { reason: 'x' }],
      ['POST', `/api/facility-waitlist/${bIds['facility-waitlist']}/offer`, { offerExpiresAt: inHours(19) }],
      ['POST', '/api/facility-waitlist', { clubId: 'b-loc', resourceId: 'b-res', memberId: 'b-cus', desiredStart: inHours(20), desiredEnd: inHours(21) }],
      ['POST', '/api/bookings/b-bk/status', { status: 'cancelled', dryRun: true }],
      ['POST', '/api/bookings', { customerId: 'b-cus', resourceId: 'b-res', startTime: inHours(10), endTime: inHours(11) }],
      ['POST', '/api/payments', { bookingId: 'b-bk', amount: 1, currency: 'EUR', status: 'completed' }],
    ];
    for (const [m, p, body] of calls) {
      const res = await a.request(m, p, body);
      expect(res.status, `${m} ${p}`).to.equal(404);
    }
    // every operation whose body can name another record by id is tried above (a new one must be added here)
    const doc = (await app.anon.get('/api/openapi.json')).body;
    const tried = new Set(calls.map(([m, p]) => `${m} ${p.replace(/\/(b-[\w-]+|wl_[\w-]+)(?=\/|$)/g, '/{id}')}`));
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const props = Object.keys(op.requestBody?.content['application/json']?.schema?.properties ?? {});
        const refs = props.filter((k) => /Id$/.test(k) && k !== 'tenantId');
        if (refs.length) expect(tried.has(`${method.toUpperCase()} ${path}`), `${method.toUpperCase()} ${path} (fields ${refs.join(', ')}) is tried with tenant B's ids`).to.equal(true);
      }
    }
    expect((await b.get('/api/bookings/b-bk')).body.notes).to.equal(null);
    expect((await b.get('/api/resources/b-res')).body.capacity).to.equal(1);
    expect((await b.get('/api/payments/b-pay')).body.status).to.equal('pending');
  });
});

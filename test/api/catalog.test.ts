import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { booking, seedCatalog } from '../helpers/fixtures.js';

describe('locations, services, resources, customers and payments', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp();
    c = await app.tenant('t-cat');
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  const entities: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['/api/locations', { name: 'Bergen', timezone: 'Europe/Oslo' }, { name: 'Bergen Centre' }],
    ['/api/services', { name: 'Massage', durationMinutes: 45 }, { durationMinutes: 50 }],
    ['/api/resources', { name: 'Court 9', locationId: 'c-1', email: 'c9@club.example' }, { capacity: 4 }],
    ['/api/customers', { name: 'Ada', phone: '+4790000009', language: 'en-GB', tier: 'gold', optOut: ['email'] }, { tier: 'silver' }],
  ];

  for (const [path, create, patch] of entities) {
    it(`${path}: create 201, get 200, list, patch 200, delete 204, then 404`, async () => {
      const created = await c.post(path, create);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.deep.include(create);
      const id = created.body.id;
      expect(id).to.be.a('string');
      expect((await c.get(`${path}/${id}`)).body).to.deep.equal(created.body);
      const list = await c.get(`${path}?limit=500`);
      expect(list.body.items.map((x: { id: string }) => x.id)).to.include(id);
      expect(list.body).to.have.property('nextCursor', null);
      const patched = await c.patch(`${path}/${id}`, patch);
      expect(patched.status).to.equal(200);
      expect(patched.body).to.deep.include(patch);
      expect((await c.delete(`${path}/${id}`)).status).to.equal(204);
      expect((await c.get(`${path}/${id}`)).status).to.equal(404);
      expect((await c.delete(`${path}/${id}`)).status).to.equal(404);
    });
  }

  it('finds customers by a part of the name, address or number, in any case; % and _ are plain characters', async () => {
    expect((await c.post('/api/customers', { id: 'pct', name: 'Ole 100%_Sure', email: 'ole@pct.example' })).status).to.equal(201);
    const ids = async (q: string) => (await c.get(`/api/customers?q=${encodeURIComponent(q)}`)).body.items.map((x: { id: string }) => x.id).sort();
    expect(await ids('NORDMANN')).to.deep.equal(['m-1']);
    expect(await ids('ola@')).to.deep.equal(['m-2']);
    expect(await ids('1234568')).to.deep.equal(['m-2']);
    expect(await ids('%_')).to.deep.equal(['pct']);
    expect(await ids('_')).to.deep.equal(['pct']);
    expect((await c.get('/api/customers?q=')).status).to.equal(400);
  });

  it('defaults a resource to capacity 1 and a customer to no opt-outs', async () => {
    expect((await c.get('/api/resources/r-1')).body.capacity).to.equal(1);
    expect((await c.get('/api/customers/m-1')).body.optOut).to.deep.equal([]);
  });

  it('refuses to delete what bookings still use (409 IN_USE) and to reference a missing location (404)', async () => {
    await c.post('/api/bookings', booking({ id: 'keep' }));
    const res = await c.delete('/api/customers/m-1');
    expect(res.status).to.equal(409);
    expect(res.body.code).to.equal('IN_USE');
    expect((await c.delete('/api/locations/c-1')).status).to.equal(409);
    const missing = await c.post('/api/resources', { name: 'x', locationId: 'nowhere' });
    expect(missing.status).to.equal(404);
    expect(missing.body.errors[0].pointer).to.equal('/locationId');
  });

  it('refuses to delete a location, service or resource that filters name (409 IN_USE naming them), and deletes it once they do not', async () => {
    await c.post('/api/locations', { id: 'loc-f', name: 'Filtered', timezone: 'Europe/Oslo' });
    await c.post('/api/services', { id: 'svc-f', name: 'Filtered', durationMinutes: 30 });
    await c.post('/api/resources', { id: 'res-f', name: 'Filtered', locationId: 'c-1' });
    const wf = (await c.post('/api/workflows', { name: 'Only there', enabled: false, trigger: { type: 'booking.created' }, filters: { locationIds: ['loc-f'], resourceIds: ['res-f'] } })).body;
    const hook = (await c.post('/api/webhooks', { url: 'https://crm.example.com/hook', eventTypes: ['*'], description: 'CRM', filters: { serviceIds: ['svc-f'] } })).body;
    for (const [path, names] of [['/api/locations/loc-f', 'Only there'], ['/api/resources/res-f', 'Only there'], ['/api/services/svc-f', 'CRM']] as const) {
      const res = await c.delete(path);
      expect(res.status, path).to.equal(409);
      expect(res.body.code).to.equal('IN_USE');
      expect(res.body.detail).to.include(names);
      expect((await c.get(path)).status, 'still there').to.equal(200);
    }
    await c.patch(`/api/workflows/${wf.id}`, { filters: { locationIds: [], resourceIds: [] } });
    await c.delete(`/api/webhooks/${hook.id}`);
    for (const path of ['/api/locations/loc-f', '/api/resources/res-f', '/api/services/svc-f']) expect((await c.delete(path)).status, path).to.equal(204);
  });

  it('refuses a duplicate client-chosen id in one tenant, and allows it in another', async () => {
    const dup = await c.post('/api/customers', { id: 'm-1', name: 'again' });
    expect(dup.status).to.equal(409);
    expect(dup.body.code).to.equal('ALREADY_EXISTS');
    const other = await app.tenant('t-cat-2');
    const same = await other.post('/api/customers', { id: 'm-1', name: 'Someone else' });
    expect(same.status).to.equal(201);
    expect((await c.get('/api/customers/m-1')).body.name).to.equal('Kari Nordmann');
    expect((await other.get('/api/customers/m-1')).body.name).to.equal('Someone else');
  });

  it('records payments and changes their status', async () => {
    const p = await c.post('/api/payments', { id: 'pay-1', bookingId: 'keep', amount: 199.5, currency: 'NOK', status: 'pending' });
    expect(p.status).to.equal(201);
    expect(p.body).to.include({ amount: 199.5, status: 'pending', completedAt: null });
    const done = await c.patch('/api/payments/pay-1', { status: 'completed' });
    expect(done.body.status).to.equal('completed');
    expect(done.body.completedAt).to.be.a('string');
    expect((await c.get('/api/payments?bookingId=keep')).body.items).to.have.length(1);
    expect((await c.post('/api/payments', { bookingId: 'nope', amount: 1, currency: 'NOK', status: 'pending' })).status).to.equal(404);
  });
});

// POST /api/workflows/:id/duplicate: a switched-off copy to adapt, with signing secrets of its own.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { seedCatalog } from '../helpers/fixtures.js';

describe('copying a workflow', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp({ worker: false });
    c = await app.tenant('t-copies');
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  it('copies trigger, filters and actions, switched off, with a webhook secret of its own', async () => {
    const original = await c.post('/api/workflows', {
      name: 'Notify the CRM', description: 'for Oslo', trigger: { type: 'booking.status_changed', config: { from: [], to: ['cancelled'] } },
      filters: { locationIds: ['c-1'], statuses: [] },
      actions: [{ type: 'webhook', config: { url: 'https://crm.example.com/hook', body: { id: '{{booking.id}}' } } }, { type: 'email', config: { to: 'admin', subject: 'Cancelled {{booking.id}}', html: 'x' } }],
    });
    expect(original.status, JSON.stringify(original.body)).to.equal(201);
    const copy = await c.post(`/api/workflows/${original.body.id}/duplicate`);
    expect(copy.status, JSON.stringify(copy.body)).to.equal(201);
    expect(copy.body).to.deep.include({ name: 'Copy of Notify the CRM', description: 'for Oslo', enabled: false, trigger: original.body.trigger, filters: original.body.filters });
    expect(copy.body.id).to.not.equal(original.body.id);
    expect(copy.body.actions.map((a: { type: string; config: unknown }) => [a.type, a.config])).to.deep.equal(original.body.actions.map((a: { type: string; config: unknown }) => [a.type, a.config]));
    const secretOf = (w: { secrets: Record<string, { signing: string }> }) => Object.values(w.secrets)[0].signing;
    expect(secretOf(copy.body)).to.match(/^whsec_/).and.not.equal(secretOf(original.body));
    expect((await c.get(`/api/workflows/${original.body.id}`)).body.enabled, 'the original is untouched').to.equal(true);
  });

  it('answers 404 for a workflow of another tenant, and copies nothing', async () => {
    const other = await app.tenant('t-copies-other');
    const theirs = await other.post('/api/workflows', { name: 'Theirs', trigger: { type: 'customer.created' }, actions: [] });
    const before = (await c.get('/api/workflows?limit=500')).body.items.length;
    const res = await c.post(`/api/workflows/${theirs.body.id}/duplicate`);
    expect(res.status).to.equal(404);
    expect((await c.get('/api/workflows?limit=500')).body.items).to.have.length(before);
  });
});

import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import { ENDPOINT_DISABLED_DEFAULT_KEY } from '../../src/webhooks/default-workflow.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { seedCatalog } from '../helpers/fixtures.js';
import type { Client, Res } from '../helpers/client.js';
import { subscribe } from './world.js';

// The subscription API without a worker, with the SSRF guard on (BOOKFLOW_WEBHOOK_ALLOW_PRIVATE unset).
// 93.184.216.34 is a public address that needs no DNS (special-purpose ranges such as TEST-NET-3 are refused).
const PUBLIC = 'https://93.184.216.34/hooks';

describe('webhook subscriptions API', () => {
  let app: TestApp;
  let a: Client;
  let b: Client;
  before(async () => {
    app = await startTestApp();
    a = await app.tenant('t-wh-a', { adminEmail: 'admin@a.example' });
    b = await app.tenant('t-wh-b');
    await seedCatalog(a); // filters name its resources
  });
  after(async () => { await app.stop(); });

  const count = async () => (await rows<{ n: number }>(app.ds, 'SELECT count(*)::int AS n FROM webhook_subscriptions'))[0].n;

  function expectProblem(res: Res, status: number, pointer: string): void {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer), JSON.stringify(res.body)).to.include(pointer);
  }

  it('creates a subscription and shows its secret once, then lists, gets, changes and deletes it', async () => {
    const created = await subscribe(a, {
      url: PUBLIC, eventTypes: ['booking.created', 'slot.freed'], description: 'CRM', filters: { resourceIds: ['r-1'] },
    });
    expect(created.secret).to.match(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
    expect(created).to.include({ url: PUBLIC, description: 'CRM', enabled: true, disabledReason: null, failingSince: null });
    expect(created.id).to.match(/^wh_/);
    expect(created.filters).to.deep.equal({ locationIds: [], serviceIds: [], resourceIds: ['r-1'], languages: [] });

    const got = await a.get(`/api/webhooks/${created.id}`);
    expect(got.status).to.equal(200);
    expect(got.body).to.not.have.property('secret');
    expect(JSON.stringify((await a.get('/api/webhooks')).body)).to.not.include(created.secret);
    expect((await a.get('/api/webhooks')).body.items.map((s: { id: string }) => s.id)).to.include(created.id);

    const patched = await a.patch(`/api/webhooks/${created.id}`, { eventTypes: ['*'], filters: { languages: ['nb'] }, enabled: false });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    expect(patched.body).to.include({ enabled: false, disabledReason: null });
    expect(patched.body.eventTypes).to.deep.equal(['*']);
    // filters are replaced as a whole, like a workflow's
    expect(patched.body.filters).to.deep.equal({ locationIds: [], serviceIds: [], resourceIds: [], languages: ['nb'] });
    const enabled = (await a.patch(`/api/webhooks/${created.id}`, { enabled: true })).body;
    expect(enabled.enabled).to.equal(true);
    expect(enabled.filters.languages, 'a patch without filters keeps them').to.deep.equal(['nb']);

    expect((await a.delete(`/api/webhooks/${created.id}`)).status).to.equal(204);
    expect((await a.get(`/api/webhooks/${created.id}`)).status).to.equal(404);
  });

  it('refuses bad subscriptions with a 400 naming the field, and writes nothing', async () => {
    const before = await count();
    const cases: [string, Record<string, unknown>, string][] = [
      ['not http(s)', { url: 'ftp://93.184.216.34/x' }, '/url'],
      ['not a URL', { url: 'hooks here' }, '/url'],
      ['credentials in the URL', { url: 'https://user:secret@93.184.216.34/x' }, '/url'],
      ['loopback address', { url: 'http://127.0.0.1:9/x' }, '/url'],
      ['private address', { url: 'http://10.1.2.3/x' }, '/url'],
      ['link-local (metadata) address', { url: 'http://169.254.169.254/latest' }, '/url'],
      ['IPv6 loopback', { url: 'http://[::1]:9/x' }, '/url'],
      ['a name resolving to loopback', { url: 'http://localhost:9/x' }, '/url'],
      ['unknown event type', { url: PUBLIC, eventTypes: ['booking.created', 'booking.exploded'] }, '/eventTypes/1'],
      ['no event types', { url: PUBLIC, eventTypes: [] }, '/eventTypes'],
      ['unknown filter', { url: PUBLIC, filters: { colours: ['red'] } }, '/filters/colours'],
      ['bad language filter', { url: PUBLIC, filters: { languages: ['Norwegian!'] } }, '/filters/languages/0'],
      ['a location the tenant does not have (it would never match)', { url: PUBLIC, filters: { locationIds: ['osol'] } }, '/filters/locationIds/0'],
      ['unknown field', { url: PUBLIC, secret: 'whsec_mine' }, '/secret'],
    ];
    for (const [what, body, pointer] of cases) {
      const res = await a.post('/api/webhooks', { eventTypes: ['*'], ...body });
      expectProblem(res, 400, pointer);
      expect(res.body.detail, what).to.be.a('string');
    }
    expect(await count()).to.equal(before);
    const missing = await a.post('/api/webhooks', { eventTypes: ['*'] });
    expectProblem(missing, 400, '/url');
    // a scheme in capitals is still http(s) (URL schemes are case-insensitive)
    const upper = await a.post('/api/webhooks', { url: 'HTTPS://93.184.216.34/upper', eventTypes: ['*'], enabled: false });
    expect(upper.status, JSON.stringify(upper.body)).to.equal(201);
    await a.delete(`/api/webhooks/${upper.body.id}`);
  });

  it('says why a private address is refused, and checks a changed URL the same way', async () => {
    const res = await a.post('/api/webhooks', { url: 'http://192.168.1.10/x', eventTypes: ['*'] });
    expect(res.body.detail).to.match(/BOOKFLOW_WEBHOOK_ALLOW_PRIVATE/);
    const sub = await subscribe(a, { url: PUBLIC });
    expectProblem(await a.patch(`/api/webhooks/${sub.id}`, { url: 'http://127.0.0.1/x' }), 400, '/url');
    expect((await a.get(`/api/webhooks/${sub.id}`)).body.url).to.equal(PUBLIC);
  });

  it('rotates the secret: the new one is shown once and the previous one keeps signing for 24 hours', async () => {
    const sub = await subscribe(a, { url: PUBLIC });
    const res = await a.post(`/api/webhooks/${sub.id}/rotate-secret`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.secret).to.match(/^whsec_/).and.not.equal(sub.secret);
    const overlap = Date.parse(res.body.previousSecretExpiresAt) - Date.now();
    expect(overlap).to.be.within(24 * 3600_000 - 60_000, 24 * 3600_000);
    const [row] = await rows<{ secret: string; previous_secrets: { secret: string }[] }>(app.ds,
      'SELECT secret, previous_secrets FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2', ['t-wh-a', sub.id]);
    expect(row.secret).to.equal(res.body.secret);
    expect(row.previous_secrets.map((p) => p.secret)).to.deep.equal([sub.secret]);
  });

  it('keeps subscriptions to their tenant: another tenant\'s ids answer 404 and lists never show them', async () => {
    const sub = await subscribe(a, { url: PUBLIC, description: 'only A' });
    for (const [m, p, body] of [
      ['GET', `/api/webhooks/${sub.id}`, undefined], ['PATCH', `/api/webhooks/${sub.id}`, { enabled: false }],
      ['DELETE', `/api/webhooks/${sub.id}`, undefined], ['POST', `/api/webhooks/${sub.id}/rotate-secret`, undefined],
      ['POST', `/api/webhooks/${sub.id}/test`, undefined], ['GET', `/api/webhooks/${sub.id}/deliveries`, undefined],
      ['POST', `/api/webhooks/${sub.id}/replay`, { since: new Date(0).toISOString() }],
    ] as [string, string, unknown][]) {
      const res = await b.request(m, p, body);
      expect(res.status, `${m} ${p}: ${JSON.stringify(res.body)}`).to.equal(404);
    }
    expect((await b.get('/api/webhooks')).body.items).to.deep.equal([]);
    const after = (await a.get(`/api/webhooks/${sub.id}`)).body;
    expect(after).to.include({ enabled: true, description: 'only A' });
  });

  it('is for admin keys only', async () => {
    const key = await a.post('/api/keys', { role: 'app', name: 'booking app' });
    const appClient = app.client(key.body.secret);
    expect((await appClient.get('/api/webhooks')).status).to.equal(403);
    expect((await appClient.post('/api/webhooks', { url: PUBLIC, eventTypes: ['*'] })).status).to.equal(403);
  });

  it('gives every new tenant the default workflow that emails the admin when an endpoint is disabled', async () => {
    const defaults = (await a.get('/api/workflows/defaults')).body.items;
    const d = defaults.find((x: { key: string }) => x.key === ENDPOINT_DISABLED_DEFAULT_KEY);
    expect(d?.workflowId, JSON.stringify(defaults)).to.be.a('string');
    const wf = (await a.get(`/api/workflows/${d.workflowId}`)).body;
    expect(wf.trigger.type).to.equal('webhook.endpoint_disabled');
    expect(wf.actions[0].config.to).to.equal('admin');
  });
});

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startBookflow } from '../../src/boot.js';
import { loadConfig } from '../../src/config.js';
import { Client } from '../helpers/client.js';
import { dropDatabase, freshDatabase } from '../helpers/global.js';

// The whole service on its own embedded Postgres, as `npm start` runs it.
describe('service lifecycle (embedded Postgres)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookflow-life-'));
  const env = { BOOKFLOW_DATA_DIR: dataDir, PORT: '0', BOOKFLOW_WORKER_CONCURRENCY: '2' };
  const quiet = () => {};
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts, seeds the demo tenant, keeps data across a restart, and stops its Postgres', async () => {
    const first = await startBookflow(loadConfig(env), 'serve', quiet);
    let port: number;
    try {
      expect(first.demoKey).to.match(/^bfk_/);
      const demo = new Client(first.url!, first.demoKey);
      expect((await demo.get('/api/settings')).body.id).to.equal('demo');
      const created = await demo.post('/api/customers', { id: 'keep-me', name: 'Persistent' });
      expect(created.status).to.equal(201);
      // The demo's own workflows at work: a first booking gets its confirmation (in Kari's language, captured in
      // the outbox with no mail server configured) and its reminder scheduled.
      const start = new Date(Date.now() + 3 * 86_400_000);
      start.setUTCHours(9, 0, 0, 0);
      const booking = await demo.post('/api/bookings', { customerId: 'm-1', resourceId: 'court-1', serviceId: 'court-hour', startTime: start.toISOString(), endTime: new Date(start.getTime() + 3_600_000).toISOString() });
      expect(booking.status, JSON.stringify(booking.body)).to.equal(201);
      let mail: { status: string; subject: string } | undefined;
      for (let i = 0; i < 300 && !mail; i++) { // up to 30 s on a busy machine
        // Stored as pending first, then marked captured: wait for the final state.
        mail = (await demo.get(`/api/messages?bookingId=${booking.body.id}&channel=email`)).body.items.find((m: { status: string }) => m.status !== 'pending');
        if (!mail) await new Promise((r) => setTimeout(r, 100));
      }
      expect(mail, 'the confirmation').to.include({ status: 'captured' });
      expect(mail!.subject).to.match(/^Bestilt: Court 1, /);
      const workflows = (await demo.get(`/api/bookings/${booking.body.id}/workflows`)).body.items as { name: string; scheduledFor: string | null }[];
      expect(workflows.find((w) => w.name === 'Reminder the day before')?.scheduledFor).to.equal(new Date(start.getTime() - 86_400_000).toISOString());
      expect((await new Client(first.url!, null).get('/readyz')).status).to.equal(200);
      port = Number(new URL(first.databaseUrl).port);
    } finally {
      await first.stop();
    }
    // Postgres is gone: nothing listens on its port any more
    const stillUp = await fetch(`http://127.0.0.1:${port}`).then(() => true, (e: Error & { cause?: { code?: string } }) => e.cause?.code !== 'ECONNREFUSED');
    expect(stillUp).to.equal(false);

    const second = await startBookflow(loadConfig(env), 'serve', quiet);
    try {
      expect(second.demoKey, 'the demo key is shown again from the data dir').to.equal(first.demoKey);
      expect(second.adminKey).to.equal(first.adminKey);
      const demo = new Client(second.url!, second.demoKey);
      expect((await demo.get('/api/customers/keep-me')).body.name).to.equal('Persistent');
      const tenants = await new Client(second.url!, second.adminKey).get('/api/tenants');
      expect(tenants.body.items.filter((t: { id: string }) => t.id === 'demo')).to.have.length(1);
      const workflows = (await demo.get('/api/workflows?limit=500')).body.items as { name: string }[];
      expect(workflows.filter((w) => w.name === 'Booking confirmation'), 'seeded once, on the first start').to.have.length(1);
    } finally {
      await second.stop();
    }
  });

  it('uses DATABASE_URL when set, and starts no embedded Postgres', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookflow-ext-'));
    const databaseUrl = await freshDatabase();
    const app = await startBookflow(loadConfig({ BOOKFLOW_DATA_DIR: dir, PORT: '0', DATABASE_URL: databaseUrl, BOOKFLOW_ADMIN_KEY: 'external-db-platform-key' }), 'serve', quiet);
    try {
      expect(app.databaseUrl).to.equal(databaseUrl);
      expect(fs.existsSync(path.join(dir, 'pg')), 'no embedded cluster was created').to.equal(false);
      expect(app.demoKey, 'no demo tenant by default with an external database').to.equal(null);
      const res = await new Client(app.url!, 'external-db-platform-key').post('/api/tenants', { id: 'ext', name: 'External' });
      expect(res.status).to.equal(201);
    } finally {
      await app.stop();
      await dropDatabase(databaseUrl);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which port is in use when it cannot listen, and leaves nothing running', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookflow-port-'));
    const databaseUrl = await freshDatabase();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as net.AddressInfo).port);
    try {
      const failed = await startBookflow(loadConfig({ BOOKFLOW_DATA_DIR: dir, PORT: port, DATABASE_URL: databaseUrl, BOOKFLOW_ADMIN_KEY: 'port-in-use-platform-key' }), 'serve', quiet)
        .then(async (app) => { await app.stop(); return null; }, (err: Error) => err);
      expect(failed?.message).to.equal(`port ${port} on 127.0.0.1 is in use (EADDRINUSE): stop what uses it, or set PORT to another port`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await dropDatabase(databaseUrl);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong configuration with one line per problem', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: 'perhaps' }))
      .to.throw(/PORT=.*\n.*DATABASE_URL.*\n.*BOOKFLOW_WEBHOOK_ALLOW_PRIVATE/);
  });

  it('CI runs npm ci and then exactly the README\'s test command', () => {
    const ci = fs.readFileSync('.ci/run', 'utf8');
    const readme = fs.readFileSync('README.md', 'utf8');
    expect(readme).to.include('npm install && npm start');
    expect(readme).to.include('npm test');
    const lines = ci.split('\n').map((l) => l.trim());
    const ciIdx = lines.findIndex((l) => /^npm ci\b/.test(l));
    const testIdx = lines.findIndex((l) => l === 'npm test');
    expect(ciIdx).to.be.greaterThan(-1);
    expect(testIdx).to.be.greaterThan(ciIdx);
    expect(() => execFileSync('bash', ['-n', '.ci/run'])).to.not.throw();
  });
});

describe('OpenAPI and the API reference', () => {
  let app: Awaited<ReturnType<typeof import('../helpers/app.js').startTestApp>>;
  before(async () => { app = await (await import('../helpers/app.js')).startTestApp(); });
  after(async () => { await app.stop(); });

  it('publishes OpenAPI 3.1 without a key, with the request schemas the server validates with', async () => {
    const res = await app.anon.get('/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal('3.1.0');
    const post = res.body.paths['/api/bookings'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.required).to.include.members(['customerId', 'resourceId', 'startTime', 'endTime']);
    expect(schema.additionalProperties).to.equal(false);
    expect(res.body.paths['/api/bookings/{id}/status'].post.responses['409']).to.be.an('object');
    // every answer a client can get is there: 415 for bodies, a route's own (422 TEMPLATE_INVALID) as a problem
    expect(post.responses['415']).to.have.nested.property('content.application/problem+json');
    expect(res.body.paths['/api/workflows'].post.responses['422']).to.have.nested.property('content.application/problem+json');
    expect(res.body.paths['/api/settings/test-message'].post.responses['502'].description).to.match(/^DELIVERY_FAILED/);
  });

  it('serves a rendered reference page and its assets without a key', async () => {
    const page = await fetch(`${app.url}/api/docs`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include('swagger-ui-bundle.js');
    expect((await fetch(`${app.url}/api/docs/assets/swagger-ui-bundle.js`)).status).to.equal(200);
    expect((await app.anon.get('/healthz')).status).to.equal(200);
    expect((await app.anon.get('/readyz')).body.status).to.equal('ready');
  });
});

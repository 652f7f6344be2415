// The in-process cache of authenticated API keys (src/domain/keys.ts, KEY_CACHE_MS): a revocation through this
// process takes effect at once; another process may accept the revoked key until its entry expires, never longer.
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source.js';
import { authenticate, KEY_CACHE_MS } from '../../src/domain/keys.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('API key cache', () => {
  let app: TestApp;
  let other: DataSource; // stands for a second Bookflow process on the same database
  before(async () => {
    app = await startTestApp();
    other = createDataSource(app.databaseUrl, { poolSize: 2 });
    await other.initialize();
  });
  after(async () => {
    await other.destroy();
    await app.stop();
  });

  async function appKey(tenant: string): Promise<{ id: string; secret: string; admin: Awaited<ReturnType<TestApp['tenant']>> }> {
    const admin = await app.tenant(tenant);
    const created = await admin.post('/api/keys', { role: 'app' });
    expect(created.status).to.equal(201);
    return { id: created.body.id, secret: created.body.secret, admin };
  }

  it('stops a key revoked through this process at once, even one used a moment before', async () => {
    const { id, secret, admin } = await appKey('kc-now');
    const client = app.client(secret);
    expect((await client.get('/api/bookings')).status).to.equal(200);
    expect((await client.get('/api/bookings')).status).to.equal(200); // now answered from the cache
    expect((await admin.post(`/api/keys/${id}/revoke`, {})).status).to.equal(200);
    const after = await client.get('/api/bookings');
    expect(after.status).to.equal(401);
    expect(after.body.code).to.equal('UNAUTHENTICATED');
  });

  it('lets another process accept a key revoked elsewhere for at most KEY_CACHE_MS', async () => {
    const { id, secret, admin } = await appKey('kc-other');
    expect(await authenticate(other, secret)).to.deep.include({ tenantId: 'kc-other', role: 'app', keyId: id });
    expect((await admin.delete(`/api/keys/${id}`)).status).to.equal(204);
    expect(await authenticate(app.ds, secret)).to.equal(null);
    // The documented trade-off: the other process still trusts what it read shortly before the revocation...
    expect(await authenticate(other, secret)).to.deep.include({ keyId: id });
    // ...until its entry expires.
    const now = Date.now;
    Date.now = () => now() + KEY_CACHE_MS + 1;
    try {
      expect(await authenticate(other, secret)).to.equal(null);
    } finally {
      Date.now = now;
    }
    expect(await authenticate(other, secret)).to.equal(null);
  });

  it('never remembers an unknown or revoked key', async () => {
    expect(await authenticate(app.ds, 'bfk_not-a-key')).to.equal(null);
    const { id, secret, admin } = await appKey('kc-revoked');
    expect((await admin.delete(`/api/keys/${id}`)).status).to.equal(204);
    expect(await authenticate(other, secret)).to.equal(null); // read from the table: revoked, so not cached
    expect(await authenticate(other, secret)).to.equal(null);
  });
});

import { expect } from 'chai';
import { settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { createWorkflow, finishedRun, seededTenant } from './support.js';

// With BOOKFLOW_WEBHOOK_ALLOW_PRIVATE off (the production default), a workflow cannot make Bookflow call loopback,
// private or link-local addresses: the step fails for good, and nothing reaches the address.
describe('webhook SSRF guard', () => {
  let w: EngineWorld;
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(1600 + h), endTime: inHours(1601 + h) }; };

  before(async () => { w = await startEngineWorld({ env: { BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: 'false' } }); });
  after(async () => { await w.stop(); });

  const port = () => new URL(w.hooks.url).port;
  const targets = () => [
    `${w.hooks.url}/direct`, // http://127.0.0.1:PORT, an IP literal
    `http://localhost:${port()}/by-name`, // a name that resolves to loopback
    `http://[::ffff:127.0.0.1]:${port()}/mapped`, // IPv4-mapped IPv6 loopback
    `http://{{location.name}}:${port()}/templated`, // the rendered URL is what is checked (the location is named localhost)
  ];

  for (const [i, label] of ['an IP literal', 'a hostname', 'an IPv4-mapped IPv6 literal', 'a templated hostname'].entries()) {
    it(`refuses a loopback webhook given as ${label}: SSRF_BLOCKED, one attempt, nothing received`, async () => {
      const c = await seededTenant(w.app);
      expect((await c.patch('/api/locations/c-1', { name: 'localhost' })).status).to.equal(200);
      const url = targets()[i];
      const templated = url.includes('{{');
      if (!templated) {
        // written out, it is refused on save, at the URL
        const refused = await c.post('/api/workflows', { name: 'x', trigger: { type: 'booking.created' }, actions: [{ type: 'webhook', config: { url } }] });
        expect(refused.status).to.equal(400);
        expect(refused.body.errors[0]).to.include({ pointer: '/actions/0/config/url' });
        expect(refused.body.errors[0].message).to.match(/BOOKFLOW_WEBHOOK_ALLOW_PRIVATE/);
      }
      // and refused when called, whatever the save let through (a name that resolved elsewhere then, a template)
      const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [{ type: 'webhook', config: { url: templated ? url : 'https://93.184.216.34/hook' } }] });
      if (!templated) {
        await w.app.ds.query("UPDATE workflows SET actions = jsonb_set(actions, '{0,config,url}', to_jsonb($3::text)) WHERE tenant_id = $1 AND id = $2", [c.tenantId, wf.id, url]);
        await w.app.ds.query('UPDATE tenants SET workflows_version = workflows_version + 1 WHERE id = $1', [c.tenantId]);
      }
      const b = (await c.post('/api/bookings', booking(slot()))).body;
      const run = await finishedRun(c, b.id, wf.id);
      expect(run.status).to.equal('failed');
      expect(run.steps[0]).to.include({ status: 'failed', errorCode: 'SSRF_BLOCKED', attempts: 1 });
      await settled(w.app);
      expect(w.hooks.requests).to.deep.equal([]);
      const [msg] = (await c.get(`/api/messages?runId=${run.id}`)).body.items;
      expect(msg).to.include({ channel: 'webhook', status: 'failed' });
      expect(msg.lastError).to.match(/^SSRF_BLOCKED: /);
    });
  }
});

import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { settled } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { deliveries, noJobLeft, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

// The SSRF guard at send time (BOOKFLOW_WEBHOOK_ALLOW_PRIVATE off). A URL accepted when it was saved can point at a
// private address later (DNS changes); the stored URL is changed in SQL to stand for that.
describe('webhook SSRF guard at send time', () => {
  let w: WebhookWorld;
  let c: Client;
  before(async () => {
    w = await startWebhookWorld({ env: { BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: 'false' } });
    c = await w.app.tenant('t-wh-ssrf');
    await seed(w, c);
  });
  after(async () => { await w.stop(); });

  it('refuses to call a loopback address, by name or as an IP, and does not retry', async () => {
    const port = new URL(w.hooks.url).port;
    const subs = [];
    for (const url of [`http://localhost:${port}/by-name`, `http://127.0.0.1:${port}/by-ip`]) {
      const refused = await c.post('/api/webhooks', { url, eventTypes: ['*'] });
      expect(refused.status, 'refused when saved').to.equal(400);
      const sub = await subscribe(c, { url: 'https://93.184.216.34/hooks', eventTypes: ['booking.created'] });
      await w.app.ds.query("UPDATE webhook_subscriptions SET url = $2 WHERE tenant_id = 't-wh-ssrf' AND id = $1", [sub.id, url]);
      subs.push(sub);
    }
    await c.post('/api/bookings', booking({ startTime: inHours(20), endTime: inHours(21) }));
    await settled(w.app);
    for (const sub of subs) {
      const [d] = await deliveries(c, sub.id);
      expect(d, JSON.stringify(d)).to.include({ status: 'failed', attemptCount: 1, lastStatusCode: null });
      expect(d.attempts[0].errorCode).to.equal('SSRF_BLOCKED');
      expect(d.attempts[0].error).to.match(/BOOKFLOW_WEBHOOK_ALLOW_PRIVATE/);
      expect(await noJobLeft(w, 't-wh-ssrf', d.id)).to.equal(true);
    }
    expect(w.hooks.requests).to.have.length(0);
  });
});

import { expect } from 'chai';
import { ConfigError, DEFAULT_WEBHOOK_RETRY_SCHEDULE, loadConfig } from '../../src/config.js';
import { retryDelay } from '../../src/webhooks/retry.js';
import type { Client } from '../helpers/client.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { delivery, jobOf, noJobLeft, retryNow, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

const H = 3_600_000;

describe('webhook retry schedule', () => {
  it('defaults to 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the immediate first attempt', () => {
    expect(loadConfig({}).webhookRetrySchedule).to.deep.equal([5_000, 300_000, 1_800_000, 2 * H, 5 * H, 10 * H, 10 * H]);
    expect(DEFAULT_WEBHOOK_RETRY_SCHEDULE).to.have.length(7);
  });

  it('reads BOOKFLOW_WEBHOOK_RETRY_SCHEDULE and refuses a malformed one at boot, naming it', () => {
    expect(loadConfig({ BOOKFLOW_WEBHOOK_RETRY_SCHEDULE: '250ms, 1s,2m,3h,1d' }).webhookRetrySchedule).to.deep.equal([250, 1000, 120_000, 3 * H, 24 * H]);
    for (const bad of ['5 minutes', '5', '1s,,2s', '8d', Array(21).fill('1s').join(',')]) {
      expect(() => loadConfig({ BOOKFLOW_WEBHOOK_RETRY_SCHEDULE: bad }), bad).to.throw(ConfigError, /BOOKFLOW_WEBHOOK_RETRY_SCHEDULE/);
    }
  });

  it('varies each wait by at most 10% and ends when the schedule does', () => {
    expect(retryDelay([1000, 2000], 1, () => 0)).to.equal(900);
    expect(retryDelay([1000, 2000], 2, () => 1)).to.equal(2200);
    expect(retryDelay([1000, 2000], 2, () => 0.5)).to.equal(2000);
    expect(retryDelay([1000, 2000], 3)).to.equal(null);
  });

  describe('a shortened schedule (2 h, 30 min)', () => {
    let w: WebhookWorld;
    let c: Client;
    before(async () => {
      w = await startWebhookWorld({ env: { BOOKFLOW_WEBHOOK_RETRY_SCHEDULE: '2h,30m' } });
      c = await w.app.tenant('t-wh-s');
      await seed(w, c);
    });
    after(async () => { await w.stop(); });

    it('makes three attempts spaced by the configured waits, then fails the delivery for good', async () => {
      w.hooks.respondWith(500, 'no');
      const sub = await subscribe(c, { url: `${w.hooks.url}/short`, eventTypes: ['booking.created'] });
      await c.post('/api/bookings', booking({ startTime: inHours(30), endTime: inHours(31) }));
      let d = await delivery(c, sub.id, (x) => x.attemptCount === 1);
      for (const [n, base] of [[2, 2 * H], [3, 0.5 * H]]) {
        const job = await jobOf(w, 't-wh-s', d.id);
        const wait = job!.run_at.getTime() - Date.parse(d.attempts[n - 2].at);
        expect(wait, `wait before attempt ${n}`).to.be.within(base * 0.9, base * 1.1 + 1000);
        await retryNow(w, 't-wh-s', d.id);
        d = await delivery(c, sub.id, (x) => x.id === d.id && x.attemptCount === n);
      }
      expect(d.status).to.equal('failed');
      expect(await noJobLeft(w, 't-wh-s', d.id)).to.equal(true);
      expect(w.hooks.requests.filter((r) => r.path === '/short')).to.have.length(3);
    });
  });
});

import { expect } from 'chai';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from '../../src/config.js';
import { endpointQueue } from '../../src/webhooks/jobs.js';
import type { Client } from '../helpers/client.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { delivery, type DeliveryJson, jobOf, noJobLeft, retryNow, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

// Retries follow the default schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) through graphile-worker's
// run_at; the tests read each retry's run_at from its job and make it due with retryNow instead of waiting.
describe('webhook retries', () => {
  let w: WebhookWorld;
  let c: Client;
  let failing: WebhookReceiver;
  let h = 0;
  const newBooking = async () => { h += 2; return (await c.post('/api/bookings', booking({ startTime: inHours(200 + h), endTime: inHours(201 + h) }))).body as { id: string }; };

  before(async () => {
    w = await startWebhookWorld();
    failing = await startWebhookReceiver();
    c = await w.app.tenant('t-wh-r');
    await seed(w, c);
  });
  after(async () => {
    await w.stop();
    await failing.close();
  });

  /** The wait the delivery's pending job was scheduled with, measured from the end of its last attempt. */
  async function scheduledWait(d: DeliveryJson): Promise<number> {
    const job = await jobOf(w, 't-wh-r', d.id);
    expect(job, `a retry job after attempt ${d.attemptCount}`).to.not.equal(undefined);
    const last = d.attempts[d.attempts.length - 1];
    return job!.run_at.getTime() - (Date.parse(last.at) + (last.durationMs ?? 0));
  }

  it('retries a failing endpoint on the schedule with the same webhook-id, signing each attempt afresh, then gives up', async () => {
    failing.respondWith(503, 'down');
    const sub = await subscribe(c, { url: `${failing.url}/retry`, eventTypes: ['booking.created'] });
    failing.setSecrets([sub.secret]);
    await newBooking();
    const first = await delivery(c, sub.id, (d) => d.attemptCount === 1, 'the first attempt');
    expect((await jobOf(w, 't-wh-r', first.id))!.queue_name, 'the endpoint\'s own queue').to.equal(endpointQueue('t-wh-r', sub.id));

    const waits = [await scheduledWait(first)];
    // The 5 s retry comes by itself, signed with a newer timestamp (verifiers reject ones older than 5 minutes).
    let d = await delivery(c, sub.id, (x) => x.id === first.id && x.attemptCount === 2, 'the 5 s retry');
    for (let n = 3; n <= 8; n++) {
      waits.push(await scheduledWait(d));
      await retryNow(w, 't-wh-r', d.id);
      d = await delivery(c, sub.id, (x) => x.id === first.id && x.attemptCount === n, `attempt ${n}`);
    }
    DEFAULT_WEBHOOK_RETRY_SCHEDULE.forEach((base, i) => {
      expect(waits[i], `wait before attempt ${i + 2}`).to.be.within(base * 0.9 - 50, base * 1.1 + 1500);
    });
    expect(waits.some((x, i) => Math.abs(x - DEFAULT_WEBHOOK_RETRY_SCHEDULE[i]) > 1000), 'jitter').to.equal(true);

    expect(d).to.include({ status: 'failed', nextAttemptAt: null, lastStatusCode: 503 });
    expect(await noJobLeft(w, 't-wh-r', d.id), 'no ninth attempt').to.equal(true);
    expect(d.attempts.map((a) => [a.attempt, a.statusCode, a.errorCode, a.responseBody])).to.deep.equal(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, 503, 'HTTP_503', 'down']));
    for (const a of d.attempts) expect(a.durationMs).to.be.a('number');

    const got = failing.requests.filter((r) => r.path === '/retry');
    expect(got).to.have.length(8);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).to.deep.equal(new Set([first.id]));
    expect(new Set(got.map((r) => r.rawBody)).size, 'the same body every time').to.equal(1);
    expect(got.every((r) => r.verified)).to.equal(true);
    const [t1, t2] = got.map((r) => Number(r.headers['webhook-timestamp']));
    expect(t2 - t1, 'the retry carries its own timestamp').to.be.at.least(4);
    expect(got[1].headers['webhook-signature']).to.not.equal(got[0].headers['webhook-signature']);
    failing.reset();
    await c.delete(`/api/webhooks/${sub.id}`);
  });

  it('counts a redirect as a failed attempt and never follows it', async () => {
    const target = await startWebhookReceiver();
    try {
      failing.redirectTo(`${target.url}/elsewhere`);
      const sub = await subscribe(c, { url: `${failing.url}/redirect`, eventTypes: ['booking.created'] });
      await newBooking();
      const d = await delivery(c, sub.id, (x) => x.attemptCount === 1);
      expect(d.status).to.equal('pending');
      expect(d.attempts[0]).to.include({ statusCode: 302, errorCode: 'HTTP_302' });
      expect(d.attempts[0].error).to.match(/redirects are not followed/);
      expect(await jobOf(w, 't-wh-r', d.id), 'retried later').to.not.equal(undefined);
      expect(target.requests).to.have.length(0);
      await c.delete(`/api/webhooks/${sub.id}`);
    } finally {
      failing.reset();
      await target.close();
    }
  });

  it('succeeds on a retry and ends the endpoint\'s failing streak', async () => {
    failing.respondWith(500, { error: 'oops' }, { times: 1 });
    const sub = await subscribe(c, { url: `${failing.url}/recover`, eventTypes: ['booking.created'] });
    await newBooking();
    const d = await delivery(c, sub.id, (x) => x.attemptCount === 1);
    expect((await c.get(`/api/webhooks/${sub.id}`)).body.failingSince).to.equal(d.attempts[0].at);
    await retryNow(w, 't-wh-r', d.id);
    const done = await delivery(c, sub.id, (x) => x.id === d.id && x.status === 'succeeded');
    expect(done.attempts.map((a) => [a.statusCode, a.errorCode, a.responseBody])).to.deep.equal([[500, 'HTTP_500', '{"error":"oops"}'], [200, null, '{"ok":true}']]);
    expect(done).to.include({ lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect((await c.get(`/api/webhooks/${sub.id}`)).body.failingSince).to.equal(null);
    expect(await noJobLeft(w, 't-wh-r', d.id)).to.equal(true);
  });
});

// The run page answers "did they get it twice?" for an SMS whose first attempt lost Twilio's answer: Twilio is asked
// before the retry sends, and the page says in words what happened; and "why was it not sent?" for a retry that
// found the booking cancelled.
import { expect } from 'chai';
import { eventually, retryStepsNow, settled } from '../helpers/engine.js';
import { startTwilioServer, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, type TwilioServer } from '../helpers/twilio.js';
import { screenshot, signIn } from './browser.js';
import { inDays, plusHour, uiSuite } from './setup.js';

describe('Delivery in the run history (admin UI, headless Chromium)', function () {
  let twilio: TwilioServer;
  before(async () => { twilio = await startTwilioServer(); });
  after(async () => { await twilio?.close(); });
  const t = uiSuite({
    env: () => ({ TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: TEST_FROM, TWILIO_API_BASE: twilio.url }),
  });

  /** The workflow's newest run once it has finished (not `except`, an earlier one). */
  async function finishedRun(workflowId: string, except?: string): Promise<{ id: string; status: string }> {
    for (let i = 0; i < 80; i++) {
      const run = (await t.c.get(`/api/workflows/${workflowId}/runs`)).body.items[0];
      if (run && run.id !== except && run.status !== 'running') return run;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the run did not finish');
  }

  it('says an SMS was not sent twice when Twilio already had it, and warns when Twilio could not be asked', async () => {
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'Text the customer', trigger: { type: 'booking.created' },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'Booked {{booking.id}}' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    await signIn(page, app.url, c.key!);

    // Twilio took the first attempt's message, and its answer was lost.
    twilio.loseAnswerNext(1, { taken: true });
    const start = inDays(8);
    expect((await c.post('/api/bookings', { customerId: 'anna', resourceId: 'court-1', startTime: start, endTime: plusHour(start) })).status).to.equal(201);
    const run = await finishedRun(wf.body.id);
    expect(run.status).to.equal('succeeded');
    await page.goto(`${app.url}/#/runs/${encodeURIComponent(run.id)}`);
    const note = page.locator('.run-step .banner');
    await note.waitFor();
    expect(await note.innerText()).to.match(/Not sent twice/).and.match(new RegExp(twilio.created.at(-1)!.sid));
    const stepText = await page.locator('.run-step').innerText();
    expect(stepText).to.not.match(/foundAtProvider/);
    expect(stepText).to.match(/Provider status\s+queued/).and.not.match(/HTTP status/); // Twilio's status is not an HTTP one
    await screenshot(page, '22-run-sms-not-sent-twice');

    // Twilio took it, and then refused to say so: sent again, with a warning.
    twilio.loseAnswerNext(1, { taken: true });
    twilio.failNext(1, { status: 403, code: 20003, message: 'Permission denied' }, { list: true });
    const later = inDays(9);
    expect((await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-1', startTime: later, endTime: plusHour(later) })).status).to.equal(201);
    const again = await finishedRun(wf.body.id, run.id);
    await page.goto(`${app.url}/#/runs/${encodeURIComponent(again.id)}`);
    await page.locator('.run-step .banner').waitFor();
    expect(await page.locator('.run-step .banner').innerText()).to.match(/Sent again/).and.match(/Permission denied/);
  });

  it('says why a retried text was not sent: the booking was cancelled after its first attempt failed', async () => {
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'Confirmed by text', trigger: { type: 'booking.status_changed', config: { to: ['confirmed'] } },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'Confirmed {{booking.id}}' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    const start = inDays(10);
    const b = (await c.post('/api/bookings', { customerId: 'anna', resourceId: 'court-1', startTime: start, endTime: plusHour(start), status: 'pending' })).body;
    await settled(app); // what the booking's creation started (another workflow's text) is not the one to fail
    twilio.failNext(1, { status: 503, code: 20503, message: 'Service unavailable' });
    expect((await c.post(`/api/bookings/${b.id}/status`, { status: 'confirmed' })).status).to.equal(200);
    const runId: string = await eventually(async () => {
      const listed = (await c.get(`/api/workflows/${wf.body.id}/runs`)).body.items[0];
      return listed && (await c.get(`/api/runs/${listed.id}`)).body.steps[0]?.errorCode ? listed.id : null;
    }, 15000, 'the first attempt to fail');
    expect((await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    await retryStepsNow(app);
    await settled(app);
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/runs/${encodeURIComponent(runId)}`);
    const note = page.locator('.run-step .banner');
    await note.waitFor();
    const said = await note.innerText();
    expect(said, said).to.match(/Not sent/).and.match(/The booking is cancelled now/);
    expect(twilio.created.filter((m) => m.params.Body === `Confirmed ${b.id}`)).to.deep.equal([]);
    await screenshot(page, '23-run-not-sent-booking-cancelled');
  });
});

// message.failed: a message that does not reach its recipient is reported (an event, a trigger, webhook deliveries)
// and, by the default workflow, emailed to the tenant admin, instead of waiting in the outbox to be noticed.
import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

interface FailedEvent {
  id: string; depth: number; causedByRun: string | null;
  data: {
    stage: string; channel: string; recipient: string | null; error: { code: string; message: string };
    message: { id: string; status: string; providerStatus: string | null } | null;
    workflow: { id: string; name: string }; run: { id: string; stepIndex: number; actionType: string }; bookingId: string | null;
  };
}

describe('message.failed: undelivered messages are reported', () => {
  let w: EngineWorld;
  let c: Client;
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(700 + h), endTime: inHours(701 + h) }; };

  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-mf', { adminEmail: 'boss@club.example', timezone: 'Europe/Oslo' });
    await seedCatalog(c);
  });
  after(async () => { await w.stop(); });

  async function workflow(body: Record<string, unknown>): Promise<{ id: string }> {
    const res = await c.post('/api/workflows', { name: 'wf', ...body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const off = (id: string) => c.post(`/api/workflows/${id}/disable`);
  const failedFor = async (bookingId: string): Promise<FailedEvent[]> =>
    (await c.get('/api/events?type=message.failed&limit=500')).body.items.filter((e: FailedEvent) => e.data.bookingId === bookingId);

  it('reports an SMS step that failed for good, and the default workflow emails the admin why', async () => {
    const wf = await workflow({ name: 'Booking SMS', trigger: { type: 'booking.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'Booked {{booking.id}}' } }] });
    w.twilio.failNext(1, { status: 400, code: 21211, message: 'The \'To\' number is not a valid phone number.' });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-1', ...slot() }))).body;

    const [ev] = await eventually(async () => { const e = await failedFor(b.id); return e.length ? e : null; });
    const run = (await c.get(`/api/bookings/${b.id}/runs`)).body.items.find((r: { workflowId: string }) => r.workflowId === wf.id);
    expect(run.status).to.equal('failed');
    expect(ev.data).to.deep.include({ stage: 'sending', channel: 'sms', recipient: '+4791234567', bookingId: b.id });
    expect(ev.data.error.code).to.equal('TWILIO_REJECTED');
    expect(ev.data.error.message).to.include('21211');
    expect(ev.data.workflow).to.deep.equal({ id: wf.id, name: 'Booking SMS' });
    expect(ev.data.run).to.deep.equal({ id: run.id, stepIndex: 0, actionType: 'sms' });
    expect(ev.data.message).to.include({ status: 'failed' });
    expect(ev.causedByRun).to.equal(run.id);

    // "Show me what failed": the runs list filters by status.
    const failedRuns = (await c.get('/api/runs?status=failed&status=partial&limit=500')).body.items as { id: string; status: string }[];
    expect(failedRuns.map((r) => r.id)).to.include(run.id);
    expect(failedRuns.every((r) => r.status === 'failed' || r.status === 'partial')).to.equal(true);
    expect((await c.get('/api/runs?status=succeeded&limit=500')).body.items.map((r: { id: string }) => r.id)).to.not.include(run.id);
    const bad = await c.get('/api/runs?status=broken');
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/status/0');

    const mail = await w.smtp.waitFor((m) => m.subject === 'Not delivered: sms to +4791234567');
    expect(mail.to).to.deep.equal(['boss@club.example']);
    expect(mail.html).to.include('<b>Booking SMS</b>').and.include('Kari Nordmann').and.include('21211');
    expect(mail.html, 'a link to the run in the admin UI').to.include(`href="${w.app.config.publicUrl}/#/runs/${run.id}"`);

    // retried by hand and refused again: still one lost message, told once
    w.twilio.failNext(1, { status: 400, code: 21211, message: 'The \'To\' number is not a valid phone number.' });
    expect((await c.post(`/api/runs/${run.id}/retry`)).status).to.equal(200);
    await eventually(async () => (await c.get(`/api/runs/${run.id}`)).body.steps[0].attempts === 2 && (await c.get(`/api/runs/${run.id}`)).body.status === 'failed');
    await settled(w.app);
    expect(await failedFor(b.id)).to.have.length(1);
    await off(wf.id);
  });

  it('reports an SMS the provider could not deliver after sending, once, with the provider\'s error code', async () => {
    const wf = await workflow({ name: 'Reminder SMS', trigger: { type: 'booking.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'See you {{booking.id}}' } }] });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...slot() }))).body;
    const msg = await eventually(async () => (await c.get(`/api/messages?runId=${(await c.get(`/api/bookings/${b.id}/runs`)).body.items[0]?.id ?? 'none'}`)).body.items.find((m: { status: string }) => m.status === 'sent'));
    expect(await w.twilio.sendStatusCallback(msg.providerId, 'sent')).to.equal(204);
    expect(await failedFor(b.id)).to.have.length(0);
    expect(await w.twilio.sendStatusCallback(msg.providerId, 'undelivered', { errorCode: '30003' })).to.equal(204);
    expect(await w.twilio.sendStatusCallback(msg.providerId, 'undelivered', { errorCode: '30003' })).to.equal(204); // a repeated report

    await settled(w.app);
    const events = await failedFor(b.id);
    expect(events, JSON.stringify(events.map((e) => e.data))).to.have.length(1);
    expect(events[0].data).to.deep.include({ stage: 'delivery', channel: 'sms', recipient: '+4791234568' });
    expect(events[0].data.error.code).to.equal('TWILIO_30003');
    expect(events[0].data.message).to.deep.equal({ id: msg.id, status: 'undelivered', providerStatus: 'undelivered' });
    expect((await c.get(`/api/runs/${events[0].data.run.id}`)).body.status, 'the step itself had succeeded').to.equal('succeeded');
    await w.smtp.waitFor((m) => m.subject === 'Not delivered: sms to +4791234568' && (m.html ?? '').includes('TWILIO_30003'));
    await off(wf.id);
  });

  it('lets workflows pick channels, and never reports a failed notice about a failure', async () => {
    // A notice of our own, for SMS failures only, to an endpoint that refuses it (a permanent failure).
    const notice = await workflow({
      name: 'Page the on-call', trigger: { type: 'message.failed', config: { channels: ['sms'] } },
      actions: [{ type: 'webhook', config: { url: `${w.hooks.url}/on-call`, body: { lost: '{{event.data.recipient}}' } } }],
    });
    w.hooks.respondWith(400, { error: 'no' });
    const email = await workflow({ name: 'Booking email', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked {{booking.id}}', html: 'x' } }] });
    w.smtp.failNext(1, 550, 'no such mailbox');
    const b1 = (await c.post('/api/bookings', booking({ customerId: 'm-1', ...slot() }))).body;
    const [emailFailed] = await eventually(async () => { const e = await failedFor(b1.id); return e.length ? e : null; });
    expect(emailFailed.data).to.include({ channel: 'email', stage: 'sending' });
    await settled(w.app);
    const runsOf = async (bookingId: string) => (await c.get(`/api/bookings/${bookingId}/runs`)).body.items as { workflowId: string; decision: string; reason: string | null; status: string }[];
    expect((await runsOf(b1.id)).find((r) => r.workflowId === notice.id), 'an email failure is not an SMS failure')
      .to.deep.include({ decision: 'skipped', reason: 'trigger:no_match' });
    await off(email.id);

    const sms = await workflow({ name: 'Booking SMS 2', trigger: { type: 'booking.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'Booked {{booking.id}}' } }] });
    w.twilio.failNext(1, { status: 400, code: 21211, message: 'The \'To\' number is not a valid phone number.' });
    const b2 = (await c.post('/api/bookings', booking({ customerId: 'm-1', ...slot() }))).body;
    const paged = await eventually(async () => (await runsOf(b2.id)).find((r) => r.workflowId === notice.id && r.status === 'failed'));
    expect(paged.decision).to.equal('ran');
    expect(w.hooks.requests.filter((r) => r.path === '/on-call')).to.have.length(1);
    await settled(w.app);
    const events = await failedFor(b2.id);
    expect(events.map((e) => e.data.channel), 'the SMS failure only, not the failed page about it').to.deep.equal(['sms']);
    w.hooks.reset();
    await off(sms.id);
    await off(notice.id);
  });

  it('treats a STOP reply (Twilio 21610) as an opt-out: the step is skipped, the customer opted out, nothing reported', async () => {
    const wf = await workflow({ name: 'Texts', trigger: { type: 'booking.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'Booked {{booking.id}}' } }] });
    expect((await c.get('/api/customers/m-2')).body.optOut).to.deep.equal([]);
    w.twilio.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const b1 = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...slot() }))).body;
    const run = await eventually(async () => (await c.get(`/api/bookings/${b1.id}/runs`)).body.items.find((r: { workflowId: string; status: string }) => r.workflowId === wf.id && r.status !== 'running'));
    expect(run.status).to.equal('succeeded');
    expect(run.steps[0]).to.include({ status: 'skipped', outcome: 'skipped:optout' });
    expect(run.steps[0].output.reason).to.include('STOP');
    expect((await c.get('/api/customers/m-2')).body.optOut).to.deep.equal(['sms']);
    await settled(w.app);
    expect(await failedFor(b1.id), 'an opt-out is not a failure').to.have.length(0);

    // The next text to them is skipped before it reaches the provider.
    const sent = w.twilio.requests.length;
    const b2 = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...slot() }))).body;
    const next = await eventually(async () => (await c.get(`/api/bookings/${b2.id}/runs`)).body.items.find((r: { workflowId: string; status: string }) => r.workflowId === wf.id && r.status !== 'running'));
    expect(next.steps[0].outcome).to.equal('skipped:optout');
    expect(w.twilio.requests.length).to.equal(sent);
    await c.patch('/api/customers/m-2', { optOut: [] });
    await off(wf.id);
  });
});

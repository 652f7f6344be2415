import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import type { Client } from '../helpers/client.js';
import { eventually, retryStepsNow, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';
import { setBookingStatus } from '../../src/domain/bookings.js';
import { MAX_DEPTH } from '../../src/engine/runs.js';

// Each action end to end through the API, against real local peers.
describe('actions end to end', () => {
  let w: EngineWorld;
  let c: Client;
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(500 + h), endTime: inHours(501 + h) }; };

  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-act', { adminEmail: 'boss@club.example', timezone: 'Europe/Oslo' });
    await seedCatalog(c);
  });
  after(async () => { await w.stop(); });

  async function workflow(body: Record<string, unknown>): Promise<{ id: string; secrets?: Record<string, Record<string, string>> }> {
    const res = await c.post('/api/workflows', { name: 'wf', ...body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  async function off(id: string) { await c.post(`/api/workflows/${id}/disable`); }

  it('emails the customer when a booking is created, with an HTML body and a derived text part', async () => {
    const wf = await workflow({
      trigger: { type: 'booking.created' },
      actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked: {{service.name}} for {{customer.name}}', html: '<p>Hi <b>{{customer.name}}</b>, see you {{formatDate booking.startTime}}.</p>' } }],
    });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...slot() }))).body;
    const mail = await w.smtp.waitFor((m) => (m.subject ?? "").includes('Ola Hansen'));
    expect(mail.to).to.deep.equal(['ola@example.com']);
    expect(mail.subject).to.equal('Booked: Court hour for Ola Hansen');
    expect(mail.html).to.include('<b>Ola Hansen</b>');
    expect(mail.text).to.include('Hi Ola Hansen').and.not.include('<b>');
    const runs = await eventually(async () => {
      const r = (await c.get(`/api/bookings/${b.id}/runs`)).body.items.filter((x: { workflowId: string; status: string }) => x.workflowId === wf.id && x.status === 'succeeded');
      return r.length ? r : null;
    });
    expect(runs[0].steps[0]).to.include({ status: 'succeeded', outcome: 'sent', attempts: 1 });
    expect(runs[0].steps[0].output.providerId).to.be.a('string');
    const msgs = (await c.get(`/api/messages?bookingId=${b.id}&channel=email`)).body.items;
    expect(msgs).to.have.length(1);
    expect(msgs[0]).to.include({ status: 'sent', recipient: 'ola@example.com' });
    expect(mail.messageId).to.equal(`<${msgs[0].id}@bookflow>`);
    await off(wf.id);
  });

  it('emails the resource, the tenant admin and a fixed address', async () => {
    const wf = await workflow({
      trigger: { type: 'booking.created' },
      actions: [
        { type: 'email', config: { to: 'resource', subject: 'New booking on {{resource.name}}', html: '<p>{{customer.name}}</p>' } },
        { type: 'email', config: { to: 'admin', subject: 'Admin: new booking {{booking.id}}', html: '<p>x</p>' } },
        { type: 'email', config: { to: 'fixed', address: 'desk@club.example', subject: 'Desk: {{booking.id}}', html: '<p>x</p>' } },
      ],
    });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await w.smtp.waitFor((m) => m.subject === `Desk: ${b.id}`);
    const got = w.smtp.messages.filter((m) => (m.subject ?? "").includes(b.id) || m.subject === 'New booking on Court 1');
    expect(got.map((m) => m.to[0]).sort()).to.include.members(['boss@club.example', 'desk@club.example', 'court1@club.example']);
    await off(wf.id);
  });

  it('records skipped:optout and skipped:no_address without sending or retrying', async () => {
    const wf = await workflow({
      trigger: { type: 'booking.created' },
      actions: [
        { type: 'sms', config: { to: 'customer', body: 'hi {{customer.name}}' } },
        { type: 'sms', config: { to: 'resource', body: 'booked' } },
      ],
    });
    // m-3 opted out of SMS; resource r-3 has no phone
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-3', resourceId: 'r-3', ...slot() }))).body;
    const run = await eventually(async () => (await c.get(`/api/bookings/${b.id}/runs`)).body.items.find((r: { workflowId: string; status: string }) => r.workflowId === wf.id && r.status === 'succeeded'));
    expect(run.steps.map((s: { outcome: string; attempts: number }) => [s.outcome, s.attempts])).to.deep.equal([['skipped:optout', 1], ['skipped:no_address', 1]]);
    expect(run.steps.map((s: { status: string }) => s.status)).to.deep.equal(['skipped', 'skipped']);
    expect(w.twilio.requests.filter((r) => r.params.Body?.startsWith('hi Per'))).to.have.length(0);
    await off(wf.id);
  });

  it('sends an SMS through the twilio SDK and shows the delivery status it reports back', async () => {
    const wf = await workflow({ trigger: { type: 'booking.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'Hi {{customer.name}}, court {{resource.name}}' } }] });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-1', ...slot() }))).body;
    await eventually(async () => w.twilio.requests.find((r) => r.params.Body === 'Hi Kari Nordmann, court Court 1'));
    const req = w.twilio.requests.find((r) => r.params.Body === 'Hi Kari Nordmann, court Court 1')!;
    expect(req.authOk).to.equal(true);
    expect(req.params).to.include({ To: '+4791234567' });
    expect(req.params.StatusCallback).to.match(/\/api\/hooks\/twilio\/t-act\/msg_/);
    const msg = await eventually(async () => (await c.get(`/api/messages?bookingId=${b.id}&channel=sms`)).body.items.find((m: { status: string }) => m.status === 'sent'));
    expect(await w.twilio.sendStatusCallback(msg.providerId, 'delivered')).to.equal(204);
    const after = (await c.get(`/api/messages/${msg.id}`)).body;
    expect(after).to.include({ status: 'delivered', providerStatus: 'delivered' });
    const run = (await c.get(`/api/bookings/${b.id}/runs`)).body.items.find((r: { workflowId: string }) => r.workflowId === wf.id);
    expect(run.steps[0].output.deliveryStatus).to.equal('delivered');
    // a forged callback is refused
    const forged = await fetch(`${w.app.url}/api/hooks/twilio/t-act/${msg.id}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bogus' }, body: 'MessageStatus=failed',
    });
    expect(forged.status).to.equal(403);
    expect((await c.get(`/api/messages/${msg.id}`)).body.status).to.equal('delivered');
    await off(wf.id);
  });

  it('changes the booking status through the domain service, which records its own events', async () => {
    const wf = await workflow({ trigger: { type: 'booking.created' }, filters: { statuses: ['pending'] }, actions: [{ type: 'booking.set_status', config: { status: 'confirmed', reason: 'auto-confirm {{service.name}}' } }] });
    const b = (await c.post('/api/bookings', booking({ status: 'pending', ...slot() }))).body;
    await eventually(async () => (await c.get(`/api/bookings/${b.id}`)).body.status === 'confirmed');
    const ev = (await c.get(`/api/events?subjectId=${b.id}&type=booking.status_changed`)).body.items[0];
    expect(ev.data).to.include({ from: 'pending', to: 'confirmed', reason: 'auto-confirm Court hour' });
    expect(ev.depth).to.equal(1);
    expect(ev.causedByRun).to.match(/^run_/);
    await off(wf.id);
  });

  it('runs a workflow triggered by another run one level deeper, and stops a chain at the depth limit (loop:depth)', async () => {
    const a = await workflow({ trigger: { type: 'booking.status_changed', config: { to: ['confirmed'] } }, actions: [{ type: 'booking.set_status', config: { status: 'completed' } }] });
    const b2 = await workflow({ trigger: { type: 'booking.status_changed', config: { to: ['completed'] } }, actions: [{ type: 'email', config: { to: 'admin', subject: 'completed {{booking.id}}', html: 'x' } }] });
    const bk = (await c.post('/api/bookings', booking({ status: 'pending', ...slot() }))).body;
    await c.post(`/api/bookings/${bk.id}/status`, { status: 'confirmed' });
    await w.smtp.waitFor((m) => m.subject === `completed ${bk.id}`);
    const runs = (await c.get(`/api/bookings/${bk.id}/runs`)).body.items;
    expect(runs.find((r: { workflowId: string }) => r.workflowId === b2.id).depth).to.equal(1);

    // a change caused at the depth limit (a chain that got this far) starts nothing more
    const deep = (await c.post('/api/bookings', booking({ status: 'pending', ...slot() }))).body;
    await setBookingStatus(w.app.ds, { tenantId: 't-act', depth: MAX_DEPTH, causedByRun: 'run_chain' }, deep.id, { status: 'confirmed' });
    const skipped = await eventually(async () => (await c.get(`/api/bookings/${deep.id}/runs`)).body.items.find((r: { workflowId: string }) => r.workflowId === a.id));
    expect(skipped).to.include({ decision: 'skipped', reason: 'loop:depth' });
    expect((await c.get(`/api/bookings/${deep.id}`)).body.status).to.equal('confirmed');
    await off(a.id);
    await off(b2.id);
  });

  it('calls a webhook signed per Standard Webhooks, with a JSON body built from templated leaves', async () => {
    const wf = await workflow({
      trigger: { type: 'booking.created' },
      actions: [{ type: 'webhook', config: { url: `${w.hooks.url}/hook`, headers: { 'X-Club': '{{tenant.name}}', 'X-Who': '{{customer.name}}' }, body: { booking: '{{booking.id}}', who: '{{customer.name}}', nested: ['{{resource.name}}', 42] } } }],
    });
    const secret = wf.secrets![Object.keys(wf.secrets!)[0]].signing;
    expect(secret).to.match(/^whsec_/);
    w.hooks.setSecrets([secret]);
    await c.patch('/api/customers/m-2', { name: 'Łukasz "the \\"quote\\"" {Hansen} Øye 山田' });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...slot() }))).body;
    const req = await w.hooks.waitFor((r) => (r.body as { booking?: string })?.booking === b.id);
    expect(req.verified).to.equal(true);
    expect(req.body).to.deep.equal({ booking: b.id, who: 'Łukasz "the \\"quote\\"" {Hansen} Øye 山田', nested: ['Court 1', 42] });
    expect(req.headers['x-club']).to.equal('Tenant t-act');
    // A header carries a name in any script, as UTF-8 (Node reads header bytes as Latin-1)
    expect(Buffer.from(req.headers['x-who'] as string, 'latin1').toString('utf8')).to.equal('Łukasz "the \\"quote\\"" {Hansen} Øye 山田');
    expect(req.headers['webhook-id']).to.match(/^msg_/);
    expect(() => new Webhook(secret).verify(req.rawBody, req.headers as Record<string, string>)).to.not.throw();
    await c.patch('/api/customers/m-2', { name: 'Ola Hansen' });
    await off(wf.id);
  });

  it('retries a webhook that answers 500 with the same webhook-id, each attempt signed afresh, and records a 400 as permanent', async () => {
    const wf = await workflow({ trigger: { type: 'booking.created' }, actions: [{ type: 'webhook', config: { url: `${w.hooks.url}/retry` } }] });
    w.hooks.setSecrets([wf.secrets![Object.keys(wf.secrets!)[0]].signing]);
    w.hooks.respondWith(500, 'down', { times: 1 });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await w.hooks.waitFor((r) => (r.body as { data?: { booking?: { id?: string } } })?.data?.booking?.id === b.id);
    await eventually(async () => (await retryStepsNow(w.app)) > 0 || null);
    const attempts = await eventually(async () => {
      const got = w.hooks.requests.filter((r) => (r.body as { data?: { booking?: { id?: string } } })?.data?.booking?.id === b.id);
      return got.length >= 2 ? got : null;
    });
    expect(attempts[0].headers['webhook-id']).to.equal(attempts[1].headers['webhook-id']);
    expect(attempts[1].verified).to.equal(true);
    const run = await eventually(async () => (await c.get(`/api/bookings/${b.id}/runs`)).body.items.find((r: { workflowId: string; status: string }) => r.workflowId === wf.id && r.status === 'succeeded'));
    expect(run.steps[0].attempts).to.equal(2);

    w.hooks.respondWith(400, 'bad', { times: 1 });
    const b2 = (await c.post('/api/bookings', booking(slot()))).body;
    const failed = await eventually(async () => (await c.get(`/api/bookings/${b2.id}/runs`)).body.items.find((r: { workflowId: string; status: string }) => r.workflowId === wf.id && r.status === 'failed'));
    expect(failed.steps[0]).to.include({ status: 'failed', errorCode: 'HTTP_400', attempts: 1 });
    expect(failed.steps[0].output.httpStatus).to.equal(400);
    await off(wf.id);
    await settled(w.app);
  });

  it('fails a webhook retry for good, saying why, when its step was replaced since (its signing secret went with it)', async () => {
    const step = { type: 'webhook', config: { url: `${w.hooks.url}/replaced` } };
    const wf = await workflow({ trigger: { type: 'booking.created' }, actions: [step] });
    w.hooks.respondWith(503, 'down', { times: 1 });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await w.hooks.waitFor((r) => r.path === '/replaced' && (r.body as { data?: { booking?: { id?: string } } })?.data?.booking?.id === b.id);
    await eventually(async () => (await c.get(`/api/bookings/${b.id}/runs`)).body.items.find((r: { workflowId: string; steps: { errorCode: string }[] }) => r.workflowId === wf.id && r.steps[0]?.errorCode));
    // saved again without step ids (as from an exported file): a new step, with a new secret
    expect((await c.patch(`/api/workflows/${wf.id}`, { actions: [step] })).status).to.equal(200);
    await retryStepsNow(w.app);
    const failed = await eventually(async () => (await c.get(`/api/bookings/${b.id}/runs`)).body.items.find((r: { workflowId: string; status: string }) => r.workflowId === wf.id && r.status === 'failed'));
    expect(failed.steps[0]).to.include({ status: 'failed', errorCode: 'SECRET_GONE', attempts: 2 });
    expect(failed.steps[0].errorMessage).to.include('replaced');
    expect(w.hooks.requests.filter((r) => r.path === '/replaced'), 'nothing unsigned went out').to.have.length(1);
    await off(wf.id);
    await settled(w.app);
  });

  it('retries a temporary SMTP failure and records a permanent one without retrying', async () => {
    const wf = await workflow({ trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'retry {{booking.id}}', html: 'x' } }] });
    w.smtp.failNext(1, 451, 'try again later');
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await eventually(async () => (await c.get(`/api/bookings/${b.id}/runs`)).body.items.find((r: { steps: { errorCode: string }[] }) => r.steps[0]?.errorCode));
    await retryStepsNow(w.app);
    await w.smtp.waitFor((m) => m.subject === `retry ${b.id}`);
    expect(w.smtp.messages.filter((m) => m.subject === `retry ${b.id}`)).to.have.length(1);

    w.smtp.failNext(1, 550, 'no such mailbox');
    const b2 = (await c.post('/api/bookings', booking(slot()))).body;
    const failed = await eventually(async () => (await c.get(`/api/bookings/${b2.id}/runs`)).body.items.find((r: { status: string }) => r.status === 'failed'));
    expect(failed.steps[0]).to.include({ status: 'failed', errorCode: 'SMTP_REJECTED', attempts: 1 });
    expect((await c.get(`/api/messages?runId=${failed.id}`)).body.items[0].status).to.equal('failed');

    // retry: the failed step runs again and the email goes out
    const retried = await c.post(`/api/runs/${failed.id}/retry`);
    expect(retried.status).to.equal(200);
    await w.smtp.waitFor((m) => m.subject === `retry ${b2.id}`);
    await eventually(async () => (await c.get(`/api/runs/${failed.id}`)).body.status === 'succeeded');
    await off(wf.id);
  });
});

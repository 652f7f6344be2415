// POST /api/runs/retry-failed: after a mail server refused for a while, everything it made fail goes out at once.
import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { eventually, retryStepsNow, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

describe('retrying every failed run at once', () => {
  let w: EngineWorld;
  let c: Client;
  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-bulk', { adminEmail: 'boss@club.example' });
    await seedCatalog(c);
  });
  after(async () => { await w.stop(); });

  it('re-runs the failed steps of every failed run, once, and answers how many', async () => {
    const wf = await c.post('/api/workflows', { name: 'Confirmation', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked {{booking.id}}', html: 'x' } }] });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    // The not-delivered notice to the admin would be an email too: keep it out of the mail server's two refusals.
    const notice = (await c.get('/api/workflows?limit=500')).body.items.find((x: { builtin: string | null }) => x.builtin === 'engine.message_failed');
    expect((await c.post(`/api/workflows/${notice.id}/disable`)).status).to.equal(200);
    w.smtp.failNext(2, 550, 'mailbox unavailable');
    const b1 = (await c.post('/api/bookings', booking({ customerId: 'm-1', startTime: inHours(40), endTime: inHours(41) }))).body;
    await eventually(async () => (await c.get(`/api/workflows/${wf.body.id}/runs`)).body.items.find((r: { bookingId: string; status: string }) => r.bookingId === b1.id && r.status === 'failed'));
    const b2 = (await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(42), endTime: inHours(43) }))).body;
    await eventually(async () => (await c.get(`/api/workflows/${wf.body.id}/runs`)).body.items.filter((r: { status: string }) => r.status === 'failed').length === 2);

    const res = await c.post('/api/runs/retry-failed', { workflowId: wf.body.id });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ retried: 2, more: false });
    for (const b of [b1, b2]) await w.smtp.waitFor((m) => m.subject === `Booked ${b.id}`);
    await eventually(async () => (await c.get(`/api/workflows/${wf.body.id}/runs`)).body.items.every((r: { status: string }) => r.status === 'succeeded'));
    expect((await c.post('/api/runs/retry-failed', { workflowId: wf.body.id })).body).to.deep.equal({ retried: 0, more: false });
    expect(w.smtp.messages.filter((m) => m.subject === `Booked ${b1.id}`), 'sent once').to.have.length(1);
  });

  it('a workflow switched off acts no more: its failed runs are not retried, nor its queued step retries run', async () => {
    const c = await w.app.tenant('t-bulk-off', { adminEmail: 'boss@club.example' }); // no other workflow sends its mail
    await seedCatalog(c);
    const notice = (await c.get('/api/workflows?limit=500')).body.items.find((x: { builtin: string | null }) => x.builtin === 'engine.message_failed');
    expect((await c.post(`/api/workflows/${notice.id}/disable`)).status).to.equal(200);
    const wf = (await c.post('/api/workflows', { name: 'Welcome', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Welcome {{booking.id}}', html: 'x' } }] })).body;
    const runOf = async (bookingId: string) => eventually(async () => (await c.get(`/api/workflows/${wf.id}/runs`)).body.items.find((r: { bookingId: string }) => r.bookingId === bookingId));
    w.smtp.failNext(1, 550, 'mailbox unavailable');
    const refused = (await c.post('/api/bookings', booking({ customerId: 'm-1', startTime: inHours(50), endTime: inHours(51) }))).body;
    await eventually(async () => (await runOf(refused.id)).status === 'failed');
    w.smtp.failNext(1, 451, 'try again later');
    const later = (await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(52), endTime: inHours(53) }))).body;
    await eventually(async () => (await c.get(`/api/runs/${(await runOf(later.id)).id}`)).body.steps[0].errorCode !== null);

    expect((await c.post(`/api/workflows/${wf.id}/disable`)).status).to.equal(200);
    const retry = await c.post(`/api/runs/${(await runOf(refused.id)).id}/retry`);
    expect(retry.status).to.equal(409);
    expect(retry.body.code).to.equal('WORKFLOW_DISABLED');
    expect((await c.post('/api/runs/retry-failed', { workflowId: wf.id })).body).to.deep.equal({ retried: 0, more: false });
    await retryStepsNow(w.app); // the queued retry of the 451
    await settled(w.app);
    const step = (await c.get(`/api/runs/${(await runOf(later.id)).id}`)).body.steps[0];
    expect(step).to.include({ status: 'skipped', outcome: 'skipped:disabled' });
    expect(w.smtp.messages.filter((m) => (m.subject ?? '').startsWith('Welcome '))).to.have.length(0);
  });

  it('is for tenant admins, and checks its input', async () => {
    const appKey = (await c.post('/api/keys', { role: 'app' })).body.secret;
    expect((await w.app.client(appKey).post('/api/runs/retry-failed', {})).status).to.equal(403);
    const bad = await c.post('/api/runs/retry-failed', { since: 'yesterday' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/since');
    const unknown = await c.post('/api/runs/retry-failed', { workflowId: 'no-such-workflow' });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.errors[0].pointer).to.equal('/workflowId');
  });
});

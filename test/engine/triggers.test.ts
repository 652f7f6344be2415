import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import { dispatchEvent } from '../../src/engine/dispatch.js';
import { cacheFor } from '../../src/engine/engine-cache.js';
import type { Client } from '../helpers/client.js';
import { eventually, retryStepsNow, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { bookingRuns, createWorkflow, finishedRun, seededTenant, type RunLike } from './support.js';

// Each trigger end to end: a change through the API, the event, dispatch, the run and what it sent.
describe('triggers end to end', () => {
  let w: EngineWorld;
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(800 + h), endTime: inHours(801 + h) }; };
  const adminMail = (subject: string) => ({ type: 'email', config: { to: 'admin', subject, html: '<p>x</p>' } });

  before(async () => { w = await startEngineWorld(); });
  after(async () => { await w.stop(); });

  async function workflowRuns(c: Client, workflowId: string): Promise<RunLike[]> {
    return (await c.get(`/api/workflows/${workflowId}/runs?limit=500`)).body.items;
  }
  async function eventsOf(c: Client, subjectId: string, type: string): Promise<{ id: string; data: Record<string, any> }[]> {
    return (await c.get(`/api/events?subjectId=${subjectId}&type=${type}&limit=500`)).body.items;
  }

  it('booking.created: runs for a new booking and renders its context', async () => {
    const c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Created {{booking.id}} on {{resource.name}} at {{location.name}}', html: 'x' } }] });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...slot() }))).body;
    const mail = await w.smtp.waitFor((m) => m.subject === `Created ${b.id} on Court 1 at Oslo`);
    expect(mail.to).to.deep.equal(['ola@example.com']);
    const run = await finishedRun(c, b.id, wf.id);
    expect(run).to.include({ decision: 'ran', status: 'succeeded', reason: null });
    expect(run.eventId).to.equal((await eventsOf(c, b.id, 'booking.created'))[0].id);
  });

  it('booking.changed: any change without a field list; only the listed fields with one', async () => {
    const c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    const any = await createWorkflow(c, { trigger: { type: 'booking.changed' }, actions: [adminMail('changed {{booking.id}} {{booking.notes}}')] });
    const moved = await createWorkflow(c, { trigger: { type: 'booking.changed', config: { fields: ['startTime', 'resourceId'] } }, actions: [adminMail('moved {{booking.id}} from {{event.data.changes.startTime.from}}')] });
    const first = slot();
    const b = (await c.post('/api/bookings', booking(first))).body;
    await c.patch(`/api/bookings/${b.id}`, { notes: 'bring rackets' });
    await w.smtp.waitFor((m) => m.subject === `changed ${b.id} bring rackets`);
    await settled(w.app);
    const afterNotes = await bookingRuns(c, b.id);
    expect(afterNotes.filter((r) => r.workflowId === any.id).map((r) => r.decision)).to.deep.equal(['ran']);
    expect(afterNotes.filter((r) => r.workflowId === moved.id).map((r) => [r.decision, r.reason])).to.deep.equal([['skipped', 'trigger:no_match']]);

    const next = slot();
    await c.patch(`/api/bookings/${b.id}`, next);
    const mail = await w.smtp.waitFor((m) => (m.subject ?? '').startsWith(`moved ${b.id}`));
    expect(new Date(mail.subject!.split(' from ')[1]!).toISOString()).to.equal(first.startTime);
    await settled(w.app);
    const all = await bookingRuns(c, b.id);
    expect(all.filter((r) => r.workflowId === moved.id).map((r) => r.decision).sort()).to.deep.equal(['ran', 'skipped']);
    expect(all.filter((r) => r.workflowId === any.id).map((r) => r.decision)).to.deep.equal(['ran', 'ran']);
  });

  it('booking.status_changed: from/to lists, each empty = any', async () => {
    const c = await seededTenant(w.app);
    const table: Record<string, { from?: string[]; to?: string[] }> = {
      any: {},
      toConfirmed: { to: ['confirmed'] },
      fromPending: { from: ['pending'] },
      pendingToCancelledOrDeclined: { from: ['pending'], to: ['cancelled', 'declined'] },
      confirmedToCancelled: { from: ['confirmed'], to: ['cancelled'] },
    };
    const ids: Record<string, string> = {};
    for (const [name, config] of Object.entries(table)) ids[name] = (await createWorkflow(c, { name, trigger: { type: 'booking.status_changed', config } })).id;
    const expected: Record<string, string[]> = {
      'pending>confirmed': ['any', 'toConfirmed', 'fromPending'],
      'confirmed>cancelled': ['any', 'confirmedToCancelled'],
      'pending>declined': ['any', 'fromPending', 'pendingToCancelledOrDeclined'],
      'pending>cancelled': ['any', 'fromPending', 'pendingToCancelledOrDeclined'],
      'confirmed>completed': ['any'],
    };
    const paths = [['confirmed', 'cancelled'], ['declined'], ['cancelled'], ['confirmed', 'completed']];
    const seen = new Set<string>();
    for (const path of paths) {
      const b = (await c.post('/api/bookings', booking({ status: 'pending', ...slot() }))).body;
      for (const status of path) expect((await c.post(`/api/bookings/${b.id}/status`, { status })).status).to.equal(200);
      await settled(w.app);
      const runs = await bookingRuns(c, b.id);
      for (const ev of await eventsOf(c, b.id, 'booking.status_changed')) {
        const move = `${ev.data.from}>${ev.data.to}`;
        seen.add(move);
        for (const [name, id] of Object.entries(ids)) {
          const run = runs.filter((r) => r.workflowId === id && r.eventId === ev.id);
          const want = expected[move]!.includes(name) ? ['ran', null] : ['skipped', 'trigger:no_match'];
          expect(run.map((r) => [r.decision, r.reason]), `${name} for ${move}`).to.deep.equal([want]);
        }
      }
    }
    expect([...seen].sort()).to.deep.equal(Object.keys(expected).sort());
  });

  it('booking.deleted: the booking variables show its last state', async () => {
    const c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    const wf = await createWorkflow(c, { trigger: { type: 'booking.deleted' }, actions: [adminMail('deleted {{booking.id}} {{booking.status}} "{{booking.notes}}" {{customer.name}} {{resource.name}}')] });
    const b = (await c.post('/api/bookings', booking({ status: 'pending', ...slot() }))).body;
    await c.patch(`/api/bookings/${b.id}`, { notes: 'last words' });
    expect((await c.delete(`/api/bookings/${b.id}`)).status).to.equal(204);
    await w.smtp.waitFor((m) => m.subject === `deleted ${b.id} pending "last words" Kari Nordmann Court 1`);
    await settled(w.app);
    const runs = await workflowRuns(c, wf.id);
    expect(runs.map((r) => r.status)).to.deep.equal(['succeeded']);
    expect(runs[0]!.bookingId).to.equal(b.id);
    // "did they get told?" stays answerable for the deleted booking; an id never seen is still a 404
    expect((await bookingRuns(c, b.id)).map((r) => r.id)).to.include(runs[0]!.id);
    expect((await c.get('/api/bookings/bk_never/runs')).status).to.equal(404);
  });

  it('customer.created: runs for a new customer, without a booking', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, { trigger: { type: 'customer.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Welcome {{customer.name}}', html: '<p>Hi</p>' } }] });
    expect((await c.post('/api/customers', { id: 'm-new', name: 'Nina Berg', email: 'nina@example.com' })).status).to.equal(201);
    const mail = await w.smtp.waitFor((m) => m.subject === 'Welcome Nina Berg');
    expect(mail.to).to.deep.equal(['nina@example.com']);
    const run = await eventually(async () => (await workflowRuns(c, wf.id)).find((r) => r.status === 'succeeded'));
    expect(run).to.include({ decision: 'ran', bookingId: null });
    await c.patch('/api/customers/m-new', { name: 'Nina B.' });
    await settled(w.app);
    expect(await workflowRuns(c, wf.id)).to.have.length(1);
    // there is never a booking in this run: a template that names one would render empty, so it is refused
    const booked = await c.post('/api/workflows', { name: 'x', trigger: { type: 'customer.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'See you {{formatDate booking.startTime}} at {{resource.name}}' } }] });
    expect(booked.status).to.equal(422);
    expect(booked.body.errors[0].message).to.match(/booking\.startTime/);
  });

  it('payment.completed: runs once when a payment completes, with the payment in the context', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, { trigger: { type: 'payment.completed' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'Paid {{formatMoney event.data.payment.amount event.data.payment.currency}} for {{service.name}} {{booking.id}}' } }] });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const p = await c.post('/api/payments', { bookingId: b.id, amount: 450, currency: 'NOK', status: 'pending' });
    expect(p.status, JSON.stringify(p.body)).to.equal(201);
    await settled(w.app);
    expect(await bookingRuns(c, b.id)).to.have.length(0);
    await c.patch(`/api/payments/${p.body.id}`, { status: 'completed' });
    const sms = await eventually(async () => w.twilio.requests.find((r) => r.params.Body?.endsWith(b.id)));
    expect(sms.params.Body).to.match(/^Paid NOK\s450\.00 for Court hour /); // the text is the tenant's (en): so is the amount
    const run = await finishedRun(c, b.id, wf.id);
    expect(run).to.include({ decision: 'ran', status: 'succeeded' });
  });

  it('slot.freed: runs for the listed reasons only, with the reason in the context', async () => {
    const c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    const cancelled = await createWorkflow(c, { trigger: { type: 'slot.freed', config: { reasons: ['cancelled', 'deleted'] } }, actions: [adminMail('freed {{event.data.reason}} {{event.data.seats}} {{resource.name}} {{event.data.bookingId}}')] });
    const anyReason = await createWorkflow(c, { trigger: { type: 'slot.freed' } });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await c.patch(`/api/bookings/${b.id}`, slot());
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await w.smtp.waitFor((m) => m.subject === `freed cancelled 1 Court 1 ${b.id}`);
    await settled(w.app);
    const runs = await bookingRuns(c, b.id);
    const byReason = new Map((await eventsOf(c, 'r-1', 'slot.freed')).map((e) => [e.id, e.data.reason as string]));
    const decisions = (id: string) => runs.filter((r) => r.workflowId === id).map((r) => `${byReason.get(r.eventId!)}:${r.decision}`).sort();
    expect(decisions(cancelled.id)).to.deep.equal(['cancelled:ran', 'rescheduled:skipped']);
    expect(decisions(anyReason.id)).to.deep.equal(['cancelled:ran', 'rescheduled:ran']);
    expect(w.smtp.messages.filter((m) => m.subject?.startsWith('freed rescheduled') && m.subject.endsWith(b.id))).to.have.length(0);
  });

  it("a booking's news retried after it was cancelled is not sent; news of a booking that held nothing still is", async () => {
    const c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    const text = (body: string) => [{ type: 'sms', config: { to: 'customer', body: `${body} {{booking.id}}` } }];
    // The booking's webhook action comes after its text: it reports the event whatever became of the booking.
    const made = await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [...text('Booked'), { type: 'webhook', config: { url: `${w.hooks.url}/made`, body: { booked: '{{booking.id}}' } } }],
    });
    w.hooks.setSecrets([made.secrets[Object.keys(made.secrets)[0]].signing]);
    const confirmed = await createWorkflow(c, { trigger: { type: 'booking.status_changed', config: { to: ['confirmed'] } }, actions: text('Confirmed') });
    const changed = await createWorkflow(c, { trigger: { type: 'booking.changed' }, actions: text('Changed') });
    let bookingId = '';
    const failedOnce = async (workflowId: string) => (await bookingRuns(c, bookingId)).find((r) => r.workflowId === workflowId && r.steps[0]?.errorCode);
    // Each message's first attempt fails (Twilio 503), one after the other.
    const failing = async (what: string, workflowId: string, change: () => Promise<unknown>) => {
      w.twilio.failNext(1, { status: 503, code: 20503, message: 'Service unavailable' });
      await change();
      await eventually(() => failedOnce(workflowId), 15000, `the ${what} text to fail once`);
    };
    await failing('booking', made.id, async () => { bookingId = (await c.post('/api/bookings', booking({ ...slot(), status: 'pending' }))).body.id; });
    await failing('confirmation', confirmed.id, () => c.post(`/api/bookings/${bookingId}/status`, { status: 'confirmed' }));
    await failing('change', changed.id, () => c.patch(`/api/bookings/${bookingId}`, { notes: 'window seat' }));
    expect((await c.post(`/api/bookings/${bookingId}/status`, { status: 'cancelled' })).status).to.equal(200);
    await retryStepsNow(w.app);
    await settled(w.app);
    const ours = [made.id, confirmed.id, changed.id];
    const outcomes = async () => (await bookingRuns(c, bookingId)).filter((r) => r.decision === 'ran' && ours.includes(r.workflowId)).map((r) => [r.workflowId, r.steps[0]!.outcome]);
    expect(await outcomes()).to.have.deep.members(ours.map((id) => [id, 'skipped:stale:booking_cancelled']));
    expect(w.twilio.created.filter((m) => m.params.Body?.endsWith(` ${bookingId}`))).to.deep.equal([]);
    expect((await w.hooks.waitFor((r) => (r.body as { booked?: string })?.booked === bookingId)).verified).to.equal(true);
    // A change to the cancelled booking is news of a booking that held nothing when it happened: it goes out.
    await c.patch(`/api/bookings/${bookingId}`, { notes: 'refund sent' });
    await eventually(async () => w.twilio.created.find((m) => m.params.Body === `Changed ${bookingId}`), 15000, 'the text about the cancelled booking');
  });

  it('a booking text retried after the booking was deleted is not sent either', async () => {
    const c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    const made = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'Made {{booking.id}}' } }] });
    w.twilio.failNext(1, { status: 503, code: 20503, message: 'Service unavailable' });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    await eventually(async () => (await bookingRuns(c, b.id)).find((r) => r.workflowId === made.id && r.steps[0]?.errorCode), 15000, 'the text to fail once');
    expect((await c.delete(`/api/bookings/${b.id}`)).status).to.equal(204);
    await retryStepsNow(w.app);
    await settled(w.app);
    const [step] = await rows<{ outcome: string }>(w.app.ds, `
      SELECT s.outcome FROM run_steps s JOIN runs r ON r.tenant_id = s.tenant_id AND r.id = s.run_id WHERE r.tenant_id = $1 AND r.workflow_id = $2`,
    [c.tenantId, made.id]);
    expect(step).to.deep.equal({ outcome: 'skipped:stale:booking_deleted' });
    expect(w.twilio.created.filter((m) => m.params.Body === `Made ${b.id}`)).to.deep.equal([]);
  });

  it('a retried dispatch never creates a second run for the same (workflow, event)', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'once {{booking.id}}', html: 'x' } }] });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const [ev] = await eventsOf(c, b.id, 'booking.created');
    const cache = cacheFor(w.app.ds);
    // retried by hand, twice in parallel and once more, besides the worker's own dispatch
    await Promise.all([dispatchEvent(w.app.ds, cache, c.tenantId, ev!.id), dispatchEvent(w.app.ds, cache, c.tenantId, ev!.id)]);
    await dispatchEvent(w.app.ds, cache, c.tenantId, ev!.id);
    await w.smtp.waitFor((m) => m.subject === `once ${b.id}`);
    await settled(w.app);
    const [count] = await rows<{ n: number }>(w.app.ds, 'SELECT count(*)::int AS n FROM runs WHERE tenant_id = $1 AND workflow_id = $2 AND event_id = $3', [c.tenantId, wf.id, ev!.id]);
    expect(count!.n).to.equal(1);
    expect(w.smtp.messages.filter((m) => m.subject === `once ${b.id}`)).to.have.length(1);
  });

  it('a dispatch cut off after its runs were recorded finishes on retry: runs and deliveries once, dispatchedAt set last', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'resumed {{booking.id}}', html: 'x' } }] });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const [ev] = await eventsOf(c, b.id, 'booking.created');
    await settled(w.app);
    const dispatchedAt = async () => (await c.get(`/api/events/${ev!.id}`)).body.dispatchedAt as string | null;
    expect(await dispatchedAt(), 'set once everything the event causes is recorded').to.be.a('string');
    // The state a crash between the runs and the subscribers' deliveries leaves: runs recorded, no delivery, not
    // marked. (The subscription comes now, so that the first dispatch had nothing to deliver.)
    const hook = await c.post('/api/webhooks', { url: `${w.hooks.url}/resumed`, eventTypes: ['booking.created'] });
    expect(hook.status).to.equal(201);
    await rows(w.app.ds, 'UPDATE events SET dispatched_at = NULL WHERE tenant_id = $1 AND id = $2', [c.tenantId, ev!.id]);
    const cache = cacheFor(w.app.ds);
    await Promise.all([dispatchEvent(w.app.ds, cache, c.tenantId, ev!.id), dispatchEvent(w.app.ds, cache, c.tenantId, ev!.id)]);
    expect(await dispatchedAt()).to.be.a('string');
    await w.hooks.waitFor((r) => r.path === '/resumed' && (r.body as { data?: { booking?: { id?: string } } })?.data?.booking?.id === b.id);
    await settled(w.app);
    const [n] = await rows<{ runs: number; deliveries: number }>(w.app.ds, `
      SELECT (SELECT count(*)::int FROM runs WHERE tenant_id = $1 AND workflow_id = $2 AND event_id = $3) AS runs,
             (SELECT count(*)::int FROM webhook_deliveries WHERE tenant_id = $1 AND event_id = $3) AS deliveries`, [c.tenantId, wf.id, ev!.id]);
    expect(n).to.deep.equal({ runs: 1, deliveries: 1 });
    expect(w.hooks.requests.filter((r) => r.path === '/resumed')).to.have.length(1);
    expect(w.smtp.messages.filter((m) => m.subject === `resumed ${b.id}`)).to.have.length(1);
  });
});

import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { createWorkflow, HOUR, ms, seededTenant } from './support.js';

// Dry runs: the decision and every rendered message or request, with nothing sent and nothing changed. Saved
// workflows here are disabled, so the only thing that could send is the dry run itself.
describe('dry runs', () => {
  let w: EngineWorld;
  let c: Client;
  let b: { id: string; startTime: string };
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(1200 + h), endTime: inHours(1201 + h) }; };

  const steps = (hookUrl: string) => [
    {
      type: 'email', config: {
        to: 'customer', subject: 'Booked {{booking.id}}', html: '<p>Hi {{customer.name}}</p>',
        variants: { nb: { subject: 'Bestilt {{booking.id}}' }, en: { subject: 'Booked (en) {{booking.id}}' } },
      },
    },
    { type: 'sms', config: { to: 'customer', body: 'SMS {{customer.name}} {{resource.name}}' } },
    { type: 'webhook', config: { url: `${hookUrl}/dry`, headers: { 'X-Booking': '{{booking.id}}' }, body: { who: '{{customer.name}}' } } },
    { type: 'booking.set_status', config: { status: 'confirmed', reason: 'auto {{service.name}}' } },
  ];

  before(async () => {
    w = await startEngineWorld();
    c = await seededTenant(w.app, { adminEmail: 'boss@club.example', defaultLanguage: 'nb' });
    b = (await c.post('/api/bookings', booking({ status: 'pending', customerId: 'm-1', ...slot() }))).body;
  });
  after(async () => { await w.stop(); });

  async function nothingSent(): Promise<void> {
    await settled(w.app);
    expect(w.smtp.messages, 'emails').to.have.length(0);
    expect(w.twilio.requests, 'SMS').to.have.length(0);
    expect(w.hooks.requests, 'webhook calls').to.have.length(0);
    expect((await c.get('/api/messages')).body.items, 'outbox').to.have.length(0);
    expect((await c.get('/api/runs')).body.items, 'runs').to.have.length(0);
    expect((await c.get(`/api/bookings/${b.id}`)).body.status, 'booking status').to.equal('pending');
  }

  it('renders every step of a saved workflow for a given booking, and sends nothing', async () => {
    const wf = await createWorkflow(c, { enabled: false, trigger: { type: 'booking.created' }, actions: steps(w.hooks.url) });
    const res = await c.post(`/api/workflows/${wf.id}/test`, { bookingId: b.id });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ decision: 'would_run', reason: null, bookingId: b.id, language: 'nb', scheduledFor: null });
    const [email, sms, hook, status] = res.body.steps;
    expect(email).to.deep.include({ index: 0, type: 'email', outcome: 'would_send', error: null });
    expect(email.output).to.include({ to: 'kari@example.com', subject: `Bestilt ${b.id}`, html: '<p>Hi Kari Nordmann</p>', language: 'nb' });
    expect(sms.output).to.include({ to: '+4791234567', body: 'SMS Kari Nordmann Court 1' });
    expect(sms.outcome).to.equal('would_send');
    expect(hook.outcome).to.equal('would_send');
    expect(hook.output).to.deep.include({ url: `${w.hooks.url}/dry`, method: 'POST', headers: { 'X-Booking': b.id }, body: { who: 'Kari Nordmann' } });
    expect(status).to.deep.include({ outcome: 'would_change', error: null });
    expect(status.output).to.deep.equal({ bookingId: b.id, from: 'pending', to: 'confirmed', reason: 'auto Court hour' });
    await nothingSent();
  });

  it('renders against the trigger\'s sample when no booking is given', async () => {
    const wf = await createWorkflow(c, { enabled: false, trigger: { type: 'booking.status_changed', config: { to: ['confirmed'] } }, actions: [{ type: 'sms', config: { to: 'customer', body: '{{customer.name}}: {{event.data.from}} -> {{event.data.to}}' } }] });
    const res = await c.post(`/api/workflows/${wf.id}/test`, {});
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ decision: 'would_run', bookingId: 'bk_sample' });
    expect(res.body.steps[0].output.body).to.equal('Kari Nordmann: pending -> confirmed');
    await nothingSent();
  });

  it('dry-runs an unsaved workflow body, validated like a save (pointers into /workflow)', async () => {
    const res = await c.post('/api/workflows/test', { workflow: { trigger: { type: 'booking.created' }, actions: steps(w.hooks.url) }, bookingId: b.id });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.steps.map((s: { outcome: string }) => s.outcome)).to.deep.equal(['would_send', 'would_send', 'would_send', 'would_change']);
    expect((await c.get('/api/workflows')).body.items.filter((x: { name: string }) => x.name === 'unsaved')).to.have.length(0);

    const bad = await c.post('/api/workflows/test', { workflow: { trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: '{{customer.nam}}', html: 'x' } }] } });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors[0].pointer).to.equal('/workflow/actions/0/config/subject');
    const invalid = await c.post('/api/workflows/test', { workflow: { trigger: { type: 'booking.before_start', config: {} } } });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.errors[0].pointer).to.equal('/workflow/trigger/config/offset');
    expect((await c.post('/api/workflows/test', { workflow: { trigger: { type: 'booking.created' } }, bookingId: 'bk_nope' })).status).to.equal(404);
    await nothingSent();
  });

  it('shows would_skip with the reason when a filter does not match', async () => {
    const res = await c.post('/api/workflows/test', {
      workflow: { trigger: { type: 'booking.created' }, filters: { statuses: ['confirmed'] }, actions: [{ type: 'sms', config: { to: 'customer', body: 'x' } }] },
      bookingId: b.id,
    });
    expect(res.body).to.include({ decision: 'would_skip', reason: 'filter:status' });
    const lang = await c.post('/api/workflows/test', { workflow: { trigger: { type: 'booking.created' }, filters: { languages: ['en'] } }, bookingId: b.id });
    expect(lang.body).to.include({ decision: 'would_skip', reason: 'filter:language' });
    await nothingSent();
  });

  it('previews the event the trigger waits for: a change to the wanted status, the changed field, the freed reason', async () => {
    const test = async (trigger: Record<string, unknown>, body: string) => {
      const res = await c.post('/api/workflows/test', { workflow: { trigger, actions: [{ type: 'sms', config: { to: 'customer', body } }] }, bookingId: b.id });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as { decision: string; reason: string | null; steps: { output: { body: string } }[] };
    };
    // b is pending: a workflow for cancellations shows the move from pending to cancelled, with the booking as it would be.
    const cancelled = await test({ type: 'booking.status_changed', config: { to: ['cancelled'] } }, '{{event.data.from}} -> {{event.data.to}} ({{booking.status}})');
    expect(cancelled).to.include({ decision: 'would_run', reason: null });
    expect(cancelled.steps[0].output.body).to.equal('pending -> cancelled (cancelled)');
    const fromConfirmed = await test({ type: 'booking.status_changed', config: { from: ['confirmed'], to: ['completed', 'not_taken'] } }, '{{event.data.from}} -> {{event.data.to}}');
    expect(fromConfirmed.steps[0].output.body).to.equal('confirmed -> completed');
    const notes = await test({ type: 'booking.changed', config: { fields: ['notes'] } }, '{{#if event.data.changes.notes}}notes changed{{else}}no notes{{/if}}');
    expect(notes.steps[0].output.body).to.equal('notes changed');
    const freed = await test({ type: 'slot.freed', config: { reasons: ['not_taken'] } }, 'freed: {{event.data.reason}}');
    expect(freed.steps[0].output.body).to.equal('freed: not_taken');
    await nothingSent();
  });

  it('picks the language variant given as `language`', async () => {
    const wf = await createWorkflow(c, { enabled: false, trigger: { type: 'booking.created' }, actions: steps(w.hooks.url).slice(0, 1) });
    const en = await c.post(`/api/workflows/${wf.id}/test`, { bookingId: b.id, language: 'en-GB' });
    expect(en.body.language).to.equal('en-GB');
    expect(en.body.steps[0].output).to.include({ subject: `Booked (en) ${b.id}`, language: 'en-GB' });
    const de = await c.post(`/api/workflows/${wf.id}/test`, { bookingId: b.id, language: 'de' });
    expect(de.body.steps[0].output.subject).to.equal(`Bestilt ${b.id}`); // no de variant: the tenant default (nb)
    // the output says which language the text is in, and what the reader asked for
    expect(de.body.steps[0].output).to.include({ language: 'nb', recipientLanguage: 'de' });
    await nothingSent();
  });

  it('tells when a time-offset workflow would run for the booking', async () => {
    const res = await c.post('/api/workflows/test', {
      workflow: { trigger: { type: 'booking.before_start', config: { offset: { amount: 3, unit: 'hours' } } }, actions: [{ type: 'sms', config: { to: 'customer', body: 'soon {{formatTime booking.startTime}}' } }] },
      bookingId: b.id,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ decision: 'would_run', scheduledFor: new Date(ms(b.startTime, 3 * HOUR)).toISOString() });
    await nothingSent();
  });

  it('follows the late policy when the moment has passed, and marks the steps of a skipped workflow not_run', async () => {
    const workflow = (latePolicy: string) => ({
      trigger: { type: 'booking.before_start', config: { offset: { amount: 2160, unit: 'hours' }, latePolicy } },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'soon {{formatTime booking.startTime}}' } }],
    });
    const skip = (await c.post('/api/workflows/test', { workflow: workflow('skip'), bookingId: b.id })).body;
    expect(skip).to.include({ decision: 'would_skip', reason: 'late:skip', scheduledFor: new Date(ms(b.startTime, 90 * 24 * HOUR)).toISOString() });
    expect(skip.steps[0]).to.include({ outcome: 'not_run', error: null });
    expect(skip.steps[0].output.body).to.match(/^soon /); // still rendered, to read
    const now = Date.now();
    const sendNow = (await c.post('/api/workflows/test', { workflow: workflow('send_now'), bookingId: b.id })).body;
    expect(sendNow).to.include({ decision: 'would_run', reason: null });
    expect(new Date(sendNow.scheduledFor).getTime()).to.be.within(now - 1000, Date.now() + 1000);
    expect(sendNow.steps[0].outcome).to.equal('would_send');
    // as the engine does: no late reminder for a booking that has begun
    const begun = (await c.post('/api/bookings', booking({ customerId: 'm-1', startTime: inHours(-2), endTime: inHours(-1) }))).body;
    const tooLate = (await c.post('/api/workflows/test', { workflow: workflow('send_now'), bookingId: begun.id })).body;
    expect(tooLate).to.include({ decision: 'would_skip', reason: 'late:too_late' });
    await nothingSent();
  });
});

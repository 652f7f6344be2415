import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import { actionDeps } from '../../src/engine/index.js';
import { runStep } from '../../src/engine/run-step.js';
import { createTransports } from '../../src/engine/transports.js';
import type { Transports } from '../../src/engine/index.js';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { createWorkflow, finishedRun, seededTenant } from './support.js';

// Every outgoing message is stored under a key derived from (run, step, recipient) before it is sent, so a step job
// that runs twice (a worker crashed after sending but before recording) sends once.
describe('idempotent delivery', () => {
  let w: EngineWorld;
  let c: Client;
  let transports: Transports;
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(1400 + h), endTime: inHours(1401 + h) }; };

  before(async () => {
    w = await startEngineWorld();
    c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    transports = createTransports(w.app.config);
  });
  after(async () => {
    await transports.mailer.close();
    await w.stop();
  });

  /** Runs a step the way the worker does, as attempt `attempt` of a job. */
  function runStepAgain(runId: string, step: number, attempt = 2) {
    const deps = actionDeps({ ds: w.app.ds, transports, publicUrl: w.app.config.publicUrl, lateGraceMs: 30 * 60_000 });
    return runStep(w.app.ds, deps, { tenantId: c.tenantId, runId, step }, { job: { attempts: attempt, max_attempts: 6 } } as never);
  }

  it('a step job run twice sends once and records already_sent (email, SMS and webhook)', async () => {
    const wf = await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [
        { type: 'email', config: { to: 'customer', subject: 'once {{booking.id}}', html: '<p>x</p>' } },
        { type: 'sms', config: { to: 'customer', body: 'once {{booking.id}}' } },
        { type: 'webhook', config: { url: `${w.hooks.url}/once`, body: { id: '{{booking.id}}' } } },
      ],
    });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const run = await finishedRun(c, b.id, wf.id);
    expect(run.steps.map((s) => s.outcome)).to.deep.equal(['sent', 'sent', 'sent']);

    const copies = () => [
      w.smtp.messages.filter((m) => m.subject === `once ${b.id}`).length,
      w.twilio.requests.filter((r) => r.params.Body === `once ${b.id}`).length,
      w.hooks.requests.filter((r) => (r.body as { id?: string })?.id === b.id).length,
    ];
    expect(copies()).to.deep.equal([1, 1, 1]);
    for (const step of [0, 1, 2]) {
      // as if the worker had crashed after sending, before recording the step
      await w.app.ds.query("UPDATE run_steps SET status = 'running', outcome = NULL WHERE tenant_id = $1 AND run_id = $2 AND idx = $3", [c.tenantId, run.id, step]);
      await runStepAgain(run.id, step);
      await settled(w.app);
    }
    expect(copies()).to.deep.equal([1, 1, 1]);
    const again = (await c.get(`/api/runs/${run.id}`)).body;
    expect(again.status).to.equal('succeeded');
    expect(again.steps.map((s: { status: string; outcome: string; attempts: number }) => [s.status, s.outcome, s.attempts]))
      .to.deep.equal([['succeeded', 'already_sent', 2], ['succeeded', 'already_sent', 2], ['succeeded', 'already_sent', 2]]);
    expect((await c.get(`/api/messages?runId=${run.id}`)).body.items).to.have.length(3);
  });

  it('an SMS Twilio took whose answer was lost, or whose sender died, is found at Twilio on the retry, not sent twice; otherwise it is sent', async () => {
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'lost {{booking.id}}' } }] });
    const posts = (body: string) => w.twilio.requests.filter((r) => r.method === 'POST' && r.params.Body === body).length;
    const taken = (body: string) => w.twilio.created.filter((m) => m.params.Body === body);

    // Twilio took it and the answer was lost: the first attempt fails (TWILIO_UNAVAILABLE); the retry asks Twilio.
    w.twilio.loseAnswerNext(1, { taken: true });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const run = await finishedRun(c, b.id, wf.id);
    const [sms] = taken(`lost ${b.id}`);
    expect(run.steps[0]).to.include({ status: 'succeeded', outcome: 'sent', attempts: 2 });
    expect(run.steps[0].output).to.include({ providerId: sms.sid, foundAtProvider: true });
    expect([posts(`lost ${b.id}`), taken(`lost ${b.id}`).length]).to.deep.equal([1, 1]);
    const [msg] = (await c.get(`/api/messages?runId=${run.id}`)).body.items;
    expect(msg).to.include({ status: 'sent', providerId: sms.sid });

    // The process died while sending (the message left 'sending' past its lease): the next attempt asks Twilio too.
    await w.app.ds.query("UPDATE messages SET status = 'sending', provider_id = NULL, claimed_until = now() - interval '1 second' WHERE tenant_id = $1 AND id = $2", [c.tenantId, msg.id]);
    await w.app.ds.query("UPDATE run_steps SET status = 'running', outcome = NULL WHERE tenant_id = $1 AND run_id = $2 AND idx = 0", [c.tenantId, run.id]);
    await runStepAgain(run.id, 0, 3);
    expect((await c.get(`/api/messages/${msg.id}`)).body).to.include({ status: 'sent', providerId: sms.sid });
    expect([posts(`lost ${b.id}`), taken(`lost ${b.id}`).length]).to.deep.equal([1, 1]);

    // The request never reached Twilio: the retry finds nothing there and sends it.
    w.twilio.loseAnswerNext(1, { taken: false });
    const b2 = (await c.post('/api/bookings', booking(slot()))).body;
    const run2 = await finishedRun(c, b2.id, wf.id);
    expect(run2.steps[0]).to.include({ status: 'succeeded', outcome: 'sent', attempts: 2 });
    expect(run2.steps[0].output).to.not.have.property('foundAtProvider');
    expect([posts(`lost ${b2.id}`), taken(`lost ${b2.id}`).length]).to.deep.equal([2, 1]);

    // Twilio cannot be asked: the retry sends it, as it would without the lookup, and its output says why.
    w.twilio.loseAnswerNext(1, { taken: true });
    w.twilio.failNext(1, { status: 403, code: 20003, message: 'Permission denied' }, { list: true });
    const b3 = (await c.post('/api/bookings', booking(slot()))).body;
    const run3 = await finishedRun(c, b3.id, wf.id);
    expect(run3.steps[0]).to.include({ status: 'succeeded', outcome: 'sent', attempts: 2 });
    expect(run3.steps[0].output.providerLookupError).to.match(/^TWILIO_REJECTED: .*Permission denied/);
    expect(taken(`lost ${b3.id}`)).to.have.length(2);
  });

  it('a step that already finished is not run again by a duplicate job', async () => {
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'dup {{booking.id}}', html: 'x' } }] });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const run = await finishedRun(c, b.id, wf.id);
    await runStepAgain(run.id, 0);
    expect((await c.get(`/api/runs/${run.id}`)).body.steps[0]).to.include({ outcome: 'sent', attempts: 1 });
    expect(w.smtp.messages.filter((m) => m.subject === `dup ${b.id}`)).to.have.length(1);
  });

  it('keys the outbox per (run, step, recipient): the same text to the same person from two steps or two runs is sent each time', async () => {
    const same = { type: 'email', config: { to: 'customer', subject: 'same text', html: 'x' } };
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [same, same, { type: 'email', config: { to: 'admin', subject: 'same text', html: 'x' } }] });
    const b1 = (await c.post('/api/bookings', booking(slot()))).body;
    const b2 = (await c.post('/api/bookings', booking(slot()))).body;
    const r1 = await finishedRun(c, b1.id, wf.id);
    const r2 = await finishedRun(c, b2.id, wf.id);
    const keys = await rows<{ idempotency_key: string; run_id: string; step_idx: number; recipient: string }>(w.app.ds,
      'SELECT idempotency_key, run_id, step_idx, recipient FROM messages WHERE tenant_id = $1 AND run_id = ANY($2) ORDER BY run_id, step_idx', [c.tenantId, [r1.id, r2.id]]);
    expect(keys).to.have.length(6);
    expect(new Set(keys.map((k) => k.idempotency_key)).size).to.equal(6);
    for (const k of keys) expect(k.idempotency_key).to.equal(`${k.run_id}:${k.step_idx}:${k.recipient}`);
    await eventually(async () => w.smtp.messages.filter((m) => m.subject === 'same text').length === 6);
  });

  it('two copies of one step running at the same time send once: the outbox claim lets only one send', async () => {
    const wf = await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [
        { type: 'email', config: { to: 'customer', subject: 'race {{booking.id}}', html: 'x' } },
        { type: 'webhook', config: { url: `${w.hooks.url}/race`, body: { race: '{{booking.id}}' } } },
      ],
    });
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const run = await finishedRun(c, b.id, wf.id);
    // a worker presumed dead (its job released) and its replacement both run the step from the start
    await w.app.ds.query("UPDATE messages SET status = 'pending' WHERE tenant_id = $1 AND run_id = $2", [c.tenantId, run.id]);
    for (const step of [0, 1]) {
      await w.app.ds.query("UPDATE run_steps SET status = 'running' WHERE tenant_id = $1 AND run_id = $2 AND idx = $3", [c.tenantId, run.id, step]);
      const results = await Promise.allSettled([runStepAgain(run.id, step), runStepAgain(run.id, step), runStepAgain(run.id, step)]);
      const refused = results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code?: string }).code);
      expect(refused.every((code) => code === 'SEND_IN_PROGRESS'), JSON.stringify(refused)).to.equal(true);
    }
    await settled(w.app);
    expect(w.smtp.messages.filter((m) => m.subject === `race ${b.id}`)).to.have.length(2); // the original send and one re-send
    expect(w.hooks.requests.filter((r) => (r.body as { race?: string })?.race === b.id)).to.have.length(2);
    expect((await c.get(`/api/runs/${run.id}`)).body.steps.map((s: { status: string }) => s.status)).to.deep.equal(['succeeded', 'succeeded']);
  });
});

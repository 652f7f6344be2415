import { expect } from 'chai';
import type { EntityManager } from 'typeorm';
import { rows, transaction } from '../../src/db/sql.js';
import { insertBooking, setBookingStatusIn, updateBookingIn, type BookingInput } from '../../src/domain/bookings.js';
import { fireTimed, reconcileWorkflow, timedJobKey } from '../../src/engine/schedule.js';
import type { Client } from '../helpers/client.js';
import { eventually, retryStepsNow, runDueNow, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { bookingRuns, createWorkflow, HOUR, jobsWithKey, ms, seededTenant, settledRuns, type JobRow } from './support.js';

// Reminders follow the booking (DESIGN.md section 5): one graphile-worker job per (time-offset workflow, booking),
// reconciled on every booking and workflow change, re-checked when it fires.
describe('reminders (time-offset triggers)', () => {
  let w: EngineWorld;
  let h = 0;
  const slot = (from = 48) => { h += 2; return { startTime: inHours(from + h), endTime: inHours(from + 1 + h) }; };
  /** A slot `hours` from now, for a test with a tenant of its own (leaves `slot`'s sequence to the tests that rely on it). */
  const at = (hours: number) => ({ startTime: inHours(hours), endTime: inHours(hours + 1) });

  before(async () => { w = await startEngineWorld(); });
  after(async () => { await w.stop(); });

  const sms = { type: 'sms', config: { to: 'customer', body: 'Reminder {{booking.id}} {{formatTime booking.startTime}}' } };
  const beforeStart = (amount: number, unit: string, extra: Record<string, unknown> = {}) =>
    ({ trigger: { type: 'booking.before_start', config: { offset: { amount, unit }, ...extra } }, actions: [sms] });

  async function jobsOf(c: Client): Promise<JobRow[]> {
    return jobsWithKey(w.app, `timed:${c.tenantId}:`);
  }
  async function jobOf(c: Client, workflowId: string, bookingId: string): Promise<JobRow | undefined> {
    return (await jobsWithKey(w.app, timedJobKey(c.tenantId, workflowId, bookingId))).find((j) => j.key === timedJobKey(c.tenantId, workflowId, bookingId));
  }
  const texts = (bookingId: string) => w.twilio.requests.filter((r) => r.params.Body?.startsWith(`Reminder ${bookingId} `));
  const fire = (c: Client, workflowId: string, bookingId: string) => runDueNow(w.app, `key = '${timedJobKey(c.tenantId, workflowId, bookingId)}'`);

  it('schedules exactly one job per (workflow, booking), keyed timed:<tenant>:<workflow>:<booking>, at start minus offset', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(24, 'hours'));
    await settled(w.app);
    const s = slot();
    const b = (await c.post('/api/bookings', booking(s))).body;
    const jobs = await jobsOf(c);
    expect(jobs.map((j) => j.key)).to.deep.equal([`timed:${c.tenantId}:${wf.id}:${b.id}`]);
    expect(jobs[0]!.task).to.equal('timed_trigger');
    expect(jobs[0]!.runAt.getTime()).to.equal(ms(s.startTime, 24 * HOUR));
    expect(jobs[0]!.payload).to.include({ tenantId: c.tenantId, workflowId: wf.id, bookingId: b.id, moment: new Date(ms(s.startTime, 24 * HOUR)).toISOString() });
    // a change that cannot move it (notes) leaves the one job as it is
    await c.patch(`/api/bookings/${b.id}`, { notes: 'x' });
    expect((await jobsOf(c)).map((j) => j.runAt.getTime())).to.deep.equal([ms(s.startTime, 24 * HOUR)]);
  });

  it('moves the job with the booking, and removes it when the booking is cancelled or deleted', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(90, 'minutes'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const moved = slot(100);
    await c.patch(`/api/bookings/${b.id}`, moved);
    expect((await jobsOf(c)).map((j) => [j.key, j.runAt.getTime()])).to.deep.equal([[timedJobKey(c.tenantId, wf.id, b.id), ms(moved.startTime, 90 * 60_000)]]);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    expect(await jobsOf(c)).to.deep.equal([]);

    const d = (await c.post('/api/bookings', booking(slot()))).body;
    expect(await jobOf(c, wf.id, d.id)).to.not.equal(undefined);
    expect((await c.delete(`/api/bookings/${d.id}`)).status).to.equal(204);
    expect(await jobsOf(c)).to.deep.equal([]);
  });

  it('a booking made just after a reminder workflow was added is reminded, though the process knew the tenant without it', async () => {
    // A tenant without reminder workflows has its bookings made in one statement, skipping the reminder hook; that
    // statement inserts nothing once the tenant's workflows moved on, and the booking is made with the hook instead.
    const c = await seededTenant(w.app);
    const first = (await c.post('/api/bookings', booking(at(60)))).body; // the process now knows the tenant's workflows
    expect(await jobsOf(c)).to.deep.equal([]);
    const wf = await createWorkflow(c, beforeStart(3, 'hours'));
    await settled(w.app); // the workflow's own reconcile has run: it cannot schedule a booking made after it
    expect((await jobsOf(c)).map((j) => j.key)).to.deep.equal([timedJobKey(c.tenantId, wf.id, first.id)]);
    const s = at(62);
    const next = await c.post('/api/bookings', booking(s));
    expect(next.status).to.equal(201);
    expect((await jobOf(c, wf.id, next.body.id))!.runAt.getTime()).to.equal(ms(s.startTime, 3 * HOUR));
  });

  /**
   * Runs `change` in a transaction held open while a reminder workflow is saved through the API and the queue
   * settles, then lets it commit. Without the fence between the two (src/domain/workflows-lock.ts) the save commits
   * and its reconcile job reads the bookings before the change is visible, while the change used the workflows from
   * before the save. With it, the save waits for the change: the test sees it waiting on the lock.
   */
  async function savedDuringChange(c: Client, change: (tx: EntityManager) => Promise<void>): Promise<{ id: string }> {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let changed = false;
    const inFlight = transaction(w.app.ds, async (tx) => { await change(tx); changed = true; await gate; });
    await eventually(async () => changed, 5000, 'the booking change');
    let saved = false;
    const saving = c.post('/api/workflows', { name: 'wf', ...beforeStart(3, 'hours') }).then((r) => { saved = true; return r; });
    await eventually(async () => saved || (await rows(w.app.ds, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).length > 0,
      5000, 'the save to commit or to wait');
    await settled(w.app);
    release();
    await inFlight;
    const res = await saving;
    expect(res.status).to.equal(201);
    await settled(w.app);
    return res.body;
  }

  it('a booking made while a reminder workflow is being saved is reminded: the save waits for it to commit', async () => {
    const c = await seededTenant(w.app);
    const s = at(60);
    let bookingId = '';
    const wf = await savedDuringChange(c, async (tx) => {
      bookingId = (await insertBooking(tx, { tenantId: c.tenantId }, booking(s) as unknown as BookingInput)).id;
    });
    expect((await jobOf(c, wf.id, bookingId))?.runAt.getTime()).to.equal(ms(s.startTime, 3 * HOUR));
  });

  it('a booking cancelled while a reminder workflow is being saved keeps no reminder', async () => {
    const c = await seededTenant(w.app);
    const b = (await c.post('/api/bookings', booking(at(60)))).body;
    await savedDuringChange(c, async (tx) => { await setBookingStatusIn(tx, { tenantId: c.tenantId }, b.id, { status: 'cancelled' }); });
    expect(await jobsOf(c)).to.deep.equal([]);
  });

  it("a booking moved while a workflow's reconcile job runs keeps its reminder at the new time", async () => {
    // The job plans from the bookings it read; a move committed between its read and its write would have its new
    // reminder overwritten by the job's, for the old time (a reminder that then skips as stale, and none at the new
    // time). The move here has written its job and waits to commit while the job runs.
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(3, 'hours'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking(at(60)))).body;
    const moved = at(70);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let written = false;
    const move = transaction(w.app.ds, async (tx) => {
      await updateBookingIn(tx, { tenantId: c.tenantId }, b.id, moved);
      written = true;
      await gate;
    });
    await eventually(async () => written, 5000, 'the move');
    const job = reconcileWorkflow(w.app.ds, { tenantId: c.tenantId, workflowId: wf.id });
    await eventually(async () => (await rows(w.app.ds, `
      SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).length > 0, 5000, 'the job to wait');
    release();
    await Promise.all([move, job]);
    expect((await jobOf(c, wf.id, b.id))?.runAt.getTime()).to.equal(ms(moved.startTime, 3 * HOUR));
  });

  it('follows workflow changes: a new offset reschedules, disabling or deleting removes, enabling restores', async () => {
    const c = await seededTenant(w.app);
    const s = slot();
    const b = (await c.post('/api/bookings', booking(s))).body;
    const wf = await createWorkflow(c, beforeStart(24, 'hours'));
    await settled(w.app);
    expect((await jobOf(c, wf.id, b.id))!.runAt.getTime()).to.equal(ms(s.startTime, 24 * HOUR));

    expect((await c.patch(`/api/workflows/${wf.id}`, { trigger: { type: 'booking.before_start', config: { offset: { amount: 2, unit: 'hours' } } } })).status).to.equal(200);
    await settled(w.app);
    expect((await jobsOf(c)).map((j) => j.runAt.getTime())).to.deep.equal([ms(s.startTime, 2 * HOUR)]);

    await c.post(`/api/workflows/${wf.id}/disable`);
    await settled(w.app);
    expect(await jobsOf(c)).to.deep.equal([]);
    await c.post(`/api/workflows/${wf.id}/enable`);
    await settled(w.app);
    expect((await jobsOf(c)).map((j) => j.runAt.getTime())).to.deep.equal([ms(s.startTime, 2 * HOUR)]);

    // a status filter that excludes the booking removes it too
    await c.patch(`/api/workflows/${wf.id}`, { filters: { statuses: ['pending'] } });
    await settled(w.app);
    expect(await jobsOf(c)).to.deep.equal([]);
    await c.patch(`/api/workflows/${wf.id}`, { filters: { statuses: [] } });
    await settled(w.app);
    expect(await jobsOf(c)).to.have.length(1);
    expect((await c.delete(`/api/workflows/${wf.id}`)).status).to.equal(204);
    await settled(w.app);
    expect(await jobsOf(c)).to.deep.equal([]);
  });

  it('follows the customer: a language filter is re-checked when the customer\'s language changes', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, { ...beforeStart(24, 'hours'), filters: { languages: ['nb'] } });
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...slot() }))).body; // m-2 speaks en
    expect(await jobOf(c, wf.id, b.id)).to.equal(undefined);
    expect((await c.patch('/api/customers/m-2', { language: 'nb' })).status).to.equal(200);
    expect(await jobOf(c, wf.id, b.id), 'now in Norwegian: a reminder is scheduled').to.not.equal(undefined);
    await c.patch('/api/customers/m-2', { language: 'en' });
    expect(await jobOf(c, wf.id, b.id), 'back to English: the reminder is removed').to.equal(undefined);
  });

  it('late policy send_now: a booking made inside the window is reminded at once', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(24, 'hours', { latePolicy: 'send_now' }));
    await settled(w.app);
    const s = slot(3);
    const b = (await c.post('/api/bookings', booking(s))).body;
    await eventually(async () => texts(b.id).length > 0);
    const runs = await settledRuns(w.app, c, b.id, wf.id);
    expect(runs.map((r) => [r.decision, r.status, r.scheduledFor])).to.deep.equal([['ran', 'succeeded', new Date(ms(s.startTime, 24 * HOUR)).toISOString()]]);
    // a later change does not remind again
    await c.patch(`/api/bookings/${b.id}`, { language: 'en' });
    expect(await settledRuns(w.app, c, b.id, wf.id)).to.have.length(1);
    expect(texts(b.id)).to.have.length(1);
  });

  it('late policy skip: records one late:skip run, never sends, and reminds again once moved out of the window', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(24, 'hours', { latePolicy: 'skip' }));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking({ status: 'pending', ...slot(3) }))).body;
    // recorded in the booking's own transaction
    const [run] = (await bookingRuns(c, b.id)).filter((r) => r.workflowId === wf.id);
    expect(run).to.include({ decision: 'skipped', reason: 'late:skip', status: 'skipped' });
    expect(await jobsOf(c)).to.deep.equal([]);
    await c.patch(`/api/bookings/${b.id}`, { notes: 'a later note' });
    await c.post(`/api/bookings/${b.id}/status`, { status: 'confirmed' });
    expect((await settledRuns(w.app, c, b.id, wf.id)).map((r) => r.reason)).to.deep.equal(['late:skip']);
    expect(texts(b.id)).to.have.length(0);

    const later = slot(200);
    await c.patch(`/api/bookings/${b.id}`, later);
    expect((await jobsOf(c)).map((j) => j.runAt.getTime())).to.deep.equal([ms(later.startTime, 24 * HOUR)]);
  });

  it('fires when its time comes: sends once, records the run for that moment, and a second firing changes nothing', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(24, 'hours'));
    await settled(w.app);
    const s = slot();
    const b = (await c.post('/api/bookings', booking(s))).body;
    const [job] = await jobsOf(c);
    expect(await fire(c, wf.id, b.id)).to.equal(1);
    const text = await eventually(async () => texts(b.id)[0]);
    expect(text.params.To).to.equal('+4791234567');
    const runs = await settledRuns(w.app, c, b.id, wf.id);
    expect(runs.map((r) => [r.decision, r.status, r.scheduledFor, r.steps[0]!.outcome])).to.deep.equal([['ran', 'succeeded', job!.payload.moment, 'sent']]);
    expect(await jobsOf(c)).to.deep.equal([]);

    // the same job again (a duplicate, or a retry after a crash) finds the run and adds nothing
    await fireTimed(w.app.ds, job!.payload, { graceMs: 30 * 60_000 });
    expect(await settledRuns(w.app, c, b.id, wf.id)).to.have.length(1);
    expect(texts(b.id)).to.have.length(1);
  });

  it('a reminder whose text failed is not sent on its retry once the booking was cancelled, and says why', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(24, 'hours'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking(at(60)))).body;
    w.twilio.failNext(1, { status: 503, code: 20503, message: 'Service unavailable' });
    await fire(c, wf.id, b.id);
    const failedOnce = async () => (await bookingRuns(c, b.id)).find((r) => r.workflowId === wf.id && r.steps[0]?.errorCode);
    await eventually(failedOnce, 15000, 'the first attempt to fail');
    expect((await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    await retryStepsNow(w.app);
    const [run] = await settledRuns(w.app, c, b.id, wf.id);
    expect(run!.steps[0]).to.include({ status: 'skipped', outcome: 'skipped:filter:status', attempts: 2 });
    expect(w.twilio.created.filter((m) => m.params.Body?.startsWith(`Reminder ${b.id} `))).to.deep.equal([]);
  });

  it('a job that fires after the booking moved records stale:rescheduled and sends nothing', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(24, 'hours'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const [old] = await jobsOf(c);
    const moved = slot(120);
    await c.patch(`/api/bookings/${b.id}`, moved);
    // a job for the old moment that escaped the replace (say, already locked by a worker when the booking moved)
    await w.app.ds.query("SELECT graphile_worker.add_job('timed_trigger', $1::json)", [JSON.stringify(old!.payload)]);
    const run = await eventually(async () => (await bookingRuns(c, b.id)).find((r) => r.workflowId === wf.id));
    expect(run).to.include({ decision: 'skipped', reason: 'stale:rescheduled', scheduledFor: old!.payload.moment });
    await settled(w.app);
    expect(texts(b.id)).to.have.length(0);
    // the real reminder, at the new moment, is still there and still sends
    expect((await jobsOf(c)).map((j) => j.runAt.getTime())).to.deep.equal([ms(moved.startTime, 24 * HOUR)]);
    await fire(c, wf.id, b.id);
    await eventually(async () => texts(b.id).length === 1);
  });

  it('a job that fires long after its moment (workers were down) records late:worker_down and sends nothing', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, beforeStart(24, 'hours'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking(slot()))).body;
    const [job] = await jobsOf(c);
    await fireTimed(w.app.ds, { ...job!.payload, runAt: new Date(Date.now() - HOUR).toISOString() }, { graceMs: 0 });
    const runs = await settledRuns(w.app, c, b.id, wf.id);
    expect(runs.map((r) => [r.decision, r.reason])).to.deep.equal([['skipped', 'late:worker_down']]);
    expect(texts(b.id)).to.have.length(0);
  });

  it('booking.after_end: after the end, or shortly before it; only for bookings that took place', async () => {
    const c = await seededTenant(w.app, { adminEmail: 'boss@club.example' });
    const after = await createWorkflow(c, { trigger: { type: 'booking.after_end', config: { offset: { amount: 2, unit: 'hours' }, when: 'after' } }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Thanks {{booking.id}}', html: 'x' } }] });
    const before = await createWorkflow(c, { trigger: { type: 'booking.after_end', config: { offset: { amount: 10, unit: 'minutes' }, when: 'before' } } });
    await settled(w.app);
    const s = slot();
    const b = (await c.post('/api/bookings', booking(s))).body;
    expect((await jobOf(c, after.id, b.id))!.runAt.getTime()).to.equal(ms(s.endTime) + 2 * HOUR);
    expect((await jobOf(c, before.id, b.id))!.runAt.getTime()).to.equal(ms(s.endTime, 10 * 60_000));
    await fire(c, after.id, b.id);
    await w.smtp.waitFor((m) => m.subject === `Thanks ${b.id}`);

    const gone = (await c.post('/api/bookings', booking(slot()))).body;
    expect(await jobsWithKey(w.app, timedJobKey(c.tenantId, before.id, gone.id))).to.have.length(1);
    await c.post(`/api/bookings/${gone.id}/status`, { status: 'not_taken' });
    expect(await jobsOf(c).then((js) => js.filter((j) => j.key.endsWith(gone.id)))).to.deep.equal([]);
  });

  it('booking.after_end: schedules a follow-up still ahead for a booking that ended long ago, or whose customer changes language after it', async () => {
    const c = await seededTenant(w.app);
    const ended = (await c.post('/api/bookings', booking({ customerId: 'm-2', ...at(-24 * 40) }))).body; // 40 days ago; m-2 speaks en
    const winBack = await createWorkflow(c, { trigger: { type: 'booking.after_end', config: { offset: { amount: 60, unit: 'days' } } }, actions: [sms] });
    const thanks = await createWorkflow(c, { trigger: { type: 'booking.after_end', config: { offset: { amount: 41, unit: 'days' } } }, filters: { languages: ['nb'] }, actions: [sms] });
    await settled(w.app);
    const job = await jobOf(c, winBack.id, ended.id);
    expect(job, 'its moment is 20 days ahead').to.not.equal(undefined);
    expect(Math.abs(job!.runAt.getTime() - (ms(ended.endTime) + 60 * 24 * HOUR))).to.be.at.most(HOUR); // days count at the wall clock
    expect(await jobOf(c, thanks.id, ended.id), 'not in Norwegian').to.equal(undefined);
    expect((await c.patch('/api/customers/m-2', { language: 'nb' })).status).to.equal(200);
    expect(await jobOf(c, thanks.id, ended.id), 'now in Norwegian, and its moment still ahead').to.not.equal(undefined);
    expect((await c.get(`/api/bookings/${ended.id}/runs`)).body.items, 'nothing recorded as late for the past').to.deep.equal([]);
    await c.patch('/api/customers/m-2', { language: 'en' });
  });

  it('booking.after_end: a shortened offset or a deleted workflow leaves no job behind for a booking that ended long ago', async () => {
    const c = await seededTenant(w.app);
    const ended = (await c.post('/api/bookings', booking(at(-24 * 50)))).body; // 50 days ago
    const long = await createWorkflow(c, { trigger: { type: 'booking.after_end', config: { offset: { amount: 60, unit: 'days' }, latePolicy: 'skip' } }, actions: [sms] });
    const doomed = await createWorkflow(c, { trigger: { type: 'booking.after_end', config: { offset: { amount: 60, unit: 'days' } } }, actions: [sms] });
    await settled(w.app);
    expect(await jobOf(c, long.id, ended.id)).to.not.equal(undefined);
    expect(await jobOf(c, doomed.id, ended.id)).to.not.equal(undefined);
    // 40 days: its moment is now 10 days past; the booking is outside the new window, its old job is not
    expect((await c.patch(`/api/workflows/${long.id}`, { trigger: { type: 'booking.after_end', config: { offset: { amount: 40, unit: 'days' }, latePolicy: 'skip' } } })).status).to.equal(200);
    expect((await c.delete(`/api/workflows/${doomed.id}`)).status).to.equal(204);
    await settled(w.app);
    expect(await jobOf(c, long.id, ended.id), 'the late policy applied (skip)').to.equal(undefined);
    expect((await c.get(`/api/bookings/${ended.id}/runs`)).body.items.map((r: { reason: string }) => r.reason)).to.include('late:skip');
    expect(await jobOf(c, doomed.id, ended.id), 'deleted with its workflow').to.equal(undefined);
  });

  it('makes a booking at the very end of 9999 whose follow-up would fall in year 10000, with no job for it', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, { trigger: { type: 'booking.after_end', config: { offset: { amount: 2, unit: 'days' } } }, actions: [sms] });
    await settled(w.app);
    const res = await c.post('/api/bookings', booking({ startTime: '9999-12-30T10:00:00Z', endTime: '9999-12-30T11:00:00Z' }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(await jobOf(c, wf.id, res.body.id)).to.equal(undefined);
  });
});

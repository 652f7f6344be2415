import { expect } from 'chai';
import { TimedRunsAnchor1763800000017 } from '../../migrations/1763800000017-timed-runs-anchor.js';
import { rows } from '../../src/db/sql.js';
import { fireTimed, timedJobKey } from '../../src/engine/schedule.js';
import type { Client } from '../helpers/client.js';
import { eventually, runDueNow, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { bookingRuns, createWorkflow, HOUR, jobsWithKey, ms, seededTenant, settledRuns, type JobRow } from './support.js';

// Reminders when the workflow is edited, and reminders that come too late: an edited offset never sends a booking
// its reminder twice nor drops one that was still waiting, and no reminder goes out for a booking that has begun.
describe('reminders: edited workflows and late bookings', () => {
  let w: EngineWorld;
  before(async () => { w = await startEngineWorld(); });
  after(async () => { await w.stop(); });

  const at = (hours: number) => ({ startTime: inHours(hours), endTime: inHours(hours + 1) });
  const sms = (tag: string) => ({ type: 'sms', config: { to: 'customer', body: `${tag} {{booking.id}}` } });
  const reminder = (tag: string, amount: number, unit: string, latePolicy = 'skip') =>
    ({ trigger: { type: 'booking.before_start', config: { offset: { amount, unit }, latePolicy } }, actions: [sms(tag)] });
  const texts = (tag: string, bookingId: string) => w.twilio.requests.filter((r) => r.params.Body === `${tag} ${bookingId}`);
  const jobOf = async (c: Client, workflowId: string, bookingId: string): Promise<JobRow | undefined> => {
    const key = timedJobKey(c.tenantId, workflowId, bookingId);
    return (await jobsWithKey(w.app, key)).find((j) => j.key === key);
  };
  const edit = async (c: Client, wf: { id: string }, body: Record<string, unknown>) => {
    const res = await c.patch(`/api/workflows/${wf.id}`, body);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await settled(w.app);
  };

  it('sends no reminder for a booking entered after it began, even with send_now', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, reminder('R1', 2, 'hours', 'send_now'));
    await settled(w.app);
    const walkIn = (await c.post('/api/bookings', booking({ startTime: inHours(-3), endTime: inHours(-2) }))).body;
    const soon = (await c.post('/api/bookings', booking(at(1)))).body; // inside the window, not begun: sent at once
    const [skipped] = await settledRuns(w.app, c, walkIn.id, wf.id);
    expect(skipped).to.include({ decision: 'skipped', reason: 'late:too_late' });
    await eventually(async () => texts('R1', soon.id).length === 1);
    expect(texts('R1', walkIn.id)).to.have.length(0);
  });

  it('an edited offset does not send a booking its reminder again; a booking moved since gets one', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, reminder('R2', 24, 'hours'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking(at(50)))).body;
    await runDueNow(w.app, `key = '${timedJobKey(c.tenantId, wf.id, b.id)}'`);
    await eventually(async () => texts('R2', b.id).length === 1);

    await edit(c, wf, reminder('R2', 12, 'hours'));
    expect(await jobOf(c, wf.id, b.id), 'it ran for this booking at this time already').to.equal(undefined);
    const shown = (await c.get(`/api/bookings/${b.id}/workflows`)).body.items.find((i: { workflowId: string }) => i.workflowId === wf.id);
    expect(shown.scheduledFor).to.equal(null);

    const moved = at(60);
    expect((await c.patch(`/api/bookings/${b.id}`, moved)).status).to.equal(200);
    expect((await jobOf(c, wf.id, b.id))?.runAt.getTime(), 'a new time: a new reminder').to.equal(ms(moved.startTime, 12 * HOUR));
  });

  it('runs recorded before keys named their booking time get it from migration 17, and an edited offset does not re-send them', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, reminder('R9', 24, 'hours'));
    await settled(w.app);
    const kept = (await c.post('/api/bookings', booking(at(70)))).body;
    const movedLater = (await c.post('/api/bookings', booking(at(72)))).body;
    for (const b of [kept, movedLater]) {
      await runDueNow(w.app, `key = '${timedJobKey(c.tenantId, wf.id, b.id)}'`);
      await eventually(async () => texts('R9', b.id).length === 1);
    }
    const newStart = at(90);
    expect((await c.patch(`/api/bookings/${movedLater.id}`, newStart)).status).to.equal(200);
    // a client id used again after its booking was deleted: the old booking's run is not the new one's
    const first = (await c.post('/api/bookings', booking({ id: 'again', ...at(74) }))).body;
    await runDueNow(w.app, `key = '${timedJobKey(c.tenantId, wf.id, first.id)}'`);
    await eventually(async () => texts('R9', first.id).length === 1);
    expect((await c.delete(`/api/bookings/${first.id}`)).status).to.equal(204);
    const again = (await c.post('/api/bookings', booking({ id: 'again', ...at(76) }))).body;
    // as an earlier version recorded them: timed:<booking>:<moment>, no anchor
    await rows(w.app.ds, "UPDATE runs SET dedupe_key = split_part(dedupe_key, '@', 1) WHERE tenant_id = $1 AND workflow_id = $2", [c.tenantId, wf.id]);
    const runner = w.app.ds.createQueryRunner();
    try {
      await new TimedRunsAnchor1763800000017().up(runner);
    } finally {
      await runner.release();
    }
    const keys = new Map((await rows<{ booking_id: string; dedupe_key: string }>(w.app.ds, 'SELECT booking_id, dedupe_key FROM runs WHERE tenant_id = $1 AND workflow_id = $2', [c.tenantId, wf.id]))
      .map((r) => [r.booking_id, r.dedupe_key]));
    expect(keys.get(kept.id)).to.match(new RegExp(`@${new Date(kept.startTime).toISOString()}$`));
    expect(keys.get(movedLater.id), 'its start when it was reminded, not now').to.match(new RegExp(`@${new Date(movedLater.startTime).toISOString()}$`));

    expect(keys.get('again'), 'left as it was: no booking of its own to read a time from').to.not.include('@');

    await edit(c, wf, reminder('R9', 12, 'hours'));
    expect(await jobOf(c, wf.id, kept.id), 'reminded already for this start').to.equal(undefined);
    expect((await jobOf(c, wf.id, again.id))?.runAt.getTime(), 'the new booking of that id is reminded').to.equal(ms(again.startTime, 12 * HOUR));
    expect((await jobOf(c, wf.id, movedLater.id))?.runAt.getTime(), 'moved since: a reminder for its new start').to.equal(ms(newStart.startTime, 12 * HOUR));
  });

  it('a job that fires for a booking the workflow already ran for at that time records stale:already_ran', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, reminder('R3', 24, 'hours'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking(at(50)))).body;
    const job = (await jobOf(c, wf.id, b.id))!;
    await runDueNow(w.app, `key = '${job.key}'`);
    await eventually(async () => texts('R3', b.id).length === 1);
    // the job of the moment before an edit, which was running as the edit's reconcile replaced it
    await edit(c, wf, reminder('R3', 12, 'hours'));
    await fireTimed(w.app.ds, { ...job.payload, moment: new Date(ms(b.startTime, 12 * HOUR)).toISOString() }, { graceMs: HOUR });
    await settled(w.app);
    const runs = await bookingRuns(c, b.id);
    expect(runs.filter((r) => r.workflowId === wf.id).map((r) => [r.decision, r.reason])).to.deep.equal([['skipped', 'stale:already_ran'], ['ran', null]]);
    expect(texts('R3', b.id)).to.have.length(1);
  });

  it('an edit that moves a waiting reminder into the past applies the late policy instead of leaving the old job', async () => {
    const c = await seededTenant(w.app);
    const skip = await createWorkflow(c, reminder('R4', 10, 'minutes'));
    const now = await createWorkflow(c, reminder('R5', 10, 'minutes', 'send_now'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(0.5), endTime: inHours(1.5) }))).body;
    expect(await jobOf(c, skip.id, b.id)).to.not.equal(undefined);

    await edit(c, skip, reminder('R4', 2, 'hours'));
    await edit(c, now, reminder('R5', 2, 'hours', 'send_now'));
    expect(await jobOf(c, skip.id, b.id), 'no job left to fire at the old time').to.equal(undefined);
    const [skipped] = await settledRuns(w.app, c, b.id, skip.id);
    expect(skipped).to.include({ decision: 'skipped', reason: 'late:skip' });
    await eventually(async () => texts('R5', b.id).length === 1);
    expect(texts('R4', b.id)).to.have.length(0);
  });

  it('follows what bookings are filtered by outside themselves: a resource moved to another location, the default language', async () => {
    const c = await seededTenant(w.app);
    expect((await c.post('/api/locations', { id: 'far', name: 'Far away', timezone: 'Europe/Oslo' })).status).to.equal(201);
    const there = await createWorkflow(c, { ...reminder('R6', 3, 'hours'), filters: { locationIds: ['far'] } });
    const nb = await createWorkflow(c, { ...reminder('R7', 3, 'hours'), filters: { languages: ['nb'] } });
    await settled(w.app);
    expect((await c.post('/api/customers', { id: 'quiet', name: 'No language set', phone: '+4791239999' })).status).to.equal(201);
    const s = at(40);
    const b = (await c.post('/api/bookings', booking({ ...s, customerId: 'quiet' }))).body;
    expect(await jobOf(c, there.id, b.id)).to.equal(undefined);
    expect(await jobOf(c, nb.id, b.id)).to.equal(undefined);

    expect((await c.patch(`/api/resources/${b.resourceId}`, { locationId: 'far' })).status).to.equal(200);
    await settled(w.app);
    expect((await jobOf(c, there.id, b.id))?.runAt.getTime()).to.equal(ms(s.startTime, 3 * HOUR));
    expect((await c.patch('/api/settings', { defaultLanguage: 'nb' })).status).to.equal(200);
    await settled(w.app);
    expect((await jobOf(c, nb.id, b.id))?.runAt.getTime()).to.equal(ms(s.startTime, 3 * HOUR));
    expect((await c.patch('/api/settings', { defaultLanguage: 'en' })).status).to.equal(200);
    await settled(w.app);
    expect(await jobOf(c, nb.id, b.id)).to.equal(undefined);
  });

  it('counts days at the location\'s wall clock: "1 day before" a 10:00 booking is 10:00 the day before, across DST', async () => {
    const c = await seededTenant(w.app); // c-1 is in Europe/Oslo
    const wf = await createWorkflow(c, reminder('R8', 1, 'days'));
    await settled(w.app);
    // Oslo springs forward on 28 March 2027 and falls back on 31 October 2027: 24 hours would be 09:00 and 11:00 there
    const cases = [
      ['2027-03-28T08:00:00Z', '2027-03-27T09:00:00.000Z'], // 10:00 CEST -> 10:00 CET the day before
      ['2027-10-31T09:00:00Z', '2027-10-30T08:00:00.000Z'], // 10:00 CET -> 10:00 CEST the day before
      ['2027-06-10T08:00:00Z', '2027-06-09T08:00:00.000Z'], // no change in between: 24 hours
    ];
    for (const [start, due] of cases) {
      const b = (await c.post('/api/bookings', booking({ resourceId: 'r-3', startTime: start, endTime: new Date(Date.parse(start) + HOUR).toISOString() }))).body;
      expect((await jobOf(c, wf.id, b.id))?.runAt.toISOString(), start).to.equal(due);
    }
    // the location moves to another zone: its reminders in days follow
    expect((await c.patch('/api/locations/c-1', { timezone: 'America/New_York' })).status).to.equal(200);
    await settled(w.app);
    const jobs = await jobsWithKey(w.app, timedJobKey(c.tenantId, wf.id, ''));
    expect(jobs.map((j) => j.runAt.toISOString()).sort()).to.deep.equal(['2027-03-27T08:00:00.000Z', '2027-06-09T08:00:00.000Z', '2027-10-30T09:00:00.000Z']);
  });

  it('a change at the very moment of a reminder whose job has not fired yet leaves it to fire, not late:skip', async () => {
    const c = await seededTenant(w.app);
    const wf = await createWorkflow(c, reminder('R9', 2, 'hours'));
    await settled(w.app);
    const b = (await c.post('/api/bookings', booking({ status: 'pending', startTime: new Date(Date.now() + 2 * HOUR + 3000).toISOString(), endTime: inHours(3) }))).body;
    const key = timedJobKey(c.tenantId, wf.id, b.id);
    // the workers are busy: the job is due but not taken (held back here), when the booking is confirmed
    await rows(w.app.ds, "UPDATE graphile_worker._private_jobs SET run_at = now() + interval '1 hour' WHERE key = $1 RETURNING id", [key]);
    await new Promise((r) => setTimeout(r, 3500));
    expect((await c.post(`/api/bookings/${b.id}/status`, { status: 'confirmed' })).status).to.equal(200);
    expect((await jobOf(c, wf.id, b.id))?.payload.moment, 'the job is still there, for its moment').to.equal(new Date(ms(b.startTime, 2 * HOUR)).toISOString());
    expect((await bookingRuns(c, b.id)).filter((r) => r.workflowId === wf.id)).to.deep.equal([]);
    await runDueNow(w.app, `key = '${key}'`);
    await eventually(async () => texts('R9', b.id).length === 1);
  });
});

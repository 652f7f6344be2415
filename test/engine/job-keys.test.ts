import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import { timedJobKey } from '../../src/engine/schedule.js';
import { JobKeysEscapeIds1763800000015 } from '../../migrations/1763800000015-job-keys-escape-ids.js';
import type { Client } from '../helpers/client.js';
import { settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';
import { createWorkflow, HOUR, jobsWithKey, ms } from './support.js';

// Job keys are global across tenants, and ids may contain `:`. A reminder's key names tenant, workflow and booking;
// joined as they are, tenant `a` + workflow `b:c` and tenant `a:b` + workflow `c` would share one key, and either
// tenant's booking changes would replace or remove the other's reminder.
describe('job keys of ids containing ":"', () => {
  let w: EngineWorld;
  let a: Client;
  let b: Client;
  const reminder = (id: string) => ({
    id, trigger: { type: 'booking.before_start', config: { offset: { amount: 1, unit: 'hours' } } },
    actions: [{ type: 'sms', config: { to: 'customer', body: 'Reminder' } }],
  });
  const slot = (hours: number) => ({ startTime: inHours(hours), endTime: inHours(hours + 1) });
  const runAtOf = async (c: Client, workflowId: string, bookingId: string): Promise<number | null> => {
    const key = timedJobKey(c.tenantId, workflowId, bookingId);
    const job = (await jobsWithKey(w.app, key)).find((j) => j.key === key);
    return job ? job.runAt.getTime() : null;
  };

  before(async () => {
    w = await startEngineWorld();
    a = await w.app.tenant(`t-keys-${process.pid}`);
    b = await w.app.tenant(`t-keys-${process.pid}:x`);
    await seedCatalog(a);
    await seedCatalog(b);
    await createWorkflow(a, reminder('x:rem'));
    await createWorkflow(b, reminder('rem'));
    await settled(w.app);
  });
  after(async () => { await w.stop(); });

  it('two tenants whose ids would join into one key keep their own reminders', async () => {
    const sa = slot(50);
    const sb = slot(60);
    expect((await a.post('/api/bookings', booking({ id: 'b1', ...sa }))).status).to.equal(201);
    expect((await b.post('/api/bookings', booking({ id: 'b1', ...sb }))).status).to.equal(201);
    expect(await runAtOf(a, 'x:rem', 'b1')).to.equal(ms(sa.startTime, HOUR));
    expect(await runAtOf(b, 'rem', 'b1')).to.equal(ms(sb.startTime, HOUR));
    const shown = (await a.get('/api/bookings/b1/workflows')).body.items.find((i: { workflowId: string }) => i.workflowId === 'x:rem');
    expect(shown.scheduledFor).to.equal(new Date(ms(sa.startTime, HOUR)).toISOString());

    expect((await a.post('/api/bookings/b1/status', { status: 'cancelled' })).status).to.equal(200);
    expect(await runAtOf(a, 'x:rem', 'b1')).to.equal(null);
    expect(await runAtOf(b, 'rem', 'b1')).to.equal(ms(sb.startTime, HOUR));
  });

  it('within one tenant, workflow "x:rem" with booking "b2" and workflow "x" with booking "rem:b2" are two reminders', async () => {
    await createWorkflow(a, reminder('x'));
    await settled(w.app);
    const s2 = slot(70);
    const s3 = slot(80);
    expect((await a.post('/api/bookings', booking({ id: 'b2', ...s2 }))).status).to.equal(201);
    expect((await a.post('/api/bookings', booking({ id: 'rem:b2', ...s3 }))).status).to.equal(201);
    expect(await runAtOf(a, 'x:rem', 'b2')).to.equal(ms(s2.startTime, HOUR));
    expect(await runAtOf(a, 'x', 'rem:b2')).to.equal(ms(s3.startTime, HOUR));
    expect(await runAtOf(a, 'x:rem', 'rem:b2')).to.equal(ms(s3.startTime, HOUR));
    expect(await runAtOf(a, 'x', 'b2')).to.equal(ms(s2.startTime, HOUR));
  });

  it('the migration re-keys jobs written the old way and brings back a reminder a collision removed', async () => {
    const s = slot(90);
    expect((await b.post('/api/bookings', booking({ id: 'b4', ...s }))).status).to.equal(201);
    const key = timedJobKey(b.tenantId, 'rem', 'b4');
    const old = `timed:${b.tenantId}:rem:b4`;
    expect(key).to.not.equal(old);
    // as the old code left them: b's b1 job under its old key, b's b4 job gone (replaced, then removed, by a)
    await rows(w.app.ds, 'UPDATE graphile_worker._private_jobs SET key = $2 WHERE key = $1 RETURNING id', [timedJobKey(b.tenantId, 'rem', 'b1'), `timed:${b.tenantId}:rem:b1`]);
    await rows(w.app.ds, 'SELECT graphile_worker.remove_job($1)', [key]);
    expect(await runAtOf(b, 'rem', 'b4')).to.equal(null);

    const runner = w.app.ds.createQueryRunner();
    try {
      await new JobKeysEscapeIds1763800000015().up(runner);
    } finally {
      await runner.release();
    }
    expect(await runAtOf(b, 'rem', 'b1'), 're-keyed').to.not.equal(null);
    expect(await jobsWithKey(w.app, `timed:${b.tenantId}:rem:b1`)).to.deep.equal([]);
    await settled(w.app); // the reconcile job the migration added
    expect(await runAtOf(b, 'rem', 'b4'), 'reconciled').to.equal(ms(s.startTime, HOUR));
  });
});

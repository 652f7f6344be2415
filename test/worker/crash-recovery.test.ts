import { expect } from 'chai';
import { one, rows } from '../../src/db/sql.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { eventually } from '../helpers/engine.js';
import { booking, seedCatalog } from '../helpers/fixtures.js';

// graphile-worker leaves a killed worker's jobs locked for 4 hours; live workers must release them within seconds
// of the dead one's heartbeat going silent, and must leave the jobs of live workers alone.
describe('crash recovery: releasing the jobs of a silent worker', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp();
    c = await app.tenant('t-crash');
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  it('runs the jobs a dead worker held, and keeps the jobs of a live one locked', async () => {
    const res = await c.post('/api/bookings', booking());
    expect(res.status).to.equal(201);
    const b2 = (await c.post('/api/bookings', booking({ resourceId: 'r-3' }))).body;
    const jobs = await rows<{ id: string; payload: { eventId: string } }>(app.ds, 'SELECT id, payload FROM graphile_worker._private_jobs ORDER BY id');
    const deadJobs = jobs.filter((j) => j.payload.eventId !== undefined).slice(0, 1);
    const aliveJob = jobs[jobs.length - 1];
    // a worker process that died mid-job: its jobs are locked, its heartbeat stopped a while ago
    await app.ds.query(`INSERT INTO worker_heartbeats (pool_id, worker_ids, hostname, pid, last_seen) VALUES
      ('pool-dead', '{pool-dead,worker-dead-1}', 'gone', 1, now() - interval '10 minutes'),
      ('pool-alive', '{pool-alive,worker-alive-1}', 'here', 2, now() + interval '1 hour')`);
    await app.ds.query("UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'worker-dead-1' WHERE id = ANY($1)", [deadJobs.map((j) => j.id)]);
    await app.ds.query("UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'worker-alive-1' WHERE id = $1", [aliveJob.id]);

    await app.startWorker({ heartbeat: { intervalMs: 200, staleAfterMs: 1500 } });
    // the dead worker's job is released and runs: its event gets dispatched
    await eventually(async () => {
      const e = await one<{ dispatched_at: Date | null }>(app.ds, 'SELECT dispatched_at FROM events WHERE id = $1', [deadJobs[0].payload.eventId]);
      return e?.dispatched_at;
    }, 20000, 'the dead worker\'s job to run');
    expect(await one(app.ds, "SELECT 1 FROM worker_heartbeats WHERE pool_id = 'pool-dead'")).to.equal(undefined);
    // our own worker's pools beat: one for events, steps and reminders, one for webhook deliveries
    expect((await rows(app.ds, "SELECT pool_id FROM worker_heartbeats WHERE pool_id NOT IN ('pool-alive')")).length).to.equal(2);
    // the live worker's job stays locked by it
    const alive = await one<{ locked_by: string | null }>(app.ds, 'SELECT locked_by FROM graphile_worker._private_jobs WHERE id = $1', [aliveJob.id]);
    expect(alive?.locked_by).to.equal('worker-alive-1');
    expect(b2.id).to.be.a('string');
  });
});

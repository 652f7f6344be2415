// (d) reminders that follow the booking (issue 3): one "1 hour before start" workflow over 100,000 bookings.
//  1. schedule: the workflow is saved through the engine and its reconcile_workflow job upserts one timed job per
//     booking (jobs per second);
//  2. move 10,000 bookings through the domain service; each move re-plans its job in its own transaction (moves
//     per second), while the worker handles the events the moves record;
//  3. check that no stale reminder remains: every booking has exactly one job, at its current start minus the offset;
//  4. fire: the reminders are days away, so the first BENCH_FIRE of them (by time) get a run_at spread over the next
//     BENCH_FIRE_WINDOW_S seconds (the rest stay scheduled); lateness = when the run was recorded - that run_at.
// Peak RSS is this process's (API-less worker + bench), sampled every 100 ms through the whole benchmark.
import { rows } from '../../src/db/sql.js';
import { updateBooking } from '../../src/domain/bookings.js';
import { createWorkflow } from '../../src/engine/workflows.js';
import { timedJobKey } from '../../src/engine/schedule.js';
import { analyze, drained, perSecond, pool, rssSampler, summary, until, type Bench } from './env.js';
import { benchTenant } from './fixtures.js';

const OFFSET_MS = 3_600_000;
const HOUR = 3_600_000;

async function timedJobs(b: Bench, tenantId: string): Promise<number> {
  const [r] = await rows<{ n: number }>(b.ds, `
    SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key LIKE $1`, [`timed:${tenantId}:%`]);
  return r.n;
}

export async function reminders(b: Bench, opts: { bookings: number; moves: number; fire: number; fireWindowS: number }) {
  const rss = rssSampler();
  const tenantId = 'bench-d';
  const resources = Math.max(1, Math.ceil(opts.bookings / 100));
  await benchTenant(b.ds, tenantId, { resources, customers: resources });
  // 100 bookings per resource on even hours (30 minutes long), staggered across resources so every moment differs.
  // Odd hours stay free for the moves.
  const base = Date.now() + 2 * 86_400_000;
  const stagger = (2 * HOUR) / resources;
  await b.ds.query(`
    INSERT INTO bookings (tenant_id, id, customer_id, resource_id, service_id, start_time, end_time, seats, status)
    SELECT $1, 'bk-' || n, 'm-' || (n % $2 + 1), 'r-' || (n % $2 + 1), 'svc-1', t, t + interval '30 minutes', 1, 'confirmed'
    FROM generate_series(0, $3::int - 1) n,
         LATERAL (SELECT to_timestamp(($4::float8 + (n / $2::int) * 2 * ${HOUR} + (n % $2::int) * $5::float8) / 1000.0) AS t) s`,
  [tenantId, resources, opts.bookings, base, stagger]);
  await analyze(b.ds);

  const { tasks, transports } = b.bookflowTasks(b.config());
  const worker = await b.startWorker(tasks);
  try {
    // 1. schedule
    b.log(`(d): scheduling reminders for ${opts.bookings} bookings`);
    const t0 = performance.now();
    const { workflow } = await createWorkflow(b.ds, tenantId, {
      name: 'Reminder 1 hour before', trigger: { type: 'booking.before_start', config: { offset: { amount: 60, unit: 'minutes' }, latePolicy: 'skip' } },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'See you at {{formatTime booking.startTime}}, {{customer.name}}' } }],
    });
    await until(async () => (await timedJobs(b, tenantId)) >= opts.bookings, { what: 'every reminder to be scheduled', timeoutMs: 600_000, intervalMs: 100 });
    const scheduleMs = performance.now() - t0;

    // 2. move
    b.log(`(d): moving ${opts.moves} bookings`);
    const step = Math.max(1, Math.floor(opts.bookings / Math.max(1, opts.moves)));
    const moved = Array.from({ length: Math.min(opts.moves, opts.bookings) }, (_, i) => i * step);
    const t1 = performance.now();
    await pool(moved, 8, async (n) => {
      const r = n % resources;
      const j = Math.floor(n / resources);
      // Into the odd hour of another slot of the same resource: free, and at a different time.
      const start = base + (((j + 37) % 100) * 2 + 1) * HOUR + r * stagger;
      await updateBooking(b.ds, { tenantId }, `bk-${n}`, { startTime: new Date(start).toISOString(), endTime: new Date(start + 30 * 60_000).toISOString() });
    });
    const moveMs = performance.now() - t1;
    await drained(b.ds, { what: 'the events of the moves', timeoutMs: 600_000 });

    // 3. no stale reminder
    const [check] = await rows<{ bookings: number; jobs: number; missing: number; stale: number; orphaned: number }>(b.ds, `
      WITH j AS (SELECT key, run_at FROM graphile_worker._private_jobs WHERE key LIKE $1),
           bk AS (SELECT id, start_time FROM bookings WHERE tenant_id = $2)
      SELECT (SELECT count(*) FROM bk)::int AS bookings, (SELECT count(*) FROM j)::int AS jobs,
             (SELECT count(*) FROM bk LEFT JOIN j ON j.key = $3 || bk.id WHERE j.key IS NULL)::int AS missing,
             (SELECT count(*) FROM bk JOIN j ON j.key = $3 || bk.id WHERE j.run_at <> bk.start_time - make_interval(secs => $4))::int AS stale,
             (SELECT count(*) FROM j LEFT JOIN bk ON j.key = $3 || bk.id WHERE bk.id IS NULL)::int AS orphaned`,
    [`timed:${tenantId}:%`, tenantId, timedJobKey(tenantId, workflow.id, ''), OFFSET_MS / 1000]);

    // 4. fire the first ones
    b.log(`(d): firing ${opts.fire} reminders over ${opts.fireWindowS} s`);
    const due = await rows<{ key: string; run_at: Date }>(b.ds, `
      WITH first AS (
        SELECT id, row_number() OVER (ORDER BY run_at, id) AS k FROM graphile_worker._private_jobs
        WHERE key LIKE $1 ORDER BY run_at, id LIMIT $2
      )
      UPDATE graphile_worker._private_jobs j
      SET run_at = now() + interval '2 seconds' + (first.k - 1)::float8 * make_interval(secs => $3::float8 / $2::int)
      FROM first WHERE j.id = first.id RETURNING j.key, j.run_at`, [`timed:${tenantId}:%`, opts.fire, opts.fireWindowS]);
    const runAt = new Map(due.map((d) => [d.key.slice(d.key.lastIndexOf(':') + 1), d.run_at.getTime()]));
    const t2 = performance.now();
    const fired = async () => rows<{ booking_id: string; created_at: Date; decision: string; reason: string | null }>(b.ds,
      'SELECT booking_id, created_at, decision, reason FROM runs WHERE tenant_id = $1 AND workflow_id = $2', [tenantId, workflow.id]);
    await until(async () => (await fired()).length >= due.length, { what: `${due.length} reminders to fire`, timeoutMs: 900_000, intervalMs: 250 });
    const fireMs = performance.now() - t2;
    const runs = await fired();
    await drained(b.ds, { what: 'the reminder steps', timeoutMs: 300_000 });
    const lateness = runs.map((r) => r.created_at.getTime() - runAt.get(r.booking_id)!);
    const [sent] = await rows<{ n: number }>(b.ds, "SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND channel = 'sms'", [tenantId]);

    return {
      bookings: opts.bookings,
      schedule: { jobs: opts.bookings, ms: Math.round(scheduleMs), jobsPerSecond: perSecond(opts.bookings, scheduleMs) },
      move: { bookings: moved.length, ms: Math.round(moveMs), movesPerSecond: perSecond(moved.length, moveMs) },
      staleCheck: { ...check, ok: check.jobs === check.bookings && check.missing === 0 && check.stale === 0 && check.orphaned === 0 },
      fire: {
        reminders: due.length, windowSeconds: opts.fireWindowS, ms: Math.round(fireMs), remindersPerSecond: perSecond(due.length, fireMs),
        ran: runs.filter((r) => r.decision === 'ran').length, skipped: runs.filter((r) => r.decision === 'skipped').length,
        smsInOutbox: sent.n, latenessMs: summary(lateness),
      },
      peakRssMiB: rss.stop(),
    };
  } finally {
    rss.stop();
    await worker.stop();
    await transports.mailer.close();
  }
}

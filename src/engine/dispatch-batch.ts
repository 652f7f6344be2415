// Dispatching in bulk: a dispatch_event job dispatches its own event together with other events whose dispatch jobs
// are due, so under a burst (a backlog of events) one job, and one statement of each kind, serve dozens of events.
// The dispatches themselves are dispatch.ts's; run at the same time, their statements are coalesced.
//
// Every event keeps its own job the whole time, as a webhook delivery does (src/webhooks/claim.ts): taking another
// event's job moves its run_at LEASE_SECONDS ahead, and the job is completed once its event is dispatched, or put
// back to now when its dispatch failed (it then runs, and retries, by itself). Should the process die in between,
// the lease ends and the jobs run by themselves: a dispatch run twice adds nothing (runs and deliveries are unique
// per event). Danger: like the webhook claim, this reads graphile-worker's private jobs table (0.17); the tests in
// test/engine/batching.test.ts fail if an upgrade changes it.
import type { DataSource } from 'typeorm';
import { perDataSource } from '../db/coalesce.js';
import { rows } from '../db/sql.js';
import type { WorkflowCache } from './cache.js';
import { dispatchEvent } from './dispatch.js';
import { TASKS } from './runs.js';

/** Other due dispatch jobs one job takes at most (63: with its own, 64 events). */
export const TAKE_MAX = 63;
/** How long the jobs taken wait before they could run by themselves (60 s: far longer than a dispatch takes). */
const LEASE_SECONDS = 60;

interface Taken { jobId: string; tenantId: string; eventId: string }

/** Takes up to `max` other due dispatch jobs (not locked by a worker), leasing them. Exported for the crash test. */
export async function takeDue(ds: DataSource, max: number): Promise<Taken[]> {
  const found = await rows<{ id: string; tenant_id: unknown; event_id: unknown }>(ds, `
    WITH due AS (
      SELECT j.id FROM graphile_worker._private_jobs j
      WHERE j.is_available AND j.run_at <= now()
        AND j.task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = $1)
      ORDER BY j.priority, j.run_at, j.id
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    )
    SELECT r.id, r.payload->>'tenantId' AS tenant_id, r.payload->>'eventId' AS event_id
    FROM graphile_worker.reschedule_jobs(ARRAY(SELECT id FROM due), run_at => now() + make_interval(secs => $3)) r`,
  [TASKS.dispatchEvent, max, LEASE_SECONDS]);
  const taken: Taken[] = [];
  const unreadable: string[] = [];
  for (const r of found) {
    if (typeof r.tenant_id === 'string' && typeof r.event_id === 'string') taken.push({ jobId: r.id, tenantId: r.tenant_id, eventId: r.event_id });
    else unreadable.push(r.id); // its own run reports it (PayloadError)
  }
  if (unreadable.length) await settle(ds, [], unreadable);
  return taken;
}

/** Completes the jobs whose events were dispatched, and puts the others back to now. */
async function settle(ds: DataSource, done: string[], back: string[]): Promise<void> {
  await rows(ds, `
    SELECT (SELECT count(*) FROM graphile_worker.complete_jobs($1::bigint[])) AS completed,
           (SELECT count(*) FROM graphile_worker.reschedule_jobs($2::bigint[], run_at => now())) AS released`, [done, back]);
}

/** In this process, per database, the dispatch of each event under way: a job whose event is being dispatched waits for it. */
const underWayIn = perDataSource(() => new Map<string, Promise<void>>());

function dispatchOnce(ds: DataSource, cache: WorkflowCache, tenantId: string, eventId: string): Promise<void> {
  const underWay = underWayIn(ds);
  const key = `${tenantId}\u0000${eventId}`;
  let p = underWay.get(key);
  if (!p) {
    p = dispatchEvent(ds, cache, tenantId, eventId).finally(() => underWay.delete(key));
    underWay.set(key, p);
  }
  return p;
}

/** The dispatch_event task: this job's event, and up to TAKE_MAX others whose jobs are due. */
export async function dispatchWithDue(ds: DataSource, cache: WorkflowCache, own: { tenantId: string; eventId: string }, opts: { takeMax?: number } = {}): Promise<void> {
  const taken = await takeDue(ds, opts.takeMax ?? TAKE_MAX);
  const [ownResult, ...results] = await Promise.allSettled([own, ...taken].map((e) => dispatchOnce(ds, cache, e.tenantId, e.eventId)));
  if (taken.length) {
    const done = taken.filter((_, i) => results[i].status === 'fulfilled').map((t) => t.jobId);
    await settle(ds, done, taken.filter((_, i) => results[i].status === 'rejected').map((t) => t.jobId));
  }
  if (ownResult.status === 'rejected') throw ownResult.reason;
}

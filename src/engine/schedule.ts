// Time-offset triggers: reconcile, never remember.
//
// A pending reminder is a pure function of (workflow, current booking). On every booking change (in the change's
// own transaction) and on every workflow change (in a reconcile job) we compute when each time-offset workflow
// should run for the booking and upsert ONE graphile-worker job per (workflow, booking) with job key
// `timed:<tenant>:<workflow>:<booking>` (replace mode, see jobKey), or remove it when the workflow no longer applies. When the
// job fires it re-loads everything and re-checks; anything that changed is recorded as a skip, never sent.
import type { DataSource, EntityManager } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows, transaction } from '../db/sql.js';
import { workflowsVersionInHooks, type Booking } from '../domain/bookings.js';
import { toApi } from '../domain/store.js';
import { shareWorkflowsLock } from '../domain/workflows-lock.js';
import { addJobs, jobKey, removeJobs, type JobSpec } from '../worker/jobs.js';
import { PayloadError } from '../worker/payload.js';
import { cacheFor } from './engine-cache.js';
import type { CachedWorkflow } from './cache.js';
import type { RunContext } from './contracts.js';
import { loadContext, loadTenant, scopeOf, type Scope } from './context.js';
import { filterReason } from './filters.js';
import { timedTriggerTypes, triggers } from './registry.js';
import { recordRuns, TASKS } from './runs.js';
import { emptyFilters } from './workflow-schema.js';
import type { WorkflowRow } from './workflows.js';

export const timedJobKey = (tenantId: string, workflowId: string, bookingId: string): string => jobKey('timed', tenantId, workflowId, bookingId);
/**
 * A time-offset run's dedupe key: one run per moment, and the key names the booking time the moment counts from
 * (`@<anchor>`), so "did this workflow already run for the booking at its current time?" can be asked (ranFor).
 * Keys recorded before the anchor was added were given theirs by migration 17.
 */
const dedupeKey = (bookingId: string, moment: Date, anchor: string): string => `timed:${bookingId}:${moment.toISOString()}@${anchor}`;

export interface TimedPayload {
  tenantId: string;
  workflowId: string;
  bookingId: string;
  /** The moment the workflow is for (e.g. start - 24h). */
  moment: string;
  /** When the job was meant to run (the moment, or "now" for a late send_now). Lateness is measured from here. */
  runAt: string;
}

export function timedPayload(payload: unknown): TimedPayload {
  const p = payload as Partial<TimedPayload>;
  for (const k of ['tenantId', 'workflowId', 'bookingId', 'moment', 'runAt'] as const) {
    if (typeof p?.[k] !== 'string') throw new PayloadError(TASKS.timedTrigger, payload);
  }
  return p as TimedPayload;
}

type Plan = { kind: 'none' } | { kind: 'future' | 'past'; moment: Date; anchor: string };

/** The booking time a workflow's moment counts from, normalized (see TriggerModule.anchor). */
function anchorOf(wf: Pick<WorkflowRow, 'trigger_type'>, booking: Booking, moment: Date): string {
  const anchor = triggers.get(wf.trigger_type)?.module.anchor?.(booking);
  return anchor ? new Date(anchor).toISOString() : moment.toISOString();
}

/** What filters see of a booking, and the time zone its offsets in days count in (its location's, else the tenant's). */
export type Where = Scope & { timeZone: string };

/**
 * The last moment a reminder can be for: date-times are accepted to the end of 9999, and a follow-up of a booking at
 * the very end of it would fall in year 10000, which Postgres cannot store (the booking was refused with a 500).
 */
const LAST_MOMENT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Reconciles look at bookings that ended up to this long ago, or longer for a trigger that reaches back further. */
const MIN_REACH_BACK_MS = 31 * 86_400_000;

/** How long ago a booking may have ended and still have a moment of one of these workflows ahead (TriggerModule.reachBackMs). */
function reachBackMs(wfs: Pick<WorkflowRow, 'trigger_type' | 'trigger_config'>[]): number {
  return Math.max(MIN_REACH_BACK_MS, ...wfs.map((wf) => triggers.get(wf.trigger_type)?.module.reachBackMs?.(wf.trigger_config) ?? 0));
}

function plan(wf: WorkflowRow, booking: Booking, scope: Where, now: number): Plan {
  const trigger = triggers.get(wf.trigger_type)?.module;
  if (!trigger?.schedule || !wf.enabled) return { kind: 'none' };
  if (filterReason(wf.filters, scope, trigger.defaultStatuses)) return { kind: 'none' };
  const moment = trigger.schedule(booking, wf.trigger_config, scope.timeZone);
  if (!moment || !(moment.getTime() <= LAST_MOMENT)) return { kind: 'none' };
  return { kind: moment.getTime() > now ? 'future' : 'past', moment, anchor: anchorOf(wf, booking, moment) };
}

const ranKey = (workflowId: string, bookingId: string, anchor: string): string => `${workflowId}\u0000${bookingId}\u0000${anchor}`;

/**
 * Which of these workflows already ran for these bookings, as ranKey(workflow, booking, anchor): a run that went out
 * for a booking at a time it still has is not sent again because the workflow's offset was edited.
 */
async function ranFor(db: Queryable, tenantId: string, workflowIds: string[], bookingIds: string[]): Promise<Set<string>> {
  if (!workflowIds.length || !bookingIds.length) return new Set();
  const found = await rows<{ workflow_id: string; booking_id: string; anchor: string }>(db, `
    SELECT workflow_id, booking_id, split_part(dedupe_key, '@', 2) AS anchor FROM runs
    WHERE tenant_id = $1 AND booking_id = ANY($2) AND workflow_id = ANY($3) AND decision = 'ran' AND dedupe_key LIKE 'timed:%@%'`,
  [tenantId, bookingIds, workflowIds]);
  return new Set(found.map((r) => ranKey(r.workflow_id, r.booking_id, r.anchor)));
}

/**
 * What a time-offset workflow's late policy makes of a moment already past: null, run now (`send_now`), or why it is
 * skipped: `late:skip`, or `late:too_late` past the trigger's late deadline (a reminder for a booking that has begun).
 * The dry run asks the same.
 */
export function lateSkip(triggerType: string, config: Record<string, unknown>, booking: Booking, now: number): 'late:skip' | 'late:too_late' | null {
  if ((config.latePolicy ?? 'skip') !== 'send_now') return 'late:skip';
  const deadline = triggers.get(triggerType)?.module.lateDeadline?.(booking, config);
  return deadline && deadline.getTime() <= now ? 'late:too_late' : null;
}

/**
 * A moment already past, for a booking made or moved inside the window (or whose pending reminder an edited offset
 * moved into the past): the workflow's late policy decides (lateSkip), and a skip is recorded with its reason. A
 * moment that already has a run is left alone.
 */
async function planLate(tx: EntityManager, tenantId: string, wf: WorkflowRow, booking: Booking, p: { moment: Date; anchor: string }, now: number,
  out: { add: JobSpec[]; remove: string[] }): Promise<void> {
  const key = dedupeKey(booking.id, p.moment, p.anchor);
  const done = await one(tx, 'SELECT 1 FROM runs WHERE tenant_id = $1 AND workflow_id = $2 AND dedupe_key = $3', [tenantId, wf.id, key]);
  if (done) return;
  const reason = lateSkip(wf.trigger_type, wf.trigger_config, booking, now);
  if (!reason) {
    out.add.push(job(tenantId, wf, booking.id, p.moment, new Date(now)));
    return;
  }
  out.remove.push(timedJobKey(tenantId, wf.id, booking.id));
  await recordRuns(tx, tenantId, [{ workflow: wf, decision: 'skipped', reason }], {
    dedupeKey: key, bookingId: booking.id, scheduledFor: p.moment, depth: 0,
  });
}

/** The reminder jobs there are for these keys: the moment each is for, and whether a worker is running it now. */
async function jobsFor(db: Queryable, keys: string[]): Promise<Map<string, { moment: string; locked: boolean }>> {
  if (!keys.length) return new Map();
  const found = await rows<{ key: string; moment: string; locked: boolean }>(db,
    "SELECT key, payload->>'moment' AS moment, locked_at IS NOT NULL AS locked FROM graphile_worker._private_jobs WHERE key = ANY($1)", [keys]);
  return new Map(found.map((j) => [j.key, { moment: j.moment, locked: j.locked }]));
}

/** A job that is firing, or due for this very moment (its worker has not taken it yet): left to fire and re-check. */
const firesAnyway = (job: { moment: string; locked: boolean } | undefined, moment: Date): boolean =>
  job !== undefined && (job.locked || job.moment === moment.toISOString());

function job(tenantId: string, wf: WorkflowRow, bookingId: string, moment: Date, runAt: Date): JobSpec {
  return {
    task: TASKS.timedTrigger,
    payload: { tenantId, workflowId: wf.id, bookingId, moment: moment.toISOString(), runAt: runAt.toISOString() },
    runAt,
    jobKey: timedJobKey(tenantId, wf.id, bookingId),
    maxAttempts: 10,
  };
}

/** The scope of a booking for filters: its resource's location and its language (booking, customer, tenant). */
export async function bookingScope(db: Queryable, tenantId: string, b: Booking): Promise<Where> {
  const r = await one<{ location_id: string | null; language: string; time_zone: string }>(db, `
    SELECT res.location_id, coalesce($3, c.language, t.default_language) AS language, coalesce(l.timezone, t.timezone) AS time_zone
    FROM tenants t LEFT JOIN resources res ON res.tenant_id = t.id AND res.id = $2
    LEFT JOIN locations l ON l.tenant_id = t.id AND l.id = res.location_id
    LEFT JOIN customers c ON c.tenant_id = t.id AND c.id = $4
    WHERE t.id = $1`, [tenantId, b.resourceId, b.language, b.customerId]);
  return {
    locationId: r?.location_id ?? null, serviceId: b.serviceId, resourceId: b.resourceId, status: b.status, language: r?.language ?? 'en',
    timeZone: r?.time_zone ?? 'UTC',
  };
}

/** Fields whose change can move or cancel a reminder; a change of notes alone does not. */
const TIMING_FIELDS = ['startTime', 'endTime', 'resourceId', 'serviceId', 'status', 'language', 'customerId'] as const;
const timingChanged = (a: Booking, b: Booking) => TIMING_FIELDS.some((f) => String(a[f]) !== String(b[f]));

/**
 * Reconciles the time-offset workflows of one booking, inside the transaction that changed it. A booking made
 * (or moved) inside a workflow's window follows the workflow's late policy (planLate). A workflow that already ran
 * for the booking at its current time is not scheduled again.
 */
export async function reconcileBooking(tx: EntityManager, tenantId: string, before: Booking | null, after: Booking | null,
  opts: { force?: boolean; lateOnlyIfWaiting?: boolean } = {}): Promise<void> {
  if (before && after && !opts.force && !timingChanged(before, after)) return;
  // In a booking change's hooks, the version its event's statement just read; else a read of our own.
  const cache = cacheFor(tx.dataSource);
  const version = workflowsVersionInHooks(tx, tenantId);
  const tenantWorkflows = version === undefined ? await cache.current(tx, tenantId) : await cache.get(tx, tenantId, version);
  const workflows = tenantWorkflows.ofTypes(timedTriggerTypes).map((w: CachedWorkflow) => w.row);
  if (!workflows.length) return;
  const booking = after ?? before!;
  if (!after) {
    await removeJobs(tx, workflows.map((wf) => timedJobKey(tenantId, wf.id, booking.id)));
    return;
  }
  const scope = await bookingScope(tx, tenantId, after);
  const now = Date.now();
  const out = { add: [] as JobSpec[], remove: [] as string[] };
  const plans = workflows.map((wf) => ({ wf, p: plan(wf, after, scope, now) }));
  // A new booking has no runs yet: only a change asks what already ran.
  const planned = plans.filter((x) => x.p.kind !== 'none').map((x) => x.wf.id);
  const ran = before ? await ranFor(tx, tenantId, planned, [after.id]) : new Set<string>();
  const past = plans.filter((x) => x.p.kind === 'past').map((x) => timedJobKey(tenantId, x.wf.id, after.id));
  const jobs = await jobsFor(tx, past);
  for (const { wf, p } of plans) {
    if (p.kind === 'none' || ran.has(ranKey(wf.id, after.id, p.anchor))) out.remove.push(timedJobKey(tenantId, wf.id, after.id));
    else if (p.kind === 'future') out.add.push(job(tenantId, wf, after.id, p.moment, p.moment));
    // a moment just past whose job has not fired yet (a confirmation at the reminder's minute) is not late: it fires
    else if (opts.lateOnlyIfWaiting && !jobs.has(timedJobKey(tenantId, wf.id, after.id))) continue;
    else if (!firesAnyway(jobs.get(timedJobKey(tenantId, wf.id, after.id)), p.moment)) await planLate(tx, tenantId, wf, after, p, now, out);
  }
  await addJobs(tx, out.add);
  await removeJobs(tx, out.remove);
}

/** In the transaction of a workflow change: reconcile its jobs for every booking, in a job (there may be many). */
export async function scheduleWorkflowReconcile(tx: EntityManager, tenantId: string, workflowId: string): Promise<void> {
  await addJobs(tx, [{ task: TASKS.reconcileWorkflow, payload: { tenantId, workflowId }, jobKey: jobKey('reconcile', tenantId, workflowId), maxAttempts: 10 }]);
}

/**
 * In the transaction of a change to what bookings are filtered by, outside the bookings themselves (a resource moved
 * to another location, the tenant's default language): reconcile every enabled time-offset workflow of the tenant.
 */
export async function scheduleTenantReconcile(tx: EntityManager, tenantId: string): Promise<void> {
  const timed = await rows<{ id: string }>(tx, 'SELECT id FROM workflows WHERE tenant_id = $1 AND enabled AND trigger_type = ANY($2)',
    [tenantId, timedTriggerTypes]);
  for (const wf of timed) await scheduleWorkflowReconcile(tx, tenantId, wf.id);
}

const BATCH = 1000;

/**
 * reconcile_workflow: walks the tenant's current bookings in batches and upserts or removes this workflow's job
 * for each. A booking the workflow already ran for at its current time keeps no job (an edited offset sends nothing
 * twice). A moment already past is left alone (the late policy is about a booking made inside the window, not about
 * a new workflow), unless the booking's reminder was still waiting: an edit that moved it into the past applies the
 * late policy (planLate), rather than leaving the old job to fire at a time that no longer holds.
 *
 * Each batch is one transaction that share-locks what it plans from, so that nothing it read can change before its
 * jobs are written: the workflow (a change to it waits, and the next batch reads it anew; a job for that change
 * follows anyway) and the batch's bookings (a booking change waits, then reconciles its own job after this batch
 * wrote it; unlocked, the batch could overwrite the job of a booking moved meanwhile with its old time).
 */
export async function reconcileWorkflow(ds: DataSource, payload: unknown): Promise<void> {
  const { tenantId, workflowId } = payload as { tenantId: string; workflowId: string };
  if (typeof tenantId !== 'string' || typeof workflowId !== 'string') throw new PayloadError(TASKS.reconcileWorkflow, payload);
  let cursor = '';
  // Bookings outside the window that still have a job of this workflow (its offset was shortened, its trigger changed,
  // it was deleted): each is planned too, or its old job would fire at a time that no longer holds.
  const current = await one<WorkflowRow>(ds, 'SELECT * FROM workflows WHERE tenant_id = $1 AND id = $2', [tenantId, workflowId]);
  const strays = (await rows<{ id: string }>(ds, `
    SELECT b.id FROM graphile_worker._private_jobs j
    JOIN bookings b ON b.tenant_id = $1 AND b.id = j.payload->>'bookingId'
    WHERE starts_with(j.key, $2) AND b.end_time <= now() - make_interval(secs => $3)`,
  [tenantId, timedJobKey(tenantId, workflowId, ''), reachBackMs(current ? [current] : []) / 1000])).map((r) => r.id);
  for (;;) {
    const last = await transaction(ds, async (tx) => {
      const wf = await one<WorkflowRow>(tx, 'SELECT * FROM workflows WHERE tenant_id = $1 AND id = $2 FOR SHARE', [tenantId, workflowId]);
      const timed = wf && timedTriggerTypes.includes(wf.trigger_type) && wf.enabled ? wf : null;
      const batch = await rows<Record<string, unknown>>(tx, `
        SELECT b.*, res.location_id, coalesce(b.language, c.language, t.default_language) AS effective_language,
               coalesce(l.timezone, t.timezone) AS time_zone
        FROM bookings b
        JOIN tenants t ON t.id = b.tenant_id
        LEFT JOIN resources res ON res.tenant_id = b.tenant_id AND res.id = b.resource_id
        LEFT JOIN locations l ON l.tenant_id = b.tenant_id AND l.id = res.location_id
        LEFT JOIN customers c ON c.tenant_id = b.tenant_id AND c.id = b.customer_id
        WHERE b.tenant_id = $1 AND (b.end_time > now() - make_interval(secs => $4) OR b.id = ANY($5)) AND b.id > $2
        ORDER BY b.id LIMIT $3
        FOR KEY SHARE OF b`, [tenantId, cursor, BATCH, reachBackMs(wf ? [wf] : []) / 1000, strays]);
      const now = Date.now();
      const out = { add: [] as JobSpec[], remove: [] as string[] };
      const plans = batch.map((r) => {
        const b = toApi<Booking & { locationId: string | null; effectiveLanguage: string; timeZone: string }>(r);
        const where: Where = { locationId: b.locationId, serviceId: b.serviceId, resourceId: b.resourceId, status: b.status, language: b.effectiveLanguage, timeZone: b.timeZone };
        const p: Plan = timed ? plan(timed, b, where, now) : { kind: 'none' };
        return { b, p };
      });
      const planned = plans.filter((x) => x.p.kind !== 'none').map((x) => x.b.id);
      const ran = timed ? await ranFor(tx, tenantId, [workflowId], planned) : new Set<string>();
      const jobs = await jobsFor(tx, plans.filter((x) => x.p.kind === 'past').map((x) => timedJobKey(tenantId, workflowId, x.b.id)));
      for (const { b, p } of plans) {
        const key = timedJobKey(tenantId, workflowId, b.id);
        if (p.kind === 'none' || ran.has(ranKey(workflowId, b.id, p.anchor))) out.remove.push(key);
        else if (p.kind === 'future') out.add.push(job(tenantId, timed!, b.id, p.moment, p.moment));
        // past: only a reminder still waiting for another moment (the edit moved it into the past) is late now
        else if (jobs.has(key) && !firesAnyway(jobs.get(key), p.moment)) await planLate(tx, tenantId, timed!, b, p, now, out);
      }
      await addJobs(tx, out.add);
      await removeJobs(tx, out.remove);
      return { count: batch.length, lastId: batch.length ? batch[batch.length - 1].id as string : cursor };
    });
    if (last.count < BATCH) return;
    cursor = last.lastId;
  }
}

/**
 * Why a time-offset workflow's moment no longer holds for the booking as it is now, or null when it does: asked when
 * its job fires, and again before each step of the run sends (a step retried after the booking was cancelled or moved,
 * or after the workflow was disabled, sends nothing). `wf` null: the workflow was deleted.
 */
export function momentGone(wf: Pick<WorkflowRow, 'enabled' | 'trigger_type' | 'trigger_config' | 'filters'> | null, ctx: RunContext, moment: Date): string | null {
  if (!wf) return 'stale:workflow_deleted';
  if (!ctx.booking) return 'stale:booking_deleted';
  if (!wf.enabled) return 'disabled';
  const trigger = triggers.get(wf.trigger_type)?.module;
  if (!trigger?.schedule) return 'stale:trigger_changed';
  const reason = filterReason({ ...emptyFilters(), ...wf.filters }, scopeOf(ctx), trigger.defaultStatuses);
  if (reason) return reason;
  return trigger.schedule(ctx.booking, wf.trigger_config, ctx.timezone)?.getTime() === moment.getTime() ? null : 'stale:rescheduled';
}

/**
 * timed_trigger: the moment came. Re-load the workflow and booking and re-check everything; record the run, or a
 * skip with the reason: the booking moved (stale:rescheduled), no longer fits a filter (filter:status, ...), the
 * workflow was disabled, or the job ran too long after its time because workers were down (late:worker_down).
 */
export async function fireTimed(ds: DataSource, payload: unknown, opts: { graceMs: number }): Promise<void> {
  const p = timedPayload(payload);
  await transaction(ds, async (tx) => {
    const wf = await one<WorkflowRow>(tx, 'SELECT * FROM workflows WHERE tenant_id = $1 AND id = $2', [p.tenantId, p.workflowId]);
    const tenant = await loadTenant(tx, p.tenantId);
    if (!wf || !tenant) return;
    const ctx = await loadContext(tx, tenant, { bookingId: p.bookingId, eventType: wf.trigger_type });
    const exists = await one(tx, 'SELECT 1 FROM bookings WHERE tenant_id = $1 AND id = $2', [p.tenantId, p.bookingId]);
    if (!exists || !ctx.booking) return; // deleted: its jobs were removed with it; nothing to tell
    const moment = new Date(p.moment);
    const anchor = anchorOf(wf, ctx.booking as unknown as Booking, moment);
    let reason = momentGone(wf, ctx, moment);
    if (!reason && Date.now() - new Date(p.runAt).getTime() > opts.graceMs) reason = 'late:worker_down';
    // A job written before an edit of the offset, and running while the edit's reconcile replaced it, can still fire.
    if (!reason && (await ranFor(tx, p.tenantId, [wf.id], [p.bookingId])).has(ranKey(wf.id, p.bookingId, anchor))) reason = 'stale:already_ran';
    await recordRuns(tx, p.tenantId, [{ workflow: wf, decision: reason ? 'skipped' : 'ran', reason }], {
      dedupeKey: dedupeKey(p.bookingId, moment, anchor), bookingId: p.bookingId, scheduledFor: moment, depth: 0,
    });
  });
}

/**
 * A customer's language is part of a reminder's filters (a booking without its own language speaks the customer's):
 * when it changes, reconcile the customer's bookings that may still have a moment ahead, in the same transaction:
 * those to come, and those that ended as long ago as a follow-up can reach back (a "thank you" the day after, for a
 * booking that has ended or is completed).
 */
export async function reconcileCustomerBookings(tx: EntityManager, tenantId: string, customerId: string): Promise<void> {
  await shareWorkflowsLock(tx, tenantId); // before the workflows are read (src/domain/workflows-lock.ts)
  const timed = await rows<Pick<WorkflowRow, 'trigger_type' | 'trigger_config'>>(tx,
    'SELECT trigger_type, trigger_config FROM workflows WHERE tenant_id = $1 AND enabled AND trigger_type = ANY($2)', [tenantId, timedTriggerTypes]);
  if (!timed.length) return;
  // Share-locked, as in reconcileWorkflow: a booking changed meanwhile waits, then reconciles its own job after ours.
  const bookings = await rows<Record<string, unknown>>(tx, `
    SELECT * FROM bookings WHERE tenant_id = $1 AND customer_id = $2 AND language IS NULL AND end_time > now() - make_interval(secs => $3)
      ORDER BY end_time DESC LIMIT 1000 FOR KEY SHARE`, [tenantId, customerId, reachBackMs(timed) / 1000]);
  for (const r of bookings) {
    const b = toApi<Booking>(r);
    // Not made or moved now: a moment already past is late only for a reminder still waiting for it.
    await reconcileBooking(tx, tenantId, b, b, { force: true, lateOnlyIfWaiting: true });
  }
}

// Recording a batch's attempts with what follows from each: success, the next retry (a new run_at for its job), or a
// final failure; the endpoint's failing streak; and possibly the endpoint's disabling. When every attempt succeeded
// (the common case) that is one SQL statement; with failures, one transaction.
import type { DataSource, EntityManager } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, retryConflicts, rows, transaction } from '../db/sql.js';
import { addJobs } from '../worker/jobs.js';
import { disableEndpoint, FAILING_DISABLE_AFTER_MS, type DisableReason } from './disable.js';
import type { Attempt } from './attempt.js';
import type { ClaimedDelivery } from './claim.js';
import { deliveryJob } from './jobs.js';
import { retryDelay } from './retry.js';

export interface Sent {
  delivery: ClaimedDelivery;
  attempt: Attempt;
}

export interface RecordOptions {
  tenantId: string;
  subscriptionId: string;
  sent: Sent[];
  /** Jobs of taken deliveries that were not sent: due again now. */
  release: string[];
  /** Waits before each retry (config.webhookRetrySchedule). */
  retrySchedule: readonly number[];
}

interface Outcome {
  id: string;
  status: 'succeeded' | 'pending' | 'failed';
  next: Date | null;
}

const lastErrorOf = (a: Attempt): string | null => (a.errorCode ? `${a.errorCode}: ${a.error}` : null);
const endOf = (a: Attempt): number => a.startedAt.getTime() + a.durationMs;

export async function recordAttempts(ds: DataSource, o: RecordOptions): Promise<void> {
  if (o.sent.every((s) => s.attempt.ok)) {
    const outcomes = o.sent.map((s): Outcome => ({ id: s.delivery.id, status: 'succeeded', next: null }));
    // A deadlock is retried: a subscription being deleted locks the subscription then its deliveries, this
    // statement its deliveries then (ending a streak) the subscription.
    await retryConflicts(() => writeOutcomes(ds, { ...o, outcomes, endsStreak: o.sent.length > 0 }));
    return;
  }
  await transaction(ds, async (tx) => {
    const streak = failingStreak(o.sent);
    // Evaluated on every batch with a failed attempt: the streak starts at its first failure and ends at the next
    // success. Attempts of one batch overlap; they count in the order they ended.
    // With the subscription locked first (as a delete locks it), each failed delivery's retry series as it is now: a
    // replay may have restarted it while the batch was sending.
    const state = await one<{ overdue: boolean | null; steps: Record<string, number> | null }>(tx, `
      WITH sub AS (
        UPDATE webhook_subscriptions SET failing_since = CASE WHEN $3 THEN $4::timestamptz ELSE COALESCE(failing_since, $4::timestamptz) END
        WHERE tenant_id = $1 AND id = $2
        RETURNING failing_since <= now() - make_interval(secs => $5) AS overdue
      ), cur AS (
        SELECT id, schedule_step FROM webhook_deliveries WHERE tenant_id = $1 AND id = ANY($6::text[]) FOR UPDATE
      )
      SELECT sub.overdue, (SELECT json_object_agg(id, schedule_step) FROM cur) AS steps FROM sub`,
    [o.tenantId, o.subscriptionId, streak.restarts, streak.since, FAILING_DISABLE_AFTER_MS / 1000, o.sent.map((x) => x.delivery.id)]);
    if (!state) return; // the subscription was deleted meanwhile, with its deliveries and their jobs
    const gone = o.sent.find((s) => s.attempt.statusCode === 410);
    const disable: DisableReason | null = gone ? 'gone' : state.overdue ? 'failing' : null;
    const outcomes = o.sent.map(({ delivery: d, attempt: a }): Outcome => {
      if (a.ok) return { id: d.id, status: 'succeeded', next: null };
      const wait = disable || a.final ? null : retryDelay(o.retrySchedule, (state.steps?.[d.id] ?? 0) + 1);
      return { id: d.id, status: wait === null ? 'failed' : 'pending', next: wait === null ? null : new Date(Date.now() + wait) };
    });
    await writeOutcomes(tx, { ...o, outcomes, endsStreak: false });
    // The subscription row is locked since the streak update, so none of its deliveries can be deleted meanwhile.
    // The job's own delivery: its running job loses the key and a new one takes it (graphile-worker's add_jobs).
    await addJobs(tx, outcomes.filter((x) => x.next).map((x) => deliveryJob({
      tenantId: o.tenantId, subscriptionId: o.subscriptionId, deliveryId: x.id, runAt: x.next!,
    })));
    if (disable) {
      const [last] = o.sent.filter((s) => !s.attempt.ok).sort((x, y) => endOf(y.attempt) - endOf(x.attempt));
      const why = (gone ?? last).attempt;
      await disableEndpoint(tx, o.tenantId, o.subscriptionId, { reason: disable, lastStatusCode: why.statusCode, lastError: lastErrorOf(why) });
    }
  });
}

/**
 * The failing streak after these attempts: failures that ended after the batch's last success (all of them, if none
 * succeeded) start or continue it; `restarts` when a success in the batch ended the previous streak first.
 */
function failingStreak(sent: Sent[]): { restarts: boolean; since: Date | null } {
  const lastSuccess = Math.max(-Infinity, ...sent.filter((s) => s.attempt.ok).map((s) => endOf(s.attempt)));
  const trailing = sent.filter((s) => !s.attempt.ok && endOf(s.attempt) > lastSuccess).map((s) => s.attempt.startedAt.getTime());
  return { restarts: lastSuccess > -Infinity, since: trailing.length ? new Date(Math.min(...trailing)) : null };
}

/**
 * One statement: each attempt logged, each delivery's new state, the jobs of taken deliveries (completed when their
 * delivery finished, due now when it was not sent; a retry's job is the caller's), and, when `endsStreak`, the end of
 * the endpoint's failing streak. A delivery deleted meanwhile (with its subscription) is not logged.
 */
async function writeOutcomes(db: Queryable | EntityManager, o: RecordOptions & { outcomes: Outcome[]; endsStreak: boolean }): Promise<void> {
  const byId = new Map(o.sent.map((s) => [s.delivery.id, s]));
  const rowsJson = o.outcomes.map((x) => {
    const { attempt: a } = byId.get(x.id)!;
    return {
      id: x.id, status: x.status, next_attempt_at: x.next, started_at: a.startedAt, duration_ms: a.durationMs, status_code: a.statusCode,
      response_body: a.responseBody, error_code: a.errorCode, error: a.error, last_error: lastErrorOf(a),
    };
  });
  // A retry's job is replaced by the caller (same key); every other taken job is done.
  const finished = o.outcomes.filter((x) => !x.next).map((x) => byId.get(x.id)!.delivery.jobId).filter((id): id is string => id !== null);
  await rows(db, `
    WITH o AS (
      SELECT * FROM json_to_recordset($2::json) AS o(id text, status text, next_attempt_at timestamptz, started_at timestamptz,
        duration_ms integer, status_code integer, response_body text, error_code text, error text, last_error text)
    ), d AS (
      UPDATE webhook_deliveries d SET status = o.status, attempt_count = d.attempt_count + 1, schedule_step = d.schedule_step + 1,
        last_status_code = o.status_code, last_error = o.last_error, next_attempt_at = o.next_attempt_at,
        finished_at = CASE WHEN o.status = 'pending' THEN NULL ELSE now() END, updated_at = now()
      FROM o WHERE d.tenant_id = $1 AND d.id = o.id
      RETURNING d.id, d.attempt_count
    ), logged AS (
      INSERT INTO webhook_attempts (tenant_id, delivery_id, n, started_at, duration_ms, status_code, response_body, error_code, error)
      SELECT $1, d.id, d.attempt_count, o.started_at, o.duration_ms, o.status_code, o.response_body, o.error_code, o.error
      FROM d JOIN o ON o.id = d.id
    ), streak AS (
      UPDATE webhook_subscriptions SET failing_since = NULL WHERE $3 AND tenant_id = $1 AND id = $4 AND failing_since IS NOT NULL
    ), completed AS (
      SELECT count(*) AS n FROM graphile_worker.complete_jobs($5::bigint[])
    ), released AS (
      SELECT count(*) AS n FROM graphile_worker.reschedule_jobs($6::bigint[], run_at => now())
    )
    SELECT (SELECT n FROM completed) AS completed, (SELECT n FROM released) AS released`,
  [o.tenantId, JSON.stringify(rowsJson), o.endsStreak, o.subscriptionId, finished, o.release]);
}

// Taking a batch: a webhook_deliver job sends its own delivery together with the other deliveries of its endpoint
// that are due, so one job, one read and one write serve several deliveries (./deliver.ts).
//
// Every delivery keeps its own job (./jobs.ts) the whole time. Taking another delivery into the batch means taking
// its job out of the due set: the job's run_at moves CLAIM_LEASE_MS ahead while the batch sends it, and the batch's
// record then completes it (success, final failure), moves it to the retry's time, or puts it back to now (not
// sent). Should the process die in between, nothing is lost: the job comes due again when the lease ends and sends
// the delivery by itself (at least once, as with a job released from a dead worker).
//
// Danger: the job rows are read and locked in graphile-worker's own table (_private_jobs: key, is_available,
// run_at; graphile-worker 0.17), because only a row lock makes the claim exclusive: `FOR UPDATE SKIP LOCKED` skips
// a job a worker is taking right now, and re-checks `run_at <= now()` against a concurrent claim, so two batches
// (graphile-worker's local queue can run two jobs of one queue at once, graphile/worker#621) never take the same
// delivery. Writes go through graphile-worker's public functions (reschedule_jobs, complete_jobs, add_jobs). The
// tests in test/webhooks/batch.test.ts fail if an upgrade changes that table.
import type { DataSource } from 'typeorm';
import { rows } from '../db/sql.js';
import { deliveryJobKey } from './jobs.js';
import type { SubscriptionRow } from './subscriptions.js';

/**
 * While a batch sends, the jobs of the deliveries it took wait this long (2 min) before they could run by themselves.
 * It must outlast a batch: sends start within BATCH_SEND_BUDGET_MS (30 s), each ends within the 15 s attempt
 * deadline, then one write. Longer only delays a crashed batch's deliveries.
 */
export const CLAIM_LEASE_MS = 120_000;

/** A delivery of the batch with what sending it needs. `jobId` is null for the job's own delivery (graphile-worker holds its job). */
export interface ClaimedDelivery extends Pick<SubscriptionRow, 'url' | 'enabled' | 'secret' | 'previous_secrets'> {
  id: string;
  subscription_id: string;
  payload: string;
  jobId: string | null;
}

/**
 * The job's own delivery (first) and up to `more` other due deliveries of its endpoint, their jobs leased. Empty when
 * the job's delivery is no longer pending (deleted with its subscription, or finished by an earlier job). Others are
 * only taken while the subscription is enabled and not failing: a failing endpoint gets one delivery per job, a
 * probe, until an answer ends its failing streak.
 */
export async function claimBatch(ds: DataSource, opts: { tenantId: string; deliveryId: string; more: number }): Promise<ClaimedDelivery[]> {
  const { tenantId, deliveryId, more } = opts;
  // `lead` is one row or none, and the others are read in the due index's order: the scan stops at `more`.
  const found = await rows<Omit<ClaimedDelivery, 'jobId'> & { job_id: string | null }>(ds, `
    WITH lead AS MATERIALIZED (
      SELECT d.subscription_id, s.enabled, s.failing_since FROM webhook_deliveries d
      JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
      WHERE d.tenant_id = $1 AND d.id = $2 AND d.status = 'pending'
    ), due AS (
      SELECT j.id AS job_id, d.id
      FROM webhook_deliveries d
      JOIN graphile_worker._private_jobs j ON j.key = $3 || replace(d.id, ':', '%3A') -- deliveryJobKey(tenant, d.id)
      WHERE d.tenant_id = $1 AND d.subscription_id = (SELECT subscription_id FROM lead WHERE enabled AND failing_since IS NULL)
        AND d.status = 'pending' AND d.next_attempt_at <= now() AND d.id <> $2
        AND j.is_available AND j.run_at <= now()
      ORDER BY d.next_attempt_at, d.id
      LIMIT $4
      FOR UPDATE OF j SKIP LOCKED
    ), claimed AS (
      SELECT due.id, r.id AS job_id
      FROM graphile_worker.reschedule_jobs(ARRAY(SELECT job_id FROM due), run_at => now() + make_interval(secs => $5)) r
      JOIN due ON due.job_id = r.id
    )
    SELECT d.id, d.subscription_id, d.payload, s.url, s.enabled, s.secret, s.previous_secrets, claimed.job_id
    FROM webhook_deliveries d
    JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
    LEFT JOIN claimed ON claimed.id = d.id
    WHERE d.tenant_id = $1 AND d.id = ANY(ARRAY(SELECT id FROM claimed) || $2::text) AND d.status = 'pending'
    ORDER BY d.next_attempt_at, d.id`,
  [tenantId, deliveryId, deliveryJobKey(tenantId, ''), more, CLAIM_LEASE_MS / 1000]);
  const lead = found.find((d) => d.id === deliveryId);
  if (!lead) return []; // its job is done (no other was taken: that needs the job's own delivery pending)
  const toClaimed = ({ job_id: jobId, ...d }: (typeof found)[number]): ClaimedDelivery => ({ ...d, jobId });
  return [toClaimed(lead), ...found.filter((d) => d !== lead).map(toClaimed)];
}

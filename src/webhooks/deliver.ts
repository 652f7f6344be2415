// webhook_deliver: one job of one delivery, which sends a batch: its own delivery and the other deliveries of the same
// endpoint that are due (./claim.ts), a few requests at a time, each signed afresh; then records every attempt with
// what follows from it (./record.ts). Per-job costs (the job itself, the read, the write) are shared by the batch.
import type { DataSource } from 'typeorm';
import { rows } from '../db/sql.js';
import type { HttpSender } from '../delivery/types.js';
import { attemptOnce } from './attempt.js';
import { claimBatch, type ClaimedDelivery } from './claim.js';
import { readDeliveryPayload } from './jobs.js';
import { recordAttempts, type Sent } from './record.js';

/**
 * Deliveries one job sends at most (16): its own and up to 15 others of its endpoint that are due. Only while the
 * endpoint is not failing: a failing endpoint gets one delivery per job, as a probe, until it answers again.
 */
export const BATCH_SIZE = 16;
/**
 * Requests in flight to one endpoint at once (4). Deliveries were never promised in order (receivers order them by
 * `sequence`); a few at a time keep a receiver's latency from capping its throughput without hammering it.
 */
export const ENDPOINT_CONCURRENCY = 4;
/** No request of a batch starts later than this after the batch did (30 s); the rest go back to the queue. */
export const BATCH_SEND_BUDGET_MS = 30_000;

export interface DeliverDeps {
  ds: DataSource;
  http: HttpSender;
  /** Waits before each retry (config.webhookRetrySchedule). */
  retrySchedule: readonly number[];
  /** BATCH_SIZE and ENDPOINT_CONCURRENCY unless set (tests set them). */
  batch?: { size?: number; concurrency?: number };
}

export async function deliver(deps: DeliverDeps, payload: unknown): Promise<void> {
  const { tenantId, deliveryId } = readDeliveryPayload(payload);
  const batch = await claimBatch(deps.ds, { tenantId, deliveryId, more: (deps.batch?.size ?? BATCH_SIZE) - 1 });
  const [own] = batch;
  if (!own) return; // deleted with its subscription, or finished by an earlier job
  if (!own.enabled) { // then no other delivery was taken
    await rows(deps.ds, `
      UPDATE webhook_deliveries SET status = 'failed', last_error = $3, next_attempt_at = NULL, finished_at = now(), updated_at = now()
      WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
    [tenantId, deliveryId, 'ENDPOINT_DISABLED: the subscription is disabled; enable it and replay this delivery']);
    return;
  }
  const { sent, unsent, ownError } = await sendBatch(deps.http, batch, { concurrency: deps.batch?.concurrency ?? ENDPOINT_CONCURRENCY });
  const release = unsent.map((d) => d.jobId).filter((id): id is string => id !== null);
  await recordAttempts(deps.ds, { tenantId, subscriptionId: own.subscription_id, sent, release, retrySchedule: deps.retrySchedule });
  if (ownError !== undefined) throw ownError; // not the endpoint's failure (a bug): graphile-worker retries this job
}

/**
 * Sends the batch in order, `concurrency` at a time. After a failed attempt no new request starts (the endpoint may
 * be down: the rest would only wait for their timeouts), nor after BATCH_SEND_BUDGET_MS; those are `unsent`. So is a
 * taken delivery whose attempt threw (a bug, not the endpoint's failure): its own job runs it again, and throws there.
 */
async function sendBatch(http: HttpSender, batch: ClaimedDelivery[], opts: { concurrency: number }) {
  const started = Date.now();
  const sent: Sent[] = [];
  const unsent: ClaimedDelivery[] = [];
  let ownError: unknown;
  let stop = false;
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < batch.length; k = next++) {
      const delivery = batch[k];
      if (stop || Date.now() - started > BATCH_SEND_BUDGET_MS) {
        unsent.push(delivery);
        continue;
      }
      try {
        const attempt = await attemptOnce(http, delivery);
        sent.push({ delivery, attempt });
        if (!attempt.ok) stop = true;
      } catch (err) {
        stop = true;
        if (k === 0) ownError = err;
        else unsent.push(delivery);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, batch.length)) }, lane));
  return { sent, unsent, ownError };
}

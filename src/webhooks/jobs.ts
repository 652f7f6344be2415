// The one graphile-worker job of a webhook delivery: its task name, payload, key and queue. Another delivery's job
// may send it in a batch (./claim.ts), but every pending delivery keeps its own job until it is finished.
import { jobKey, type JobSpec } from '../worker/jobs.js';
import { PayloadError } from '../worker/payload.js';

/** Persisted in graphile-worker's tables: never rename. */
export const WEBHOOK_DELIVER_TASK = 'webhook_deliver';

/**
 * Failures that are not the endpoint's (the database went away) are retried by graphile-worker with its own backoff;
 * the endpoint's failures never throw: the task records the attempt and schedules the next one itself.
 */
const JOB_ATTEMPTS = 5;

/** One key per delivery: a replay or a retry replaces the pending job instead of adding a second one. */
export const deliveryJobKey = (tenantId: string, deliveryId: string): string => jobKey('webhook', tenantId, deliveryId);

/**
 * Endpoint isolation: every delivery to one subscription goes through that subscription's own graphile-worker job
 * queue, and graphile-worker runs the jobs of a queue one at a time. A job sends a batch of its endpoint's due
 * deliveries (./deliver.ts: up to BATCH_SIZE, ENDPOINT_CONCURRENCY requests in flight), so however slow or dead an
 * endpoint is (each attempt is capped at 15 s, a batch stops starting requests after 30 s), it holds at most one
 * worker slot and has at most ENDPOINT_CONCURRENCY requests open; every other endpoint, of this tenant or another,
 * keeps being served by the remaining slots. A failing endpoint gets one delivery per job until it answers again,
 * which also keeps a struggling receiver from being hammered. A job waiting for its retry does not hold the queue:
 * later deliveries go first. The tenant id is length-prefixed because ids may contain ':' ("a:b" + "c" must not
 * share a queue with "a" + "b:c").
 */
export const endpointQueue = (tenantId: string, subscriptionId: string): string => `webhooks:${tenantId.length}:${tenantId}:${subscriptionId}`;

export function deliveryJob(d: { tenantId: string; subscriptionId: string; deliveryId: string; runAt?: Date }): JobSpec {
  return {
    task: WEBHOOK_DELIVER_TASK,
    payload: { tenantId: d.tenantId, deliveryId: d.deliveryId },
    jobKey: deliveryJobKey(d.tenantId, d.deliveryId),
    queueName: endpointQueue(d.tenantId, d.subscriptionId),
    runAt: d.runAt,
    maxAttempts: JOB_ATTEMPTS,
  };
}

/** Jobs outlive deploys: a payload this version does not understand fails loudly. */
export function readDeliveryPayload(payload: unknown): { tenantId: string; deliveryId: string } {
  const p = payload as { tenantId?: unknown; deliveryId?: unknown } | null;
  if (typeof p?.tenantId !== 'string' || typeof p.deliveryId !== 'string') throw new PayloadError(WEBHOOK_DELIVER_TASK, payload);
  return { tenantId: p.tenantId, deliveryId: p.deliveryId };
}

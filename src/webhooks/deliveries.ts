// The delivery log (each delivery with its attempts), and sending again: a replay of one delivery, of every failed
// one since a time, and a test delivery. All of them go through the delivery's job (./jobs.ts), never around it.
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows, transaction } from '../db/sql.js';
import { conflict, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { listRows, type Page } from '../domain/store.js';
import { addJobs } from '../worker/jobs.js';
import { deliveryJob } from './jobs.js';
import { TEST_EVENT_TYPE, testBody } from './payload.js';
import { getSubscriptionRow, toSubscription } from './subscriptions.js';

export interface AttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number | null;
  /** The first 2 KiB of the answer. */
  responseBody: string | null;
  errorCode: string | null;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string | null;
  eventType: string;
  sequence: number;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  attempts: AttemptView[];
  /** The body sent (single delivery only). */
  payload?: unknown;
}

interface DeliveryRow {
  id: string; subscription_id: string; event_id: string | null; event_type: string; payload: string; status: DeliveryView['status'];
  attempt_count: number; next_attempt_at: Date | null; last_status_code: number | null; last_error: string | null;
  created_at: Date; finished_at: Date | null;
}
interface AttemptRow {
  delivery_id: string; n: number; started_at: Date; duration_ms: number | null; status_code: number | null; response_body: string | null;
  error_code: string | null; error: string | null;
}

const toAttempt = (r: AttemptRow): AttemptView => ({
  attempt: r.n, at: r.started_at.toISOString(), statusCode: r.status_code, durationMs: r.duration_ms, responseBody: r.response_body,
  errorCode: r.error_code, error: r.error,
});

function toView(r: DeliveryRow, attempts: AttemptRow[], opts: { payload: boolean }): DeliveryView {
  return {
    id: r.id, webhookId: r.subscription_id, eventId: r.event_id === null ? null : String(r.event_id), eventType: r.event_type,
    sequence: r.event_id === null ? 0 : Number(r.event_id), status: r.status, attemptCount: r.attempt_count,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null, lastStatusCode: r.last_status_code, lastError: r.last_error,
    createdAt: r.created_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
    attempts: attempts.filter((a) => a.delivery_id === r.id).map(toAttempt),
    ...(opts.payload ? { payload: JSON.parse(r.payload) as unknown } : {}),
  };
}

async function withAttempts(db: Queryable, tenantId: string, ds: DeliveryRow[], opts: { payload: boolean }): Promise<DeliveryView[]> {
  if (!ds.length) return [];
  const attempts = await rows<AttemptRow>(db, 'SELECT * FROM webhook_attempts WHERE tenant_id = $1 AND delivery_id = ANY($2) ORDER BY n',
    [tenantId, ds.map((d) => d.id)]);
  return ds.map((d) => toView(d, attempts, opts));
}

export interface DeliveryFilter {
  status?: string; eventType?: string; from?: string; to?: string; cursor?: string; limit: number;
}

/** A subscription's deliveries, newest first. */
export async function listDeliveries(db: Queryable, tenantId: string, subscriptionId: string, f: DeliveryFilter): Promise<Page<DeliveryView>> {
  await getSubscriptionRow(db, tenantId, subscriptionId);
  const conditions: [string, unknown][] = [];
  if (f.from) conditions.push(['created_at >= ?', f.from]);
  if (f.to) conditions.push(['created_at < ?', f.to]);
  const page = await listRows(db, 'webhook_deliveries', tenantId, {
    where: { subscriptionId, status: f.status, eventType: f.eventType }, conditions, orderBy: 'createdAt', descending: true, cursor: f.cursor, limit: f.limit,
  });
  return { items: await withAttempts(db, tenantId, page.items as unknown as DeliveryRow[], { payload: false }), nextCursor: page.nextCursor };
}

/** A delivery as the API names it: under its subscription (`/webhooks/:webhookId/deliveries/:deliveryId`). */
export interface DeliveryRef {
  webhookId: string;
  deliveryId: string;
}

async function deliveryRow(db: Queryable, tenantId: string, ref: DeliveryRef): Promise<DeliveryRow> {
  const r = await one<DeliveryRow>(db, 'SELECT * FROM webhook_deliveries WHERE tenant_id = $1 AND subscription_id = $2 AND id = $3',
    [tenantId, ref.webhookId, ref.deliveryId]);
  if (!r) throw notFound('webhook delivery', ref.deliveryId);
  return r;
}

export async function getDelivery(db: Queryable, tenantId: string, ref: DeliveryRef): Promise<DeliveryView> {
  await getSubscriptionRow(db, tenantId, ref.webhookId);
  const [view] = await withAttempts(db, tenantId, [await deliveryRow(db, tenantId, ref)], { payload: true });
  return view;
}

async function enabledSubscription(db: Queryable, tenantId: string, id: string) {
  const sub = await getSubscriptionRow(db, tenantId, id);
  if (!sub.enabled) {
    throw conflict('WEBHOOK_DISABLED', 'this webhook subscription is disabled: enable it first (PATCH with {"enabled": true}), then send again');
  }
  return sub;
}

const REPLAY_SET = "status = 'pending', schedule_step = 0, next_attempt_at = now(), finished_at = NULL, updated_at = now()";

/**
 * Sends one delivery again, now, with a fresh retry schedule. Same delivery, same webhook-id. A delivery already due
 * (queued, or being sent right now) is left as it is: replays at once (a double click, a retrying client) send it
 * once, not in parallel, and do not restart its schedule.
 */
export async function replayDelivery(ds: DataSource, tenantId: string, ref: DeliveryRef): Promise<DeliveryView> {
  return transaction(ds, async (tx) => {
    await enabledSubscription(tx, tenantId, ref.webhookId);
    // Locked first, whatever its state: a replay that committed meanwhile is then seen as it left the row.
    const row = await one<{ due: boolean }>(tx, `
      SELECT status = 'pending' AND next_attempt_at <= now() AS due FROM webhook_deliveries
      WHERE tenant_id = $1 AND subscription_id = $2 AND id = $3 FOR UPDATE`, [tenantId, ref.webhookId, ref.deliveryId]);
    if (!row) throw notFound('webhook delivery', ref.deliveryId);
    if (!row.due) {
      await rows(tx, `UPDATE webhook_deliveries SET ${REPLAY_SET} WHERE tenant_id = $1 AND id = $2`, [tenantId, ref.deliveryId]);
      await addJobs(tx, [deliveryJob({ tenantId, subscriptionId: ref.webhookId, deliveryId: ref.deliveryId })]);
    }
    return getDelivery(tx, tenantId, ref); // as queued: the worker cannot see the job before this commits
  });
}

/** Sends every delivery that failed for good and was created at or after `since` again. */
export async function replayFailedSince(ds: DataSource, tenantId: string, opts: { webhookId: string; since: string }): Promise<{ replayed: number }> {
  const { webhookId: subscriptionId, since } = opts;
  return transaction(ds, async (tx) => {
    await enabledSubscription(tx, tenantId, subscriptionId);
    const replayed = await rows<{ id: string }>(tx, `
      UPDATE webhook_deliveries SET ${REPLAY_SET}
      WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'failed' AND created_at >= $3 RETURNING id`, [tenantId, subscriptionId, since]);
    await addJobs(tx, replayed.map((d) => deliveryJob({ tenantId, subscriptionId, deliveryId: d.id })));
    return { replayed: replayed.length };
  });
}

/** A `webhook.test` delivery to this endpoint only, with the same signing, retries and log as any other. */
export async function sendTest(ds: DataSource, tenantId: string, subscriptionId: string): Promise<DeliveryView> {
  const id = newId('dlv');
  return transaction(ds, async (tx) => {
    const sub = toSubscription(await enabledSubscription(tx, tenantId, subscriptionId));
    await rows(tx, `
      INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload, status, next_attempt_at)
      VALUES ($1, $2, $3, NULL, $4, $5, 'pending', now())`, [tenantId, id, subscriptionId, TEST_EVENT_TYPE, testBody(sub, new Date())]);
    await addJobs(tx, [deliveryJob({ tenantId, subscriptionId, deliveryId: id })]);
    return getDelivery(tx, tenantId, { webhookId: subscriptionId, deliveryId: id });
  });
}

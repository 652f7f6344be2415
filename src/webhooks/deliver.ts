// webhook_deliver: one attempt of one delivery. Loads the delivery and its subscription by id, signs the stored body
// afresh (the current timestamp; verifiers reject ones older than 5 minutes), sends it, and records the attempt with
// what follows from it in one transaction: success, the next retry (a new run_at), or a final failure, and possibly
// the endpoint's disabling.
import type { DataSource, EntityManager } from 'typeorm';
import { one, transaction } from '../db/sql.js';
import { signatureHeaders } from '../delivery/signing.js';
import { DeliveryError, type HttpSender } from '../delivery/types.js';
import { addJobs } from '../worker/jobs.js';
import { disableEndpoint, FAILING_DISABLE_AFTER_MS, type DisableReason } from './disable.js';
import { deliveryJob, readDeliveryPayload } from './jobs.js';
import { retryDelay } from './retry.js';
import { signingSecrets, type SubscriptionRow } from './subscriptions.js';

/** Whole-attempt deadline: connect, send, and the answer. */
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** How much of a response body the delivery log keeps. */
const LOGGED_BODY_CHARS = 2048;

export interface DeliverDeps {
  ds: DataSource;
  http: HttpSender;
  /** Waits before each retry (config.webhookRetrySchedule). */
  retrySchedule: readonly number[];
}

interface Loaded extends Pick<SubscriptionRow, 'url' | 'enabled' | 'secret' | 'previous_secrets'> {
  id: string; subscription_id: string; payload: string; status: string;
}

interface Attempt {
  startedAt: Date;
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  errorCode: string | null;
  error: string | null;
  /** Retrying cannot help (a refused address, an invalid URL). */
  final: boolean;
}

export async function deliver(deps: DeliverDeps, payload: unknown): Promise<void> {
  const { tenantId, deliveryId } = readDeliveryPayload(payload);
  const d = await one<Loaded>(deps.ds, `
    SELECT d.id, d.subscription_id, d.payload, d.status, s.url, s.enabled, s.secret, s.previous_secrets
    FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
    WHERE d.tenant_id = $1 AND d.id = $2`, [tenantId, deliveryId]);
  if (!d || d.status !== 'pending') return; // deleted with its subscription, or finished by an earlier job
  if (!d.enabled) {
    await deps.ds.query(`
      UPDATE webhook_deliveries SET status = 'failed', last_error = $3, next_attempt_at = NULL, finished_at = now(), updated_at = now()
      WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
    [tenantId, deliveryId, 'ENDPOINT_DISABLED: the subscription is disabled; enable it and replay this delivery']);
    return;
  }
  const attempt = await attemptOnce(deps.http, d);
  await transaction(deps.ds, (tx) => recordAttempt(tx, deps, { tenantId, delivery: d, attempt }));
}

async function attemptOnce(http: HttpSender, d: Loaded): Promise<Attempt> {
  const startedAt = new Date();
  const t0 = performance.now();
  try {
    // The webhook-id is the delivery id: the same on every retry and replay, so receivers can de-duplicate.
    const signed = signatureHeaders({ id: d.id, timestamp: new Date(), payload: d.payload, secrets: signingSecrets(d, Date.now()) });
    const res = await http.send({
      url: d.url, method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body: d.payload, timeoutMs: ATTEMPT_TIMEOUT_MS,
    });
    const ok = res.status >= 200 && res.status < 300;
    const redirected = res.status >= 300 && res.status < 400;
    return {
      startedAt, ok, statusCode: res.status, durationMs: res.durationMs, responseBody: res.body.slice(0, LOGGED_BODY_CHARS),
      errorCode: ok ? null : `HTTP_${res.status}`,
      error: ok ? null : redirected ? `the endpoint redirected (${res.status}); redirects are not followed` : `the endpoint answered ${res.status}`,
      final: false,
    };
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err; // not the endpoint's failure: graphile-worker retries the job
    return {
      startedAt, ok: false, statusCode: err.detail.status ?? null, durationMs: Math.round(performance.now() - t0), responseBody: null,
      errorCode: err.code, error: err.message, final: err.permanent,
    };
  }
}

async function recordAttempt(tx: EntityManager, deps: DeliverDeps, a: { tenantId: string; delivery: Loaded; attempt: Attempt }): Promise<void> {
  const { tenantId, delivery, attempt } = a;
  const cur = await one<{ attempt_count: number; schedule_step: number }>(tx,
    'SELECT attempt_count, schedule_step FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, delivery.id]);
  if (!cur) return; // the subscription was deleted meanwhile
  const n = cur.attempt_count + 1;
  await tx.query(`
    INSERT INTO webhook_attempts (tenant_id, delivery_id, n, started_at, duration_ms, status_code, response_body, error_code, error)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  [tenantId, delivery.id, n, attempt.startedAt, attempt.durationMs, attempt.statusCode, attempt.responseBody, attempt.errorCode, attempt.error]);
  const lastError = attempt.errorCode ? `${attempt.errorCode}: ${attempt.error}` : null;

  if (attempt.ok) {
    await tx.query(`
      UPDATE webhook_deliveries SET status = 'succeeded', attempt_count = $3, schedule_step = schedule_step + 1, last_status_code = $4,
        last_error = NULL, next_attempt_at = NULL, finished_at = now(), updated_at = now()
      WHERE tenant_id = $1 AND id = $2`, [tenantId, delivery.id, n, attempt.statusCode]);
    await tx.query('UPDATE webhook_subscriptions SET failing_since = NULL WHERE tenant_id = $1 AND id = $2 AND failing_since IS NOT NULL',
      [tenantId, delivery.subscription_id]);
    return;
  }

  // Evaluated on every failed attempt: the streak starts at its first failure and ends at the next success.
  const streak = await one<{ overdue: boolean }>(tx, `
    UPDATE webhook_subscriptions SET failing_since = COALESCE(failing_since, $3)
    WHERE tenant_id = $1 AND id = $2
    RETURNING failing_since <= now() - make_interval(secs => $4) AS overdue`,
  [tenantId, delivery.subscription_id, attempt.startedAt, FAILING_DISABLE_AFTER_MS / 1000]);
  const disable: DisableReason | null = attempt.statusCode === 410 ? 'gone' : streak?.overdue ? 'failing' : null;
  const step = cur.schedule_step + 1;
  const wait = disable || attempt.final ? null : retryDelay(deps.retrySchedule, step);
  const next = wait === null ? null : new Date(Date.now() + wait);
  await tx.query(`
    UPDATE webhook_deliveries SET status = $3, attempt_count = $4, schedule_step = $5, last_status_code = $6, last_error = $7,
      next_attempt_at = $8, finished_at = CASE WHEN $3 = 'failed' THEN now() END, updated_at = now()
    WHERE tenant_id = $1 AND id = $2`,
  [tenantId, delivery.id, next ? 'pending' : 'failed', n, step, attempt.statusCode, lastError, next]);
  if (next) await addJobs(tx, [deliveryJob({ tenantId, subscriptionId: delivery.subscription_id, deliveryId: delivery.id, runAt: next })]);
  if (disable) await disableEndpoint(tx, tenantId, delivery.subscription_id, { reason: disable, lastStatusCode: attempt.statusCode, lastError });
}

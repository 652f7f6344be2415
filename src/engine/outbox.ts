// The outbox of outgoing messages: every email, SMS and webhook call is stored under its idempotency key before it
// is sent, so a retried step finds it (and whether it went out) instead of sending twice. Visible in the API and UI.
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows, transaction } from '../db/sql.js';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { listRows, toApi, type Page } from '../domain/store.js';
import type { Outbox, OutboxMessage } from './contracts.js';
import { recordMessageFailed, type MessageFailure } from './failures.js';

interface MessageRow { id: string; status: OutboxMessage['status']; provider_id: string | null; attempts: number }
const toMessage = (r: MessageRow): OutboxMessage => ({ id: r.id, status: r.status, providerId: r.provider_id, attempts: r.attempts });

/**
 * How long a send may take before another attempt may claim the message again (90 s): longer than any transport
 * timeout (HTTP 15 s, SMTP 60 s), shorter than the retries that follow a crash.
 */
const CLAIM_SECONDS = 90;

export function dbOutbox(ds: DataSource, scope: { tenantId: string; runId: string | null; stepIdx: number | null; bookingId: string | null }): Outbox {
  return {
    async putAndClaim(m) {
      // Inserted as claimed, or an existing row claimed when it is claimable; otherwise the row as it is. A row a
      // concurrent attempt inserted after this statement's snapshot is in neither: that attempt is sending it.
      const r = await one<MessageRow & { claimed: boolean }>(ds, `
        WITH ins AS (
          INSERT INTO messages (tenant_id, id, idempotency_key, run_id, step_idx, booking_id, channel, recipient, subject, body, html, payload,
                                status, claimed_until)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'sending', now() + make_interval(secs => $13))
          ON CONFLICT (tenant_id, idempotency_key) DO UPDATE
            SET status = 'sending', claimed_until = now() + make_interval(secs => $13), updated_at = now()
            WHERE messages.status IN ('pending', 'failed') OR (messages.status = 'sending' AND messages.claimed_until < now())
          RETURNING id, status, provider_id, attempts
        )
        SELECT id, status, provider_id, attempts, true AS claimed FROM ins
        UNION ALL
        SELECT id, status, provider_id, attempts, false FROM messages
        WHERE tenant_id = $1 AND idempotency_key = $3 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [scope.tenantId, newId('msg'), m.key, scope.runId, scope.stepIdx, scope.bookingId, m.channel, m.recipient, m.subject ?? null, m.body,
        m.html ?? null, m.payload === undefined ? null : JSON.stringify(m.payload), CLAIM_SECONDS]);
      return { claimed: r?.claimed === true, message: r ? toMessage(r) : null };
    },
    async markSent(id, result) {
      await rows(ds, `
        UPDATE messages SET status = $3, provider_id = $4, response = $5, attempts = attempts + 1, last_error = NULL, claimed_until = NULL,
          sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [scope.tenantId, id, result.status, result.providerId, result.response === undefined ? null : JSON.stringify(result.response)]);
    },
    async markFailed(id, error) {
      await rows(ds, `
        UPDATE messages SET status = 'failed', attempts = attempts + 1, last_error = $3, response = $4, claimed_until = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [scope.tenantId, id, `${error.code}: ${error.message}`, error.response === undefined ? null : JSON.stringify(error.response)]);
    },
  };
}

/** For dry runs: nothing is stored or sent. */
export function memoryOutbox(): Outbox & { messages: Record<string, unknown>[] } {
  const messages: Record<string, unknown>[] = [];
  return {
    messages,
    async putAndClaim(m) {
      const msg = { id: `dry_${messages.length + 1}`, ...m, status: 'sending' as const };
      messages.push(msg);
      return { claimed: true, message: { id: msg.id, status: msg.status, providerId: null, attempts: 0 } };
    },
    async markSent() {},
    async markFailed() {},
  };
}

export interface MessageView {
  id: string; runId: string | null; stepIdx: number | null; bookingId: string | null; channel: string; recipient: string;
  subject: string | null; body: string; html: string | null; payload: unknown; status: string; providerId: string | null;
  providerStatus: string | null; attempts: number; lastError: string | null; createdAt: string; sentAt: string | null;
}

const toView = (r: Record<string, unknown>): MessageView => {
  const v = toApi<MessageView & { idempotencyKey?: string; response?: unknown; updatedAt?: string }>(r);
  delete v.idempotencyKey;
  return v;
};

export async function listMessages(db: Queryable, tenantId: string, f: { channel?: string; status?: string; bookingId?: string; runId?: string; cursor?: string; limit: number }): Promise<Page<MessageView>> {
  const page = await listRows(db, 'messages', tenantId, {
    where: { channel: f.channel, status: f.status, bookingId: f.bookingId, runId: f.runId }, orderBy: 'createdAt', descending: true, cursor: f.cursor, limit: f.limit,
  });
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

export async function getMessage(db: Queryable, tenantId: string, id: string): Promise<MessageView> {
  const r = await one(db, 'SELECT * FROM messages WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  if (!r) throw notFound('message', id);
  return toView(r);
}

/**
 * A provider's delivery report (e.g. Twilio: delivered, undelivered, failed, with its error code as `providerError`,
 * e.g. TWILIO_30003). A report that a message did not arrive records `message.failed` (stage `delivery`) with it,
 * once: a repeated report changes nothing.
 */
export async function recordDeliveryStatus(ds: DataSource, tenantId: string, id: string, providerStatus: string, providerError?: string): Promise<boolean> {
  const status = providerStatus === 'delivered' ? 'delivered' : providerStatus === 'undelivered' ? 'undelivered' : providerStatus === 'failed' ? 'failed' : null;
  return transaction(ds, async (tx) => {
    // Locked first, so of two reports of the same loss the second sees the first's status.
    const before = await one<{ status: string }>(tx, 'SELECT status FROM messages WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
    if (!before) return false;
    const r = (await one<{ id: string; run_id: string | null; step_idx: number | null; channel: MessageFailure['channel'] }>(tx, `
      UPDATE messages SET provider_status = $3, status = COALESCE($4, status), updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING id, run_id, step_idx, channel`,
    [tenantId, id, providerStatus, status]))!;
    if (r.run_id !== null) {
      await rows(tx, `
        UPDATE run_steps SET output = jsonb_set(coalesce(output, '{}'), '{deliveryStatus}', to_jsonb($4::text))
        WHERE tenant_id = $1 AND run_id = $2 AND idx = $3`, [tenantId, r.run_id, r.step_idx, providerStatus]);
      const lost = status === 'undelivered' || status === 'failed';
      if (lost && before.status !== 'undelivered' && before.status !== 'failed') {
        await recordMessageFailed(tx, {
          tenantId, runId: r.run_id, stepIdx: r.step_idx!, stage: 'delivery', channel: r.channel, messageId: r.id,
          error: {
            code: providerError ?? `PROVIDER_${status.toUpperCase()}`,
            message: `the provider reported the message ${status} after it was sent${providerError ? ` (${providerError})` : ''}`,
          },
        });
      }
    }
    return true;
  });
}

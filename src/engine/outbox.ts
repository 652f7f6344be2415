// The outbox of outgoing messages: every email, SMS and webhook call is stored under its idempotency key before it
// is sent, so a retried step finds it (and whether it went out) instead of sending twice. Visible in the API and UI.
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { coalesce, columns, perDataSource } from '../db/coalesce.js';
import { one, rows, transaction } from '../db/sql.js';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { listRows, toApi, type Page } from '../domain/store.js';
import type { Outbox, OutboxMessage } from './contracts.js';
import { recordMessageFailed, type MessageFailure } from './failures.js';

interface MessageRow { id: string; status: OutboxMessage['status']; provider_id: string | null; attempts: number; created_at: Date; maybe_sent_before: boolean }
const toMessage = (r: MessageRow): OutboxMessage => ({
  id: r.id, status: r.status, providerId: r.provider_id, attempts: r.attempts, createdAt: r.created_at.toISOString(), maybeSentBefore: r.maybe_sent_before,
});

/**
 * How long a send may take before another attempt may claim the message again (90 s): longer than any transport
 * timeout (HTTP 15 s, SMTP 60 s), shorter than the retries that follow a crash.
 */
const CLAIM_SECONDS = 90;

type Scope = { tenantId: string; runId: string | null; stepIdx: number | null; bookingId: string | null };
type Put = Parameters<Outbox['putAndClaim']>[0];
type Sent = { id: string; result: Parameters<Outbox['markSent']>[1] };

// Each message is inserted as claimed, or an existing row claimed when it is claimable; otherwise it is returned as it
// is. A row a concurrent attempt inserted after this statement's snapshot is in neither: that attempt is sending it.
// `x` is each existing row as it was before this statement (its CTEs' changes are invisible to the rest of it): what an
// unclaimed message is, and for a claimed one whether an earlier attempt left it 'sending' or 'failed' (and may have
// reached the provider). Two messages with one key in one statement cannot both be upserted: that statement fails and
// coalesce() puts each alone. Keys come as arrays (unnest), not JSON: the planner knows how many there are and looks
// each row up by its key instead of scanning the table.
const PUT_SQL = `
  WITH m AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[],
                         $10::text[], $11::text[], $12::jsonb[]) WITH ORDINALITY
      AS m(tenant_id, id, key, run_id, step_idx, booking_id, channel, recipient, subject, body, html, payload, ord)
  ), ins AS (
    INSERT INTO messages (tenant_id, id, idempotency_key, run_id, step_idx, booking_id, channel, recipient, subject, body, html, payload,
                          status, claimed_until)
    SELECT m.tenant_id, m.id, m.key, m.run_id, m.step_idx, m.booking_id, m.channel, m.recipient, m.subject, m.body, m.html, m.payload,
           'sending', now() + make_interval(secs => $13)
    FROM m ORDER BY m.ord
    ON CONFLICT (tenant_id, idempotency_key) DO UPDATE
      SET status = 'sending', claimed_until = now() + make_interval(secs => $13), updated_at = now()
      WHERE messages.status IN ('pending', 'failed') OR (messages.status = 'sending' AND messages.claimed_until < now())
    RETURNING tenant_id, idempotency_key, id, status, provider_id, attempts, created_at
  )
  SELECT m.ord, coalesce(ins.id, x.id) AS id, coalesce(ins.status, x.status) AS status, coalesce(ins.provider_id, x.provider_id) AS provider_id,
         coalesce(ins.attempts, x.attempts) AS attempts, coalesce(ins.created_at, x.created_at) AS created_at,
         ins.id IS NOT NULL AND coalesce(x.status IN ('sending', 'failed'), false) AS maybe_sent_before,
         ins.id IS NOT NULL AS claimed, coalesce(ins.id, x.id) IS NOT NULL AS found
  FROM m
  LEFT JOIN ins ON ins.tenant_id = m.tenant_id AND ins.idempotency_key = m.key
  LEFT JOIN messages x ON x.tenant_id = m.tenant_id AND x.idempotency_key = m.key`;

/** Stores and claims the messages steps running at the same time put, in one statement. */
const puts = perDataSource((ds) => coalesce<{ scope: Scope; m: Put }, { claimed: boolean; message: OutboxMessage | null }>(async (items) => {
  const found = await rows<MessageRow & { ord: string; claimed: boolean; found: boolean }>(ds, PUT_SQL, [...columns(items, [
    (i) => i.scope.tenantId, () => newId('msg'), (i) => i.m.key, (i) => i.scope.runId, (i) => i.scope.stepIdx, (i) => i.scope.bookingId,
    (i) => i.m.channel, (i) => i.m.recipient, (i) => i.m.subject ?? null, (i) => i.m.body, (i) => i.m.html ?? null,
    (i) => (i.m.payload === undefined ? null : JSON.stringify(i.m.payload)),
  ]), CLAIM_SECONDS]);
  const out = items.map(() => ({ claimed: false, message: null as OutboxMessage | null }));
  for (const r of found) out[Number(r.ord) - 1] = { claimed: r.claimed, message: r.found ? toMessage(r) : null };
  return out;
}));

/** Records the sends that finished at the same time, in one statement. */
const sends = perDataSource((ds) => coalesce<{ tenantId: string; sent: Sent }, void>(async (items) => {
  await rows(ds, `
    UPDATE messages x SET status = u.status, provider_id = u.provider_id, response = u.response, attempts = x.attempts + 1, last_error = NULL,
      claimed_until = NULL, sent_at = CASE WHEN u.status = 'sent' THEN now() ELSE x.sent_at END, updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u(tenant_id, id, status, provider_id, response)
    WHERE x.tenant_id = u.tenant_id AND x.id = u.id`,
  columns(items, [
    (i) => i.tenantId, (i) => i.sent.id, (i) => i.sent.result.status, (i) => i.sent.result.providerId,
    (i) => (i.sent.result.response === undefined ? null : JSON.stringify(i.sent.result.response)),
  ]));
  return items.map(() => undefined);
}));

export function dbOutbox(ds: DataSource, scope: Scope): Outbox {
  return {
    putAndClaim: (m) => puts(ds)({ scope, m }),
    markSent: (id, result) => sends(ds)({ tenantId: scope.tenantId, sent: { id, result } }),
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
      return { claimed: true, message: { id: msg.id, status: msg.status, providerId: null, attempts: 0, createdAt: new Date().toISOString(), maybeSentBefore: false } };
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
  const v = toApi<MessageView & { idempotencyKey?: string; claimedUntil?: string; response?: unknown; updatedAt?: string }>(r);
  // Internal: the key (of the outbox's de-duplication) and the hold of the attempt sending it.
  delete v.idempotencyKey;
  delete v.claimedUntil;
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

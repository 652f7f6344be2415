// The dispatch consumer: every dispatched event -> one delivery per enabled subscription that wants it, with its
// job, in one statement that also marks the event dispatched (dispatch's last write). Deliveries are unique per
// (subscription, event), so a retried dispatch adds nothing.
import type { Queryable } from '../db/data-source.js';
import { retryConflicts, rows } from '../db/sql.js';
import { markDispatched, markDispatchedCte, type DomainEvent } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { scopeOf } from '../engine/context.js';
import type { Dispatched } from '../engine/dispatch.js';
import { filterReason } from '../engine/filters.js';
import { addTaggedJobsSql, jobSpecRecord } from '../worker/jobs.js';
import { deliveryJob } from './jobs.js';
import { eventBody } from './payload.js';
import { emptyWebhookFilters, type WebhookFilters } from './subscriptions.js';

export async function fanOut(db: Queryable, event: DomainEvent, dispatched: Dispatched): Promise<void> {
  const subs = await rows<{ id: string; filters: Partial<WebhookFilters> }>(db, `
    SELECT id, filters FROM webhook_subscriptions
    WHERE tenant_id = $1 AND enabled AND event_types && ARRAY[$2, '*']::text[]`, [event.tenantId, event.type]);
  const ctx = subs.length ? await dispatched.context() : null;
  // The same filters as workflows: an event outside a non-empty list, or with nothing to match it (a location
  // filter and an event without a location), is not delivered.
  const wanted = ctx ? subs.filter((s) => filterReason({ ...emptyWebhookFilters(), ...s.filters, statuses: [] }, scopeOf(ctx)) === null) : [];
  if (!wanted.length) {
    await markDispatched(db, event.tenantId, event.id);
    return;
  }
  const deliveries = wanted.map((s) => ({ id: newId('dlv'), subscription_id: s.id }));
  const jobs = deliveries.map((d) => jobSpecRecord(deliveryJob({ tenantId: event.tenantId, subscriptionId: d.subscription_id, deliveryId: d.id }), { for_delivery: d.id }));
  // Deliveries, their jobs (for the deliveries this statement inserted) and the dispatch mark, in one statement.
  await retryConflicts(() => rows(db, `
    WITH ${markDispatchedCte('$1', '$2')}, ins AS (
      INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload, status, next_attempt_at)
      SELECT $1, d.id, d.subscription_id, $2::bigint, $3, $4, 'pending', now()
      FROM jsonb_to_recordset($5::jsonb) AS d(id text, subscription_id text)
      ON CONFLICT (tenant_id, subscription_id, event_id) WHERE event_id IS NOT NULL DO NOTHING
      RETURNING id
    )
    ${addTaggedJobsSql('$6', 'for_delivery', 'SELECT id FROM ins')}`,
  [event.tenantId, event.id, event.type, eventBody(event, ctx!), JSON.stringify(deliveries), JSON.stringify(jobs)]));
}

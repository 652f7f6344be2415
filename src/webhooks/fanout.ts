// The dispatch consumer: every dispatched event -> one delivery per enabled subscription that wants it, with its job,
// in the dispatch transaction (a rolled-back dispatch leaves neither). Deliveries are unique per (subscription,
// event), so a retried dispatch adds nothing.
import type { EntityManager } from 'typeorm';
import { rows } from '../db/sql.js';
import type { DomainEvent } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { loadContext, loadTenant, scopeOf } from '../engine/context.js';
import { filterReason } from '../engine/filters.js';
import { addJobs } from '../worker/jobs.js';
import { deliveryJob } from './jobs.js';
import { eventBody } from './payload.js';
import { emptyWebhookFilters, type WebhookFilters } from './subscriptions.js';

export async function fanOut(tx: EntityManager, event: DomainEvent): Promise<void> {
  const subs = await rows<{ id: string; filters: Partial<WebhookFilters> }>(tx, `
    SELECT id, filters FROM webhook_subscriptions
    WHERE tenant_id = $1 AND enabled AND event_types && ARRAY[$2, '*']::text[]`, [event.tenantId, event.type]);
  if (!subs.length) return;
  const tenant = await loadTenant(tx, event.tenantId);
  if (!tenant) return;
  const ctx = await loadContext(tx, tenant, { event });
  const scope = scopeOf(ctx);
  // The same filters as workflows: an event outside a non-empty list, or with nothing to match it (a location
  // filter and an event without a location), is not delivered.
  const wanted = subs.filter((s) => filterReason({ ...emptyWebhookFilters(), ...s.filters, statuses: [] }, scope) === null);
  if (!wanted.length) return;
  const inserted = await rows<{ id: string; subscription_id: string }>(tx, `
    INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload, status, next_attempt_at)
    SELECT $1, d.id, d.subscription_id, $2::bigint, $3, $4, 'pending', now()
    FROM jsonb_to_recordset($5::jsonb) AS d(id text, subscription_id text)
    ON CONFLICT (tenant_id, subscription_id, event_id) WHERE event_id IS NOT NULL DO NOTHING
    RETURNING id, subscription_id`,
  [event.tenantId, event.id, event.type, eventBody(event, ctx), JSON.stringify(wanted.map((s) => ({ id: newId('dlv'), subscription_id: s.id })))]);
  await addJobs(tx, inserted.map((d) => deliveryJob({ tenantId: event.tenantId, subscriptionId: d.subscription_id, deliveryId: d.id })));
}

// Bookflow disabling an endpoint by itself, and telling the tenant: a `webhook.endpoint_disabled` event, which the
// default workflow (./default-workflow.ts) turns into an email to the tenant's admin address.
import type { EntityManager } from 'typeorm';
import { one } from '../db/sql.js';
import { record } from '../domain/events.js';
import type { SubscriptionRow } from './subscriptions.js';

/** An endpoint whose every attempt failed for this long (the first failure of the streak is older) is disabled. */
export const FAILING_DISABLE_AFTER_MS = 5 * 24 * 3600_000;

export type DisableReason = 'gone' | 'failing';

/**
 * Disables the subscription and records the event, in the caller's transaction. Only the change from enabled to
 * disabled records it, so an endpoint is reported once however many deliveries fail at the same moment.
 */
export async function disableEndpoint(tx: EntityManager, tenantId: string, subscriptionId: string, why: {
  reason: DisableReason; lastStatusCode: number | null; lastError: string | null;
}): Promise<boolean> {
  const r = await one<SubscriptionRow>(tx, `
    UPDATE webhook_subscriptions SET enabled = false, disabled_reason = $3, disabled_at = now(), updated_at = now()
    WHERE tenant_id = $1 AND id = $2 AND enabled RETURNING *`, [tenantId, subscriptionId, why.reason]);
  if (!r) return false;
  const failingSince = r.failing_since?.toISOString() ?? null;
  const detail = why.reason === 'gone'
    ? 'The endpoint answered 410 Gone, which asks senders to stop.'
    : `Every delivery has failed since ${failingSince} (${FAILING_DISABLE_AFTER_MS / 86_400_000} days or more).`;
  await record(tx, { tenantId }, {
    type: 'webhook.endpoint_disabled',
    subject: { type: 'webhook', id: r.id },
    data: {
      webhook: { id: r.id, url: r.url, description: r.description, eventTypes: r.event_types },
      reason: why.reason, detail, failingSince, lastStatusCode: why.lastStatusCode, lastError: why.lastError,
    },
  });
  return true;
}

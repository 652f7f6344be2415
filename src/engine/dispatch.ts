// dispatch_event: one recorded event -> the tenant's workflows that listen to it -> one run each (ran, or skipped
// with a reason) -> the first step of every run that ran, enqueued together. All in one transaction, and runs are
// unique per (workflow, event), so a retried dispatch changes nothing.
import type { DataSource, EntityManager } from 'typeorm';
import { one, transaction } from '../db/sql.js';
import type { DomainEvent } from '../domain/events.js';
import { toApi } from '../domain/store.js';
import type { WorkflowCache } from './cache.js';
import { loadContext, scopeOf, type TenantInfo } from './context.js';
import { filterReason } from './filters.js';
import { triggerTypesFor } from './registry.js';
import { MAX_DEPTH, recordRuns, type Decision } from './runs.js';

/** Other consumers of every event (webhook subscriptions), run in the dispatch transaction. */
type EventConsumer = (tx: EntityManager, event: DomainEvent) => Promise<void>;
const consumers: EventConsumer[] = [];
export function onDispatch(consumer: EventConsumer): void {
  consumers.push(consumer);
}

interface EventWithTenant {
  event: DomainEvent;
  tenant: TenantInfo;
  workflowsVersion: string;
}

/**
 * Loads the event with its tenant and marks it dispatched, in one statement. The SELECT reads the snapshot taken
 * before the UPDATE in the CTE, so the event is seen as it was (dispatchedAt still null on a first dispatch); the
 * mark commits, or rolls back, with everything else this dispatch writes.
 */
async function loadEvent(tx: EntityManager, tenantId: string, eventId: string): Promise<EventWithTenant | null> {
  const r = await one<Record<string, unknown>>(tx, `
    WITH mark AS (
      UPDATE events SET dispatched_at = now() WHERE tenant_id = $1 AND id = $2 AND dispatched_at IS NULL
    )
    SELECT e.*, t.name AS tenant_name, t.timezone AS tenant_timezone, t.default_language AS tenant_language,
           t.admin_email AS tenant_admin_email, t.workflows_version::text AS workflows_version
    FROM events e JOIN tenants t ON t.id = e.tenant_id
    WHERE e.tenant_id = $1 AND e.id = $2`, [tenantId, eventId]);
  if (!r) return null;
  const tenant: TenantInfo = {
    id: tenantId, name: r.tenant_name as string, timezone: r.tenant_timezone as string,
    defaultLanguage: r.tenant_language as string, adminEmail: r.tenant_admin_email as string | null,
  };
  const e = toApi<Record<string, unknown>>(r);
  const event: DomainEvent = {
    id: String(e.id), tenantId, type: e.type as DomainEvent['type'], subjectType: e.subjectType as string, subjectId: e.subjectId as string,
    data: e.data as Record<string, unknown>, depth: e.depth as number, causedByRun: e.causedByRun as string | null,
    occurredAt: e.occurredAt as string, dispatchedAt: e.dispatchedAt as string | null,
  };
  return { event, tenant, workflowsVersion: r.workflows_version as string };
}

export async function dispatchEvent(ds: DataSource, cache: WorkflowCache, tenantId: string, eventId: string): Promise<void> {
  await transaction(ds, async (tx) => {
    const loaded = await loadEvent(tx, tenantId, eventId);
    if (!loaded) return; // the tenant was deleted since: nothing to do
    const { event, tenant } = loaded;
    const types = triggerTypesFor(event.type);
    if (types.length) {
      const workflows = await cache.get(tx, tenantId, loaded.workflowsVersion);
      const ctx = await loadContext(tx, tenant, { event });
      const scope = scopeOf(ctx);
      // A workflow created after the event happened does not apply to it (the event may be dispatched later).
      const occurredAt = new Date(event.occurredAt).getTime();
      const applicable = workflows.candidates(types, scope).filter(({ row }) => new Date(row.created_at).getTime() <= occurredAt);
      const decisions: Decision[] = applicable.map(({ row, trigger }) => {
        let reason: string | null = null;
        if (!trigger.matches(event, row.trigger_config)) reason = 'trigger:no_match';
        else if (event.depth >= MAX_DEPTH) reason = 'loop:depth';
        else reason = filterReason(row.filters, scope, trigger.defaultStatuses);
        return { workflow: row, decision: reason ? 'skipped' : 'ran', reason };
      });
      await recordRuns(tx, tenantId, decisions, {
        dedupeKey: `event:${event.id}`, eventId: event.id, bookingId: ctx.booking?.id ?? null, depth: event.depth,
      });
    }
    for (const consumer of consumers) await consumer(tx, event);
  });
}

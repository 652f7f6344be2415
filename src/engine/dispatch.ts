// dispatch_event: one recorded event -> the tenant's workflows that listen to it -> one run each (ran, or skipped
// with a reason) -> the first step of every run that ran, enqueued together; then the webhook subscribers'
// deliveries. No transaction spans these: each write is one statement, complete in itself (runs with their steps
// and jobs; deliveries with theirs), and unique per (workflow or subscription, event), so a dispatch retried after
// a crash anywhere in between adds what is missing and nothing twice. The event's `dispatched_at` is set by the
// last write, so it means "everything this event causes is recorded".
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, retryConflicts } from '../db/sql.js';
import { markDispatched, type DomainEvent } from '../domain/events.js';
import { toApi } from '../domain/store.js';
import type { WorkflowCache } from './cache.js';
import { loadContext, scopeOf, type TenantInfo } from './context.js';
import type { RunContext } from './contracts.js';
import { filterReason } from './filters.js';
import { triggerTypesFor } from './registry.js';
import { MAX_DEPTH, recordRuns, type Decision } from './runs.js';

/** What dispatch already knows about an event, for its other consumers. */
export interface Dispatched {
  /** The run context of the event, loaded once for dispatch and the consumer. */
  context(): Promise<RunContext>;
}

/**
 * The webhook subscriptions' consumer. Dispatch calls it, after the runs are recorded, for events an enabled
 * subscription of the tenant takes (checked with the event read); its last write MUST mark the event dispatched
 * (`dispatched_at`). For other events dispatch marks it.
 */
type EventConsumer = (db: Queryable, event: DomainEvent, dispatched: Dispatched) => Promise<void>;
let consumer: EventConsumer | null = null;
export function onDispatch(c: EventConsumer): void {
  if (consumer && consumer !== c) throw new Error('dispatch takes one consumer (the webhook fan-out), which marks events dispatched');
  consumer = c;
}

interface EventWithTenant {
  event: DomainEvent;
  tenant: TenantInfo;
  workflowsVersion: string;
  hasSubscribers: boolean;
}

/** Loads the event with its tenant, the tenant's workflows version and whether a subscription wants the event. */
async function loadEvent(db: Queryable, tenantId: string, eventId: string): Promise<EventWithTenant | null> {
  const r = await one<Record<string, unknown>>(db, `
    SELECT e.*, t.name AS tenant_name, t.timezone AS tenant_timezone, t.default_language AS tenant_language,
           t.admin_email AS tenant_admin_email, t.workflows_version::text AS workflows_version,
           EXISTS (SELECT 1 FROM webhook_subscriptions s
                   WHERE s.tenant_id = e.tenant_id AND s.enabled AND s.event_types && ARRAY[e.type, '*']) AS has_subscribers
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
  return { event, tenant, workflowsVersion: r.workflows_version as string, hasSubscribers: r.has_subscribers === true };
}

export async function dispatchEvent(ds: DataSource, cache: WorkflowCache, tenantId: string, eventId: string): Promise<void> {
  const loaded = await loadEvent(ds, tenantId, eventId);
  if (!loaded) return; // the tenant was deleted since: nothing to do
  const { event, tenant } = loaded;
  let ctx: Promise<RunContext> | undefined;
  const context = () => (ctx ??= loadContext(ds, tenant, { event }));
  const subscribers = loaded.hasSubscribers && consumer !== null;
  let marked = false;
  const types = triggerTypesFor(event.type);
  if (types.length) {
    const workflows = await cache.get(ds, tenantId, loaded.workflowsVersion);
    const scope = scopeOf(await context());
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
    if (decisions.length) {
      const booking = (await context()).booking;
      await retryConflicts(() => recordRuns(ds, tenantId, decisions, {
        dedupeKey: `event:${event.id}`, eventId: event.id, bookingId: booking?.id ?? null, depth: event.depth,
        markEventDispatched: !subscribers,
      }));
      marked = !subscribers;
    }
  }
  if (subscribers) await consumer!(ds, event, { context });
  else if (!marked) await markDispatched(ds, tenantId, event.id);
}

// dispatch_event: one recorded event -> the tenant's workflows that listen to it -> one run each (ran, or skipped
// with a reason) -> the first step of every run that ran, enqueued together; then the webhook subscribers'
// deliveries. No transaction spans these: each write is one statement, complete in itself (runs with their steps
// and jobs; deliveries with theirs), and unique per (workflow or subscription, event), so a dispatch retried after
// a crash anywhere in between adds what is missing and nothing twice. The event's `dispatched_at` is set by the
// last write, so it means "everything this event causes is recorded". Dispatches running at the same time (see
// dispatch-batch.ts) share their reads and their runs' write: one statement each for all of them.
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { coalesce, perDataSource } from '../db/coalesce.js';
import { rows } from '../db/sql.js';
import { toEvent, type DomainEvent, type EventRow } from '../domain/events.js';
import type { WorkflowCache } from './cache.js';
import { loadContext, loadScope, scopeOf, toTenantInfo, type Scope, type TenantInfo, type TenantRow } from './context.js';
import type { RunContext } from './contracts.js';
import { filterReason } from './filters.js';
import { triggerTypesFor } from './registry.js';
import { coalescedRunSets, MAX_DEPTH, type Decision } from './runs.js';

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

interface EventKey { tenantId: string; eventId: string }

/**
 * Loads events with their tenant, the tenant's workflows version and whether a subscription wants the event; the
 * events that dispatches running at the same time load go in one statement.
 */
const loadEvents = perDataSource((ds) => coalesce<EventKey, EventWithTenant | null>(async (keys) => {
  const found = await rows<EventRow & Omit<TenantRow, 'id'> & { ord: string; workflows_version: string; has_subscribers: boolean }>(ds, `
    SELECT k.ord, e.*, t.name, t.timezone, t.default_language, t.admin_email, t.workflows_version::text AS workflows_version,
           EXISTS (SELECT 1 FROM webhook_subscriptions s
                   WHERE s.tenant_id = e.tenant_id AND s.enabled AND s.event_types && ARRAY[e.type, '*']) AS has_subscribers
    FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS k(tenant_id, id, ord)
    JOIN events e ON e.tenant_id = k.tenant_id AND e.id = k.id
    JOIN tenants t ON t.id = e.tenant_id`, [keys.map((k) => k.tenantId), keys.map((k) => k.eventId)]);
  const out: (EventWithTenant | null)[] = keys.map(() => null);
  for (const r of found) {
    out[Number(r.ord) - 1] = {
      event: toEvent(r), tenant: toTenantInfo({ ...r, id: r.tenant_id }),
      workflowsVersion: r.workflows_version, hasSubscribers: r.has_subscribers,
    };
  }
  return out;
}));

export async function dispatchEvent(ds: DataSource, cache: WorkflowCache, tenantId: string, eventId: string): Promise<void> {
  const loaded = await loadEvents(ds)({ tenantId, eventId });
  if (!loaded) return; // the tenant was deleted since: nothing to do
  const { event, tenant } = loaded;
  let ctx: Promise<RunContext> | undefined;
  const context = () => (ctx ??= loadContext(ds, tenant, { event }));
  const subscribers = loaded.hasSubscribers && consumer !== null;
  // The workflows need only the scope; the subscribers' deliveries carry the whole context, loaded once for both.
  let scoped: Promise<{ scope: Scope; bookingId: string | null }> | undefined;
  const scope = () => (scoped ??= subscribers
    ? context().then((c) => ({ scope: scopeOf(c), bookingId: c.booking?.id ?? null }))
    : loadScope(ds, tenant, { event }));
  const types = triggerTypesFor(event.type);
  let decisions: Decision[] = [];
  if (types.length) {
    const workflows = await cache.get(ds, tenantId, loaded.workflowsVersion);
    const { scope: s } = await scope();
    // A workflow created after the event happened does not apply to it (the event may be dispatched later).
    const occurredAt = new Date(event.occurredAt).getTime();
    const applicable = workflows.candidates(types, s).filter(({ row }) => new Date(row.created_at).getTime() <= occurredAt);
    decisions = applicable.map(({ row, trigger }) => {
      let reason: string | null = null;
      if (!trigger.matches(event, row.trigger_config)) reason = 'trigger:no_match';
      else if (event.depth >= MAX_DEPTH) reason = 'loop:depth';
      else reason = filterReason(row.filters, s, trigger.defaultStatuses);
      return { workflow: row, decision: reason ? 'skipped' : 'ran', reason };
    });
  }
  // The runs, and without a subscriber the dispatch mark, with those of the dispatches running beside this one.
  if (decisions.length || !subscribers) {
    const bookingId = decisions.length ? (await scope()).bookingId : null;
    await coalescedRunSets(ds)({
      tenantId, decisions,
      meta: { dedupeKey: `event:${event.id}`, eventId: event.id, bookingId, depth: event.depth, markEventDispatched: !subscribers },
    });
  }
  if (subscribers) await consumer!(ds, event, { context });
}

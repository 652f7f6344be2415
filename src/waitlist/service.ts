// The waitlist wired into the engine: the fill used by the waitlist.fill action (and its rolled-back preview), the
// expiry job, the reconciler that catches any free seat while matching entries wait, and score recomputation
// when a member's tier changes.
import type { TaskList } from 'graphile-worker';
import type { DataSource, EntityManager } from 'typeorm';
import { one, retryConflicts, rows, transaction } from '../db/sql.js';
import { onCustomerUpdated } from '../domain/customers.js';
import type { Origin } from '../domain/events.js';
import type { DomainEvent } from '../domain/events.js';
import { cacheFor } from '../engine/engine-cache.js';
import type { Scope } from '../engine/context.js';
import { filterReason } from '../engine/filters.js';
import { PayloadError } from '../worker/payload.js';
import type { EntryRow } from './entries.js';
import { EXPIRE_TASK, fillFreedSlot, passedOver, type Decision, type FreedSlot } from './fill.js';
import { expireOffer } from './offers.js';
import { priorityRules } from './rules.js';
import { getWaitlistSettings } from './settings.js';

export const RECONCILE_TASK = 'waitlist_reconcile';
/** graphile-worker crontab line: the reconciler runs every minute (one process runs each tick). */
export const WAITLIST_CRONTAB = `* * * * * ${RECONCILE_TASK}`;

const summary = (d: Decision | null) => ({
  decisionId: d?.id ?? null,
  offered: d?.outcome.offered ?? 0,
  assigned: d?.outcome.assigned ?? 0,
  allocations: (d?.candidates ?? []).filter((c) => c.result !== 'skipped')
    .map((c) => ({ entryId: c.entryId, memberId: c.memberId, seats: c.seats, result: c.result, offerExpiresAt: c.offerExpiresAt ?? null, bookingId: c.bookingId ?? null })),
  skipped: (d?.candidates ?? []).filter((c) => c.result === 'skipped').map(passedOver),
  note: d ? d.outcome.note : 'nobody waits for this interval, or the waitlist is off',
});

export async function fillFromWaitlist(ds: DataSource, origin: Origin, slot: FreedSlot): Promise<Record<string, unknown>> {
  return summary(await transaction(ds, (tx) => fillFreedSlot(tx, origin, slot, { trigger: 'slot.freed', record: 'always' })));
}

const ROLLBACK = Symbol('rollback');

/** Runs `fn` in a transaction that is always rolled back: what would happen, with nothing changed. */
export async function rolledBack<T>(ds: DataSource, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  let result: T;
  try {
    await retryConflicts(() => ds.transaction(async (tx) => {
      result = await fn(tx);
      throw ROLLBACK;
    }));
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return result!;
}

export async function previewFill(ds: DataSource, origin: Origin, slot: FreedSlot): Promise<Record<string, unknown>> {
  if (!(await one(ds, 'SELECT 1 FROM resources WHERE tenant_id = $1 AND id = $2', [origin.tenantId, slot.resourceId]))) {
    return { ...summary(null), note: 'sample data: test against one of your bookings to see who on the waiting list would get the seat' };
  }
  return summary(await rolledBack(ds, (tx) => fillFreedSlot(tx, origin, slot, { trigger: 'preview', record: 'always' })));
}

/**
 * Would a slot.freed event with this reason and scope reach an enabled workflow with a waitlist.fill step? The
 * waitlist only fills seats through workflows, so a disabled or filtered-out "Fill a freed slot" means no offer.
 */
export async function fillWorkflowApplies(tx: EntityManager, tenantId: string, scope: Scope, data: Record<string, unknown>): Promise<boolean> {
  const workflows = await cacheFor(tx.dataSource).current(tx, tenantId);
  const event = { id: '0', tenantId, type: 'slot.freed', subjectType: 'resource', subjectId: scope.resourceId ?? '', data, depth: 0, causedByRun: null, occurredAt: '', dispatchedAt: null } as DomainEvent;
  return workflows.candidates(['slot.freed'], scope).some(({ row, trigger }) =>
    row.actions.some((a) => a.type === 'waitlist.fill') && trigger.matches(event, row.trigger_config) && !filterReason(row.filters, scope));
}

/** The reconciler: for every resource where entries wait, fill whatever is free (recorded only when it allocates). */
async function reconcile(ds: DataSource): Promise<void> {
  const targets = await rows<{ tenant_id: string; resource_id: string; location_id: string }>(ds, `
    SELECT DISTINCT e.tenant_id, e.resource_id, e.location_id FROM waitlist_entries e JOIN tenants t ON t.id = e.tenant_id
    WHERE e.status = 'ACTIVE' AND e.desired_start > now() AND coalesce((t.waitlist_settings->>'enabled')::boolean, true)`);
  for (const t of targets) {
    await transaction(ds, async (tx) => {
      const tenant = await one<{ default_language: string }>(tx, 'SELECT default_language FROM tenants WHERE id = $1', [t.tenant_id]);
      const scope: Scope = { resourceId: t.resource_id, locationId: t.location_id, serviceId: null, status: null, language: tenant?.default_language ?? 'en' };
      if (!(await fillWorkflowApplies(tx, t.tenant_id, scope, { reason: 'reconcile' }))) return;
      // The "same seat" for the no-second-offer rule: the latest freeing of this resource that was not an offer ending.
      const last = await one<{ id: string }>(tx, `
        SELECT id::text FROM events WHERE tenant_id = $1 AND subject_type = 'resource' AND subject_id = $2 AND type = 'slot.freed'
          AND data->>'reason' NOT LIKE 'offer\\_%' ORDER BY id DESC LIMIT 1`, [t.tenant_id, t.resource_id]);
      await fillFreedSlot(tx, { tenantId: t.tenant_id }, {
        resourceId: t.resource_id, startTime: new Date().toISOString(), endTime: null, seats: 0, reason: 'reconcile',
        occurrence: last ? `event:${last.id}` : `reconcile:${t.resource_id}`,
      }, { trigger: 'reconcile', record: 'when_allocated' });
    });
  }
}

export function waitlistTasks(ds: DataSource): TaskList {
  return {
    [EXPIRE_TASK]: async (payload) => {
      const p = payload as { tenantId?: unknown; entryId?: unknown; expiresAt?: unknown };
      if (typeof p?.tenantId !== 'string' || typeof p.entryId !== 'string' || typeof p.expiresAt !== 'string') throw new PayloadError(EXPIRE_TASK, payload);
      await expireOffer(ds, { tenantId: p.tenantId }, p.entryId, { ifDueAt: p.expiresAt });
    },
    [RECONCILE_TASK]: () => reconcile(ds),
  };
}

// A member's tier is part of their score: recompute the scores of their waiting entries when it changes.
onCustomerUpdated(async (tx, origin, before, after) => {
  if (before.tier === after.tier) return;
  const settings = await getWaitlistSettings(tx, origin.tenantId);
  const entries = await rows<EntryRow>(tx, "SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND customer_id = $2 AND status IN ('ACTIVE', 'OFFERED')", [origin.tenantId, after.id]);
  for (const e of entries) {
    const { score, components } = priorityRules().score({ joinedAt: e.created_at, desiredStart: e.desired_start, tier: after.tier }, settings);
    await rows(tx, 'UPDATE waitlist_entries SET priority_score = $3, score_components = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2',
      [origin.tenantId, e.id, score, JSON.stringify(components)]);
  }
});

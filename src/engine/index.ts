// The workflow engine, wired: hooks into domain changes (in their transactions) and the worker's tasks.
import type { TaskList } from 'graphile-worker';
import type { DataSource } from 'typeorm';
import { setBookingStatus } from '../domain/bookings.js';
import { addOptOut } from '../domain/customers.js';
import { onBookingChange } from '../domain/bookings.js';
import type { HttpSender, Mailer, SmsSender } from '../delivery/types.js';
import type { ActionDeps } from './contracts.js';
import { dispatchWithDue } from './dispatch-batch.js';
import { cacheFor } from './engine-cache.js';
import { runSteps } from './run-step.js';
import { timedTriggerTypes } from './registry.js';
import { TASKS } from './runs.js';
import { fireTimed, reconcileBooking, reconcileCustomerBookings, reconcileWorkflow, scheduleTenantReconcile, scheduleWorkflowReconcile } from './schedule.js';
import { onBookingScopeChange } from '../domain/scope-hooks.js';
import { onCustomerUpdated } from '../domain/customers.js';
import { onWorkflowChange } from './workflows.js';
import { PayloadError } from '../worker/payload.js';
import './defaults.js';
import { fillFromWaitlist } from '../waitlist/index.js';

// Reminders follow the booking: reconciled in the same transaction as every booking change, and after every
// workflow change. Registered once, at load.
// A new booking has nothing to reconcile while the tenant has no enabled time-offset workflow: known from the cached
// workflows, at their version (booking creation checks the version is still that one).
onBookingChange((tx, origin, change) => reconcileBooking(tx, origin.tenantId, change.before, change.after), {
  idleAt: (ds, tenantId) => cacheFor(ds).noneOfTypesAt(tenantId, timedTriggerTypes),
});
onWorkflowChange((tx, tenantId, workflowId) => scheduleWorkflowReconcile(tx, tenantId, workflowId));
onCustomerUpdated(async (tx, origin, before, after) => {
  if (before.language !== after.language) await reconcileCustomerBookings(tx, origin.tenantId, after.id);
});
onBookingScopeChange(scheduleTenantReconcile);

export interface Transports {
  mailer: Mailer;
  sms: SmsSender;
  http: HttpSender;
}

export interface EngineOptions {
  ds: DataSource;
  transports: Transports;
  publicUrl: string;
  /** How late a time-offset job may fire before it records late:worker_down instead of sending. */
  lateGraceMs: number;
}

export function actionDeps(o: EngineOptions): ActionDeps {
  return {
    ...o.transports,
    setBookingStatus: (origin, id, change) => setBookingStatus(o.ds, origin, id, change),
    fillFromWaitlist: (origin, slot) => fillFromWaitlist(o.ds, origin, slot as never),
    optOut: (origin, customerId, channel) => addOptOut(o.ds, origin.tenantId, customerId, channel),
    publicUrl: o.publicUrl,
    dryRun: false,
  };
}

export function engineTasks(o: EngineOptions): TaskList {
  const deps = actionDeps(o);
  const cache = cacheFor(o.ds);
  return {
    [TASKS.dispatchEvent]: async (payload) => {
      const p = payload as { tenantId?: unknown; eventId?: unknown };
      if (typeof p?.tenantId !== 'string' || typeof p?.eventId !== 'string') throw new PayloadError(TASKS.dispatchEvent, payload);
      await dispatchWithDue(o.ds, cache, { tenantId: p.tenantId, eventId: p.eventId });
    },
    [TASKS.runStep]: (payload, helpers) => runSteps(o.ds, deps, payload, helpers),
    [TASKS.runWebhookStep]: (payload, helpers) => runSteps(o.ds, deps, payload, helpers),
    [TASKS.timedTrigger]: (payload) => fireTimed(o.ds, payload, { graceMs: o.lateGraceMs }),
    [TASKS.reconcileWorkflow]: (payload) => reconcileWorkflow(o.ds, payload),
  };
}

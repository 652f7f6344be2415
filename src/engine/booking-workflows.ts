// Which of the tenant's workflows apply to a booking as it is now, and why not: "why did or didn't this customer get
// a message?" asked before anything happened, and answered also for what the run history never shows (a workflow
// whose location, service or resource filter excludes the booking records no run; a disabled one records nothing).
// For time-offset workflows: the moment for this booking and whether its reminder job is waiting.
//
// The same rules as dispatch and the reminder planner (filterReason with the trigger's default statuses, the booking
// scope of schedule.ts), read from the workflows table: disabled workflows included, nothing cached.
import type { DataSource } from 'typeorm';
import { rows } from '../db/sql.js';
import { getBooking } from '../domain/bookings.js';
import { filterReason } from './filters.js';
import { triggers } from './registry.js';
import { bookingScope, timedJobKey } from './schedule.js';
import { emptyFilters } from './workflow-schema.js';
import type { WorkflowRow } from './workflows.js';

export interface BookingWorkflow {
  workflowId: string;
  name: string;
  triggerType: string;
  /** The trigger in words ("24 hours before start"). */
  trigger: string;
  enabled: boolean;
  builtin: boolean;
  /** Whether the workflow applies to the booking as it is now (its filters match and it is enabled). */
  applies: boolean;
  /** Why not: `disabled`, or the filter's reason code (`filter:location`, `filter:status`, ...). */
  reason: string | null;
  /** Time-offset triggers: when it runs for this booking (null for event triggers). */
  moment: string | null;
  /** Time-offset triggers: when its job is due, if one is waiting (null: none; event triggers: null). */
  scheduledFor: string | null;
}

/** Triggers about a booking: its events, and the moments before its start and after its end. */
const bookingTriggerTypes = [...triggers.values()]
  .filter(({ module: t }) => t.schedule !== undefined || t.listensTo.some((e) => e.startsWith('booking.')))
  .map(({ module: t }) => t.type);

/** At most this many workflows are answered (those that apply first); `truncated` says when there were more. */
export const BOOKING_WORKFLOWS_LIMIT = 500;

export async function bookingWorkflows(ds: DataSource, tenantId: string, bookingId: string): Promise<{ items: BookingWorkflow[]; truncated: boolean }> {
  const booking = await getBooking(ds, tenantId, bookingId);
  const scope = await bookingScope(ds, tenantId, booking);
  const workflows = await rows<WorkflowRow>(ds, `
    SELECT * FROM workflows WHERE tenant_id = $1 AND trigger_type = ANY($2) ORDER BY enabled DESC, name, id LIMIT $3`,
  [tenantId, bookingTriggerTypes, BOOKING_WORKFLOWS_LIMIT + 1]);
  const truncated = workflows.length > BOOKING_WORKFLOWS_LIMIT;
  const shown = workflows.slice(0, BOOKING_WORKFLOWS_LIMIT);
  const timed = shown.filter((w) => triggers.get(w.trigger_type)?.module.schedule);
  const jobs = new Map((await rows<{ key: string; run_at: Date }>(ds, 'SELECT key, run_at FROM graphile_worker.jobs WHERE key = ANY($1)',
    [timed.map((w) => timedJobKey(tenantId, w.id, booking.id))])).map((j) => [j.key, j.run_at]));

  const items = shown.map((w): BookingWorkflow => {
    const trigger = triggers.get(w.trigger_type)!.module;
    const reason = !w.enabled ? 'disabled' : filterReason({ ...emptyFilters(), ...w.filters }, scope, trigger.defaultStatuses);
    const moment = trigger.schedule?.(booking, w.trigger_config as never, scope.timeZone) ?? null;
    const due = trigger.schedule ? jobs.get(timedJobKey(tenantId, w.id, booking.id)) : undefined;
    return {
      workflowId: w.id, name: w.name, triggerType: w.trigger_type, trigger: trigger.describe(w.trigger_config as never),
      enabled: w.enabled, builtin: w.builtin_key !== null, applies: reason === null, reason,
      moment: moment ? moment.toISOString() : null, scheduledFor: due ? new Date(due).toISOString() : null,
    };
  });
  items.sort((a, b) => Number(b.applies) - Number(a.applies));
  return { items, truncated };
}

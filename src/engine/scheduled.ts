// What will be sent: the reminders (time-offset workflows) waiting for their moment, read from their jobs, with the
// workflow, the booking and its customer. "Which reminders go out tomorrow?" without waiting for tomorrow.
//
// The jobs are read from graphile-worker's own table, as src/webhooks/claim.ts does: the public `jobs` view has no
// payload, where the tenant, workflow and booking are. test/engine/scheduled.test.ts fails if an upgrade changes it.
import type { DataSource } from 'typeorm';
import { rows } from '../db/sql.js';
import { TASKS } from './runs.js';

export interface ScheduledReminder {
  runAt: string;
  /** The moment the workflow is for (start - 24 h, say); `runAt` differs for a late "send now". */
  moment: string;
  workflowId: string;
  workflowName: string;
  bookingId: string;
  startTime: string;
  resourceId: string;
  customerId: string;
  customerName: string | null;
}

export const SCHEDULED_LIMIT_MAX = 500;

export async function listScheduled(ds: DataSource, tenantId: string, f: { from: Date; to: Date; limit: number }): Promise<{ items: ScheduledReminder[]; truncated: boolean }> {
  const found = await rows<{
    run_at: Date; moment: string; workflow_id: string; workflow_name: string; booking_id: string; start_time: Date;
    resource_id: string; customer_id: string; customer_name: string | null;
  }>(ds, `
    SELECT j.run_at, j.payload->>'moment' AS moment, w.id AS workflow_id, w.name AS workflow_name, b.id AS booking_id,
           b.start_time, b.resource_id, b.customer_id, c.name AS customer_name
    FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id AND t.identifier = $2
    JOIN workflows w ON w.tenant_id = $1 AND w.id = j.payload->>'workflowId'
    JOIN bookings b ON b.tenant_id = $1 AND b.id = j.payload->>'bookingId'
    LEFT JOIN customers c ON c.tenant_id = $1 AND c.id = b.customer_id
    WHERE j.payload->>'tenantId' = $1 AND j.run_at >= $3 AND j.run_at < $4
    ORDER BY j.run_at, j.id
    LIMIT $5`, [tenantId, TASKS.timedTrigger, f.from, f.to, f.limit + 1]);
  return {
    truncated: found.length > f.limit,
    items: found.slice(0, f.limit).map((r) => ({
      runAt: new Date(r.run_at).toISOString(), moment: r.moment, workflowId: r.workflow_id, workflowName: r.workflow_name,
      bookingId: r.booking_id, startTime: new Date(r.start_time).toISOString(), resourceId: r.resource_id,
      customerId: r.customer_id, customerName: r.customer_name,
    })),
  };
}

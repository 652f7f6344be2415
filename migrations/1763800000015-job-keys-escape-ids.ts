import type { MigrationInterface, QueryRunner } from 'typeorm';

// Job keys were `<kind>:<tenant>:<id>...` with the ids as they are, and ids may contain `:`: tenant `a:b` with
// workflow `c` and tenant `a` with workflow `b:c` shared the key of a booking's reminder, so one tenant's booking
// change replaced or removed the other's reminder job. Keys now write each part's `:` as `%3A` (jobKey in
// src/worker/jobs.ts; ids cannot contain `%`). This re-keys the pending jobs whose ids contain `:` (a job's payload
// holds its ids), and since a colliding key may already have lost a reminder, reconciles every enabled time-offset
// workflow such a key could have involved: of a tenant whose id, or one of whose workflow or booking ids, has a `:`.
export class JobKeysEscapeIds1763800000015 implements MigrationInterface {
  name = 'JobKeysEscapeIds1763800000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      WITH keyed AS (
        SELECT j.id, CASE t.identifier
          WHEN 'timed_trigger' THEN 'timed:' || ${part('tenantId')} || ':' || ${part('workflowId')} || ':' || ${part('bookingId')}
          WHEN 'reconcile_workflow' THEN 'reconcile:' || ${part('tenantId')} || ':' || ${part('workflowId')}
          WHEN 'waitlist_expire' THEN 'wl-expire:' || ${part('tenantId')} || ':' || ${part('entryId')}
          WHEN 'webhook_deliver' THEN 'webhook:' || ${part('tenantId')} || ':' || ${part('deliveryId')}
        END AS key
        FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE j.key IS NOT NULL AND t.identifier IN ('timed_trigger', 'reconcile_workflow', 'waitlist_expire', 'webhook_deliver')
      )
      UPDATE graphile_worker._private_jobs j SET key = keyed.key
      FROM keyed WHERE j.id = keyed.id AND keyed.key IS NOT NULL AND j.key <> keyed.key`);
    await q.query(`
      SELECT graphile_worker.add_job('reconcile_workflow', json_build_object('tenantId', w.tenant_id, 'workflowId', w.id),
        job_key => 'reconcile:' || replace(w.tenant_id, ':', '%3A') || ':' || replace(w.id, ':', '%3A'), max_attempts => 10)
      FROM workflows w
      WHERE w.enabled AND w.trigger_type IN ('booking.before_start', 'booking.after_end')
        AND (strpos(w.tenant_id, ':') > 0
          OR EXISTS (SELECT 1 FROM workflows o WHERE o.tenant_id = w.tenant_id AND strpos(o.id, ':') > 0)
          OR EXISTS (SELECT 1 FROM bookings b WHERE b.tenant_id = w.tenant_id AND strpos(b.id, ':') > 0))`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the old code finds keys without `:` in their ids as before, and would only collide again.
  }
}

const part = (name: string): string => `replace(j.payload->>'${name}', ':', '%3A')`;

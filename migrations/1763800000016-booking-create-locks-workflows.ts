import type { MigrationInterface, QueryRunner } from 'typeorm';

// bookflow_create_booking (migration 14) takes the shared lock on the tenant's workflows before the resource's, as
// every other booking change does (src/domain/workflows-lock.ts): a booking made while a reminder workflow is being
// saved then waits for the save, and is reminded. The lock was first added by editing migration 14 after it had been
// released, so databases migrated before that kept the function without it (found testing the upgrade from the
// release): this replaces it, the same for every database. Migration 14 is back as it was released.
export class BookingCreateLocksWorkflows1763800000016 implements MigrationInterface {
  name = 'BookingCreateLocksWorkflows1763800000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION bookflow_create_booking(
        p_tenant text, p_id text, p_customer text, p_resource text, p_service text, p_start timestamptz,
        p_end timestamptz, p_seats integer, p_status text, p_language text, p_notes text, p_depth integer,
        p_caused_by_run text, p_idle_version text)
      RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        v_capacity integer;
        v_result jsonb;
      BEGIN
        -- The shared lock on the tenant's workflows (src/domain/workflows-lock.ts), then the resource's.
        SELECT capacity INTO v_capacity
        FROM pg_advisory_xact_lock_shared(1114335852, hashtext(p_tenant)) AS workflows_lock, resources
        WHERE tenant_id = p_tenant AND id = p_resource FOR UPDATE OF resources;
        IF NOT FOUND THEN
          RETURN jsonb_build_object('resourceMissing', true);
        END IF;
        WITH v AS (
          SELECT v_capacity - bookflow_peak_used(p_tenant, p_resource, p_start, p_end) AS free,
                 coalesce((SELECT workflows_version::text FROM tenants WHERE id = p_tenant), '0') AS version
        ), ins AS (
          INSERT INTO bookings (tenant_id, id, customer_id, resource_id, service_id, start_time, end_time, seats, status, language, notes)
          SELECT p_tenant, p_id, p_customer, p_resource, p_service, p_start, p_end, p_seats, p_status, p_language, p_notes
          FROM v WHERE v.free >= p_seats AND (p_idle_version IS NULL OR v.version = p_idle_version)
          RETURNING *
        ), e AS (
          INSERT INTO events (tenant_id, type, subject_type, subject_id, data, depth, caused_by_run)
          SELECT p_tenant, 'booking.created', 'booking', ins.id, jsonb_build_object('booking', jsonb_build_object(
            'id', ins.id, 'customerId', ins.customer_id, 'resourceId', ins.resource_id, 'serviceId', ins.service_id,
            'startTime', to_char(ins.start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'endTime', to_char(ins.end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'seats', ins.seats, 'status', ins.status, 'language', ins.language, 'notes', ins.notes,
            'createdAt', to_char(ins.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'updatedAt', to_char(ins.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
            p_depth, p_caused_by_run
          FROM ins
          RETURNING id, data
        )
        SELECT jsonb_build_object('booking', e.data -> 'booking', 'free', v.free, 'workflowsVersion', v.version, 'job',
                 CASE WHEN e.id IS NOT NULL THEN (graphile_worker.add_job('dispatch_event',
                   json_build_object('tenantId', p_tenant, 'eventId', e.id::text), max_attempts => 25)).id END)
        INTO v_result
        FROM v LEFT JOIN e ON true;
        RETURN v_result;
      END $$`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the function without the lock is the race this closes.
  }
}

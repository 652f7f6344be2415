import type { MigrationInterface, QueryRunner } from 'typeorm';

// Booking creation as one statement from the application: the resource lock, the capacity check, the insert, the
// `booking.created` event and its dispatch job, in a function. A new booking used to cost four round trips (BEGIN, the
// lock, the insert, COMMIT); on the API's path each one is a send and a receive on both sides, and one added round
// trip took a fifth off the bookings per second. Called on its own it is one round trip and its own transaction.
//
// Why a function and not one statement: the capacity check must see every booking committed before the lock was
// granted, and a statement sees what was committed when it started, before it waited for the lock. A VOLATILE
// function takes a fresh snapshot for each statement it runs, so the check after the lock sees them, as the check in
// a statement of its own after the lock did (src/domain/capacity.ts).
//
// The peak usage moves into a function too (`bookflow_peak_used`), so that the capacity rule has one definition for
// this function and for every other check (moves, resizes, waitlist offers).
//
// Migrations never change once landed: a change to either function, or a new bookings column the event should carry,
// is a new migration that replaces it.
export class BookingRoutines1763800000014 implements MigrationInterface {
  name = 'BookingRoutines1763800000014';

  async up(q: QueryRunner): Promise<void> {
    // The most seats in use at any instant of [p_start, p_end) on a resource, leaving out one booking (the one being
    // moved or resized) and one waitlist offer (the one being accepted). Usage only changes where an item starts, so
    // the peak is at p_start or at one of those points. Summing every overlapping item would be wrong when capacity
    // > 1: two bookings may overlap the interval without overlapping each other.
    await q.query(`
      CREATE FUNCTION bookflow_peak_used(p_tenant text, p_resource text, p_start timestamptz, p_end timestamptz,
                                         p_exclude_booking text DEFAULT NULL, p_exclude_entry text DEFAULT NULL)
      RETURNS integer LANGUAGE plpgsql STABLE AS $$
      BEGIN
        RETURN (
          WITH items AS (
            SELECT greatest(start_time, p_start) AS s, least(end_time, p_end) AS e, seats
            FROM bookings
            WHERE tenant_id = p_tenant AND resource_id = p_resource AND status IN ('pending', 'confirmed')
              AND start_time < p_end AND end_time > p_start AND id IS DISTINCT FROM p_exclude_booking
            UNION ALL
            -- seats held by open waitlist offers (an offer past its expiry holds nothing, even before the expiry job ran)
            SELECT greatest(desired_start, p_start), least(desired_end, p_end), seats
            FROM waitlist_entries
            WHERE tenant_id = p_tenant AND resource_id = p_resource AND status = 'OFFERED' AND offer_expires_at > now()
              AND desired_start < p_end AND desired_end > p_start AND id IS DISTINCT FROM p_exclude_entry
          ), points AS (
            SELECT s AS p FROM items UNION SELECT p_start
          )
          SELECT coalesce(max((SELECT coalesce(sum(seats), 0) FROM items WHERE s <= p AND e > p)), 0)::int FROM points
        );
      END $$`);

    // Answers { booking, free, workflowsVersion } where `booking` is the new booking in the API's shape (null when it
    // did not fit, or when p_idle_version is given and the tenant's workflows_version is no longer it: the caller
    // then makes the booking in a transaction that runs the booking hooks), or { resourceMissing: true }.
    // The dispatch job is the one src/domain/events.ts enqueues for every event (DISPATCH_JOB_SQL).
    await q.query(`
      CREATE FUNCTION bookflow_create_booking(
        p_tenant text, p_id text, p_customer text, p_resource text, p_service text, p_start timestamptz,
        p_end timestamptz, p_seats integer, p_status text, p_language text, p_notes text, p_depth integer,
        p_caused_by_run text, p_idle_version text)
      RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        v_capacity integer;
        v_result jsonb;
      BEGIN
        SELECT capacity INTO v_capacity FROM resources WHERE tenant_id = p_tenant AND id = p_resource FOR UPDATE;
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

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION bookflow_create_booking(text, text, text, text, text, timestamptz, timestamptz, integer, text, text, text, integer, text, text)');
    await q.query('DROP FUNCTION bookflow_peak_used(text, text, timestamptz, timestamptz, text, text)');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

// A reminder run's dedupe key names the booking time its moment counted from (`timed:<booking>:<moment>@<anchor>`:
// the start for before_start, the end for after_end), so an edited offset does not remind a booking again for a time
// it was already reminded for. Runs recorded before the anchor was added have `timed:<booking>:<moment>` and were
// not found by that check: editing a workflow's offset after an upgrade re-sent their reminders (found testing the
// upgrade from the release). This gives them their anchor: the booking's time as it was when the run was recorded,
// which is the `from` of the first later booking.changed event that changed it, or else its time now.
export class TimedRunsAnchor1763800000017 implements MigrationInterface {
  name = 'TimedRunsAnchor1763800000017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      WITH legacy AS (
        SELECT r.tenant_id, r.id, r.workflow_id, r.dedupe_key,
          coalesce(
            (SELECT (e.data->'changes'->f.field->>'from')::timestamptz FROM events e
             WHERE e.tenant_id = r.tenant_id AND e.subject_type = 'booking' AND e.subject_id = r.booking_id
               AND e.type = 'booking.changed' AND e.occurred_at > r.created_at AND e.data->'changes' ? f.field
             ORDER BY e.id LIMIT 1),
            CASE f.field WHEN 'startTime' THEN b.start_time ELSE b.end_time END) AS anchor
        FROM runs r
        -- the booking the run was for: ids are the client's, and a deleted booking's id can be booked again later
        JOIN bookings b ON b.tenant_id = r.tenant_id AND b.id = r.booking_id AND b.created_at <= r.created_at
        CROSS JOIN LATERAL (SELECT CASE r.trigger_type WHEN 'booking.before_start' THEN 'startTime'
                                                       WHEN 'booking.after_end' THEN 'endTime' END AS field) f
        WHERE r.dedupe_key LIKE 'timed:%' AND strpos(r.dedupe_key, '@') = 0 AND f.field IS NOT NULL
      ), keyed AS (
        SELECT l.*, l.dedupe_key || '@' || to_char(l.anchor AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS new_key FROM legacy l
      )
      UPDATE runs r SET dedupe_key = k.new_key
      FROM keyed k
      WHERE r.tenant_id = k.tenant_id AND r.id = k.id
        AND NOT EXISTS (SELECT 1 FROM runs o WHERE o.tenant_id = k.tenant_id AND o.workflow_id = k.workflow_id AND o.dedupe_key = k.new_key)`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the keys keep their moment, and the anchor is what they were missing.
  }
}

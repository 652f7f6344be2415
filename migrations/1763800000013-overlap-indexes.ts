import type { MigrationInterface, QueryRunner } from 'typeorm';

// Overlap checks ("which bookings holding a seat overlap [start, end)?") ran on (tenant_id, resource_id, start_time)
// and (tenant_id, customer_id, start_time): `start_time < end` bounds only the top of the range, so every check read
// the whole booking history of the resource (the capacity check behind every booking, src/domain/capacity.ts: 9.5 ms
// with 12,000 bookings, growing with every booking ever made) or of the member (the waitlist's conflict check for
// each candidate, src/waitlist/fill.ts). These indexes hold only bookings that hold capacity and lead with end_time:
// `end_time > start` skips everything that ended before the interval, and start_time is checked in the index, so a
// check reads the bookings that can overlap and those that come after them, never the past.
export class OverlapIndexes1763800000013 implements MigrationInterface {
  name = 'OverlapIndexes1763800000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX bookings_resource_holding ON bookings (tenant_id, resource_id, end_time, start_time)
      WHERE status IN ('pending', 'confirmed')`);
    await q.query(`CREATE INDEX bookings_customer_holding ON bookings (tenant_id, customer_id, end_time, start_time)
      WHERE status IN ('pending', 'confirmed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX bookings_customer_holding');
    await q.query('DROP INDEX bookings_resource_holding');
  }
}

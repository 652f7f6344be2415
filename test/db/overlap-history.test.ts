import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source.js';
import { createTenant } from '../../src/domain/tenants.js';
import { MEMBER_CONFLICT_SQL } from '../../src/waitlist/fill.js';
import { dropDatabase, freshDatabase } from '../helpers/global.js';

// The overlap checks behind every booking made, moved or resized (capacity) and every waitlist candidate (does the
// member already hold an overlapping booking?) must read the bookings that can overlap the interval, not the
// resource's or member's whole history: a court booked hourly for years would otherwise make each new booking slower
// than the last. Counted in rows the plan touched (EXPLAIN ANALYZE), as the server runs the prepared statement (a
// generic plan), not in time.
describe('overlap checks and booking history', () => {
  let url: string;
  let ds: DataSource;
  const HISTORY = 3000;
  const hour = (h: number) => new Date(Date.UTC(2025, 0, 1) + h * 3_600_000).toISOString();

  before(async () => {
    url = await freshDatabase();
    ds = await createDataSource(url, { poolSize: 1 }).initialize();
    await createTenant(ds, { id: 'hist', name: 'History', adminEmail: 'admin@hist.example' });
    await ds.query("INSERT INTO locations (tenant_id, id, name, timezone) VALUES ('hist', 'loc-1', 'Main', 'Europe/Oslo')");
    await ds.query("INSERT INTO resources (tenant_id, id, name, location_id, capacity) VALUES ('hist', 'r-1', 'Court', 'loc-1', 1)");
    await ds.query("INSERT INTO customers (tenant_id, id, name, email) VALUES ('hist', 'm-1', 'Regular', 'regular@example.com')");
    // A regular's hourly bookings on one court, one every other hour, all still 'confirmed' (nobody marks them done).
    await ds.query(`
      INSERT INTO bookings (tenant_id, id, customer_id, resource_id, start_time, end_time, status)
      SELECT 'hist', 'b-' || g, 'm-1', 'r-1', $1::timestamptz + g * interval '2 hours', $1::timestamptz + g * interval '2 hours' + interval '1 hour', 'confirmed'
      FROM generate_series(0, $2 - 1) g`, [hour(0), HISTORY]);
    // The club's other members and courts (a member is one of many, as in any real club).
    await ds.query("INSERT INTO resources (tenant_id, id, name, location_id, capacity) VALUES ('hist', 'r-2', 'Court 2', 'loc-1', 1)");
    await ds.query(`
      INSERT INTO customers (tenant_id, id, name, email)
      SELECT 'hist', 'm-other-' || g, 'Member ' || g, 'member' || g || '@example.com' FROM generate_series(1, 300) g`);
    await ds.query(`
      INSERT INTO bookings (tenant_id, id, customer_id, resource_id, start_time, end_time, status)
      SELECT 'hist', 'o-' || g, 'm-other-' || (1 + g % 300), 'r-2', $1::timestamptz + g * interval '1 hour', $1::timestamptz + g * interval '1 hour' + interval '50 minutes', 'confirmed'
      FROM generate_series(0, 29999) g`, [hour(0)]);
    await ds.query('ANALYZE bookings');
    await ds.query('SET plan_cache_mode = force_generic_plan');
  });
  after(async () => {
    await ds.destroy();
    await dropDatabase(url);
  });

  /** Rows of `bookings` the statement's plan read (returned, or read and filtered out), and what it returned. */
  async function bookingRowsRead(sql: string, params: unknown[]): Promise<{ read: number; result: unknown[] }> {
    const name = `probe_${Math.random().toString(36).slice(2)}`;
    const types = params.map((p) => (typeof p === 'number' ? 'int' : typeof p === 'string' && /^\d{4}-/.test(p) ? 'timestamptz' : 'text'));
    await ds.query(`PREPARE ${name}(${types.join(', ')}) AS ${sql}`);
    try {
      const args = params.map((p) => (p === null ? 'NULL' : `'${String(p)}'`)).join(', ');
      const [{ 'QUERY PLAN': [plan] }] = await ds.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${name}(${args})`);
      let read = 0;
      const walk = (node: Record<string, any>) => {
        if (node['Relation Name'] === 'bookings') {
          read += (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops'];
        }
        for (const child of node.Plans ?? []) walk(child);
      };
      walk(plan.Plan);
      return { read, result: await ds.query(`EXECUTE ${name}(${args})`) };
    } finally {
      await ds.query(`DEALLOCATE ${name}`);
    }
  }

  /**
   * Rows of `bookings` a call read, from the transaction's own statistics (rows a sequential scan read, and rows fetched
   * through an index, each before any filter): for statements inside a database function, which EXPLAIN does not show.
   */
  async function bookingRowsReadByCall(sql: string, params: unknown[]): Promise<{ read: number; result: unknown[] }> {
    return ds.transaction(async (tx) => {
      const counted = async () => Number((await tx.query(`
        SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n FROM pg_stat_xact_user_tables WHERE relname = 'bookings'`))[0].n);
      const before = await counted();
      const result = await tx.query(sql, params);
      return { read: (await counted()) - before, result };
    });
  }

  it('a capacity check after the history reads none of it, and still sees an overlapping booking', async () => {
    const peak = 'SELECT bookflow_peak_used($1, $2, $3, $4) AS used';
    const after = hour(2 * HISTORY + 10);
    const free = await bookingRowsReadByCall(peak, ['hist', 'r-1', after, hour(2 * HISTORY + 11)]);
    expect(free.result).to.deep.equal([{ used: 0 }]);
    expect(free.read).to.be.below(5);

    const taken = await bookingRowsReadByCall(peak, ['hist', 'r-1', hour(2 * (HISTORY - 1)), hour(2 * HISTORY)]);
    expect(taken.result).to.deep.equal([{ used: 1 }]);
    expect(taken.read).to.be.below(5);

    // The check behind a new booking, in the same function: the booking is made, and the history still unread.
    const made = await bookingRowsReadByCall(`SELECT bookflow_create_booking('hist', 'b-new', 'm-1', 'r-1', NULL, $1, $2, 1, 'confirmed',
      NULL, NULL, 0, NULL, NULL) -> 'booking' ->> 'id' AS id`, [hour(2 * HISTORY + 20), hour(2 * HISTORY + 21)]);
    expect(made.result).to.deep.equal([{ id: 'b-new' }]);
    expect(made.read).to.be.below(5);
  });

  it("a waitlist candidate's conflict check reads only the member's bookings that can overlap", async () => {
    const none = await bookingRowsRead(MEMBER_CONFLICT_SQL, ['hist', 'm-1', hour(2 * HISTORY + 10), hour(2 * HISTORY + 11), 'e-1']);
    expect(none.result).to.deep.equal([]);
    expect(none.read).to.be.below(5);
    const clash = await bookingRowsRead(MEMBER_CONFLICT_SQL, ['hist', 'm-1', hour(2 * (HISTORY - 1)), hour(2 * HISTORY - 1), 'e-1']);
    expect(clash.result).to.have.length(1);
    expect(clash.read).to.be.below(5);
  });
});

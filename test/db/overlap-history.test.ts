import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source.js';
import { PEAK_CTES, peakParams } from '../../src/domain/capacity.js';
import { createTenant } from '../../src/domain/tenants.js';
import { dropDatabase, freshDatabase } from '../helpers/global.js';

// The capacity check behind every booking made, moved or resized must read the bookings that can overlap the
// interval, not the resource's whole history: a court booked hourly for years would otherwise make each new booking
// slower than the last. Counted in rows the plan touched
// (EXPLAIN ANALYZE), as the server would run the prepared statement (a generic plan), not in time.
describe('capacity checks and booking history', () => {
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

  it('a capacity check after the history reads none of it, and still sees an overlapping booking', async () => {
    const peak = `${PEAK_CTES} SELECT used FROM peak`;
    const after = hour(2 * HISTORY + 10);
    const free = await bookingRowsRead(peak, peakParams({ tenantId: 'hist', resourceId: 'r-1', start: after, end: hour(2 * HISTORY + 11) }));
    expect(free.result).to.deep.equal([{ used: 0 }]);
    expect(free.read).to.be.below(5);

    const taken = await bookingRowsRead(peak, peakParams({ tenantId: 'hist', resourceId: 'r-1', start: hour(2 * (HISTORY - 1)), end: hour(2 * HISTORY) }));
    expect(taken.result).to.deep.equal([{ used: 1 }]);
    expect(taken.read).to.be.below(5);
  });
});

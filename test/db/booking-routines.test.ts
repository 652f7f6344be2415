import { expect } from 'chai';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { BookingRoutines1763800000014 } from '../../migrations/1763800000014-booking-routines.js';
import { BookingCreateLocksWorkflows1763800000016 } from '../../migrations/1763800000016-booking-create-locks-workflows.js';
import { createDataSource } from '../../src/db/data-source.js';
import { WORKFLOWS_LOCK_CLASS } from '../../src/domain/workflows-lock.js';
import { createTenant } from '../../src/domain/tenants.js';
import { dropDatabase, freshDatabase } from '../helpers/global.js';

// A database migrated before migration 14's function took the tenant's workflows lock (the lock was first added by
// editing 14 after its release) gets it from migration 16: a booking made while a workflow is being saved waits for
// the save, on every database, however old.
describe('booking creation function across upgrades', () => {
  let url: string;
  let ds: DataSource;
  let saving: pg.Client;

  before(async () => {
    url = await freshDatabase();
    ds = await createDataSource(url, { poolSize: 2 }).initialize();
    await createTenant(ds, { id: 'upg', name: 'Upgraded', adminEmail: 'admin@upg.example' });
    await ds.query("INSERT INTO locations (tenant_id, id, name, timezone) VALUES ('upg', 'loc-1', 'Main', 'Europe/Oslo')");
    await ds.query("INSERT INTO resources (tenant_id, id, name, location_id, capacity) VALUES ('upg', 'r-1', 'Court', 'loc-1', 5)");
    await ds.query("INSERT INTO customers (tenant_id, id, name) VALUES ('upg', 'm-1', 'Member')");
    saving = new pg.Client({ connectionString: url });
    await saving.connect();
  });
  after(async () => {
    await saving.end();
    await ds.destroy();
    await dropDatabase(url);
  });

  /** Creates a booking through the function while a workflow save holds the tenant's lock: 'made' or 'waited'. */
  async function whileSaving(id: string): Promise<'made' | 'waited'> {
    await saving.query('BEGIN');
    await saving.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [WORKFLOWS_LOCK_CLASS, 'upg']);
    const runner = ds.createQueryRunner();
    try {
      await runner.query("SET lock_timeout = '300ms'");
      await runner.query(`SELECT bookflow_create_booking('upg', $1, 'm-1', 'r-1', NULL, now() + interval '1 day', now() + interval '25 hours',
        1, 'confirmed', NULL, NULL, 0, NULL, NULL)`, [id]);
      return 'made';
    } catch (err) {
      if ((err as { code?: string }).code === '55P03') return 'waited'; // lock_timeout
      throw err;
    } finally {
      await runner.query('RESET lock_timeout');
      await runner.release();
      await saving.query('ROLLBACK');
    }
  }

  it('a database with the function as released (no lock) waits for workflow saves once migration 16 ran', async () => {
    expect(await whileSaving('fresh'), 'migrated from scratch').to.equal('waited');
    const runner = ds.createQueryRunner();
    try {
      // the functions as migration 14 was released
      await new BookingRoutines1763800000014().down(runner);
      await new BookingRoutines1763800000014().up(runner);
      expect(await whileSaving('old'), 'as released: did not wait').to.equal('made');
      await new BookingCreateLocksWorkflows1763800000016().up(runner);
    } finally {
      await runner.release();
    }
    expect(await whileSaving('upgraded')).to.equal('waited');
  });
});

import { expect } from 'chai';
import { createDataSource } from '../../src/db/data-source.js';
import { one, rows, transaction } from '../../src/db/sql.js';
import { dropDatabase, freshDatabase } from '../helpers/global.js';
import type { DataSource } from 'typeorm';

// rows()/one() prepare each statement once per connection. A table changed under a prepared `SELECT *` (a migration
// run by another process during a deploy) must not break the statement for the rest of the process's life.
describe('prepared statements', () => {
  let url: string;
  let ds: DataSource;
  let other: DataSource;
  before(async () => {
    url = await freshDatabase();
    ds = await createDataSource(url, { poolSize: 1 }).initialize(); // one connection: every call reuses its statements
    other = await createDataSource(url, { poolSize: 1 }).initialize();
    await other.query('CREATE TABLE prep_probe (id int PRIMARY KEY, name text)');
    await other.query("INSERT INTO prep_probe VALUES (1, 'one')");
  });
  after(async () => {
    await ds.destroy();
    await other.destroy();
    await dropDatabase(url);
  });

  it('prepares a statement once per connection and reuses it', async () => {
    const sql = 'SELECT * FROM prep_probe WHERE id = $1';
    expect(await one(ds, sql, [1])).to.deep.equal({ id: 1, name: 'one' });
    expect(await one(ds, sql, [1])).to.deep.equal({ id: 1, name: 'one' });
    const prepared = await rows<{ statement: string }>(ds, 'SELECT statement FROM pg_prepared_statements');
    expect(prepared.filter((p) => p.statement === sql)).to.have.length(1);
  });

  it('keeps working, unprepared, after another process changes the row type under it', async () => {
    const sql = 'SELECT * FROM prep_probe WHERE id = $1';
    await one(ds, sql, [1]);
    await other.query('ALTER TABLE prep_probe ADD COLUMN note text');
    expect(await one(ds, sql, [1])).to.deep.equal({ id: 1, name: 'one', note: null });

    const inTx = 'SELECT * FROM prep_probe WHERE id = $1 FOR UPDATE';
    await transaction(ds, (tx) => one(tx, inTx, [1]));
    await other.query('ALTER TABLE prep_probe ADD COLUMN extra int');
    let attempts = 0;
    const r = await transaction(ds, async (tx) => { attempts++; return one(tx, inTx, [1]); });
    expect(r).to.deep.equal({ id: 1, name: 'one', note: null, extra: null });
    expect(attempts, 'the transaction is run again once the statement runs unprepared').to.equal(2);
  });
});

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Customers1763800000003 implements MigrationInterface {
  name = 'Customers1763800000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customers (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        name text NOT NULL,
        email text,
        phone text,
        language text,
        tier text,
        opt_out text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customers');
  }
}

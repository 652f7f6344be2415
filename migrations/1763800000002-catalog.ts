import type { MigrationInterface, QueryRunner } from 'typeorm';

// Locations, services and resources. Every table is keyed by tenant first, ready for sharding by tenant.
export class Catalog1763800000002 implements MigrationInterface {
  name = 'Catalog1763800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE locations (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        name text NOT NULL,
        timezone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE services (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        name text NOT NULL,
        duration_minutes integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE resources (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        name text NOT NULL,
        location_id text NOT NULL,
        capacity integer NOT NULL DEFAULT 1 CHECK (capacity >= 0),
        email text,
        phone text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, location_id) REFERENCES locations(tenant_id, id)
      )`);
    await q.query('CREATE INDEX resources_location ON resources (tenant_id, location_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE resources');
    await q.query('DROP TABLE services');
    await q.query('DROP TABLE locations');
  }
}

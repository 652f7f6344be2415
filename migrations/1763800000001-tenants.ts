import type { MigrationInterface, QueryRunner } from 'typeorm';

// Tenants and their API keys. Keys are stored as a SHA-256 hash only: the secret is shown once.
export class Tenants1763800000001 implements MigrationInterface {
  name = 'Tenants1763800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id text PRIMARY KEY,
        name text NOT NULL,
        timezone text NOT NULL DEFAULT 'UTC',
        default_language text NOT NULL DEFAULT 'en',
        admin_email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        name text,
        role text NOT NULL CHECK (role IN ('admin', 'app')),
        key_hash bytea NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE tenants');
  }
}

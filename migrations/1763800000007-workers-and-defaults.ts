import type { MigrationInterface, QueryRunner } from 'typeorm';

// worker_heartbeats: every worker process writes its pool and worker ids here every few seconds. graphile-worker
// leaves a killed worker's jobs locked for 4 hours; live processes release the jobs of a silent one (see
// src/worker/heartbeat.ts). tenant_defaults: which default workflows a tenant has had, so a deleted default is not
// installed again by itself.
export class WorkersAndDefaults1763800000007 implements MigrationInterface {
  name = 'WorkersAndDefaults1763800000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker_heartbeats (
        pool_id text PRIMARY KEY,
        worker_ids text[] NOT NULL DEFAULT '{}',
        hostname text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tenant_defaults (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key text NOT NULL,
        installed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_defaults');
    await q.query('DROP TABLE worker_heartbeats');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

// The event log. `id` is one global sequence: it increases per tenant too, so it doubles as the ordering
// `sequence` webhook receivers see (with gaps). Events are written in the same transaction as the change
// that caused them, together with their dispatch job (the transactional outbox).
export class Events1763800000005 implements MigrationInterface {
  name = 'Events1763800000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        type text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        data jsonb NOT NULL,
        depth integer NOT NULL DEFAULT 0,
        caused_by_run text,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz
      )`);
    await q.query('CREATE INDEX events_tenant ON events (tenant_id, id DESC)');
    await q.query('CREATE INDEX events_tenant_type ON events (tenant_id, type, id DESC)');
    await q.query('CREATE INDEX events_subject ON events (tenant_id, subject_type, subject_id, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE events');
  }
}

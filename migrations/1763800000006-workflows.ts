import type { MigrationInterface, QueryRunner } from 'typeorm';

// Workflows, their runs and steps, and the outbox of outgoing messages.
//  - workflows.version increases on every change: compiled templates are cached per version, and a timed job
//    written for an older version re-checks before it sends.
//  - tenants.workflows_version increases on any workflow change of the tenant: each process caches a tenant's
//    compiled workflows and reloads them when this number moves.
//  - runs are unique per (workflow, dedupe_key): a retried dispatch or a timed job that fires twice cannot
//    create a second run (dedupe_key is `event:<id>` or `timed:<booking>:<moment>`).
//  - messages are unique per (tenant, idempotency_key), derived from (run, step, recipient): a retried step finds
//    the message it already stored (and whether it was sent) instead of sending again.
export class Workflows1763800000006 implements MigrationInterface {
  name = 'Workflows1763800000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenants ADD COLUMN workflows_version bigint NOT NULL DEFAULT 0');
    await q.query(`
      CREATE TABLE workflows (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        name text NOT NULL,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        trigger_type text NOT NULL,
        trigger_config jsonb NOT NULL DEFAULT '{}',
        filters jsonb NOT NULL DEFAULT '{}',
        actions jsonb NOT NULL DEFAULT '[]',
        secrets jsonb NOT NULL DEFAULT '{}',
        builtin_key text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query('CREATE INDEX workflows_trigger ON workflows (tenant_id, trigger_type) WHERE enabled');
    await q.query('CREATE UNIQUE INDEX workflows_builtin ON workflows (tenant_id, builtin_key) WHERE builtin_key IS NOT NULL');
    await q.query(`
      CREATE TABLE runs (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        workflow_id text NOT NULL,
        workflow_version integer NOT NULL,
        workflow_name text NOT NULL,
        trigger_type text NOT NULL,
        dedupe_key text NOT NULL,
        event_id bigint,
        booking_id text,
        scheduled_for timestamptz,
        depth integer NOT NULL DEFAULT 0,
        decision text NOT NULL CHECK (decision IN ('ran', 'skipped')),
        reason text,
        status text NOT NULL CHECK (status IN ('skipped', 'running', 'succeeded', 'failed', 'partial')),
        actions jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, workflow_id, dedupe_key)
      )`);
    await q.query('CREATE INDEX runs_workflow ON runs (tenant_id, workflow_id, created_at DESC)');
    await q.query('CREATE INDEX runs_booking ON runs (tenant_id, booking_id, created_at DESC) WHERE booking_id IS NOT NULL');
    await q.query(`
      CREATE TABLE run_steps (
        tenant_id text NOT NULL,
        run_id text NOT NULL,
        idx integer NOT NULL,
        action_type text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'skipped', 'failed')),
        outcome text,
        attempts integer NOT NULL DEFAULT 0,
        output jsonb,
        error_code text,
        error_message text,
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, run_id, idx),
        FOREIGN KEY (tenant_id, run_id) REFERENCES runs(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE messages (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        idempotency_key text NOT NULL,
        run_id text,
        step_idx integer,
        booking_id text,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
        recipient text NOT NULL,
        subject text,
        body text NOT NULL,
        html text,
        payload jsonb,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'captured', 'failed', 'delivered', 'undelivered')),
        provider_id text,
        provider_status text,
        response jsonb,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, idempotency_key)
      )`);
    await q.query('CREATE INDEX messages_created ON messages (tenant_id, created_at DESC, id)');
    await q.query('CREATE INDEX messages_run ON messages (tenant_id, run_id)');
    await q.query('CREATE INDEX messages_provider ON messages (provider_id) WHERE provider_id IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE messages');
    await q.query('DROP TABLE run_steps');
    await q.query('DROP TABLE runs');
    await q.query('DROP TABLE workflows');
    await q.query('ALTER TABLE tenants DROP COLUMN workflows_version');
  }
}

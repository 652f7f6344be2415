import type { MigrationInterface, QueryRunner } from 'typeorm';

// Webhook subscriptions, their deliveries and each delivery's attempts.
//  - webhook_subscriptions.secret signs every attempt; previous_secrets ([{ secret, expiresAt }]) keep signing
//    alongside it for 24 hours after a rotation. failing_since is the first failure of the current failing streak
//    (null while the endpoint answers): 5 days of it disables the endpoint.
//  - webhook_deliveries: one per (subscription, event), unique, so a retried dispatch adds nothing. `payload` is the
//    exact body sent on every attempt (signed afresh each time). event_id is null for `webhook.test` deliveries.
//    schedule_step counts the attempts of the current retry series (a replay starts a new one).
//  - webhook_attempts: the delivery log, one row per HTTP attempt.
export class WebhookSubscriptions1763800000009 implements MigrationInterface {
  name = 'WebhookSubscriptions1763800000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        filters jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        secret text NOT NULL,
        previous_secrets jsonb NOT NULL DEFAULT '[]',
        disabled_reason text CHECK (disabled_reason IN ('gone', 'failing')),
        disabled_at timestamptz,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query('CREATE INDEX webhook_subscriptions_enabled ON webhook_subscriptions (tenant_id) WHERE enabled');
    await q.query(`
      CREATE TABLE webhook_deliveries (
        tenant_id text NOT NULL,
        id text NOT NULL,
        subscription_id text NOT NULL,
        event_id bigint,
        event_type text NOT NULL,
        payload text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempt_count integer NOT NULL DEFAULT 0,
        schedule_step integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (tenant_id, subscription_id, event_id)
      WHERE event_id IS NOT NULL`);
    await q.query('CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, subscription_id, created_at DESC, id DESC)');
    await q.query(`CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (tenant_id, subscription_id, created_at)
      WHERE status = 'failed'`);
    await q.query(`
      CREATE TABLE webhook_attempts (
        tenant_id text NOT NULL,
        delivery_id text NOT NULL,
        n integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer,
        status_code integer,
        response_body text,
        error_code text,
        error text,
        PRIMARY KEY (tenant_id, delivery_id, n),
        FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries(tenant_id, id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_attempts');
    await q.query('DROP TABLE webhook_deliveries');
    await q.query('DROP TABLE webhook_subscriptions');
  }
}

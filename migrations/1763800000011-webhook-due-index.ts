import type { MigrationInterface, QueryRunner } from 'typeorm';

// The due deliveries of one endpoint, oldest first: a webhook job sends its own delivery together with the others of
// its endpoint that are due (src/webhooks/claim.ts). Partial on 'pending', so it holds only deliveries still to send
// and stays small however long the delivery log grows.
export class WebhookDueIndex1763800000011 implements MigrationInterface {
  name = 'WebhookDueIndex1763800000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (tenant_id, subscription_id, next_attempt_at, id)
      WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX webhook_deliveries_due');
  }
}

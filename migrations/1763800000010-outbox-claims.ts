import type { MigrationInterface, QueryRunner } from 'typeorm';

// A message being sent is claimed ('sending', until claimed_until), so two copies of one step running at once (a
// job released from a worker presumed dead while it was still alive) cannot both send it. A claim that outlives
// its lease (the sender crashed mid-send) can be taken again: delivery is at-least-once, never silently dropped.
export class OutboxClaims1763800000010 implements MigrationInterface {
  name = 'OutboxClaims1763800000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE messages DROP CONSTRAINT messages_status_check');
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_status_check
      CHECK (status IN ('pending', 'sending', 'sent', 'captured', 'failed', 'delivered', 'undelivered'))`);
    await q.query('ALTER TABLE messages ADD COLUMN claimed_until timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE messages DROP COLUMN claimed_until');
    await q.query("UPDATE messages SET status = 'pending' WHERE status = 'sending'");
    await q.query('ALTER TABLE messages DROP CONSTRAINT messages_status_check');
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_status_check
      CHECK (status IN ('pending', 'sent', 'captured', 'failed', 'delivered', 'undelivered'))`);
  }
}

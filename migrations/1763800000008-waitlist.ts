import type { MigrationInterface, QueryRunner } from 'typeorm';

// The waitlist: entries (facility API: waitlist entries), the offers they declined or let expire (an entry is never
// offered the same freed seat twice), and every allocation decision with its explanation.
export class Waitlist1763800000008 implements MigrationInterface {
  name = 'Waitlist1763800000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE tenants ADD COLUMN waitlist_settings jsonb NOT NULL DEFAULT '{}'");
    // Signs accept/decline links in messages; per tenant, random, never shown.
    await q.query("ALTER TABLE tenants ADD COLUMN link_secret text NOT NULL DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')");
    await q.query(`
      CREATE TABLE waitlist_entries (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        location_id text NOT NULL,
        resource_id text NOT NULL,
        customer_id text NOT NULL,
        desired_start timestamptz NOT NULL,
        desired_end timestamptz NOT NULL,
        seats integer NOT NULL DEFAULT 1 CHECK (seats >= 1),
        priority_score integer NOT NULL,
        score_components jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('ACTIVE', 'OFFERED', 'ACCEPTED', 'EXPIRED', 'CANCELLED')),
        offered_at timestamptz,
        offer_expires_at timestamptz,
        offer_occurrence text,
        accepted_at timestamptz,
        cancelled_at timestamptz,
        cancel_reason text,
        booking_id text,
        last_decision_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        CHECK (desired_end > desired_start),
        CHECK (status <> 'OFFERED' OR offer_expires_at IS NOT NULL),
        FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id),
        FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id),
        FOREIGN KEY (tenant_id, location_id) REFERENCES locations(tenant_id, id)
      )`);
    // One waiting or offered entry per member per slot.
    await q.query(`CREATE UNIQUE INDEX waitlist_one_per_slot ON waitlist_entries (tenant_id, resource_id, customer_id, desired_start, desired_end)
                   WHERE status IN ('ACTIVE', 'OFFERED')`);
    await q.query('CREATE INDEX waitlist_resource ON waitlist_entries (tenant_id, resource_id, status, desired_start)');
    await q.query('CREATE INDEX waitlist_member ON waitlist_entries (tenant_id, customer_id, status)');
    await q.query(`CREATE INDEX waitlist_offered ON waitlist_entries (tenant_id, resource_id, desired_start) WHERE status = 'OFFERED'`);
    await q.query(`
      CREATE TABLE waitlist_offer_outcomes (
        tenant_id text NOT NULL,
        entry_id text NOT NULL,
        occurrence text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('declined', 'expired', 'cancelled')),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, entry_id, occurrence),
        FOREIGN KEY (tenant_id, entry_id) REFERENCES waitlist_entries(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE waitlist_decisions (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        resource_id text NOT NULL,
        occurrence text NOT NULL,
        trigger text NOT NULL,
        slot jsonb NOT NULL,
        mode text NOT NULL,
        candidates jsonb NOT NULL,
        outcome jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query('CREATE INDEX waitlist_decisions_resource ON waitlist_decisions (tenant_id, resource_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE waitlist_decisions');
    await q.query('DROP TABLE waitlist_offer_outcomes');
    await q.query('DROP TABLE waitlist_entries');
    await q.query('ALTER TABLE tenants DROP COLUMN link_secret');
    await q.query('ALTER TABLE tenants DROP COLUMN waitlist_settings');
  }
}

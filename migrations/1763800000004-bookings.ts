import type { MigrationInterface, QueryRunner } from 'typeorm';

// Bookings and payments. Capacity is enforced by the domain service under a row lock on the resource;
// the (tenant, resource, start) index serves its overlap query.
export class Bookings1763800000004 implements MigrationInterface {
  name = 'Bookings1763800000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bookings (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        customer_id text NOT NULL,
        resource_id text NOT NULL,
        service_id text,
        start_time timestamptz NOT NULL,
        end_time timestamptz NOT NULL,
        seats integer NOT NULL DEFAULT 1 CHECK (seats >= 1),
        status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined', 'cancelled', 'not_taken', 'completed')),
        language text,
        notes text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        CHECK (end_time > start_time),
        FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id),
        FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id),
        FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id)
      )`);
    await q.query('CREATE INDEX bookings_resource_time ON bookings (tenant_id, resource_id, start_time)');
    await q.query('CREATE INDEX bookings_customer ON bookings (tenant_id, customer_id, start_time)');
    await q.query('CREATE INDEX bookings_start ON bookings (tenant_id, start_time, id)');
    await q.query(`
      CREATE TABLE payments (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id text NOT NULL,
        booking_id text,
        amount numeric(14, 4) NOT NULL,
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'refunded')),
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query('CREATE INDEX payments_booking ON payments (tenant_id, booking_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE payments');
    await q.query('DROP TABLE bookings');
  }
}

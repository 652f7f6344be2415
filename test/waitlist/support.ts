// Shared setup for waitlist tests: a full slot on a capacity-1 resource and members waiting for it.
import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { inHours } from '../helpers/fixtures.js';

let h = 0;
/** A fresh 1-hour slot far enough ahead that offers get the full window. */
export function nextSlot(): { startTime: string; endTime: string } {
  h += 2;
  return { startTime: inHours(100 + h), endTime: inHours(101 + h) };
}

export async function book(c: Client, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await c.post('/api/bookings', body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

export async function join(c: Client, memberId: string, slot: { startTime: string; endTime: string }, extra: Record<string, unknown> = {}) {
  const res = await c.post('/api/facility-waitlist', {
    clubId: 'c-1', resourceId: 'r-1', memberId, desiredStart: slot.startTime, desiredEnd: slot.endTime, ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string; priorityScore: number; status: string };
}

export async function entry(c: Client, id: string) {
  return (await c.get(`/api/facility-waitlist/${id}`)).body;
}

/** Decodes the HTML entities Handlebars escapes (&amp; &#x3D; ...) in an attribute value. */
export function unescapeHtml(s: string): string {
  return s.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Makes an open offer due now, as if its time had passed: the entry's deadline and its expiry job agree. */
export async function makeOfferDue(ds: import('typeorm').DataSource, tenantId: string, entryId: string): Promise<void> {
  const due = new Date(Date.now() - 1000).toISOString();
  await ds.query('UPDATE waitlist_entries SET offer_expires_at = $2 WHERE tenant_id = $1 AND id = $3', [tenantId, due, entryId]);
  await ds.query(`UPDATE graphile_worker._private_jobs SET run_at = now(), payload = json_build_object('tenantId', $1::text, 'entryId', $3::text, 'expiresAt', $2::text)
    WHERE key = $4`, [tenantId, due, entryId, `wl-expire:${tenantId}:${entryId}`]);
}

/**
 * Every (resource, instant) where seats of holding bookings plus open offers exceed capacity. Usage only changes
 * where something starts, so checking those instants checks all of them. Empty means the rule holds.
 */
export async function capacityViolations(ds: import('typeorm').DataSource, tenantId: string): Promise<unknown[]> {
  const { rows } = await import('../../src/db/sql.js');
  return rows(ds, `
    WITH items AS (
      SELECT resource_id, start_time AS s, end_time AS e, seats FROM bookings WHERE tenant_id = $1 AND status IN ('pending', 'confirmed')
      UNION ALL
      SELECT resource_id, desired_start, desired_end, seats FROM waitlist_entries
      WHERE tenant_id = $1 AND status = 'OFFERED' AND offer_expires_at > now()
    ), points AS (SELECT DISTINCT resource_id, s AS p FROM items)
    SELECT pt.resource_id, pt.p, sum(i.seats)::int AS used, r.capacity
    FROM points pt
    JOIN items i ON i.resource_id = pt.resource_id AND i.s <= pt.p AND i.e > pt.p
    JOIN resources r ON r.tenant_id = $1 AND r.id = pt.resource_id
    GROUP BY pt.resource_id, pt.p, r.capacity
    HAVING sum(i.seats) > r.capacity`, [tenantId]);
}

/** Entry states that must never occur, whatever happened. */
export async function entryViolations(ds: import('typeorm').DataSource, tenantId: string): Promise<unknown[]> {
  const { rows } = await import('../../src/db/sql.js');
  return rows(ds, `
    SELECT id, status, 'offered without a deadline' AS problem FROM waitlist_entries WHERE tenant_id = $1 AND status = 'OFFERED' AND offer_expires_at IS NULL
    UNION ALL
    SELECT e.id, e.status, 'accepted without a booking' FROM waitlist_entries e
      LEFT JOIN bookings b ON b.tenant_id = e.tenant_id AND b.id = e.booking_id
      WHERE e.tenant_id = $1 AND e.status = 'ACCEPTED' AND b.id IS NULL
    UNION ALL
    SELECT e.id, e.status, 'offered again a seat it declined or let expire' FROM waitlist_entries e
      JOIN waitlist_offer_outcomes o ON o.tenant_id = e.tenant_id AND o.entry_id = e.id AND o.occurrence = e.offer_occurrence
      WHERE e.tenant_id = $1 AND e.status = 'OFFERED'
    UNION ALL
    SELECT id, status, 'two open entries for one member and slot' FROM waitlist_entries w1 WHERE tenant_id = $1 AND status IN ('ACTIVE', 'OFFERED')
      AND EXISTS (SELECT 1 FROM waitlist_entries w2 WHERE w2.tenant_id = w1.tenant_id AND w2.id <> w1.id AND w2.resource_id = w1.resource_id
        AND w2.customer_id = w1.customer_id AND w2.desired_start = w1.desired_start AND w2.desired_end = w1.desired_end AND w2.status IN ('ACTIVE', 'OFFERED'))`, [tenantId]);
}

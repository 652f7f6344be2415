// Capacity: for every resource and instant, seats of bookings that hold capacity (pending, confirmed) plus seats
// held by open waitlist offers never exceed the resource's capacity.
//
// Every change that uses or frees capacity MUST first lock the resource row (`lockResource`) in its transaction:
// that serializes all capacity decisions on one resource, so the check below and the write after it cannot race.
import type { EntityManager } from 'typeorm';
import { one } from '../db/sql.js';
import { notFound } from './errors.js';

export const HOLDING_STATUSES = ['pending', 'confirmed'] as const;

export interface LockedResource {
  id: string;
  location_id: string;
  capacity: number;
}

export async function lockResource(tx: EntityManager, tenantId: string, resourceId: string, pointer?: string): Promise<LockedResource> {
  const r = await one<LockedResource>(tx, 'SELECT id, location_id, capacity FROM resources WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, resourceId]);
  if (!r) throw notFound('resource', resourceId, pointer);
  return r;
}

/** Locks several resources in a fixed order, so two transactions locking the same pair cannot deadlock. */
export async function lockResources(tx: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, LockedResource>> {
  const out = new Map<string, LockedResource>();
  for (const id of [...new Set(ids)].sort()) out.set(id, await lockResource(tx, tenantId, id, '/resourceId'));
  return out;
}

export interface UsageQuery {
  tenantId: string;
  resourceId: string;
  start: string | Date;
  end: string | Date;
  /** A booking to leave out (the one being moved or resized). */
  excludeBookingId?: string;
  /** A waitlist offer to leave out (the one being accepted). */
  excludeEntryId?: string;
}

/**
 * The CTEs (`items`, `points`, `peak`) that compute `peak.used`: the most seats in use at any instant of
 * [$3, $4) on resource $2 of tenant $1, leaving out booking $5 and offer $6 (null for none). Usage only changes
 * where an item starts, so the peak is at $3 or at one of those points. Summing every overlapping item would be
 * wrong when capacity > 1: two bookings may overlap the interval without overlapping each other.
 * Shared by `peakUsage` and by statements that check capacity and write in one go (after the resource lock, in
 * a statement of their own, so their snapshot sees every change committed before the lock was granted).
 */
export const PEAK_CTES = `
    WITH items AS (
      SELECT greatest(start_time, $3::timestamptz) AS s, least(end_time, $4::timestamptz) AS e, seats
      FROM bookings
      WHERE tenant_id = $1 AND resource_id = $2 AND status IN ('pending', 'confirmed')
        AND start_time < $4 AND end_time > $3 AND id IS DISTINCT FROM $5
      UNION ALL
      -- seats held by open waitlist offers (an offer past its expiry holds nothing, even before the expiry job ran)
      SELECT greatest(desired_start, $3::timestamptz), least(desired_end, $4::timestamptz), seats
      FROM waitlist_entries
      WHERE tenant_id = $1 AND resource_id = $2 AND status = 'OFFERED' AND offer_expires_at > now()
        AND desired_start < $4 AND desired_end > $3 AND id IS DISTINCT FROM $6
    ), points AS (
      SELECT s AS p FROM items UNION SELECT $3::timestamptz
    ), peak AS (
      SELECT coalesce(max((SELECT coalesce(sum(seats), 0) FROM items WHERE s <= p AND e > p)), 0)::int AS used
      FROM points
    )`;

export const peakParams = (q: UsageQuery): unknown[] =>
  [q.tenantId, q.resourceId, q.start, q.end, q.excludeBookingId ?? null, q.excludeEntryId ?? null];

/** The most seats in use at any instant of [start, end) (see PEAK_CTES). */
export async function peakUsage(tx: EntityManager, q: UsageQuery): Promise<number> {
  const r = await one<{ used: number }>(tx, `${PEAK_CTES} SELECT used FROM peak`, peakParams(q));
  return r!.used;
}

/** Free seats over [start, end) on a locked resource. */
export async function freeSeats(tx: EntityManager, q: UsageQuery & { capacity: number }): Promise<number> {
  return q.capacity - (await peakUsage(tx, q));
}

export async function futurePeak(tx: EntityManager, tenantId: string, resourceId: string): Promise<number> {
  return peakUsage(tx, { tenantId, resourceId, start: new Date(), end: 'infinity' });
}

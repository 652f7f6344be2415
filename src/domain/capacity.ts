// Capacity: for every resource and instant, seats of bookings that hold capacity (pending, confirmed) plus seats
// held by open waitlist offers never exceed the resource's capacity.
//
// Every change that uses or frees capacity MUST first lock the resource row (`lockResource`; booking creation's
// database function takes the same lock) in its transaction: that serializes all capacity decisions on one resource,
// so the check below and the write after it cannot race.
import type { EntityManager } from 'typeorm';
import { one } from '../db/sql.js';
import { notFound } from './errors.js';
import { sharedWorkflowsLock } from './workflows-lock.js';

export const HOLDING_STATUSES = ['pending', 'confirmed'] as const;

export interface LockedResource {
  id: string;
  location_id: string;
  capacity: number;
}

export async function lockResource(tx: EntityManager, tenantId: string, resourceId: string, pointer?: string): Promise<LockedResource> {
  // With the shared lock on the tenant's workflows, taken before any row lock (src/domain/workflows-lock.ts).
  const r = await one<LockedResource>(tx, `
    SELECT r.id, r.location_id, r.capacity FROM ${sharedWorkflowsLock('$1::text')}, resources r
    WHERE r.tenant_id = $1 AND r.id = $2 FOR UPDATE OF r`, [tenantId, resourceId]);
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
 * The most seats in use at any instant of [start, end): bookings that hold capacity and open waitlist offers. The rule
 * is the database function `bookflow_peak_used` (migrations/1763800000014-booking-routines.ts), which booking creation
 * also uses inside its own statement.
 */
export async function peakUsage(tx: EntityManager, q: UsageQuery): Promise<number> {
  const r = await one<{ used: number }>(tx, 'SELECT bookflow_peak_used($1, $2, $3, $4, $5, $6) AS used',
    [q.tenantId, q.resourceId, q.start, q.end, q.excludeBookingId ?? null, q.excludeEntryId ?? null]);
  return r!.used;
}

/** Free seats over [start, end) on a locked resource. */
export async function freeSeats(tx: EntityManager, q: UsageQuery & { capacity: number }): Promise<number> {
  return q.capacity - (await peakUsage(tx, q));
}

/**
 * A resource's seats over [start, end) as a booking there would find them: its capacity, the most in use at any
 * instant (bookings that hold capacity and open offers) and what is left. A read: no lock, so only a hint by the time
 * it is answered; booking and offering check again under the lock.
 */
export async function seatsOver(db: EntityManager, q: { tenantId: string; resourceId: string; start: string; end: string }): Promise<{ capacity: number; used: number; free: number }> {
  const r = await one<{ capacity: number }>(db, 'SELECT capacity FROM resources WHERE tenant_id = $1 AND id = $2', [q.tenantId, q.resourceId]);
  if (!r) throw notFound('resource', q.resourceId);
  const used = await peakUsage(db, q);
  return { capacity: r.capacity, used, free: Math.max(0, r.capacity - used) };
}

export async function futurePeak(tx: EntityManager, tenantId: string, resourceId: string): Promise<number> {
  return peakUsage(tx, { tenantId, resourceId, start: new Date(), end: 'infinity' });
}

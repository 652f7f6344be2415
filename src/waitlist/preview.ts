// The staff warning: before a status change, move, seat reduction or delete that frees a seat, what will the
// waitlist do? The change and the allocation run for real in a transaction that is then rolled back, so the preview
// cannot drift from what actually happens.
import type { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '../db/sql.js';
import { deleteBookingIn, FREEING_REASON, getBooking, holdsCapacity, setBookingStatusIn, updateBookingIn, type Booking, type BookingPatch, type BookingStatus } from '../domain/bookings.js';
import type { Origin } from '../domain/events.js';
import { fillFreedSlot, passedOver } from './fill.js';
import { fillWorkflowApplies, rolledBack } from './service.js';

export interface WaitlistPreview {
  /** The booking as it would be (null: deleted). */
  booking: Booking | null;
  freesSeats: boolean;
  waitlist: {
    willFill: boolean;
    allocations: { entryId: string; memberId: string; customerName: string | null; seats: number; result: string; offerExpiresAt: string | null; bookingId: string | null }[];
    skipped: ReturnType<typeof passedOver>[];
    note: string | null;
  };
}

/** The seats a change frees in the booking's old slot, and the slot.freed reason it records; null: none. */
type Freed = { reason: string; seats: number } | null;

async function preview(tx: EntityManager, origin: Origin, before: Booking, after: Booking | null, freed: Freed): Promise<WaitlistPreview> {
  const empty = { willFill: false, allocations: [], skipped: [], note: freed ? null : 'this change frees no seat' };
  if (!freed) return { booking: after, freesSeats: false, waitlist: empty };
  const { reason } = freed;
  const res = await one<{ location_id: string; language: string }>(tx, `
    SELECT r.location_id, coalesce($3, c.language, t.default_language) AS language FROM resources r
    JOIN tenants t ON t.id = r.tenant_id LEFT JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = $4
    WHERE r.tenant_id = $1 AND r.id = $2`, [origin.tenantId, before.resourceId, before.language, before.customerId]);
  const scope = { resourceId: before.resourceId, locationId: res?.location_id ?? null, serviceId: before.serviceId, status: after?.status ?? before.status, language: res?.language ?? 'en' };
  if (!(await fillWorkflowApplies(tx, origin.tenantId, scope, { reason }))) {
    return { booking: after, freesSeats: true, waitlist: { ...empty, note: 'no enabled workflow fills freed seats from the waitlist here' } };
  }
  const decision = await fillFreedSlot(tx, origin, {
    resourceId: before.resourceId, startTime: before.startTime, endTime: before.endTime, seats: freed.seats, reason, occurrence: 'preview',
  }, { trigger: 'preview', record: 'always' });
  const candidates = decision?.candidates ?? [];
  const names = new Map((await rows<{ id: string; name: string }>(tx, 'SELECT id, name FROM customers WHERE tenant_id = $1 AND id = ANY($2)',
    [origin.tenantId, candidates.map((c) => c.memberId)])).map((r) => [r.id, r.name]));
  return {
    booking: after,
    freesSeats: true,
    waitlist: {
      willFill: candidates.some((c) => c.result !== 'skipped'),
      allocations: candidates.filter((c) => c.result !== 'skipped').map((c) => ({
        entryId: c.entryId, memberId: c.memberId, customerName: names.get(c.memberId) ?? null, seats: c.seats, result: c.result,
        offerExpiresAt: c.offerExpiresAt ?? null, bookingId: c.bookingId ?? null,
      })),
      skipped: candidates.filter((c) => c.result === 'skipped').map(passedOver),
      note: decision ? decision.outcome.note : 'nobody waits for this slot',
    },
  };
}

export async function previewStatusChange(ds: DataSource, origin: Origin, id: string, change: { status: BookingStatus; reason?: string | null }): Promise<WaitlistPreview> {
  return rolledBack(ds, async (tx) => {
    const before = await getBooking(tx, origin.tenantId, id);
    const after = await setBookingStatusIn(tx, origin, id, change);
    const reason = before.status === after.status ? undefined : FREEING_REASON[change.status];
    const frees = reason && holdsCapacity(before.status) && !holdsCapacity(after.status);
    return preview(tx, origin, before, after, frees ? { reason, seats: before.seats } : null);
  });
}

/** A move (the old slot is freed: `rescheduled`) or fewer seats (`seats_reduced`), as updateBooking records them. */
export async function previewUpdate(ds: DataSource, origin: Origin, id: string, patch: BookingPatch): Promise<WaitlistPreview> {
  return rolledBack(ds, async (tx) => {
    const before = await getBooking(tx, origin.tenantId, id);
    const after = await updateBookingIn(tx, origin, id, patch);
    const moved = after.startTime !== before.startTime || after.endTime !== before.endTime || after.resourceId !== before.resourceId;
    const freed = !holdsCapacity(before.status) ? null
      : moved ? { reason: 'rescheduled', seats: before.seats }
        : after.seats < before.seats ? { reason: 'seats_reduced', seats: before.seats - after.seats } : null;
    return preview(tx, origin, before, after, freed);
  });
}

export async function previewDelete(ds: DataSource, origin: Origin, id: string): Promise<WaitlistPreview> {
  return rolledBack(ds, async (tx) => {
    const before = await deleteBookingIn(tx, origin, id);
    return preview(tx, origin, before, null, holdsCapacity(before.status) ? { reason: 'deleted', seats: before.seats } : null);
  });
}

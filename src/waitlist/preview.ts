// The staff warning: before a status change or delete that frees a seat, what will the waitlist do? The change and
// the allocation run for real in a transaction that is then rolled back, so the preview cannot drift from what
// actually happens.
import type { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '../db/sql.js';
import { deleteBookingIn, FREEING_REASON, getBooking, holdsCapacity, setBookingStatusIn, type Booking, type BookingStatus } from '../domain/bookings.js';
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

async function preview(tx: EntityManager, origin: Origin, before: Booking, after: Booking | null, reason: string | undefined): Promise<WaitlistPreview> {
  const frees = holdsCapacity(before.status) && (!after || !holdsCapacity(after.status)) && Boolean(reason);
  const empty = { willFill: false, allocations: [], skipped: [], note: frees ? null : 'this change frees no seat' };
  if (!frees) return { booking: after, freesSeats: false, waitlist: empty };
  const res = await one<{ location_id: string; language: string }>(tx, `
    SELECT r.location_id, coalesce($3, c.language, t.default_language) AS language FROM resources r
    JOIN tenants t ON t.id = r.tenant_id LEFT JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = $4
    WHERE r.tenant_id = $1 AND r.id = $2`, [origin.tenantId, before.resourceId, before.language, before.customerId]);
  const scope = { resourceId: before.resourceId, locationId: res?.location_id ?? null, serviceId: before.serviceId, status: after?.status ?? before.status, language: res?.language ?? 'en' };
  if (!(await fillWorkflowApplies(tx, origin.tenantId, scope, { reason }))) {
    return { booking: after, freesSeats: true, waitlist: { ...empty, note: 'no enabled workflow fills freed seats from the waitlist here' } };
  }
  const decision = await fillFreedSlot(tx, origin, {
    resourceId: before.resourceId, startTime: before.startTime, endTime: before.endTime, seats: before.seats, reason: reason!, occurrence: 'preview',
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
    return preview(tx, origin, before, after, before.status === after.status ? undefined : FREEING_REASON[change.status]);
  });
}

export async function previewDelete(ds: DataSource, origin: Origin, id: string): Promise<WaitlistPreview> {
  return rolledBack(ds, async (tx) => {
    const before = await deleteBookingIn(tx, origin, id);
    return preview(tx, origin, before, null, 'deleted');
  });
}

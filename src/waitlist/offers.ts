// What members and admins do with entries: accept or decline an offer, cancel an entry, and (admins) offer a seat
// by hand or expire an offer. Every path that ends a held offer frees its seat with `slot.freed` (offer_declined,
// offer_expired, offer_cancelled), carrying the offer's occurrence so the same entry is not offered that seat again.
//
// Lock order, as everywhere: the resource first, then entry rows. So we read the entry's resource without a lock,
// lock the resource, then lock the entry and re-check its state.
import type { DataSource, EntityManager } from 'typeorm';
import { one, rows, transaction } from '../db/sql.js';
import { getBooking, insertBooking, type Booking } from '../domain/bookings.js';
import { freeSeats, lockResource } from '../domain/capacity.js';
import { conflict, invalid } from '../domain/errors.js';
import { record, type Origin } from '../domain/events.js';
import { removeJobs } from '../worker/jobs.js';
import { getEntryRow, lockEntry, recordEntryEvent, toEntry, type Entry, type EntryRow } from './entries.js';
import { expireJobKey, makeOffer } from './fill.js';
import { getWaitlistSettings } from './settings.js';

/** A reservation as the facility API shows it: ACTIVE while the booking holds capacity. */
export interface Reservation {
  id: string; resourceId: string; memberId: string; startTime: string; endTime: string; status: 'ACTIVE' | 'CANCELLED';
}
export const toReservation = (b: Booking): Reservation => ({
  id: b.id, resourceId: b.resourceId, memberId: b.customerId, startTime: b.startTime, endTime: b.endTime,
  status: b.status === 'pending' || b.status === 'confirmed' ? 'ACTIVE' : 'CANCELLED',
});

/** Locks the entry's resource, then the entry (optionally checking it belongs to the club). */
async function lockForChange(tx: EntityManager, tenantId: string, id: string, clubId?: string): Promise<EntryRow> {
  const unlocked = await getEntryRow(tx, tenantId, id, clubId);
  await lockResource(tx, tenantId, unlocked.resource_id);
  return lockEntry(tx, tenantId, id);
}

async function freeHeldSeat(tx: EntityManager, origin: Origin, e: EntryRow, reason: 'offer_declined' | 'offer_expired' | 'offer_cancelled'): Promise<void> {
  await removeJobs(tx, [expireJobKey(e.tenant_id, e.id)]);
  await rows(tx, 'INSERT INTO waitlist_offer_outcomes (tenant_id, entry_id, occurrence, outcome) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [e.tenant_id, e.id, e.offer_occurrence ?? `entry:${e.id}`, reason.replace('offer_', '')]);
  await record(tx, origin, {
    type: 'slot.freed',
    subject: { type: 'resource', id: e.resource_id },
    data: {
      resourceId: e.resource_id, locationId: e.location_id, startTime: e.desired_start.toISOString(), endTime: e.desired_end.toISOString(),
      seats: e.seats, reason, bookingId: null, entryId: e.id, occurrence: e.offer_occurrence,
    },
  });
}

/** No open offer to answer. An expired one says so whether or not the expiry job has run (see OFFER_EXPIRED below). */
const notOffered = (e: EntryRow) => e.status === 'EXPIRED' && e.offer_expires_at
  ? conflict('OFFER_EXPIRED', `the offer expired at ${e.offer_expires_at.toISOString()}`)
  : conflict('NOT_OFFERED', `this entry is ${e.status}, not OFFERED: there is no offer to answer`);

/**
 * Accepts an offer: the held seat becomes a booking. Rejected at or after offerExpiresAt whether or not the expiry
 * job has run. Accepting twice answers the same reservation.
 */
export async function acceptOffer(ds: DataSource, origin: Origin, id: string, clubId?: string): Promise<{ waitlistEntry: Entry; reservation: Reservation }> {
  return transaction(ds, async (tx) => {
    const e = await lockForChange(tx, origin.tenantId, id, clubId);
    if (e.status === 'ACCEPTED' && e.booking_id) {
      return { waitlistEntry: toEntry(e), reservation: toReservation(await getBooking(tx, origin.tenantId, e.booking_id)) };
    }
    if (e.status !== 'OFFERED') throw notOffered(e);
    if (e.offer_expires_at! <= new Date()) throw conflict('OFFER_EXPIRED', `the offer expired at ${e.offer_expires_at!.toISOString()}`);
    // Releasing the hold and booking happen under the resource lock: nobody can take the seat in between.
    await rows(tx, "UPDATE waitlist_entries SET status = 'ACCEPTED', accepted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2", [e.tenant_id, e.id]);
    const booking = await insertBooking(tx, origin, {
      customerId: e.customer_id, resourceId: e.resource_id, startTime: e.desired_start.toISOString(), endTime: e.desired_end.toISOString(),
      seats: e.seats, status: 'confirmed',
    });
    const row = (await one<EntryRow>(tx, 'UPDATE waitlist_entries SET booking_id = $3 WHERE tenant_id = $1 AND id = $2 RETURNING *', [e.tenant_id, e.id, booking.id]))!;
    await removeJobs(tx, [expireJobKey(e.tenant_id, e.id)]);
    await recordEntryEvent(tx, origin, 'waitlist.accepted', row, { booking });
    return { waitlistEntry: toEntry(row), reservation: toReservation(booking) };
  });
}

/** Declines an offer: the entry returns to the queue (requeueOnDecline) or is cancelled (`remove`). */
export async function declineOffer(ds: DataSource, origin: Origin, id: string, opts: { clubId?: string; remove?: boolean } = {}): Promise<Entry> {
  return transaction(ds, async (tx) => {
    const e = await lockForChange(tx, origin.tenantId, id, opts.clubId);
    if (e.status !== 'OFFERED') throw notOffered(e);
    if (e.offer_expires_at! <= new Date()) throw conflict('OFFER_EXPIRED', `the offer expired at ${e.offer_expires_at!.toISOString()}`);
    const settings = await getWaitlistSettings(tx, origin.tenantId);
    const requeue = settings.requeueOnDecline && !opts.remove;
    const row = (await one<EntryRow>(tx, `
      UPDATE waitlist_entries SET status = $3, offered_at = NULL, offer_expires_at = NULL,
        cancelled_at = CASE WHEN $3 = 'CANCELLED' THEN now() ELSE cancelled_at END,
        cancel_reason = CASE WHEN $3 = 'CANCELLED' THEN 'declined the offer' ELSE cancel_reason END, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`, [e.tenant_id, e.id, requeue ? 'ACTIVE' : 'CANCELLED']))!;
    await recordEntryEvent(tx, origin, 'waitlist.declined', row, { requeued: requeue });
    await freeHeldSeat(tx, origin, e, 'offer_declined');
    return toEntry(row);
  });
}

/**
 * Expires an offer (the expiry job at offerExpiresAt, or an admin). The entry stays EXPIRED, or returns to the
 * queue with requeueOnExpiry. From the job (`ifDueAt`), a no-op unless that very offer is still open.
 */
export async function expireOffer(ds: DataSource, origin: Origin, id: string, opts: { clubId?: string; ifDueAt?: string } = {}): Promise<Entry | null> {
  return transaction(ds, async (tx) => {
    const e = await lockForChange(tx, origin.tenantId, id, opts.clubId);
    if (e.status !== 'OFFERED') {
      if (opts.ifDueAt) return null;
      throw notOffered(e);
    }
    if (opts.ifDueAt && e.offer_expires_at!.toISOString() !== opts.ifDueAt) return null; // a newer offer: its own job
    const settings = await getWaitlistSettings(tx, origin.tenantId);
    const row = (await one<EntryRow>(tx, `
      UPDATE waitlist_entries SET status = $3, offer_expires_at = CASE WHEN $3 = 'ACTIVE' THEN NULL ELSE least(offer_expires_at, now()) END,
        offered_at = CASE WHEN $3 = 'ACTIVE' THEN NULL ELSE offered_at END, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`, [e.tenant_id, e.id, settings.requeueOnExpiry ? 'ACTIVE' : 'EXPIRED']))!;
    await recordEntryEvent(tx, origin, 'waitlist.expired', row, { requeued: settings.requeueOnExpiry });
    await freeHeldSeat(tx, origin, e, 'offer_expired');
    return toEntry(row);
  });
}

/** Cancels an entry (member or admin). Cancelling an offered entry frees its held seat. Cancelling twice is a no-op. */
export async function cancelEntry(ds: DataSource, origin: Origin, id: string, opts: { clubId?: string; reason?: string | null } = {}): Promise<Entry> {
  return transaction(ds, async (tx) => {
    const e = await lockForChange(tx, origin.tenantId, id, opts.clubId);
    if (e.status === 'CANCELLED') return toEntry(e);
    if (e.status === 'ACCEPTED') throw conflict('ALREADY_ACCEPTED', 'this entry was accepted and has a reservation; cancel the booking instead');
    const row = (await one<EntryRow>(tx, `
      UPDATE waitlist_entries SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = $3, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`, [e.tenant_id, e.id, opts.reason ?? null]))!;
    await recordEntryEvent(tx, origin, 'waitlist.cancelled', row, { reason: opts.reason ?? null, wasOffered: e.status === 'OFFERED' });
    if (e.status === 'OFFERED' && e.offer_expires_at! > new Date()) await freeHeldSeat(tx, origin, e, 'offer_cancelled');
    return toEntry(row);
  });
}

/** An admin offers a seat by hand, until `offerExpiresAt` (409 NO_CAPACITY when no seat is free for the interval). */
export async function manualOffer(ds: DataSource, origin: Origin, id: string, opts: { clubId?: string; offerExpiresAt: string }): Promise<Entry> {
  const expiresAt = new Date(opts.offerExpiresAt);
  if (expiresAt <= new Date()) throw invalid('offerExpiresAt must be in the future', [{ pointer: '/offerExpiresAt', in: 'body', message: 'must be in the future' }]);
  return transaction(ds, async (tx) => {
    const e = await lockForChange(tx, origin.tenantId, id, opts.clubId);
    if (expiresAt > e.desired_start) {
      throw invalid('an offer cannot outlive the start of the slot', [{ pointer: '/offerExpiresAt', in: 'body', message: `must be before desiredStart ${e.desired_start.toISOString()}` }]);
    }
    if (e.status !== 'ACTIVE' && e.status !== 'EXPIRED') throw conflict('NOT_WAITING', `this entry is ${e.status}; only ACTIVE or EXPIRED entries can get an offer`);
    const resource = await lockResource(tx, origin.tenantId, e.resource_id);
    const free = await freeSeats(tx, { tenantId: origin.tenantId, resourceId: e.resource_id, start: e.desired_start, end: e.desired_end, capacity: resource.capacity });
    if (free < e.seats) throw conflict('NO_CAPACITY', `no free seat for this slot (${free} free, ${e.seats} needed)`);
    return toEntry(await makeOffer(tx, origin, e, expiresAt, `manual:${e.id}:${Date.now()}`));
  });
}

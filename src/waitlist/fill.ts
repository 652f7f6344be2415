// Allocation: freed capacity on a resource -> the waiting entries that fit, in priority order -> an offer (a held
// seat until offerExpiresAt) or, in auto_assign mode, a booking. Runs inside one transaction that holds the
// resource's row lock, so two allocations (or an allocation and a booking) can never take the same seat.
// Every decision is stored with its explanation: the candidates, their scores, and why any were skipped.
import type { EntityManager } from 'typeorm';
import { one, rows } from '../db/sql.js';
import { insertBooking } from '../domain/bookings.js';
import { freeSeats, lockResource } from '../domain/capacity.js';
import { DomainError } from '../domain/errors.js';
import type { Origin } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { addJobs, jobKey } from '../worker/jobs.js';
import { allocationOrder, MEMBER_BOOKING_SQL, recordEntryEvent, type EntryRow } from './entries.js';
import { getWaitlistSettings, type WaitlistSettings } from './settings.js';

export const EXPIRE_TASK = 'waitlist_expire';
export const expireJobKey = (tenantId: string, entryId: string): string => jobKey('wl-expire', tenantId, entryId);

/** The freed capacity to allocate; `occurrence` identifies the freed seat across the offers made for it. */
export interface FreedSlot {
  resourceId: string;
  startTime: string;
  /** null: open-ended (capacity increased from now on). */
  endTime: string | null;
  seats: number;
  reason: string;
  occurrence: string;
}

export type SkipReason = 'CONFLICT' | 'NO_ROOM' | 'ALREADY_DECLINED' | 'TOO_LATE';

export interface Candidate {
  entryId: string; memberId: string; desiredStart: string; desiredEnd: string; seats: number;
  priorityScore: number; scoreComponents: Record<string, number>; joinedAt: string;
  result: 'offered' | 'assigned' | 'skipped';
  reason: SkipReason | null;
  offerExpiresAt?: string;
  bookingId?: string;
  /** NO_ROOM: the seats still free when their turn came (0: those ahead took them). */
  freeSeats?: number;
}

/** A candidate passed over, as previews and summaries show it. */
export const passedOver = (c: Candidate) => ({
  entryId: c.entryId, memberId: c.memberId, seats: c.seats, reason: c.reason, ...(c.freeSeats === undefined ? {} : { freeSeats: c.freeSeats }),
});

export interface Decision {
  id: string;
  resourceId: string;
  occurrence: string;
  trigger: string;
  slot: FreedSlot;
  mode: WaitlistSettings['mode'];
  candidates: Candidate[];
  outcome: { offered: number; assigned: number; note: string | null };
  createdAt: string;
}

const MAX_CANDIDATES = 200;

/** Offers expire after the window, but never later than the slot's start minus the minimum lead time. */
export function offerDeadline(settings: WaitlistSettings, desiredStart: Date, now = new Date()): Date {
  const window = new Date(now.getTime() + settings.offerWindowMinutes * 60_000);
  const lead = new Date(desiredStart.getTime() - settings.minLeadMinutes * 60_000);
  return window < lead ? window : lead;
}

/** Makes an offer to one entry (the caller holds the resource lock and checked the room). */
export async function makeOffer(tx: EntityManager, origin: Origin, entry: EntryRow, expiresAt: Date, occurrence: string): Promise<EntryRow> {
  const row = (await one<EntryRow>(tx, `
    UPDATE waitlist_entries SET status = 'OFFERED', offered_at = now(), offer_expires_at = $3, offer_occurrence = $4, updated_at = now()
    WHERE tenant_id = $1 AND id = $2 RETURNING *`, [entry.tenant_id, entry.id, expiresAt, occurrence]))!;
  await recordEntryEvent(tx, origin, 'waitlist.offered', row, { offer: { expiresAt: expiresAt.toISOString() } });
  await addJobs(tx, [{
    task: EXPIRE_TASK, payload: { tenantId: entry.tenant_id, entryId: entry.id, expiresAt: expiresAt.toISOString() },
    runAt: expiresAt, jobKey: expireJobKey(entry.tenant_id, entry.id), maxAttempts: 10,
  }]);
  return row;
}

async function assign(tx: EntityManager, origin: Origin, entry: EntryRow): Promise<EntryRow> {
  await rows(tx, "UPDATE waitlist_entries SET status = 'ACCEPTED', accepted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2", [entry.tenant_id, entry.id]);
  const booking = await insertBooking(tx, origin, {
    customerId: entry.customer_id, resourceId: entry.resource_id, startTime: entry.desired_start.toISOString(),
    endTime: entry.desired_end.toISOString(), seats: entry.seats, status: 'confirmed',
  });
  const row = (await one<EntryRow>(tx, 'UPDATE waitlist_entries SET booking_id = $3 WHERE tenant_id = $1 AND id = $2 RETURNING *', [entry.tenant_id, entry.id, booking.id]))!;
  await recordEntryEvent(tx, origin, 'waitlist.assigned', row, { booking });
  return row;
}

/**
 * A booking of the member ($2) that holds a seat, or another open offer of theirs, overlapping [$3, $4); $5 is the
 * entry itself. Served by the member's holding-bookings index (migrations/1763800000013), not their whole history.
 */
export const MEMBER_CONFLICT_SQL = `
    ${MEMBER_BOOKING_SQL}
    UNION ALL
    SELECT 1 FROM waitlist_entries WHERE tenant_id = $1 AND customer_id = $2 AND status = 'OFFERED' AND offer_expires_at > now()
      AND id <> $5 AND desired_start < $4 AND desired_end > $3
    LIMIT 1`;

/** Does the member already hold a booking (or another offer) overlapping this entry's interval? */
async function hasConflict(tx: EntityManager, e: EntryRow): Promise<boolean> {
  return Boolean(await one(tx, MEMBER_CONFLICT_SQL, [e.tenant_id, e.customer_id, e.desired_start, e.desired_end, e.id]));
}

/** Entries ($3) that declined (or let expire) an offer made for this freeing of a seat ($2: its occurrence). */
const DECLINED_HERE_SQL = 'SELECT entry_id FROM waitlist_offer_outcomes WHERE tenant_id = $1 AND occurrence = $2 AND entry_id = ANY($3)';

/**
 * The reconciler fills whatever is free, not one freeing: an entry that declined (or let expire, or had cancelled) an
 * offer is passed over until a seat overlapping its interval is freed again after that (a freeing that is not the end
 * of an offer: those pass the seat on). No occurrence is asked: any freeing on the resource may be the latest.
 */
const SEAT_PASSED_SQL = `
    SELECT DISTINCT o.entry_id FROM waitlist_offer_outcomes o
    JOIN waitlist_entries e ON e.tenant_id = o.tenant_id AND e.id = o.entry_id
    WHERE o.tenant_id = $1 AND o.entry_id = ANY($2)
      AND NOT EXISTS (
        SELECT 1 FROM events ev
        WHERE ev.tenant_id = o.tenant_id AND ev.subject_type = 'resource' AND ev.subject_id = e.resource_id AND ev.type = 'slot.freed'
          AND ev.occurred_at > o.at AND ev.data->>'reason' NOT LIKE 'offer\\_%'
          AND (ev.data->>'startTime')::timestamptz < e.desired_end
          AND coalesce((ev.data->>'endTime')::timestamptz, 'infinity') > e.desired_start)`;

/**
 * Allocates freed capacity. Returns the stored decision, or null when there was nothing to decide (the waitlist is
 * off, or nobody waits for that interval). `record: 'always'` stores a decision even when nothing was allocated.
 */
export async function fillFreedSlot(tx: EntityManager, origin: Origin, slot: FreedSlot, opts: { trigger: string; record?: 'always' | 'when_allocated' }): Promise<Decision | null> {
  const tenantId = origin.tenantId;
  const settings = await getWaitlistSettings(tx, tenantId);
  if (!settings.enabled) return null;
  const resource = await lockResource(tx, tenantId, slot.resourceId);
  const entries = await rows<EntryRow>(tx, `
    SELECT * FROM waitlist_entries
    WHERE tenant_id = $1 AND resource_id = $2 AND status = 'ACTIVE' AND desired_start > now()
      AND desired_start < coalesce($4::timestamptz, 'infinity') AND desired_end > $3
    ORDER BY ${allocationOrder(settings.priority)} LIMIT ${MAX_CANDIDATES} FOR UPDATE`,
  [tenantId, slot.resourceId, slot.startTime, slot.endTime]);
  if (!entries.length) return null;
  const ids = entries.map((e) => e.id);
  const declined = new Set((opts.trigger === 'reconcile'
    ? await rows<{ entry_id: string }>(tx, SEAT_PASSED_SQL, [tenantId, ids])
    : await rows<{ entry_id: string }>(tx, DECLINED_HERE_SQL, [tenantId, slot.occurrence, ids])).map((r) => r.entry_id));

  const now = new Date();
  const candidates: Candidate[] = [];
  for (const e of entries) {
    const c: Candidate = {
      entryId: e.id, memberId: e.customer_id, desiredStart: e.desired_start.toISOString(), desiredEnd: e.desired_end.toISOString(),
      seats: e.seats, priorityScore: e.priority_score, scoreComponents: e.score_components, joinedAt: e.created_at.toISOString(),
      result: 'skipped', reason: null,
    };
    candidates.push(c);
    if (declined.has(e.id)) { c.reason = 'ALREADY_DECLINED'; continue; }
    if (await hasConflict(tx, e)) { c.reason = 'CONFLICT'; continue; }
    const free = await freeSeats(tx, { tenantId, resourceId: e.resource_id, start: e.desired_start, end: e.desired_end, capacity: resource.capacity });
    if (free < e.seats) { c.reason = 'NO_ROOM'; c.freeSeats = free; continue; }
    const lead = new Date(e.desired_start.getTime() - settings.minLeadMinutes * 60_000);
    const late = now >= lead;
    if (late && settings.lateFreedPolicy === 'skip') { c.reason = 'TOO_LATE'; continue; }
    if (late || settings.mode === 'auto_assign') {
      try {
        const row = await assign(tx, origin, e);
        c.result = 'assigned';
        c.bookingId = row.booking_id!;
      } catch (err) {
        if (err instanceof DomainError && err.code === 'SLOT_FULL') { c.reason = 'NO_ROOM'; continue; }
        throw err;
      }
    } else {
      const expiresAt = offerDeadline(settings, e.desired_start, now);
      await makeOffer(tx, origin, e, expiresAt, slot.occurrence);
      c.result = 'offered';
      c.offerExpiresAt = expiresAt.toISOString();
    }
  }
  const offered = candidates.filter((c) => c.result === 'offered').length;
  const assigned = candidates.filter((c) => c.result === 'assigned').length;
  if (!offered && !assigned && opts.record === 'when_allocated') return null;
  const decision: Decision = {
    id: newId('dec'), resourceId: slot.resourceId, occurrence: slot.occurrence, trigger: opts.trigger, slot, mode: settings.mode, candidates,
    outcome: { offered, assigned, note: offered || assigned ? null : 'no waiting entry fits the freed capacity' },
    createdAt: now.toISOString(),
  };
  await rows(tx, `
    INSERT INTO waitlist_decisions (tenant_id, id, resource_id, occurrence, trigger, slot, mode, candidates, outcome, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  [tenantId, decision.id, slot.resourceId, slot.occurrence, opts.trigger, JSON.stringify(slot), settings.mode,
    JSON.stringify(candidates), JSON.stringify(decision.outcome), now]);
  await rows(tx, 'UPDATE waitlist_entries SET last_decision_id = $3 WHERE tenant_id = $1 AND id = ANY($2)', [tenantId, candidates.map((c) => c.entryId), decision.id]);
  return decision;
}

export async function getDecision(db: EntityManager | import('typeorm').DataSource, tenantId: string, id: string | null): Promise<Decision | null> {
  if (!id) return null;
  const r = await one<Record<string, any>>(db, 'SELECT * FROM waitlist_decisions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  if (!r) return null;
  return {
    id: r.id, resourceId: r.resource_id, occurrence: r.occurrence, trigger: r.trigger, slot: r.slot, mode: r.mode,
    candidates: r.candidates, outcome: r.outcome, createdAt: (r.created_at as Date).toISOString(),
  };
}

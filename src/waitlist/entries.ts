// Waitlist entries as the facility waitlist API shows them (clubId = location, memberId = customer,
// reservation = booking), joining, listing and reading one with its position and last allocation decision.
import type { DataSource, EntityManager } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, pgCode, rows, transaction } from '../db/sql.js';
import { freeSeats, lockResource } from '../domain/capacity.js';
import { conflict, DomainError, invalid, notFound } from '../domain/errors.js';
import { record, type Origin } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { decodeCursor, encodeCursor, pageQuery, type Page } from '../domain/store.js';
import { priorityRules } from './rules.js';
import { getWaitlistSettings } from './settings.js';

export const STATUSES = ['ACTIVE', 'OFFERED', 'ACCEPTED', 'EXPIRED', 'CANCELLED'] as const;
export type EntryStatus = (typeof STATUSES)[number];

export interface EntryRow {
  tenant_id: string; id: string; location_id: string; resource_id: string; customer_id: string;
  desired_start: Date; desired_end: Date; seats: number; priority_score: number; score_components: Record<string, number>;
  status: EntryStatus; offered_at: Date | null; offer_expires_at: Date | null; offer_occurrence: string | null;
  accepted_at: Date | null; cancelled_at: Date | null; cancel_reason: string | null; booking_id: string | null;
  last_decision_id: string | null; created_at: Date; updated_at: Date;
}

export interface Entry {
  id: string; tenantId: string; clubId: string; resourceId: string; memberId: string;
  desiredStart: string; desiredEnd: string; seats: number; priorityScore: number; scoreComponents: Record<string, number>;
  status: EntryStatus; offeredAt: string | null; offerExpiresAt: string | null; acceptedAt: string | null;
  cancelledAt: string | null; cancelReason: string | null; reservationId: string | null; createdAt: string; updatedAt: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toEntry = (r: EntryRow): Entry => ({
  id: r.id, tenantId: r.tenant_id, clubId: r.location_id, resourceId: r.resource_id, memberId: r.customer_id,
  desiredStart: r.desired_start.toISOString(), desiredEnd: r.desired_end.toISOString(), seats: r.seats,
  priorityScore: r.priority_score, scoreComponents: r.score_components, status: r.status,
  offeredAt: iso(r.offered_at), offerExpiresAt: iso(r.offer_expires_at), acceptedAt: iso(r.accepted_at),
  cancelledAt: iso(r.cancelled_at), cancelReason: r.cancel_reason, reservationId: r.booking_id,
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

/** The entry's event: the entry plus the ids the run context is loaded from (member, resource, reservation). */
export async function recordEntryEvent(tx: EntityManager, origin: Origin, type: `waitlist.${string}`, row: EntryRow, extra: Record<string, unknown> = {}): Promise<void> {
  await record(tx, origin, {
    type: type as never,
    subject: { type: 'waitlist_entry', id: row.id },
    data: {
      entry: toEntry(row), memberId: row.customer_id, resourceId: row.resource_id, locationId: row.location_id,
      bookingId: row.booking_id, ...extra,
    },
  });
}

export async function lockEntry(tx: EntityManager, tenantId: string, id: string): Promise<EntryRow> {
  const r = await one<EntryRow>(tx, 'SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
  if (!r) throw notFound('waitlist entry', id);
  return r;
}

export async function getEntryRow(db: Queryable, tenantId: string, id: string, clubId?: string): Promise<EntryRow> {
  const r = await one<EntryRow>(db, 'SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  // An entry of another club answers like one that does not exist.
  if (!r || (clubId !== undefined && r.location_id !== clubId)) throw notFound('waitlist entry', id);
  return r;
}

export interface JoinInput {
  clubId: string;
  resourceId: string;
  memberId: string;
  desiredStart: string;
  desiredEnd: string;
  seats?: number;
}

/** A booking of the member ($2) that holds a seat overlapping [$3, $4) (tenant $1): the member's holding index. */
export const MEMBER_BOOKING_SQL = `
    SELECT 1 FROM bookings WHERE tenant_id = $1 AND customer_id = $2 AND status IN ('pending', 'confirmed')
      AND start_time < $4 AND end_time > $3`;

/**
 * Joins the waitlist for a full slot. Refused when the waitlist is off (WAITLIST_DISABLED), when the slot has
 * room (SLOT_AVAILABLE: book it directly), when the member already waits for it (ALREADY_WAITING) or holds a booking
 * then (ALREADY_BOOKED), or when it wants more seats than the resource has (SEATS_EXCEED_CAPACITY).
 */
export async function joinWaitlist(ds: DataSource, origin: Origin, input: JoinInput): Promise<Entry> {
  const start = new Date(input.desiredStart);
  const end = new Date(input.desiredEnd);
  if (end <= start) throw invalid('desiredEnd must be after desiredStart', [{ pointer: '/desiredEnd', in: 'body', message: 'must be after desiredStart' }]);
  if (start.getTime() <= Date.now()) throw invalid('desiredStart must be in the future', [{ pointer: '/desiredStart', in: 'body', message: 'must be in the future' }]);
  const seats = input.seats ?? 1;
  const tenantId = origin.tenantId;
  try {
    return await transaction(ds, async (tx) => {
      const settings = await getWaitlistSettings(tx, tenantId);
      if (!settings.enabled) throw conflict('WAITLIST_DISABLED', 'the waitlist is turned off for this club; book a free slot instead');
      const resource = await lockResource(tx, tenantId, input.resourceId, '/resourceId');
      if (resource.location_id !== input.clubId) {
        throw new DomainError(404, 'NOT_FOUND', `resource ${JSON.stringify(input.resourceId)} does not exist in club ${JSON.stringify(input.clubId)}`,
          [{ pointer: '/resourceId', in: 'body', message: 'no such resource in this club' }]);
      }
      // An entry that could never be served is refused now, not skipped at every freed seat: more seats than the
      // resource has, or a member who already holds a booking at that time (fill skips them: CONFLICT).
      if (seats > resource.capacity) {
        throw new DomainError(409, 'SEATS_EXCEED_CAPACITY', `the resource has ${resource.capacity} seat(s); this entry asks for ${seats}`,
          [{ pointer: '/seats', in: 'body', message: `must be at most the resource's capacity (${resource.capacity})` }]);
      }
      const member = await one<{ tier: string | null }>(tx, 'SELECT tier FROM customers WHERE tenant_id = $1 AND id = $2', [tenantId, input.memberId]);
      if (!member) throw notFound('member', input.memberId, '/memberId');
      if (await one(tx, `${MEMBER_BOOKING_SQL} LIMIT 1`, [tenantId, input.memberId, start, end])) {
        throw conflict('ALREADY_BOOKED', 'this member already holds a booking at that time; the waitlist would pass them over');
      }
      const free = await freeSeats(tx, { tenantId, resourceId: input.resourceId, start, end, capacity: resource.capacity });
      if (free >= seats) throw conflict('SLOT_AVAILABLE', `the slot has ${free} free seat(s): book it directly instead of joining the waitlist`, { freeSeats: free });
      const waiting = await one(tx, `
        SELECT 1 FROM waitlist_entries WHERE tenant_id = $1 AND resource_id = $2 AND customer_id = $3 AND desired_start = $4 AND desired_end = $5
          AND status IN ('ACTIVE', 'OFFERED')`, [tenantId, input.resourceId, input.memberId, start, end]);
      if (waiting) throw conflict('ALREADY_WAITING', 'this member already waits for (or holds an offer for) this slot');
      const now = new Date();
      const { score, components } = priorityRules().score({ joinedAt: now, desiredStart: start, tier: member.tier }, settings);
      const row = (await one<EntryRow>(tx, `
        INSERT INTO waitlist_entries (tenant_id, id, location_id, resource_id, customer_id, desired_start, desired_end, seats,
                                      priority_score, score_components, status, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ACTIVE', $11, $11) RETURNING *`,
      [tenantId, newId('wl'), input.clubId, input.resourceId, input.memberId, start, end, seats, score, JSON.stringify(components), now]))!;
      await recordEntryEvent(tx, origin, 'waitlist.joined', row);
      return toEntry(row);
    });
  } catch (err) {
    if (pgCode(err) === '23505') throw conflict('ALREADY_WAITING', 'this member already waits for (or holds an offer for) this slot');
    throw err;
  }
}

export interface EntryFilter {
  clubId?: string; resourceId?: string; memberId?: string; status?: EntryStatus;
  /** Entries whose desired start is at or after this instant. */
  desiredFrom?: string;
  /** Entries whose desired start is before this instant. */
  desiredTo?: string;
  cursor?: string; limit: number;
}

/**
 * Entries by desired start, then id (the order the cursor pages in); an entry's `position` (GET one) is its place
 * in the queue, which follows the tenant's priority setting.
 */
export async function listEntries(db: Queryable, tenantId: string, f: EntryFilter): Promise<Page<Entry>> {
  const after = decodeCursor(f.cursor);
  const rs = await pageQuery(after, () => rows<EntryRow & { cursor_start: string }>(db, `
    SELECT *, desired_start::text AS cursor_start FROM waitlist_entries
    WHERE tenant_id = $1
      AND ($2::text IS NULL OR location_id = $2) AND ($3::text IS NULL OR resource_id = $3) AND ($4::text IS NULL OR customer_id = $4)
      AND ($5::text IS NULL OR status = $5) AND ($6::timestamptz IS NULL OR desired_start >= $6) AND ($7::timestamptz IS NULL OR desired_start < $7)
      AND ($8::text IS NULL OR (desired_start, id) > ($8::timestamptz, $9))
    ORDER BY desired_start, id LIMIT $10`,
  [tenantId, f.clubId ?? null, f.resourceId ?? null, f.memberId ?? null, f.status ?? null, f.desiredFrom ?? null, f.desiredTo ?? null,
    after?.[0] ?? null, after?.[1] ?? null, f.limit + 1]));
  const more = rs.length > f.limit;
  const items = more ? rs.slice(0, f.limit) : rs;
  const last = items[items.length - 1];
  return { items: items.map(toEntry), nextCursor: more && last ? encodeCursor([last.cursor_start, last.id]) : null };
}

/** SQL ORDER BY for allocation, per the tenant's priority setting. */
export const allocationOrder = (priority: 'score' | 'fifo'): string =>
  priority === 'fifo' ? 'created_at, id' : 'priority_score DESC, created_at, id';

/** positionOf for a page of entries, in one query: entry id -> position (ACTIVE entries only). */
export async function positionsOf(db: Queryable, tenantId: string, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const settings = await getWaitlistSettings(db, tenantId);
  const found = await rows<{ id: string; position: number }>(db, `
    SELECT id, position::int FROM (
      SELECT id, row_number() OVER (PARTITION BY resource_id, desired_start, desired_end ORDER BY ${allocationOrder(settings.priority)}) AS position
      FROM waitlist_entries
      WHERE tenant_id = $1 AND status = 'ACTIVE' AND (resource_id, desired_start, desired_end) IN (
        SELECT resource_id, desired_start, desired_end FROM waitlist_entries WHERE tenant_id = $1 AND id = ANY($2) AND status = 'ACTIVE')
    ) q WHERE id = ANY($2)`, [tenantId, ids]);
  return new Map(found.map((r) => [r.id, r.position]));
}

/** 1-based position among the waiting entries for the same slot (resource and desired interval), or null. */
export async function positionOf(db: Queryable, row: EntryRow): Promise<number | null> {
  if (row.status !== 'ACTIVE') return null;
  const settings = await getWaitlistSettings(db, row.tenant_id);
  const r = await one<{ position: number }>(db, `
    SELECT position::int FROM (
      SELECT id, row_number() OVER (ORDER BY ${allocationOrder(settings.priority)}) AS position
      FROM waitlist_entries
      WHERE tenant_id = $1 AND resource_id = $2 AND desired_start = $3 AND desired_end = $4 AND status = 'ACTIVE'
    ) q WHERE id = $5`, [row.tenant_id, row.resource_id, row.desired_start, row.desired_end, row.id]);
  return r?.position ?? null;
}

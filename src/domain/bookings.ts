// Bookings: a customer's hold on a resource for [startTime, endTime) with some seats and a status.
// Each change records its events in the same transaction; every change that frees capacity records `slot.freed`.
//
// Lock order, everywhere: the booking row first, then resource rows (sorted by id). Sticking to it keeps two
// transactions from waiting on each other forever.
import type { DataSource, EntityManager } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, retryConflicts, transaction } from '../db/sql.js';
import { freeSeats, HOLDING_STATUSES, lockResources } from './capacity.js';
import { conflict, invalid, notFound } from './errors.js';
import { record, recordReadingWorkflowsVersion, type Origin, type SlotFreedReason } from './events.js';
import { newId } from './ids.js';
import { sharedWorkflowsLock } from './workflows-lock.js';
import { deleteRow, listRows, toApi, translateConstraint, updateRow, type Page } from './store.js';

export const BOOKING_STATUSES = ['pending', 'confirmed', 'declined', 'cancelled', 'not_taken', 'completed'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Allowed moves; declined, cancelled, not_taken and completed are final. */
export const TRANSITIONS: Record<BookingStatus, BookingStatus[]> = {
  pending: ['confirmed', 'declined', 'cancelled'],
  confirmed: ['cancelled', 'not_taken', 'completed'],
  declined: [],
  cancelled: [],
  not_taken: [],
  completed: [],
};

/** The `slot.freed` reason for a status that releases capacity (completed does not: the time was used). */
export const FREEING_REASON: Partial<Record<BookingStatus, SlotFreedReason>> = {
  cancelled: 'cancelled',
  declined: 'declined',
  not_taken: 'not_taken',
};

export interface Booking {
  id: string;
  customerId: string;
  resourceId: string;
  serviceId: string | null;
  startTime: string;
  endTime: string;
  seats: number;
  status: BookingStatus;
  language: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export const holdsCapacity = (status: string): boolean => (HOLDING_STATUSES as readonly string[]).includes(status);

/** Fields a PATCH may change; each change is reported in `booking.changed` with its previous value. */
export const CHANGEABLE_FIELDS = ['startTime', 'endTime', 'resourceId', 'serviceId', 'seats', 'language', 'notes'] as const;
type Changes = Partial<Record<(typeof CHANGEABLE_FIELDS)[number], { from: unknown; to: unknown }>>;

export interface BookingChange {
  before: Booking | null;
  after: Booking | null;
}
/**
 * Hooks run inside the transaction of every booking change, after the change and its events are written.
 * The engine uses this to reconcile time-offset reminders in the same transaction as the change itself.
 */
type BookingHook = (tx: EntityManager, origin: Origin, change: BookingChange) => Promise<void>;
/**
 * When a hook has nothing to do for a new booking of this tenant: the tenant's workflows_version at which that holds
 * (from what the process already knows, without asking the database), or undefined when it may have something to do or
 * cannot tell. Booking creation skips the hooks' transaction then, on the condition that the version is still that.
 */
type IdleWhen = (ds: DataSource, tenantId: string) => string | undefined;
const hooks: { hook: BookingHook; idleAt?: IdleWhen }[] = [];
export function onBookingChange(hook: BookingHook, opts: { idleAt?: IdleWhen } = {}): void {
  hooks.push({ hook, idleAt: opts.idleAt });
}

/** The workflows_version at which every hook has nothing to do for a new booking of the tenant, if there is one. */
function hooksIdleAt(ds: DataSource, tenantId: string): string | undefined {
  let version: string | undefined;
  for (const { idleAt } of hooks) {
    const v = idleAt?.(ds, tenantId);
    if (v === undefined || (version !== undefined && v !== version)) return undefined;
    version = v;
  }
  return version;
}

/**
 * While the hooks of a change run: the tenant's `workflows_version` as the statement that recorded the change's
 * event read it, a statement or two earlier in the same transaction, with nothing in between that waits on a lock.
 * The engine reads it here instead of in a statement of its own. Never kept past the hooks: a version read in one
 * transaction, or before a lock wait, could miss a workflow committed meanwhile.
 */
const versionInHooks = new WeakMap<EntityManager, { tenantId: string; version: string }>();
export function workflowsVersionInHooks(tx: EntityManager, tenantId: string): string | undefined {
  const v = versionInHooks.get(tx);
  return v?.tenantId === tenantId ? v.version : undefined;
}

async function runHooks(tx: EntityManager, origin: Origin, change: BookingChange, workflowsVersion: string): Promise<void> {
  versionInHooks.set(tx, { tenantId: origin.tenantId, version: workflowsVersion });
  try {
    for (const { hook } of hooks) await hook(tx, origin, change);
  } finally {
    versionInHooks.delete(tx);
  }
}

const toBooking = (r: Record<string, unknown>): Booking => toApi<Booking>(r);

/** Locks a booking to change it, and shares the lock on its tenant's workflows (see workflows-lock.ts). */
async function lockBooking(tx: EntityManager, tenantId: string, id: string): Promise<Booking> {
  const r = await one(tx, `SELECT b.* FROM ${sharedWorkflowsLock('$1::text')}, bookings b WHERE b.tenant_id = $1 AND b.id = $2 FOR UPDATE OF b`, [tenantId, id]);
  if (!r) throw notFound('booking', id);
  return toBooking(r);
}

function slotFull(seats: number, free: number): never {
  throw conflict('SLOT_FULL', free <= 0
    ? 'the resource has no free seat for the whole requested interval; choose another time or resource, or join the waiting list'
    : `only ${free} seat(s) are free for the whole requested interval, ${seats} requested`, { freeSeats: Math.max(free, 0) });
}

async function recordFreed(tx: EntityManager, origin: Origin, b: Booking, reason: SlotFreedReason, seats: number, locationId: string): Promise<void> {
  await record(tx, origin, {
    type: 'slot.freed',
    subject: { type: 'resource', id: b.resourceId },
    data: { resourceId: b.resourceId, locationId, startTime: b.startTime, endTime: b.endTime, seats, reason, bookingId: b.id },
  });
}

export interface BookingInput {
  id?: string;
  customerId: string;
  resourceId: string;
  serviceId?: string | null;
  startTime: string;
  endTime: string;
  seats?: number;
  status?: 'pending' | 'confirmed';
  language?: string | null;
  notes?: string | null;
}

interface Created {
  /** The new booking in the API's shape, built by the statement (null: nothing was inserted). */
  booking: Booking | null;
  free: number;
  workflowsVersion: string;
  resourceMissing?: true;
}

/**
 * Locks the resource, checks the free seats, inserts the booking, and records `booking.created` with its dispatch job:
 * one call of `bookflow_create_booking` (migrations/1763800000014-booking-routines.ts, which says why a function).
 * Inside a transaction it is one statement of it; on the data source it is its own transaction. With `idleVersion`,
 * nothing is inserted unless the tenant's workflows_version is still that one (see createBooking).
 * The booking answered is the one the event carries; a test holds it equal to what GET /api/bookings/:id answers.
 */
async function insertIfFree(db: Queryable, origin: Origin, b: BookingInput & { seats: number; status: string }, idleVersion: string | null): Promise<Created> {
  let r: { created: Created } | undefined;
  try {
    r = await one<{ created: Created }>(db, 'SELECT bookflow_create_booking($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS created', [
      origin.tenantId, b.id ?? newId('bk'), b.customerId, b.resourceId, b.serviceId ?? null, b.startTime, b.endTime, b.seats, b.status,
      b.language ?? null, b.notes ?? null, origin.depth ?? 0, origin.causedByRun ?? null, idleVersion,
    ]);
  } catch (err) {
    translateConstraint(err, 'booking');
  }
  const created = r!.created;
  if (created.resourceMissing) throw notFound('resource', b.resourceId, '/resourceId');
  return created;
}

const withDefaults = (input: BookingInput) => ({ ...input, seats: input.seats ?? 1, status: input.status ?? 'confirmed' });

/** Creates a booking in `tx` (callers that need more in the same transaction, like a waitlist accept). */
export async function insertBooking(tx: EntityManager, origin: Origin, input: BookingInput): Promise<Booking> {
  const b = withDefaults(input);
  const { booking, free, workflowsVersion } = await insertIfFree(tx, origin, b, null);
  if (!booking) slotFull(b.seats, free);
  await runHooks(tx, origin, { before: null, after: booking }, workflowsVersion);
  return booking;
}

/**
 * Creates a booking. When every booking hook says it has nothing to do for the tenant at its current workflows
 * version (no reminder workflows, the usual case), the booking is made by one statement in a transaction of its own,
 * which inserts nothing if that version has moved meanwhile; otherwise (or then) in a transaction that runs the hooks.
 */
export async function createBooking(ds: DataSource, origin: Origin, input: BookingInput): Promise<Booking> {
  const idle = hooksIdleAt(ds, origin.tenantId);
  if (idle !== undefined) {
    const b = withDefaults(input);
    const { booking, free, workflowsVersion } = await retryConflicts(() => insertIfFree(ds, origin, b, idle));
    if (booking) return booking;
    if (workflowsVersion === idle) slotFull(b.seats, free);
  }
  return transaction(ds, (tx) => insertBooking(tx, origin, input));
}

export async function getBooking(db: Queryable, tenantId: string, id: string): Promise<Booking> {
  const r = await one(db, 'SELECT * FROM bookings WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  if (!r) throw notFound('booking', id);
  return toBooking(r);
}

export interface BookingFilter {
  /** Only these (at most 100): a list naming bookings by id (runs) looks them up in one call. */
  ids?: string[];
  resourceId?: string;
  customerId?: string;
  locationId?: string;
  status?: BookingStatus;
  /** Bookings that end after this instant. */
  from?: string;
  /** Bookings that start before this instant. */
  to?: string;
  cursor?: string;
  limit: number;
}

export async function listBookings(db: Queryable, tenantId: string, f: BookingFilter): Promise<Page<Booking>> {
  const conditions: [string, unknown][] = [];
  if (f.ids) conditions.push(['id = ANY(?)', f.ids]);
  if (f.from) conditions.push(['end_time > ?', f.from]);
  if (f.to) conditions.push(['start_time < ?', f.to]);
  if (f.locationId) conditions.push(['resource_id IN (SELECT id FROM resources WHERE tenant_id = $1 AND location_id = ?)', f.locationId]);
  const page = await listRows(db, 'bookings', tenantId, {
    where: { resourceId: f.resourceId, customerId: f.customerId, status: f.status },
    conditions,
    orderBy: 'startTime',
    cursor: f.cursor,
    limit: f.limit,
  });
  return { items: page.items.map(toBooking), nextCursor: page.nextCursor };
}

export type BookingPatch = Partial<Pick<Booking, (typeof CHANGEABLE_FIELDS)[number]>>;

export async function updateBooking(ds: DataSource, origin: Origin, id: string, patch: BookingPatch): Promise<Booking> {
  return transaction(ds, (tx) => updateBookingIn(tx, origin, id, patch));
}

export async function updateBookingIn(tx: EntityManager, origin: Origin, id: string, patch: BookingPatch): Promise<Booking> {
  const tenantId = origin.tenantId;
  const before = await lockBooking(tx, tenantId, id);
  const next = { ...before, ...patch };
  if (new Date(next.endTime) <= new Date(next.startTime)) {
    const field = patch.endTime !== undefined ? 'endTime' : 'startTime';
    throw invalid(`endTime must be after startTime (the booking would run ${next.startTime} to ${next.endTime})`, [
      { pointer: `/${field}`, in: 'body', message: 'endTime must be after startTime' },
    ]);
  }
  const changes: Changes = {};
  for (const f of CHANGEABLE_FIELDS) {
    if (patch[f] === undefined) continue;
    const same = f === 'startTime' || f === 'endTime'
      ? new Date(patch[f] as string).getTime() === new Date(before[f]).getTime()
      : patch[f] === before[f];
    if (!same) changes[f] = { from: before[f], to: patch[f] };
  }
  if (Object.keys(changes).length === 0) return before;

  const moved = 'startTime' in changes || 'endTime' in changes || 'resourceId' in changes;
  const capacityTouched = moved || 'seats' in changes;
  // A final booking is a record of what happened: moving it would hold no seat, and it would start over the reminders
  // and follow-ups of its new time (a second "thank you for coming" after an end time is corrected). Notes, language
  // and service stay editable.
  if (capacityTouched && !holdsCapacity(before.status)) {
    const fields = Object.keys(changes).filter((f) => f === 'startTime' || f === 'endTime' || f === 'resourceId' || f === 'seats');
    throw conflict('BOOKING_FINAL', `a ${before.status} booking is final: its ${fields.join(', ')} cannot change; make a new booking for another time`);
  }
  let locations = new Map<string, string>();
  if (holdsCapacity(before.status) && capacityTouched) {
    const locked = await lockResources(tx, tenantId, [before.resourceId, next.resourceId]);
    locations = new Map([...locked].map(([rid, r]) => [rid, r.location_id]));
    const target = locked.get(next.resourceId)!;
    const free = await freeSeats(tx, {
      tenantId, resourceId: next.resourceId, start: next.startTime, end: next.endTime, capacity: target.capacity, excludeBookingId: id,
    });
    if (free < next.seats) slotFull(next.seats, free);
  }
  const after = toBooking((await updateRow(tx, 'bookings', tenantId, id, patch, 'booking'))!);
  // the new values as stored (a time sent with an offset reads back in UTC, like its `from`)
  for (const f of Object.keys(changes) as (keyof Changes)[]) changes[f] = { from: changes[f]!.from, to: after[f as keyof Booking] };
  const recorded = await recordReadingWorkflowsVersion(tx, origin, { type: 'booking.changed', subject: { type: 'booking', id }, data: { booking: after, changes } });
  if (holdsCapacity(before.status)) {
    const locationId = locations.get(before.resourceId)!;
    if (moved) await recordFreed(tx, origin, before, 'rescheduled', before.seats, locationId);
    else if (after.seats < before.seats) await recordFreed(tx, origin, before, 'seats_reduced', before.seats - after.seats, locationId);
  }
  await runHooks(tx, origin, { before, after }, recorded.workflowsVersion);
  return after;
}

export interface StatusChange {
  status: BookingStatus;
  reason?: string | null;
}

/**
 * Moves a booking to a new status. Setting the status it already has is a no-op (200, no event), so a client
 * may safely retry; any other move not in TRANSITIONS is a 409.
 */
export async function setBookingStatus(ds: DataSource, origin: Origin, id: string, change: StatusChange): Promise<Booking> {
  return transaction(ds, (tx) => setBookingStatusIn(tx, origin, id, change));
}

export async function setBookingStatusIn(tx: EntityManager, origin: Origin, id: string, change: StatusChange): Promise<Booking> {
  const tenantId = origin.tenantId;
  const before = await lockBooking(tx, tenantId, id);
  if (before.status === change.status) return before;
  if (!TRANSITIONS[before.status].includes(change.status)) {
    const allowed = TRANSITIONS[before.status];
    throw conflict('INVALID_TRANSITION', allowed.length
      ? `a ${before.status} booking can move to ${allowed.join(', ')}, not ${change.status}`
      : `a ${before.status} booking is final; its status cannot change`);
  }
  const freeing = holdsCapacity(before.status) && !holdsCapacity(change.status);
  const locked = freeing ? await lockResources(tx, tenantId, [before.resourceId]) : null;
  const after = toBooking((await updateRow(tx, 'bookings', tenantId, id, { status: change.status }, 'booking'))!);
  const recorded = await recordReadingWorkflowsVersion(tx, origin, {
    type: 'booking.status_changed',
    subject: { type: 'booking', id },
    data: { booking: after, from: before.status, to: after.status, reason: change.reason ?? null },
  });
  const reason = FREEING_REASON[change.status];
  if (freeing && reason) await recordFreed(tx, origin, before, reason, before.seats, locked!.get(before.resourceId)!.location_id);
  await runHooks(tx, origin, { before, after }, recorded.workflowsVersion);
  return after;
}

export async function deleteBooking(ds: DataSource, origin: Origin, id: string): Promise<Booking> {
  return transaction(ds, (tx) => deleteBookingIn(tx, origin, id));
}

export async function deleteBookingIn(tx: EntityManager, origin: Origin, id: string): Promise<Booking> {
  const tenantId = origin.tenantId;
  const before = await lockBooking(tx, tenantId, id);
  const locked = holdsCapacity(before.status) ? await lockResources(tx, tenantId, [before.resourceId]) : null;
  await deleteRow(tx, 'bookings', tenantId, id, 'booking');
  const recorded = await recordReadingWorkflowsVersion(tx, origin, { type: 'booking.deleted', subject: { type: 'booking', id }, data: { booking: before } });
  if (locked) await recordFreed(tx, origin, before, 'deleted', before.seats, locked.get(before.resourceId)!.location_id);
  await runHooks(tx, origin, { before, after: null }, recorded.workflowsVersion);
  return before;
}

// The event catalog and `record`, which writes an event and its dispatch job in the caller's transaction.
//
// Glossary: an *event* is a fact that happened (`booking.created`), recorded in the same transaction as the change
// that caused it. If that transaction rolls back, neither the event nor its dispatch job exists (the transactional
// outbox). Event type names are persisted forever (workflows and webhook subscriptions store them): never rename one.
import type { EntityManager } from 'typeorm';
import { one, rows } from '../db/sql.js';
import type { Queryable } from '../db/data-source.js';

export const EVENT_TYPES = {
  'booking.created': 'A booking was added.',
  'booking.changed': 'A booking\'s time, resource, service, seats, language or notes changed; `changes` holds each field\'s previous and new value.',
  'booking.status_changed': 'A booking\'s status moved from `from` to `to`.',
  'booking.deleted': 'A booking was deleted; `booking` is its last state.',
  'customer.created': 'A customer was created.',
  'payment.completed': 'A payment reached the status `completed`.',
  'slot.freed': 'Capacity on a resource freed up over an interval (`reason` says why).',
  'message.failed': 'An email, SMS or webhook call of a workflow step did not reach its recipient: the step failed for good (`stage`: sending), or the SMS provider reported it undelivered or failed (`stage`: delivery).',
  'webhook.endpoint_disabled': 'A webhook subscription was disabled because its endpoint answered 410 Gone or failed for 5 days (`reason`: gone or failing).',
  'waitlist.joined': 'A member joined the waitlist for a full slot.',
  'waitlist.offered': 'A freed seat is held for a waitlist entry until `offer.expiresAt`; the member can accept or decline.',
  'waitlist.assigned': 'A freed seat was given straight to a waitlist entry (auto-assign): `booking` is the new booking.',
  'waitlist.accepted': 'A member accepted an offer: `booking` is the reservation.',
  'waitlist.declined': 'A member declined an offer.',
  'waitlist.expired': 'An offer expired without an answer.',
  'waitlist.cancelled': 'A waitlist entry was cancelled by the member or an admin.',
} as const;

export type EventType = keyof typeof EVENT_TYPES;
export const eventTypes = Object.keys(EVENT_TYPES) as EventType[];

/** Why capacity was freed. Persisted in events and in `slot.freed` trigger configs. */
export const SLOT_FREED_REASONS = [
  'cancelled', 'declined', 'deleted', 'not_taken', 'rescheduled', 'seats_reduced', 'capacity_increased',
  'offer_declined', 'offer_expired', 'offer_cancelled',
] as const;
export type SlotFreedReason = (typeof SLOT_FREED_REASONS)[number];

/** Who caused a change: an API call (depth 0) or a workflow run (depth = the run's depth + 1). */
export interface Origin {
  tenantId: string;
  depth?: number;
  causedByRun?: string | null;
}

export interface DomainEvent<D = Record<string, unknown>> {
  id: string;
  tenantId: string;
  type: EventType;
  subjectType: string;
  subjectId: string;
  data: D;
  depth: number;
  causedByRun: string | null;
  occurredAt: string;
  dispatchedAt: string | null;
}

export interface NewEvent {
  type: EventType;
  subject: { type: string; id: string };
  data: Record<string, unknown>;
}

/**
 * The `dispatch_event` job of an event inserted by the same statement, as a column: the statement has the new row
 * in a CTE named `e` and its tenant in $1. Where the statement may insert no event (e.id is then null), no job.
 * Booking creation enqueues the same job from its database function (migrations/1763800000014-booking-routines.ts).
 */
const DISPATCH_JOB_SQL = `CASE WHEN e.id IS NOT NULL THEN (graphile_worker.add_job('dispatch_event',
             json_build_object('tenantId', $1::text, 'eventId', e.id::text), max_attempts => 25)).id END`;

const recordSql = (alsoWorkflowsVersion: boolean) => `
    WITH e AS (
      INSERT INTO events (tenant_id, type, subject_type, subject_id, data, depth, caused_by_run)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      RETURNING id
    )
    SELECT e.id::text AS id,
           ${DISPATCH_JOB_SQL} AS job_id${alsoWorkflowsVersion ? `,
           coalesce((SELECT workflows_version::text FROM tenants WHERE id = $1), '0') AS workflows_version` : ''}
    FROM e`;
const RECORD = recordSql(false);
const RECORD_READING_VERSION = recordSql(true);

const recordParams = (origin: Origin, event: NewEvent) =>
  [origin.tenantId, event.type, event.subject.type, event.subject.id, JSON.stringify(event.data), origin.depth ?? 0, origin.causedByRun ?? null];

/**
 * Records an event and enqueues its `dispatch_event` job, both through the caller's transaction. MUST be called
 * with the manager of the transaction that made the change, never with the data source.
 */
export async function record(tx: EntityManager, origin: Origin, event: NewEvent): Promise<string> {
  return (await one<{ id: string }>(tx, RECORD, recordParams(origin, event)))!.id;
}

/**
 * record(), also answering the tenant's `workflows_version` as this same statement read it: for work later in the
 * same transaction that would otherwise read it in a statement of its own (the booking hooks).
 */
export async function recordReadingWorkflowsVersion(tx: EntityManager, origin: Origin, event: NewEvent): Promise<{ id: string; workflowsVersion: string }> {
  const r = (await one<{ id: string; workflows_version: string }>(tx, RECORD_READING_VERSION, recordParams(origin, event)))!;
  return { id: r.id, workflowsVersion: r.workflows_version };
}

export interface EventRow {
  id: string; tenant_id: string; type: EventType; subject_type: string; subject_id: string;
  data: Record<string, unknown>; depth: number; caused_by_run: string | null; occurred_at: Date; dispatched_at: Date | null;
}

export const toEvent = (r: EventRow): DomainEvent => ({
  id: r.id,
  tenantId: r.tenant_id,
  type: r.type,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  data: r.data,
  depth: r.depth,
  causedByRun: r.caused_by_run,
  occurredAt: r.occurred_at.toISOString(),
  dispatchedAt: r.dispatched_at ? r.dispatched_at.toISOString() : null,
});

export async function getEvent(db: Queryable, tenantId: string, id: string): Promise<DomainEvent | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const r = await one<EventRow>(db, 'SELECT * FROM events WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r && toEvent(r);
}

export interface EventFilter {
  type?: string;
  subjectType?: string;
  subjectId?: string;
  from?: string;
  to?: string;
  /** Events with an id below this one (newest first pagination). */
  before?: string;
  /** Leave these event types out. */
  withoutTypes?: readonly string[];
  limit: number;
}

/** The tenant's events, newest first. */
export async function listEvents(db: Queryable, tenantId: string, f: EventFilter): Promise<DomainEvent[]> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (f.type) add('type = ?', f.type);
  if (f.subjectType) add('subject_type = ?', f.subjectType);
  if (f.subjectId) add('subject_id = ?', f.subjectId);
  if (f.from) add('occurred_at >= ?', f.from);
  if (f.to) add('occurred_at < ?', f.to);
  if (f.before) add('id < ?', f.before);
  if (f.withoutTypes?.length) add('type <> ALL(?)', f.withoutTypes);
  params.push(f.limit);
  const rs = await rows<EventRow>(db, `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`, params);
  return rs.map(toEvent);
}

/** A CTE (`mark`) that sets event `eventParam` of tenant `tenantParam` dispatched, once: for dispatch's last write. */
export const markDispatchedCte = (tenantParam: string, eventParam: string): string =>
  `mark AS (UPDATE events SET dispatched_at = now() WHERE tenant_id = ${tenantParam} AND id = ${eventParam}::bigint AND dispatched_at IS NULL)`;

export async function markDispatched(db: Queryable, tenantId: string, eventId: string): Promise<void> {
  await rows(db, `WITH ${markDispatchedCte('$1', '$2')} SELECT 1`, [tenantId, eventId]);
}

// Booking changes and workflow changes of one tenant exclude each other, for as long as a workflow change takes.
//
// A booking change reconciles its reminders with the workflows it reads in its own transaction; a workflow change
// reconciles every booking in a job that runs after it commits. Unfenced, a booking change could read the workflows
// just before a workflow change commits, and itself commit just after that job read the bookings: neither side would
// schedule (or move) the new workflow's reminder for that booking. So a booking change holds a shared lock on its
// tenant's workflows from before it reads them until it commits, and a workflow change takes the same lock
// exclusively before it commits: it waits for the booking changes in flight (the job then sees them), and those that
// start meanwhile wait for it and then read the new workflows. Advisory locks: booking changes never wait for each
// other, only for a workflow change, and nothing is written to take them.
//
// The shared lock is taken by the statement that takes a change's first row lock (lockBooking, lockResource, and
// booking creation's database function), before that row lock: a change never holds a row while it waits for a
// workflow change, which holds no row a booking change needs, so the two cannot wait for each other in a circle. A
// customer's language change takes it after updating the customer, a row no booking change waits for (their
// foreign-key checks take KEY SHARE, which an update of other columns does not block).
import type { EntityManager } from 'typeorm';
import { rows } from '../db/sql.js';

/** The advisory lock class ("Bkfl"); booking creation's database function uses it too (migration 1763800000014). */
export const WORKFLOWS_LOCK_CLASS = 1114335852;

/** A FROM item that takes the shared lock for the tenant in `tenantSql` (a parameter or column of the statement). */
export const sharedWorkflowsLock = (tenantSql: string): string =>
  `pg_advisory_xact_lock_shared(${WORKFLOWS_LOCK_CLASS}, hashtext(${tenantSql})) AS workflows_lock`;

/** In a booking change that reads the tenant's workflows in a statement of its own: the shared lock, first. */
export async function shareWorkflowsLock(tx: EntityManager, tenantId: string): Promise<void> {
  await rows(tx, `SELECT 1 FROM ${sharedWorkflowsLock('$1::text')}`, [tenantId]);
}

/** In a workflow change, before it commits: waits for the tenant's booking changes in flight. */
export async function lockWorkflowsExclusively(tx: EntityManager, tenantId: string): Promise<void> {
  await rows(tx, `SELECT 1 FROM pg_advisory_xact_lock(${WORKFLOWS_LOCK_CLASS}, hashtext($1::text))`, [tenantId]);
}

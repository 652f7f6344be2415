// Small helpers shared by the engine tests: a seeded tenant per test, workflows through the API, runs of a booking,
// and the graphile-worker jobs behind reminders.
import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import type { TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { eventually, settled } from '../helpers/engine.js';
import { seedCatalog } from '../helpers/fixtures.js';

export interface RunLike {
  id: string; workflowId: string; eventId: string | null; bookingId: string | null; scheduledFor: string | null;
  decision: 'ran' | 'skipped'; reason: string | null; status: string;
  steps: { index: number; status: string; outcome: string | null; attempts: number; output: any; errorCode: string | null }[];
}

let tenants = 0;

/** A fresh tenant (its own workflows and runs, so tests cannot see each other's) with the fixture catalog. */
export async function seededTenant(app: TestApp, extra: Record<string, unknown> = {}): Promise<Client> {
  const c = await app.tenant(`t-eng-${process.pid}-${++tenants}`, extra);
  await seedCatalog(c);
  return c;
}

/** Creates a workflow through the API and expects 201. */
export async function createWorkflow(c: Client, body: Record<string, unknown>): Promise<any> {
  const res = await c.post('/api/workflows', { name: 'wf', ...body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

/** Every run about a booking (newest first). */
export async function bookingRuns(c: Client, bookingId: string): Promise<RunLike[]> {
  const res = await c.get(`/api/bookings/${bookingId}/runs?limit=500`);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.items;
}

/** Waits for a finished run (skipped, or every step done) of this workflow about this booking. */
export async function finishedRun(c: Client, bookingId: string, workflowId: string, what = 'a finished run'): Promise<RunLike> {
  return eventually(async () => (await bookingRuns(c, bookingId))
    .find((r) => r.workflowId === workflowId && r.status !== 'running'), 15000, what);
}

/** Waits for the queue to drain, then returns the runs of one workflow about one booking. */
export async function settledRuns(app: TestApp, c: Client, bookingId: string, workflowId: string): Promise<RunLike[]> {
  await settled(app);
  return (await bookingRuns(c, bookingId)).filter((r) => r.workflowId === workflowId);
}

export interface JobRow { key: string; task: string; runAt: Date; payload: Record<string, unknown>; attempts: number }

/** graphile-worker jobs whose key starts with `prefix` (reminders: `timed:<tenant>:`). */
export async function jobsWithKey(app: TestApp, prefix: string): Promise<JobRow[]> {
  return rows<JobRow>(app.ds, `
    SELECT j.key, t.identifier AS task, j.run_at AS "runAt", j.payload, j.attempts
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE j.key LIKE $1 || '%' ORDER BY j.key`, [prefix]);
}

export const ms = (iso: string, minus = 0): number => new Date(iso).getTime() - minus;
export const HOUR = 3_600_000;

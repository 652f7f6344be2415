// Runs and their steps: recording decisions, starting step jobs, and reading the history back.
import { DataSource, type EntityManager } from 'typeorm';
import { coalesce, columns, perDataSource } from '../db/coalesce.js';
import type { Queryable } from '../db/data-source.js';
import { one, retryConflicts, rows, transaction } from '../db/sql.js';
import { conflict, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { listRows, toApi, type Page } from '../domain/store.js';
import { addJobs, addJobsSql, jobSpecRecord, type JobSpec } from '../worker/jobs.js';
import { actions } from './registry.js';
import type { ActionStep } from './workflow-schema.js';
import type { WorkflowRow } from './workflows.js';

export const TASKS = {
  dispatchEvent: 'dispatch_event',
  runStep: 'run_step',
  /** run_step for steps that call a tenant's own endpoint (webhook actions); see stepTaskOf. */
  runWebhookStep: 'run_webhook_step',
  timedTrigger: 'timed_trigger',
  reconcileWorkflow: 'reconcile_workflow',
} as const;

/** A chain of workflows triggering each other (a run's status change triggering a run...) stops at this depth. */
export const MAX_DEPTH = 3;

export interface Decision {
  workflow: WorkflowRow;
  decision: 'ran' | 'skipped';
  reason: string | null;
}

export interface RunMeta {
  dedupeKey: string;
  triggerType?: string;
  eventId?: string | null;
  bookingId?: string | null;
  scheduledFor?: Date | null;
  depth: number;
  /** Marks the event (`eventId`) dispatched in the same statement: dispatch's last write when no subscriber wants it. */
  markEventDispatched?: boolean;
}

/** How many attempts a step of this action gets (its module says; 5 otherwise). */
const maxAttemptsOf = (actionType: string): number => actions.get(actionType)?.module.maxAttempts ?? 5;

/**
 * The task that runs a step of this action. A step that calls an endpoint the tenant chose (channel `webhook`) waits
 * on a system neither we nor other tenants control, up to its timeout: it runs in the pool that waits on endpoints
 * (src/worker/pools.ts), so one tenant's hanging endpoint never holds the slots that send everyone's emails, texts
 * and reminders. Both tasks run the same handler; a job's task is fixed when it is added.
 */
export const stepTaskOf = (actionType: string): string =>
  actions.get(actionType)?.module.channel === 'webhook' ? TASKS.runWebhookStep : TASKS.runStep;

export function stepJob(tenantId: string, runId: string, step: number, actionType: string, extra: Record<string, unknown> = {}): JobSpec {
  return { task: stepTaskOf(actionType), payload: { tenantId, runId, step, ...extra }, maxAttempts: maxAttemptsOf(actionType) };
}

/** Steps one batch job of first steps holds at most (32): more go in more jobs, so many sends are not one job's. */
const STEP_BATCH_MAX = 32;

/** One event's (or moment's) decisions, as recordRuns takes them. */
export interface RunSet {
  tenantId: string;
  decisions: Decision[];
  meta: RunMeta;
}

export interface RecordedRun { runId: string; workflowId: string; decision: string }

/** stepTaskOf and maxAttemptsOf every action, as JSON for step jobs added in SQL; made on first use. */
let stepJobsJson: string | undefined;
const stepJobsByAction = (): string => (stepJobsJson ??= JSON.stringify(Object.fromEntries([...actions.keys()]
  .map((type) => [type, { task: stepTaskOf(type), maxAttempts: maxAttemptsOf(type) }]))));

/**
 * Records one run per decision of every set (unique per workflow and dedupe key: a retried dispatch adds nothing),
 * creates the steps of the runs that ran, starts their first steps and marks the sets' events dispatched where asked,
 * all in one statement. Only runs this statement inserted get steps and jobs. The first steps go out as graphile-worker
 * batch jobs, one per action type and STEP_BATCH_MAX steps (a payload listing the steps; see run-step.ts), so a
 * dispatch of many events adds a job per kind of step, not one per run. Returns each set's new runs.
 */
export async function recordRunSets(db: Queryable, sets: readonly RunSet[]): Promise<RecordedRun[][]> {
  const runs = sets.flatMap((s, set) => s.decisions.map((d) => ({ set, s, d, id: newId('run') })));
  const marks = sets.filter((s) => s.meta.markEventDispatched && s.meta.eventId);
  if (!runs.length && !marks.length) return sets.map(() => []);
  // A run that ran without steps is finished at once (succeeded). add_jobs is called only when there is a job to add.
  const inserted = await rows<{ set: number; id: string; workflow_id: string; decision: string }>(db, `
    WITH mark AS (
      UPDATE events e SET dispatched_at = now()
      FROM unnest($16::text[], $17::bigint[]) AS m(tenant_id, event_id)
      WHERE e.tenant_id = m.tenant_id AND e.id = m.event_id AND e.dispatched_at IS NULL
    ), d AS (
      SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::bigint[],
                           $10::text[], $11::timestamptz[], $12::int[], $13::text[], $14::text[], $15::jsonb[])
        AS d(set, tenant_id, id, workflow_id, version, name, trigger_type, dedupe_key, event_id, booking_id, scheduled_for, depth,
             decision, reason, actions)
    ), ins AS (
      INSERT INTO runs (tenant_id, id, workflow_id, workflow_version, workflow_name, trigger_type, dedupe_key, event_id, booking_id,
                        scheduled_for, depth, decision, reason, status, actions, finished_at)
      SELECT d.tenant_id, d.id, d.workflow_id, d.version, d.name, d.trigger_type, d.dedupe_key, d.event_id, d.booking_id, d.scheduled_for,
             d.depth, d.decision, d.reason,
             CASE WHEN d.decision <> 'ran' THEN 'skipped' WHEN jsonb_array_length(d.actions) = 0 THEN 'succeeded' ELSE 'running' END,
             d.actions,
             CASE WHEN d.decision = 'ran' AND jsonb_array_length(d.actions) > 0 THEN NULL ELSE now() END
      FROM d
      ON CONFLICT (tenant_id, workflow_id, dedupe_key) DO NOTHING
      RETURNING tenant_id, id, workflow_id, decision, actions
    ), steps AS (
      INSERT INTO run_steps (tenant_id, run_id, idx, action_type, status)
      SELECT ins.tenant_id, ins.id, a.ord - 1, a.step->>'type', 'pending'
      FROM ins, jsonb_array_elements(ins.actions) WITH ORDINALITY AS a(step, ord)
      WHERE ins.decision = 'ran'
    ), started AS (
      SELECT ins.tenant_id, ins.id, ins.actions->0->>'type' AS action_type,
             (row_number() OVER (PARTITION BY ins.actions->0->>'type' ORDER BY ins.tenant_id, ins.id) - 1) / ${STEP_BATCH_MAX} AS chunk
      FROM ins WHERE ins.decision = 'ran' AND jsonb_array_length(ins.actions) > 0
    ), first AS (
      SELECT action_type, json_agg(json_build_object('tenantId', tenant_id, 'runId', id, 'step', 0) ORDER BY tenant_id, id) AS payload
      FROM started GROUP BY action_type, chunk
    ), jobs AS (
      SELECT count(*) AS added FROM (
        SELECT array_agg(json_populate_record(NULL::graphile_worker.job_spec, json_build_object(
                 'identifier', coalesce($18::jsonb -> first.action_type ->> 'task', '${TASKS.runStep}'), 'payload', first.payload,
                 'max_attempts', coalesce(($18::jsonb -> first.action_type ->> 'maxAttempts')::int, 5)))) AS specs
        FROM first
      ) wanted, LATERAL graphile_worker.add_jobs(wanted.specs)
      WHERE wanted.specs IS NOT NULL
    )
    SELECT d.set, ins.id, ins.workflow_id, ins.decision FROM ins JOIN d ON d.id = ins.id, jobs`,
  [...columns(runs, [
    (r) => r.set, (r) => r.s.tenantId, (r) => r.id, (r) => r.d.workflow.id, (r) => r.d.workflow.version, (r) => r.d.workflow.name,
    (r) => r.s.meta.triggerType ?? r.d.workflow.trigger_type, (r) => r.s.meta.dedupeKey, (r) => r.s.meta.eventId ?? null,
    (r) => r.s.meta.bookingId ?? null, (r) => r.s.meta.scheduledFor?.toISOString() ?? null, (r) => r.s.meta.depth,
    // A skipped run keeps no actions: none are serialized and sent for it.
    (r) => r.d.decision, (r) => r.d.reason, (r) => (r.d.decision === 'ran' ? JSON.stringify(r.d.workflow.actions) : '[]'),
  ]), ...columns(marks, [(s) => s.tenantId, (s) => s.meta.eventId]), stepJobsByAction()]);
  const out: RecordedRun[][] = sets.map(() => []);
  for (const r of inserted) out[r.set].push({ runId: r.id, workflowId: r.workflow_id, decision: r.decision });
  return out;
}

/** recordRunSets for one event or moment, in the caller's transaction or on its own. */
export async function recordRuns(db: Queryable, tenantId: string, decisions: Decision[], meta: RunMeta): Promise<RecordedRun[]> {
  return (await recordRunSets(db, [{ tenantId, decisions, meta }]))[0];
}

/**
 * recordRunSets outside a transaction: the runs that dispatches of many events record at the same time go in one
 * statement (retried as a whole after a deadlock or serialization failure).
 */
export const coalescedRunSets = perDataSource((ds) => coalesce<RunSet, RecordedRun[]>((sets) => retryConflicts(() => recordRunSets(ds, sets))));

export interface StepUpdate {
  status: 'succeeded' | 'skipped' | 'failed';
  outcome: string | null;
  output: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
}

export interface StepCompletion {
  tenantId: string;
  runId: string;
  idx: number;
  update: StepUpdate;
  /** The run's next step, started with this completion; null: the run ends once no step is open. */
  next: JobSpec | null;
}

/**
 * Records steps' outcomes, starts the next steps and sets the final status of each run that has no step open any
 * more, in one statement (one round trip, one commit): each run's status is computed from its steps with the new
 * statuses, as a second statement in the same transaction would see them.
 */
export async function completeSteps(db: Queryable, items: readonly StepCompletion[]): Promise<void> {
  const jobs = items.filter((i) => i.next).map((i) => jobSpecRecord(i.next!));
  const params = columns(items, [
    (i) => i.tenantId, (i) => i.runId, (i) => i.idx, (i) => i.update.status, (i) => i.update.outcome, (i) => JSON.stringify(i.update.output),
    (i) => i.update.errorCode ?? null, (i) => i.update.errorMessage ?? null, (i) => i.next === null,
  ]);
  await rows(db, `
    WITH u AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::bool[])
        AS u(tenant_id, run_id, idx, status, outcome, output, error_code, error_message, last)
    ), step AS (
      UPDATE run_steps s SET status = u.status, outcome = u.outcome, output = u.output, error_code = u.error_code,
                             error_message = u.error_message, finished_at = now()
      FROM u WHERE s.tenant_id = u.tenant_id AND s.run_id = u.run_id AND s.idx = u.idx
      RETURNING s.tenant_id, s.run_id, s.idx, s.status
    ), fin AS (
      UPDATE runs r SET
        status = CASE WHEN c.failed = 0 THEN 'succeeded' WHEN c.failed = c.total THEN 'failed' ELSE 'partial' END,
        finished_at = now()
      FROM (SELECT rs.tenant_id, rs.run_id, count(*) AS total,
                   count(*) FILTER (WHERE coalesce(step.status, rs.status) = 'failed') AS failed,
                   count(*) FILTER (WHERE coalesce(step.status, rs.status) IN ('pending', 'running')) AS open
            FROM (SELECT DISTINCT tenant_id, run_id FROM u WHERE u.last) l
            JOIN run_steps rs ON rs.tenant_id = l.tenant_id AND rs.run_id = l.run_id
            LEFT JOIN step ON step.tenant_id = rs.tenant_id AND step.run_id = rs.run_id AND step.idx = rs.idx
            GROUP BY rs.tenant_id, rs.run_id) c
      WHERE r.tenant_id = c.tenant_id AND r.id = c.run_id AND c.open = 0
    )${jobs.length ? `, jobs AS (${addJobsSql('$10')})
    SELECT * FROM jobs` : `
    SELECT 1`}`, jobs.length ? [...params, JSON.stringify(jobs)] : params);
}

// Outside a transaction, steps finishing at the same time are recorded in one statement.
const coalescedCompletions = perDataSource((ds) => coalesce<StepCompletion, void>(async (items) => {
  await retryConflicts(() => completeSteps(ds, items));
  return items.map(() => undefined);
}));

/** Records a step's outcome (see completeSteps), in the caller's transaction or, on its own, with others at once. */
export async function completeStep(db: DataSource | EntityManager, step: { tenantId: string; runId: string; idx: number }, update: StepUpdate, next: JobSpec | null): Promise<void> {
  const item: StepCompletion = { ...step, update, next };
  if (db instanceof DataSource) await coalescedCompletions(db)(item);
  else await completeSteps(db, [item]);
}

export interface RunView {
  id: string; workflowId: string; workflowVersion: number; workflowName: string; triggerType: string; eventId: string | null;
  bookingId: string | null; scheduledFor: string | null; depth: number; decision: 'ran' | 'skipped'; reason: string | null;
  status: string; createdAt: string; finishedAt: string | null;
  steps?: StepView[];
}

export interface StepView {
  index: number; actionType: string; status: string; outcome: string | null; attempts: number;
  output: Record<string, unknown> | null; errorCode: string | null; errorMessage: string | null;
  startedAt: string | null; finishedAt: string | null;
}

const toRun = (r: Record<string, unknown>): RunView => {
  const v = toApi<RunView & { tenantId?: string; dedupeKey?: string; actions?: unknown; id: string }>(r);
  delete v.dedupeKey;
  delete v.actions;
  return { ...v, eventId: v.eventId === null ? null : String(v.eventId) };
};

const toStep = (r: Record<string, unknown>): StepView => {
  const s = toApi<StepView & { idx: number; runId?: string }>(r);
  const { idx, runId: _r, ...rest } = s as StepView & { idx: number; runId?: string };
  return { ...rest, index: idx } as StepView;
};

export async function getRun(db: Queryable, tenantId: string, id: string): Promise<RunView> {
  const r = await one(db, 'SELECT * FROM runs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  if (!r) throw notFound('run', id);
  const steps = await rows(db, 'SELECT * FROM run_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY idx', [tenantId, id]);
  return { ...toRun(r), steps: steps.map(toStep) };
}

/** Runs newest first, with their steps. */
export async function listRuns(db: Queryable, tenantId: string, f: {
  workflowId?: string; bookingId?: string; decision?: string; status?: string[]; cursor?: string; limit: number;
}): Promise<Page<RunView>> {
  const page = await listRows(db, 'runs', tenantId, {
    where: { workflowId: f.workflowId, bookingId: f.bookingId, decision: f.decision },
    conditions: f.status?.length ? [['status = ANY(?)', f.status]] : [],
    orderBy: 'createdAt', descending: true, cursor: f.cursor, limit: f.limit,
  });
  const ids = page.items.map((r) => r.id as string);
  const steps = ids.length ? await rows(db, 'SELECT * FROM run_steps WHERE tenant_id = $1 AND run_id = ANY($2) ORDER BY run_id, idx', [tenantId, ids]) : [];
  const byRun = new Map<string, StepView[]>();
  for (const s of steps) byRun.set(s.run_id as string, [...(byRun.get(s.run_id as string) ?? []), toStep(s)]);
  return { items: page.items.map((r) => ({ ...toRun(r), steps: byRun.get(r.id as string) ?? [] })), nextCursor: page.nextCursor };
}

/** Runs retried by one bulk retry at most (1,000): a bigger backlog takes a few calls. */
export const BULK_RETRY_MAX = 1000;

/**
 * Retries the failed steps of every run with one (failed or partial), oldest first: after an outage of a mail server,
 * say, everything it made fail goes out once it is back. Optionally only runs since a time, or of one workflow.
 */
export async function retryFailedRuns(ds: DataSource, tenantId: string, f: { since?: Date; workflowId?: string }): Promise<{ retried: number; more: boolean }> {
  const ids = await rows<{ id: string }>(ds, `
    SELECT r.id FROM runs r JOIN workflows w ON w.tenant_id = r.tenant_id AND w.id = r.workflow_id AND w.enabled -- a switched-off workflow acts no more
    WHERE r.tenant_id = $1 AND r.status IN ('failed', 'partial')
      AND ($2::timestamptz IS NULL OR r.created_at >= $2) AND ($3::text IS NULL OR r.workflow_id = $3)
    ORDER BY r.created_at, r.id LIMIT $4`, [tenantId, f.since ?? null, f.workflowId ?? null, BULK_RETRY_MAX + 1]);
  const batch = ids.slice(0, BULK_RETRY_MAX);
  for (const { id } of batch) await transaction(ds, (tx) => retryRun(tx, tenantId, id));
  return { retried: batch.length, more: ids.length > BULK_RETRY_MAX };
}

/**
 * Re-runs a run's failed steps (each alone: a retry does not re-run the steps after it). Not for a workflow switched
 * off or deleted since (409): it is not to act any more.
 */
export async function retryRun(tx: EntityManager, tenantId: string, id: string): Promise<RunView> {
  const run = await one<{ id: string; status: string; enabled: boolean | null }>(tx, `
    SELECT r.id, r.status, w.enabled FROM runs r LEFT JOIN workflows w ON w.tenant_id = r.tenant_id AND w.id = r.workflow_id
    WHERE r.tenant_id = $1 AND r.id = $2 FOR UPDATE OF r`, [tenantId, id]);
  if (!run) throw notFound('run', id);
  if (run.enabled !== true) {
    throw conflict('WORKFLOW_DISABLED', run.enabled === null ? 'the workflow of this run was deleted: there is nothing to retry it with'
      : 'the workflow of this run is switched off: switch it on to retry the run');
  }
  const failed = await rows<{ idx: number; action_type: string }>(tx, `
    UPDATE run_steps SET status = 'pending', error_code = NULL, error_message = NULL, finished_at = NULL
    WHERE tenant_id = $1 AND run_id = $2 AND status = 'failed' RETURNING idx, action_type`, [tenantId, id]);
  if (failed.length) {
    await rows(tx, "UPDATE runs SET status = 'running', finished_at = NULL WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
    await addJobs(tx, failed.map((s) => stepJob(tenantId, id, s.idx, s.action_type, { only: true })));
  }
  return getRun(tx, tenantId, id);
}

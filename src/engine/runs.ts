// Runs and their steps: recording decisions, starting step jobs, and reading the history back.
import { DataSource, type EntityManager } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, retryConflicts, rows, transaction } from '../db/sql.js';
import { notFound } from '../domain/errors.js';
import { markDispatchedCte } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { listRows, toApi, type Page } from '../domain/store.js';
import { addJobs, addJobsSql, addTaggedJobsSql, jobSpecRecord, type JobSpec } from '../worker/jobs.js';
import { actions } from './registry.js';
import type { ActionStep } from './workflow-schema.js';
import type { WorkflowRow } from './workflows.js';

export const TASKS = {
  dispatchEvent: 'dispatch_event',
  runStep: 'run_step',
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

export function stepJob(tenantId: string, runId: string, step: number, actionType: string, extra: Record<string, unknown> = {}): JobSpec {
  return {
    task: TASKS.runStep,
    payload: { tenantId, runId, step, ...extra },
    maxAttempts: actions.get(actionType)?.module.maxAttempts ?? 5,
  };
}

/**
 * Records one run per decision (unique per workflow and dedupe key: a retried dispatch adds nothing), creates the
 * steps of the runs that ran, and starts their first steps with one add_jobs call, all in one statement. Only runs
 * this statement inserted get steps and jobs. Returns the new runs' ids.
 */
export async function recordRuns(tx: Queryable, tenantId: string, decisions: Decision[], meta: RunMeta): Promise<{ runId: string; workflowId: string; decision: string }[]> {
  if (!decisions.length) return [];
  const runs = decisions.map((d) => ({
    id: newId('run'), workflow_id: d.workflow.id, version: d.workflow.version, name: d.workflow.name,
    trigger_type: meta.triggerType ?? d.workflow.trigger_type, decision: d.decision, reason: d.reason, actions: d.workflow.actions,
  }));
  const jobs = runs.filter((r) => r.decision === 'ran' && r.actions.length > 0).map((r) => jobSpecRecord(stepJob(tenantId, r.id, 0, r.actions[0].type), { for_run: r.id }));
  // A run that ran without steps is finished at once (succeeded). add_jobs is called only when there is a job to add.
  const inserted = await rows<{ id: string; workflow_id: string; decision: string }>(tx, `
    WITH ${meta.markEventDispatched ? `${markDispatchedCte('$1', '$3')}, ` : ''}ins AS (
      INSERT INTO runs (tenant_id, id, workflow_id, workflow_version, workflow_name, trigger_type, dedupe_key, event_id, booking_id,
                        scheduled_for, depth, decision, reason, status, actions, finished_at)
      SELECT $1, d.id, d.workflow_id, d.version, d.name, d.trigger_type, $2, $3::bigint, $4, $5::timestamptz, $6, d.decision, d.reason,
             CASE WHEN d.decision <> 'ran' THEN 'skipped' WHEN jsonb_array_length(d.actions) = 0 THEN 'succeeded' ELSE 'running' END,
             CASE WHEN d.decision = 'ran' THEN d.actions ELSE '[]'::jsonb END,
             CASE WHEN d.decision = 'ran' AND jsonb_array_length(d.actions) > 0 THEN NULL ELSE now() END
      FROM jsonb_to_recordset($7::jsonb) AS d(id text, workflow_id text, version int, name text, trigger_type text, decision text, reason text, actions jsonb)
      ON CONFLICT (tenant_id, workflow_id, dedupe_key) DO NOTHING
      RETURNING id, workflow_id, decision, actions
    ), steps AS (
      INSERT INTO run_steps (tenant_id, run_id, idx, action_type, status)
      SELECT $1, ins.id, a.ord - 1, a.step->>'type', 'pending'
      FROM ins, jsonb_array_elements(ins.actions) WITH ORDINALITY AS a(step, ord)
      WHERE ins.decision = 'ran'
    ), jobs AS (${addTaggedJobsSql('$8', 'for_run', 'SELECT id FROM ins')})
    SELECT ins.id, ins.workflow_id, ins.decision FROM ins, jobs`,
  [tenantId, meta.dedupeKey, meta.eventId ?? null, meta.bookingId ?? null, meta.scheduledFor?.toISOString() ?? null, meta.depth,
    JSON.stringify(runs), JSON.stringify(jobs)]);
  return inserted.map((r) => ({ runId: r.id, workflowId: r.workflow_id, decision: r.decision }));
}

export interface StepUpdate {
  status: 'succeeded' | 'skipped' | 'failed';
  outcome: string | null;
  output: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
}

// Sets run $2's final status from its steps' statuses (`st`, one row per step), once none is pending or running.
const finishRunSql = (stepStatuses: string) => `
    UPDATE runs r SET
      status = CASE
        WHEN s.failed = 0 THEN 'succeeded'
        WHEN s.failed = s.total THEN 'failed'
        ELSE 'partial' END,
      finished_at = now()
    FROM (SELECT count(*) AS total,
                 count(*) FILTER (WHERE st = 'failed') AS failed,
                 count(*) FILTER (WHERE st IN ('pending', 'running')) AS open
          FROM (${stepStatuses}) steps) s
    WHERE r.tenant_id = $1 AND r.id = $2 AND s.open = 0`;

/**
 * Records a step's outcome, then starts `next` (the run's next step) or, without one, sets the run's final status
 * once no step is open. One statement (one round trip, one commit): the run's status is computed from its steps with
 * this step's new status, as a second statement in the same transaction would see them.
 */
export async function completeStep(db: DataSource | EntityManager, step: { tenantId: string; runId: string; idx: number }, update: StepUpdate, next: JobSpec | null): Promise<void> {
  const stepSql = `
    WITH step AS (
      UPDATE run_steps SET status = $4, outcome = $5, output = $6, error_code = $7, error_message = $8, finished_at = now()
      WHERE tenant_id = $1 AND run_id = $2 AND idx = $3
      RETURNING idx, status
    )`;
  const params: unknown[] = [step.tenantId, step.runId, step.idx, update.status, update.outcome, JSON.stringify(update.output),
    update.errorCode ?? null, update.errorMessage ?? null];
  let sql: string;
  if (next) {
    sql = `${stepSql}${addJobsSql('$9')}`;
    params.push(JSON.stringify([jobSpecRecord(next)]));
  } else {
    sql = `${stepSql}${finishRunSql('SELECT coalesce(step.status, rs.status) AS st FROM run_steps rs LEFT JOIN step ON step.idx = rs.idx WHERE rs.tenant_id = $1 AND rs.run_id = $2')}`;
  }
  // In a caller's transaction, that transaction retries; on its own, this statement does.
  if (db instanceof DataSource) await retryConflicts(() => rows(db, sql, params));
  else await rows(db, sql, params);
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
    SELECT id FROM runs WHERE tenant_id = $1 AND status IN ('failed', 'partial')
      AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::text IS NULL OR workflow_id = $3)
    ORDER BY created_at, id LIMIT $4`, [tenantId, f.since ?? null, f.workflowId ?? null, BULK_RETRY_MAX + 1]);
  const batch = ids.slice(0, BULK_RETRY_MAX);
  for (const { id } of batch) await transaction(ds, (tx) => retryRun(tx, tenantId, id));
  return { retried: batch.length, more: ids.length > BULK_RETRY_MAX };
}

/** Re-runs a run's failed steps (each alone: a retry does not re-run the steps after it). */
export async function retryRun(tx: EntityManager, tenantId: string, id: string): Promise<RunView> {
  const run = await one<{ id: string; status: string }>(tx, 'SELECT id, status FROM runs WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
  if (!run) throw notFound('run', id);
  const failed = await rows<{ idx: number; action_type: string }>(tx, `
    UPDATE run_steps SET status = 'pending', error_code = NULL, error_message = NULL, finished_at = NULL
    WHERE tenant_id = $1 AND run_id = $2 AND status = 'failed' RETURNING idx, action_type`, [tenantId, id]);
  if (failed.length) {
    await rows(tx, "UPDATE runs SET status = 'running', finished_at = NULL WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
    await addJobs(tx, failed.map((s) => stepJob(tenantId, id, s.idx, s.action_type, { only: true })));
  }
  return getRun(tx, tenantId, id);
}

// Runs and their steps: recording decisions, starting step jobs, and reading the history back.
import type { EntityManager } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows } from '../db/sql.js';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { listRows, toApi, type Page } from '../domain/store.js';
import { addJobs, type JobSpec } from '../worker/jobs.js';
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
 * steps of the runs that ran, and starts their first steps with one add_jobs call. Returns the new runs' ids.
 */
export async function recordRuns(tx: EntityManager, tenantId: string, decisions: Decision[], meta: RunMeta): Promise<{ runId: string; workflowId: string; decision: string }[]> {
  if (!decisions.length) return [];
  const ids = decisions.map(() => newId('run'));
  const inserted = await rows<{ id: string; workflow_id: string; decision: string; actions: ActionStep[] }>(tx, `
    INSERT INTO runs (tenant_id, id, workflow_id, workflow_version, workflow_name, trigger_type, dedupe_key, event_id, booking_id,
                      scheduled_for, depth, decision, reason, status, actions, finished_at)
    SELECT $1, d.id, d.workflow_id, d.version, d.name, d.trigger_type, $2, $3::bigint, $4, $5::timestamptz, $6, d.decision, d.reason,
           CASE WHEN d.decision = 'ran' THEN 'running' ELSE 'skipped' END,
           CASE WHEN d.decision = 'ran' THEN d.actions ELSE '[]'::jsonb END,
           CASE WHEN d.decision = 'ran' THEN NULL ELSE now() END
    FROM jsonb_to_recordset($7::jsonb) AS d(id text, workflow_id text, version int, name text, trigger_type text, decision text, reason text, actions jsonb)
    ON CONFLICT (tenant_id, workflow_id, dedupe_key) DO NOTHING
    RETURNING id, workflow_id, decision, actions`,
  [tenantId, meta.dedupeKey, meta.eventId ?? null, meta.bookingId ?? null, meta.scheduledFor?.toISOString() ?? null, meta.depth,
    JSON.stringify(decisions.map((d, i) => ({
      id: ids[i], workflow_id: d.workflow.id, version: d.workflow.version, name: d.workflow.name,
      trigger_type: meta.triggerType ?? d.workflow.trigger_type, decision: d.decision, reason: d.reason, actions: d.workflow.actions,
    })))]);

  const ran = inserted.filter((r) => r.decision === 'ran');
  const steps = ran.flatMap((r) => r.actions.map((a, idx) => ({ run_id: r.id, idx, action_type: a.type })));
  if (steps.length) {
    await tx.query(`
      INSERT INTO run_steps (tenant_id, run_id, idx, action_type, status)
      SELECT $1, s.run_id, s.idx, s.action_type, 'pending' FROM jsonb_to_recordset($2::jsonb) AS s(run_id text, idx int, action_type text)`,
    [tenantId, JSON.stringify(steps)]);
  }
  const empty = ran.filter((r) => r.actions.length === 0).map((r) => r.id);
  if (empty.length) await tx.query("UPDATE runs SET status = 'succeeded', finished_at = now() WHERE tenant_id = $1 AND id = ANY($2)", [tenantId, empty]);
  await addJobs(tx, ran.filter((r) => r.actions.length > 0).map((r) => stepJob(tenantId, r.id, 0, r.actions[0].type)));
  return inserted.map((r) => ({ runId: r.id, workflowId: r.workflow_id, decision: r.decision }));
}

/** Sets a run's final status from its steps, once none is pending or running. */
export async function finishRunIfDone(tx: EntityManager, tenantId: string, runId: string): Promise<void> {
  await tx.query(`
    UPDATE runs r SET
      status = CASE
        WHEN s.failed = 0 THEN 'succeeded'
        WHEN s.failed = s.total THEN 'failed'
        ELSE 'partial' END,
      finished_at = now()
    FROM (SELECT count(*) AS total,
                 count(*) FILTER (WHERE status = 'failed') AS failed,
                 count(*) FILTER (WHERE status IN ('pending', 'running')) AS open
          FROM run_steps WHERE tenant_id = $1 AND run_id = $2) s
    WHERE r.tenant_id = $1 AND r.id = $2 AND s.open = 0`, [tenantId, runId]);
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
export async function listRuns(db: Queryable, tenantId: string, f: { workflowId?: string; bookingId?: string; decision?: string; cursor?: string; limit: number }): Promise<Page<RunView>> {
  const page = await listRows(db, 'runs', tenantId, {
    where: { workflowId: f.workflowId, bookingId: f.bookingId, decision: f.decision },
    orderBy: 'createdAt', descending: true, cursor: f.cursor, limit: f.limit,
  });
  const ids = page.items.map((r) => r.id as string);
  const steps = ids.length ? await rows(db, 'SELECT * FROM run_steps WHERE tenant_id = $1 AND run_id = ANY($2) ORDER BY run_id, idx', [tenantId, ids]) : [];
  const byRun = new Map<string, StepView[]>();
  for (const s of steps) byRun.set(s.run_id as string, [...(byRun.get(s.run_id as string) ?? []), toStep(s)]);
  return { items: page.items.map((r) => ({ ...toRun(r), steps: byRun.get(r.id as string) ?? [] })), nextCursor: page.nextCursor };
}

/** Re-runs a run's failed steps (each alone: a retry does not re-run the steps after it). */
export async function retryRun(tx: EntityManager, tenantId: string, id: string): Promise<RunView> {
  const run = await one<{ id: string; status: string }>(tx, 'SELECT id, status FROM runs WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
  if (!run) throw notFound('run', id);
  const failed = await rows<{ idx: number; action_type: string }>(tx, `
    UPDATE run_steps SET status = 'pending', error_code = NULL, error_message = NULL, finished_at = NULL
    WHERE tenant_id = $1 AND run_id = $2 AND status = 'failed' RETURNING idx, action_type`, [tenantId, id]);
  if (failed.length) {
    await tx.query("UPDATE runs SET status = 'running', finished_at = NULL WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
    await addJobs(tx, failed.map((s) => stepJob(tenantId, id, s.idx, s.action_type, { only: true })));
  }
  return getRun(tx, tenantId, id);
}

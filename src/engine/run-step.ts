// run_step: one action of one run. Re-loads what it needs by id, renders, calls the action with injected ports,
// records the outcome and starts the next step, in that order. Retries follow the error's class:
// PermanentActionError (and ConfigInvalidError) is recorded and not retried; anything else is retried with
// graphile-worker's backoff until the action's attempt limit, then recorded as failed.
import type { JobHelpers } from 'graphile-worker';
import type { DataSource, EntityManager } from 'typeorm';
import { one, transaction } from '../db/sql.js';
import { getEvent } from '../domain/events.js';
import { addJobs } from '../worker/jobs.js';
import { PayloadError } from '../worker/payload.js';
import { TemplateError } from '../templates/index.js';
import { ConfigInvalidError, PermanentActionError, TransientActionError, type ActionDeps, type ActionInput, type StepResult } from './contracts.js';
import { enrichContext, loadContext, loadTenant } from './context.js';
import { dbOutbox } from './outbox.js';
import { actions } from './registry.js';
import { renderField, renderPlain, resolveRecipient } from './render.js';
import { finishRunIfDone, stepJob, TASKS } from './runs.js';
import type { ActionStep } from './workflow-schema.js';

export interface StepPayload {
  tenantId: string;
  runId: string;
  step: number;
  /** A retry of this step alone (POST /runs/:id/retry): do not continue with the steps after it. */
  only?: boolean;
}

export function stepPayload(payload: unknown): StepPayload {
  const p = payload as Partial<StepPayload>;
  if (typeof p?.tenantId !== 'string' || typeof p.runId !== 'string' || !Number.isInteger(p.step)) throw new PayloadError(TASKS.runStep, payload);
  return { tenantId: p.tenantId, runId: p.runId, step: p.step!, only: p.only === true };
}

interface RunRow { id: string; workflow_id: string; event_id: string | null; booking_id: string | null; depth: number; actions: ActionStep[] }

/** Outcomes that count as done without sending (`skipped:*`); anything else a module returns is success. */
const stepStatus = (outcome: string): 'succeeded' | 'skipped' => (outcome.startsWith('skipped') ? 'skipped' : 'succeeded');

async function complete(tx: EntityManager, p: StepPayload, run: RunRow, update: {
  status: 'succeeded' | 'skipped' | 'failed'; outcome: string | null; output: Record<string, unknown>; errorCode?: string; errorMessage?: string;
}): Promise<void> {
  await tx.query(`
    UPDATE run_steps SET status = $4, outcome = $5, output = $6, error_code = $7, error_message = $8, finished_at = now()
    WHERE tenant_id = $1 AND run_id = $2 AND idx = $3`,
  [p.tenantId, p.runId, p.step, update.status, update.outcome, JSON.stringify(update.output), update.errorCode ?? null, update.errorMessage ?? null]);
  const next = p.step + 1;
  if (!p.only && next < run.actions.length) await addJobs(tx, [stepJob(p.tenantId, p.runId, next, run.actions[next].type)]);
  else await finishRunIfDone(tx, p.tenantId, p.runId);
}

export async function runStep(ds: DataSource, actionDeps: ActionDeps, payload: unknown, helpers: Pick<JobHelpers, 'job'>): Promise<void> {
  const p = stepPayload(payload);
  const run = await one<RunRow>(ds, 'SELECT id, workflow_id, event_id::text, booking_id, depth, actions FROM runs WHERE tenant_id = $1 AND id = $2', [p.tenantId, p.runId]);
  if (!run || !run.actions[p.step]) return; // the tenant or run is gone
  // Claim the step: a step already finished (a duplicate job) is not run again.
  const claimed = await one(ds, `
    UPDATE run_steps SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now())
    WHERE tenant_id = $1 AND run_id = $2 AND idx = $3 AND status IN ('pending', 'running') RETURNING idx`, [p.tenantId, p.runId, p.step]);
  if (!claimed) return;

  const step = run.actions[p.step];
  const registered = actions.get(step.type);
  const config = structuredClone(step.config);
  try {
    if (!registered) throw new ConfigInvalidError(`no action of type ${step.type} in this version of Bookflow`);
    if (!registered.validate(config)) {
      throw new ConfigInvalidError(`the stored config of this ${step.type} step no longer fits its schema (${registered.validate.errors?.[0]?.instancePath} ${registered.validate.errors?.[0]?.message}); edit the workflow`);
    }
    const tenant = await loadTenant(ds, p.tenantId);
    if (!tenant) return;
    const event = run.event_id ? await getEvent(ds, p.tenantId, run.event_id) : null;
    const context = await enrichContext(ds, await loadContext(ds, tenant, { bookingId: run.booking_id, event: event ?? null }), { publicUrl: actionDeps.publicUrl });
    const wf = await one<{ secrets: Record<string, Record<string, string>> }>(ds, 'SELECT secrets FROM workflows WHERE tenant_id = $1 AND id = $2', [p.tenantId, run.workflow_id]);
    const module = registered.module;
    const input: ActionInput<any> = {
      tenantId: p.tenantId,
      runId: p.runId,
      stepIndex: p.step,
      config,
      context,
      idempotencyKey: `${p.runId}:${p.step}`,
      origin: { tenantId: p.tenantId, depth: run.depth + 1, causedByRun: p.runId },
      render: (field, recipient) => renderField({ module, config, field, recipient, context, publicUrl: actionDeps.publicUrl }),
      renderString: (source) => renderPlain(source, context, actionDeps.publicUrl),
      recipient: (to, channel) => resolveRecipient(context, config, to, channel),
      outbox: dbOutbox(ds, { tenantId: p.tenantId, runId: p.runId, stepIdx: p.step, bookingId: context.booking?.id ?? null }),
      secrets: wf?.secrets[step.id] ?? {},
    };
    const result: StepResult = await module.run(input, actionDeps);
    await transaction(ds, (tx) => complete(tx, p, run, { status: stepStatus(result.outcome), outcome: result.outcome, output: result.output }));
  } catch (caught) {
    // A template that no longer renders (it was valid when saved) cannot get better by retrying.
    const err = caught instanceof TemplateError ? new PermanentActionError('TEMPLATE_INVALID', caught.message) : caught;
    const permanent = err instanceof PermanentActionError;
    const final = permanent || helpers.job.attempts >= helpers.job.max_attempts;
    const code = err instanceof PermanentActionError || err instanceof TransientActionError ? err.code : 'ERROR';
    const message = err instanceof Error ? err.message : String(err);
    const output = err instanceof PermanentActionError || err instanceof TransientActionError ? err.output : {};
    if (final) {
      await transaction(ds, (tx) => complete(tx, p, run, { status: 'failed', outcome: null, output, errorCode: code, errorMessage: message }));
      return;
    }
    await ds.query(`
      UPDATE run_steps SET output = $4, error_code = $5, error_message = $6 WHERE tenant_id = $1 AND run_id = $2 AND idx = $3 AND status = 'running'`,
    [p.tenantId, p.runId, p.step, JSON.stringify(output), code, message]);
    throw err; // graphile-worker retries with backoff
  }
}

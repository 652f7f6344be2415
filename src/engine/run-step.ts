// run_step: one action of one run. Re-loads what it needs by id, renders, calls the action with injected ports,
// records the outcome and starts the next step, in that order. Retries follow the error's class:
// PermanentActionError (and ConfigInvalidError) is recorded and not retried; anything else is retried with
// graphile-worker's backoff until the action's attempt limit, then recorded as failed.
import type { JobHelpers } from 'graphile-worker';
import type { DataSource, EntityManager } from 'typeorm';
import { coalesce, perDataSource } from '../db/coalesce.js';
import { rows, transaction } from '../db/sql.js';
import { toEvent, type DomainEvent, type EventRow } from '../domain/events.js';
import { PayloadError } from '../worker/payload.js';
import { TemplateError } from '../templates/index.js';
import { ConfigInvalidError, PermanentActionError, TransientActionError, type ActionDeps, type ActionInput, type StepResult } from './contracts.js';
import { enrichContext, loadContext, toTenantInfo, type TenantInfo, type TenantRow } from './context.js';
import { recordMessageFailed } from './failures.js';
import { dbOutbox } from './outbox.js';
import { actions, triggers } from './registry.js';
import { renderField, renderPlain, resolveRecipient, textLanguageFor } from './render.js';
import { completeStep, stepJob, TASKS, type StepUpdate } from './runs.js';
import { momentGone } from './schedule.js';
import type { ActionStep } from './workflow-schema.js';
import type { WorkflowRow } from './workflows.js';

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

/** `scheduled_for`: the moment of a time-offset run (null for a run of an event). */
interface RunRow { booking_id: string | null; depth: number; actions: ActionStep[]; scheduled_for: Date | null; trigger_type: string }

/** Outcomes that count as done without sending (`skipped:*`); anything else a module returns is success. */
const stepStatus = (outcome: string): 'succeeded' | 'skipped' => (outcome.startsWith('skipped') ? 'skipped' : 'succeeded');

async function complete(db: DataSource | EntityManager, p: StepPayload, run: RunRow, update: StepUpdate): Promise<void> {
  const next = p.step + 1;
  const nextJob = !p.only && next < run.actions.length ? stepJob(p.tenantId, p.runId, next, run.actions[next].type) : null;
  await completeStep(db, { tenantId: p.tenantId, runId: p.runId, idx: p.step }, update, nextJob);
}

interface Claimed {
  run: RunRow;
  /** Null once the tenant is gone. */
  tenant: TenantInfo | null;
  /** The run's event (null for a moment, or once the event is gone). */
  event: DomainEvent | null;
  /** The workflow's per-step secrets (null once the workflow is deleted). */
  secrets: Record<string, Record<string, string>> | null;
  /** Whether the workflow is switched on now (null: deleted). */
  workflowEnabled: boolean | null;
  /**
   * For a time-offset run, the workflow as it is now, for re-checking the run's moment (null once the workflow is
   * deleted); null for a run of an event (not read).
   */
  workflow: TimedWorkflow | null;
}

type TimedWorkflow = Pick<WorkflowRow, 'enabled' | 'trigger_type' | 'trigger_config' | 'filters'>;

/**
 * Claiming a step: a step already finished (a duplicate job), or one its run does not have, is not run again (null).
 * The same statement reads what the step needs besides its context: the run, the tenant, the event, and the
 * workflow's secrets and current settings (none of them locked; only the step row is).
 */
type ClaimRow = RunRow & Omit<TenantRow, 'id'> & { has_tenant: boolean; secrets: Claimed['secrets']; workflow_enabled: boolean | null } & { [K in keyof EventRow as `e_${K}`]: EventRow[K] | null }
  & { [K in keyof TimedWorkflow as `w_${K}`]: TimedWorkflow[K] | null };

const CLAIM_SQL = `
    UPDATE run_steps s SET status = 'running', attempts = s.attempts + 1, started_at = coalesce(s.started_at, now())
    FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS k(tenant_id, run_id, idx, ord)
    JOIN runs r ON r.tenant_id = k.tenant_id AND r.id = k.run_id
    LEFT JOIN tenants t ON t.id = r.tenant_id
    LEFT JOIN workflows w ON w.tenant_id = r.tenant_id AND w.id = r.workflow_id
    -- OFFSET 0 keeps this a primary-key lookup per run row: joined plainly, the planner may merge-join the events.
    LEFT JOIN LATERAL (SELECT * FROM events WHERE tenant_id = r.tenant_id AND id = r.event_id OFFSET 0) e ON true
    WHERE s.tenant_id = k.tenant_id AND s.run_id = k.run_id AND s.idx = k.idx AND s.status IN ('pending', 'running')
      AND jsonb_typeof(r.actions -> k.idx) <> 'null'
    RETURNING k.ord, r.booking_id, r.depth, r.actions, r.scheduled_for, r.trigger_type, w.secrets, w.enabled AS workflow_enabled,
              -- the workflow's settings only where they are re-checked (a time-offset run's moment), not on every step
              CASE WHEN r.scheduled_for IS NOT NULL THEN w.enabled END AS w_enabled,
              CASE WHEN r.scheduled_for IS NOT NULL THEN w.trigger_type END AS w_trigger_type,
              CASE WHEN r.scheduled_for IS NOT NULL THEN w.trigger_config END AS w_trigger_config,
              CASE WHEN r.scheduled_for IS NOT NULL THEN w.filters END AS w_filters,
              t.id IS NOT NULL AS has_tenant, t.name, t.timezone, t.default_language, t.admin_email,
              e.id AS e_id, e.tenant_id AS e_tenant_id, e.type AS e_type, e.subject_type AS e_subject_type, e.subject_id AS e_subject_id,
              e.data AS e_data, e.depth AS e_depth, e.caused_by_run AS e_caused_by_run, e.occurred_at AS e_occurred_at,
              e.dispatched_at AS e_dispatched_at`;

/** Claims the steps that steps running at the same time claim, in one statement (two copies of one step: one runs). */
const claimSteps = perDataSource((ds) => coalesce<StepPayload, Claimed | null>(async (keys) => {
  const found = await rows<ClaimRow & { ord: string }>(ds, CLAIM_SQL, [keys.map((k) => k.tenantId), keys.map((k) => k.runId), keys.map((k) => k.step)]);
  const out: (Claimed | null)[] = keys.map(() => null);
  for (const r of found) {
    const tenantId = keys[Number(r.ord) - 1].tenantId;
    const run: RunRow = { booking_id: r.booking_id, depth: r.depth, actions: r.actions, scheduled_for: r.scheduled_for, trigger_type: r.trigger_type };
    const workflow = r.w_enabled === null ? null
      : { enabled: r.w_enabled, trigger_type: r.w_trigger_type!, trigger_config: r.w_trigger_config!, filters: r.w_filters! };
    const tenant = r.has_tenant ? toTenantInfo({ ...r, id: tenantId }) : null;
    const event = r.e_id === null ? null : toEvent({
      id: r.e_id, tenant_id: r.e_tenant_id!, type: r.e_type!, subject_type: r.e_subject_type!, subject_id: r.e_subject_id!, data: r.e_data!,
      depth: r.e_depth!, caused_by_run: r.e_caused_by_run, occurred_at: r.e_occurred_at!, dispatched_at: r.e_dispatched_at,
    });
    out[Number(r.ord) - 1] = { run, tenant, event, secrets: r.secrets, workflowEnabled: r.workflow_enabled, workflow };
  }
  return out;
}));

/**
 * run_step's payload: one step, or a list of steps (a graphile-worker batch job, as dispatch starts first steps).
 * A list gets one promise per step, so graphile-worker retries only the steps that failed (with their job's backoff).
 */
export function runSteps(ds: DataSource, actionDeps: ActionDeps, payload: unknown, helpers: Pick<JobHelpers, 'job'>): Promise<void> | Promise<void>[] {
  if (Array.isArray(payload)) return payload.map((p) => runStep(ds, actionDeps, p, helpers));
  return runStep(ds, actionDeps, payload, helpers);
}

export async function runStep(ds: DataSource, actionDeps: ActionDeps, payload: unknown, helpers: Pick<JobHelpers, 'job'>): Promise<void> {
  const p = stepPayload(payload);
  const claimed = await claimSteps(ds)(p);
  if (!claimed) return; // the tenant or run is gone, or the step is done
  const { run, tenant, event, secrets, workflowEnabled, workflow } = claimed;

  const step = run.actions[p.step];
  const registered = actions.get(step.type);
  const config = structuredClone(step.config);
  try {
    if (!registered) throw new ConfigInvalidError(`no action of type ${step.type} in this version of Bookflow`);
    if (!registered.validate(config)) {
      throw new ConfigInvalidError(`the stored config of this ${step.type} step no longer fits its schema (${registered.validate.errors?.[0]?.instancePath} ${registered.validate.errors?.[0]?.message}); edit the workflow`);
    }
    if (!tenant) return;
    const context = await enrichContext(ds, await loadContext(ds, tenant, { bookingId: run.booking_id, event }), { publicUrl: actionDeps.publicUrl });
    // A step (a retry above all) goes ahead only while what started its run still holds: its workflow is on (one
    // switched off or deleted since acts no more), a reminder's moment (not for a booking cancelled or moved since it
    // fired), or, for a message to a person (email, SMS), what the trigger says of its event (an offer still open, a
    // booking not cancelled since). A webhook action still reports the event: an integration needs every event, and
    // orders them by the booking's later ones. Recorded as skipped with the reason.
    const toPerson = registered.module.channel === 'email' || registered.module.channel === 'sms';
    const gone = workflowEnabled === null ? 'stale:workflow_deleted' : !workflowEnabled ? 'disabled'
      : run.scheduled_for ? momentGone(workflow, context, run.scheduled_for)
        : toPerson ? triggers.get(run.trigger_type)?.module.stillHolds?.(context) ?? null : null;
    if (gone) {
      await transaction(ds, async (tx) => {
        await complete(tx, p, run, { status: 'skipped', outcome: `skipped:${gone}`, output: {} });
        // An earlier attempt that died between storing its message and recording the send (a database outage) left
        // it `sending`: it is not sent now, so it does not stay "being sent" in the outbox for ever.
        await rows(tx, `
          UPDATE messages SET status = 'failed', last_error = $4, updated_at = now()
          WHERE tenant_id = $1 AND run_id = $2 AND step_idx = $3 AND status IN ('pending', 'sending')`,
        [p.tenantId, p.runId, p.step, `WITHHELD: not sent (${gone}); an earlier attempt stopped before recording whether it had sent it`]);
      });
      return;
    }
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
      textLanguage: (recipient) => textLanguageFor(config, recipient, context),
      recipient: (to, channel) => resolveRecipient(context, config, to, channel),
      outbox: dbOutbox(ds, { tenantId: p.tenantId, runId: p.runId, stepIdx: p.step, bookingId: context.booking?.id ?? null }),
      secrets: secrets?.[step.id] ?? {},
    };
    const result: StepResult = await module.run(input, actionDeps);
    await complete(ds, p, run, { status: stepStatus(result.outcome), outcome: result.outcome, output: result.output });
  } catch (caught) {
    // A template that no longer renders (it was valid when saved) cannot get better by retrying.
    const err = caught instanceof TemplateError ? new PermanentActionError('TEMPLATE_INVALID', caught.message) : caught;
    const permanent = err instanceof PermanentActionError;
    const final = permanent || helpers.job.attempts >= helpers.job.max_attempts;
    const code = err instanceof PermanentActionError || err instanceof TransientActionError ? err.code : 'ERROR';
    const message = err instanceof Error ? err.message : String(err);
    const output = err instanceof PermanentActionError || err instanceof TransientActionError ? err.output : {};
    if (final) {
      const failed: StepUpdate = { status: 'failed', outcome: null, output, errorCode: code, errorMessage: message };
      const channel = registered?.module.channel;
      if (!channel) {
        await complete(ds, p, run, failed);
        return;
      }
      // A message that will not be sent: say so (message.failed) with the step's failure, or not at all.
      await transaction(ds, async (tx) => {
        await complete(tx, p, run, failed);
        await recordMessageFailed(tx, { tenantId: p.tenantId, runId: p.runId, stepIdx: p.step, stage: 'sending', channel, error: { code, message } });
      });
      return;
    }
    await rows(ds, `
      UPDATE run_steps SET output = $4, error_code = $5, error_message = $6 WHERE tenant_id = $1 AND run_id = $2 AND idx = $3 AND status = 'running'`,
    [p.tenantId, p.runId, p.step, JSON.stringify(output), code, message]);
    throw err; // graphile-worker retries with backoff
  }
}

// Dry runs: what a workflow would do for a booking (or the trigger's sample), with every message rendered, and
// nothing sent or changed. The ports are capturing ones; the outbox is in memory.
import type { DataSource } from 'typeorm';
import { generateSecret } from '../delivery/signing.js';
import type { DomainEvent } from '../domain/events.js';
import { notFound } from '../domain/errors.js';
import type { ActionDeps, ActionInput, RunContext } from './contracts.js';
import { PermanentActionError, TransientActionError } from './contracts.js';
import { enrichContext, loadContext, loadTenant, scopeOf } from './context.js';
import { filterReason } from './filters.js';
import { memoryOutbox } from './outbox.js';
import { actions, triggers } from './registry.js';
import { renderField, renderPlain, resolveRecipient, textLanguageFor } from './render.js';
import { sampleContext } from './samples.js';
import type { WorkflowDoc } from './workflow-schema.js';
import { previewFill } from '../waitlist/service.js';
import type { Booking } from '../domain/bookings.js';
import { lateSkip } from './schedule.js';

export interface DryRunStep {
  index: number;
  type: string;
  outcome: string | null;
  output: Record<string, unknown>;
  error: { code: string; message: string } | null;
}

export interface DryRunResult {
  decision: 'would_run' | 'would_skip';
  reason: string | null;
  /** Time-offset triggers: when it would run for this booking (now, for a moment past with latePolicy send_now). */
  scheduledFor: string | null;
  bookingId: string | null;
  language: string | null;
  steps: DryRunStep[];
}

const capturing = (publicUrl: string): ActionDeps => ({
  mailer: { configured: true, send: async () => ({ providerId: 'dry-run', response: 'not sent (dry run)' }), close: async () => {} },
  sms: { configured: true, send: async () => ({ providerId: 'dry-run', status: 'not sent (dry run)' }), findSent: async () => null, validateCallback: () => false },
  http: { send: async () => ({ status: 200, body: 'not sent (dry run)', durationMs: 0 }) },
  setBookingStatus: async () => { throw new Error('dry runs change nothing'); },
  publicUrl,
  dryRun: true,
});

export async function dryRun(ds: DataSource, opts: { tenantId: string; workflow: WorkflowDoc; bookingId?: string; language?: string; publicUrl: string }): Promise<DryRunResult> {
  const tenant = await loadTenant(ds, opts.tenantId);
  if (!tenant) throw notFound('tenant', opts.tenantId);
  const trigger = triggers.get(opts.workflow.trigger.type)!.module;
  const config = (opts.workflow.trigger.config ?? {}) as never;
  const sample = trigger.sampleEvent;
  let context: RunContext;
  if (opts.bookingId) {
    context = await loadContext(ds, tenant, { bookingId: opts.bookingId, eventType: sample.type });
    if (!context.booking) throw notFound('booking', opts.bookingId, '/bookingId');
  } else {
    context = sampleContext(tenant);
  }
  // The event this workflow waits for, about this booking: the sample, fitted to the trigger's config (a change to
  // the status it wants), with the booking as that event would leave it.
  const fitted = trigger.sampleData?.(config, context.booking) ?? {};
  if (fitted.booking) context.booking = fitted.booking as RunContext['booking'];
  const event: DomainEvent = {
    ...sample, tenantId: tenant.id, data: { ...sample.data, ...fitted, ...(context.booking ? { booking: context.booking } : {}) },
  };
  context.event = { id: null, type: event.type, occurredAt: opts.bookingId ? new Date().toISOString() : sample.occurredAt, data: event.data };
  if (opts.language) {
    if (context.booking) context.booking = { ...context.booking, language: opts.language };
    if (context.customer) context.customer = { ...context.customer, language: opts.language };
  }
  await enrichContext(ds, context, { publicUrl: opts.publicUrl });
  const scope = scopeOf(context);
  // Time-offset triggers wait for a moment, not an event: there is nothing to match. A moment already past is
  // what a booking made now would meet: the workflow's late policy decides (as schedule.ts does).
  const moment = trigger.schedule && context.booking ? trigger.schedule(context.booking, config, context.timezone) : null;
  const now = Date.now();
  const late = opts.bookingId !== undefined && moment !== null && moment.getTime() <= now;
  const reason = trigger.listensTo.length && !trigger.matches(event, config) ? 'trigger:no_match'
    : (opts.bookingId ? filterReason(opts.workflow.filters, scope, trigger.defaultStatuses) : null)
      ?? (late ? lateSkip(trigger.type, config, context.booking as unknown as Booking, now) : null);

  const deps: ActionDeps = { ...capturing(opts.publicUrl), fillFromWaitlist: (origin, slot) => previewFill(ds, origin, slot as never) };
  const steps: DryRunStep[] = [];
  for (const [index, step] of opts.workflow.actions.entries()) {
    const module = actions.get(step.type)!.module;
    const config = step.config;
    const input: ActionInput<any> = {
      tenantId: tenant.id, runId: 'dry-run', stepIndex: index, config, context, idempotencyKey: `dry-run:${index}`,
      origin: { tenantId: tenant.id, depth: 1, causedByRun: null },
      render: (field, recipient) => renderField({ module, config, field, recipient, context, publicUrl: opts.publicUrl }),
      renderString: (source) => renderPlain(source, context, opts.publicUrl),
      textLanguage: (recipient) => textLanguageFor(config, recipient, context),
      recipient: (to, channel) => resolveRecipient(context, config, to, channel),
      outbox: memoryOutbox(),
      secrets: Object.fromEntries((module.secrets ?? []).map((s) => [s, generateSecret()])),
    };
    try {
      const r = await module.run(input, deps);
      // A skipped workflow's steps are still rendered (to see what they say), but nothing would go out: `not_run`.
      steps.push({ index, type: step.type, outcome: reason ? 'not_run' : r.outcome === 'sent' ? 'would_send' : r.outcome, output: r.output, error: null });
    } catch (err) {
      const known = err instanceof PermanentActionError || err instanceof TransientActionError;
      steps.push({ index, type: step.type, outcome: null, output: known ? err.output : {}, error: { code: known ? err.code : 'ERROR', message: (err as Error).message } });
    }
  }
  return {
    decision: reason ? 'would_skip' : 'would_run', reason,
    scheduledFor: late && !reason ? new Date(now).toISOString() : moment ? moment.toISOString() : null,
    bookingId: context.booking?.id ?? null, language: scope.language, steps,
  };
}

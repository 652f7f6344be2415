// `message.failed`: Bookflow says so when a message did not reach its recipient, instead of leaving it to be found
// in the outbox. Two moments: a step of a sending action (email, sms, webhook: ActionModule.channel) fails for good
// (stage `sending`: a permanent error, or its last attempt), or the SMS provider reports a sent message undelivered
// or failed (stage `delivery`). The event is recorded in the transaction that records the failure, so it exists
// exactly when the failure does.
//
// A failed notice about a failure is not reported again: steps of runs triggered by `message.failed` record nothing
// (the loop would otherwise be bounded only by the depth limit).
import type { EntityManager } from 'typeorm';
import { one } from '../db/sql.js';
import { record } from '../domain/events.js';
import { registerDefaultWorkflow } from './defaults.js';

export interface MessageFailure {
  tenantId: string;
  runId: string;
  stepIdx: number;
  stage: 'sending' | 'delivery';
  /** The sending action's channel; for `delivery`, the message's. */
  channel: 'email' | 'sms' | 'webhook';
  error: { code: string; message: string };
  /** The message the report is about (delivery); else the step's latest message, if it got that far. */
  messageId?: string;
}

interface Found {
  workflow_id: string; workflow_name: string; trigger_type: string; depth: number; booking_id: string | null; action_type: string | null;
  message_id: string | null; recipient: string | null; status: string | null; provider_status: string | null;
}

export async function recordMessageFailed(tx: EntityManager, f: MessageFailure): Promise<void> {
  const r = await one<Found>(tx, `
    SELECT r.workflow_id, r.workflow_name, r.trigger_type, r.depth, r.booking_id, r.actions -> $3::int ->> 'type' AS action_type,
           m.id AS message_id, m.recipient, m.status, m.provider_status
    FROM runs r
    LEFT JOIN LATERAL (
      SELECT id, recipient, status, provider_status FROM messages
      WHERE tenant_id = r.tenant_id AND run_id = r.id AND step_idx = $3 AND ($4::text IS NULL OR id = $4)
      ORDER BY created_at DESC LIMIT 1
    ) m ON true
    WHERE r.tenant_id = $1 AND r.id = $2`, [f.tenantId, f.runId, f.stepIdx, f.messageId ?? null]);
  if (!r || r.trigger_type === 'message.failed') return;
  // Once per lost message: a retry of the step (POST /api/runs/:id/retry) that fails again tells nobody twice.
  const told = await one(tx, `
    SELECT 1 FROM events WHERE tenant_id = $1 AND subject_type = 'run' AND subject_id = $2 AND type = 'message.failed'
      AND data->>'stage' = $3 AND (data->'run'->>'stepIndex')::int = $4 AND data->'message'->>'id' IS NOT DISTINCT FROM $5::text LIMIT 1`,
  [f.tenantId, f.runId, f.stage, f.stepIdx, r.message_id]);
  if (told) return;
  await record(tx, { tenantId: f.tenantId, depth: r.depth + 1, causedByRun: f.runId }, {
    type: 'message.failed',
    subject: { type: 'run', id: f.runId },
    data: {
      stage: f.stage,
      channel: f.channel,
      recipient: r.recipient,
      error: f.error,
      message: r.message_id ? { id: r.message_id, status: r.status, providerStatus: r.provider_status } : null,
      workflow: { id: r.workflow_id, name: r.workflow_name },
      run: { id: f.runId, stepIndex: f.stepIdx, actionType: r.action_type },
      bookingId: r.booking_id,
    },
  });
}

/** Persisted in workflows.builtin_key: never rename. */
export const MESSAGE_FAILED_DEFAULT_KEY = 'engine.message_failed';

registerDefaultWorkflow({
  key: MESSAGE_FAILED_DEFAULT_KEY,
  workflow: {
    name: 'Tell the admin when a message could not be delivered',
    description: 'Emails the tenant admin address when an email, SMS or webhook call of a workflow did not reach its recipient, with the reason.',
    trigger: { type: 'message.failed' },
    actions: [{
      type: 'email',
      config: {
        to: 'admin',
        subject: 'Not delivered: {{event.data.channel}} to {{#if event.data.recipient}}{{event.data.recipient}}{{else}}{{customer.name}}{{/if}}',
        html: '<p>The workflow <b>{{event.data.workflow.name}}</b> could not deliver its {{event.data.channel}}'
          + '{{#if event.data.recipient}} to <b>{{event.data.recipient}}</b>{{/if}}'
          + '{{#if customer.name}} for {{customer.name}}{{/if}}'
          + '{{#if booking.startTime}} (booking on {{formatDate booking.startTime}}){{/if}}.</p>'
          + '<p>Reason: {{event.data.error.message}} ({{event.data.error.code}})</p>'
          + '<p><a href="{{url "/#/runs/" event.data.run.id}}">The run</a> shows the message and every attempt. Once the cause '
          + 'is fixed (the address, the number or the endpoint), a failed step can be retried from there '
          + '(or with POST /api/runs/{{event.data.run.id}}/retry).</p>',
      },
    }],
  },
});

// What the workflow endpoints answer (workflows, runs, the trigger and action catalog, defaults, dry runs), for
// OpenAPI. Configs of triggers and actions stay free-form objects here: each module's configSchema describes its own,
// and GET /api/catalog/* publishes them.
import { filtersSchema, workflowSchemas } from '../engine/workflow-schema.js';
import * as S from './schemas.js';

/** A workflow as POST /workflows takes it; recipes and exports answer workflows in this form. */
export const workflowInput = workflowSchemas().create;
const inputProps = workflowInput.properties as Record<string, S.JSONSchema>;
const nstr = S.nullable({ type: 'string' });

export const workflow = S.object({
  id: S.id, name: { type: 'string' }, description: nstr, enabled: { type: 'boolean' },
  trigger: inputProps.trigger, filters: filtersSchema, actions: { type: 'array', items: (inputProps.actions as S.JSONSchema).items },
  builtin: { type: ['string', 'null'], description: 'set on default workflows (restorable)' },
  version: { type: 'integer' }, summary: { type: 'string', description: 'the trigger in words' },
  actionSummaries: { type: 'array', items: { type: 'string' }, description: 'each action in words' },
  problems: {
    type: 'array', items: S.object({ pointer: { type: 'string' }, in: { type: 'string' }, message: { type: 'string' } }, ['pointer', 'in', 'message']),
    description: 'what saving it now would refuse (checks added since it was saved); it still runs as stored: fix these ([] normally)',
  },
  lastRun: {
    ...S.nullable(S.object({ id: S.id, decision: { type: 'string', enum: ['ran', 'skipped'] }, reason: nstr, status: { type: 'string' }, createdAt: S.dateTime },
      ['id', 'decision', 'reason', 'status', 'createdAt'])),
    description: 'in lists: the newest run, null when it never ran',
  },
  secrets: {
    type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
    description: 'signing secrets generated for new webhook steps, by step id and secret name; shown once',
  },
  createdAt: { type: 'string' }, updatedAt: { type: 'string' },
}, ['id', 'name', 'enabled', 'trigger', 'filters', 'actions']);

const step = S.object({
  index: { type: 'integer' }, actionType: { type: 'string' },
  status: { type: 'string', enum: ['pending', 'running', 'succeeded', 'skipped', 'failed'] },
  outcome: { ...nstr, description: 'a stable code: sent, captured, skipped:optout, ...' }, attempts: { type: 'integer' },
  output: { type: ['object', 'null'], description: 'what the step rendered or sent; its fields depend on the action' },
  errorCode: nstr, errorMessage: nstr, startedAt: S.nullable(S.dateTime), finishedAt: S.nullable(S.dateTime),
}, ['index', 'actionType', 'status', 'outcome', 'attempts', 'output', 'errorCode', 'errorMessage', 'startedAt', 'finishedAt']);

export const run = S.object({
  id: S.id, workflowId: S.id, workflowName: { type: 'string' }, triggerType: { type: 'string' }, eventId: { type: ['string', 'null'] },
  bookingId: { type: ['string', 'null'] }, scheduledFor: { type: ['string', 'null'] }, decision: { type: 'string', enum: ['ran', 'skipped'] },
  reason: { type: ['string', 'null'], description: 'why it was skipped: filter:status, late:skip, stale:rescheduled, trigger:no_match, loop:depth, ...' },
  status: { type: 'string' }, steps: { type: 'array', items: step }, createdAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] },
  workflowVersion: { type: 'integer', description: 'the version of the workflow the run used' },
  depth: { type: 'integer', description: 'how many runs caused this one (a chain stops at 3: loop:depth)' },
}, ['id', 'workflowId', 'decision', 'status']);

const jsonSchema = (what: string): S.JSONSchema => ({ type: 'object', description: `a JSON Schema (2020-12) of ${what}` });
const strings = { type: 'array', items: { type: 'string' } };
export const triggerCatalog = S.object({
  items: {
    type: 'array',
    items: S.object({
      type: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, configSchema: jsonSchema('the trigger\'s config'),
      listensTo: { ...strings, description: 'the event types that start it; [] for time-offset triggers' },
      timed: { type: 'boolean', description: 'runs at a time relative to the booking, not on an event' },
      defaultStatuses: { type: 'array', items: S.bookingStatus, description: 'booking statuses it applies to when the status filter is empty ([]: all)' },
      variables: jsonSchema('what its templates can use'),
    }, ['type', 'title', 'description', 'configSchema', 'listensTo', 'timed', 'defaultStatuses', 'variables']),
  },
  helpers: {
    type: 'array', description: 'the template helpers',
    items: S.object({ name: { type: 'string' }, description: { type: 'string' }, example: { type: 'string' } }, ['name', 'description', 'example']),
  },
}, ['items', 'helpers']);
export const actionCatalog = S.object({
  items: {
    type: 'array',
    items: S.object({
      type: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, configSchema: jsonSchema('the action\'s config'),
      templatedFields: { ...strings, description: 'config fields rendered as templates (each may have per-language variants)' },
      htmlField: { ...nstr, description: 'the one templated field rendered as HTML, if any' },
      maxAttempts: { type: 'integer', description: 'attempts before a transient failure counts as final' },
      triggers: { ...S.nullable(strings), description: 'the trigger types it works with; null: any' },
    }, ['type', 'title', 'description', 'configSchema', 'templatedFields', 'htmlField', 'maxAttempts', 'triggers']),
  },
}, ['items']);

export const defaultsList = S.object({
  items: {
    type: 'array',
    items: S.object({
      key: { type: 'string', description: 'for POST /workflows/defaults/{key}/restore' }, name: { type: 'string' },
      workflowId: { ...S.nullable(S.id), description: 'null: deleted from this tenant' },
      modified: { type: 'boolean', description: 'changed from the shipped version' },
    }, ['key', 'name', 'workflowId', 'modified']),
  },
}, ['items']);

export const dryRunResult = S.object({
  decision: { type: 'string', enum: ['would_run', 'would_skip'] },
  reason: { ...nstr, description: 'why it would skip, as a run\'s reason' },
  scheduledFor: { ...S.nullable(S.dateTime), description: 'time-offset triggers: when it would run for this booking' },
  bookingId: S.nullable(S.id), language: nstr,
  steps: {
    type: 'array',
    items: S.object({
      index: { type: 'integer' }, type: { type: 'string', description: 'the action' },
      outcome: { ...nstr, description: 'would_send, not_run (the workflow would skip), or the action\'s own code; null on error' },
      output: { type: 'object', description: 'what the step would render or send; its fields depend on the action' },
      error: S.nullable(S.object({ code: { type: 'string' }, message: { type: 'string' } }, ['code', 'message'])),
    }, ['index', 'type', 'outcome', 'output', 'error']),
  },
}, ['decision', 'reason', 'scheduledFor', 'bookingId', 'language', 'steps']);

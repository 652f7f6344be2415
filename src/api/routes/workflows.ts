// Workflows, their runs and dry runs, and the catalog of triggers and actions the builder is made from.
import { rows, transaction } from '../../db/sql.js';
import type { Queryable } from '../../db/data-source.js';
import { DomainError, invalid, type FieldError } from '../../domain/errors.js';
import { refusedOnSave } from '../../delivery/http.js';
import { dryRun } from '../../engine/dry-run.js';
import { actions, triggers } from '../../engine/registry.js';
import { getRun, listRuns, retryRun } from '../../engine/runs.js';
import { HELPERS } from '../../templates/index.js';
import { problemsOf, workflowSchemas } from '../../engine/workflow-schema.js';
import { toInput } from '../../engine/workflow-transfer.js';
import { defaultsStatus, restoreDefault } from '../../engine/defaults.js';
import {
  createWorkflow, deleteWorkflow, describeTrigger, getWorkflow, listWorkflows, normalize, updateWorkflow, type Workflow, type WorkflowInput,
} from '../../engine/workflows.js';
import { getBooking } from '../../domain/bookings.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';
import { actionCatalog, defaultsList, dryRunResult, run, triggerCatalog, workflow } from '../workflow-answers.js';

const W = workflowSchemas();
/**
 * A webhook step's URL, when it is written out (no template), is checked on save as a subscription's is: a private
 * address or credentials in it get a 400 at the URL, not a failure (and an admin email) at every send. A templated
 * URL is checked as rendered, at each send; so is every URL, at connect time (src/delivery/ssrf.ts).
 */
async function checkWebhookUrls(steps: WorkflowInput['actions'], allowPrivate: boolean): Promise<void> {
  const errors: FieldError[] = [];
  for (const [i, step] of (steps ?? []).entries()) {
    const url = step.config?.url;
    // not http(s): the action's schema says so, with the step's other mistakes
    if (step.type !== 'webhook' || typeof url !== 'string' || url.includes('{{') || !/^https?:\/\//i.test(url)) continue;
    const refused = await refusedOnSave(url, allowPrivate);
    if (refused) errors.push({ pointer: `/actions/${i}/config/url`, in: 'body', message: refused });
  }
  if (errors.length) throw invalid(errors[0].message, errors);
}

/** A workflow whose templates do not fit its trigger (a syntax error, a variable it does not offer). */
const TEMPLATE_INVALID_RESPONSE = { description: 'TEMPLATE_INVALID: a template does not fit the trigger; errors[] names the action, field and variable' };

const dryRunBody = S.object({
  bookingId: S.id,
  language: S.language,
});

/** A workflow as the API answers it: with its trigger and actions in words. */
export const workflowView = (w: Workflow, secrets?: Record<string, unknown>) => ({
  ...w,
  problems: problemsOf(w),
  summary: describeTrigger(w),
  actionSummaries: w.actions.map((a) => actions.get(a.type)?.module.describe(a.config as never) ?? a.type),
  ...(secrets && Object.keys(secrets).length ? { secrets } : {}),
});

/** The newest run of each workflow, in one query (the list shows how each last ran). */
async function lastRuns(db: Queryable, tenantId: string, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (!ids.length) return new Map();
  const rs = await rows<{ workflow_id: string; id: string; decision: string; reason: string | null; status: string; created_at: Date }>(db, `
    SELECT DISTINCT ON (workflow_id) workflow_id, id, decision, reason, status, created_at FROM runs
    WHERE tenant_id = $1 AND workflow_id = ANY($2) ORDER BY workflow_id, created_at DESC`, [tenantId, ids]);
  return new Map(rs.map((r) => [r.workflow_id, { id: r.id, decision: r.decision, reason: r.reason, status: r.status, createdAt: r.created_at.toISOString() }]));
}

const runsQuery = S.object({
  ...S.pageQuery,
  decision: { type: 'string', enum: ['ran', 'skipped'] },
  status: {
    type: 'array', items: { type: 'string', enum: ['running', 'succeeded', 'partial', 'failed', 'skipped'] }, uniqueItems: true,
    description: 'only runs with one of these statuses (repeat the parameter: status=failed&status=partial)',
  },
});

export const workflowRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/catalog/triggers', tag: 'Catalog', access: 'tenant',
    summary: 'Every trigger: title, description, config schema, and the variables its templates can use',
    responses: { 200: { description: 'the triggers and the template helpers', schema: triggerCatalog } },
    handler: async () => ({
      body: {
        items: [...triggers.values()].map(({ module: t }) => ({
          type: t.type, title: t.title, description: t.description, configSchema: t.configSchema, listensTo: t.listensTo,
          timed: Boolean(t.schedule), defaultStatuses: t.defaultStatuses ?? [], variables: t.variables,
        })),
        helpers: HELPERS,
      },
    }),
  }),
  defineRoute({
    method: 'get', path: '/catalog/actions', tag: 'Catalog', access: 'tenant',
    summary: 'Every action: title, description, config schema, and which fields are templates',
    responses: { 200: { description: 'the actions', schema: actionCatalog } },
    handler: async () => ({
      body: {
        items: [...actions.values()].map(({ module: a }) => ({
          type: a.type, title: a.title, description: a.description, configSchema: a.configSchema,
          templatedFields: a.templatedFields, htmlField: a.htmlField ?? null, maxAttempts: a.maxAttempts ?? 5, triggers: a.triggers ?? null,
        })),
      },
    }),
  }),

  defineRoute({
    method: 'post', path: '/workflows', tag: 'Workflows', access: 'admin',
    summary: 'Create a workflow',
    description: 'Configs are validated against each module\'s schema (400), and every template against the trigger\'s variables (422 TEMPLATE_INVALID). '
      + 'Webhook steps get a signing secret, returned once in `secrets`.',
    body: W.create,
    responses: { 201: { description: 'the workflow', schema: workflow }, 422: TEMPLATE_INVALID_RESPONSE },
    handler: async ({ deps, tenantId, body }) => {
      await checkWebhookUrls((body as WorkflowInput).actions, deps.config.webhookAllowPrivate);
      const { workflow: w, secrets } = await createWorkflow(deps.ds, tenantId, body as WorkflowInput);
      return { status: 201, body: workflowView(w, secrets) };
    },
  }),
  defineRoute({
    method: 'get', path: '/workflows', tag: 'Workflows', access: 'admin',
    summary: 'List workflows',
    query: S.object({ ...S.pageQuery, triggerType: { type: 'string', maxLength: 100 }, enabled: { type: 'boolean' } }),
    responses: { 200: { description: 'a page of workflows', schema: S.page(workflow) } },
    handler: async ({ deps, tenantId, query }) => {
      const page = await listWorkflows(deps.ds, tenantId, query as never);
      const last = await lastRuns(deps.ds, tenantId, page.items.map((w) => w.id));
      return { body: { items: page.items.map((w) => ({ ...workflowView(w), lastRun: last.get(w.id) ?? null })), nextCursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'get', path: '/workflows/defaults', tag: 'Workflows', access: 'admin',
    summary: 'The default (built-in) workflows, whether each exists in this tenant and whether it was modified',
    responses: { 200: { description: 'the defaults', schema: defaultsList } },
    handler: async ({ deps, tenantId }) => ({ body: { items: await defaultsStatus(deps.ds, tenantId) } }),
  }),
  defineRoute({
    method: 'post', path: '/workflows/defaults/:key/restore', tag: 'Workflows', access: 'admin',
    summary: 'Restore a default workflow: re-create it if deleted, or reset it to the shipped version',
    params: S.object({ key: { type: 'string', pattern: '^[a-z0-9._-]{1,64}$' } }, ['key']),
    responses: { 200: { description: 'the restored workflow', schema: workflow } },
    handler: async ({ deps, tenantId, params }) => ({ body: workflowView(await restoreDefault(deps.ds, tenantId, params.key)) }),
  }),
  defineRoute({
    method: 'get', path: '/workflows/:id', tag: 'Workflows', access: 'admin',
    summary: 'Get a workflow', params: S.idParam,
    responses: { 200: { description: 'the workflow', schema: workflow } },
    handler: async ({ deps, tenantId, params }) => ({ body: workflowView(await getWorkflow(deps.ds, tenantId, params.id)) }),
  }),
  defineRoute({
    method: 'patch', path: '/workflows/:id', tag: 'Workflows', access: 'admin',
    summary: 'Change a workflow (any of its fields; the result is validated as a whole)', params: S.idParam, body: W.patch,
    responses: { 200: { description: 'the workflow as it now is', schema: workflow }, 422: TEMPLATE_INVALID_RESPONSE },
    handler: async ({ deps, tenantId, params, body }) => {
      await checkWebhookUrls((body as Partial<WorkflowInput>).actions, deps.config.webhookAllowPrivate);
      const { workflow: w, secrets } = await updateWorkflow(deps.ds, tenantId, params.id, body as Partial<WorkflowInput>);
      return { body: workflowView(w, secrets) };
    },
  }),
  defineRoute({
    method: 'post', path: '/workflows/:id/duplicate', tag: 'Workflows', access: 'admin',
    summary: 'Copy a workflow ("Copy of ..."), switched off; webhook steps get signing secrets of their own (in `secrets`, once)',
    params: S.idParam,
    responses: { 201: { description: 'the copy', schema: workflow } },
    handler: async ({ deps, tenantId, params }) => {
      const w = await getWorkflow(deps.ds, tenantId, params.id);
      const { workflow: copy, secrets } = await createWorkflow(deps.ds, tenantId, { ...toInput(w), name: `Copy of ${w.name}`.slice(0, 200), enabled: false });
      return { status: 201, body: workflowView(copy, secrets) };
    },
  }),
  defineRoute({
    method: 'post', path: '/workflows/:id/enable', tag: 'Workflows', access: 'admin',
    summary: 'Enable a workflow', params: S.idParam,
    responses: { 200: { description: 'the workflow', schema: workflow } },
    handler: async ({ deps, tenantId, params }) => ({ body: workflowView((await updateWorkflow(deps.ds, tenantId, params.id, { enabled: true })).workflow) }),
  }),
  defineRoute({
    method: 'post', path: '/workflows/:id/disable', tag: 'Workflows', access: 'admin',
    summary: 'Disable a workflow (its pending reminders are removed)', params: S.idParam,
    responses: { 200: { description: 'the workflow', schema: workflow } },
    handler: async ({ deps, tenantId, params }) => ({ body: workflowView((await updateWorkflow(deps.ds, tenantId, params.id, { enabled: false })).workflow) }),
  }),
  defineRoute({
    method: 'delete', path: '/workflows/:id', tag: 'Workflows', access: 'admin',
    summary: 'Delete a workflow (its runs stay in the history)', params: S.idParam,
    responses: { 204: { description: 'deleted' } },
    handler: async ({ deps, tenantId, params }) => {
      await deleteWorkflow(deps.ds, tenantId, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post', path: '/workflows/:id/test', tag: 'Workflows', access: 'admin',
    summary: 'Dry run: what this workflow would do for a booking (or the trigger\'s sample), without sending or changing anything',
    params: S.idParam, body: dryRunBody,
    responses: { 200: { description: 'the decision and every rendered message or request', schema: dryRunResult } },
    handler: async ({ deps, tenantId, params, body }) => {
      const w = await getWorkflow(deps.ds, tenantId, params.id);
      if (body.bookingId) await getBooking(deps.ds, tenantId, body.bookingId);
      return { body: await dryRun(deps.ds, { tenantId, workflow: w, bookingId: body.bookingId, language: body.language, publicUrl: deps.config.publicUrl }) };
    },
  }),
  defineRoute({
    method: 'post', path: '/workflows/test', tag: 'Workflows', access: 'admin',
    summary: 'Dry run of an unsaved workflow (the builder\'s live preview); validates it like a save',
    body: S.object({ workflow: W.unsaved, bookingId: S.id, language: S.language }, ['workflow']),
    responses: { 200: { description: 'the decision and every rendered message or request', schema: dryRunResult } },
    handler: async ({ deps, tenantId, body }) => {
      const input = body.workflow as WorkflowInput;
      let doc;
      try {
        doc = normalize({ ...input, name: input.name ?? 'unsaved' });
      } catch (err) {
        // errors point into the workflow document inside this body
        if (err instanceof DomainError && err.errors) throw new DomainError(err.status, err.code, err.message, err.errors.map((e) => ({ ...e, pointer: `/workflow${e.pointer}` })));
        throw err;
      }
      if (body.bookingId) await getBooking(deps.ds, tenantId, body.bookingId);
      return { body: await dryRun(deps.ds, { tenantId, workflow: doc, bookingId: body.bookingId, language: body.language, publicUrl: deps.config.publicUrl }) };
    },
  }),

  defineRoute({
    method: 'get', path: '/workflows/:id/runs', tag: 'Runs', access: 'admin',
    summary: 'A workflow\'s runs, newest first, with each decision and step', params: S.idParam, query: runsQuery,
    responses: { 200: { description: 'a page of runs', schema: S.page(run) } },
    handler: async ({ deps, tenantId, params, query }) => {
      await getWorkflow(deps.ds, tenantId, params.id);
      return { body: await listRuns(deps.ds, tenantId, { ...query, workflowId: params.id } as never) };
    },
  }),
  defineRoute({
    method: 'get', path: '/bookings/:id/runs', tag: 'Runs', access: 'admin',
    summary: 'Why did or didn\'t this customer get a message? Every run about this booking, newest first', params: S.idParam, query: runsQuery,
    responses: { 200: { description: 'a page of runs', schema: S.page(run) } },
    handler: async ({ deps, tenantId, params, query }) => {
      const page = await listRuns(deps.ds, tenantId, { ...query, bookingId: params.id } as never);
      // A deleted booking's runs (its booking.deleted workflows) must stay answerable: 404 only when nothing is known.
      if (!page.items.length && !query.cursor) await getBooking(deps.ds, tenantId, params.id);
      return { body: page };
    },
  }),
  defineRoute({
    method: 'get', path: '/runs', tag: 'Runs', access: 'admin',
    summary: 'All runs, newest first', query: runsQuery,
    responses: { 200: { description: 'a page of runs', schema: S.page(run) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listRuns(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'get', path: '/runs/:id', tag: 'Runs', access: 'admin',
    summary: 'A run with its decision and every step (rendered output, provider id or HTTP status, attempts, error)', params: S.idParam,
    responses: { 200: { description: 'the run', schema: run } },
    handler: async ({ deps, tenantId, params }) => ({ body: await getRun(deps.ds, tenantId, params.id) }),
  }),
  defineRoute({
    method: 'post', path: '/runs/:id/retry', tag: 'Runs', access: 'admin',
    summary: 'Re-run the run\'s failed steps (messages already sent are not sent again)', params: S.idParam,
    responses: { 200: { description: 'the run', schema: run } },
    handler: async ({ deps, tenantId, params }) => ({ body: await transaction(deps.ds, (tx) => retryRun(tx, tenantId, params.id)) }),
  }),
];

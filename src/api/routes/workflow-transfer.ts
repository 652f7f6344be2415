// Export and import of a tenant's workflows (src/engine/workflow-transfer.ts). Registered before the
// /workflows/:id routes, which would otherwise take "export" for an id.
import { workflowSchemas } from '../../engine/workflow-schema.js';
import { EXPORT_FORMAT, exportWorkflows, importWorkflows } from '../../engine/workflow-transfer.js';
import type { WorkflowInput } from '../../engine/workflows.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';
import { workflow, workflowInput } from '../workflow-answers.js';
import { workflowView } from './workflows.js';

const W = workflowSchemas();
/** An import adds at most this many workflows (the 1 MB body limit bounds it too). */
const MAX_IMPORT = 500;

const exportFile = S.object({
  format: { type: 'string', const: EXPORT_FORMAT, description: 'names the file\'s layout' }, exportedAt: S.dateTime,
  workflows: { type: 'array', items: workflowInput, description: 'each as POST /workflows takes it (no id)' },
}, ['format', 'exportedAt', 'workflows']);

export const workflowTransferRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/workflows/export', tag: 'Workflows', access: 'admin',
    summary: 'The tenant\'s own workflows as a JSON file (no ids, no signing secrets, no built-in ones), for POST /workflows/import elsewhere',
    responses: { 200: { description: 'the export file', schema: exportFile } },
    handler: async ({ deps, tenantId }) => ({ body: await exportWorkflows(deps.ds, tenantId) }),
  }),
  defineRoute({
    method: 'post', path: '/workflows/import', tag: 'Workflows', access: 'admin',
    summary: 'Add workflows from an export: all of them, switched off, or none (errors point into /workflows/<index>)',
    body: S.object({
      format: { type: 'string', const: EXPORT_FORMAT },
      exportedAt: { type: 'string', maxLength: 64 },
      workflows: { type: 'array', items: W.create, minItems: 1, maxItems: MAX_IMPORT },
    }, ['workflows']),
    responses: { 201: { description: 'the new workflows (disabled), with the signing secrets of their webhook steps, once', schema: S.object({ items: { type: 'array', items: workflow } }, ['items']) } },
    handler: async ({ deps, tenantId, body }) => {
      const added = await importWorkflows(deps.ds, tenantId, body.workflows as WorkflowInput[]);
      return { status: 201, body: { items: added.map((a) => workflowView(a.workflow, a.secrets)) } };
    },
  }),
];

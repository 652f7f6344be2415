// Recipes (src/engine/recipes.ts): ready-made workflows to start from. Registered before the /workflows/:id routes,
// which would otherwise take "recipes" for an id.
import { addRecipe, RECIPES } from '../../engine/recipes.js';
import { describeTrigger } from '../../engine/workflows.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';
import { workflow, workflowInput } from '../workflow-answers.js';
import { workflowView } from './workflows.js';

const recipeList = S.object({
  items: {
    type: 'array',
    items: S.object({
      key: { type: 'string', description: 'for POST /workflows/recipes/{key}' }, name: { type: 'string' }, description: { type: 'string' },
      summary: { type: 'string', description: 'the trigger in words' }, workflow: { ...workflowInput, description: 'the workflow it creates, as POST /workflows takes it' },
    }, ['key', 'name', 'description', 'summary', 'workflow']),
  },
}, ['items']);

export const recipeRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/workflows/recipes', tag: 'Workflows', access: 'admin',
    summary: 'Ready-made workflows to start from: confirmation, reminder, cancellation, approval request, thank-you',
    responses: { 200: { description: 'the recipes, each with the workflow it creates', schema: recipeList } },
    handler: async () => ({
      body: { items: RECIPES.map((r) => ({ key: r.key, name: r.workflow.name, description: r.workflow.description, summary: describeTrigger(r.workflow as never), workflow: r.workflow })) },
    }),
  }),
  defineRoute({
    method: 'post', path: '/workflows/recipes/:key', tag: 'Workflows', access: 'admin',
    summary: 'Add a workflow from a recipe, switched off until you enable it',
    params: S.object({ key: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } }, ['key']),
    responses: { 201: { description: 'the new workflow (disabled)', schema: workflow } },
    handler: async ({ deps, tenantId, params }) => ({ status: 201, body: workflowView(await addRecipe(deps.ds, tenantId, params.key)) }),
  }),
];

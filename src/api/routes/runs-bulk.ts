// POST /api/runs/retry-failed: retry every run with a failed step at once (after a provider's outage, say).
import { DomainError, notFound } from '../../domain/errors.js';
import { retryFailedRuns } from '../../engine/runs.js';
import { getWorkflow } from '../../engine/workflows.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

export const runBulkRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/runs/retry-failed', tag: 'Runs', access: 'admin',
    summary: 'Re-run the failed steps of every run that has one (oldest first, at most 1,000 per call; `more` says when there are more)',
    description: 'Optionally only runs created `since` a time, or of one `workflowId`. Messages already sent are not sent again.',
    body: S.object({ since: S.dateTime, workflowId: S.id }),
    responses: {
      200: {
        description: 'how many runs were retried',
        schema: S.object({
          retried: { type: 'integer', description: 'runs whose failed steps were queued again' },
          more: { type: 'boolean', description: 'more runs have failed steps: call again' },
        }, ['retried', 'more']),
      },
    },
    handler: async ({ deps, tenantId, body }) => {
      const workflowId = body.workflowId as string | undefined;
      // A workflow this tenant does not have is a 404, as everywhere, not "nothing to retry".
      if (workflowId) await getWorkflow(deps.ds, tenantId, workflowId).catch((err) => { throw err instanceof DomainError && err.status === 404 ? notFound('workflow', workflowId, '/workflowId') : err; });
      return { body: await retryFailedRuns(deps.ds, tenantId, { since: body.since ? new Date(body.since as string) : undefined, workflowId }) };
    },
  }),
];

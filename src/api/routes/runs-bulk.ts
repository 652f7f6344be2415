// POST /api/runs/retry-failed: retry every run with a failed step at once (after a provider's outage, say).
import { retryFailedRuns } from '../../engine/runs.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

export const runBulkRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/runs/retry-failed', tag: 'Runs', access: 'admin',
    summary: 'Re-run the failed steps of every run that has one (oldest first, at most 1,000 per call; `more` says when there are more)',
    description: 'Optionally only runs created `since` a time, or of one `workflowId`. Messages already sent are not sent again.',
    body: S.object({ since: S.dateTime, workflowId: S.id }),
    responses: { 200: { description: '{ retried, more }' } },
    handler: async ({ deps, tenantId, body }) => ({
      body: await retryFailedRuns(deps.ds, tenantId, { since: body.since ? new Date(body.since as string) : undefined, workflowId: body.workflowId as string | undefined }),
    }),
  }),
];

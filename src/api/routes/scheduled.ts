// GET /api/scheduled: the reminders waiting for their moment (src/engine/scheduled.ts).
import { invalid } from '../../domain/errors.js';
import { listScheduled, SCHEDULED_LIMIT_MAX } from '../../engine/scheduled.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

const DAY = 86_400_000;

const reminders = S.object({
  items: {
    type: 'array',
    items: S.object({
      runAt: S.dateTime, moment: { ...S.dateTime, description: 'the moment the workflow is for (start - 24 h, say); runAt differs for a late "send now"' },
      workflowId: S.id, workflowName: { type: 'string' }, bookingId: S.id, startTime: S.dateTime, resourceId: S.id, customerId: S.id,
      customerName: S.nullable({ type: 'string' }),
    }, ['runAt', 'moment', 'workflowId', 'workflowName', 'bookingId', 'startTime', 'resourceId', 'customerId', 'customerName']),
  },
  truncated: { type: 'boolean', description: 'more reminders fall in the window than `limit`' },
}, ['items', 'truncated']);

export const scheduledRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/scheduled', tag: 'Runs', access: 'admin',
    summary: 'Reminders waiting for their moment (time-offset workflows), soonest first: which workflow, which booking, when',
    description: '`from` (default now) and `to` (default 7 days later) bound when they run; at most `limit` (default 100, max 500), `truncated` says when there were more.',
    query: S.object({ from: S.dateTime, to: S.dateTime, limit: { type: 'integer', minimum: 1, maximum: SCHEDULED_LIMIT_MAX, default: 100 } }),
    responses: { 200: { description: 'the scheduled reminders', schema: reminders } },
    handler: async ({ deps, tenantId, query }) => {
      const from = query.from ? new Date(query.from as string) : new Date();
      const to = query.to ? new Date(query.to as string) : new Date(from.getTime() + 7 * DAY);
      if (to <= from) throw invalid('`to` must be after `from`', [{ pointer: '/to', in: 'query', message: 'must be after from' }]);
      return { body: await listScheduled(deps.ds, tenantId, { from, to, limit: (query.limit as number | undefined) ?? 100 }) };
    },
  }),
];

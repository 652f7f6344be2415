import { eventTypes, getEvent, listEvents } from '../../domain/events.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

/**
 * Events an app key (a booking site, an integration) does not see: they carry what workflows and webhooks send to,
 * URLs with their credentials included (a failed webhook step's address, a disabled endpoint's), which the runs and
 * webhooks routes keep to admin keys.
 */
const ADMIN_ONLY_EVENTS: readonly string[] = ['message.failed', 'webhook.endpoint_disabled'];
const hiddenFrom = (role: string | undefined): readonly string[] => (role === 'admin' ? [] : ADMIN_ONLY_EVENTS);

export const eventRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/events', tag: 'Events', access: 'tenant',
    summary: 'The tenant\'s recorded events, newest first',
    description: 'App keys do not see `message.failed` and `webhook.endpoint_disabled` (they name the addresses messages and webhooks go to).',
    query: S.object({
      ...S.pageQuery,
      type: { type: 'string', enum: eventTypes },
      subjectType: { type: 'string', maxLength: 64 },
      subjectId: S.id,
      from: S.dateTime,
      to: S.dateTime,
    }),
    responses: { 200: { description: 'a page of events', schema: S.page(S.event) } },
    handler: async ({ deps, tenantId, principal, query }) => {
      const before = query.cursor ? Buffer.from(String(query.cursor), 'base64url').toString('utf8') : undefined;
      if (before !== undefined && !/^\d{1,18}$/.test(before)) {
        throw new DomainError(400, 'VALIDATION_FAILED', 'cursor is not one this API returned', [{ pointer: '/cursor', in: 'query', message: 'invalid cursor' }]);
      }
      const items = await listEvents(deps.ds, tenantId, { ...query, before, withoutTypes: hiddenFrom(principal?.role), limit: query.limit + 1 } as never);
      const more = items.length > query.limit;
      const page = more ? items.slice(0, query.limit) : items;
      return { body: { items: page, nextCursor: more ? Buffer.from(page[page.length - 1].id).toString('base64url') : null } };
    },
  }),
  defineRoute({
    method: 'get', path: '/events/:id', tag: 'Events', access: 'tenant',
    summary: 'Get an event', params: S.object({ id: { type: 'string', pattern: '^[0-9]{1,18}$' } }, ['id']),
    responses: { 200: { description: 'the event', schema: S.event } },
    handler: async ({ deps, tenantId, principal, params }) => {
      const e = await getEvent(deps.ds, tenantId, params.id);
      if (!e || hiddenFrom(principal?.role).includes(e.type)) throw notFound('event', params.id);
      return { body: e };
    },
  }),
];

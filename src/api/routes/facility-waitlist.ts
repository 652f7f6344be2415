// The facility waitlist API, as facility-waitlist-api.md documents it (under /api): clubId = location,
// memberId = customer, a reservation = a booking. Plus the tenant's waitlist settings.
import { notFound } from '../../domain/errors.js';
import { getDecision } from '../../waitlist/fill.js';
import { getEntryRow, joinWaitlist, listEntries, positionOf, STATUSES, toEntry } from '../../waitlist/entries.js';
import { acceptOffer, cancelEntry, declineOffer, expireOffer, manualOffer } from '../../waitlist/offers.js';
import { getWaitlistSettings, patchWaitlistSettings, settingsPatchSchema, settingsSchema } from '../../waitlist/settings.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

/** The parts of a priority score by name (the rules are replaceable: base, tierBonus, earlyBird by default). */
const scoreComponents = { type: 'object', additionalProperties: { type: 'number' }, description: 'the parts of priorityScore by name, e.g. base, tierBonus, earlyBird' };

export const entrySchema = S.object({
  id: S.id, tenantId: S.id, clubId: S.id, resourceId: S.id, memberId: S.id, desiredStart: S.dateTime, desiredEnd: S.dateTime,
  seats: { type: 'integer' }, priorityScore: { type: 'integer', description: 'higher = offered first' }, scoreComponents,
  status: { type: 'string', enum: [...STATUSES] }, offeredAt: S.nullable(S.dateTime), offerExpiresAt: S.nullable(S.dateTime),
  acceptedAt: S.nullable(S.dateTime), cancelledAt: S.nullable(S.dateTime), cancelReason: { type: ['string', 'null'] },
  reservationId: { type: ['string', 'null'] }, createdAt: S.dateTime, updatedAt: S.dateTime,
}, ['id', 'tenantId', 'clubId', 'resourceId', 'memberId', 'desiredStart', 'desiredEnd', 'priorityScore', 'status', 'createdAt']);

export const reservationSchema = S.object({
  id: S.id, resourceId: S.id, memberId: S.id, startTime: S.dateTime, endTime: S.dateTime, status: { type: 'string', enum: ['ACTIVE', 'CANCELLED'] },
}, ['id', 'resourceId', 'memberId', 'startTime', 'endTime', 'status']);

export const joinSchema = S.object({
  clubId: S.id, resourceId: S.id, memberId: S.id, desiredStart: S.dateTime, desiredEnd: S.dateTime,
  seats: { type: 'integer', minimum: 1, maximum: 1000, default: 1, description: 'a party of several (default 1)' },
}, ['clubId', 'resourceId', 'memberId', 'desiredStart', 'desiredEnd']);

/** Bodies of cancel and offer; GraphQL's arguments are checked with the same schemas. */
export const cancelSchema = S.object({ reason: { type: 'string', maxLength: 500 } });
export const offerSchema = S.object({ offerExpiresAt: S.dateTime }, ['offerExpiresAt']);

export const listFilters = {
  clubId: S.id, resourceId: S.id, memberId: S.id, status: { type: 'string', enum: [...STATUSES] },
  desiredFrom: S.dateTime, desiredTo: S.dateTime,
};

const clubQuery = S.object({ clubId: S.id });

/** One entry considered by an allocation decision, and what became of it. */
const candidate = S.object({
  entryId: S.id, memberId: S.id, desiredStart: S.dateTime, desiredEnd: S.dateTime, seats: { type: 'integer' },
  priorityScore: { type: 'integer' }, scoreComponents, joinedAt: S.dateTime,
  result: { type: 'string', enum: ['offered', 'assigned', 'skipped'] },
  reason: { type: ['string', 'null'], enum: ['CONFLICT', 'NO_ROOM', 'ALREADY_DECLINED', 'TOO_LATE', null], description: 'why it was skipped' },
  offerExpiresAt: S.dateTime, bookingId: { ...S.id, description: 'assigned: the booking made' },
  freeSeats: { type: 'integer', description: 'NO_ROOM: the seats still free when its turn came' },
}, ['entryId', 'memberId', 'desiredStart', 'desiredEnd', 'seats', 'priorityScore', 'scoreComponents', 'joinedAt', 'result', 'reason']);

const decision = S.object({
  id: S.id, resourceId: S.id, occurrence: { type: 'string', description: 'what freed the seats, e.g. event:<id>' },
  trigger: { type: 'string', description: 'what made the decision, e.g. slot.freed, reconcile' },
  slot: S.object({
    resourceId: S.id, startTime: S.dateTime, endTime: { ...S.nullable(S.dateTime), description: 'null: open-ended (capacity increased from now on)' },
    seats: { type: 'integer' }, reason: { type: 'string' }, occurrence: { type: 'string' },
  }, ['resourceId', 'startTime', 'endTime', 'seats', 'reason', 'occurrence']),
  mode: (settingsSchema.properties as Record<string, S.JSONSchema>).mode,
  candidates: { type: 'array', items: candidate, description: 'in the order they were considered' },
  outcome: S.object({ offered: { type: 'integer' }, assigned: { type: 'integer' }, note: S.nullable({ type: 'string' }) }, ['offered', 'assigned', 'note']),
  createdAt: S.dateTime,
}, ['id', 'resourceId', 'occurrence', 'trigger', 'slot', 'mode', 'candidates', 'outcome', 'createdAt']);

const entryExplained = S.extend(entrySchema, {
  position: { type: ['integer', 'null'], description: 'place among the entries waiting for the slot (1 = next); null unless ACTIVE' },
  explanation: {
    ...S.nullable(S.extend(decision, { thisEntry: { ...S.nullable(candidate), description: 'this entry among the candidates' } }, ['thisEntry'])),
    description: 'the last allocation decision about this entry; null when none was made',
  },
}, ['position', 'explanation']);
const accepted = S.object({ waitlistEntry: entrySchema, reservation: reservationSchema }, ['waitlistEntry', 'reservation']);

export const waitlistRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/facility-waitlist', tag: 'Facility waitlist', access: 'tenant',
    summary: 'List waitlist entries (by desired start)',
    query: S.object({ ...S.pageQuery, ...listFilters }),
    responses: { 200: { description: 'a page of entries', schema: S.page(entrySchema) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listEntries(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'post', path: '/facility-waitlist', tag: 'Facility waitlist', access: 'tenant',
    summary: 'Join the waitlist for a full slot',
    description: '409 SLOT_AVAILABLE when the slot has room (book it directly), ALREADY_WAITING, WAITLIST_DISABLED.',
    body: joinSchema,
    responses: { 201: { description: 'the entry', schema: entrySchema } },
    handler: async ({ deps, origin, body }) => ({ status: 201, body: await joinWaitlist(deps.ds, origin, body as never) }),
  }),
  defineRoute({
    method: 'get', path: '/facility-waitlist/:id', tag: 'Facility waitlist', access: 'tenant',
    summary: 'One entry, with its position among those waiting for the slot and the last allocation decision about it',
    params: S.idParam, query: clubQuery,
    responses: { 200: { description: 'the entry with `position` and `explanation`', schema: entryExplained } },
    handler: async ({ deps, tenantId, params, query }) => {
      const row = await getEntryRow(deps.ds, tenantId, params.id, query.clubId);
      const decision = await getDecision(deps.ds, tenantId, row.last_decision_id);
      const mine = decision?.candidates.find((c) => c.entryId === row.id);
      return {
        body: {
          ...toEntry(row),
          position: await positionOf(deps.ds, row),
          explanation: decision ? { ...decision, thisEntry: mine ?? null } : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'post', path: '/facility-waitlist/:id/cancel', tag: 'Facility waitlist', access: 'tenant',
    summary: 'Cancel an entry (an offered entry\'s held seat is freed for the next in line)',
    params: S.idParam, query: clubQuery, body: cancelSchema,
    responses: { 200: { description: 'the entry', schema: entrySchema } },
    handler: async ({ deps, origin, params, query, body }) => ({ body: await cancelEntry(deps.ds, origin, params.id, { clubId: query.clubId, reason: body.reason }) }),
  }),
  defineRoute({
    method: 'post', path: '/facility-waitlist/:id/accept', tag: 'Facility waitlist', access: 'tenant',
    summary: 'Accept an offered slot: creates the reservation (idempotent)',
    description: '409 OFFER_EXPIRED at or after offerExpiresAt, NOT_OFFERED when the entry holds no offer.',
    params: S.idParam, query: clubQuery,
    responses: { 200: { description: '{ waitlistEntry, reservation }', schema: accepted } },
    handler: async ({ deps, origin, params, query }) => ({ body: await acceptOffer(deps.ds, origin, params.id, query.clubId) }),
  }),
  defineRoute({
    method: 'post', path: '/facility-waitlist/:id/decline', tag: 'Facility waitlist', access: 'tenant',
    summary: 'Decline an offered slot: back to the queue, or off the waitlist with { "remove": true }',
    params: S.idParam, query: clubQuery, body: S.object({ remove: { type: 'boolean', default: false } }),
    responses: { 200: { description: 'the entry', schema: entrySchema } },
    handler: async ({ deps, origin, params, query, body }) => ({ body: await declineOffer(deps.ds, origin, params.id, { clubId: query.clubId, remove: body.remove }) }),
  }),
  defineRoute({
    method: 'post', path: '/facility-waitlist/:id/offer', tag: 'Facility waitlist', access: 'admin',
    summary: 'Offer a slot manually, until offerExpiresAt (409 NO_CAPACITY when no seat is free)',
    params: S.idParam, query: clubQuery, body: offerSchema,
    responses: { 200: { description: 'the entry', schema: entrySchema } },
    handler: async ({ deps, origin, params, query, body }) => ({ body: await manualOffer(deps.ds, origin, params.id, { clubId: query.clubId, offerExpiresAt: body.offerExpiresAt }) }),
  }),
  defineRoute({
    method: 'post', path: '/facility-waitlist/:id/expire', tag: 'Facility waitlist', access: 'admin',
    summary: 'Expire an offer now (the scheduler does this at offerExpiresAt)',
    params: S.idParam, query: clubQuery,
    responses: { 200: { description: 'the entry', schema: entrySchema } },
    handler: async ({ deps, origin, params, query }) => ({ body: await expireOffer(deps.ds, origin, params.id, { clubId: query.clubId }) }),
  }),
  defineRoute({
    method: 'get', path: '/settings/waitlist', tag: 'Settings', access: 'admin',
    summary: 'The tenant\'s waitlist settings',
    responses: { 200: { description: 'settings', schema: settingsSchema } },
    handler: async ({ deps, tenantId }) => ({ body: await getWaitlistSettings(deps.ds, tenantId) }),
  }),
  defineRoute({
    method: 'patch', path: '/settings/waitlist', tag: 'Settings', access: 'admin',
    summary: 'Change waitlist settings (partial update). Turning the waitlist off keeps every entry and honours held offers.',
    body: settingsPatchSchema,
    responses: { 200: { description: 'settings as they now are', schema: settingsSchema } },
    handler: async ({ deps, tenantId, body }) => ({ body: await patchWaitlistSettings(deps.ds, tenantId, body) }),
  }),
  defineRoute({
    method: 'get', path: '/waitlist/decisions/:id', tag: 'Facility waitlist', access: 'admin',
    summary: 'One allocation decision: the candidates, their scores and components, and why any were skipped',
    params: S.idParam,
    responses: { 200: { description: 'the decision', schema: decision } },
    handler: async ({ deps, tenantId, params }) => {
      const d = await getDecision(deps.ds, tenantId, params.id);
      if (!d) throw notFound('decision', params.id);
      return { body: d };
    },
  }),
];

// JSON Schemas of the webhook API: the same objects validate requests and are published in OpenAPI.
import * as S from '../api/schemas.js';
import { eventTypes } from '../domain/events.js';
import { TEST_EVENT_TYPE } from './payload.js';

const ts = { type: 'string', format: 'date-time', readOnly: true };
const nts = { type: ['string', 'null'], format: 'date-time', readOnly: true };
const ids = (item: S.JSONSchema) => ({ type: 'array', items: item, uniqueItems: true, maxItems: 500, default: [] });

const url = {
  type: 'string', format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2000,
  description: 'an http(s) URL without credentials; loopback, private and link-local addresses are refused unless BOOKFLOW_WEBHOOK_ALLOW_PRIVATE',
};
const eventTypeList = {
  type: 'array', minItems: 1, maxItems: 100, uniqueItems: true,
  items: { type: 'string', enum: ['*', ...eventTypes] },
  description: 'event types to receive, or ["*"] for all of them (new types included)',
};
const filters = S.object({
  locationIds: ids(S.id), serviceIds: ids(S.id), resourceIds: ids(S.id), languages: ids(S.language),
}, [], { description: 'Only deliver events matching every non-empty list (empty = all), as workflow filters do. A PATCH replaces them as a whole.', default: {} });
const description = { type: ['string', 'null'], maxLength: 2000 };

export const subscription = S.object({
  id: S.id, url, description, eventTypes: eventTypeList, filters, enabled: { type: 'boolean' },
  disabledReason: { type: ['string', 'null'], enum: ['gone', 'failing', null], description: 'set when Bookflow disabled it: gone (410) or failing (5 days)' },
  disabledAt: nts, failingSince: { ...nts, description: 'first failure of the current failing streak' }, createdAt: ts, updatedAt: ts,
}, ['id', 'url', 'eventTypes', 'filters', 'enabled']);

const withSecret = (extra: Record<string, S.JSONSchema> = {}) => ({
  ...subscription,
  properties: { ...(subscription.properties as object), secret: { type: 'string', description: 'whsec_... signing secret; shown once' }, ...extra },
});
export const subscriptionCreated = withSecret();
export const secretRotated = withSecret({ previousSecretExpiresAt: { ...ts, description: 'until then, deliveries are signed with the previous secret too' } });

export const subscriptionCreate = S.object({
  id: S.id, url, eventTypes: eventTypeList, filters, description, enabled: { type: 'boolean', default: true },
}, ['url', 'eventTypes']);
// No defaults in a patch: a missing field is left as it is (a filters default would reset the filters).
const { default: _filtersDefault, ...filtersPatch } = filters;
export const subscriptionPatch = S.object({ url, eventTypes: eventTypeList, filters: filtersPatch, description, enabled: { type: 'boolean' } });

export const deliveryParams = S.object({ id: S.id, deliveryId: S.id }, ['id', 'deliveryId']);

const deliveryStatus = { type: 'string', enum: ['pending', 'succeeded', 'failed'], description: 'pending: waiting for its first attempt or a retry' };
const attempt = S.object({
  attempt: { type: 'integer' }, at: ts, statusCode: { type: ['integer', 'null'] }, durationMs: { type: ['integer', 'null'] },
  responseBody: { type: ['string', 'null'], description: 'the first 2 KiB' }, errorCode: { type: ['string', 'null'] }, error: { type: ['string', 'null'] },
}, ['attempt', 'at', 'statusCode']);
export const delivery = S.object({
  id: { type: 'string', description: 'also the webhook-id header, the same on every attempt' }, webhookId: S.id,
  eventId: { type: ['string', 'null'] }, eventType: { type: 'string' }, sequence: { type: 'integer', description: 'the event id; 0 for test deliveries' },
  status: deliveryStatus, attemptCount: { type: 'integer' }, nextAttemptAt: nts, lastStatusCode: { type: ['integer', 'null'] },
  lastError: { type: ['string', 'null'] }, createdAt: ts, finishedAt: nts, attempts: { type: 'array', items: attempt },
  payload: { type: 'object', description: 'the body sent (single delivery only)' },
}, ['id', 'webhookId', 'eventType', 'status', 'attempts']);

export const deliveriesQuery = S.object({
  ...S.pageQuery,
  status: deliveryStatus,
  eventType: { type: 'string', enum: [...eventTypes, TEST_EVENT_TYPE] },
  from: { ...S.dateTime, description: 'created at or after' },
  to: { ...S.dateTime, description: 'created before' },
});

export const replayBody = S.object({ since: { ...S.dateTime, description: 'replay the failed deliveries created at or after this time' } }, ['since']);

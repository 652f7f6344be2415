// JSON Schemas (2020-12) of the REST API: the same objects validate requests and are published in OpenAPI.
import { ID_PATTERN } from '../domain/ids.js';
import { BOOKING_STATUSES } from '../domain/bookings.js';
import { PAYMENT_STATUSES } from '../domain/payments.js';

export type JSONSchema = Record<string, unknown>;

export const id: JSONSchema = { type: 'string', pattern: ID_PATTERN, description: '1-64 letters, digits, `.`, `_`, `-`, `:`' };
export const name: JSONSchema = { type: 'string', minLength: 1, maxLength: 200 };
export const timezone: JSONSchema = { type: 'string', format: 'timezone', description: 'IANA time zone, e.g. Europe/Oslo' };
export const language: JSONSchema = { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$', description: 'a BCP 47 language tag, e.g. nb or en-GB' };
export const email: JSONSchema = { type: 'string', format: 'email', maxLength: 254 };
export const phone: JSONSchema = { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, e.g. +4791234567' };
export const dateTime: JSONSchema = { type: 'string', format: 'date-time', description: 'RFC 3339 with an offset, between 1970 and 9999, e.g. 2026-01-15T10:00:00Z' };
export const nullable = (s: JSONSchema): JSONSchema => ({ ...s, type: [s.type as string, 'null'] });
const ts = { type: 'string', format: 'date-time', readOnly: true };

export function object(properties: Record<string, JSONSchema>, required: string[] = [], extra: JSONSchema = {}): JSONSchema {
  return { type: 'object', properties, required, additionalProperties: false, ...extra };
}

/** `base` with more fields, still closed: an answer that is an entity plus what the route adds to it. */
export const extend = (base: JSONSchema, properties: Record<string, JSONSchema>, required: string[] = []): JSONSchema => ({
  ...base, properties: { ...(base.properties as object), ...properties }, required: [...((base.required as string[] | undefined) ?? []), ...required],
});

export const idParam = object({ id }, ['id']);

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'page size (default 50, max 500)' },
  cursor: { type: 'string', maxLength: 500, description: 'nextCursor of the previous page' },
};
export const page = (item: JSONSchema): JSONSchema => object({ items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } }, ['items', 'nextCursor']);

// ---- tenants, keys, settings

export const tenant = object({
  id, name, timezone, defaultLanguage: language, adminEmail: nullable(email), createdAt: ts,
}, ['id', 'name', 'timezone', 'defaultLanguage', 'adminEmail', 'createdAt']);
export const tenantCreate = object({ id, name, timezone, defaultLanguage: language, adminEmail: nullable(email) }, ['name']);
export const tenantCreated = { ...tenant, properties: { ...(tenant.properties as object), apiKey: { type: 'string', description: 'secret of the first admin key; shown once' } } };
export const settingsPatch = object({ name, timezone, defaultLanguage: language, adminEmail: nullable(email) });

const role = { type: 'string', enum: ['admin', 'app'], description: 'admin: everything in the tenant; app: bookings, customers and waitlist member operations' };
export const apiKey = object({
  id, name: { type: ['string', 'null'] }, role, prefix: { type: 'string' }, createdAt: ts, revokedAt: { type: ['string', 'null'], format: 'date-time' },
}, ['id', 'name', 'role', 'prefix', 'createdAt', 'revokedAt']);
export const apiKeyCreate = object({ role, name: { type: 'string', maxLength: 200 } }, ['role']);
export const apiKeyCreated = { ...apiKey, properties: { ...(apiKey.properties as object), secret: { type: 'string', description: 'shown once' } } };

// ---- catalog

export const location = object({ id, name, timezone, createdAt: ts, updatedAt: ts }, ['id', 'name', 'timezone']);
export const locationCreate = object({ id, name, timezone }, ['name', 'timezone']);
export const locationPatch = object({ name, timezone });

const durationMinutes = { type: 'integer', minimum: 1, maximum: 10080 };
export const service = object({ id, name, durationMinutes, createdAt: ts, updatedAt: ts }, ['id', 'name', 'durationMinutes']);
export const serviceCreate = object({ id, name, durationMinutes }, ['name', 'durationMinutes']);
export const servicePatch = object({ name, durationMinutes });

const capacity = { type: 'integer', minimum: 0, maximum: 10000, description: 'seats (default 1)' };
export const resource = object({
  id, name, locationId: id, capacity, email: nullable(email), phone: nullable(phone), createdAt: ts, updatedAt: ts,
}, ['id', 'name', 'locationId', 'capacity']);
export const resourceCreate = object({ id, name, locationId: id, capacity: { ...capacity, default: 1 }, email: nullable(email), phone: nullable(phone) }, ['name', 'locationId']);
export const resourcePatch = object({ name, locationId: id, capacity, email: nullable(email), phone: nullable(phone) });

// ---- customers

const optOut = { type: 'array', items: { type: 'string', enum: ['email', 'sms'] }, uniqueItems: true, description: 'channels this customer receives no messages on' };
const tier = { type: 'string', minLength: 1, maxLength: 64, description: 'membership tier (waitlist priority bonus)' };
export const customer = object({
  id, name, email: nullable(email), phone: nullable(phone), language: nullable(language), tier: nullable(tier), optOut, createdAt: ts, updatedAt: ts,
}, ['id', 'name', 'optOut']);
export const customerCreate = object({ id, name, email: nullable(email), phone: nullable(phone), language: nullable(language), tier: nullable(tier), optOut }, ['name']);
export const customerPatch = object({ name, email: nullable(email), phone: nullable(phone), language: nullable(language), tier: nullable(tier), optOut });

// ---- bookings

export const bookingStatus = { type: 'string', enum: [...BOOKING_STATUSES] };
const seats = { type: 'integer', minimum: 1, maximum: 10000 };
const notes = { type: ['string', 'null'], maxLength: 5000 };
export const booking = object({
  id, customerId: id, resourceId: id, serviceId: nullable(id), startTime: dateTime, endTime: dateTime, seats,
  status: bookingStatus, language: nullable(language), notes, createdAt: ts, updatedAt: ts,
}, ['id', 'customerId', 'resourceId', 'startTime', 'endTime', 'seats', 'status']);
export const bookingCreate = object({
  id, customerId: id, resourceId: id, serviceId: nullable(id), startTime: dateTime, endTime: dateTime,
  seats: { ...seats, default: 1 }, status: { type: 'string', enum: ['pending', 'confirmed'], default: 'confirmed' },
  language: nullable(language), notes,
}, ['customerId', 'resourceId', 'startTime', 'endTime']);
export const bookingPatch = object({
  startTime: dateTime, endTime: dateTime, resourceId: id, serviceId: nullable(id), seats, language: nullable(language), notes,
}, [], {
  'x-not-here': {
    customerId: 'cannot change: a booking stays its customer\'s; cancel it and make one for the other customer',
    status: 'changes through POST /api/bookings/{id}/status (which checks the move and frees the seat)',
  },
});
export const bookingStatusChange = object({ status: bookingStatus, reason: { type: 'string', maxLength: 500 } }, ['status']);

// ---- payments

export const paymentStatus = { type: 'string', enum: [...PAYMENT_STATUSES] };
const amount = { type: 'number', minimum: 0, maximum: 1e10, description: 'in major units, e.g. 450.00' };
const currency = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. NOK' };
export const payment = object({
  id, bookingId: nullable(id), amount, currency, status: paymentStatus, completedAt: { type: ['string', 'null'], format: 'date-time' }, createdAt: ts, updatedAt: ts,
}, ['id', 'amount', 'currency', 'status']);
export const paymentCreate = object({ id, bookingId: nullable(id), amount, currency, status: paymentStatus }, ['amount', 'currency', 'status']);
export const paymentPatch = object({ status: paymentStatus }, ['status']);

// ---- events

export const event = object({
  id: { type: 'string' }, tenantId: { type: 'string' }, type: { type: 'string' }, subjectType: { type: 'string' }, subjectId: { type: 'string' },
  data: { type: 'object', description: 'the event\'s own fields, which depend on its type' }, depth: { type: 'integer' }, causedByRun: { type: ['string', 'null'] },
  occurredAt: ts, dispatchedAt: { type: ['string', 'null'], format: 'date-time' },
}, ['id', 'type', 'subjectType', 'subjectId', 'data', 'occurredAt']);

export const problem = {
  type: 'object',
  properties: {
    type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
    code: { type: 'string', description: 'stable machine-readable code, e.g. VALIDATION_FAILED, SLOT_FULL, NOT_FOUND' },
    errors: {
      type: 'array',
      items: object({ pointer: { type: 'string' }, in: { type: 'string' }, message: { type: 'string' } }, ['pointer', 'message']),
    },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
};

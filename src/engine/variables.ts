// The run context as JSON Schema: what templates and filters can see. Triggers compose their `variables` from these
// parts; the save-time template check and the UI's variable picker read them.
import type { JSONSchema } from './contracts.js';
import { BOOKING_STATUSES } from '../domain/bookings.js';

const str = (description?: string): JSONSchema => ({ type: 'string', ...(description ? { description } : {}) });
const nstr = (description?: string): JSONSchema => ({ type: ['string', 'null'], ...(description ? { description } : {}) });
/** A point in time, ISO 8601: what formatDate, formatTime and formatDay take (checked when a template is saved). */
export const dateTime = (description?: string, nullable = false): JSONSchema =>
  ({ type: nullable ? ['string', 'null'] : 'string', format: 'date-time', ...(description ? { description } : {}) });
const obj = (properties: Record<string, JSONSchema>, nullable = false): JSONSchema => ({ type: nullable ? ['object', 'null'] : 'object', properties });

export const bookingVars = obj({
  id: str(), customerId: str(), resourceId: str(), serviceId: nstr(),
  startTime: dateTime('start, ISO 8601: use {{formatDate booking.startTime}}'), endTime: dateTime('end, ISO 8601'),
  seats: { type: 'integer' }, status: { type: 'string', enum: [...BOOKING_STATUSES] }, language: nstr(), notes: nstr(),
  createdAt: dateTime(), updatedAt: dateTime(),
}, true);
export const customerVars = obj({ id: str(), name: str(), email: nstr(), phone: nstr(), language: nstr(), tier: nstr() }, true);
export const resourceVars = obj({ id: str(), name: str(), email: nstr(), phone: nstr(), capacity: { type: 'integer' }, locationId: str() }, true);
export const locationVars = obj({ id: str(), name: str(), timezone: str() }, true);
export const serviceVars = obj({ id: str(), name: str(), durationMinutes: { type: 'integer' } }, true);
export const tenantVars = obj({ id: str(), name: str(), timezone: str(), defaultLanguage: str(), adminEmail: nstr() });

/** The context every trigger offers, plus the event's own data. */
export function contextVariables(eventData: Record<string, JSONSchema> = {}, extra: Record<string, JSONSchema> = {}): JSONSchema {
  return obj({
    booking: bookingVars,
    customer: customerVars,
    resource: resourceVars,
    location: locationVars,
    service: serviceVars,
    tenant: tenantVars,
    // The event's data is closed: a typo such as {{event.data.resaon}} is refused when the workflow is saved.
    event: obj({
      id: nstr(), type: str(), occurredAt: dateTime(),
      data: { type: 'object', properties: { booking: bookingVars, customer: customerVars, ...eventData }, additionalProperties: false },
    }),
    ...extra,
  });
}

/**
 * A customer's own events (customer.created): the customer and the tenant, and no booking, resource, location or
 * service, which such a run never has (a template naming them would render empty; it is refused on save instead).
 */
export function customerVariables(): JSONSchema {
  return obj({
    customer: customerVars,
    tenant: tenantVars,
    event: obj({ id: nstr(), type: str(), occurredAt: dateTime(), data: { type: 'object', properties: { customer: customerVars }, additionalProperties: false } }),
  });
}

export const changesVars: JSONSchema = {
  type: 'object',
  description: 'each changed field: { from, to }',
  additionalProperties: true,
  properties: Object.fromEntries(['startTime', 'endTime', 'resourceId', 'serviceId', 'seats', 'language', 'notes']
    .map((f) => [f, obj({ from: {}, to: {} })])),
};

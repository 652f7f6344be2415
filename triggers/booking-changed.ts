import { CHANGEABLE_FIELDS } from '../src/domain/bookings.js';
import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { bookingStillHeld } from '../src/engine/still-holds.js';
import { changesVars, contextVariables } from '../src/engine/variables.js';

interface Config { fields?: string[] }

export const bookingChanged = defineTrigger<Config>({
  type: 'booking.changed',
  title: 'A booking is changed',
  description: 'Runs when a booking\'s time, resource, service, seats, language or notes change. Pick fields to react to only those (none = any).',
  configSchema: {
    type: 'object',
    properties: { fields: { type: 'array', title: 'Only when these change', items: { type: 'string', enum: [...CHANGEABLE_FIELDS] }, uniqueItems: true, default: [] } },
    additionalProperties: false,
  },
  listensTo: ['booking.changed'],
  matches: (event, config) => {
    const changed = Object.keys((event.data.changes ?? {}) as object);
    return !config.fields?.length || changed.some((f) => config.fields!.includes(f));
  },
  variables: contextVariables({ changes: changesVars }),
  sampleEvent: {
    id: '0', type: 'booking.changed', subjectType: 'booking', subjectId: sampleBooking.id,
    data: { booking: sampleBooking, changes: { startTime: { from: '2026-01-15T09:00:00.000Z', to: sampleBooking.startTime } } },
    depth: 0, causedByRun: null, occurredAt: sampleBooking.updatedAt, dispatchedAt: null,
  },
  sampleData: (c, b) => {
    const field = c.fields?.[0] ?? 'startTime';
    const now = (b as unknown as Record<string, unknown> | null)?.[field] ?? (sampleBooking as unknown as Record<string, unknown>)[field] ?? null;
    return { changes: { [field]: { from: field === 'startTime' ? '2026-01-15T09:00:00.000Z' : null, to: now } } };
  },
  describe: (c) => (c.fields?.length ? `When a booking's ${c.fields.join(' or ')} changes` : 'When a booking is changed'),
  stillHolds: bookingStillHeld, // no "your booking moved" for a booking cancelled since
});

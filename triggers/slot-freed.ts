import { SLOT_FREED_REASONS } from '../src/domain/events.js';
import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { contextVariables, dateTime } from '../src/engine/variables.js';

interface Config { reasons?: string[] }

export const slotFreed = defineTrigger<Config>({
  type: 'slot.freed',
  title: 'A slot frees up',
  description: 'Runs when capacity on a resource frees up: a cancellation, decline, deletion, no-show, reschedule, fewer seats, more capacity, or an offer that ended. Pick reasons to react to only those (none = any).',
  configSchema: {
    type: 'object',
    properties: { reasons: { type: 'array', title: 'Reasons', items: { type: 'string', enum: [...SLOT_FREED_REASONS] }, uniqueItems: true, default: [] } },
    additionalProperties: false,
  },
  listensTo: ['slot.freed'],
  matches: (event, config) => !config.reasons?.length || config.reasons.includes(event.data.reason as string),
  variables: contextVariables({
    resourceId: { type: 'string' }, locationId: { type: 'string' }, startTime: dateTime(), endTime: dateTime(undefined, true),
    seats: { type: 'integer' }, reason: { type: 'string' }, bookingId: { type: ['string', 'null'] },
    entryId: { type: ['string', 'null'], description: 'the waitlist entry whose offer ended (offer_* reasons)' },
    occurrence: { type: ['string', 'null'], description: 'identifies the freed seat across the offers made for it' },
  }),
  sampleEvent: {
    id: '0', type: 'slot.freed', subjectType: 'resource', subjectId: sampleBooking.resourceId,
    data: { resourceId: sampleBooking.resourceId, locationId: 'loc-sample', startTime: sampleBooking.startTime, endTime: sampleBooking.endTime, seats: 1, reason: 'cancelled', bookingId: sampleBooking.id },
    depth: 0, causedByRun: null, occurredAt: sampleBooking.updatedAt, dispatchedAt: null,
  },
  sampleData: (c) => ({ reason: c.reasons?.[0] ?? 'cancelled' }),
  describe: (c) => (c.reasons?.length ? `When a slot frees up (${c.reasons.join(', ')})` : 'When a slot frees up'),
});

import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { describeOffset, latePolicySchema, offsetMs, offsetSchema, shiftBy, type LatePolicy, type Offset } from '../src/engine/timing.js';
import { contextVariables } from '../src/engine/variables.js';

interface Config { offset: Offset; when?: 'after' | 'before'; latePolicy?: LatePolicy }

// With no status filter, runs for bookings that are confirmed or completed at that moment (not for cancelled,
// declined or not-taken ones).
export const bookingAfterEnd = defineTrigger<Config>({
  type: 'booking.after_end',
  title: 'When a booking ends',
  description: 'Runs a fixed time after the booking ends, or shortly before it ends.',
  configSchema: {
    type: 'object',
    properties: {
      offset: offsetSchema,
      when: { type: 'string', enum: ['after', 'before'], default: 'after', title: 'After or before the end' },
      latePolicy: latePolicySchema,
    },
    required: ['offset'],
    additionalProperties: false,
  },
  listensTo: [],
  defaultStatuses: ['confirmed', 'completed'],
  matches: () => false,
  schedule: (booking, config, timeZone) => shiftBy(new Date(booking.endTime), config.offset, config.when === 'before' ? -1 : 1, timeZone),
  anchor: (booking) => booking.endTime,
  // A day more than the offset: offsets in days count wall-clock days, an hour longer across a DST change.
  reachBackMs: (config) => (config.when === 'before' ? 0 : offsetMs(config.offset) + 86_400_000),
  variables: contextVariables(),
  sampleEvent: { id: '0', type: 'booking.created', subjectType: 'booking', subjectId: sampleBooking.id, data: { booking: sampleBooking }, depth: 0, causedByRun: null, occurredAt: sampleBooking.createdAt, dispatchedAt: null },
  describe: (c) => `${describeOffset(c.offset)} ${c.when === 'before' ? 'before' : 'after'} the end`,
});

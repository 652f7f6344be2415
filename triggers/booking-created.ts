import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { bookingStillHeld } from '../src/engine/still-holds.js';
import { contextVariables } from '../src/engine/variables.js';

export const bookingCreated = defineTrigger<Record<string, never>>({
  type: 'booking.created',
  title: 'A booking is added',
  description: 'Runs when a new booking is created.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  listensTo: ['booking.created'],
  matches: () => true,
  variables: contextVariables(),
  sampleEvent: { id: '0', type: 'booking.created', subjectType: 'booking', subjectId: sampleBooking.id, data: { booking: sampleBooking }, depth: 0, causedByRun: null, occurredAt: sampleBooking.createdAt, dispatchedAt: null },
  describe: () => 'When a booking is added',
  stillHolds: bookingStillHeld, // no "booking made" message for a booking cancelled or declined since
});

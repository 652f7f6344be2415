import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { contextVariables } from '../src/engine/variables.js';

export const bookingDeleted = defineTrigger<Record<string, never>>({
  type: 'booking.deleted',
  title: 'A booking is deleted',
  description: 'Runs when a booking is deleted. The booking variables show its last state.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  listensTo: ['booking.deleted'],
  matches: () => true,
  variables: contextVariables(),
  sampleEvent: { id: '0', type: 'booking.deleted', subjectType: 'booking', subjectId: sampleBooking.id, data: { booking: sampleBooking }, depth: 0, causedByRun: null, occurredAt: sampleBooking.updatedAt, dispatchedAt: null },
  describe: () => 'When a booking is deleted',
});

import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { describeOffset, latePolicySchema, offsetSchema, shiftBy, type LatePolicy, type Offset } from '../src/engine/timing.js';
import { contextVariables } from '../src/engine/variables.js';

interface Config { offset: Offset; latePolicy?: LatePolicy }

// A reminder is a pure function of (workflow, current booking): the engine reconciles one scheduled job per
// (workflow, booking) on every change, and re-checks everything when the job fires. With no status filter, only
// bookings that hold capacity (pending, confirmed) get one: a cancelled booking never gets a reminder.
export const bookingBeforeStart = defineTrigger<Config>({
  type: 'booking.before_start',
  title: 'Before a booking starts',
  description: 'Runs a fixed time before the booking starts, following the booking when it moves, and never for a cancelled one.',
  configSchema: {
    type: 'object',
    properties: { offset: offsetSchema, latePolicy: latePolicySchema },
    required: ['offset'],
    additionalProperties: false,
  },
  listensTo: [],
  defaultStatuses: ['pending', 'confirmed'],
  matches: () => false,
  schedule: (booking, config, timeZone) => shiftBy(new Date(booking.startTime), config.offset, -1, timeZone),
  anchor: (booking) => booking.startTime,
  // A reminder for a booking that has begun (one entered after the fact, say) is no reminder: never sent late.
  lateDeadline: (booking) => new Date(booking.startTime),
  variables: contextVariables(),
  sampleEvent: { id: '0', type: 'booking.created', subjectType: 'booking', subjectId: sampleBooking.id, data: { booking: sampleBooking }, depth: 0, causedByRun: null, occurredAt: sampleBooking.createdAt, dispatchedAt: null },
  describe: (c) => `${describeOffset(c.offset)} before start`,
});

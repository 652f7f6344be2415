import { BOOKING_STATUSES, type BookingStatus } from '../src/domain/bookings.js';
import { DomainError } from '../src/domain/errors.js';
import { defineAction, PermanentActionError } from '../src/engine/contracts.js';

interface Config { status: BookingStatus; reason?: string }

export const bookingSetStatus = defineAction<Config>({
  type: 'booking.set_status',
  title: 'Change the booking\'s status',
  description: 'Changes the status of the booking in this run, through the same rules as the API (its own events follow, '
    + 'and a chain of workflows triggering each other stops after a few levels).',
  configSchema: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: [...BOOKING_STATUSES], title: 'New status' },
      reason: { type: 'string', maxLength: 500, title: 'Reason', 'x-templated': true },
    },
    required: ['status'],
    additionalProperties: false,
  },
  templatedFields: ['reason'],
  maxAttempts: 5,
  async run(input, deps) {
    const booking = input.context.booking;
    if (!booking) throw new PermanentActionError('NO_BOOKING', 'this run has no booking to change; use this action with booking triggers');
    const reason = input.config.reason ? input.render('reason', null) : null;
    const output = { bookingId: booking.id, from: booking.status, to: input.config.status, reason };
    if (deps.dryRun) return { outcome: 'would_change', output };
    try {
      const after = await deps.setBookingStatus(input.origin, booking.id, { status: input.config.status, reason });
      return { outcome: after.status === booking.status ? 'unchanged' : 'changed', output: { ...output, from: booking.status } };
    } catch (err) {
      if (err instanceof DomainError && err.status < 500) throw new PermanentActionError(err.code, err.message, output);
      throw err;
    }
  },
  sampleConfig: { status: 'confirmed' },
  describe: (c) => `Set the booking to ${c.status}`,
});

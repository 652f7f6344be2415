import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { contextVariables, dateTime } from '../src/engine/variables.js';

const payment = { type: 'object', properties: { id: { type: 'string' }, amount: { type: 'number' }, currency: { type: 'string' }, status: { type: 'string' }, completedAt: dateTime(undefined, true) } };

export const paymentCompleted = defineTrigger<Record<string, never>>({
  type: 'payment.completed',
  title: 'A payment is completed',
  description: 'Runs when a payment reaches the status completed. Use {{formatMoney event.data.payment.amount event.data.payment.currency}}.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  listensTo: ['payment.completed'],
  matches: () => true,
  variables: contextVariables({ payment }),
  sampleEvent: {
    id: '0', type: 'payment.completed', subjectType: 'booking', subjectId: sampleBooking.id,
    data: { payment: { id: 'pay-sample', bookingId: sampleBooking.id, amount: 450, currency: 'NOK', status: 'completed', completedAt: sampleBooking.updatedAt }, booking: sampleBooking },
    depth: 0, causedByRun: null, occurredAt: sampleBooking.updatedAt, dispatchedAt: null,
  },
  describe: () => 'When a payment is completed',
});

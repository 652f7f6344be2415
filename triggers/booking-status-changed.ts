import { BOOKING_STATUSES } from '../src/domain/bookings.js';
import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { contextVariables } from '../src/engine/variables.js';

interface Config { from?: string[]; to?: string[] }
const statuses = { type: 'array', items: { type: 'string', enum: [...BOOKING_STATUSES] }, uniqueItems: true, default: [] };

export const bookingStatusChanged = defineTrigger<Config>({
  type: 'booking.status_changed',
  title: 'A booking\'s status changes',
  description: 'Runs when a booking moves from one status to another. Empty "from" or "to" means any status.',
  configSchema: {
    type: 'object',
    properties: { from: { ...statuses, title: 'From status' }, to: { ...statuses, title: 'To status' } },
    additionalProperties: false,
  },
  listensTo: ['booking.status_changed'],
  matches: (event, config) => {
    const { from, to } = event.data as { from: string; to: string };
    return (!config.from?.length || config.from.includes(from)) && (!config.to?.length || config.to.includes(to));
  },
  variables: contextVariables({ from: { type: 'string' }, to: { type: 'string' }, reason: { type: ['string', 'null'] } }),
  sampleEvent: {
    id: '0', type: 'booking.status_changed', subjectType: 'booking', subjectId: sampleBooking.id,
    data: { booking: sampleBooking, from: 'pending', to: 'confirmed', reason: null },
    depth: 0, causedByRun: null, occurredAt: sampleBooking.updatedAt, dispatchedAt: null,
  },
  // The booking's own status when the workflow waits for it, else the first wanted one; a "from" other than that.
  sampleData: (c, b) => {
    const to = c.to?.length ? (b && c.to.includes(b.status) ? b.status : c.to[0]) : (b?.status ?? 'confirmed');
    const from = c.from?.length ? c.from.find((s) => s !== to) ?? c.from[0] : b && b.status !== to ? b.status : to === 'pending' ? 'confirmed' : 'pending';
    return { from, to, ...(b ? { booking: { ...b, status: to } } : {}) };
  },
  describe: (c) => `When a booking goes from ${c.from?.length ? c.from.join('/') : 'any status'} to ${c.to?.length ? c.to.join('/') : 'any status'}`,
});

import { BOOKING_STATUSES, TRANSITIONS, type BookingStatus } from '../src/domain/bookings.js';
import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { statusStillHeld } from '../src/engine/still-holds.js';
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
  // The filters read the booking as it is when the run is decided: just moved to one of "to" (or on since).
  statusesWhenRun: (config) => (config.to?.length ? config.to : null),
  variables: contextVariables({ from: { type: 'string' }, to: { type: 'string' }, reason: { type: ['string', 'null'] } }),
  sampleEvent: {
    id: '0', type: 'booking.status_changed', subjectType: 'booking', subjectId: sampleBooking.id,
    data: { booking: sampleBooking, from: 'pending', to: 'confirmed', reason: null },
    depth: 0, causedByRun: null, occurredAt: sampleBooking.updatedAt, dispatchedAt: null,
  },
  // "to": the booking's own status when the workflow waits for it, else the first wanted one. "from": a wanted one
  // other than "to", else a status that moves to it; a real move (TRANSITIONS) wherever the config allows one.
  sampleData: (c, b) => {
    const after = (s: string) => TRANSITIONS[s as BookingStatus]?.[0];
    const before = (s: string) => BOOKING_STATUSES.find((x) => TRANSITIONS[x].includes(s as BookingStatus));
    let to = b && (!c.to?.length || c.to.includes(b.status)) ? b.status : c.to?.[0] ?? 'confirmed';
    // Nothing moves to a pending booking: with no "to" wanted, preview its next move instead.
    if (!c.to?.length && !before(to) && after(to)) to = after(to)!;
    const from = c.from?.find((s) => s !== to) ?? c.from?.[0] ?? before(to) ?? 'confirmed';
    if (from === to && !c.to?.length) to = after(from) ?? before(from) ?? 'cancelled';
    return { from, to, ...(b ? { booking: { ...b, status: to } } : {}) };
  },
  describe: (c) => `When a booking goes from ${c.from?.length ? c.from.join('/') : 'any status'} to ${c.to?.length ? c.to.join('/') : 'any status'}`,
  stillHolds: statusStillHeld, // no "confirmed" message for a booking cancelled since
});

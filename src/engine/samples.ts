// Sample data for previews, dry runs and the contract suite: a plausible booking at a plausible club.
import type { Booking } from '../domain/bookings.js';
import type { RunContext } from './contracts.js';

export const sampleBooking: Booking = {
  id: 'bk_sample', customerId: 'm-sample', resourceId: 'r-sample', serviceId: 'svc-sample',
  startTime: '2026-01-15T10:00:00.000Z', endTime: '2026-01-15T11:00:00.000Z', seats: 1, status: 'confirmed',
  language: null, notes: 'Racket rental', createdAt: '2026-01-10T08:30:00.000Z', updatedAt: '2026-01-10T08:30:00.000Z',
};

export function sampleContext(tenant: RunContext['tenant']): RunContext {
  return {
    tenant,
    booking: { ...sampleBooking },
    customer: { id: 'm-sample', name: 'Kari Nordmann', email: 'kari@example.com', phone: '+4791234567', language: tenant.defaultLanguage, tier: 'gold', optOut: [] },
    resource: { id: 'r-sample', name: 'Court 1', email: 'court1@example.com', phone: null, capacity: 1, locationId: 'loc-sample' },
    location: { id: 'loc-sample', name: 'Main club', timezone: tenant.timezone },
    service: { id: 'svc-sample', name: 'Court hour', durationMinutes: 60 },
    event: { id: null, type: 'booking.created', occurredAt: sampleBooking.createdAt, data: { booking: sampleBooking } },
    timezone: tenant.timezone,
  };
}

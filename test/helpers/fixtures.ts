import { expect } from 'chai';
import type { Client } from './client.js';

/** A location, a service, two resources (capacity 1 and 3) and three customers, with host-system ids. */
export async function seedCatalog(c: Client): Promise<void> {
  const ok = async (p: Promise<{ status: number; body: unknown }>) => {
    const r = await p;
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
  };
  await ok(c.post('/api/locations', { id: 'c-1', name: 'Oslo', timezone: 'Europe/Oslo' }));
  await ok(c.post('/api/services', { id: 'svc-1', name: 'Court hour', durationMinutes: 60 }));
  await ok(c.post('/api/resources', { id: 'r-1', name: 'Court 1', locationId: 'c-1', email: 'court1@club.example', phone: '+4790000001' }));
  await ok(c.post('/api/resources', { id: 'r-3', name: 'Yoga room', locationId: 'c-1', capacity: 3 }));
  await ok(c.post('/api/customers', { id: 'm-1', name: 'Kari Nordmann', email: 'kari@example.com', phone: '+4791234567', language: 'nb' }));
  await ok(c.post('/api/customers', { id: 'm-2', name: 'Ola Hansen', email: 'ola@example.com', phone: '+4791234568', language: 'en' }));
  await ok(c.post('/api/customers', { id: 'm-3', name: 'Per Berg', email: 'per@example.com', optOut: ['sms'] }));
}

/** An ISO instant `hours` from now, rounded to the minute. */
export function inHours(hours: number): string {
  const d = new Date(Date.now() + hours * 3600_000);
  d.setUTCSeconds(0, 0);
  return d.toISOString();
}

export function booking(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { customerId: 'm-1', resourceId: 'r-1', serviceId: 'svc-1', startTime: inHours(48), endTime: inHours(49), ...over };
}

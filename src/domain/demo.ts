// The demo tenant created on first start with the embedded database: enough data to try every screen.
import type { DataSource } from 'typeorm';
import { one } from '../db/sql.js';
import { locations, resources, services } from './catalog.js';
import { createCustomer } from './customers.js';
import { createTenant } from './tenants.js';

export const DEMO_TENANT = 'demo';

/** Creates the demo tenant when it does not exist yet; returns its first admin key, or null if it existed. */
export async function seedDemo(ds: DataSource): Promise<string | null> {
  if (await one(ds, 'SELECT 1 FROM tenants WHERE id = $1', [DEMO_TENANT])) return null;
  const tenant = await createTenant(ds, {
    id: DEMO_TENANT, name: 'Demo Sports Club', timezone: 'Europe/Oslo', defaultLanguage: 'en', adminEmail: 'admin@demo.example',
  });
  const origin = { tenantId: DEMO_TENANT };
  await locations.create(ds, DEMO_TENANT, { id: 'oslo', name: 'Oslo Centre', timezone: 'Europe/Oslo' });
  await services.create(ds, DEMO_TENANT, { id: 'court-hour', name: 'Court hour', durationMinutes: 60 });
  await services.create(ds, DEMO_TENANT, { id: 'haircut', name: 'Haircut', durationMinutes: 30 });
  await resources.create(ds, DEMO_TENANT, { id: 'court-1', name: 'Court 1', locationId: 'oslo', capacity: 1, email: 'court1@demo.example' });
  await resources.create(ds, DEMO_TENANT, { id: 'yoga-room', name: 'Yoga room', locationId: 'oslo', capacity: 12 });
  await createCustomer(ds, origin, { id: 'm-1', name: 'Kari Nordmann', email: 'kari@demo.example', phone: '+4791234567', language: 'nb', tier: 'gold' });
  await createCustomer(ds, origin, { id: 'm-2', name: 'Ola Hansen', email: 'ola@demo.example', phone: '+4798765432', language: 'en' });
  return tenant.apiKey;
}

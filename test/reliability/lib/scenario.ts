// The chaos tenant, made through the API as an integrator would: a location, a service, capacity-1 resources,
// customers with email and phone, three workflows and a webhook subscription. Every message names what happened
// and the booking, so the receivers can count arrivals per booking.
import { Client } from '../../helpers/client.js';
import type { Receivers } from './receivers.js';

export const TENANT = 'chaos';

async function ok(what: string, p: Promise<{ status: number; body: any }>): Promise<any> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Which receiver gets what for each kind of change. */
export const CHANNELS_BY_KIND: Record<'created' | 'changed' | 'cancelled', string[]> = {
  created: ['email', 'sms', 'webhook', 'subscription'],
  changed: ['webhook', 'subscription'],
  cancelled: ['email', 'webhook', 'subscription'],
};

export async function setupTenant(o: { baseUrl: string; adminKey: string; receivers: Receivers; resources: number; customers: number }): Promise<Client> {
  const platform = new Client(o.baseUrl, o.adminKey);
  const t = await ok('create tenant', platform.post('/api/tenants', { id: TENANT, name: 'Chaos Club', timezone: 'Europe/Oslo' }));
  const c = new Client(o.baseUrl, t.apiKey, TENANT);
  await ok('location', c.post('/api/locations', { id: 'l-1', name: 'Hall', timezone: 'Europe/Oslo' }));
  await ok('service', c.post('/api/services', { id: 's-1', name: 'Court hour', durationMinutes: 60 }));
  for (let i = 0; i < o.resources; i++) await ok('resource', c.post('/api/resources', { id: `r-${i}`, name: `Court ${i}`, locationId: 'l-1' }));
  for (let i = 0; i < o.customers; i++) {
    await ok('customer', c.post('/api/customers', {
      id: `c-${i}`, name: `Player ${i}`, email: `player${i}@example.com`, phone: `+4791${String(i).padStart(6, '0')}`, language: 'en',
    }));
  }
  // A step renders the booking as it is when the step runs; what this change did is in the event (`changes`).
  const hook = (kind: string, extra: Record<string, string> = {}) => ({
    type: 'webhook',
    config: { url: `${o.receivers.webhooks.url}/wf`, body: { kind, booking: '{{booking.id}}', ...extra } },
  });
  const workflows = [
    {
      name: 'Booked: email, SMS and webhook',
      trigger: { type: 'booking.created' },
      actions: [
        { type: 'email', config: { to: 'customer', subject: 'created {{booking.id}}', html: '<p>Booked: {{booking.id}}</p>' } },
        { type: 'sms', config: { to: 'customer', body: 'created {{booking.id}}' } },
        hook('created'),
      ],
    },
    {
      name: 'Cancelled: email and webhook',
      trigger: { type: 'booking.status_changed', config: { to: ['cancelled'] } },
      actions: [
        { type: 'email', config: { to: 'customer', subject: 'cancelled {{booking.id}}', html: '<p>Cancelled: {{booking.id}}</p>' } },
        hook('cancelled'),
      ],
    },
    { name: 'Notes changed: webhook', trigger: { type: 'booking.changed', config: { fields: ['notes'] } }, actions: [hook('changed', { notes: '{{event.data.changes.notes.to}}' })] },
  ];
  const secrets: string[] = [];
  for (const w of workflows) {
    const created = await ok(`workflow ${w.name}`, c.post('/api/workflows', w));
    for (const s of Object.values(created.secrets ?? {}) as Record<string, string>[]) secrets.push(...Object.values(s));
  }
  // One subscription per event type: deliveries to one endpoint go one at a time (its own job queue), so three
  // endpoints keep up with the stream where one would fall behind.
  for (const type of ['booking.created', 'booking.changed', 'booking.status_changed']) {
    const sub = await ok('webhook subscription', c.post('/api/webhooks', { url: `${o.receivers.webhooks.url}/sub/${type}`, eventTypes: [type] }));
    secrets.push(sub.secret);
  }
  o.receivers.webhooks.setSecrets(secrets);
  return c;
}

import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { settled } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { bodyOf, seed, startWebhookWorld, subscribe, type WebhookWorld } from './world.js';

// Event types and filters decide which subscriptions get an event; filters work as workflow filters do.
describe('webhook subscription filters', () => {
  let w: WebhookWorld;
  let c: Client;
  before(async () => {
    w = await startWebhookWorld();
    c = await w.app.tenant('t-wh-f');
    await seed(w, c);
  });
  after(async () => { await w.stop(); });

  it('delivers only the subscribed event types that pass every non-empty filter, and nothing to a disabled subscription', async () => {
    const sub = (path: string, body: Record<string, unknown>) => subscribe(c, { url: `${w.hooks.url}/${path}`, ...body });
    expect((await c.post('/api/locations', { id: 'another-place', name: 'Another place', timezone: 'Europe/Oslo' })).status).to.equal(201);
    await sub('resource', { eventTypes: ['booking.created'], filters: { resourceIds: ['r-3'] } });
    await sub('language', { eventTypes: ['booking.created', 'customer.created'], filters: { languages: ['en'] } });
    await sub('elsewhere', { eventTypes: ['*'], filters: { locationIds: ['another-place'] } });
    await sub('status', { eventTypes: ['booking.status_changed'] });
    await sub('oslo', { eventTypes: ['*'], filters: { locationIds: ['c-1'], serviceIds: ['svc-1'] } });
    await sub('off', { eventTypes: ['*'], enabled: false });

    const kari = (await c.post('/api/bookings', booking({ customerId: 'm-1', resourceId: 'r-1', status: 'pending', startTime: inHours(80), endTime: inHours(81) }))).body;
    const ola = (await c.post('/api/bookings', booking({ customerId: 'm-2', resourceId: 'r-3', startTime: inHours(80), endTime: inHours(81) }))).body;
    await c.post(`/api/bookings/${kari.id}/status`, { status: 'confirmed' });
    await c.post('/api/customers', { id: 'm-en', name: 'Emma English', language: 'en' });
    await c.post('/api/customers', { id: 'm-nb', name: 'Nora Norsk', language: 'nb' });
    await settled(w.app);

    const got = (path: string) => w.hooks.requests.filter((r) => r.path === `/${path}`).map((r) => {
      const b = bodyOf(r);
      return `${b.type} ${b.data.booking?.id ?? b.data.customer?.id}`;
    }).sort();
    expect(got('resource'), 'resourceIds').to.deep.equal([`booking.created ${ola.id}`]);
    expect(got('language'), 'languages: the booking\'s language, else the customer\'s').to.deep.equal([`booking.created ${ola.id}`, 'customer.created m-en']);
    expect(got('elsewhere'), 'locationIds that match nothing').to.deep.equal([]);
    expect(got('status'), 'event types').to.deep.equal([`booking.status_changed ${kari.id}`]);
    expect(got('oslo'), 'locationIds and serviceIds; a customer has no location').to.deep.equal(
      [`booking.created ${kari.id}`, `booking.created ${ola.id}`, `booking.status_changed ${kari.id}`].sort());
    expect(got('off'), 'disabled').to.deep.equal([]);
  });
});

// Recipes: ready-made workflows. Every recipe saves (schemas and templates checked like any workflow), is added
// switched off, and renders for a real booking in both of its languages.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

describe('workflow recipes', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp({ worker: false });
    c = await app.tenant('t-recipes', { adminEmail: 'boss@club.example' });
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  it('adds each recipe as a switched-off workflow that renders for a booking, in English and Norwegian', async () => {
    const list = await c.get('/api/workflows/recipes');
    expect(list.status).to.equal(200);
    const recipes = list.body.items as { key: string; name: string; description: string; summary: string }[];
    expect(recipes.map((r) => r.key)).to.include.members(['booking-confirmation', 'reminder-day-before', 'cancellation-notice', 'approval-request', 'thank-you-after']);
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-1', startTime: inHours(50), endTime: inHours(51) }))).body;
    for (const r of recipes) {
      expect(r.description, r.key).to.be.a('string').and.not.equal('');
      const added = await c.post(`/api/workflows/recipes/${r.key}`);
      expect(added.status, `${r.key}: ${JSON.stringify(added.body)}`).to.equal(201);
      expect(added.body).to.include({ name: r.name, enabled: false });
      for (const language of ['en', 'nb']) {
        const test = await c.post(`/api/workflows/${added.body.id}/test`, { bookingId: b.id, language });
        expect(test.status, `${r.key} (${language}): ${JSON.stringify(test.body)}`).to.equal(200);
        for (const step of test.body.steps) expect(step.error, `${r.key} (${language}) step ${step.index}`).to.equal(null);
      }
    }
    const nb = await c.post(`/api/workflows/${(await c.get('/api/workflows?limit=500')).body.items.find((w: { name: string }) => w.name === 'Booking confirmation').id}/test`, { bookingId: b.id, language: 'nb' });
    expect(nb.body.steps[0].output.subject).to.match(/^Bestilt: Court 1, /);
    // the cancellation notice tells a declined request it could not be taken, not that it was cancelled
    const notice = (await c.get('/api/workflows?limit=500')).body.items.find((w: { name: string }) => w.name === 'Cancellation notice').id;
    const asked = (await c.post('/api/bookings', booking({ customerId: 'm-1', status: 'pending', startTime: inHours(60), endTime: inHours(61) }))).body;
    await c.post(`/api/bookings/${asked.id}/status`, { status: 'declined' });
    for (const [bookingId, language, subject, words] of [
      [asked.id, 'en', /^Not possible: Court 1, /, 'we cannot take your booking request'], [asked.id, 'nb', /^Ikke mulig: Court 1, /, 'ikke ta imot'],
      [b.id, 'en', /^Cancelled: Court 1, /, 'is cancelled'], [b.id, 'nb', /^Avlyst: Court 1, /, 'er avlyst'],
    ] as const) {
      const out = (await c.post(`/api/workflows/${notice}/test`, { bookingId, language })).body.steps[0].output;
      expect(out.subject, `${bookingId} ${language}`).to.match(subject);
      expect(out.html).to.include(words);
    }
    expect((await c.get('/api/runs')).body.items, 'adding and testing ran nothing').to.have.length(0);
  });

  it('answers 404 for an unknown recipe and writes nothing', async () => {
    const before = (await c.get('/api/workflows?limit=500')).body.items.length;
    const res = await c.post('/api/workflows/recipes/no-such-recipe');
    expect(res.status).to.equal(404);
    expect(res.body.code).to.equal('NOT_FOUND');
    expect((await c.get('/api/workflows?limit=500')).body.items).to.have.length(before);
  });
});

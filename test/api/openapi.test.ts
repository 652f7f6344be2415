import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

// What /api/openapi.json promises a client is what the server answers: real answers checked against the published
// response schemas (which say additionalProperties: false, so a field the document does not name fails too).
describe('OpenAPI response schemas', () => {
  let w: EngineWorld;
  let c: Client;
  let doc: any;
  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-oas');
    await seedCatalog(c);
    doc = (await c.get('/api/openapi.json')).body;
  });
  after(async () => { await w.stop(); });

  function check(path: string, method: string, status: string, body: unknown): void {
    const schema = doc.paths[path][method].responses[status].content['application/json'].schema;
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const validate = ajv.compile({ ...schema, $defs: undefined });
    expect(validate(body), `${method.toUpperCase()} ${path}: ${JSON.stringify(validate.errors)}`).to.equal(true);
  }

  it('runs, events and a dry-run status change answer as documented', async () => {
    await c.post('/api/workflows', { name: 'Confirm', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked', html: 'x' } }] });
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(30), endTime: inHours(31) }))).body;
    const runs = await eventually(async () => { const r = (await c.get(`/api/bookings/${b.id}/runs`)).body; return r.items.length ? r : null; });
    await settled(w.app);
    check('/api/bookings/{id}/runs', 'get', '200', runs);
    check('/api/runs/{id}', 'get', '200', (await c.get(`/api/runs/${runs.items[0].id}`)).body);
    check('/api/events', 'get', '200', (await c.get('/api/events?limit=5')).body);
    check('/api/bookings/{id}/status', 'post', '200', (await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled', dryRun: true })).body);
    check('/api/bookings/{id}', 'delete', '200', (await c.delete(`/api/bookings/${b.id}?dryRun=true`)).body);
  });
});

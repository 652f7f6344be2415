import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

type Schema = Record<string, unknown>;

/**
 * Where a response schema leaves a client without a type: an object with named fields that allows others, or an
 * object with no fields named that does not say what it holds. Returns JSON pointers into the schema.
 */
function looseObjects(s: unknown, at = ''): string[] {
  if (!s || typeof s !== 'object') return [];
  const node = s as Schema;
  const out: string[] = [];
  const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
  if (node.properties && node.additionalProperties === undefined) out.push(`${at}: names its fields but not additionalProperties: false`);
  if (isObject && !node.properties && node.additionalProperties === undefined && !node.description) out.push(`${at}: a free-form object without a description`);
  for (const [k, v] of Object.entries(node)) out.push(...looseObjects(v, `${at}/${k}`));
  return out;
}

// What /api/openapi.json promises a client is what the server answers: real answers checked against the published
// response schemas (which say additionalProperties: false, so a field the document does not name fails too).
describe('OpenAPI response schemas', () => {
  let w: EngineWorld;
  let c: Client;
  let doc: any;
  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-oas', { adminEmail: 'admin@club.example' });
    await seedCatalog(c);
    doc = (await c.get('/api/openapi.json')).body;
  });
  after(async () => { await w.stop(); });

  function check(path: string, method: string, status: string, res: { status: number; body: unknown }): void {
    expect(res.status, `${method.toUpperCase()} ${path}: ${JSON.stringify(res.body)}`).to.equal(Number(status));
    const schema = doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
    expect(schema, `${method.toUpperCase()} ${path} ${status} has no published schema`).to.be.an('object');
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const validate = ajv.compile({ ...schema, $defs: undefined });
    expect(validate(res.body), `${method.toUpperCase()} ${path}: ${JSON.stringify(validate.errors)}`).to.equal(true);
  }

  it('documents every success answer: a schema for each JSON one, fixed objects closed, free-form ones described', () => {
    const missing: string[] = [];
    const loose: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
          if (!/^2/.test(status)) continue;
          const where = `${method.toUpperCase()} ${path} ${status}`;
          // 204 has no body; any other success says what its body is (a JSON schema, or another media type such as
          // text/html with its own schema)
          if (status === '204') {
            if (r.content) missing.push(`${where}: a 204 with content`);
            continue;
          }
          const media = Object.entries((r.content ?? {}) as Record<string, { schema?: unknown }>);
          if (!media.length || media.some(([, m]) => !m.schema)) missing.push(where);
          for (const [type, m] of media) if (type.endsWith('json')) loose.push(...looseObjects(m.schema).map((p) => `${where} ${p}`));
        }
      }
    }
    expect(missing, 'success answers without a schema').to.deep.equal([]);
    expect(loose, 'response schemas that leave fields untyped').to.deep.equal([]);
  });

  it('runs, events and a dry-run status change answer as documented', async () => {
    await c.post('/api/workflows', { name: 'Confirm', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked', html: 'x' } }] });
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(30), endTime: inHours(31) }))).body;
    const runs = await eventually(async () => { const r = (await c.get(`/api/bookings/${b.id}/runs`)).body; return r.items.length ? r : null; });
    await settled(w.app);
    check('/api/bookings/{id}/runs', 'get', '200', { status: 200, body: runs });
    check('/api/runs/{id}', 'get', '200', await c.get(`/api/runs/${runs.items[0].id}`));
    check('/api/events', 'get', '200', await c.get('/api/events?limit=5'));
    check('/api/bookings/{id}/status', 'post', '200', await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled', dryRun: true }));
    check('/api/bookings/{id}', 'delete', '200', await c.delete(`/api/bookings/${b.id}?dryRun=true`));
  });

  it('the catalog, recipes, defaults, workflows, export and import, and dry runs answer as documented', async () => {
    check('/api/catalog/triggers', 'get', '200', await c.get('/api/catalog/triggers'));
    check('/api/catalog/actions', 'get', '200', await c.get('/api/catalog/actions'));
    check('/api/workflows/recipes', 'get', '200', await c.get('/api/workflows/recipes'));
    check('/api/workflows/recipes/{key}', 'post', '201', await c.post('/api/workflows/recipes/reminder-day-before'));
    check('/api/workflows/defaults', 'get', '200', await c.get('/api/workflows/defaults'));
    check('/api/workflows/defaults/{key}/restore', 'post', '200', await c.post('/api/workflows/defaults/engine.message_failed/restore'));
    // a webhook step: its signing secret comes back once, in `secrets`
    const hook = await c.post('/api/workflows', {
      name: 'Tell the CRM', trigger: { type: 'booking.created' },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'Booked' } }, { type: 'webhook', config: { url: `${w.hooks.url}/crm` } }],
    });
    check('/api/workflows', 'post', '201', hook);
    expect(hook.body.secrets).to.be.an('object');
    // lists carry each workflow's last run (the built-in ones and the new one have none yet)
    check('/api/workflows', 'get', '200', await c.get('/api/workflows?limit=500'));
    const exported = await c.get('/api/workflows/export');
    check('/api/workflows/export', 'get', '200', exported);
    expect(exported.body.workflows).to.have.length.of.at.least(2);
    check('/api/workflows/import', 'post', '201', await c.post('/api/workflows/import', exported.body));
    const b = (await c.post('/api/bookings', booking({ startTime: inHours(60), endTime: inHours(61) }))).body;
    const saved = await c.post(`/api/workflows/${hook.body.id}/test`, { bookingId: b.id });
    check('/api/workflows/{id}/test', 'post', '200', saved);
    expect(saved.body.steps.map((s: { outcome: string }) => s.outcome)).to.deep.equal(['would_send', 'would_send']);
    // unsaved, on the trigger's sample: a time-offset trigger says when it would run
    const timed = await c.post('/api/workflows/test', { workflow: {
      trigger: { type: 'booking.before_start', config: { offset: { amount: 2, unit: 'hours' } } },
      actions: [{ type: 'email', config: { to: 'fixed', address: 'x@example.com', subject: 'Soon', html: '{{formatTime booking.startTime}}' } }],
    } });
    check('/api/workflows/test', 'post', '200', timed);
    expect(timed.body.scheduledFor).to.be.a('string');
    // now with the last run of the workflows that ran for the booking
    await settled(w.app);
    const listed = await c.get('/api/workflows?limit=500');
    check('/api/workflows', 'get', '200', listed);
    expect(listed.body.items.find((x: { id: string }) => x.id === hook.body.id).lastRun).to.include({ decision: 'ran' });
  });

  it('the outbox, the scheduled reminders and a bulk retry answer as documented', async () => {
    await c.post('/api/workflows/recipes/reminder-day-before').then((r) => c.post(`/api/workflows/${r.body.id}/enable`));
    await c.post('/api/workflows', {
      name: 'Every channel', trigger: { type: 'booking.created' },
      actions: [
        { type: 'email', config: { to: 'customer', subject: 'Booked', html: '<p>x</p>' } },
        { type: 'sms', config: { to: 'customer', body: 'Booked' } },
        { type: 'webhook', config: { url: `${w.hooks.url}/outbox` } },
      ],
    });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-2', startTime: inHours(36), endTime: inHours(37) }))).body;
    const messages = await eventually(async () => {
      const r = await c.get(`/api/messages?bookingId=${b.id}`);
      return new Set(r.body.items.map((m: { channel: string }) => m.channel)).size === 3 ? r : null;
    });
    await settled(w.app);
    check('/api/messages', 'get', '200', await c.get(`/api/messages?bookingId=${b.id}`));
    for (const m of messages.body.items) check('/api/messages/{id}', 'get', '200', await c.get(`/api/messages/${m.id}`));
    // every status a message can have is one the list can be filtered by
    const statuses = doc.paths['/api/messages'].get.responses['200'].content['application/json'].schema.properties.items.items.properties.status.enum;
    for (const status of statuses) expect((await c.get(`/api/messages?status=${status}`)).status, status).to.equal(200);
    const scheduled = await c.get('/api/scheduled');
    check('/api/scheduled', 'get', '200', scheduled);
    expect(scheduled.body.items.map((x: { bookingId: string }) => x.bookingId)).to.include(b.id);
    check('/api/runs/retry-failed', 'post', '200', await c.post('/api/runs/retry-failed', {}));
  });

  it('a waitlist entry with its explanation, its decision and a dry run that fills the seat answer as documented', async () => {
    const slot = { startTime: inHours(100), endTime: inHours(101) };
    const held = (await c.post('/api/bookings', { customerId: 'm-1', resourceId: 'r-1', ...slot })).body;
    const joined = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'm-2', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);
    const waiting = await c.get(`/api/facility-waitlist/${joined.body.id}`);
    check('/api/facility-waitlist/{id}', 'get', '200', waiting);
    expect(waiting.body).to.include({ position: 1, explanation: null });
    const preview = await c.post(`/api/bookings/${held.id}/status`, { status: 'cancelled', dryRun: true });
    check('/api/bookings/{id}/status', 'post', '200', preview);
    expect(preview.body.waitlist.allocations).to.have.length(1);
    await c.post(`/api/bookings/${held.id}/status`, { status: 'cancelled' });
    const offered = await eventually(async () => {
      const r = await c.get(`/api/facility-waitlist/${joined.body.id}`);
      return r.body.status === 'OFFERED' ? r : null;
    });
    check('/api/facility-waitlist/{id}', 'get', '200', offered);
    expect(offered.body.explanation.thisEntry).to.include({ result: 'offered' });
    check('/api/waitlist/decisions/{id}', 'get', '200', await c.get(`/api/waitlist/decisions/${offered.body.explanation.id}`));
  });
});

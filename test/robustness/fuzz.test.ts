import { expect } from 'chai';
import fc from 'fast-check';
import { databaseChecksum } from '../helpers/db-state.js';
import { queryAjv } from '../../src/api/validate.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { inHours, seedCatalog } from '../helpers/fixtures.js';

// Thousands of malformed requests, generated from the OpenAPI document, against every operation: wrong types,
// missing and extra fields, huge strings, deep JSON, invalid UTF-8, bad dates and time zones, injection strings and
// template syntax. Every answer must be a 4xx problem+json (400s naming the field), never a 5xx, and the database
// must be unchanged afterwards.
type Schema = { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; maxLength?: number };
interface Op { path: string; method: string; access: string; body?: Schema; query: Record<string, Schema> }

const nasty = [
  "'; DROP TABLE bookings; --", '{{constructor.constructor "alert(1)"}}', '{{#each this}}{{/each}}', '<script>alert(1)</script>',
  '\u0000\u0007', '../../etc/passwd', 'Europe/Atlantis', '2026-13-45T99:99:99Z', 'yesterday', '+01:00', '\r\nX-Injected: 1', '💥'.repeat(50),
];

/** A value that is not of the schema's type (any value, when the schema allows every type). */
function wrongTypeFor(s: Schema): fc.Arbitrary<unknown> {
  const types = new Set(Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
  const all: [string[], fc.Arbitrary<unknown>][] = [
    [['string'], fc.constantFrom(...nasty)], [['integer', 'number'], fc.integer()], [['boolean'], fc.boolean()], [['null'], fc.constant(null)],
    [['object'], fc.constant({ nested: { deeper: [1, 2] } })], [['array'], fc.constant([['x'], { y: 1 }])],
  ];
  const wrong = all.filter(([ts]) => !ts.some((t) => types.has(t))).map(([, a]) => a);
  return wrong.length && types.size ? fc.oneof(...wrong) : fc.constantFrom(...nasty);
}

const deep = (n: number): unknown => { let v: unknown = 'x'; for (let i = 0; i < n; i++) v = [v]; return v; };

/** One malformed request for an operation: always invalid by construction, so nothing may be written. */
function malformed(op: Op): fc.Arbitrary<{ query: Record<string, string>; body?: string | Buffer; contentType?: string; what: string }> {
  const bodyProps = Object.entries(op.body?.properties ?? {});
  const queryProps = Object.entries(op.query).filter(([k]) => k !== 'tenantId');
  const unknownQuery = fc.record({ k: fc.constantFrom('colour', '__proto__x', 'limitt', 'sort'), v: fc.constantFrom(...nasty) })
    .map(({ k, v }) => ({ query: { [k]: v }, what: `unknown query parameter ${k}` }));
  // values each parameter's own schema rejects (an id-shaped string is a valid filter that just matches nothing)
  const invalidFor = (s: Schema) => {
    const check = queryAjv.compile({ type: 'object', properties: { v: s } });
    return [...nasty, 'abc', '1e99', '-5', '9999999', 'perhaps', '', 'x'.repeat(600)].filter((v) => !check({ v }));
  };
  const rejectable = queryProps.map(([k, s]) => [k, invalidFor(s)] as const).filter(([, vs]) => vs.length);
  const badQuery = rejectable.length
    ? fc.constantFrom(...rejectable).chain(([k, vs]) => fc.constantFrom(...vs).map((v) => ({ query: { [k]: v }, what: `bad query ${k}=${v}` })))
    : unknownQuery;
  const queryCases = fc.oneof(unknownQuery, badQuery);
  if (!op.body) return queryCases;
  const garbage = bodyProps.length ? fc.dictionary(fc.constantFrom(...bodyProps.map(([k]) => k)), fc.oneof(fc.constantFrom(...nasty), fc.integer())) : fc.constant({});
  const json = (v: unknown) => JSON.stringify(v);
  const bodyCases = fc.oneof(
    garbage.map((g) => ({ query: {}, body: json({ ...g, __unknown_field: 1 }), what: 'an unknown field (with garbage)' })),
    ...(bodyProps.length ? [fc.constantFrom(...bodyProps).chain(([k, s]) => wrongTypeFor(s).map((v) => ({ query: {}, body: json({ [k]: v, __extra: true }), what: `wrong type for ${k}` })))] : []),
    ...(bodyProps.length ? [fc.constantFrom(...bodyProps).map(([k]) => ({ query: {}, body: json({ [k]: 'x'.repeat(300_000), __extra: 1 }), what: `huge string in ${k}` }))] : []),
    fc.constantFrom('[1,2,3]', '"a string"', '42', 'null', 'true').map((b) => ({ query: {}, body: b, what: `a body that is not an object: ${b}` })),
    fc.constantFrom('{"a": 1,', '{\'single\': 1}', '{"a": undefined}', '{"a":1}}').map((b) => ({ query: {}, body: b, what: `invalid JSON ${b}` })),
    fc.constant({ query: {}, body: Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('", "__x": 1}')]), what: 'invalid UTF-8' }),
    fc.constant({ query: {}, body: json({ nested: deep(3000), __x: 1 }), what: 'deep JSON' }),
    fc.constant({ query: {}, body: 'name=x&b=2', contentType: 'application/x-www-form-urlencoded', what: 'a form body' }),
  );
  return fc.oneof(bodyCases, queryCases);
}

describe('bad input generated from the OpenAPI document (fast-check)', () => {
  let app: TestApp;
  let c: Client;
  const ids: Record<string, string> = {};

  before(async () => {
    app = await startTestApp();
    c = await app.tenant('t-fuzz', { adminEmail: 'admin@fuzz.example' });
    await seedCatalog(c);
    ids.workflows = (await c.post('/api/workflows', { name: 'w', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'admin', subject: 's', html: 'h' } }] })).body.id;
    const bk = (await c.post('/api/bookings', { id: 'bk-1', customerId: 'm-1', resourceId: 'r-1', startTime: inHours(5), endTime: inHours(6) })).body;
    const bk2 = (await c.post('/api/bookings', { id: 'bk-2', customerId: 'm-2', resourceId: 'r-1', startTime: inHours(8), endTime: inHours(9) })).body;
    ids.payments = (await c.post('/api/payments', { bookingId: bk.id, amount: 10, currency: 'NOK', status: 'pending' })).body.id;
    ids.webhooks = (await c.post('/api/webhooks', { url: 'https://93.184.216.34/hook', eventTypes: ['*'], enabled: false })).body.id;
    ids['facility-waitlist'] = (await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'm-3', desiredStart: bk2.startTime, desiredEnd: bk2.endTime })).body.id;
    Object.assign(ids, { locations: 'c-1', services: 'svc-1', resources: 'r-1', customers: 'm-1', bookings: bk.id, tenants: 't-fuzz' });
    ids.keys = (await c.get('/api/keys')).body.items[0].id;
    ids.events = (await c.get('/api/events')).body.items[0].id;
    // run every job those changes caused (there is no worker running: from here on nothing may change)
    await app.drain();
    ids.runs = (await c.get('/api/runs')).body.items[0]?.id;
    ids.messages = (await c.get('/api/messages')).body.items[0]?.id;
    expect(ids.runs && ids.messages, 'a run and a message to aim at').to.be.a('string');
  });
  after(async () => { await app.stop(); });

  const checksum = () => databaseChecksum(app.ds);

  it('answers every malformed request with a 4xx problem naming the field, and writes nothing', async function () {
    this.timeout(300_000);
    const doc = (await app.anon.get('/api/openapi.json')).body;
    const ops: Op[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const query = Object.fromEntries((op.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string; schema: Schema }) => [p.name, p.schema]));
        ops.push({ path, method, access: op['x-access'], body: op.requestBody?.content?.['application/json']?.schema, query });
      }
    }
    expect(ops.length).to.be.greaterThan(60);
    const before = await checksum();
    let sent = 0;
    const perOp = Number(process.env.FUZZ_CASES_PER_OP ?? 30);
    for (const op of ops) {
      const collection = op.path.split('/')[2];
      const path = op.path.replace('{id}', encodeURIComponent(ids[collection] ?? 'unknown')).replace(/\{\w+\}/g, 'nope');
      const key = op.access === 'platform' ? app.platform.key : op.access === 'public' ? null : c.key;
      for (const req of fc.sample(malformed(op), { numRuns: perOp, seed: 42 })) {
        const qs = new URLSearchParams(req.query).toString();
        const res = await fetch(`${app.url}${path}${qs ? `?${qs}` : ''}`, {
          method: op.method.toUpperCase(),
          headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(req.body !== undefined ? { 'content-type': req.contentType ?? 'application/json' } : {}) },
          body: op.method === 'get' ? undefined : typeof req.body === 'string' || req.body === undefined ? req.body : new Uint8Array(req.body),
        });
        sent++;
        const what = `${op.method.toUpperCase()} ${op.path} with ${req.what}: ${res.status}`;
        const text = await res.text();
        if (op.access === 'public' && res.status < 400) continue; // health, openapi, docs: inputs are ignored
        expect(res.status, `${what} ${text.slice(0, 300)}`).to.be.within(400, 499);
        expect(res.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
        const p = JSON.parse(text);
        expect(p.code, what).to.be.a('string');
        if (res.status === 400 && p.code === 'VALIDATION_FAILED') {
          expect(p.errors, `${what} names the field`).to.be.an('array').that.is.not.empty;
          for (const e of p.errors) expect(e.pointer, what).to.be.a('string');
        }
        expect(text, what).to.not.match(/node_modules|\.js:\d+:\d+|at \w+ \(/);
      }
    }
    expect(sent).to.be.greaterThan(1500);
    expect(await checksum(), 'no malformed request wrote anything').to.equal(before);
  });
});

import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { eventually, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { inHours, seedCatalog } from '../helpers/fixtures.js';
import { book, entry, nextSlot } from './support.js';

// The facility waitlist over GraphQL, as documented: same operations, same rules, same keys.
describe('waitlist over GraphQL', () => {
  let w: EngineWorld;
  let c: Client;
  const gql = async (query: string, variables: Record<string, unknown> = {}, key: string | null = c.key) => {
    const res = await fetch(`${w.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: await res.json() as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
  };

  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-1');
    await seedCatalog(c);
  });
  after(async () => { await w.stop(); });

  it('serves GraphiQL to a browser without a key, and refuses operations without one', async () => {
    const page = await fetch(`${w.app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('x-frame-options'), 'GraphiQL cannot be framed').to.equal('DENY');
    const html = await page.text();
    expect(html).to.match(/ruru/i);
    const asset = /href="(\/graphql\/ruru\/[^"]+\.js)"/.exec(html);
    expect(asset, 'GraphiQL is served from this server, not a CDN').to.not.equal(null);
    expect((await fetch(`${w.app.url}${asset![1]}`)).status).to.equal(200);
    const anon = await gql('{ facilityWaitlist { id } }', {}, null);
    expect(anon.status).to.equal(401);
    expect(anon.body.errors![0].extensions!.code).to.equal('UNAUTHENTICATED');
  });

  it('joins, lists, accepts and declines with the documented operations', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const joined = await gql(`mutation JoinWaitlist($s: String!, $e: String!) {
      createFacilityWaitlistEntry(data: { tenantId: "t-1", clubId: "c-1", resourceId: "r-1", memberId: "m-2", desiredStart: $s, desiredEnd: $e }) { id priorityScore status }
    }`, { s: slot.startTime, e: slot.endTime });
    expect(joined.body.errors).to.equal(undefined);
    const id = joined.body.data.createFacilityWaitlistEntry.id;
    expect(joined.body.data.createFacilityWaitlistEntry).to.include({ status: 'ACTIVE' });
    const second = await gql(`mutation { createFacilityWaitlistEntry(data: { clubId: "c-1", resourceId: "r-1", memberId: "m-3", desiredStart: "${slot.startTime}", desiredEnd: "${slot.endTime}" }) { id } }`);
    const secondId = second.body.data.createFacilityWaitlistEntry.id;

    const list = await gql('query FacilityWaitlist { facilityWaitlist(filters: { tenantId: "t-1", resourceId: "r-1", status: ACTIVE }) { id memberId desiredStart desiredEnd priorityScore status createdAt position } }');
    expect(list.body.data.facilityWaitlist.map((e: { id: string }) => e.id)).to.include.members([id, secondId]);
    // each entry's place in its slot's queue, as one entry's query says it
    const listed = new Map(list.body.data.facilityWaitlist.map((e: { id: string; position: number }) => [e.id, e.position]));
    for (const x of [id, secondId]) {
      const alone = (await gql(`{ facilityWaitlistEntry(id: "${x}") { position } }`)).body.data.facilityWaitlistEntry.position;
      expect(listed.get(x), x).to.equal(alone);
    }
    expect([listed.get(id), listed.get(secondId)].sort()).to.deep.equal([1, 2]);

    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, id)).status === 'OFFERED');
    const accepted = await gql(`mutation AcceptWaitlistOffer { acceptFacilityWaitlistEntry(id: "${id}", tenantId: "t-1", clubId: "c-1") {
      waitlistEntry { id status acceptedAt } reservation { id startTime endTime } } }`);
    expect(accepted.body.errors).to.equal(undefined);
    expect(accepted.body.data.acceptFacilityWaitlistEntry.waitlistEntry).to.include({ id, status: 'ACCEPTED' });
    expect(accepted.body.data.acceptFacilityWaitlistEntry.reservation).to.include({ startTime: slot.startTime, endTime: slot.endTime });

    const decline = await gql(`mutation { declineFacilityWaitlistEntry(id: "${secondId}", tenantId: "t-1") { id status } }`);
    expect(decline.body.errors![0].extensions!.code).to.equal('NOT_OFFERED');
    const cancel = await gql(`mutation { cancelFacilityWaitlistEntry(id: "${secondId}", reason: "changed plans") { id status cancelReason } }`);
    expect(cancel.body.data.cancelFacilityWaitlistEntry).to.include({ status: 'CANCELLED', cancelReason: 'changed plans' });
  });

  it('keeps the same rules: error codes, tenant checks, admin-only operations', async () => {
    const slot = nextSlot();
    const free = await gql(`mutation { createFacilityWaitlistEntry(data: { clubId: "c-1", resourceId: "r-1", memberId: "m-2", desiredStart: "${slot.startTime}", desiredEnd: "${slot.endTime}" }) { id } }`);
    expect(free.body.errors![0].extensions!.code).to.equal('SLOT_AVAILABLE');
    const other = await gql('{ facilityWaitlist(filters: { tenantId: "t-other" }) { id } }');
    expect(other.body.errors![0].extensions!.code).to.equal('TENANT_MISMATCH');
    const bad = await gql(`mutation { createFacilityWaitlistEntry(data: { clubId: "c-1", resourceId: "r-1", memberId: "m-2", desiredStart: "tomorrow", desiredEnd: "${slot.endTime}" }) { id } }`);
    expect(bad.body.errors![0].extensions!.code).to.equal('VALIDATION_FAILED');
    await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = (await gql(`mutation { createFacilityWaitlistEntry(data: { clubId: "c-1", resourceId: "r-1", memberId: "m-2", desiredStart: "${slot.startTime}", desiredEnd: "${slot.endTime}" }) { id } }`)).body.data.createFacilityWaitlistEntry.id;
    const appKey = (await c.post('/api/keys', { role: 'app' })).body.secret;
    const denied = await gql(`mutation { offerFacilityWaitlistEntry(id: "${e}", offerExpiresAt: "${inHours(20)}") { id } }`, {}, appKey);
    expect(denied.body.errors![0].extensions!.code).to.equal('FORBIDDEN');
    const noSeat = await gql(`mutation { offerFacilityWaitlistEntry(id: "${e}", offerExpiresAt: "${inHours(20)}") { id } }`);
    expect(noSeat.body.errors![0].extensions!.code).to.equal('NO_CAPACITY');
    const expire = await gql(`mutation { expireFacilityWaitlistEntry(id: "${e}") { id status } }`);
    expect(expire.body.errors![0].extensions!.code).to.equal('NOT_OFFERED');
    const one = await gql(`{ facilityWaitlistEntry(id: "${e}") { id position status } }`);
    expect(one.body.data.facilityWaitlistEntry).to.include({ id: e, position: 1, status: 'ACTIVE' });
    const otherTenant = await w.app.tenant('t-2');
    const hidden = await gql(`{ facilityWaitlistEntry(id: "${e}") { id } }`, {}, otherTenant.key);
    expect(hidden.body.errors![0].extensions!.code).to.equal('NOT_FOUND');
  });

  it('checks arguments with the REST rules, and bodies against the same 1 MB limit', async () => {
    const slot = nextSlot();
    await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = (await gql(`mutation { createFacilityWaitlistEntry(data: { clubId: "c-1", resourceId: "r-1", memberId: "m-2", desiredStart: "${slot.startTime}", desiredEnd: "${slot.endTime}" }) { id } }`)).body.data.createFacilityWaitlistEntry.id;
    const long = await gql('mutation($r: String) { cancelFacilityWaitlistEntry(id: "' + e + '", reason: $r) { id } }', { r: 'y'.repeat(501) });
    expect(long.body.errors![0].extensions).to.deep.include({ code: 'VALIDATION_FAILED', errors: [{ pointer: '/reason', in: 'body', message: 'must NOT have more than 500 characters' }] });
    const year0 = await gql(`mutation { offerFacilityWaitlistEntry(id: "${e}", offerExpiresAt: "0000-01-01T00:00:00Z") { id } }`);
    expect(year0.body.errors![0].extensions!.code).to.equal('VALIDATION_FAILED');
    const from0 = await gql('{ facilityWaitlist(filters: { desiredFrom: "0000-01-01T00:00:00Z" }) { id } }');
    expect(from0.body.errors![0].extensions!.code).to.equal('VALIDATION_FAILED');
    expect((await c.get(`/api/facility-waitlist/${e}`)).body).to.include({ status: 'ACTIVE', cancelReason: null });

    const nul = await gql('mutation($r: String) { cancelFacilityWaitlistEntry(id: "' + e + '", reason: $r) { id } }', { r: 'a\u0000b' });
    expect(nul.body.errors![0].extensions).to.deep.include({ code: 'VALIDATION_FAILED' });
    expect((nul.body.errors![0].extensions as { errors: { pointer: string }[] }).errors[0].pointer).to.equal('/reason');

    // one field repeated under many aliases would be as many lookups in one request: at most 20 at the root
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: facilityWaitlistEntry(id: "${e}") { id }`).join(' ')} }`;
    const twenty = await gql(aliased(20));
    expect(twenty.status).to.equal(200);
    expect(Object.keys(twenty.body.data)).to.have.length(20);
    const more = await gql(aliased(21));
    expect(more.status).to.equal(400);
    expect(more.body.data).to.equal(undefined);
    expect(more.body.errors![0].message).to.include('21 fields at its root').and.include('at most 20');
    const viaFragments = await gql(`{ ...a ...b } fragment a on Query { ${aliased(11).slice(1, -1)} } fragment b on Query { ${aliased(11).slice(1, -1).replaceAll(' a', ' b')} }`);
    expect(viaFragments.status, 'fragments count too').to.equal(400);

    const huge = await fetch(`${w.app.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.key}` },
      body: JSON.stringify({ query: 'mutation($r: String) { cancelFacilityWaitlistEntry(id: "' + e + '", reason: $r) { id } }', variables: { r: 'y'.repeat(1_100_000) } }),
    });
    expect(huge.status).to.equal(413);
    expect((await huge.json() as { code: string }).code).to.equal('PAYLOAD_TOO_LARGE');
    expect((await c.get(`/api/facility-waitlist/${e}`)).body.status).to.equal('ACTIVE');
  });
});

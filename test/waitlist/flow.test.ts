import { expect } from 'chai';
import { one } from '../../src/db/sql.js';
import type { Client } from '../helpers/client.js';
import { eventually, retryStepsNow, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { seedCatalog } from '../helpers/fixtures.js';
import { book, entry, join, makeOfferDue, nextSlot, unescapeHtml } from './support.js';

// The waitlist end to end: join a full slot, a cancellation frees the seat, the default workflows offer it by email
// and SMS with signed links, and the member accepts, declines or lets it expire.
describe('waitlist: joining, offers and answers', () => {
  let w: EngineWorld;
  let c: Client;
  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-wl', { adminEmail: 'admin@club.example' });
    await seedCatalog(c);
  });
  after(async () => { await w.stop(); });

  it('joins only full slots, once per member, with the documented fields', async () => {
    const slot = nextSlot();
    const free = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'm-2', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    expect(free.status).to.equal(409);
    expect(free.body.code).to.equal('SLOT_AVAILABLE');
    await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'm-2', slot);
    expect(e).to.include({ tenantId: 't-wl', clubId: 'c-1', resourceId: 'r-1', memberId: 'm-2', desiredStart: slot.startTime, desiredEnd: slot.endTime, status: 'ACTIVE', seats: 1 });
    expect(e.priorityScore).to.be.at.least(100);
    expect(e).to.have.property('createdAt');
    const again = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'm-2', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('ALREADY_WAITING');
    // entries the waitlist could never serve are refused: the member who holds the booking, more seats than exist
    const holder = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'm-1', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    expect(holder.status).to.equal(409);
    expect(holder.body.code).to.equal('ALREADY_BOOKED');
    const crowd = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'm-3', desiredStart: slot.startTime, desiredEnd: slot.endTime, seats: 2 });
    expect(crowd.status).to.equal(409);
    expect(crowd.body).to.deep.include({ code: 'SEATS_EXCEED_CAPACITY', errors: [{ pointer: '/seats', in: 'body', message: 'must be at most the resource\'s capacity (1)' }] });
    const nobody = await c.post('/api/facility-waitlist', { clubId: 'c-1', resourceId: 'r-1', memberId: 'nobody', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    expect(nobody.status).to.equal(404);
    const wrongClub = await c.post('/api/facility-waitlist', { clubId: 'elsewhere', resourceId: 'r-1', memberId: 'm-3', desiredStart: slot.startTime, desiredEnd: slot.endTime });
    expect(wrongClub.status).to.equal(404);
    const got = await entry(c, e.id);
    expect(got).to.include({ id: e.id, status: 'ACTIVE', position: 1 });
    const listed = await c.get(`/api/facility-waitlist?tenantId=t-wl&clubId=c-1&resourceId=r-1&status=ACTIVE&memberId=m-2`);
    expect(listed.body.items.map((x: { id: string }) => x.id)).to.deep.equal([e.id]);
  });

  it('offers a cancelled seat to the top entry by email and SMS with signed links, and the link accepts it', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'm-2', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    const offered = await eventually(async () => { const x = await entry(c, e.id); return x.status === 'OFFERED' ? x : null; });
    const expiresIn = new Date(offered.offerExpiresAt).getTime() - Date.now();
    expect(expiresIn).to.be.within(55 * 60_000, 61 * 60_000);
    expect(offered.explanation.thisEntry).to.include({ result: 'offered' });
    // the held seat keeps others from booking it
    const taken = await c.post('/api/bookings', { customerId: 'm-3', resourceId: 'r-1', ...slot });
    expect(taken.status).to.equal(409);

    const mail = await w.smtp.waitFor((m) => (m.to ?? []).includes('ola@example.com') && (m.subject ?? '').startsWith('A place opened up'));
    const sms = await eventually(async () => w.twilio.requests.find((r) => r.params.To === '+4791234568' && r.params.Body?.includes('Accept:')));
    const accept = unescapeHtml(/href="([^"]+\/accept\?[^"]+)"/.exec(mail.html as string)![1]);
    expect(sms.params.Body).to.include(accept);
    expect(accept.startsWith(w.app.url)).to.equal(true);
    const page = await fetch(accept);
    expect(page.status).to.equal(200);
    // a capability URL in a page that cannot be framed, runs no script and sends no Referer
    expect(page.headers.get('x-frame-options')).to.equal('DENY');
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(page.headers.get('content-security-policy')).to.include("default-src 'none'").and.include("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).to.include('<form method="post">');
    // the place and its time as the member reads them: at the location's local time, in the member's language
    const local = (lang: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(new Date(slot.startTime));
    expect(html).to.include('<html lang="en">').and.include(`The place at Court 1, ${local('en')}, is held for you until`).and.not.include('UTC');
    expect((await c.patch('/api/customers/m-2', { language: 'nb' })).status).to.equal(200);
    const norsk = await (await fetch(accept)).text();
    expect(norsk).to.include('<html lang="nb">').and.include('Ta imot plassen?').and.include(`Plassen på Court 1, ${local('nb')}, holdes av til deg til`);
    expect((await c.patch('/api/customers/m-2', { language: 'en' })).status).to.equal(200);
    expect((await entry(c, e.id)).status, 'GET only shows the page').to.equal('OFFERED');
    const tampered = await fetch(accept.replace('/accept?', '/decline?'), { method: 'POST' });
    expect(tampered.status, 'a link is single-purpose').to.equal(403);
    // a forged signature as long as a real one, in characters not bytes, is refused alike for every tenant id
    const forged = new URL(accept);
    forged.searchParams.set('sig', 'é'.repeat(forged.searchParams.get('sig')!.length));
    for (const tenant of ['t-wl', 'no-such-tenant', 't-wl%00']) {
      const res = await fetch(forged.toString().replace('/t-wl/', `/${tenant}/`));
      expect(res.status, tenant).to.equal(403);
    }
    const done = await fetch(accept, { method: 'POST' });
    expect(done.status).to.equal(200);
    const accepted = await entry(c, e.id);
    expect(accepted.status).to.equal('ACCEPTED');
    const reservation = (await c.get(`/api/bookings/${accepted.reservationId}`)).body;
    expect(reservation).to.include({ customerId: 'm-2', resourceId: 'r-1', startTime: slot.startTime, status: 'confirmed' });
    const again = await fetch(accept);
    expect(again.status, 'the link answers clearly once the offer is gone').to.equal(410);
  });

  it('accepts idempotently through the API, and rejects an accept at or after offerExpiresAt', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'm-2', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, e.id)).status === 'OFFERED');
    const first = await c.post(`/api/facility-waitlist/${e.id}/accept?tenantId=t-wl&clubId=c-1`);
    expect(first.status).to.equal(200);
    expect(first.body.waitlistEntry).to.include({ id: e.id, status: 'ACCEPTED' });
    expect(first.body.reservation).to.include({ resourceId: 'r-1', memberId: 'm-2', startTime: slot.startTime, endTime: slot.endTime, status: 'ACTIVE' });
    const second = await c.post(`/api/facility-waitlist/${e.id}/accept`);
    expect(second.body.reservation.id).to.equal(first.body.reservation.id);

    const slot2 = nextSlot();
    const b2 = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot2 });
    const e2 = await join(c, 'm-3', slot2);
    await c.post(`/api/bookings/${b2.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, e2.id)).status === 'OFFERED');
    // the offer's time is up, but the expiry job has not run yet
    await w.app.ds.query("UPDATE waitlist_entries SET offer_expires_at = now() - interval '1 second' WHERE id = $1", [e2.id]);
    const late = await c.post(`/api/facility-waitlist/${e2.id}/accept`);
    expect(late.status).to.equal(409);
    expect(late.body.code).to.equal('OFFER_EXPIRED');
    expect((await c.get(`/api/bookings?resourceId=r-1&customerId=m-3`)).body.items).to.have.length(0);
    // and the same answer once the expiry has run
    expect((await c.post(`/api/facility-waitlist/${e2.id}/expire`)).body.status).to.equal('EXPIRED');
    const later = await c.post(`/api/facility-waitlist/${e2.id}/accept`);
    expect(later.status).to.equal(409);
    expect(later.body.code).to.equal('OFFER_EXPIRED');
    const notOffered = await c.post(`/api/facility-waitlist/${e.id}/decline`);
    expect(notOffered.status).to.equal(409);
    expect(notOffered.body.code).to.equal('NOT_OFFERED');
  });

  it('offers the next entry when one declines, and never offers the same seat to the decliner again', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const first = await join(c, 'm-2', slot);
    const second = await join(c, 'm-3', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, first.id)).status === 'OFFERED');
    expect((await entry(c, second.id)).status).to.equal('ACTIVE');
    const declined = await c.post(`/api/facility-waitlist/${first.id}/decline`);
    expect(declined.status).to.equal(200);
    expect(declined.body.status, 'requeueOnDecline puts it back in the queue').to.equal('ACTIVE');
    await eventually(async () => (await entry(c, second.id)).status === 'OFFERED');
    const declined2 = await c.post(`/api/facility-waitlist/${second.id}/decline`, { remove: true });
    expect(declined2.body.status).to.equal('CANCELLED');
    // the seat is free again, but the only one waiting already declined this very seat
    await eventually(async () => {
      const ev = (await c.get('/api/events?type=slot.freed&limit=5')).body.items;
      return ev.some((x: { data: { entryId?: string } }) => x.data.entryId === second.id);
    });
    await new Promise((r) => setTimeout(r, 500));
    const again = await entry(c, first.id);
    expect(again.status).to.equal('ACTIVE');
    expect(again.explanation.thisEntry.reason).to.equal('ALREADY_DECLINED');
    // a later freeing of the interval is a new seat: it may be offered again
    const other = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    await c.post(`/api/bookings/${other.id}/status`, { status: 'cancelled' });
    expect(other.id).to.be.a('string');
  });

  it('expires an unanswered offer with its job and offers the seat to the next entry', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const first = await join(c, 'm-2', slot);
    const second = await join(c, 'm-3', slot);
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    const offered = await eventually(async () => { const x = await entry(c, first.id); return x.status === 'OFFERED' ? x : null; });
    const job = await one<{ run_at: Date }>(w.app.ds, 'SELECT run_at FROM graphile_worker._private_jobs WHERE key = $1', [`wl-expire:t-wl:${first.id}`]);
    expect(job!.run_at.toISOString()).to.equal(offered.offerExpiresAt);
    // time passes: the offer's deadline and its job are due
    await makeOfferDue(w.app.ds, 't-wl', first.id);
    await eventually(async () => (await entry(c, first.id)).status === 'EXPIRED');
    await eventually(async () => (await entry(c, second.id)).status === 'OFFERED');
  });

  it("does not send an offer's text on a retry after the member answered, and says why", async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const e = await join(c, 'm-2', slot);
    w.twilio.failNext(1, { status: 503, code: 20503, message: 'Service unavailable' });
    await c.post(`/api/bookings/${b.id}/status`, { status: 'cancelled' });
    await eventually(async () => (await entry(c, e.id)).status === 'OFFERED');
    const offerText = async () => one<{ status: string; outcome: string | null; error_code: string | null; attempts: number }>(w.app.ds, `
      SELECT s.status, s.outcome, s.error_code, s.attempts FROM run_steps s JOIN runs r ON r.tenant_id = s.tenant_id AND r.id = s.run_id
      JOIN events ev ON ev.tenant_id = r.tenant_id AND ev.id = r.event_id
      WHERE r.tenant_id = 't-wl' AND r.trigger_type = 'waitlist.offered' AND ev.data -> 'entry' ->> 'id' = $1 AND s.action_type = 'sms'`, [e.id]);
    await eventually(async () => (await offerText())?.error_code, 15000, 'the text to fail once');
    // as if that attempt had died mid-send (its message stored, its outcome never recorded: a database outage)
    await w.app.ds.query(`
      UPDATE messages m SET status = 'sending' FROM runs r JOIN events ev ON ev.tenant_id = r.tenant_id AND ev.id = r.event_id
      WHERE m.tenant_id = r.tenant_id AND m.run_id = r.id AND m.channel = 'sms' AND r.trigger_type = 'waitlist.offered' AND ev.data -> 'entry' ->> 'id' = $1`, [e.id]);
    expect((await c.post(`/api/facility-waitlist/${e.id}/decline`, { remove: true })).status).to.equal(200);
    await retryStepsNow(w.app);
    await settled(w.app);
    expect(await offerText()).to.deep.equal({ status: 'skipped', outcome: 'skipped:stale:offer_closed', error_code: null, attempts: 2 });
    expect(w.twilio.created.filter((m) => m.params.To === '+4791234568' && m.params.Body?.includes(e.id))).to.deep.equal([]);
    const stuck = await one<{ n: number }>(w.app.ds, "SELECT count(*)::int AS n FROM messages WHERE tenant_id = 't-wl' AND status IN ('pending', 'sending')");
    expect(stuck!.n, 'no message left "being sent" by the withheld steps').to.equal(0);
  });

  it('cancelling an offered entry frees its seat for the next one', async () => {
    const slot = nextSlot();
    const b = await book(c, { customerId: 'm-1', resourceId: 'r-1', ...slot });
    const first = await join(c, 'm-2', slot);
    const second = await join(c, 'm-3', slot);
    await c.delete(`/api/bookings/${b.id}`);
    await eventually(async () => (await entry(c, first.id)).status === 'OFFERED');
    const cancelled = await c.post(`/api/facility-waitlist/${first.id}/cancel?clubId=c-1`, { reason: 'No longer needed' });
    expect(cancelled.body).to.include({ status: 'CANCELLED', cancelReason: 'No longer needed' });
    expect(cancelled.body.cancelledAt).to.be.a('string');
    await eventually(async () => (await entry(c, second.id)).status === 'OFFERED');
  });
});

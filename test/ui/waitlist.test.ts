// The waiting list per slot: order and positions, a manual offer that needs a free seat, the offer's countdown,
// the explanation of an allocation, and expiring an offer.
import { expect } from 'chai';
import { screenshot, signIn } from './browser.js';
import { inDays, plusHour, uiSuite } from './setup.js';

describe('The waiting list (admin UI, headless Chromium)', function () {
  const t = uiSuite();

  it('waitlist: the queue per slot, the offer countdown, expire, and why', async function () {
    const { app, c, page } = t;
    const spec = (await c.get('/api/openapi.json')).body;
    if (!spec.paths['/api/facility-waitlist']) this.skip();
    const start = inDays(9, 12);
    const held = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-2', startTime: start, endTime: plusHour(start) });
    expect(held.status).to.equal(201);
    for (const memberId of ['anna', 'ola']) {
      const r = await c.post('/api/facility-waitlist', { clubId: 'bergen', resourceId: 'court-2', memberId, desiredStart: start, desiredEnd: plusHour(start) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    }
    await signIn(page, app.url, c.key!);
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Waiting list', exact: true });
    await link.click();
    await page.getByRole('heading', { level: 1, name: 'Waiting list' }).waitFor();
    // one name for the page: in the nav, the heading and the tab's title
    expect(await link.innerText()).to.equal('Waiting list');
    expect(await page.title()).to.match(/^Waiting list · /);
    await page.locator('.slot', { hasText: 'Court 2' }).filter({ hasText: 'Anna Berg' }).waitFor();
    // The slot's card, found again by its key once Anna's closed entry is no longer listed.
    const key = await page.locator('.slot', { hasText: 'Court 2' }).filter({ hasText: 'Anna Berg' }).getAttribute('data-slot');
    const slot = page.locator(`.slot[data-slot="${key}"]`);
    const row = (name: string) => slot.locator('tr', { hasText: name });
    expect(await row('Anna Berg').locator('.position').innerText()).to.equal('1');
    expect(await row('Ola Nilsen').locator('.position').innerText()).to.equal('2');

    // A manual offer needs a free seat: the slot is full, so Offer is disabled and says why (the server would refuse it).
    const offerAnna = slot.getByRole('button', { name: 'Offer the slot to Anna Berg' });
    await slot.getByText('no free seat').waitFor();
    expect(await offerAnna.isDisabled(), 'Offer on a full slot').to.equal(true);
    expect(await offerAnna.getAttribute('title')).to.match(/^No free seat/);

    // Freeing the seat offers it to the first in line, with a countdown; the explanation names both candidates.
    expect((await c.post(`/api/bookings/${held.body.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    await row('Anna Berg').getByText(/left$/).waitFor({ timeout: 20_000 });
    expect(await row('Anna Berg').innerText()).to.include('Offered');
    expect(await row('Ola Nilsen').locator('.position').innerText()).to.equal('1');
    await slot.getByText('no free seat').waitFor();
    expect(await slot.getByRole('button', { name: 'Offer the slot to Ola Nilsen' }).isDisabled(), 'the seat is held by the offer to Anna').to.equal(true);
    await screenshot(page, '13-waitlist');
    await slot.getByRole('button', { name: /Why is Anna Berg here/ }).click();
    const why = page.getByRole('dialog', { name: 'How the seat was given out' });
    await why.locator('table', { hasText: 'Ola Nilsen' }).waitFor();
    expect(await why.innerText()).to.include('Anna Berg').and.include('Offered');
    await screenshot(page, '14-waitlist-explanation', { fullPage: false });
    await why.getByRole('button', { name: 'Close' }).first().click();

    await slot.getByRole('button', { name: 'Expire the offer to Anna Berg' }).click();
    await page.getByRole('dialog', { name: /Expire the offer/ }).getByRole('button', { name: 'Expire now' }).click();
    await page.getByText('The offer to Anna Berg expired').waitFor();
    await row('Ola Nilsen').getByText(/left$/).waitFor({ timeout: 20_000 });
  });

  it('waitlist: a seat left free can be offered by hand, until a time at the location\'s wall clock', async function () {
    const { app, c, page } = t;
    const spec = (await c.get('/api/openapi.json')).body;
    if (!spec.paths['/api/facility-waitlist']) this.skip();
    // With "Fill a freed slot" off, a freed seat stays free and the one waiting gets no offer by itself.
    const fill = (await c.get('/api/workflows')).body.items.find((w: { name: string }) => w.name === 'Fill a freed slot');
    expect((await c.post(`/api/workflows/${fill.id}/disable`)).status).to.equal(200);
    const start = inDays(10, 15);
    const held = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-1', startTime: start, endTime: plusHour(start) });
    expect(held.status).to.equal(201);
    const joined = await c.post('/api/facility-waitlist', { clubId: 'oslo', resourceId: 'court-1', memberId: 'ola', desiredStart: start, desiredEnd: plusHour(start) });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/waitlist`);
    const slot = page.locator('.slot', { hasText: 'Court 1' }).filter({ hasText: 'Ola Nilsen' });
    await slot.getByText('no free seat').waitFor();
    expect((await c.post(`/api/bookings/${held.body.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    await slot.getByText('1 free').waitFor({ timeout: 20_000 }); // the queue did not change: found by asking again
    const offerOla = slot.getByRole('button', { name: 'Offer the slot to Ola Nilsen' });
    expect(await offerOla.isDisabled()).to.equal(false);
    await offerOla.click();
    const offer = page.getByRole('dialog', { name: 'Offer the slot to Ola Nilsen' });
    // its end is proposed (and read) at the location's wall clock, as the page shows times, not the browser's zone
    const oslo = (ms: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', dateStyle: 'short', timeStyle: 'short' }).format(ms).replace(' ', 'T');
    const proposed = await offer.getByLabel('Offer open until').inputValue();
    expect([oslo(Date.now() + 59 * 60_000), oslo(Date.now() + 60 * 60_000), oslo(Date.now() + 61 * 60_000)]).to.include(proposed);
    await offer.getByText('At the location\'s time (Europe/Oslo).').waitFor();
    await offer.getByRole('button', { name: 'Make the offer' }).click();
    await page.getByText('Offered to Ola Nilsen').waitFor();
    await slot.locator('tr', { hasText: 'Ola Nilsen' }).getByText(/left$/).waitFor();
    const until = (await c.get(`/api/facility-waitlist/${joined.body.id}`)).body.offerExpiresAt;
    expect(oslo(Date.parse(until))).to.equal(proposed);
    expect((await c.post(`/api/workflows/${fill.id}/enable`)).status).to.equal(200);
  });

  it('settings: choices in words; a tier added to the tier bonus starts at 0 points, and saves', async () => {
    const { app, c, page } = t;
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/settings`);
    const section = page.getByRole('region', { name: 'Waiting list' });
    // choices in words, not the codes stored (fifo, auto_assign)
    const firstIs = section.getByRole('combobox', { name: /^Who is first/ });
    await firstIs.waitFor(); // the settings load after the page; reading the options sooner read none
    expect(await firstIs.locator('option').allInnerTexts()).to.include.members(['Highest priority score', 'Whoever waited longest']);
    await section.getByRole('button', { name: 'Add an entry' }).click();
    const name = section.getByLabel('Name', { exact: true }).last();
    await name.fill('gold');
    await name.blur();
    // rjsf's default for a new integer entry was the text "New Value": an empty-looking box that failed to save
    expect(await section.locator('.additional-value input').last().inputValue()).to.equal('0');
    await section.getByRole('button', { name: 'Save waiting list settings' }).click();
    await page.getByText('Waiting list settings saved').waitFor();
    expect((await c.get('/api/settings/waitlist')).body.tierBonus).to.deep.equal({ gold: 0 });
  });
});

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
    await page.getByRole('link', { name: 'Waitlist' }).click();
    await page.locator('.slot', { hasText: 'Court 2' }).filter({ hasText: 'Anna Berg' }).waitFor();
    // The slot's card, found again by its key once Anna's closed entry is no longer listed.
    const key = await page.locator('.slot', { hasText: 'Court 2' }).filter({ hasText: 'Anna Berg' }).getAttribute('data-slot');
    const slot = page.locator(`.slot[data-slot="${key}"]`);
    const row = (name: string) => slot.locator('tr', { hasText: name });
    expect(await row('Anna Berg').locator('.position').innerText()).to.equal('1');
    expect(await row('Ola Nilsen').locator('.position').innerText()).to.equal('2');

    // A manual offer needs a free seat: the slot is full, and the dialog says why it did not work.
    await slot.getByRole('button', { name: 'Offer the slot to Anna Berg' }).click();
    const offer = page.getByRole('dialog', { name: 'Offer the slot to Anna Berg' });
    // its end is proposed (and read) at the location's wall clock, as the page shows times, not the browser's zone
    const oslo = (ms: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', dateStyle: 'short', timeStyle: 'short' }).format(ms).replace(' ', 'T');
    const proposed = await offer.getByLabel('Offer open until').inputValue();
    expect([oslo(Date.now() + 59 * 60_000), oslo(Date.now() + 60 * 60_000), oslo(Date.now() + 61 * 60_000)]).to.include(proposed);
    await offer.getByText('At the location\'s time (Europe/Oslo).').waitFor();
    await offer.getByRole('button', { name: 'Make the offer' }).click();
    await offer.getByText('NO_CAPACITY').waitFor();
    await offer.getByRole('button', { name: 'Back' }).click();

    // Freeing the seat offers it to the first in line, with a countdown; the explanation names both candidates.
    expect((await c.post(`/api/bookings/${held.body.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    await row('Anna Berg').getByText(/left$/).waitFor({ timeout: 20_000 });
    expect(await row('Anna Berg').innerText()).to.include('Offered');
    expect(await row('Ola Nilsen').locator('.position').innerText()).to.equal('1');
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

// Signing in with the tenant admin key, a session that ends, and the layout at tablet and phone width.
import { expect } from 'chai';
import { screenshot, signIn } from './browser.js';
import { inDays, plusHour, uiSuite } from './setup.js';

describe('Sign-in and layout (admin UI, headless Chromium)', function () {
  const t = uiSuite();

  it('signs in with the tenant admin key (and refuses a wrong one)', async () => {
    const { app, c, page } = t;
    await page.goto(`${app.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, '01-sign-in', { fullPage: false });
    await page.getByLabel('Admin API key').fill('bfk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key was not accepted').waitFor();
    await page.getByLabel('Admin API key').fill(c.key!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('bookflow.adminKey'))).to.equal(c.key);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).to.be.at.least(5);
    // A key that stops working (revoked, expired session) returns to sign-in on the next call.
    await page.evaluate(() => sessionStorage.setItem('bookflow.adminKey', 'bfk_revoked'));
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session ended').waitFor();
  });

  it('lays the main screens out at tablet width', async () => {
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'Booking confirmation', trigger: { type: 'booking.created' }, filters: { locationIds: ['oslo'] },
      actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked: {{service.name}}', html: '<p>Hi {{customer.name}}, see you {{formatDate booking.startTime}}.</p>' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    await page.setViewportSize({ width: 820, height: 1100 });
    await signIn(page, app.url, c.key!);
    await screenshot(page, '10-tablet-workflows');
    const row = page.locator('.wf-row', { hasText: 'Booking confirmation' });
    await row.getByRole('link', { name: 'Edit Booking confirmation' }).click();
    await page.locator('.preview .rendered-subject').first().waitFor();
    await screenshot(page, '11-tablet-builder');
    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(820);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'General' }).waitFor();
    await screenshot(page, '12-tablet-settings');
  });

  it('fits a phone: no screen scrolls sideways, and the top bar keeps its height on short pages', async () => {
    const { app, c, page } = t;
    const start = inDays(3);
    expect((await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-1', startTime: start, endTime: plusHour(start) })).status).to.equal(201);
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, app.url, c.key!);
    const heights: number[] = [];
    for (const [route, heading] of [['customers', 'Customers'], ['bookings', 'Bookings']]) {
      await page.goto(`${app.url}/#/${route}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.locator('table').first().waitFor();
      // A table may scroll inside its own box; the page itself must not (a header's hidden "Actions" text did that).
      expect(await page.evaluate(() => document.documentElement.scrollWidth), route).to.be.at.most(390);
      heights.push((await page.locator('.sidebar').boundingBox())!.height);
    }
    // the top bar is as tall on a short page (Customers) as on a long one: it did stretch to fill the screen
    expect(heights[0], 'top bar height on a short page').to.equal(heights[1]);
    expect(heights[0], 'top bar height').to.be.below(145);
    await screenshot(page, '24-phone-bookings', { fullPage: false });

    // Every nav item shows its name under its icon, inside its own box, and the bar does not scroll sideways.
    const nav = page.getByRole('navigation', { name: 'Main' });
    const links = nav.getByRole('link');
    expect(await links.count()).to.equal(8);
    for (let i = 0; i < 8; i++) {
      const label = links.nth(i).locator('span');
      const [box, icon, text] = [await links.nth(i).boundingBox(), await links.nth(i).locator('svg').boundingBox(), await label.boundingBox()];
      const name = await label.innerText();
      expect(name, `nav item ${i}: visible name`).to.match(/\w/);
      expect(text!.width, `${name}: its text is drawn`).to.be.above(10);
      expect(text!.y, `${name}: under its icon`).to.be.at.least(icon!.y + icon!.height - 1);
      expect(text!.x, `${name}: inside its item`).to.be.at.least(box!.x - 0.5);
      expect(text!.x + text!.width, `${name}: inside its item`).to.be.at.most(box!.x + box!.width + 0.5);
      expect(box!.x + box!.width, `${name}: on the screen`).to.be.at.most(390);
      expect(await label.evaluate((el) => el.scrollWidth <= el.clientWidth), `${name}: not cut off`).to.equal(true);
    }
    expect(await page.locator('.sidebar').evaluate((el) => el.scrollWidth <= el.clientWidth), 'the bar does not scroll sideways').to.equal(true);
    await screenshot(page, '25-phone-nav', { fullPage: false });
  });
});

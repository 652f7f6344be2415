// The admin UI end to end, in headless Chromium against a real Bookflow (API + worker, fresh database), with data
// seeded through the API. Screenshots of the main screens go to test/artifacts/ for reviewers.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { chromiumAvailable, CHROMIUM_MISSING, ensureUiBuilt, launch, screenshot, signIn, tabTo, type Browser } from './browser.js';

const inDays = (d: number, hour = 10): string => {
  const t = new Date(Date.now() + d * 86400_000);
  t.setUTCHours(hour, 0, 0, 0);
  return t.toISOString();
};
const plusHour = (iso: string): string => new Date(new Date(iso).getTime() + 3600_000).toISOString();

async function seed(c: Client): Promise<void> {
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`seeding ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  ok(await c.post('/api/locations', { id: 'oslo', name: 'Oslo Centre', timezone: 'Europe/Oslo' }), 'location');
  ok(await c.post('/api/locations', { id: 'bergen', name: 'Bergen Harbour', timezone: 'Europe/Oslo' }), 'location');
  ok(await c.post('/api/services', { id: 'court-hour', name: 'Court hour', durationMinutes: 60 }), 'service');
  ok(await c.post('/api/resources', { id: 'court-1', name: 'Court 1', locationId: 'oslo', capacity: 1, email: 'court1@club.test' }), 'resource');
  ok(await c.post('/api/resources', { id: 'court-2', name: 'Court 2', locationId: 'bergen', capacity: 1 }), 'resource');
  ok(await c.post('/api/customers', { id: 'per', name: 'Per Hansen', email: 'per@club.test', phone: '+4791111111', language: 'nb' }), 'customer');
  ok(await c.post('/api/customers', { id: 'anna', name: 'Anna Berg', email: 'anna@club.test', phone: '+4792222222', language: 'en' }), 'customer');
}

describe('admin UI (headless Chromium)', function () {
  let app: TestApp;
  let c: Client;
  let browser: Browser;
  let page: Page;

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn(`      skipped: ${CHROMIUM_MISSING}`);
      this.skip();
    }
    ensureUiBuilt();
    app = await startTestApp({ worker: true });
    c = await app.tenant('ui');
    await seed(c);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  beforeEach(async () => {
    browser.errors.length = 0;
    page = await browser.page();
  });
  afterEach(async function () {
    await page?.close();
    // A failed test already says why; on a passing one, any console or page error fails it here.
    if (this.currentTest?.state === 'passed') expect(browser.errors, 'console or page errors').to.deep.equal([]);
  });

  const builderField = (p: Page, name: RegExp) => p.getByRole('textbox', { name });
  /** The rjsf field wrapper (label, input, its errors) around a textbox. */
  const fieldGroup = (p: Page, name: RegExp) => builderField(p, name).locator('xpath=ancestor::div[contains(@class, "form-group")][1]');

  async function startEmail(p: Page, name: string): Promise<void> {
    await p.goto(`${app.url}/#/workflows/new`);
    await p.getByRole('heading', { name: 'New workflow' }).waitFor();
    await p.getByLabel('Name', { exact: true }).fill(name);
    await p.getByLabel('Trigger', { exact: true }).selectOption('booking.created');
    await p.getByRole('button', { name: 'Add an action' }).click();
    await p.getByRole('button', { name: /^Send an email/ }).click();
  }

  it('signs in with the tenant admin key (and refuses a wrong one)', async () => {
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

  it('creates a workflow through the builder; it is in the list and in the API', async () => {
    await signIn(page, app.url, c.key!);
    await page.getByRole('link', { name: 'New workflow' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Booking confirmation');
    await page.getByLabel('Trigger', { exact: true }).selectOption('booking.created');
    await page.getByRole('group', { name: 'Locations' }).getByLabel('Oslo Centre').check();
    await page.getByRole('button', { name: 'Add an action' }).click();
    await page.getByRole('button', { name: /^Send an email/ }).click();
    // The variable picker inserts {{path}} at the cursor.
    await builderField(page, /^Subject/).fill('Booked: ');
    await page.getByRole('button', { name: 'Insert variable into Subject' }).click();
    await page.getByRole('dialog', { name: 'Variables for Subject' }).getByRole('button', { name: /^service\.name/ }).click();
    expect(await builderField(page, /^Subject/).inputValue()).to.equal('Booked: {{service.name}}');
    await builderField(page, /^Body/).fill('<p>Hi {{customer.name}}, see you {{formatDate booking.startTime}}.</p>');
    await page.locator('.preview .rendered-subject', { hasText: 'Booked: Court hour' }).waitFor();
    await screenshot(page, '03-builder');
    await page.getByRole('button', { name: 'Save workflow' }).click();

    await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    const row = page.locator('.wf-row', { hasText: 'Booking confirmation' });
    await row.waitFor();
    expect(await row.innerText()).to.match(/When a booking is added/).and.match(/Oslo Centre/).and.match(/Send an email to the customer/);
    await screenshot(page, '02-workflows');

    const list = await c.get('/api/workflows');
    const wf = list.body.items.find((w: { name: string }) => w.name === 'Booking confirmation');
    expect(wf, 'the workflow in the API').to.be.ok;
    expect(wf.trigger.type).to.equal('booking.created');
    expect(wf.filters.locationIds).to.deep.equal(['oslo']);
    expect(wf.actions).to.have.length(1);
    expect(wf.actions[0]).to.deep.include({ type: 'email' });
    expect(wf.actions[0].config).to.include({ to: 'customer', subject: 'Booked: {{service.name}}' });
  });

  it('shows a template\'s unknown variable at its field, and does not save it', async () => {
    await signIn(page, app.url, c.key!);
    await startEmail(page, 'Typo');
    await builderField(page, /^Subject/).fill('Hi {{customer.nam}}');
    await builderField(page, /^Body/).fill('<p>Hello</p>');
    const subjectGroup = fieldGroup(page, /^Subject/);
    await subjectGroup.getByText('unknown variable "customer.nam"; did you mean "customer.name"?').waitFor();
    expect(await builderField(page, /^Body/).locator('xpath=ancestor::div[contains(@class, "form-group")][1]').innerText()).to.not.match(/unknown variable/);
    await screenshot(page, '04-builder-template-error');
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByText('The workflow was not saved').waitFor();
    await subjectGroup.getByText('unknown variable "customer.nam"').waitFor();
    const list = await c.get('/api/workflows');
    expect(list.body.items.map((w: { name: string }) => w.name)).to.not.include('Typo');
  });

  it('renders the live preview for the sample, and for a chosen booking in another language', async () => {
    const start = inDays(3);
    const bk = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-2', serviceId: 'court-hour', startTime: start, endTime: plusHour(start) });
    expect(bk.status).to.equal(201);
    await signIn(page, app.url, c.key!);
    await startEmail(page, 'Preview check');
    await builderField(page, /^Subject/).fill('Hello {{customer.name}}');
    await builderField(page, /^Body/).fill('<p>{{formatDay booking.startTime}}</p>');
    const preview = page.locator('.preview');
    await preview.locator('.rendered-subject', { hasText: 'Hello Kari Nordmann' }).waitFor();
    await page.getByLabel('Preview with').selectOption(bk.body.id);
    await preview.locator('.rendered-subject', { hasText: 'Hello Per Hansen' }).waitFor();
    expect(await preview.innerText()).to.include('per@club.test');
    await page.getByLabel('Language', { exact: true }).selectOption('en');
    await preview.getByText('Language: en').waitFor();
    await page.getByLabel('Language', { exact: true }).selectOption('nb');
    await preview.getByText('Language: nb').waitFor();
    const frame = page.frameLocator('.preview iframe.email-frame');
    // formatDay in Norwegian: a weekday name such as "mandag" or "torsdag".
    await frame.getByText(/(man|tirs|ons|tors|fre|lør|søn)dag/).waitFor();
    await screenshot(page, '05-builder-preview-booking');
  });

  it('turns a workflow off and on from the list', async () => {
    const created = await c.post('/api/workflows', {
      name: 'Toggle me', trigger: { type: 'booking.deleted' },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'Your booking was removed' } }],
    });
    expect(created.status).to.equal(201);
    await signIn(page, app.url, c.key!);
    const toggle = page.getByRole('switch', { name: 'Toggle me enabled' });
    expect(await toggle.getAttribute('aria-checked')).to.equal('true');
    await toggle.click();
    await page.getByText('Toggle me is off').waitFor();
    expect(await toggle.getAttribute('aria-checked')).to.equal('false');
    expect((await c.get(`/api/workflows/${created.body.id}`)).body.enabled).to.equal(false);
    await toggle.press('Space');
    await page.getByText('Toggle me is on').waitFor();
    expect((await c.get(`/api/workflows/${created.body.id}`)).body.enabled).to.equal(true);
  });

  it('shows the captured message in the outbox after a booking is created', async () => {
    // "Booking confirmation" (created above) emails the customer for bookings in Oslo.
    const start = inDays(5);
    const bk = await c.post('/api/bookings', { customerId: 'anna', resourceId: 'court-1', serviceId: 'court-hour', startTime: start, endTime: plusHour(start) });
    expect(bk.status).to.equal(201);
    await signIn(page, app.url, c.key!);
    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    const row = page.locator('.message', { hasText: 'anna@club.test' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).to.include('Booked: Court hour').and.include('Captured');
    await row.getByRole('button').first().click();
    await row.locator('iframe.email-frame').waitFor();
    await page.frameLocator(`[data-message-id] iframe.email-frame`).first().getByText('Hi Anna Berg').waitFor();
    await screenshot(page, '06-outbox');

    // ... and the run behind it, in the booking's history.
    await page.goto(`${app.url}/#/bookings/${bk.body.id}`);
    await page.getByRole('heading', { name: 'Runs about this booking' }).waitFor();
    await page.locator('table', { hasText: 'Booking confirmation' }).waitFor();
    await screenshot(page, '07-booking');
  });

  it('keyboard only: creates a workflow', async () => {
    await signIn(page, app.url, c.key!);
    // From the top of the page: Tab to "New workflow", Enter.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, (el) => el.tag === 'a' && el.name.includes('New workflow'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New workflow' }).waitFor();
    // The name field has focus on a new workflow.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).placeholder)).to.match(/Booking confirmation/);
    await page.keyboard.type('Typed with the keyboard');
    await tabTo(page, (el) => el.tag === 'select' && el.name === 'Trigger');
    // A closed <select> changes with the arrow keys; stop at "A customer is created".
    for (let i = 0; i < 20 && (await page.getByLabel('Trigger', { exact: true }).inputValue()) !== 'customer.created'; i++) await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Trigger', { exact: true }).inputValue()).to.equal('customer.created');
    await tabTo(page, (el) => el.tag === 'button' && el.name.includes('Add an action'));
    await page.keyboard.press('Enter');
    // Focus moves into the list of actions; the first is "Send an email".
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.match(/^Send an email/);
    await page.keyboard.press('Enter');
    // Focus lands in the new action's first field.
    expect(await page.evaluate(() => document.activeElement?.id)).to.match(/_to$/);
    await tabTo(page, (el) => el.tag === 'input' && el.name.startsWith('Subject'));
    await page.keyboard.type('Welcome, ');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "Insert variable"
    await page.keyboard.type('customer.name');
    await page.keyboard.press('Enter'); // the first match
    expect(await builderField(page, /^Subject/).inputValue()).to.equal('Welcome, {{customer.name}}');
    await tabTo(page, (el) => el.tag === 'textarea' && el.name.startsWith('Body'));
    await page.keyboard.type('<p>Glad to have you.</p>');
    await tabTo(page, (el) => el.tag === 'button' && el.name === 'Save workflow', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('.wf-row', { hasText: 'Typed with the keyboard' }).waitFor();
    const list = await c.get('/api/workflows');
    const wf = list.body.items.find((w: { name: string }) => w.name === 'Typed with the keyboard');
    expect(wf?.trigger.type).to.equal('customer.created');
    expect(wf?.actions[0].config).to.include({ subject: 'Welcome, {{customer.name}}', html: '<p>Glad to have you.</p>' });
  });

  it('shows a failed run with its steps, and retries it', async () => {
    // A webhook to a loopback address is refused (no private targets by default): the step fails for good.
    const wf = await c.post('/api/workflows', {
      name: 'Notify our server', trigger: { type: 'booking.created' }, filters: { resourceIds: ['court-2'] },
      actions: [{ type: 'webhook', config: { url: 'http://127.0.0.1:9/hook' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    const start = inDays(6);
    const bk = await c.post('/api/bookings', { customerId: 'anna', resourceId: 'court-2', startTime: start, endTime: plusHour(start) });
    expect(bk.status).to.equal(201);
    let run: { id: string; status: string } | undefined;
    for (let i = 0; i < 60 && run?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      run = (await c.get(`/api/workflows/${wf.body.id}/runs`)).body.items[0];
    }
    expect(run?.status, 'the run failed').to.equal('failed');

    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/workflows/${wf.body.id}/runs`);
    await page.getByRole('link', { name: 'Run history' }).waitFor();
    await page.locator('table').getByText('Failed').first().waitFor();
    await page.locator('table a').first().click();
    await page.getByRole('heading', { name: 'Steps' }).waitFor();
    expect(await page.locator('.run-step').innerText()).to.match(/Call a webhook/).and.match(/Attempts/);
    await page.locator('.run-step .step-error').waitFor();
    await screenshot(page, '08-run-failed');
    await page.getByRole('button', { name: 'Retry failed steps' }).click();
    await page.getByText('Retrying the failed steps').waitFor();
  });

  it('bookings: a change that frees a seat warns who on the waiting list gets it', async function () {
    const spec = (await c.get('/api/openapi.json')).body;
    if (!spec.paths['/api/facility-waitlist']) this.skip();
    const start = inDays(8, 9);
    const held = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-1', startTime: start, endTime: plusHour(start) });
    expect(held.status).to.equal(201);
    const joined = await c.post('/api/facility-waitlist', { clubId: 'oslo', resourceId: 'court-1', memberId: 'anna', desiredStart: start, desiredEnd: plusHour(start) });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);

    await signIn(page, app.url, c.key!);
    await page.getByRole('link', { name: 'Bookings' }).click();
    const row = page.locator(`tr[data-booking-id="${held.body.id}"]`);
    await row.getByRole('button', { name: /Change status/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the booking\'s status' });
    await dialog.getByLabel('Cancelled').check();
    await dialog.getByRole('button', { name: 'Change status' }).click();
    const warning = dialog.locator('.free-seat-warning');
    await warning.waitFor();
    expect(await warning.innerText()).to.include('Anna Berg').and.match(/offered the seat until|gets the booking/);
    await screenshot(page, '09-free-a-seat-warning', { fullPage: false });
    expect((await c.get(`/api/bookings/${held.body.id}`)).body.status, 'nothing changed yet').to.equal('confirmed');
    await dialog.getByRole('button', { name: /Yes, mark cancelled/ }).click();
    await page.getByText('Booking is now cancelled').waitFor();
    expect((await c.get(`/api/bookings/${held.body.id}`)).body.status).to.equal('cancelled');
  });

  it('waitlist: the queue per slot, the offer countdown, expire, and why', async function () {
    const spec = (await c.get('/api/openapi.json')).body;
    if (!spec.paths['/api/facility-waitlist']) this.skip();
    expect((await c.post('/api/customers', { id: 'ola', name: 'Ola Nilsen', email: 'ola@club.test', language: 'nb' })).status).to.equal(201);
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

  it('lays the main screens out at tablet width', async () => {
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
});

// What an admin does every day: switch workflows on and off, read the outbox, look into a failed run and retry
// it, and change a booking's status with the free-a-seat warning.
import { expect } from 'chai';
import { screenshot, signIn } from './browser.js';
import { inDays, plusHour, uiSuite } from './setup.js';

describe('Daily operations (admin UI, headless Chromium)', function () {
  const t = uiSuite();

  it('turns a workflow off and on from the list', async () => {
    const { app, c, page } = t;
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
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'Booking confirmation', trigger: { type: 'booking.created' }, filters: { locationIds: ['oslo'] },
      actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked: {{service.name}}', html: '<p>Hi {{customer.name}}, see you {{formatDate booking.startTime}}.</p>' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    const bergen = await c.post('/api/workflows', {
      name: 'Bergen reminder', trigger: { type: 'booking.before_start', config: { offset: { amount: 2, unit: 'hours' } } }, filters: { locationIds: ['bergen'] },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'See you soon' } }],
    });
    expect(bergen.status, JSON.stringify(bergen.body)).to.equal(201);
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
    await page.getByRole('region', { name: 'Runs about this booking' }).locator('table', { hasText: 'Booking confirmation' }).waitFor();
    // The workflows seen from this booking: what applies, and why the Bergen reminder (which never ran) does not.
    const workflows = page.getByRole('table', { name: 'Workflows for this booking' });
    const applies = workflows.getByRole('row', { name: /Booking confirmation/ });
    expect(await applies.innerText()).to.include('When a booking is added').and.include('Applies');
    const excluded = workflows.getByRole('row', { name: /Bergen reminder/ });
    expect(await excluded.innerText()).to.include('Does not apply').and.include('at a location this workflow does not cover');
    await screenshot(page, '07-booking');
    // the run says the email was kept, not sent, and why (no mail server in this test app)
    await page.getByRole('region', { name: 'Runs about this booking' }).locator('table a', { hasText: /./ }).first().click();
    await page.getByRole('heading', { name: 'Steps' }).waitFor();
    await page.locator('.banner', { hasText: 'Kept, not sent' }).getByText('No mail server (SMTP_URL) is configured', { exact: false }).waitFor();
    // the Runs list names the booking as a person knows it (customer · resource, local time), not by its id
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    const runRow = page.getByRole('row', { name: /Booking confirmation/ }).first();
    await runRow.getByRole('link', { name: 'Anna Berg · Court 1' }).waitFor();
    const local = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(new Date(start));
    expect(await runRow.innerText()).to.include(local).and.not.include(bk.body.id);
    await c.post(`/api/workflows/${bergen.body.id}/disable`);
  });

  it('names bookings by the signed-in tenant only: another key after sign-out never sees the first one\'s', async () => {
    const { app, c, page } = t;
    const other = await app.tenant('t-ui-other');
    await other.post('/api/locations', { id: 'oslo', name: 'Oslo', timezone: 'Europe/Oslo' });
    await other.post('/api/resources', { id: 'court-1', name: 'Their court', locationId: 'oslo' });
    await other.post('/api/customers', { id: 'zed', name: 'Zed Other', email: 'zed@other.test' });
    const start = inDays(9);
    for (const [k, customerId] of [[c, 'per'], [other, 'zed']] as const) {
      await k.post('/api/workflows', { name: 'Same-id confirmation', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked', html: 'x' } }] });
      expect((await k.post('/api/bookings', { id: 'same-id', customerId, resourceId: 'court-1', startTime: start, endTime: plusHour(start) })).status).to.equal(201);
    }
    const runsPage = async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
      return page.getByRole('row', { name: /Same-id confirmation/ }).first();
    };
    await signIn(page, app.url, c.key!);
    await (await runsPage()).getByRole('link', { name: /^Per Hansen · Court 1/ }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /Sign out/ }).click();
    // in the same page, as a person would (no reload: what the page kept in memory stays)
    await page.getByLabel('Admin API key').fill(other.key!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const row = await runsPage();
    await row.getByRole('link', { name: /^Zed Other · Their court/ }).waitFor({ timeout: 20_000 });
    expect(await row.innerText()).to.not.include('Per Hansen');
  });

  it('tests a saved workflow against a booking: every message it would send, nothing sent', async () => {
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'Reminder by SMS and email', trigger: { type: 'booking.before_start', config: { offset: { amount: 24, unit: 'hours' } } },
      actions: [
        { type: 'sms', config: { to: 'customer', body: 'See you tomorrow, {{customer.name}}!' } },
        { type: 'email', config: { to: 'resource', subject: 'Tomorrow: {{customer.name}}', html: '<p>{{formatTime booking.startTime}}</p>' } },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    const start = inDays(4, 8);
    const bk = await c.post('/api/bookings', { customerId: 'ola', resourceId: 'court-1', startTime: start, endTime: plusHour(start) });
    expect(bk.status).to.equal(201);
    await signIn(page, app.url, c.key!);
    await page.getByRole('button', { name: 'Test Reminder by SMS and email' }).click();
    const dialog = page.getByRole('dialog', { name: /^Test/ });
    await dialog.getByLabel('Booking').selectOption(bk.body.id);
    await dialog.getByRole('button', { name: 'Run test' }).click();
    await dialog.getByText('Would run').waitFor();
    const text = await dialog.innerText();
    expect(text).to.include('See you tomorrow, Ola Nilsen!').and.include('Tomorrow: Ola Nilsen').and.include('court1@club.test').and.include('Scheduled for');
    await screenshot(page, '16-test-against-booking', { fullPage: false });
    const sent = (await c.get('/api/messages?limit=500')).body.items as { subject: string | null; body: string }[];
    expect(sent.filter((m) => /tomorrow/i.test(`${m.subject} ${m.body}`)), 'nothing was sent').to.deep.equal([]);
  });

  it('shows a failed run with its steps, and retries it', async () => {
    const { app, c, page } = t;
    // A webhook to a loopback address is refused (no private targets by default): templated, the URL is checked as
    // rendered, at the send, and the step fails for good.
    const wf = await c.post('/api/workflows', {
      name: 'Notify our server', trigger: { type: 'booking.created' }, filters: { resourceIds: ['court-2'] },
      actions: [{ type: 'webhook', config: { url: 'http://127.0.0.1:9/hook?booking={{booking.id}}' } }],
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
    // Among all runs, only those with a failed step.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByLabel('Show').selectOption({ label: 'Runs with a failed step' });
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('table tbody tr')];
      return rows.some((tr) => tr.textContent?.includes('Notify our server')) && rows.every((tr) => /Failed|Partial/.test(tr.textContent ?? ''));
    }, undefined, { timeout: 15_000 });
    // After an outage, everything that failed can be tried again at once (this one fails again: its address is refused).
    await page.getByRole('button', { name: 'Retry all failed runs' }).click();
    await page.getByText(/^Retrying \d+ runs?/).waitFor();

    await page.goto(`${app.url}/#/workflows/${wf.body.id}/runs`);
    await page.getByRole('link', { name: 'Run history' }).waitFor();
    await page.locator('table').getByText('Failed').first().waitFor();
    // the trigger in words, as the builder names it, not its code
    await page.locator('table').getByText('A booking is added').first().waitFor();
    await page.locator('table a').first().click();
    await page.getByRole('heading', { name: 'Steps' }).waitFor();
    await page.getByText('A booking is added').first().waitFor();
    expect(await page.locator('.run-step').innerText()).to.match(/Call a webhook/).and.match(/Attempts/);
    await page.locator('.run-step .step-error').waitFor();
    await screenshot(page, '08-run-failed');
    await page.getByRole('button', { name: 'Retry failed steps' }).click();
    await page.getByText('Retrying the failed steps').waitFor();
  });

  it('bookings: a change that frees a seat warns who on the waiting list gets it', async function () {
    const { app, c, page } = t;
    const spec = (await c.get('/api/openapi.json')).body;
    if (!spec.paths['/api/facility-waitlist']) this.skip();
    const start = inDays(8, 9);
    const held = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-1', startTime: start, endTime: plusHour(start) });
    expect(held.status).to.equal(201);
    const joined = await c.post('/api/facility-waitlist', { clubId: 'oslo', resourceId: 'court-1', memberId: 'anna', desiredStart: start, desiredEnd: plusHour(start) });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);
    const behind = await c.post('/api/facility-waitlist', { clubId: 'oslo', resourceId: 'court-1', memberId: 'ola', desiredStart: start, desiredEnd: plusHour(start) });
    expect(behind.status, JSON.stringify(behind.body)).to.equal(201);

    await signIn(page, app.url, c.key!);
    await page.getByRole('link', { name: 'Bookings' }).click();
    const row = page.locator(`tr[data-booking-id="${held.body.id}"]`);
    await row.getByRole('button', { name: /Change status/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the booking\'s status' });
    await dialog.getByLabel('Cancelled').check();
    await dialog.getByLabel('Reason (optional)').fill('Court closed for repairs');
    await dialog.getByRole('button', { name: 'Change status' }).click();
    const warning = dialog.locator('.free-seat-warning');
    await warning.waitFor();
    // the warning has the focus (the button that asked for it was busy meanwhile, and focus fell to the page body)
    await page.waitForFunction(() => document.activeElement?.classList.contains('free-seat-warning'));
    expect(await warning.innerText()).to.include('Anna Berg').and.match(/offered the seat until|gets the booking/);
    // the one behind her wants one seat, as many as were freed: passed over because Anna was ahead
    expect(await warning.innerText()).to.include('Passed over: Ola Nilsen (the freed seats went to those ahead in line)');
    await screenshot(page, '09-free-a-seat-warning', { fullPage: false });
    // next to "Yes, mark cancelled", a button named "Cancel" reads as cancelling the booking: it says it keeps it
    expect(await dialog.getByRole('button', { name: 'Cancel', exact: true }).count(), 'a close button named "Cancel"').to.equal(0);
    expect(await dialog.getByRole('button', { name: 'Keep as it is' }).isVisible()).to.equal(true);
    expect((await c.get(`/api/bookings/${held.body.id}`)).body.status, 'nothing changed yet').to.equal('confirmed');
    await dialog.getByRole('button', { name: /Yes, mark cancelled/ }).click();
    await page.getByText('Booking is now cancelled').waitFor();
    expect((await c.get(`/api/bookings/${held.body.id}`)).body.status).to.equal('cancelled');
    // the booking says when and why it was cancelled
    await page.goto(`${app.url}/#/bookings/${held.body.id}`);
    await page.getByRole('region', { name: 'Booking details' }).getByText('reason: “Court closed for repairs”').waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const del = page.getByRole('dialog', { name: 'Delete this booking?' });
    await del.getByRole('button', { name: 'Keep the booking' }).click();
    await del.waitFor({ state: 'hidden' });
    // closed by its own button, the dialog gives the focus back to the button that opened it
    await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Delete', undefined, { timeout: 5000 });
  });

  it('adds a booking by hand at the location\'s local time (winter and summer), and shows why a full slot is refused', async () => {
    const { app, c, page } = t;
    await signIn(page, app.url, c.key!);
    await page.getByRole('link', { name: 'Bookings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bookings' }).waitFor();
    const add = async (local: string) => {
      await page.getByRole('button', { name: 'New booking' }).click();
      const dialog = page.getByRole('dialog', { name: 'New booking' });
      await dialog.getByLabel('Customer').selectOption({ label: 'Anna Berg' });
      await dialog.getByLabel('Resource').selectOption({ label: 'Court 2 · Bergen Harbour' });
      await dialog.getByText('Local time at the location (Europe/Oslo)').waitFor(); // the zone of the resource chosen
      await dialog.getByLabel('Starts').fill(local);
      await dialog.getByRole('button', { name: 'Add booking' }).click();
      return dialog;
    };
    // Oslo is UTC+1 in January and UTC+2 in June; the browser here runs in UTC, so a wrong zone would show.
    for (const [local, utc] of [['2027-01-15T10:00', '2027-01-15T09:00:00.000Z'], ['2027-06-15T10:00', '2027-06-15T08:00:00.000Z']]) {
      await add(local);
      await page.getByRole('heading', { level: 1, name: 'Anna Berg · Court 2' }).waitFor();
      const id = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
      const saved = (await c.get(`/api/bookings/${id}`)).body;
      expect(saved).to.include({ customerId: 'anna', resourceId: 'court-2', startTime: utc, status: 'confirmed', seats: 1 });
      expect(Date.parse(saved.endTime) - Date.parse(saved.startTime)).to.equal(60 * 60_000); // the service's duration
      await page.getByRole('link', { name: 'Bookings' }).first().click();
    }
    // The same slot again: court 2 holds one seat.
    const dialog = await add('2027-01-15T10:00');
    await dialog.getByRole('alert').getByText('The booking was not added').waitFor();
    expect(await dialog.getByRole('alert').innerText()).to.include('no free seat').and.include('SLOT_FULL');
    await screenshot(page, '17-new-booking-full');
    // the way on: someone else wanting that time goes on the slot's waiting list from here
    await dialog.getByLabel('Customer').selectOption({ label: 'Ola Nilsen' });
    await dialog.getByRole('button', { name: 'Add booking' }).click();
    await dialog.getByRole('button', { name: 'Put Ola Nilsen on the waiting list' }).click();
    await page.getByText('Ola Nilsen is on the waiting list for this time').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Waiting list' }).waitFor();
    const entries = (await c.get('/api/facility-waitlist?memberId=ola&resourceId=court-2')).body.items;
    expect(entries.map((e: { desiredStart: string; status: string }) => [e.desiredStart, e.status])).to.deep.include(['2027-01-15T09:00:00.000Z', 'ACTIVE']);
  });

  it('corrects a customer from their booking: a bad number is refused at its field, and the workflows follow a new language', async () => {
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'English confirmation', trigger: { type: 'booking.created' }, filters: { languages: ['en'] },
      actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked', html: 'x' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    const start = inDays(12);
    const bk = await c.post('/api/bookings', { customerId: 'ola', resourceId: 'court-1', serviceId: 'court-hour', startTime: start, endTime: plusHour(start) });
    expect(bk.status).to.equal(201);
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/bookings/${bk.body.id}`);
    const workflows = page.getByRole('table', { name: 'Workflows for this booking' });
    expect(await workflows.getByRole('row', { name: /English confirmation/ }).innerText()).to.include('Does not apply').and.include('language');

    await page.getByRole('button', { name: 'Edit customer Ola Nilsen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Ola Nilsen' });
    await dialog.getByLabel('Phone').fill('12345');
    await dialog.getByRole('button', { name: 'Save customer' }).click();
    await dialog.getByText('The customer was not saved').waitFor();
    await screenshot(page, '18-edit-customer');
    expect(await dialog.getByLabel('Phone').getAttribute('aria-invalid')).to.equal('true');
    expect((await c.get('/api/customers/ola')).body.phone, 'nothing written').to.equal('+4793333333');

    await dialog.getByLabel('Phone').fill('+4799999999');
    await dialog.getByLabel('Language').fill('en');
    await dialog.getByRole('checkbox', { name: 'SMS' }).check();
    await dialog.getByRole('button', { name: 'Save customer' }).click();
    await page.getByText('Ola Nilsen saved').waitFor();
    expect((await c.get('/api/customers/ola')).body).to.deep.include({ phone: '+4799999999', language: 'en', optOut: ['sms'] });
    await page.getByText('+4799999999').waitFor();
    await workflows.getByRole('row', { name: /English confirmation/ }).getByText('Applies').waitFor();
    await c.post(`/api/workflows/${wf.body.id}/disable`);
  });

  it('a cancelled booking: a confirmation that was sent "no longer applies", and says how it ran', async () => {
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'Confirmation while open', trigger: { type: 'booking.created' }, filters: { statuses: ['pending', 'confirmed'] },
      actions: [{ type: 'email', config: { to: 'customer', subject: 'Booked', html: 'x' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    const start = inDays(14);
    const bk = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-2', startTime: start, endTime: plusHour(start) });
    expect(bk.status).to.equal(201);
    let sent = false;
    for (let i = 0; i < 100 && !sent; i++) { // the worker runs it
      const runs = (await c.get(`/api/bookings/${bk.body.id}/runs`)).body.items;
      sent = runs.some((r: { workflowId: string; status: string }) => r.workflowId === wf.body.id && r.status === 'succeeded');
      if (!sent) await new Promise((r) => setTimeout(r, 200));
    }
    expect(sent, 'the confirmation ran').to.equal(true);
    expect((await c.post(`/api/bookings/${bk.body.id}/status`, { status: 'cancelled' })).status).to.equal(200);

    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/bookings/${bk.body.id}`);
    const row = page.getByRole('table', { name: 'Workflows for this booking' }).getByRole('row', { name: /Confirmation while open/ });
    await row.getByText('Last run for this booking: Succeeded').waitFor();
    // judged as the booking is now (cancelled), next to what it did while it was confirmed: no "Does not apply" above a sent message
    expect(await row.innerText()).to.include('No longer applies').and.include('status is not one this workflow runs for').and.not.include('Does not apply');
    await c.post(`/api/workflows/${wf.body.id}/disable`);
  });

  it('checks delivery from Settings: with no mail server configured it says which settings are missing', async () => {
    const { app, c, page } = t;
    await c.patch('/api/settings', { adminEmail: 'boss@club.test' });
    await signIn(page, app.url, c.key!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const check = page.getByRole('region', { name: 'Check delivery' });
    expect(await check.getByLabel('Test email to').inputValue()).to.equal('boss@club.test');
    await check.getByRole('button', { name: 'Send a test email' }).click();
    const alert = check.getByRole('alert');
    await alert.getByText('The test email was not sent').waitFor();
    expect(await alert.innerText()).to.include('SMTP_URL').and.include('NOT_CONFIGURED');
    await check.getByLabel('Test SMS to').fill('12345');
    await check.getByRole('button', { name: 'Send a test SMS' }).click();
    await check.getByText('The test SMS was not sent').waitFor();
    await check.getByText('must be E.164, e.g. +4791234567').waitFor(); // at the field
    expect(await check.getByLabel('Test SMS to').getAttribute('aria-invalid')).to.equal('true');
    await screenshot(page, '20-delivery-check');
  });

  it('shows the reminders still to come in the outbox, with their workflow and booking', async () => {
    const { app, c, page } = t;
    const wf = await c.post('/api/workflows', {
      name: 'Day-before text', trigger: { type: 'booking.before_start', config: { offset: { amount: 24, unit: 'hours' } } },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'Tomorrow!' } }],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    // The start is the first whole hour 3 days from now, so the reminder is due between 48 and 49 hours from now,
    // which reads "in 2 days" at any time of day (10:00 three days away was "tomorrow" after 22:00).
    const start = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
    const bk = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-1', serviceId: 'court-hour', startTime: start, endTime: plusHour(start) });
    expect(bk.status).to.equal(201);
    await signIn(page, app.url, c.key!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('button', { name: 'Scheduled' }).click();
    const row = page.getByRole('table', { name: 'Scheduled reminders' }).getByRole('row', { name: /Day-before text Per Hansen/ });
    expect(await row.innerText()).to.include('Per Hansen').and.include('in 2 days');
    await row.getByRole('link', { name: /Per Hansen/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Per Hansen · Court 1' }).waitFor();
    await c.post(`/api/workflows/${wf.body.id}/disable`);
  });
});

// Webhook subscriptions: the form (with the server's URL check at its field), the secret shown once, a test
// delivery and its attempts.
import { expect } from 'chai';
import { screenshot, signIn } from './browser.js';
import { uiSuite } from './setup.js';

describe('Webhooks (admin UI, headless Chromium)', function () {
  const t = uiSuite();

  it('webhooks: subscribe through the form, see the test delivery and its attempts', async function () {
    const { app, c, page } = t;
    const spec = (await c.get('/api/openapi.json')).body;
    if (!spec.paths['/api/webhooks']) this.skip();
    await signIn(page, app.url, c.key!);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'New webhook' }).first().click();
    const form = page.getByRole('dialog', { name: 'New webhook' });
    // A loopback address is refused by the server, and the form says so at the URL.
    await form.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/hook');
    await form.getByRole('group', { name: 'Events' }).getByLabel('Booking created').check();
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await form.locator('.field', { hasText: 'Endpoint URL' }).locator('.field-errors').waitFor();
    await form.getByLabel('Endpoint URL').fill('https://crm.invalid/bookflow');
    await form.getByLabel('Description (optional)').fill('CRM sync');
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const secret = page.getByRole('dialog', { name: 'Copy the signing secret' });
    const shown = await secret.locator('.secret-value').innerText();
    expect(shown).to.match(/^whsec_/);
    // shown once: one click copies it, and the dialog says it did
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await secret.getByRole('button', { name: 'Copy the signing secret' }).click();
    await secret.getByRole('status').getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(shown);
    await secret.getByRole('button', { name: 'I have copied it' }).click();
    const hooks = (await c.get('/api/webhooks')).body.items;
    expect(hooks.map((h: { url: string; eventTypes: string[] }) => [h.url, h.eventTypes])).to.deep.include(['https://crm.invalid/bookflow', ['booking.created']]);

    await page.getByRole('button', { name: 'Send a test event to https://crm.invalid/bookflow' }).click();
    // it says how the endpoint answered, not only that something was sent (crm.invalid does not resolve)
    await page.getByText(/^Test event not delivered to https:\/\/crm\.invalid\/bookflow: .*crm\.invalid/).waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'Deliveries to https://crm.invalid/bookflow' }).click();
    const delivery = page.locator('.message', { hasText: 'webhook.test' });
    await delivery.waitFor();
    await delivery.getByText(/attempt/).waitFor();
    await delivery.getByRole('button', { name: /webhook\.test/ }).click();
    await delivery.locator('pre', { hasText: 'A test delivery from Bookflow' }).waitFor();
    // a failed attempt shows what the endpoint answered too, not only its status (as an endpoint answering 500 leaves it)
    const [d] = (await c.get(`/api/webhooks/${hooks[0].id}/deliveries`)).body.items;
    await app.ds.query(`INSERT INTO webhook_attempts (tenant_id, delivery_id, n, started_at, duration_ms, status_code, response_body, error_code, error)
      VALUES ($1, $2, 99, now(), 12, 500, 'boom: database down', 'HTTP_500', 'the endpoint answered 500')`, [c.tenantId, d.id]);
    await page.reload();
    const again = page.locator('.message', { hasText: 'webhook.test' });
    await again.getByRole('button', { name: /webhook\.test/ }).click();
    await again.getByText('boom: database down').waitFor();
    await screenshot(page, '15-webhook-deliveries');
  });
});

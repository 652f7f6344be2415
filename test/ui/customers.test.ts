// Customers: the list, adding one through the form (a bad address refused at its field, nothing written), finding
// one by address and correcting it.
import { expect } from 'chai';
import { screenshot, signIn } from './browser.js';
import { uiSuite } from './setup.js';

describe('Customers (admin UI, headless Chromium)', function () {
  const t = uiSuite();

  it('lists customers, adds one through the form, finds it by address and corrects it', async () => {
    const { app, c, page } = t;
    await signIn(page, app.url, c.key!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    const table = page.getByRole('table', { name: 'Customers' });
    expect(await table.getByRole('row', { name: /Per Hansen/ }).innerText()).to.include('per@club.test').and.include('+4791111111');

    await page.getByRole('button', { name: 'New customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'New customer' });
    await dialog.getByLabel('Name').fill('Ingrid Lie');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('ingrid@');
    const before = (await c.get('/api/customers?limit=500')).body.items.length;
    await dialog.getByRole('button', { name: 'Save customer' }).click();
    await dialog.getByText('The customer was not saved').waitFor();
    expect(await dialog.getByRole('textbox', { name: 'Email' }).getAttribute('aria-invalid')).to.equal('true');
    expect((await c.get('/api/customers?limit=500')).body.items, 'nothing written').to.have.length(before);
    await dialog.getByRole('textbox', { name: 'Email' }).fill('ingrid@club.test');
    await dialog.getByLabel('Phone').fill('+4794444444');
    await dialog.getByLabel('Language').fill('nb');
    await dialog.getByRole('button', { name: 'Save customer' }).click();
    await page.getByText('Ingrid Lie saved').waitFor();
    const [ingrid] = (await c.get('/api/customers?email=ingrid@club.test')).body.items;
    expect(ingrid).to.deep.include({ name: 'Ingrid Lie', phone: '+4794444444', language: 'nb', optOut: [] });
    expect((await c.get('/api/events?type=customer.created')).body.items.some((e: { subjectId: string }) => e.subjectId === ingrid.id),
      'created like any customer: customer.created recorded').to.equal(true);

    await page.getByRole('searchbox', { name: 'Find' }).fill('INGRID'); // a part of the name, any case
    await table.getByRole('row', { name: /Per Hansen/ }).waitFor({ state: 'detached' }); // the search has applied
    await table.getByRole('row', { name: /Ingrid Lie/ }).waitFor();
    expect(await table.getByRole('row').count(), 'the header and Ingrid').to.equal(2);
    await screenshot(page, '19-customers');
    await page.getByRole('button', { name: 'Edit customer Ingrid Lie' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Ingrid Lie' });
    await edit.getByRole('checkbox', { name: 'Email' }).check();
    await edit.getByRole('button', { name: 'Save customer' }).click();
    // The first save's notice may still be showing beside this one's.
    await page.getByText('Ingrid Lie saved').last().waitFor();
    await table.getByRole('row', { name: /Ingrid Lie/ }).getByText('EMAIL').waitFor();
    expect((await c.get(`/api/customers/${ingrid.id}`)).body.optOut).to.deep.equal(['email']);
  });

  it('pages a long list: 50 at first, the rest with Load more', async () => {
    const { app, c, page } = t;
    for (let i = 0; i < 60; i++) {
      const res = await c.post('/api/customers', { id: `bulk-${String(i).padStart(2, '0')}`, name: `Bulk ${i}` });
      expect(res.status).to.equal(201);
    }
    const total = (await c.get('/api/customers?limit=500')).body.items.length;
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/customers`);
    const rows = page.getByRole('table', { name: 'Customers' }).locator('tbody tr');
    await rows.nth(49).waitFor();
    expect(await rows.count()).to.equal(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(total - 1).waitFor();
    expect(await rows.count()).to.equal(total);
    expect(await page.getByRole('button', { name: 'Load more' }).count(), 'nothing more to load').to.equal(0);
  });
});
